"""Hostile input on every POST endpoint of the daily loop: a clear 400 (or 404), never a 500.

Each value below is something a broken client, a tampered request or a curious person might send:
wrong types, huge numbers, NaN and infinity, control characters, lists, and bodies that are not
form data at all. Nothing is saved or changed when the input is refused.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from daily_factories import VALID_CHECKIN, make_checkin, make_session
from django.test import Client
from django.urls import reverse

from attune.web.checkins.models import CheckIn
from attune.web.practices.models import Outcome, PracticeSession

pytestmark = pytest.mark.django_db

HOSTILE = [
    "-1",
    "99999999999999999999999999",
    "1e309",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "4.5",
    "abc",
    "\x00",
    "0x4",
    "[]",
    "9" * 5000,
    "",
]
SCALES = ("felt_safety", "breath", "muscles", "attention", "felt_connection")
START = reverse("practices:session_start")


def finish_url(pk: int) -> str:
    return reverse("practices:session_finish", args=[pk])


@pytest.mark.parametrize("field", [*SCALES, "state"])
def test_a_check_in_refuses_every_hostile_value_with_a_message(owner_client: Client, owner: Any, field: str) -> None:
    for value in HOSTILE:
        response = owner_client.post(reverse("checkins:new"), {**VALID_CHECKIN, field: value})
        assert response.status_code == 400, (field, value)
        assert "A few answers need another look" in response.content.decode()
    assert not CheckIn.objects.filter(user=owner).exists()


def test_an_edit_refuses_hostile_values_and_changes_nothing(owner_client: Client, owner: Any) -> None:
    checkin = make_checkin(owner, felt_safety=4)
    for field in SCALES:
        for value in ("nan", "1e309", "-1", "abc"):
            response = owner_client.post(reverse("checkins:edit", args=[checkin.pk]), {**VALID_CHECKIN, field: value})
            assert response.status_code == 400, (field, value)
    checkin.refresh_from_db()
    assert checkin.felt_safety == 4


def test_the_error_summary_links_to_each_question_and_takes_focus(owner_client: Client) -> None:
    response = owner_client.post(reverse("checkins:new"), {**VALID_CHECKIN, "felt_safety": "11", "breath": ""})
    html = response.content.decode()
    assert 'role="alert"' in html and "autofocus" in html
    assert '<a href="#q-felt-safety">Felt safety</a>' in html and '<a href="#q-breath">Breath</a>' in html
    assert "<title>Please check your answers" in html


def test_a_huge_or_foreign_check_in_id_is_404_not_500(owner_client: Client, other: Any) -> None:
    theirs = make_checkin(other)
    for name in ("checkins:edit", "checkins:delete"):
        assert owner_client.post(reverse(name, args=[theirs.pk]), VALID_CHECKIN).status_code == 404
    assert owner_client.post("/checkins/99999999999999999999/delete/").status_code == 404
    assert CheckIn.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("field", ["safety", "state", "inhale", "hold_in", "exhale", "hold_out", "practice"])
def test_a_session_start_refuses_every_hostile_value_with_json(owner_client: Client, field: str) -> None:
    for value in HOSTILE:
        if value == "" or (value == "4.5" and field in {"inhale", "exhale", "hold_in", "hold_out"}):
            continue  # empty means "skipped"; 4.5 s is a fine phase length
        data = {"practice": "pacer", "inhale": "4", "exhale": "6", field: value}
        response = owner_client.post(START, data)
        assert response.status_code == 400, (field, value)
        assert response.json()["ok"] is False and response.json()["errors"]
    assert not PracticeSession.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{", "application/json"),
        (json.dumps({"practice": "pacer", "safety": 5}), "application/json"),
        ("\xff\xfe\x00", "application/x-www-form-urlencoded"),
        ("a" * 100_000, "text/plain"),
        ("", "multipart/form-data; boundary=x"),
    ],
)
def test_a_session_start_that_is_not_form_data_gets_a_json_400(
    owner_client: Client, body: str, content_type: str
) -> None:
    response = owner_client.post(START, body, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["errors"]["practice"] == ["Which practice is this for?"]


def test_a_calming_practice_never_records_a_held_breath(owner_client: Client) -> None:
    data = {"practice": "six-breaths-a-minute", "inhale": "4", "hold_in": "2", "exhale": "4"}
    response = owner_client.post(START, data)
    assert response.status_code == 400
    assert "never holds the breath" in response.json()["errors"]["__all__"][0]
    # An energising practice may hold, within the 3 to 10 breaths a minute.
    assert owner_client.post(START, {**data, "practice": "waking-gently"}).status_code == 201


@pytest.mark.parametrize("field", ["outcome", "elapsed_s", "safety", "state"])
def test_a_session_finish_refuses_hostile_values_and_stays_open(owner_client: Client, owner: Any, field: str) -> None:
    session = make_session(owner, outcome=Outcome.UNDERWAY, after_safety=None, after_state="")
    for value in HOSTILE:
        if value == "" and field != "outcome":
            continue  # skipping a reading or the elapsed time is allowed
        if value == "4.5" and field == "elapsed_s":
            value = "4.25"
        response = owner_client.post(finish_url(session.pk), {"outcome": "completed", field: value})
        assert response.status_code == 400, (field, value)
        assert response.json()["ok"] is False
    session.refresh_from_db()
    assert session.outcome == Outcome.UNDERWAY and session.after_safety is None


def test_finishing_another_members_session_is_404_and_leaves_it_open(owner_client: Client, other: Any) -> None:
    theirs = make_session(other, outcome=Outcome.UNDERWAY, after_safety=None, after_state="")
    for pk in (theirs.pk, 0, 2**62):
        assert owner_client.post(finish_url(pk), {"outcome": "completed", "safety": "9"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.outcome == Outcome.UNDERWAY and theirs.after_safety is None


def test_a_finish_body_that_is_not_form_data_gets_a_json_400(owner_client: Client, owner: Any) -> None:
    session = make_session(owner, outcome=Outcome.UNDERWAY, after_safety=None, after_state="")
    response = owner_client.post(finish_url(session.pk), "{", content_type="application/json")
    assert response.status_code == 400 and "outcome" in response.json()["errors"]


@pytest.mark.parametrize("value", ["11", "2.9", "nan", "inf", "1e309", "abc"])
def test_settings_refuse_a_pacer_rate_the_pacer_cannot_play(owner_client: Client, owner: Any, value: str) -> None:
    data = {"display_name": "Olive", "email": "", "timezone": "Europe/London", "default_pacer_bpm": value}
    response = owner_client.post(reverse("accounts:settings"), data)
    assert response.status_code in (200, 400)
    owner.refresh_from_db()
    assert owner.default_pacer_bpm is None


@pytest.mark.parametrize("value", HOSTILE)
def test_account_deletion_with_a_hostile_password_is_refused_calmly(
    owner_client: Client, owner: Any, value: str
) -> None:
    response = owner_client.post(reverse("accounts:delete"), {"password": value})
    assert response.status_code in (200, 400)
    owner.refresh_from_db()
    assert owner.is_active
