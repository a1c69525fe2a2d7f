"""Acceptance enrols the member in the preparation workbook, timed to end on the arrival day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.web.retreats import actions
from attune.web.retreats.models import Retreat
from attune.web.workbooks import clock, progress
from attune.web.workbooks.models import Enrolment, Workbook
from tests.web.conftest import _make
from tests.web.journal_helpers import cohort_led_by
from tests.web.retreat_helpers import applied, retreat_led_by

pytestmark = pytest.mark.django_db

ARRIVAL = dt.date(2030, 6, 1)


@pytest.fixture
def retreat(guide: Any, builtin_workbooks: None) -> Any:
    return retreat_led_by(guide, starts_on=ARRIVAL, preparation=Workbook.objects.get(slug="coming-home-to-safety"))


def _first_day_ready(enrolment: Any, moment: dt.datetime, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(timezone, "now", lambda: moment)
    today = clock.today(enrolment.user)
    return progress.day_statuses(enrolment, {}, today)[0].ready


def test_acceptance_enrols_the_member_so_the_last_day_is_the_arrival_day(retreat: Any, owner: Any) -> None:
    actions.accept(applied(owner, retreat))
    enrolment = Enrolment.objects.get(user=owner)
    assert enrolment.cohort == Retreat.objects.get(pk=retreat.pk).preparation_cohort
    assert enrolment.date_of(enrolment.version.day_count) == ARRIVAL
    assert enrolment.version.day_count > 1 and enrolment.start_date < ARRIVAL


def test_the_first_day_opens_at_each_members_own_midnight(retreat: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    west = _make("wes", timezone="America/Bogota")  # UTC-5
    east = _make("eve", timezone="Australia/Brisbane")  # UTC+10
    for member in (west, east):
        actions.accept(applied(member, retreat))
    west_enrolment, east_enrolment = (Enrolment.objects.get(user=m) for m in (west, east))
    first = west_enrolment.start_date
    assert east_enrolment.start_date == first
    brisbane_morning = dt.datetime.combine(first, dt.time(0, 30), tzinfo=dt.timezone(dt.timedelta(hours=10)))
    assert _first_day_ready(east_enrolment, brisbane_morning, monkeypatch)
    assert not _first_day_ready(west_enrolment, brisbane_morning, monkeypatch)  # still the day before in Bogotá
    bogota_morning = dt.datetime.combine(first, dt.time(0, 30), tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert _first_day_ready(west_enrolment, bogota_morning, monkeypatch)


def test_taking_an_offered_place_enrols_too_and_a_waitlist_does_not(retreat: Any, guide: Any) -> None:
    retreat.capacity = 1
    retreat.save()
    first = actions.accept(applied(_make("first"), retreat))
    waiting = actions.waitlist(applied(_make("second"), retreat))
    assert not Enrolment.objects.filter(user=waiting.user).exists()
    actions.withdraw(first)
    assert actions.take_offer(waiting)
    assert Enrolment.objects.get(user=waiting.user).date_of(1) == Enrolment.objects.get(user=first.user).date_of(1)


def test_without_a_preparation_workbook_nothing_is_enrolled(guide: Any, owner: Any) -> None:
    actions.accept(applied(owner, retreat_led_by(guide)))
    assert not Enrolment.objects.filter(user=owner).exists()


def test_the_guide_chooses_only_their_own_or_built_in_workbooks(
    guide_client: Client, builtin_workbooks: None, guide: Any
) -> None:
    theirs = cohort_led_by(_make("greta", is_guide=True), slug="greta-only").version.workbook
    own = cohort_led_by(guide, slug="gwen-own").version.workbook
    builtin = Workbook.objects.get(slug="coming-home-to-safety")
    page = guide_client.get(reverse("retreats:new")).content.decode()
    assert f'value="{builtin.pk}"' in page and f'value="{own.pk}"' in page
    assert f'value="{theirs.pk}"' not in page
    form = {"title": "T", "description": "D", "place": "P", "starts_on": "2030-05-01", "ends_on": "2030-05-02"}
    form |= {"timezone": "UTC", "capacity": "3", "status": "draft", "preparation": str(theirs.pk)}
    response = guide_client.post(reverse("retreats:new"), form)
    assert response.status_code == 400 and not Retreat.objects.exists()
