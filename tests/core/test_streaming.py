"""The live meter: one RR interval at a time."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from numpy.testing import assert_allclose

from attune.core import StreamingMeter, coherence, time_domain
from tests.shared_data import shared_data

POLAR = "rr/polar_h10_device_rr.csv"


def modulated_rr(freq_hz: float = 0.1, amp_ms: float = 50.0, duration_s: float = 150.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out, t = [], 0.0
    while t < duration_s:
        v = 900.0 + amp_ms * np.sin(2 * np.pi * freq_hz * t) + rng.normal(0, 3)
        out.append(v)
        t += v / 1000.0
    return np.array(out)


def test_it_says_calibrating_until_it_has_a_full_window() -> None:
    meter = StreamingMeter()
    readings = [meter.update(x) for x in modulated_rr()]
    first = readings[0]
    assert first.calibrating and first.coherence is None and first.rmssd_ms is None
    assert "Calibrating" in first.status
    assert_allclose(first.hr_bpm, 60000.0 / first.rr_ms, rtol=1e-12)
    ready = [r for r in readings if not r.calibrating]
    assert ready, "the meter never finished calibrating"
    assert ready[0].beat_time_s >= 64.0
    assert all(r.calibrating for r in readings if r.beat_time_s < 63.0)
    last = readings[-1]
    assert last.coherence is not None and last.coherence > 3.0
    assert last.breathing_rate_bpm == pytest.approx(6.0, abs=0.3)
    assert last.seconds_to_ready == 0.0


def test_its_coherence_equals_the_batch_function_on_the_same_beats() -> None:
    rr = modulated_rr()
    meter = StreamingMeter()
    for x in rr:
        reading = meter.update(x)
    assert reading.coherence is not None
    assert_allclose(reading.coherence, coherence(rr).ratio, rtol=1e-9)


def test_its_rmssd_covers_the_last_60_seconds() -> None:
    rr = modulated_rr()
    meter = StreamingMeter()
    for x in rr:
        reading = meter.update(x)
    t = np.cumsum(rr) / 1000.0
    in_window = rr[t >= t[-1] - 60.0]
    expected = float(np.sqrt(np.mean(np.diff(in_window) ** 2)))
    assert reading.rmssd_ms is not None
    assert_allclose(reading.rmssd_ms, expected, rtol=0.05)


def test_it_leaves_out_a_premature_beat_and_keeps_the_timeline() -> None:
    rr = modulated_rr(amp_ms=10.0)
    rr[100], rr[101] = 500.0, 1300.0
    meter = StreamingMeter()
    readings = [meter.update(x) for x in rr]
    assert readings[100].artifact and readings[101].artifact
    assert not any(r.artifact for i, r in enumerate(readings) if i not in (100, 101))
    assert_allclose(readings[-1].beat_time_s, rr.sum() / 1000.0, rtol=1e-12)
    clean = np.delete(rr, [100, 101])
    # RMSSD skips differences that span the left-out beats.
    assert readings[110].rmssd_ms is not None
    assert readings[110].rmssd_ms < 2 * time_domain(clean[:110]).rmssd_ms


def test_a_saved_state_resumes_exactly() -> None:
    rr = modulated_rr()
    meter = StreamingMeter(pacer_hz=0.1)
    for x in rr[:100]:
        meter.update(x)
    state = json.loads(json.dumps(meter.to_state()))
    resumed = StreamingMeter.from_state(state)
    for x in rr[100:]:
        a, b = meter.update(x), resumed.update(x)
        assert a == b


def test_replaying_stored_rr_recreates_the_meter() -> None:
    rr = modulated_rr(duration_s=400.0)
    live = StreamingMeter()
    for x in rr[:-1]:
        live.update(x)
    replayed = StreamingMeter.from_rr(rr[:-1])
    a, b = live.update(rr[-1]), replayed.update(rr[-1])
    assert_allclose(b.beat_time_s, a.beat_time_s, rtol=1e-12)
    assert a.coherence is not None and b.coherence is not None
    assert_allclose(b.coherence, a.coherence, rtol=1e-9)
    assert_allclose(b.rmssd_ms, a.rmssd_ms, rtol=1e-9)  # type: ignore[arg-type]


def test_it_runs_on_the_real_polar_stream() -> None:
    rr = np.loadtxt(shared_data(POLAR), delimiter=",", skiprows=1, usecols=2)
    meter = StreamingMeter()
    readings = [meter.update(x) for x in rr]
    assert any(r.artifact for r in readings)
    assert not readings[-1].calibrating


def test_one_update_is_fast() -> None:
    meter = StreamingMeter()
    rr = modulated_rr(duration_s=300.0)
    for x in rr[:100]:
        meter.update(x)
    start = time.perf_counter()
    for x in rr[100:]:
        meter.update(x)
    per_update = (time.perf_counter() - start) / (rr.size - 100)
    # 500 meters at one beat a second need well under 2 ms each; typical is ~0.05 ms.
    assert per_update < 2e-3


@pytest.mark.parametrize("bad", [0.0, -5.0, float("nan")])
def test_it_rejects_an_impossible_interval(bad: float) -> None:
    with pytest.raises(ValueError, match="positive RR"):
        StreamingMeter().update(bad)


def _one_by_one(meter: StreamingMeter, rr: np.ndarray) -> dict[str, np.ndarray]:
    readings = [meter.update(float(x)) for x in rr]

    def col(name: str) -> np.ndarray:
        return np.array([np.nan if getattr(r, name) is None else getattr(r, name) for r in readings], dtype=float)

    return {
        **{name: col(name) for name in ("beat_time_s", "rr_ms", "hr_bpm", "rmssd_ms", "coherence",
                                        "coherence_peak_hz", "breathing_rate_bpm")},
        "artifact": np.array([r.artifact for r in readings], dtype=bool),
        "calibrating": np.array([r.calibrating for r in readings], dtype=bool),
    }


def _assert_many_equals_one_by_one(rr: np.ndarray, pacer_hz: float | None = None, chunks: int = 1) -> None:
    expected = _one_by_one(StreamingMeter(pacer_hz=pacer_hz), rr)
    meter = StreamingMeter(pacer_hz=pacer_hz)
    parts = [meter.update_many(part) for part in np.array_split(rr, chunks)]
    for name, want in expected.items():
        got = np.concatenate([getattr(p, name) for p in parts])
        # Exact equality, NaN where a reading held None: the same code computes both.
        assert np.array_equal(got, want, equal_nan=want.dtype.kind == "f"), name


def test_many_beats_at_once_read_exactly_as_one_at_a_time_on_a_real_recording() -> None:
    rr = np.loadtxt(shared_data(POLAR), delimiter=",", skiprows=1, usecols=2)[:1500]
    _assert_many_equals_one_by_one(rr)
    _assert_many_equals_one_by_one(rr, pacer_hz=0.1, chunks=7)


@pytest.mark.parametrize("seed", range(5))
def test_many_beats_at_once_read_exactly_as_one_at_a_time_on_random_series(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rr = rng.normal(850, 80, 400)
    rr[rng.integers(0, rr.size, 12)] *= rng.choice([0.5, 1.8, 3.5], 12)  # artifacts, some out of range
    _assert_many_equals_one_by_one(rr, chunks=1 + seed)


def test_many_beats_at_once_refuse_a_bad_interval_and_leave_the_meter_as_it_was() -> None:
    meter = StreamingMeter()
    meter.update_many([800.0, 810.0])
    before = meter.to_state()
    with pytest.raises(ValueError):
        meter.update_many([800.0, float("nan")])
    with pytest.raises(ValueError):
        meter.update_many([800.0, -1.0])
    assert meter.to_state() == before
    assert len(meter.update_many([])) == 0
