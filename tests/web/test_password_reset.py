"""Password reset: the whole journey from "forgot" to logging in with the new password."""

from __future__ import annotations

import logging
import os
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from attune.web.accounts import throttle
from tests.web.conftest import PASSWORD

NEW_PASSWORD = "a new and gentle passphrase"


def _ask(client: Client, email: str) -> Any:
    return client.post(reverse("accounts:password_reset"), {"email": email})


def _link(message: Any) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_it_shows_a_labelled_form(anon_client: Client) -> None:
    response = anon_client.get(reverse("accounts:password_reset"))
    assert response.status_code == 200
    assert '<label for="id_email">' in response.content.decode()


def test_the_whole_journey_sets_a_new_password(anon_client: Client, owner: Any) -> None:
    response = _ask(anon_client, "olive@example.test")
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["olive@example.test"]
    assert message.subject == "Your password for attune"
    assert "Hello Olive," in message.body
    link = _link(message)

    form_page = anon_client.get(link, follow=True)
    assert form_page.status_code == 200
    assert '<label for="id_new_password1">' in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = anon_client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert anon_client.get(done["Location"]).status_code == 200

    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    login = anon_client.post(reverse("accounts:login"), {"username": "olive", "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_a_link_works_only_once(anon_client: Client, owner: Any) -> None:
    _ask(anon_client, "olive@example.test")
    link = _link(mail.outbox[0])
    set_url = anon_client.get(link, follow=True).redirect_chain[-1][0]
    anon_client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = Client().get(link, follow=True)
    assert "This link has already been used or is too old." in again.content.decode()


def test_a_made_up_link_is_refused_kindly(anon_client: Client, owner: Any) -> None:
    url = reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "abc-def"})
    response = anon_client.get(url)
    assert response.status_code == 200
    assert "This link has already been used or is too old." in response.content.decode()


def test_an_unknown_email_sends_nothing_but_looks_the_same(anon_client: Client, owner: Any) -> None:
    response = _ask(anon_client, "nobody@example.test")
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_it_rejects_a_malformed_email_with_a_clear_message(anon_client: Client) -> None:
    response = _ask(anon_client, "olive-at-example")
    assert response.status_code == 200
    html = response.content.decode()
    assert "doesn&#x27;t look like an email address" in html
    assert 'aria-invalid="true"' in html


