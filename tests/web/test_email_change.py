"""Changing the email address: /accounts/settings/email/, behind the password, told to the old address."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from attune.web.audit.models import AuditEvent
from tests.web.conftest import PASSWORD
from tests.web.test_reauth import age_password

URL = reverse("accounts:email_change")
SETTINGS = reverse("accounts:settings")


def test_the_settings_page_shows_the_email_and_links_to_change_it(owner_client: Client) -> None:
    html = owner_client.get(SETTINGS).content.decode()
    assert "olive@example.test" in html and f'href="{URL}"' in html


def _ask(client: Client, email: str, capture: Any) -> str:
    """Ask for ``email`` on the page; return the confirmation link mailed to it (path only)."""
    with capture(execute=True):
        response = client.post(URL, {"email": email})
    assert response.status_code == 302 and response["Location"] == SETTINGS
    link = mail.outbox[-1]
    match = re.search(r"https?://[^/\s]+(/accounts/settings/email/confirm/[^\s]+/)", link.body)
    assert match, link.body
    return match.group(1)


def test_a_new_address_is_used_only_once_its_link_is_opened_and_the_old_one_is_told(
    owner_client: Client, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    path = _ask(owner_client, "  Olive.New@Example.TEST ", django_capture_on_commit_callbacks)
    (link,) = mail.outbox
    assert link.to == ["Olive.New@example.test"] and "Confirm your new email" in link.subject
    owner.refresh_from_db()
    assert owner.email == "olive@example.test"  # nothing changes until the link is opened
    page = owner_client.get(path)
    assert page.status_code == 200 and "Olive.New@example.test" in page.content.decode()
    owner.refresh_from_db()
    assert owner.email == "olive@example.test"  # a GET changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(path)
    assert response.status_code == 302 and response["Location"] == SETTINGS
    owner.refresh_from_db()
    assert owner.email == "Olive.New@example.test"
    notice = mail.outbox[-1]
    assert notice.to == ["olive@example.test"] and "email address" in notice.subject
    assert "Olive.New" not in notice.body  # the new address is not handed to whoever reads the old one
    assert "If it was not you" in notice.body
    event = AuditEvent.objects.filter(account=owner, kind="email_changed").get()
    assert "olive" not in repr(event.detail).lower()


def test_a_link_works_once(owner_client: Client, owner: Any, django_capture_on_commit_callbacks: Any) -> None:
    path = _ask(owner_client, "olive.new@example.test", django_capture_on_commit_callbacks)
    owner_client.post(path)
    again = owner_client.post(path)
    assert again.status_code == 400 and "This link no longer works" in again.content.decode()


def test_a_link_is_only_for_its_own_account(
    owner_client: Client, other_client: Client, owner: Any, other: Any, django_capture_on_commit_callbacks: Any
) -> None:
    path = _ask(owner_client, "olive.new@example.test", django_capture_on_commit_callbacks)
    assert other_client.post(path).status_code == 400
    other.refresh_from_db()
    owner.refresh_from_db()
    assert (owner.email, other.email) == ("olive@example.test", "oscar@example.test")
    anonymous = Client().get(path)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))


def test_a_link_older_than_a_day_no_longer_works(
    owner_client: Client, owner: Any, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from attune.web.accounts import actions

    path = _ask(owner_client, "olive.new@example.test", django_capture_on_commit_callbacks)
    monkeypatch.setattr(actions, "EMAIL_LINK_SECONDS", -1)
    assert owner_client.post(path).status_code == 400
    owner.refresh_from_db()
    assert owner.email == "olive@example.test"


def test_a_forged_or_garbled_link_changes_nothing(owner_client: Client, owner: Any) -> None:
    for token in ("abc", "eyJ1IjoxfQ:1vAbCd:xyz", "x" * 300):
        response = owner_client.post(reverse("accounts:email_confirm", kwargs={"token": token}))
        assert response.status_code == 400
    owner.refresh_from_db()
    assert owner.email == "olive@example.test"


def test_an_address_taken_meanwhile_is_refused_at_the_link(
    owner_client: Client, owner: Any, other: Any, django_capture_on_commit_callbacks: Any
) -> None:
    path = _ask(owner_client, "shared@example.test", django_capture_on_commit_callbacks)
    other.email = "shared@example.test"
    other.save(update_fields=["email"])
    response = owner_client.post(path)
    assert response.status_code == 400 and "Another account already uses this email" in response.content.decode()


def test_adding_a_first_address_goes_through_its_link_too(
    owner_client: Client, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner.email = ""
    owner.save(update_fields=["email"])
    path = _ask(owner_client, "olive@example.test", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(path)
    owner.refresh_from_db()
    assert owner.email == "olive@example.test"
    assert [m.to for m in mail.outbox] == [["olive@example.test"], ["olive@example.test"]]


def test_the_address_can_be_removed_at_once(
    owner_client: Client, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert owner_client.post(URL, {"email": ""}).status_code == 302
    owner.refresh_from_db()
    assert owner.email == ""
    assert [m.to for m in mail.outbox] == [["olive@example.test"]]


def test_the_links_token_is_scrubbed_from_any_log_line() -> None:
    from attune.web.logging import scrub

    line = scrub("Bad Request: /accounts/settings/email/confirm/eyJ1IjoxfQ:1vAbCd:SecretPart/")
    assert "SecretPart" not in line and "/accounts/settings/email/confirm/[token]/" in line


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("olive@", "doesn&#x27;t look like an email address"),
        ("Oscar@Example.test", "Another account already uses this email"),
        ("OLIVE@example.test", "That is already your email address"),
    ],
)
def test_it_refuses_with_a_clear_message(
    owner_client: Client, owner: Any, other: Any, email: str, message: str
) -> None:
    response = owner_client.post(URL, {"email": email})
    assert response.status_code == 200
    assert message in response.content.decode()
    owner.refresh_from_db()
    assert owner.email == "olive@example.test"
    assert mail.outbox == []


def test_after_ten_minutes_it_asks_for_the_password_first(owner_client: Client, owner: Any) -> None:
    age_password(owner_client, 11)
    response = owner_client.post(URL, {"email": "mallory@example.test"})
    assert response["Location"].startswith(reverse("accounts:reauth"))
    owner.refresh_from_db()
    assert owner.email == "olive@example.test"
    owner_client.post(reverse("accounts:reauth"), {"password": PASSWORD, "next": URL})
    assert owner_client.post(URL, {"email": "olive2@example.test"}).status_code == 302


def test_each_member_changes_only_their_own(owner_client: Client, owner: Any, other: Any) -> None:
    owner_client.post(URL, {"email": "olive2@example.test", "user": other.pk, "id": other.pk})
    other.refresh_from_db()
    assert other.email == "oscar@example.test"
    assert "oscar" not in owner_client.get(URL).content.decode().lower()
