"""Practice sessions: starting and finishing through the endpoints the player uses."""

from __future__ import annotations

from typing import Any

import pytest
from daily_factories import make_session
from django.test import Client
from django.urls import reverse

from attune.web.practices.models import Outcome, PracticeSession

pytestmark = pytest.mark.django_db

START = reverse("practices:session_start")


def finish_url(pk: int) -> str:
    return reverse("practices:session_finish", args=[pk])


def test_a_session_starts_with_a_before_reading_and_finishes_with_an_after(owner_client: Client, owner: Any) -> None:
    response = owner_client.post(START, {"practice": "one-slow-minute", "safety": "3", "state": "activated"})
    assert response.status_code == 201
    body = response.json()
    session = PracticeSession.objects.get(pk=body["id"], user=owner)
    assert session.practice_title == "One slow minute"
    assert (session.before_safety, session.before_state, session.outcome) == (3, "activated", Outcome.UNDERWAY)
    response = owner_client.post(
        body["finishUrl"], {"outcome": "completed", "safety": "6", "state": "settled", "elapsed_s": "61"}
    )
    assert response.status_code == 200
    assert response.json()["change"] == 3
    session.refresh_from_db()
    assert (session.after_safety, session.after_state, session.outcome, session.elapsed_s) == (
        6,
        "settled",
        "completed",
        61,
    )
    assert session.ended_at is not None and session.ended_at >= session.started_at


def test_both_readings_may_be_skipped(owner_client: Client, owner: Any) -> None:
    body = owner_client.post(START, {"practice": "a-nature-sit"}).json()
    response = owner_client.post(body["finishUrl"], {"outcome": "stopped"})
    assert response.status_code == 200 and response.json()["change"] is None
    session = PracticeSession.objects.get(pk=body["id"])
    assert session.before_safety is None and session.after_safety is None and session.outcome == "stopped"


def test_the_pacer_records_its_rhythm(owner_client: Client) -> None:
    body = owner_client.post(
        START, {"practice": "pacer", "inhale": "4.5", "exhale": "5.5", "hold_in": "0", "hold_out": "0"}
    ).json()
    session = PracticeSession.objects.get(pk=body["id"])
    assert session.practice_title == "Breathing pacer"
    assert (session.pacer_inhale_s, session.pacer_exhale_s, session.pacer_hold_in_s) == (4.5, 5.5, 0.0)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"practice": "no-such-practice"}, "practice"),
        ({"practice": "../../etc/passwd"}, "practice"),
        ({"practice": "one-slow-minute", "safety": "11"}, "safety"),
        ({"practice": "one-slow-minute", "safety": "calm"}, "safety"),
        ({"practice": "one-slow-minute", "state": "ecstatic"}, "state"),
        ({"practice": "pacer", "inhale": "1", "exhale": "1"}, "__all__"),  # 30 breaths a minute
        ({"practice": "pacer", "inhale": "20", "exhale": "20"}, "__all__"),  # 1.5 a minute
        ({"practice": "pacer", "inhale": "5"}, "__all__"),
        ({"practice": "pacer", "inhale": "5", "exhale": "5", "hold_in": "11"}, "hold_in"),
        ({}, "practice"),
    ],
)
def test_it_rejects_a_bad_start_with_a_clear_message(owner_client: Client, data: dict[str, str], field: str) -> None:
    response = owner_client.post(START, data)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors and all(isinstance(m, str) and m for m in errors[field])
    assert not PracticeSession.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{"outcome": "won"}, {}, {"outcome": "completed", "safety": "-1"}, {"outcome": "completed", "elapsed_s": "x"}],
)
def test_it_rejects_a_bad_finish(owner_client: Client, owner: Any, data: dict[str, str]) -> None:
    session = make_session(owner, outcome=Outcome.UNDERWAY, after_safety=None, after_state="")
    assert owner_client.post(finish_url(session.pk), data).status_code == 400
    session.refresh_from_db()
    assert session.outcome == Outcome.UNDERWAY


def test_a_session_ends_only_once(owner_client: Client, owner: Any) -> None:
    session = make_session(owner, outcome=Outcome.COMPLETED, after_safety=6)
    response = owner_client.post(finish_url(session.pk), {"outcome": "stopped", "safety": "1"})
    assert response.status_code == 409
    session.refresh_from_db()
    assert (session.outcome, session.after_safety) == ("completed", 6)


def test_another_member_gets_404_finishing_someone_elses_session(other_client: Client, owner: Any) -> None:
    session = make_session(owner, outcome=Outcome.UNDERWAY, after_safety=None)
    assert other_client.post(finish_url(session.pk), {"outcome": "completed", "safety": "9"}).status_code == 404
    session.refresh_from_db()
    assert session.outcome == Outcome.UNDERWAY and session.after_safety is None


def test_a_guide_gets_404_on_a_members_session(guide_client: Client, owner: Any) -> None:
    session = make_session(owner, outcome=Outcome.UNDERWAY)
    assert guide_client.post(finish_url(session.pk), {"outcome": "completed"}).status_code == 404


def test_an_anonymous_visitor_can_neither_start_nor_finish(anon_client: Client, owner: Any) -> None:
    session = make_session(owner, outcome=Outcome.UNDERWAY)
    for response in (
        anon_client.post(START, {"practice": "one-slow-minute"}),
        anon_client.post(finish_url(session.pk), {"outcome": "completed"}),
    ):
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert PracticeSession.objects.count() == 1


def test_the_endpoints_only_accept_post(owner_client: Client, owner: Any) -> None:
    session = make_session(owner, outcome=Outcome.UNDERWAY)
    assert owner_client.get(START).status_code == 405
    assert owner_client.get(finish_url(session.pk)).status_code == 405


def test_the_endpoints_need_the_csrf_token(owner: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(START, {"practice": "one-slow-minute"}).status_code == 403
    client.get(reverse("practices:player", args=["one-slow-minute"]))
    token = client.cookies["csrftoken"].value
    assert client.post(START, {"practice": "one-slow-minute"}, headers={"X-CSRFToken": token}).status_code == 201
