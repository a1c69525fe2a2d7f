"""How History and Today list sessions: one wording for a practice that ended early, live practice
under its own name, and the resonance check at all."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from daily_factories import make_checkin, make_session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.web.physio.models import Recording, ResonanceAssessment
from attune.web.practices.models import Outcome

pytestmark = pytest.mark.django_db
HISTORY = reverse("today:history")
TODAY = reverse("today:today")


@pytest.fixture(autouse=True)
def checked_in(owner: Any) -> None:
    """Today lists the day's sessions under the day's check-in."""
    make_checkin(owner)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("url", [HISTORY, TODAY])
def test_a_practice_stopped_partway_reads_the_same_on_today_and_history(
    owner_client: Client, owner: Any, url: str
) -> None:
    make_session(owner, outcome=Outcome.STOPPED, after_safety=None)
    html = owner_client.get(url).content.decode()
    assert "(stopped partway)" in html
    assert "stopped early" not in html and "stopped when it felt right" not in html


def test_a_practice_left_open_hours_ago_reads_as_stopped_partway(owner_client: Client, owner: Any) -> None:
    # Begun four hours ago and never finished: the tab was closed without a word.
    make_session(owner, when=timezone.now() - dt.timedelta(hours=4), outcome=Outcome.UNDERWAY, after_safety=None)
    assert "(stopped partway)" in owner_client.get(HISTORY).content.decode()


def test_a_practice_under_way_now_says_so(owner_client: Client, owner: Any) -> None:
    make_session(owner, outcome=Outcome.UNDERWAY, after_safety=None)
    assert "(under way)" in owner_client.get(HISTORY).content.decode()


@pytest.mark.parametrize("url", [HISTORY, TODAY])
def test_a_live_practice_is_listed_as_one_not_as_the_plain_pacer(owner_client: Client, owner: Any, url: str) -> None:
    live = make_session(owner, practice_slug="pacer", practice_title="Breathing pacer")
    at = live.started_at
    Recording.objects.create(user=owner, practice_session=live, kind="practice", started_at=at, updated_at=at)
    earlier = timezone.now() - dt.timedelta(minutes=9)
    make_session(owner, practice_slug="pacer", practice_title="Breathing pacer", when=earlier)
    text = _text(owner_client.get(url).content.decode())
    assert "Breathing with your heart in view" in text
    assert "Breathing pacer" in text  # the one without a strap keeps its name


def test_the_resonance_check_is_listed_in_history_with_what_it_found(owner_client: Client, owner: Any) -> None:
    done = ResonanceAssessment.objects.create(user=owner, scored_at=timezone.now(), best_rate_bpm=5.5)
    now = timezone.now()
    Recording.objects.create(
        user=owner, assessment=done, kind="resonance", segment_rate_bpm=5.5, started_at=now, updated_at=now,
        simulated=True,
    )
    html = owner_client.get(HISTORY).content.decode()
    assert reverse("physio:resonance_result", args=[done.pk]) in html
    text = _text(html)
    assert "Resonance check" in text and "5.5 breaths a minute suited you best" in text and "simulated" in text


def test_a_resonance_check_stopped_partway_says_so(owner_client: Client, owner: Any) -> None:
    ResonanceAssessment.objects.create(user=owner)
    text = _text(owner_client.get(HISTORY).content.decode())
    assert "Resonance check (stopped partway)" in text


def test_another_members_resonance_check_is_not_listed(owner_client: Client, other: Any) -> None:
    theirs = ResonanceAssessment.objects.create(user=other, scored_at=timezone.now(), best_rate_bpm=6.0)
    assert reverse("physio:resonance_result", args=[theirs.pk]) not in owner_client.get(HISTORY).content.decode()
