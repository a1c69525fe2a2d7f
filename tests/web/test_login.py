"""Log in: GET and POST /accounts/login/, with throttling of repeated failures."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from attune.web.accounts import throttle
from tests.web.conftest import PASSWORD

URL = reverse("accounts:login")
LOCKED = "Too many tries. You can try again in"


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_LOCKOUT_SECONDS = 900


def _try(client: Client, username: str = "olive", password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(URL, {"username": username, "password": password}, **extra)


def test_it_shows_a_labelled_form_to_a_visitor(anon_client: Client) -> None:
    response = anon_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    assert reverse("accounts:password_reset") in html and reverse("accounts:signup") in html


def test_it_logs_in_the_owner_and_opens_today(anon_client: Client, owner: Any) -> None:
    response = _try(anon_client)
    assert response.status_code == 302
    assert response["Location"] == reverse("today:today")
    assert anon_client.session["_auth_user_id"] == str(owner.pk)


def test_it_follows_a_next_link_on_this_site(anon_client: Client, owner: Any) -> None:
    settings_url = reverse("accounts:settings")
    response = anon_client.post(f"{URL}?next={settings_url}", {"username": "olive", "password": PASSWORD})
    assert response["Location"] == settings_url


def test_it_ignores_a_next_link_to_another_site(anon_client: Client, owner: Any) -> None:
    response = anon_client.post(URL, {"username": "olive", "password": PASSWORD, "next": "https://elsewhere.test/"})
    assert response["Location"] == reverse("today:today")


def test_anonymous_visitors_of_a_members_page_are_sent_here_and_back(anon_client: Client, owner: Any) -> None:
    settings_url = reverse("accounts:settings")
    response = anon_client.get(settings_url)
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?next={settings_url}"


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("olive", "not the password", "That username and password don&#x27;t match an account here"),
        ("nobody", PASSWORD, "That username and password don&#x27;t match an account here"),
        ("", PASSWORD, "Please enter your username."),
        ("olive", "", "Please enter your password."),
    ],
)
def test_it_refuses_wrong_or_missing_details_with_a_clear_message(
    anon_client: Client, owner: Any, username: str, password: str, message: str
) -> None:
    response = _try(anon_client, username, password)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "_auth_user_id" not in anon_client.session


def test_it_refuses_a_switched_off_account(anon_client: Client, owner: Any) -> None:
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    response = _try(anon_client)
    assert response.status_code == 200
    assert "_auth_user_id" not in anon_client.session


def test_it_locks_a_username_after_too_many_failures_even_for_the_right_password(
    anon_client: Client, owner: Any
) -> None:
    for _ in range(2):
        assert _try(anon_client, password="wrong guess").status_code == 200
    third = _try(anon_client, password="wrong guess")
    assert third.status_code == 429
    assert "Too many tries. You can try again in 15 minutes." in third.content.decode()
    right = _try(anon_client)
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert "_auth_user_id" not in anon_client.session


def test_the_lock_follows_the_username_to_another_address(owner: Any) -> None:
    for _ in range(3):
        _try(Client(REMOTE_ADDR="10.0.0.1"), password="wrong guess")
    assert _try(Client(REMOTE_ADDR="10.0.0.2")).status_code == 429


def test_the_lock_ends_after_the_lockout_time(anon_client: Client, owner: Any, monkeypatch: Any) -> None:
    for _ in range(3):
        _try(anon_client, password="wrong guess")
    start = throttle._now()
    monkeypatch.setattr(throttle, "_now", lambda: start + 14 * 60)
    response = _try(anon_client)
    assert response.status_code == 429
    assert "Too many tries. You can try again in 1 minute." in response.content.decode()
    monkeypatch.setattr(throttle, "_now", lambda: start + 15 * 60 + 1)
    response = _try(anon_client)
    assert response.status_code == 302
    assert anon_client.session["_auth_user_id"] == str(owner.pk)


def test_it_says_how_many_minutes_are_left_rounding_up(anon_client: Client, owner: Any, settings: Any) -> None:
    settings.LOGIN_LOCKOUT_SECONDS = 61
    for _ in range(3):
        response = _try(anon_client, password="wrong guess")
    assert "Too many tries. You can try again in 2 minutes." in response.content.decode()


def test_a_successful_login_clears_the_usernames_failures(anon_client: Client, owner: Any) -> None:
    for _ in range(2):
        _try(anon_client, password="wrong guess")
    assert _try(anon_client).status_code == 302
    anon_client.logout()
    for _ in range(2):
        assert _try(anon_client, password="wrong guess").status_code == 200
    assert _try(anon_client).status_code == 302


def test_it_locks_an_address_that_tries_many_usernames(owner: Any, other: Any, settings: Any) -> None:
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 4
    guesser = Client(REMOTE_ADDR="10.0.0.9")
    for name in ("a1", "a2", "a3"):
        assert _try(guesser, name, "guess").status_code == 200
    assert _try(guesser, "a4", "guess").status_code == 429
    assert _try(guesser, "oscar").status_code == 429
    # Someone else, elsewhere, is not affected.
    assert _try(Client(REMOTE_ADDR="10.0.0.10"), "oscar").status_code == 302


def test_it_uses_the_proxy_header_only_when_told_to(owner: Any, settings: Any) -> None:
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 2
    settings.LOGIN_CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    for name in ("a1", "a2"):
        _try(Client(REMOTE_ADDR="10.0.0.1"), name, "guess", HTTP_X_FORWARDED_FOR="198.51.100.7")
    proxied_elsewhere = _try(Client(REMOTE_ADDR="10.0.0.1"), HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert proxied_elsewhere.status_code == 302
    locked = _try(Client(REMOTE_ADDR="10.0.0.1"), "oscar", PASSWORD, HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.7")
    assert locked.status_code == 429


def test_it_sends_a_member_who_is_logged_in_onwards(owner_client: Client) -> None:
    response = owner_client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("today:today")


def test_a_signed_in_member_with_a_bare_word_as_next_is_sent_home_not_to_a_500(owner_client: Any) -> None:
    # `redirect("abc")` reads a bare word as a URL name and raises NoReverseMatch (a 500 before).
    response = owner_client.get("/accounts/login/?next=abc")
    assert response.status_code == 302 and response["Location"] == "/"
    assert owner_client.get("/accounts/login/?next=/journal/")["Location"] == "/journal/"
    assert owner_client.get("/accounts/login/?next=//elsewhere.example/")["Location"] == "/"
