"""Error pages are attune pages a screen reader can move through: one main landmark, an h1, a way back."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client

pytestmark = pytest.mark.django_db


def _landmarks(html: str) -> None:
    assert len(re.findall(r"<main\b", html)) == 1, "one main landmark"
    assert re.search(r"<main\b.*<h1\b.*</main>", html, re.S), "an h1 inside main"
    assert "back to today" in html.lower()


def test_a_page_that_does_not_exist_is_an_attune_page(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _landmarks(response.content.decode())


def test_a_form_sent_without_its_csrf_token_is_an_attune_page() -> None:
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    html = response.content.decode()
    _landmarks(html)
    assert "Nothing was saved" in html


def test_a_server_error_is_an_attune_page_even_with_no_request() -> None:
    _landmarks(render_to_string("500.html"))
