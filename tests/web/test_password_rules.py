"""Password rules at sign-up: long passphrases welcome, a ceiling, and no well-known breached passwords."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.test import Client
from django.urls import reverse

from attune.web.accounts.passwords import BREACHED_LIST
from tests.web.conftest import PASSWORD


def _signup(client: Client, password: str) -> Any:
    data = {"username": "newcomer", "timezone": "UTC", "password1": password, "password2": password}
    return client.post(reverse("accounts:signup"), data)


def test_a_64_character_passphrase_is_welcome(anon_client: Client) -> None:
    assert _signup(anon_client, "calm river " * 5 + "and a long walk").status_code == 302


def test_a_password_past_the_ceiling_is_refused_before_it_is_hashed(anon_client: Client) -> None:
    response = _signup(anon_client, "a slow gentle breath " * 13)
    assert response.status_code == 200
    assert "256 characters or fewer" in response.content.decode()
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_a_password_from_the_shipped_breached_list_is_refused_without_any_network(anon_client: Client) -> None:
    response = _signup(anon_client, "q1w2e3r4t5y6")  # in the list of 20,000 that Django ships
    assert response.status_code == 200
    assert "turned up in leaks from other websites" in response.content.decode()


def test_a_longer_leaked_password_from_attunes_own_list_is_refused(anon_client: Client) -> None:
    leaked = "WebSolutions"  # in breached_passwords.txt, not in Django's list
    assert leaked.lower() not in CommonPasswordValidator().passwords
    assert leaked.lower() in BREACHED_LIST.read_text(encoding="utf-8").splitlines()
    response = _signup(anon_client, leaked)
    assert response.status_code == 200
    html = response.content.decode()
    assert "turned up in leaks from other websites" in html and "a few unrelated words work well" in html
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_a_leaked_password_is_refused_when_changing_it_too(owner_client: Client, owner: Any) -> None:
    data = {"old_password": PASSWORD, "new_password1": "websolutions", "new_password2": "websolutions"}
    response = owner_client.post(reverse("accounts:password_change"), data)
    assert response.status_code == 200
    assert "turned up in leaks" in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_the_shipped_list_is_sorted_long_entries_with_its_source_named() -> None:
    lines = BREACHED_LIST.read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")]
    words = [line for line in lines if not line.startswith("#")]
    assert "zxcvbn" in " ".join(header) and "MIT" in " ".join(header)
    assert words == sorted(set(words)) and len(words) > 1000
    assert all(len(w) >= 10 and w == w.lower() for w in words)
    assert BREACHED_LIST.with_name("breached_passwords.LICENSE.txt").read_text().startswith("MIT License")
