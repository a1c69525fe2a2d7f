"""Applying to a retreat: the intake form, answers sealed at rest, and who may read them."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from attune.web.retreats.models import Application, State, Status
from tests.web.conftest import _make
from tests.web.retreat_helpers import SECRET, applied, retreat_led_by

pytestmark = pytest.mark.django_db


def _apply(client: Client, retreat: Any, **extra: str) -> Any:
    question = retreat.questions.get()
    data = {question.key: "Vegetarian", "safety": SECRET, "touch": "no", **extra}
    return client.post(reverse("retreats:apply", args=[retreat.pk]), data)


def test_a_member_applies_answering_the_guides_questions_and_the_fixed_ones(
    guide: Any, owner: Any, owner_client: Client
) -> None:
    retreat = retreat_led_by(guide)
    form = owner_client.get(reverse("retreats:apply", args=[retreat.pk])).content.decode()
    assert "What do you eat?" in form and "keep you safe" in form and "gentle touch" in form
    response = _apply(owner_client, retreat)
    assert response.status_code == 302 and response["Location"] == reverse("retreats:mine", args=[retreat.pk])
    application = Application.objects.get(user=owner)
    assert application.state == State.APPLIED
    assert [(a.key, a.answer) for a in application.answers()] == [
        (retreat.questions.get().key, "Vegetarian"),
        ("safety", SECRET),
        ("touch", "no"),
    ]


def test_the_touch_question_cannot_be_left_out(guide: Any, owner_client: Client) -> None:
    retreat = retreat_led_by(guide)
    response = _apply(owner_client, retreat, touch="")
    assert response.status_code == 400 and "you can change it later" in response.content.decode()
    assert not Application.objects.exists()


def test_a_draft_cannot_be_applied_to(guide: Any, owner_client: Client) -> None:
    retreat = retreat_led_by(guide, status=Status.DRAFT)
    assert _apply(owner_client, retreat).status_code == 404
    assert not Application.objects.exists()


def test_applying_twice_keeps_the_first_application(guide: Any, owner: Any, owner_client: Client) -> None:
    retreat = retreat_led_by(guide)
    _apply(owner_client, retreat)
    response = _apply(owner_client, retreat, safety="something else")
    assert response.status_code == 302
    assert Application.objects.get(user=owner).answer("safety") == SECRET


def test_the_answers_are_never_stored_or_logged_as_plain_text(
    guide: Any, owner_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    retreat = retreat_led_by(guide)
    _apply(owner_client, retreat)
    assert Application.objects.get().answer("safety") == SECRET  # it is there, sealed
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            for row in cursor.fetchall():
                text = " ".join(
                    bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v) for v in row
                )
                if "knee" in text or "Vegetarian" in text:
                    found.append(model._meta.db_table)
    assert found == []
    assert "knee" not in caplog.text


def test_only_the_retreats_guide_reads_the_answers(guide: Any, guide_client: Client, owner: Any) -> None:
    application = applied(owner, retreat_led_by(guide))
    page = guide_client.get(reverse("retreats:application", args=[application.pk])).content.decode()
    assert SECRET in page and "Anything but mushrooms" in page
    rival = Client()
    rival.force_login(_make("greta", is_guide=True))
    assert rival.get(reverse("retreats:application", args=[application.pk])).status_code == 404


def test_an_applicant_sees_only_their_own_application(
    guide: Any, owner: Any, owner_client: Client, other: Any, other_client: Client
) -> None:
    retreat = retreat_led_by(guide)
    mine = applied(owner, retreat)
    theirs = applied(other, retreat, safety="asthma, inhaler in my bag")
    page = owner_client.get(reverse("retreats:mine", args=[retreat.pk])).content.decode()
    assert SECRET in page and "asthma" not in page
    assert owner_client.get(reverse("retreats:application", args=[theirs.pk])).status_code == 404
    assert owner_client.get(reverse("retreats:application", args=[mine.pk])).status_code == 404  # the guide's page
    assert "asthma" not in owner_client.get(reverse("retreats:detail", args=[retreat.pk])).content.decode()


def test_someone_who_has_not_applied_finds_no_application(guide: Any, other_client: Client) -> None:
    retreat = retreat_led_by(guide)
    assert other_client.get(reverse("retreats:mine", args=[retreat.pk])).status_code == 404
    for name in ("consent", "withdraw", "take"):
        assert other_client.post(reverse(f"retreats:{name}", args=[retreat.pk]), {"touch": "yes"}).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(guide: Any, owner: Any, anon_client: Client) -> None:
    retreat = retreat_led_by(guide)
    application = applied(owner, retreat)
    for url in (
        reverse("retreats:detail", args=[retreat.pk]),
        reverse("retreats:mine", args=[retreat.pk]),
        reverse("retreats:application", args=[application.pk]),
    ):
        response = anon_client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_member_changes_their_touch_consent_later(guide: Any, owner: Any, owner_client: Client) -> None:
    retreat = retreat_led_by(guide)
    applied(owner, retreat, touch="yes")
    response = owner_client.post(reverse("retreats:consent", args=[retreat.pk]), {"touch": "no"})
    assert response.status_code == 302
    application = Application.objects.get(user=owner)
    assert not application.touch_consent
    assert application.answer("safety") == SECRET  # the other answers stay as they were
    assert owner_client.post(reverse("retreats:consent", args=[retreat.pk]), {"touch": "maybe"}).status_code == 302
    assert Application.objects.get(user=owner).answer("touch") == "no"
