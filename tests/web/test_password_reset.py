"""Password reset: the whole journey from "forgot" to logging in with the new password."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from attune.web.accounts import throttle

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
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        anon_client.post(reverse("accounts:login"), {"username": "olive", "password": "guess"})
    assert throttle.seconds_locked("olive", "127.0.0.1") > 0
    _ask(anon_client, "olive@example.test")
    set_url = anon_client.get(_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    anon_client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    login = anon_client.post(reverse("accounts:login"), {"username": "olive", "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_the_email_backend_is_the_console_unless_configured() -> None:
    from attune.web import settings as project_settings

    if "ATTUNE_EMAIL_BACKEND" in os.environ:
        pytest.skip("ATTUNE_EMAIL_BACKEND is set in this environment")
    assert project_settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
