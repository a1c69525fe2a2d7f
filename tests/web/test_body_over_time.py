"""The "Your body over time" page: each measure against the member's own baseline, honestly worded."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse

from attune.web.checkins.models import CheckIn
from attune.web.imports.models import Measurement

pytestmark = pytest.mark.django_db

FIRST = dt.datetime(2024, 3, 1, 6, 0, tzinfo=dt.UTC)


def _readings(owner: Any, kind: str, values: list[float], *, context: str = "nightly", unit: str = "ms") -> None:
    Measurement.objects.bulk_create(
        Measurement(owner=owner, kind=kind, value=v, unit=unit, context=context, start=FIRST + dt.timedelta(days=n),
                    end=FIRST + dt.timedelta(days=n, hours=1), source="oura", key=f"{kind}:{n:040d}")
        for n, v in enumerate(values)
    )


def _page(client: Client) -> str:
    return client.get(reverse("imports:body")).content.decode()


def _chart(page: str, slug: str) -> str:
    start = page.index(f'id="chart-{slug}"')
    return page[start : page.index("</section>", start)]


def test_it_reads_calibrating_until_fourteen_days_have_a_reading(owner: Any, owner_client: Client) -> None:
    _readings(owner, "rmssd", [45.0] * 13)
    chart = _chart(_page(owner_client), "rmssd")
    assert "calibrating (13 of 14 days)" in chart
    assert 'data-testid="band"' not in chart


def test_after_fourteen_days_the_band_is_drawn_and_the_mean_placed_in_it(owner: Any, owner_client: Client) -> None:
    rng = np.random.default_rng(1)
    values = [float(v) for v in np.exp(rng.normal(math.log(45), 0.15, size=30))]
    _readings(owner, "rmssd", values)
    chart = _chart(_page(owner_client), "rmssd")
    assert "calibrating" not in chart.split("<svg")[0]
    assert 'data-testid="band"' in chart
    ln = np.log(values)
    rolling = ln[-7:].mean()
    low, high = ln.mean() - ln.std(ddof=1), ln.mean() + ln.std(ddof=1)  # 30 days: all inside the 60-day window
    assert f"Your 7-day mean is <strong>{rolling:.2f} ln ms</strong>" in chart
    assert f"({low:.2f} to {high:.2f})" in chart


def test_sdnn_and_rmssd_never_share_a_chart(owner: Any, owner_client: Client) -> None:
    _readings(owner, "rmssd", [45.0] * 3)
    _readings(owner, "sdnn", [60.0] * 3, context="spot")
    page = _page(owner_client)
    rmssd, sdnn = _chart(page, "rmssd"), _chart(page, "sdnn")
    assert "SDNN" not in rmssd.split("<details")[0]
    assert "SDNN (Oura)" in sdnn and "ln ms" not in sdnn  # named by the source the helper writes
    assert page.count('data-chart="rmssd"') == 1 and page.count('data-chart="sdnn"') == 1


def test_resting_heart_rate_has_its_own_baseline(owner: Any, owner_client: Client) -> None:
    _readings(owner, "resting_hr", [50.0, 52.0, 54.0] * 6, context="daily", unit="bpm")
    chart = _chart(_page(owner_client), "resting-hr")
    assert "Your 7-day mean is <strong>52 bpm</strong>" in chart


def test_morning_spot_readings_have_a_chart_of_their_own(owner: Any, owner_client: Client) -> None:
    _readings(owner, "rmssd", [40.0] * 3, context="spot")  # 06:00 UTC is 07:00 in London: morning
    page = _page(owner_client)
    assert "ln RMSSD, morning" in _chart(page, "rmssd-morning")
    assert 'id="chart-rmssd"' not in page  # no nightly readings: no nightly chart


def _checkins(owner: Any, safety: list[int]) -> None:
    for n, s in enumerate(safety):
        CheckIn.objects.create(user=owner, created_at=FIRST + dt.timedelta(days=n, hours=2), state="settled",
                               felt_safety=s, breath=3, muscles=3, attention=3, felt_connection=min(10, s + 1))


def test_felt_safety_and_connection_show_as_weekly_means_with_ranges(owner: Any, owner_client: Client) -> None:
    _checkins(owner, [2, 4, 6, 8, 5, 5, 5])  # 2024-03-01 is a Friday: Fri-Sun, then Mon-Thu
    page = _page(owner_client)
    assert "Felt safety, week by week" in page and "Felt connection, week by week" in page
    assert re.search(r"<td>26 Feb 2024</td><td>4.0</td><td>2 to 6</td><td>3</td>", page)
    assert re.search(r"<td>4 Mar 2024</td><td>5.8</td><td>5 to 8</td><td>4</td>", page)


def test_a_correlation_is_shown_only_with_its_interval_count_and_caveat(owner: Any, owner_client: Client) -> None:
    safety = [3, 5, 7, 4, 6, 8, 2, 5, 7, 6, 4, 8]
    _checkins(owner, safety)
    _readings(owner, "rmssd", [30.0 + 3 * s for s in safety])
    page = _page(owner_client)
    section = page[page.index('id="together-title"') :]
    assert re.search(r"r = <strong>1\.00</strong> \(95% interval 0\.\d\d to 1\.00, n = 12\)", section)
    assert "together, not because" in section


def test_with_too_few_days_no_correlation_is_shown(owner: Any, owner_client: Client) -> None:
    _checkins(owner, [3, 5, 7])
    _readings(owner, "rmssd", [40.0, 45.0, 50.0])
    section = _page(owner_client).split('id="together-title"')[1]
    assert "r =" not in section and "3 of 10 days" in section


def test_a_single_reading_still_gets_an_axis_with_distinct_ticks(owner: Any, owner_client: Client) -> None:
    _readings(owner, "rmssd", [45.0])
    chart = _chart(_page(owner_client), "rmssd")
    ticks = re.findall(r'class="tick"[^>]*>([0-9.]+)</text>', chart.split("</svg>")[0])
    assert len(ticks) >= 4 and len(set(ticks[:4])) == 4, ticks


def test_a_daily_and_a_nightly_resting_heart_rate_never_share_an_axis(owner: Any, owner_client: Client) -> None:
    _readings(owner, "resting_hr", [50.0] * 5, context="daily", unit="bpm")  # Apple's daily estimate
    Measurement.objects.bulk_create(  # Oura's lowest heart rate of each night
        Measurement(owner=owner, kind="resting_hr", value=44.0, unit="bpm", context="nightly", source="oura",
                    start=FIRST + dt.timedelta(days=n), end=FIRST + dt.timedelta(days=n, hours=8), key=f"n:{n:040d}")
        for n in range(5)
    )
    page = _page(owner_client)
    daily, nightly = _chart(page, "resting-hr"), _chart(page, "resting-hr-nightly")
    assert "Resting heart rate, nightly" in nightly
    assert "<td>44</td>" in nightly and "<td>50</td>" not in nightly
    assert "<td>50</td>" in daily and "<td>44</td>" not in daily


def test_sdnn_names_the_source_it_came_from(owner: Any, owner_client: Client) -> None:
    Measurement.objects.bulk_create(
        Measurement(owner=owner, kind="sdnn", value=61.0, unit="ms", context="spot", source="elite_hrv",
                    start=FIRST + dt.timedelta(days=n), key=f"e:{n:040d}")
        for n in range(3)
    )
    chart = _chart(_page(owner_client), "sdnn")
    assert "SDNN (Elite HRV)" in chart and "Apple" not in chart
