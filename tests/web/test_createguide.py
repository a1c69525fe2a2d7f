"""`attune createguide USERNAME [--email E]`."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from attune.cli import main
from tests.web.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _django_is_already_set_up(monkeypatch: Any) -> None:
    """pytest-django has set Django up; a second ``django.setup()`` from the CLI would rebuild the
    logging handlers around this test's captured stderr, which is closed after the test."""
    import django

    monkeypatch.setattr(django, "setup", lambda *args, **kwargs: None)


def test_it_creates_a_guide_and_prints_a_working_password_once(db: None, capsys: Any) -> None:
    assert main(["createguide", "gwen", "--email", "gwen@example.test"]) == 0
    out = capsys.readouterr().out
    match = re.search(r"shown only this once: (\S+)", out)
    assert match, out
    password = match.group(1)
    assert out.count(password) == 1
    assert len(password) >= 16
    guide = get_user_model().objects.get(username="gwen")
    assert guide.is_guide and guide.email == "gwen@example.test"
    assert not guide.is_staff and not guide.is_superuser
    assert guide.check_password(password)


def test_it_makes_an_existing_member_a_guide_without_touching_their_password(owner: Any, capsys: Any) -> None:
    assert main(["createguide", "olive"]) == 0
    out = capsys.readouterr().out
    assert "olive is now a guide" in out
    assert "Guides must use two-step sign-in" in out
    owner.refresh_from_db()
    assert owner.is_guide and owner.email == "olive@example.test"
    assert owner.check_password(PASSWORD)


def test_promoting_can_set_a_new_email(owner: Any) -> None:
    assert main(["createguide", "olive", "--email", "olive.new@example.test"]) == 0
    owner.refresh_from_db()
    assert owner.email == "olive.new@example.test"


def test_it_refuses_a_bad_username_or_email_with_a_clear_message(db: None, capsys: Any) -> None:
    assert main(["createguide", "gwen smith!"]) == 2
    assert "username" in capsys.readouterr().err
    assert main(["createguide", "gwen", "--email", "not-an-email"]) == 2
    assert "'not-an-email' is not an email address" in capsys.readouterr().err
    assert not get_user_model().objects.exists()


def test_it_refuses_a_name_that_differs_only_in_case(owner: Any, capsys: Any) -> None:
    assert main(["createguide", "OLIVE"]) == 2
    assert "There is already a member called 'olive'" in capsys.readouterr().err
    owner.refresh_from_db()
    assert not owner.is_guide


def test_an_admin_can_grant_and_remove_the_guide_role(owner: Any, client: Any) -> None:
    from django.urls import reverse

    admin = get_user_model().objects.create_superuser("ada", "ada@example.test", PASSWORD)
    client.force_login(admin)
    url = reverse("admin:accounts_user_changelist")
    client.post(url, {"action": "make_guide", "_selected_action": [owner.pk]})
    owner.refresh_from_db()
    assert owner.is_guide
    assert client.get(reverse("admin:accounts_user_change", args=[owner.pk])).status_code == 200
    client.post(url, {"action": "remove_guide", "_selected_action": [owner.pk]})
    owner.refresh_from_db()
    assert not owner.is_guide
