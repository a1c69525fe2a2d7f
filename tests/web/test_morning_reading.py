"""The morning reading: a strap reading of one to three minutes that joins the morning ln RMSSD baseline.

It goes through the live path (a recording, its beats, the same finish), keeps its kind (RMSSD
over a short morning reading), shares its baseline with imported morning readings and never with
nightly ones, and readings from the demo strap never mix with real ones.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse

from attune.core import clean_rr, time_domain
from attune.web.checkins.models import CheckIn
from attune.web.imports import trends
from attune.web.imports.models import Measurement
from attune.web.physio import actions, morning
from attune.web.physio.models import Kind, Recording

pytestmark = pytest.mark.django_db

MORNING = dt.datetime(2024, 3, 1, 6, 30, tzinfo=dt.UTC)  # 06:30 in London


def _beats(seconds: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rr = 900 + rng.normal(0, 40, size=int(seconds / 0.9) + 5)
    return np.asarray(rr[np.cumsum(rr) <= seconds * 1000], dtype=np.float64)


def _strap_reading(user: Any, day: int, seconds: float = 120.0, *, simulated: bool = False, seed: int = 0,
                   kind: str = Kind.MORNING) -> Recording:
    """A reading taken through the live path: start, beats in two messages, finish."""
    rec = actions.start_recording(user, kind=kind, simulated=simulated)
    Recording.objects.filter(pk=rec.pk).update(started_at=MORNING + dt.timedelta(days=day))
    rr = _beats(seconds, seed)
    half = rr.size // 2
    actions.append_beats(rec, 1, rr[:half])
    actions.append_beats(rec, 2, rr[half:])
    return actions.finish_recording(rec.pk)


def _imported(owner: Any, day: int, value: float, *, context: str, hour: int = 6) -> None:
    start = MORNING.replace(hour=hour) + dt.timedelta(days=day)
    Measurement.objects.create(owner=owner, kind="rmssd", value=value, unit="ms", context=context, start=start,
                               end=start + dt.timedelta(minutes=3 if context == "spot" else 480),
                               source="elite_hrv" if context == "spot" else "oura", key=f"{context}:{day:040d}")


def _chart(client: Client, slug: str) -> str:
    page = client.get(reverse("imports:body")).content.decode()
    start = page.index(f'id="chart-{slug}"')
    return page[start : page.index("</section>", start)]


def test_the_page_offers_one_to_three_minutes_and_a_strap(owner_client: Client) -> None:
    response = owner_client.get(reverse("live:morning"))
    assert response.status_code == 200
    page = response.content.decode()
    assert [f'name="minutes" value="{m}"' in page for m in (1, 2, 3)] == [True] * 3
    assert 'data-action="strap"' in page and 'data-action="demo"' in page
    config = json.loads(page.split('id="live-config" type="application/json">')[1].split("</script>")[0])
    assert config["choices_min"] == [1, 2, 3] and config["min_s"] == 60.0


def test_a_visitor_is_sent_to_sign_in(anon_client: Client) -> None:
    response = anon_client.get(reverse("live:morning"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_morning_recording_starts_unpaced_and_alone(owner: Any, owner_client: Client) -> None:
    response = owner_client.post(reverse("live:start_recording"), {"kind": "morning", "pacer_bpm": "6"})
    assert response.status_code == 201
    rec = Recording.objects.get(pk=response.json()["id"])
    assert (rec.kind, rec.pacer_bpm, rec.practice_session_id) == ("morning", None, None)


def test_a_reading_of_one_to_three_minutes_counts_and_a_shorter_or_longer_one_does_not(owner: Any) -> None:
    kept = [_strap_reading(owner, 0, 60.5, seed=1), _strap_reading(owner, 1, 180.0, seed=2)]
    _strap_reading(owner, 2, 45.0, seed=3)  # stopped early
    _strap_reading(owner, 3, 300.0, seed=4)  # left running
    _strap_reading(owner, 4, 120.0, seed=5, kind=Kind.FREE)  # not a morning reading
    assert [r.recording_id for r in morning.readings(owner)] == [r.pk for r in kept]
    assert all(morning.counts(r) for r in kept)


def test_its_rmssd_is_the_whole_readings_corrected_rmssd(owner: Any) -> None:
    rec = _strap_reading(owner, 0, 120.0, seed=7)
    expected = time_domain(clean_rr(rec.rr_ms()).nn_ms).rmssd_ms
    (reading,) = morning.readings(owner)
    assert reading.rmssd_ms == pytest.approx(expected, rel=1e-9)


def test_strap_readings_feed_the_morning_baseline_beside_imported_morning_readings(
    owner: Any, owner_client: Client
) -> None:
    strap = [_strap_reading(owner, d, seed=d) for d in range(0, 14, 2)]  # seven mornings with the strap
    for d in range(1, 14, 2):  # seven with Elite HRV
        _imported(owner, d, 40.0 + d, context="spot")
    days, ln = trends.morning_rmssd(owner).days, trends.morning_rmssd(owner).ln
    assert len(set(days)) == 14
    assert sorted(round(v, 9) for v in ln) == sorted(
        [round(math.log(r.rmssd_ms or 0), 9) for r in strap] + [round(math.log(40.0 + d), 9) for d in range(1, 14, 2)]
    )
    chart = _chart(owner_client, "rmssd-morning")
    assert "ln RMSSD, morning" in chart and "calibrating" not in chart.split("<svg")[0]  # 14 days: settled
    assert 'data-testid="band"' not in chart  # a band needs two settled days


def test_nightly_readings_keep_their_own_chart_and_never_take_a_morning_value(
    owner: Any, owner_client: Client
) -> None:
    for d in range(3):
        _imported(owner, d, 80.0, context="nightly")
    rec = _strap_reading(owner, 5, seed=9)
    nightly, mornings = _chart(owner_client, "rmssd"), _chart(owner_client, "rmssd-morning")
    assert "ln RMSSD, nightly" in nightly and "ln RMSSD, morning" in mornings
    assert f"{math.log(80.0):.2f}" in nightly and f"{math.log(rec.rmssd_ms or 0):.2f}" not in nightly
    assert f"{math.log(rec.rmssd_ms or 0):.2f}" in mornings and f"{math.log(80.0):.2f}" not in mornings


def test_demo_strap_readings_stand_alone_until_a_real_one_arrives(owner: Any, owner_client: Client) -> None:
    demo = _strap_reading(owner, 0, simulated=True, seed=11)
    only_demo = trends.morning_rmssd(owner)
    assert only_demo.simulated and only_demo.ln == [math.log(demo.rmssd_ms or 0)]
    assert "ln RMSSD, morning (demo strap, simulated)" in _chart(owner_client, "rmssd-morning")

    real = _strap_reading(owner, 1, seed=12)
    both = trends.morning_rmssd(owner)
    assert not both.simulated and both.ln == [math.log(real.rmssd_ms or 0)]
    assert "simulated" not in _chart(owner_client, "rmssd-morning").split("<svg")[0]


def test_felt_safety_is_never_set_beside_simulated_readings(owner: Any) -> None:
    for d in range(12):
        _strap_reading(owner, d, simulated=True, seed=20 + d)
        CheckIn.objects.create(user=owner, created_at=MORNING + dt.timedelta(days=d, hours=1), state="settled",
                               felt_safety=d % 10, breath=3, muscles=3, attention=3, felt_connection=5)
    together = trends.body_over_time(owner)["together"]
    assert together.result is None and together.pairs == 0


def test_another_members_readings_are_not_on_my_page(owner: Any, other: Any, other_client: Client) -> None:
    _strap_reading(owner, 0, seed=30)
    page = other_client.get(reverse("imports:body")).content.decode()
    assert 'id="chart-rmssd-morning"' not in page
    assert morning.readings(other) == []
