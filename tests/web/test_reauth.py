"""Asking for the password again: /accounts/settings/confirm/ in front of export and email change."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from attune.web.accounts.reauth import AUTH_AT_KEY
from attune.web.audit.models import AuditEvent
from tests.web.conftest import PASSWORD

REAUTH = reverse("accounts:reauth")
EXPORT = reverse("accounts:export")
EMAIL = reverse("accounts:email_change")
SETTINGS = reverse("accounts:settings")


def age_password(client: Client, minutes: float) -> None:
    """Pretend the member last entered their password ``minutes`` ago."""
    session = client.session
    session[AUTH_AT_KEY] = int(time.time() - minutes * 60)
    session.save()


def _kinds(user: Any) -> list[str]:
    return list(AuditEvent.objects.filter(account=user).order_by("pk").values_list("kind", flat=True))


@pytest.mark.parametrize("url", [EXPORT, EMAIL])
def test_a_page_that_matters_asks_for_the_password_after_ten_minutes(owner_client: Client, url: str) -> None:
    age_password(owner_client, 11)
    for response in (owner_client.get(url), owner_client.post(url, {"email": "new@example.test"})):
        assert response.status_code == 302
        assert response["Location"] == f"{REAUTH}?next={url.replace('/', '%2F')}"


def test_a_late_post_to_export_downloads_nothing(owner_client: Client) -> None:
    age_password(owner_client, 11)
    response = owner_client.post(EXPORT)
    assert response.status_code == 302 and "zip" not in response.get("Content-Type", "")


@pytest.mark.parametrize("url", [EXPORT, EMAIL])
def test_within_ten_minutes_of_signing_in_the_page_opens_at_once(owner_client: Client, url: str) -> None:
    # force_login signs in as the login page does, which counts as entering the password.
    assert owner_client.get(url).status_code == 200


def test_the_window_is_a_setting(owner_client: Client, settings: Any) -> None:
    settings.REAUTH_SECONDS = 30 * 60
    age_password(owner_client, 20)
    assert owner_client.get(EXPORT).status_code == 200
    age_password(owner_client, 31)
    assert owner_client.get(EXPORT).status_code == 302


def test_the_right_password_goes_back_to_where_the_member_was(owner_client: Client, owner: Any) -> None:
    age_password(owner_client, 11)
    page = owner_client.get(f"{REAUTH}?next={EXPORT}")
    html = page.content.decode()
    assert page.status_code == 200 and "Confirm it's you" in html
    assert f'name="next" value="{EXPORT}"' in html
    response = owner_client.post(REAUTH, {"password": PASSWORD, "next": EXPORT})
    assert response.status_code == 302 and response["Location"] == EXPORT
    assert owner_client.get(EXPORT).status_code == 200
    assert _kinds(owner)[-1] == "reauthenticated"


def test_a_wrong_password_is_told_kindly_and_recorded_once(owner_client: Client, owner: Any) -> None:
    age_password(owner_client, 11)
    response = owner_client.post(REAUTH, {"password": "not it", "next": EXPORT})
    assert response.status_code == 200
    assert "That isn&#x27;t your password. Please try again" in response.content.decode()
    assert owner_client.get(EXPORT).status_code == 302  # still not confirmed
    kinds = _kinds(owner)
    assert kinds.count("reauth_failed") == 1
    assert "sign_in_failed" not in kinds  # one event, not two


@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/", "abc", "javascript:x"])
def test_next_never_leads_off_the_site(owner_client: Client, target: str) -> None:
    age_password(owner_client, 11)
    response = owner_client.post(REAUTH, {"password": PASSWORD, "next": target})
    assert response.status_code == 302 and response["Location"] == SETTINGS
    page = owner_client.get(REAUTH, {"next": target}).content.decode()
    assert "elsewhere.example" not in page and "javascript:" not in page


def test_wrong_passwords_here_count_towards_the_same_limit_as_the_login_page(
    owner_client: Client, owner: Any, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    age_password(owner_client, 11)
    for _ in range(3):
        owner_client.post(REAUTH, {"password": "guess", "next": EXPORT})
    response = owner_client.post(REAUTH, {"password": PASSWORD, "next": EXPORT})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Confirm it's you" in html and "try again in" in html.lower()
    assert owner_client.get(EXPORT).status_code == 302


def test_an_anonymous_visitor_is_sent_to_log_in(anon_client: Client) -> None:
    for url in (REAUTH, EXPORT, EMAIL):
        response = anon_client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_confirming_is_per_browser(owner: Any) -> None:
    """A confirmation in one browser opens nothing in another signed in to the same account."""
    first, second = Client(), Client()
    first.force_login(owner)
    second.force_login(owner)
    age_password(first, 11)
    age_password(second, 11)
    first.post(REAUTH, {"password": PASSWORD, "next": EXPORT})
    assert first.get(EXPORT).status_code == 200
    assert second.get(EXPORT).status_code == 302


def test_changing_two_step_sign_in_asks_for_the_password_after_ten_minutes(owner_client: Client, owner: Any) -> None:
    from attune.web.accounts import mfa
    from tests.web.two_step_helpers import enrol_app

    enrol_app(owner)
    session = owner_client.session
    mfa.mark_session_verified(session, owner, "app")
    session.save()
    age_password(owner_client, 11)
    two_step = reverse("accounts:two_step")
    response = owner_client.post(reverse("accounts:two_step_off"))
    assert response.status_code == 302 and response["Location"] == f"{REAUTH}?next=%2Faccounts%2Ftwo-step%2F"
    assert mfa.is_enrolled(owner)  # nothing was changed
    passkey = owner_client.post(
        reverse("accounts:two_step_passkey_add_options"), data="{}", content_type="application/json"
    )
    assert passkey.status_code == 403 and passkey.json()["reauth"].startswith(REAUTH)
    owner_client.post(f"{REAUTH}?next={two_step}", {"password": PASSWORD})
    assert owner_client.post(reverse("accounts:two_step_off")).status_code == 302
    assert not mfa.is_enrolled(owner)
