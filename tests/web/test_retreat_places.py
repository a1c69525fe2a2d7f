"""Places: accept, waitlist, decline; capacity under concurrent acceptances; offers from the waitlist."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.web.accounts import relations
from attune.web.retreats import actions, tasks
from attune.web.retreats.models import Application, State
from tests.web.conftest import _make
from tests.web.retreat_helpers import applied, retreat_led_by
from tests.web.service_helpers import fresh_postgres_database

REPO = Path(__file__).resolve().parents[2]

T0 = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC)


def _members(count: int, start: int = 0) -> list[Any]:
    return [_make(f"member{i}") for i in range(start, start + count)]


def _full_with_waitlist(guide: Any, capacity: int, waiting: int) -> tuple[Any, list[Any], list[Any]]:
    """A retreat whose ``capacity`` places are taken, and ``waiting`` people on its waitlist in order."""
    retreat = retreat_led_by(guide, capacity=capacity, starts_on=dt.date(2030, 6, 1))
    placed = [actions.accept(applied(m, retreat)) for m in _members(capacity)]
    queue = [
        actions.waitlist(applied(m, retreat), now=T0 + dt.timedelta(minutes=i))
        for i, m in enumerate(_members(waiting, 100))
    ]
    return retreat, placed, queue


def _state(application: Any) -> str:
    return Application.objects.values_list("state", flat=True).get(pk=application.pk)


@pytest.mark.django_db
def test_the_guide_accepts_waitlists_and_declines_through_the_page(guide: Any, guide_client: Client) -> None:
    retreat = retreat_led_by(guide, capacity=1)
    first, second, third = (applied(m, retreat) for m in _members(3))
    decide = lambda a, d: guide_client.post(reverse("retreats:decide", args=[a.pk]), {"decision": d})  # noqa: E731
    decide(second, "waitlist")
    assert _state(second) == State.APPLIED  # a place is free: accept or decline instead
    decide(first, "accept")
    response = guide_client.post(reverse("retreats:decide", args=[second.pk]), {"decision": "accept"}, follow=True)
    assert "Every place is taken" in response.content.decode()
    decide(second, "waitlist")
    decide(third, "decline")
    assert [_state(a) for a in (first, second, third)] == [State.ACCEPTED, State.WAITLISTED, State.DECLINED]


@pytest.mark.django_db
def test_a_withdrawal_offers_the_place_to_the_first_on_the_waitlist(guide: Any) -> None:
    retreat, placed, queue = _full_with_waitlist(guide, capacity=2, waiting=2)
    actions.withdraw(placed[0], now=T0)
    assert [_state(a) for a in queue] == [State.OFFERED, State.WAITLISTED]
    offer = Application.objects.get(pk=queue[0].pk)
    assert offer.offer_expires_at == T0 + dt.timedelta(hours=48)
    assert retreat.places_left() == 0  # the offer holds the place
    assert actions.take_offer(offer, now=T0 + dt.timedelta(hours=47))
    assert _state(offer) == State.ACCEPTED


@pytest.mark.django_db
def test_an_offer_passes_after_48_hours_and_goes_to_the_next(guide: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _, placed, queue = _full_with_waitlist(guide, capacity=1, waiting=2)
    actions.withdraw(placed[0], now=T0)
    clock = {"now": T0 + dt.timedelta(hours=47, minutes=59)}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    tasks.offer_places_job.call_local()
    assert [_state(a) for a in queue] == [State.OFFERED, State.WAITLISTED]
    clock["now"] = T0 + dt.timedelta(hours=48)
    tasks.offer_places_job.call_local()
    assert _state(queue[0]) == State.LAPSED
    assert _state(queue[1]) == State.OFFERED
    assert Application.objects.get(pk=queue[1].pk).offer_expires_at == clock["now"] + dt.timedelta(hours=48)
    assert not actions.take_offer(queue[0])  # too late for the first
    assert _state(queue[0]) == State.LAPSED


@pytest.mark.django_db
def test_the_member_takes_an_offered_place_from_their_page(guide: Any) -> None:
    retreat, placed, queue = _full_with_waitlist(guide, capacity=1, waiting=1)
    actions.withdraw(placed[0])
    client = Client()
    client.force_login(queue[0].user)
    page = client.get(reverse("retreats:mine", args=[retreat.pk])).content.decode()
    assert "held for you until" in page
    client.post(reverse("retreats:take", args=[retreat.pk]))
    assert _state(queue[0]) == State.ACCEPTED


@pytest.mark.django_db
def test_nothing_is_offered_once_the_retreat_has_begun(guide: Any) -> None:
    _, placed, queue = _full_with_waitlist(guide, capacity=1, waiting=1)
    arrival = dt.datetime(2030, 6, 1, 8, 0, tzinfo=dt.UTC)
    actions.withdraw(placed[0], now=arrival)
    assert _state(queue[0]) == State.WAITLISTED


@pytest.mark.django_db
def test_members_with_a_place_may_share_with_the_retreats_guide(guide: Any, owner: Any, other: Any) -> None:
    retreat = retreat_led_by(guide)
    actions.accept(applied(owner, retreat))
    applied(other, retreat)
    assert list(relations.guides_for(owner)) == [guide]
    assert list(relations.guides_for(other)) == []
    assert set(relations.members_for(guide)) == {owner}


def test_twenty_simultaneous_acceptances_for_ten_places_accept_exactly_ten(tmp_path: Any) -> None:
    """Real PostgreSQL, twenty threads with a connection each, all released at once (tests/web/retreat_race.py)."""
    with fresh_postgres_database("retreat_race") as url:
        env = {**os.environ, "ATTUNE_DATABASE_URL": url, "ATTUNE_DATA_DIR": str(tmp_path)}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        done = subprocess.run(
            [sys.executable, "-m", "tests.web.retreat_race"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["connections"] == 20
    assert result["outcomes"] == ["accepted"] * 10 + ["full"] * 10
    assert result["accepted_rows"] == 10
