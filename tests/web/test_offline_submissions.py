"""A check-in or a practice sent more than once with the same key (a lost reply, or the offline queue
sending it again) is stored once; the device's own time is believed within the offline window."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from daily_factories import VALID_CHECKIN
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.web.checkins.models import CheckIn
from attune.web.practices.models import Outcome, PracticeSession

pytestmark = pytest.mark.django_db

NEW = reverse("checkins:new")
START = reverse("practices:session_start")


def test_a_check_in_sent_twice_with_one_key_is_saved_once(owner_client: Client, owner: Any) -> None:
    key = str(uuid.uuid4())
    first = owner_client.post(NEW, {**VALID_CHECKIN, "key": key})
    again = owner_client.post(NEW, {**VALID_CHECKIN, "key": key})
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert CheckIn.objects.filter(user=owner).count() == 1


def test_check_ins_with_different_keys_or_none_are_each_saved(owner_client: Client, owner: Any) -> None:
    for key in (str(uuid.uuid4()), str(uuid.uuid4()), "", ""):
        assert owner_client.post(NEW, {**VALID_CHECKIN, "key": key}).status_code == 302
    assert CheckIn.objects.filter(user=owner).count() == 4


def test_one_members_key_does_not_swallow_anothers_check_in(
    owner_client: Client, other_client: Client, owner: Any, other: Any
) -> None:
    key = str(uuid.uuid4())
    owner_client.post(NEW, {**VALID_CHECKIN, "key": key})
    other_client.post(NEW, {**VALID_CHECKIN, "key": key})
    assert CheckIn.objects.filter(user=owner).count() == CheckIn.objects.filter(user=other).count() == 1


def test_a_key_that_is_not_a_uuid_is_refused_and_saves_nothing(owner_client: Client, owner: Any) -> None:
    response = owner_client.post(NEW, {**VALID_CHECKIN, "key": "not-a-key"})
    assert response.status_code == 400
    assert not CheckIn.objects.filter(user=owner).exists()


def test_a_check_in_made_offline_keeps_the_time_it_was_made(owner_client: Client, owner: Any) -> None:
    made = timezone.now() - dt.timedelta(hours=5)
    owner_client.post(NEW, {**VALID_CHECKIN, "key": str(uuid.uuid4()), "taken_at": made.isoformat()})
    assert abs(CheckIn.objects.get(user=owner).created_at - made) < dt.timedelta(seconds=1)


@pytest.mark.parametrize("offset", [dt.timedelta(days=30), -dt.timedelta(hours=2)], ids=["too-old", "future"])
def test_a_device_time_outside_the_window_is_taken_as_now(owner_client: Client, owner: Any, offset: Any) -> None:
    owner_client.post(NEW, {**VALID_CHECKIN, "taken_at": (timezone.now() - offset).isoformat()})
    assert abs(CheckIn.objects.get(user=owner).created_at - timezone.now()) < dt.timedelta(minutes=1)


def test_a_practice_started_and_finished_twice_with_one_key_is_one_session(owner_client: Client, owner: Any) -> None:
    key = str(uuid.uuid4())
    began = timezone.now() - dt.timedelta(minutes=30)
    start = {"practice": "one-slow-minute", "safety": "3", "key": key, "started_at": began.isoformat()}
    first = owner_client.post(START, start)
    again = owner_client.post(START, start)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["finishUrl"] == again.json()["finishUrl"]
    ended = began + dt.timedelta(minutes=2)
    finish = {"outcome": "completed", "safety": "6", "elapsed_s": "61", "key": key, "ended_at": ended.isoformat()}
    done = owner_client.post(first.json()["finishUrl"], finish)
    done_again = owner_client.post(first.json()["finishUrl"], finish)
    assert done.status_code == done_again.status_code == 200
    assert done.json() == done_again.json()
    session = PracticeSession.objects.get(user=owner)
    assert (session.outcome, session.after_safety, session.elapsed_s) == (Outcome.COMPLETED, 6, 61)
    assert abs(session.started_at - began) < dt.timedelta(seconds=1)
    assert abs(session.ended_at - ended) < dt.timedelta(seconds=1)


def test_a_second_finish_without_the_sessions_key_is_still_refused(owner_client: Client, owner: Any) -> None:
    key = str(uuid.uuid4())
    url = owner_client.post(START, {"practice": "one-slow-minute", "key": key}).json()["finishUrl"]
    assert owner_client.post(url, {"outcome": "completed", "key": key}).status_code == 200
    assert owner_client.post(url, {"outcome": "stopped"}).status_code == 409
    assert owner_client.post(url, {"outcome": "stopped", "key": str(uuid.uuid4())}).status_code == 409
    assert PracticeSession.objects.get(user=owner).outcome == Outcome.COMPLETED


def test_another_members_key_starts_their_own_session(owner_client: Client, other_client: Client, owner: Any) -> None:
    key = str(uuid.uuid4())
    mine = owner_client.post(START, {"practice": "one-slow-minute", "key": key}).json()
    theirs = other_client.post(START, {"practice": "one-slow-minute", "key": key})
    assert theirs.status_code == 201
    assert theirs.json()["id"] != mine["id"]
