"""Changing the email address: /accounts/settings/email/, behind the password, told to the old address."""

from __future__ import annotations

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


def test_the_member_changes_their_email_and_the_old_address_is_told(
    owner_client: Client, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(URL, {"email": "  Olive.New@Example.TEST "})
    assert response.status_code == 302 and response["Location"] == SETTINGS
    owner.refresh_from_db()
    assert owner.email == "Olive.New@example.test"
    (notice,) = mail.outbox
    assert notice.to == ["olive@example.test"]
    assert "email address" in notice.subject
    assert "Olive.New" not in notice.body  # the new address is not handed to whoever reads the old one
    assert "If it was not you" in notice.body
    event = AuditEvent.objects.filter(account=owner, kind="email_changed").get()
    assert "olive" not in repr(event.detail).lower()


def test_adding_a_first_address_tells_the_new_one(
    owner_client: Client, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner.email = ""
    owner.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(URL, {"email": "olive@example.test"})
    assert [m.to for m in mail.outbox] == [["olive@example.test"]]


def test_the_address_can_be_removed(owner_client: Client, owner: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert owner_client.post(URL, {"email": ""}).status_code == 302
    owner.refresh_from_db()
    assert owner.email == ""
    assert [m.to for m in mail.outbox] == [["olive@example.test"]]


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
