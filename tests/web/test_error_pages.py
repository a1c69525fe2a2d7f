"""Every error page (404, 403, 400, 500 and a stale CSRF token) is an attune page with a way back."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from attune.web.common import errors

pytestmark = pytest.mark.django_db


def _is_attune_page(html: str) -> None:
    assert "css/attune.css" in html, "not styled"
    assert '<main id="main"' in html, "no main landmark"
    assert f'href="{reverse("today:today")}"' in html and "Back to today" in html, "no way back"
    assert "<h1" in html


def test_an_unknown_address_is_a_styled_404_with_a_way_back(owner_client: Client) -> None:
    response = owner_client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    _is_attune_page(html)
    assert "There is nothing at this address" in html
    assert "Today" in html  # the member keeps the tab bar


def test_a_stale_form_token_is_a_styled_403_that_offers_the_page_it_came_from(owner: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    came_from = "http://testserver" + reverse("checkins:new")
    response = client.post(reverse("checkins:new"), {"felt_safety": 5}, HTTP_REFERER=came_from)
    assert response.status_code == 403
    html = response.content.decode()
    _is_attune_page(html)
    assert "That form had gone stale" in html
    assert f'href="{came_from}"' in html


def test_the_csrf_page_never_links_to_another_site(owner: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(reverse("checkins:new"), {}, HTTP_REFERER="https://evil.example/phish")
    assert response.status_code == 403
    assert "evil.example" not in response.content.decode()


@pytest.mark.parametrize(
    ("handler", "exception", "status", "words"),
    [
        (defaults.permission_denied, PermissionDenied(), 403, "This page isn't open to you"),
        (defaults.bad_request, SuspiciousOperation(), 400, "That request didn't make sense to us"),
    ],
)
def test_403_and_400_are_styled_with_a_way_back(
    owner: Any, handler: Any, exception: Exception, status: int, words: str
) -> None:
    request = RequestFactory().get("/somewhere/")
    request.user = owner
    response = handler(request, exception)
    assert response.status_code == status
    html = response.content.decode()
    _is_attune_page(html)
    assert words in html


def test_a_server_error_is_a_styled_500_with_a_way_back(owner: Any) -> None:
    request = RequestFactory().get("/somewhere/")
    request.user = owner
    response = errors.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    _is_attune_page(html)
    assert "Something went wrong on our side" in html


def test_the_500_page_still_answers_when_the_full_page_cannot_be_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("database gone")

    monkeypatch.setattr(errors, "render", broken)
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Back to today" in response.content
