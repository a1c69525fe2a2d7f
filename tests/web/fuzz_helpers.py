"""Shared pieces of the fuzz suites (not a test module): a world with one of everything, its
personas, the URL arguments that reach each object, and a counter the terminal summary prints.

The world: a member (the owner) with a check-in, a practice session, a recording, a resonance
assessment, an import, a journal entry shared with their guide, a workbook enrolment, a pair
room, a workshop place and an accepted retreat application; the guide who leads the cohort,
the workshop and the retreat (with a question, a schedule item and a word request); and an
outsider, a guide too, who owns none of it and must never get a 2xx on any of it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from daily_factories import make_checkin, make_session
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test.client import encode_multipart
from django.urls import URLPattern, URLResolver, reverse

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    from attune.web.asgi import application

#: Cases run by each fuzz test, by kind; ``pytest_terminal_summary`` in tests/conftest.py prints the sums.
FUZZ_PROPERTY = "fuzz_cases"


def record_cases(request: pytest.FixtureRequest, kind: str, count: int) -> None:
    """Attach ``count`` cases of ``kind`` to the test's report (it reaches the controller under xdist)."""
    request.node.user_properties.append((FUZZ_PROPERTY, (kind, count)))


@dataclass
class World:
    owner: Any
    guide: Any
    outsider: Any
    partner: Any
    args: dict[str, dict[str, Any]] = field(default_factory=dict)
    recording_id: int = 0
    pair_room_id: int = 0
    workshop_room_id: int = 0


def build_world(owner: Any, guide: Any, partner: Any) -> World:
    from django.contrib.auth import get_user_model

    from attune.web.accounts.mfa_models import Passkey
    from attune.web.imports.models import Import
    from attune.web.journal import actions as journal_actions
    from attune.web.physio import actions as physio_actions
    from attune.web.retreats import actions as retreats_actions
    from attune.web.retreats import days as retreat_days
    from attune.web.retreats.models import ScheduleItem
    from attune.web.rooms import actions as rooms_actions
    from attune.web.workbooks.models import Cohort, Enrolment
    from tests.web import room_helpers
    from tests.web.journal_helpers import cohort_led_by
    from tests.web.retreat_helpers import applied, retreat_led_by

    outsider = get_user_model().objects.create_user(
        "ursula", "ursula@example.test", "a calm long passphrase", display_name="Ursula", is_guide=True
    )
    checkin = make_checkin(owner)
    session = make_session(owner)
    recording = physio_actions.start_recording(owner)
    assessment = physio_actions.start_assessment(owner)
    imported = Import.objects.create(
        owner=owner, original_name="sleep.csv", size_bytes=10, format="oura", created_at=dt.datetime.now(dt.UTC)
    )
    cohort = cohort_led_by(guide, owner)
    enrolment = Enrolment.objects.get(user=owner, cohort=cohort)
    entry = journal_actions.write_entry(owner, body="A quiet morning.")
    journal_actions.share_entry(entry, guide)
    pair = room_helpers.pair_room(owner, partner, with_hug=True)
    workshop = room_helpers.workshop(guide)
    rooms_actions.enrol(owner, workshop)
    retreat = retreat_led_by(guide)
    application = retreats_actions.accept(applied(owner, retreat))
    item = retreat_days.save_item(
        ScheduleItem(retreat=retreat, day=retreat.starts_on, starts_at=dt.time(9), kind="meal", title="Breakfast")
    )
    word = retreat_days.ask_for_a_word(application, "a word")
    feed_token = retreat_days.new_feed_link(application)
    passkey = Passkey.objects.create(
        user=owner, name="A phone", credential_id=b"fuzz", credential_hash="f" * 64, public_key=b"not a key"
    )
    args = {
        "accounts:two_step_passkey_remove": {"pk": passkey.pk},
        "accounts:email_confirm": {"token": "not-a-real-token"},
        "checkins:": {"pk": checkin.pk},
        "practices:session_finish": {"pk": session.pk},
        "practices:": {"slug": "hand-on-heart"},
        "physio:resonance": {"pk": assessment.pk},
        "physio:": {"pk": recording.pk},
        "imports:": {"pk": imported.pk},
        "journal:": {"pk": entry.pk},
        "workbooks:cohort": {"pk": cohort.pk},
        "workbooks:join": {"token": Cohort.objects.get(pk=cohort.pk).invite_token},
        "workbooks:": {"pk": enrolment.pk, "day": 1, "index": 0, "slug": cohort.version.workbook.slug},
        "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "rooms:join_link": {"code": pair.code},
        "rooms:workshop": {"pk": workshop.pk},
        "rooms:enrol": {"pk": workshop.pk},
        "rooms:cancel": {"pk": workshop.pk},
        "rooms:projector": {"pk": workshop.room_id},
        "rooms:": {"pk": pair.pk},
        "retreats:application": {"pk": application.pk},
        "retreats:decide": {"pk": application.pk},
        "retreats:payment": {"pk": application.pk},
        "retreats:shared_arc": {"pk": application.pk},
        "retreats:item_": {"pk": retreat.pk, "item": item.pk},
        "retreats:word_seen": {"pk": retreat.pk, "word": word.pk},
        "retreats:feed": {"token": feed_token},
        "retreats:": {"pk": retreat.pk, "qid": retreat.questions.get().pk},
    }
    return World(
        owner=owner,
        guide=guide,
        outsider=outsider,
        partner=partner,
        args=args,
        recording_id=recording.pk,
        pair_room_id=pair.pk,
        workshop_room_id=workshop.room_id,
    )