def test_it_rejects_mismatched_new_passwords(anon_client: Client, owner: Any) -> None:
    _ask(anon_client, "olive@example.test")
    set_url = anon_client.get(_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    response = anon_client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": "something else entirely"})
    assert response.status_code == 200
    assert "The two passwords are not the same" in response.content.decode()
    owner.refresh_from_db()
    assert not owner.check_password(NEW_PASSWORD)


def test_a_reset_lifts_a_login_lockout(anon_client: Client, owner: Any, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        anon_client.post(reverse("accounts:login"), {"username": "olive", "password": "guess"})
    locked = anon_client.post(reverse("accounts:login"), {"username": "olive", "password": PASSWORD})
    assert locked.status_code == 429
    _ask(anon_client, "olive@example.test")
    set_url = anon_client.get(_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    anon_client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    login = anon_client.post(reverse("accounts:login"), {"username": "olive", "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_the_email_backend_is_the_redacting_console_unless_configured() -> None:
    from attune.web import settings as project_settings

    if "ATTUNE_EMAIL_BACKEND" in os.environ:
        pytest.skip("ATTUNE_EMAIL_BACKEND is set in this environment")
    assert project_settings.EMAIL_BACKEND == "attune.web.common.mail.ConsoleEmailBackend"


# --- Throttling of reset requests -----------------------------------------------------------------

DONE_TEXT = "If an account here uses that email, a link to set a new password is on its way."


@pytest.fixture
def reset_limits(settings: Any) -> Any:
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 3
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 20
    settings.PASSWORD_RESET_WINDOW_SECONDS = 3600
    return settings


def _page_after(client: Client, email: str) -> str:
    response = client.post(reverse("accounts:password_reset"), {"email": email}, follow=True)
    assert response.redirect_chain == [(reverse("accounts:password_reset_done"), 302)]
    # CSRF tokens are masked afresh on every render; everything else must match exactly.
    return re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1…", response.content.decode())


def test_the_fourth_request_for_one_email_sends_nothing_and_looks_the_same(
    anon_client: Client, owner: Any, reset_limits: Any
) -> None:
    pages = [_page_after(anon_client, "olive@example.test") for _ in range(4)]
    assert len(mail.outbox) == 3
    assert DONE_TEXT in pages[0]
    assert pages[3] == pages[0]


def test_the_limits_default_to_three_per_email_and_twenty_per_address(
    anon_client: Client, owner: Any, settings: Any
) -> None:
    for name in ("PASSWORD_RESET_LIMIT_PER_EMAIL", "PASSWORD_RESET_LIMIT_PER_ADDRESS", "PASSWORD_RESET_WINDOW_SECONDS"):
        if hasattr(settings, name):
            delattr(settings, name)
    for _ in range(4):
        _ask(anon_client, "olive@example.test")
    assert len(mail.outbox) == 3
    for n in range(16):  # 4 + 16 = 20 requests from this address, the last allowed
        _ask(anon_client, f"nobody{n}@example.test")
    _ask(Client(), "oscar@example.test")  # 21st from 127.0.0.1
    assert len(mail.outbox) == 3


def test_the_limit_ignores_case_and_spaces_in_the_email(anon_client: Client, owner: Any, reset_limits: Any) -> None:
    for email in ("olive@example.test", "OLIVE@example.test", " Olive@Example.Test ", "olive@EXAMPLE.test"):
        _ask(anon_client, email)
    assert len(mail.outbox) == 3


def test_another_email_still_gets_its_link(anon_client: Client, owner: Any, other: Any, reset_limits: Any) -> None:
    for _ in range(4):
        _ask(anon_client, "olive@example.test")
    assert len(mail.outbox) == 3
    _ask(anon_client, "oscar@example.test")
    assert len(mail.outbox) == 4
    assert mail.outbox[-1].to == ["oscar@example.test"]


def test_one_address_asking_for_many_emails_is_limited(
    owner: Any, other: Any, reset_limits: Any, settings: Any
) -> None:
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 2
    asker = Client(REMOTE_ADDR="10.0.0.9")
    _ask(asker, "nobody@example.test")
    _ask(asker, "olive@example.test")
    assert len(mail.outbox) == 1
    page = _page_after(asker, "oscar@example.test")
    assert len(mail.outbox) == 1
    assert DONE_TEXT in page
    # Someone else, elsewhere, is not affected.
    _ask(Client(REMOTE_ADDR="10.0.0.10"), "oscar@example.test")
    assert len(mail.outbox) == 2
    assert mail.outbox[-1].to == ["oscar@example.test"]


def test_the_per_address_limit_uses_the_proxy_header_when_told_to(owner: Any, reset_limits: Any, settings: Any) -> None:
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    settings.LOGIN_CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    _ask(Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7"), "nobody@example.test")
    _ask(Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8"), "olive@example.test")
    assert len(mail.outbox) == 1
    _ask(Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.7"), "olive@example.test")
    assert len(mail.outbox) == 1


def test_requests_go_through_again_when_the_window_ends(
    anon_client: Client, owner: Any, reset_limits: Any, monkeypatch: Any
) -> None:
    start = throttle._now()
    monkeypatch.setattr(throttle, "_now", lambda: start)
    for _ in range(4):
        _ask(anon_client, "olive@example.test")
    assert len(mail.outbox) == 3
    monkeypatch.setattr(throttle, "_now", lambda: start + 3599)
    _ask(anon_client, "olive@example.test")
    assert len(mail.outbox) == 3
    monkeypatch.setattr(throttle, "_now", lambda: start + 3600)
    _ask(anon_client, "olive@example.test")
    assert len(mail.outbox) == 4


def test_the_page_never_tells_a_known_address_from_an_unknown_one(owner: Any, reset_limits: Any, settings: Any) -> None:
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 1
    known = [_page_after(Client(), "olive@example.test") for _ in range(2)]
    unknown = [_page_after(Client(), "nobody@example.test") for _ in range(2)]
    assert len(mail.outbox) == 1
    assert DONE_TEXT in known[0]
    assert known[0] == known[1] == unknown[0] == unknown[1]


def test_a_refused_request_is_logged_with_a_hash_not_the_email(
    anon_client: Client, owner: Any, reset_limits: Any, caplog: Any
) -> None:
    for _ in range(3):
        _ask(anon_client, "olive@example.test")
    with caplog.at_level(logging.INFO, logger="attune.web.accounts.views"):
        _ask(anon_client, "olive@example.test")
    refused = [r for r in caplog.records if "too many requests" in r.getMessage()]
    assert len(refused) == 1
    assert refused[0].levelno == logging.INFO
    assert throttle.digest("olive@example.test") in refused[0].getMessage()
    assert "olive" not in caplog.text
