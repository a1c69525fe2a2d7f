"""The guide's retreat pages: planning, editing, the overview, questions, and marking places."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from attune.web.retreats import actions
from attune.web.retreats.models import Application, Kind, Retreat, State, Status
from tests.web.conftest import _make
from tests.web.retreat_helpers import applied, retreat_led_by

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Quiet days in the hills",
    "description": "Three days of slowing down.",
    "place": "Hill House, 1 Long Lane",
    "starts_on": "2030-05-01",
    "ends_on": "2030-05-04",
    "timezone": "America/Toronto",
    "capacity": "12",
    "price": "350 CAD",
    "bring": "Warm socks.",
    "cancellation": "Full refund until a month before.",
    "status": "draft",
}


def test_a_guide_plans_a_retreat_as_a_draft_that_only_they_can_see(
    guide_client: Client, guide: Any, owner_client: Client
) -> None:
    response = guide_client.post(reverse("retreats:new"), FORM)
    retreat = Retreat.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("retreats:manage", args=[retreat.pk])
    assert retreat.guide == guide and retreat.status == Status.DRAFT
    assert retreat.starts_on == dt.date(2030, 5, 1) and retreat.timezone == "America/Toronto"
    assert owner_client.get(reverse("retreats:detail", args=[retreat.pk])).status_code == 404
    assert "Quiet days" not in owner_client.get(reverse("retreats:list")).content.decode()
    assert guide_client.get(reverse("retreats:detail", args=[retreat.pk])).status_code == 200


def test_publishing_it_opens_it_to_members(guide_client: Client, owner_client: Client) -> None:
    guide_client.post(reverse("retreats:new"), FORM)
    retreat = Retreat.objects.get()
    guide_client.post(reverse("retreats:edit", args=[retreat.pk]), {**FORM, "status": "published"})
    page = owner_client.get(reverse("retreats:detail", args=[retreat.pk])).content.decode()
    assert "Quiet days in the hills" in page and "Warm socks." in page and "attune takes no payments" in page
    assert "Quiet days" in owner_client.get(reverse("retreats:list")).content.decode()


def test_it_refuses_a_departure_before_the_arrival(guide_client: Client) -> None:
    response = guide_client.post(reverse("retreats:new"), {**FORM, "ends_on": "2030-04-30"})
    assert response.status_code == 400
    assert "on or after the arrival day" in response.content.decode()
    assert not Retreat.objects.exists()


def test_a_member_who_is_not_a_guide_cannot_plan_one(owner_client: Client) -> None:
    assert owner_client.get(reverse("retreats:new")).status_code == 404
    assert owner_client.post(reverse("retreats:new"), FORM).status_code == 404
    assert owner_client.get(reverse("retreats:guide")).status_code == 404
    assert not Retreat.objects.exists()


def test_another_guide_sees_nothing_of_it(guide: Any, owner: Any) -> None:
    retreat = retreat_led_by(guide)
    application = applied(owner, retreat)
    rival = Client()
    rival.force_login(_make("greta", is_guide=True))
    for name, args in (
        ("retreats:manage", [retreat.pk]),
        ("retreats:edit", [retreat.pk]),
        ("retreats:application", [application.pk]),
    ):
        assert rival.get(reverse(name, args=args)).status_code == 404, name
    for name, args, data in (
        ("retreats:edit", [retreat.pk], FORM),
        ("retreats:question_add", [retreat.pk], {"text": "Sneaky?", "kind": "short"}),
        ("retreats:question_remove", [retreat.pk, retreat.questions.get().pk], {}),
        ("retreats:decide", [application.pk], {"decision": "accept"}),
        ("retreats:payment", [application.pk], {"payment": "paid"}),
    ):
        assert rival.post(reverse(name, args=args), data).status_code == 404, name
    retreat.refresh_from_db()
    application.refresh_from_db()
    assert retreat.title == "Slow days by the lake" and retreat.questions.count() == 1
    assert application.state == State.APPLIED


def test_the_overview_shows_waiting_places_left_and_the_waitlist(guide: Any, guide_client: Client) -> None:
    retreat = retreat_led_by(guide, capacity=2)
    people = [_make(f"member{i}") for i in range(5)]
    apps = [applied(p, retreat) for p in people]
    actions.accept(apps[0])
    actions.accept(apps[1])
    actions.waitlist(apps[2])
    retreat_led_by(guide, title="Long ago", starts_on=dt.date(2020, 1, 1))
    page = guide_client.get(reverse("retreats:guide")).content.decode()
    upcoming = page.split("Earlier")[0]
    assert "Slow days by the lake" in upcoming and "Long ago" not in upcoming
    assert "<dt>Waiting for you</dt><dd>2</dd>" in page
    assert "<dt>Places left</dt><dd>0 of 2</dd>" in page
    assert "<dt>Waitlist</dt><dd>1</dd>" in page


def test_the_guide_builds_the_intake_questions(guide: Any, guide_client: Client) -> None:
    retreat = retreat_led_by(guide)
    url = reverse("retreats:question_add", args=[retreat.pk])
    response = guide_client.post(url, {"text": "Which room?", "kind": "choice", "options_text": "Shared"})
    assert response.status_code == 400 and "at least two choices" in response.content.decode()
    guide_client.post(url, {"text": "Which room?", "kind": "choice", "options_text": "Shared\n\nSingle\n"})
    guide_client.post(url, {"text": "Have you sat a retreat before?", "kind": "yes_no", "required": "on"})
    questions = list(retreat.questions.all())
    assert [(q.text, q.kind, q.options) for q in questions[1:]] == [
        ("Which room?", Kind.CHOICE, ["Shared", "Single"]),
        ("Have you sat a retreat before?", Kind.YES_NO, []),
    ]
    guide_client.post(reverse("retreats:question_remove", args=[retreat.pk, questions[1].pk]))
    assert retreat.questions.count() == 2
    page = guide_client.get(reverse("retreats:manage", args=[retreat.pk])).content.decode()
    assert "keep you safe" in page and "gentle touch" in page  # the fixed questions, with no remove button


def test_the_guide_marks_a_place_paid_by_hand(guide: Any, guide_client: Client, owner: Any, other: Any) -> None:
    retreat = retreat_led_by(guide)
    waiting = applied(other, retreat)
    placed = actions.accept(applied(owner, retreat))
    page = guide_client.get(reverse("retreats:application", args=[placed.pk])).content.decode()
    assert "attune takes no payments" in page
    guide_client.post(reverse("retreats:payment", args=[placed.pk]), {"payment": "deposit"})
    guide_client.post(reverse("retreats:payment", args=[waiting.pk]), {"payment": "paid"})
    assert Application.objects.get(pk=placed.pk).payment == "deposit"
    assert Application.objects.get(pk=waiting.pk).payment == ""
