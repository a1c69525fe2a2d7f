"""Personas for view and websocket tests: the owner, another member, a guide, and an anonymous visitor.

Anyone but the owner must get 404 on every object that is not theirs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

PASSWORD = "a calm long passphrase"


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Journal keys come from the environment in tests, so no key file is ever written into the repo.
    monkeypatch.setenv("ATTUNE_JOURNAL_KEYS", "test:" + "A" * 43)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}
    }
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_language_left_active() -> Iterator[None]:
    """A request the test client makes leaves its language active in the test's thread (a server
    begins each request afresh); put it back, so that code run outside a request, which emails use
    for a member with no language of their own, sees no request's language."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True, scope="session")
def _jobs_run_inline() -> None:
    """Background jobs run inside the test that queues them (Huey's immediate mode, in memory).

    test_worker.py starts the real worker in a subprocess, with its own settings.
    """
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


@pytest.fixture(autouse=True)
def _close_connections_of_the_live_writer_thread() -> Any:
    """Close the database connection the live writer keeps in asgiref's thread-sensitive thread.

    In a server that connection is kept on purpose (no reconnect per beat); in tests it would
    outlive the test database, and PostgreSQL refuses to drop a database someone is still using.
    """
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    executor = SyncToAsync.single_thread_executor
    if getattr(executor, "_threads", None):  # only if some test has used that thread
        executor.submit(connections.close_all).result(timeout=10)


@pytest.fixture(autouse=True)
def _signed_in_guides_have_passed_the_second_step(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test client that signs a guide or staff member in (``force_login``, ``login``) marks the session
    as having passed the second step, as the real sign-in does after a code or a passkey.

    The rule itself is not weakened: a session made any other way is still sent to the second step or
    to set-up. Tests of two-step sign-in itself take the ``real_two_step`` mark and sign in for real.
    """
    if request.node.get_closest_marker("real_two_step"):
        return
    from attune.web.accounts import mfa

    original = Client._login

    def _login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        if mfa.required_for(user):
            session = self.session
            mfa.mark_session_verified(session, user, "test")
            session.save()

    monkeypatch.setattr(Client, "_login", _login)


def _make(username: str, **extra: Any) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username, f"{username}@example.test", PASSWORD, **extra)


@pytest.fixture
def owner(db: None) -> Any:
    return _make("olive", timezone="Europe/London", display_name="Olive")


@pytest.fixture
def other(db: None) -> Any:
    return _make("oscar", timezone="America/New_York", display_name="Oscar")


@pytest.fixture
def guide(db: None) -> Any:
    return _make("gwen", timezone="Europe/Berlin", display_name="Gwen", is_guide=True)


@pytest.fixture
def owner_client(owner: Any) -> Client:
    c = Client()
    c.force_login(owner)
    return c


@pytest.fixture
def other_client(other: Any) -> Client:
    c = Client()
    c.force_login(other)
    return c


@pytest.fixture
def guide_client(guide: Any) -> Client:
    c = Client()
    c.force_login(guide)
    return c


@pytest.fixture
def anon_client(db: None) -> Client:
    return Client()


@pytest.fixture
def builtin_workbooks(db: None) -> None:
    """The built-in workbooks published, as `attune serve` does at start-up (never a page visit)."""
    from attune.web.workbooks import actions

    actions.sync_builtin()


@pytest.fixture(autouse=True)
def _a_channel_layer_per_test() -> Iterator[None]:
    """A fresh channel layer for each test: each async test runs in its own event loop, and a Redis
    layer keeps locks bound to the loop that first used it ("bound to a different event loop")."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
