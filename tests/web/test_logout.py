"""Log out: POST /accounts/logout/."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

URL = reverse("accounts:logout")


def test_it_logs_the_member_out_and_says_so_kindly(owner_client: Client) -> None:
    response = owner_client.post(URL, follow=True)
    assert response.redirect_chain[0] == (reverse("accounts:login"), 302)
    assert "_auth_user_id" not in owner_client.session
    assert "You have logged out. Come back whenever you like." in response.content.decode()
    assert owner_client.get(reverse("accounts:settings")).status_code == 302


def test_it_does_not_log_out_on_a_get(owner_client: Client, owner: Any) -> None:
    assert owner_client.get(URL).status_code == 405
    assert owner_client.session["_auth_user_id"] == str(owner.pk)


def test_it_needs_the_csrf_token(owner: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(URL).status_code == 403
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_an_anonymous_visitor_is_simply_sent_to_log_in(anon_client: Client) -> None:
    response = anon_client.post(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")


def test_the_settings_page_offers_a_logout_button(owner_client: Client) -> None:
    html = owner_client.get(reverse("accounts:settings")).content.decode()
    assert f'<form method="post" action="{URL}"' in html
