"""Log in: GET and POST /accounts/login/ (and /admin/login/), with a lockout per account and address."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.db.models import F
from django.test import Client
from django.urls import reverse

from tests.web.conftest import PASSWORD

URL = reverse("accounts:login")
LOCKED = "Too many tries. You can try again in"


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(seconds=900)


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


def test_a_lock_earned_from_one_address_never_locks_the_owner_out_from_another(owner: Any) -> None:
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(10):
        _try(attacker, password="wrong guess")
    assert _try(attacker).status_code == 429
    assert _try(Client(REMOTE_ADDR="198.51.100.20")).status_code == 302


def test_many_failures_from_one_address_do_not_lock_out_the_others_behind_it(owner: Any, other: Any) -> None:
    office = "192.0.2.10"
    for name in ("a1", "a2", "a3", "a4", "a5", "a6", "a7"):
        for _ in range(3):
            _try(Client(REMOTE_ADDR=office), name, "guess")
    assert _try(Client(REMOTE_ADDR=office), "oscar").status_code == 302


def _age_failures(seconds: float) -> None:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(seconds=seconds))


def test_the_lock_ends_after_the_lockout_time(anon_client: Client, owner: Any) -> None:
    for _ in range(3):
        _try(anon_client, password="wrong guess")
    _age_failures(14 * 60)
    response = _try(anon_client)
    assert response.status_code == 429
    assert "Too many tries. You can try again in 1 minute." in response.content.decode()
    _age_failures(60 + 1)
    response = _try(anon_client)
    assert response.status_code == 302
    assert anon_client.session["_auth_user_id"] == str(owner.pk)


def test_it_says_how_many_minutes_are_left_rounding_up(anon_client: Client, owner: Any, settings: Any) -> None:
    settings.AXES_COOLOFF_TIME = dt.timedelta(seconds=61)
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


def test_failures_are_kept_in_the_database_so_every_process_and_a_restart_see_them(
    anon_client: Client, owner: Any
) -> None:
    for _ in range(3):
        _try(anon_client, password="wrong guess")
    cache.clear()  # a restart, or another process with its own memory
    assert AccessAttempt.objects.filter(username="olive").exists()
    assert _try(anon_client).status_code == 429


def test_the_admin_login_is_locked_the_same_way(owner: Any) -> None:
    owner.is_staff = owner.is_superuser = True
    owner.save(update_fields=["is_staff", "is_superuser"])
    admin = Client(REMOTE_ADDR="203.0.113.7")
    url = reverse("admin:login")
    for _ in range(3):
        admin.post(url, {"username": "olive", "password": "wrong guess"})
    locked = admin.post(url, {"username": "olive", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in admin.session
    # The owner, from their own address, is not held back.
    assert Client(REMOTE_ADDR="198.51.100.20").post(url, {"username": "olive", "password": PASSWORD}).status_code == 302


def test_it_uses_the_proxy_header_only_when_told_to(owner: Any, settings: Any) -> None:
    settings.LOGIN_CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    for _ in range(3):
        _try(Client(REMOTE_ADDR="10.0.0.1"), password="guess", HTTP_X_FORWARDED_FOR="198.51.100.7")
    proxied_elsewhere = _try(Client(REMOTE_ADDR="10.0.0.1"), HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert proxied_elsewhere.status_code == 302
    locked = _try(Client(REMOTE_ADDR="10.0.0.1"), HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.7")
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


def test_a_garbled_proxy_header_never_breaks_a_login(owner: Any, settings: Any) -> None:
    # PostgreSQL stores addresses as inet: a header that is not an address must not reach it.
    settings.LOGIN_CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    client = Client(HTTP_X_FORWARDED_FOR="not-an-address")
    assert _try(client, password="wrong guess").status_code == 200
    assert _try(client).status_code == 302