def url_names(patterns: list[Any], namespace: str = "") -> list[tuple[str, Any]]:
    """Every named URL pattern (name, pattern), recursively, the admin's left out."""
    found: list[tuple[str, Any]] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            if (p.namespace or namespace) != "admin":
                found += url_names(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern) and p.name:
            found.append((f"{namespace}:{p.name}", p))
    return found


def url_for(name: str, pattern: URLPattern, args: dict[str, dict[str, Any]]) -> str:
    """``name`` reversed with the world's arguments: the most specific prefix of the name that has them."""
    wanted = set(getattr(pattern.pattern, "converters", {})) or set(pattern.pattern.regex.groupindex)
    if not wanted:
        return reverse(name)
    for prefix in sorted((k for k in args if name.startswith(k)), key=len, reverse=True):
        kwargs = {k: v for k, v in args[prefix].items() if k in wanted}
        if set(kwargs) == wanted:
            return reverse(name, kwargs=kwargs)
    raise AssertionError(f"the fuzz world (tests/web/fuzz_helpers.py) needs arguments {sorted(wanted)} for {name}")


CSRF = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"  # a CSRF secret (32 characters), sent as cookie and header
BOUNDARY = "BoUnDaRyfUzZ"


def asgi_request(cookie: str, url: str, req: dict[str, Any]) -> tuple[int, bytes]:
    """Send ``req`` through attune's real ASGI application (body limit, spool, middleware, view).

    Answers the status and body; an exception out of the application counts as the 500 a server
    would answer for it.
    """
    if req["method"] == "GET":
        body, content_type = b"", None
    elif "data" in req:
        body, content_type = encode_multipart(BOUNDARY, req["data"]), f"multipart/form-data; boundary={BOUNDARY}"
    else:
        body, content_type = req["body"], req["content_type"]
    headers = [(b"host", b"testserver"), (b"cookie", f"csrftoken={CSRF}; {cookie}".encode()),
               (b"x-csrftoken", CSRF.encode()), (b"content-length", str(len(body)).encode())]
    if content_type is not None:
        headers.append((b"content-type", content_type.encode("latin-1", "replace")))
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": req["method"],
        "scheme": "http", "path": url, "raw_path": url.encode(), "root_path": "",
        "query_string": req["query"].removeprefix("?").encode(), "headers": headers,
        "client": ("127.0.0.1", 40000), "server": ("testserver", 80),
    }
    sent: list[dict[str, Any]] = []

    async def call() -> None:
        pending = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict[str, Any]:
            if pending:
                return pending.pop()
            await asyncio.Future()  # the client stays until the answer is sent
            raise AssertionError("unreachable")

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await application(scope, receive, send)

    try:
        async_to_sync(call)()
    except Exception as exc:
        return 500, f"{type(exc).__name__}: {exc}".encode()
    start = next(m for m in sent if m["type"] == "http.response.start")
    return int(start["status"]), b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


@pytest.fixture
def requests_in_this_thread() -> Iterator[None]:
    """What Django's test client does: the test's transaction is not closed at each request's end."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


