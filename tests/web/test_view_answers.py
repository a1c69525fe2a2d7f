"""signed_in and valid: members only, by the view's methods only, and a form with errors answered early."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from attune.web.accounts.http import Answer, signed_in, valid
from attune.web.retreats import actions
from attune.web.retreats.forms import WordForm
from tests.web.retreat_helpers import applied, retreat_led_by

pytestmark = pytest.mark.django_db


@signed_in("POST")
def _view(request: HttpRequest) -> HttpResponse:
    form = valid(WordForm(request.POST), lambda form: HttpResponse("sent back", status=409))
    return HttpResponse(f"kept: {form.cleaned_data['note']}")


def _post(user: Any, data: dict[str, str], method: str = "post") -> HttpResponse:
    request = getattr(RequestFactory(), method)("/somewhere/", data)
    request.user = user
    return _view(request)


def test_a_visitor_is_sent_to_sign_in_whatever_the_method(owner: Any) -> None:
    for method in ("get", "post"):
        response = _post(AnonymousUser(), {}, method)
        assert response.status_code == 302
        assert "/somewhere/" in response["Location"]


def test_a_member_is_refused_another_method(owner: Any) -> None:
    assert _post(owner, {}, "get").status_code == 405


def test_a_valid_form_goes_on_and_one_with_errors_is_answered_early(owner: Any) -> None:
    assert _post(owner, {"note": "hello"}).content == b"kept: hello"
    response = _post(owner, {"note": "x" * 501})
    assert (response.status_code, response.content) == (409, b"sent back")


def test_an_answer_raised_anywhere_in_the_view_is_its_response(owner: Any) -> None:
    @signed_in("GET")
    def view(request: HttpRequest) -> HttpResponse:
        raise Answer(HttpResponse(status=418))

    request = RequestFactory().get("/")
    request.user = owner
    assert view(request).status_code == 418


def _said(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_question_with_errors_shows_the_retreat_page_again(guide: Any, guide_client: Client) -> None:
    retreat = retreat_led_by(guide)
    response = guide_client.post(reverse("retreats:question_add", args=[retreat.pk]), {"text": ""})
    assert response.status_code == 400
    assert response.templates[0].name == "retreats/manage.html"
    assert guide_client.get(reverse("retreats:manage", args=[retreat.pk])).status_code == 200


def test_a_decision_or_consent_with_errors_goes_back_with_a_sentence(
    guide: Any, guide_client: Client, owner: Any, owner_client: Client
) -> None:
    retreat = retreat_led_by(guide)
    place = applied(owner, retreat)
    response = guide_client.post(reverse("retreats:decide", args=[place.pk]), {"decision": "maybe"})
    assert response["Location"] == reverse("retreats:application", args=[place.pk])
    assert _said(response) == ["Please choose accept, waitlist or decline."]
    # The member's own pages are addressed by the retreat (on SQLite the two keys happen to agree).
    response = owner_client.post(reverse("retreats:consent", args=[retreat.pk]), {})
    assert response["Location"] == reverse("retreats:mine", args=[retreat.pk])
    assert _said(response) == ["Please choose one."]


def test_a_checkin_or_word_with_errors_is_answered_on_the_day(
    guide: Any, owner: Any, owner_client: Client
) -> None:
    retreat = retreat_led_by(guide)
    actions.accept(applied(owner, retreat))
    response = owner_client.post(reverse("retreats:checkin", args=[retreat.pk]), {"state": "nowhere"})
    assert response.status_code == 400
    assert response.templates[0].name == "retreats/today.html"
    response = owner_client.post(reverse("retreats:word", args=[retreat.pk]), {"note": "x" * 501})
    assert response["Location"] == reverse("retreats:today", args=[retreat.pk])
    assert _said(response) == ["A note can be up to 500 characters."]
