"""Password rules at sign-up: long passphrases welcome, a ceiling, and no well-known breached passwords."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse


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
    assert "too common" in response.content.decode()
