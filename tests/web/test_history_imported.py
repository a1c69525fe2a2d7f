"""Imported beat series (an Apple Watch adds several a day) never crowd the member's own practice off History.

History lists the member's own recordings one by one, and what was brought in from devices as one
line per day and device, linking to that day's series.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.web.physio import actions
from attune.web.physio.models import Recording
from attune.web.today.history import imported_days_for_history, recent_for_history

pytestmark = pytest.mark.django_db


def _imported(owner: Any, n: int, at: dt.datetime, device: str = "Apple Watch (Watch6,2)") -> list[Recording]:
    rng = np.random.default_rng(n)
    made = [
        actions.prepare_imported(owner, actions.ImportedBeats(
            f"apple_health:{device[:5]}{at:%Y%m%d}{i:030d}", at - dt.timedelta(minutes=30 * i),
            850 + rng.normal(0, 30, size=70), "apple_health", device))
        for i in range(n)
    ]
    actions.store_imported(made)
    return list(Recording.objects.filter(user=owner, imported=True, started_at__lte=at, device=device))


def _own(owner: Any, days_ago: int) -> Recording:
    rec = actions.start_recording(owner, kind="free")
    actions.append_beats(rec, 1, 900 + np.random.default_rng(days_ago).normal(0, 30, size=150))
    Recording.objects.filter(pk=rec.pk).update(started_at=timezone.now() - dt.timedelta(days=days_ago))
    return actions.finish_recording(rec.pk)


def test_twenty_five_imported_series_leave_my_own_practice_on_history(owner: Any) -> None:
    today = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    _imported(owner, 25, today)
    mine = _own(owner, 3)
    assert [i.rec.pk for i in recent_for_history(owner, 30)] == [mine.pk]
    (line,) = imported_days_for_history(owner, 30)
    assert (line.count, line.source_name, line.device) == (25, "Apple Health", "Apple Watch (Watch6,2)")
    assert line.url == f"{reverse('physio:recordings')}?imported=1&day={line.day.isoformat()}"


def test_one_line_per_day_and_device(owner: Any) -> None:
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    _imported(owner, 3, noon)
    _imported(owner, 2, noon - dt.timedelta(days=1))
    _imported(owner, 1, noon, device="Polar H10")
    lines = [(d.day, d.device, d.count) for d in imported_days_for_history(owner, 30)]
    today, yesterday = timezone.localdate(noon), timezone.localdate(noon - dt.timedelta(days=1))
    assert sorted(lines) == sorted([(today, "Apple Watch (Watch6,2)", 3), (today, "Polar H10", 1),
                                    (yesterday, "Apple Watch (Watch6,2)", 2)])


def test_the_history_page_shows_the_line_and_my_recording(owner: Any, owner_client: Client) -> None:
    _imported(owner, 25, timezone.now().replace(hour=12, minute=0, second=0, microsecond=0))
    mine = _own(owner, 2)
    page = owner_client.get(reverse("today:history")).content.decode()
    assert page.count('data-recording="') == 1 and f'data-recording="{mine.pk}"' in page
    assert "25 heartbeat series from Apple Health (Apple Watch (Watch6,2))" in page


def test_the_link_lists_that_days_series_and_the_default_list_only_mine(owner: Any, owner_client: Client) -> None:
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    series = _imported(owner, 4, noon)
    _imported(owner, 2, noon - dt.timedelta(days=2))
    mine = _own(owner, 1)
    (line, _) = imported_days_for_history(owner, 30)
    page = owner_client.get(line.url).content.decode()
    assert sorted(int(x) for x in _linked(page)) == sorted(r.pk for r in series)
    default = owner_client.get(reverse("physio:recordings")).content.decode()
    assert _linked(default) == [str(mine.pk)] and "6 heartbeat series brought in from your devices" in default


def test_a_bad_day_is_a_clear_400(owner_client: Client) -> None:
    for bad in ("yesterday", "9999-12-31", "2024-02-30"):
        response = owner_client.get(reverse("physio:recordings"), {"imported": "1", "day": bad})
        assert response.status_code == 400 and "isn&#x27;t a day we can show" in response.content.decode()


def test_another_member_sees_none_of_my_series(owner: Any, other: Any, other_client: Client) -> None:
    _imported(owner, 3, timezone.now())
    assert imported_days_for_history(other, 30) == []
    page = other_client.get(reverse("physio:recordings"), {"imported": "1"}).content.decode()
    assert _linked(page) == []


def _linked(page: str) -> list[str]:
    import re

    return re.findall(r'href="/physio/recordings/(\d+)/"', page)
