"""Signal quality per stretch: readable stretches keep their beats, unreadable ones become gaps.

Run with ``pytest -s`` to see the figures.
"""

from __future__ import annotations

import numpy as np
import pytest
from ecg_noise import KINDS, SNRS_DB, stressed
from numpy.testing import assert_array_equal

from attune.core.ecg import detect_r_peaks, evaluate_beats
from attune.core.ecg_quality import SignalQuality, readable_rr, signal_quality
from attune.importers import load_ecg
from attune.importers.wfdb import read_annotations
from tests.shared_data import shared_data

FS = 360.0


@pytest.fixture(scope="module")
def record_100() -> tuple[np.ndarray, np.ndarray]:
    ecg = load_ecg(shared_data("ecg/mitdb100/100.hea"), lead="MLII").signal
    return ecg, read_annotations(shared_data("ecg/mitdb100/100.atr")).beat_samples


def test_clean_record_100_is_readable_throughout_and_keeps_every_beat(
    record_100: tuple[np.ndarray, np.ndarray],
) -> None:
    ecg, reference = record_100
    peaks = detect_r_peaks(ecg, FS)
    quality = signal_quality(ecg, FS, peaks.indices)
    assert quality.readable.all()
    times, rr, kept = readable_rr(peaks.times_s, quality)
    assert kept.all() and rr.size == times.size - 1
    m = evaluate_beats(times, reference / FS)
    assert (m.sensitivity, m.ppv) == (1.0, 1.0)


def test_record_208_is_readable_except_where_the_amplifier_saturates() -> None:
    ecg = np.load(shared_data("ecg/mitdb208/ecg_208_MLII_5min_360hz.npz"))["ecg"]
    peaks = detect_r_peaks(ecg, FS)
    quality = signal_quality(ecg, FS, peaks.indices)
    print(f"record 208: {np.count_nonzero(~quality.readable)} of {quality.readable.size} stretches unreadable")
    # Frequent ventricular ectopy is not noise: nearly every stretch stays readable.
    assert 1 <= np.count_nonzero(~quality.readable) <= 2
    raw_rr = peaks.rr_ms
    _, rr, _ = readable_rr(peaks.times_s, quality)
    assert raw_rr.max() > 3000.0 > rr.max()  # the pause over the saturated stretch is not an interval


def test_intervals_that_span_an_unreadable_stretch_are_not_used() -> None:
    quality = SignalQuality(
        starts_s=np.array([0.0, 10.0, 20.0]),
        ends_s=np.array([10.0, 20.0, 30.0]),
        readable=np.array([True, False, True]),
        confirmed=np.array([1.0, 0.2, 1.0]),
        heart_rate_bpm=np.array([60.0, 60.0, 60.0]),
        beat_readable=np.array([True, True, True, True, True, True, True, False, True, True]),
        window_s=10.0,
    )
    beats = np.array([7.0, 8.0, 9.5, 12.0, 19.0, 21.0, 22.0, 22.4, 23.0, 24.0])
    times, rr, kept = readable_rr(beats, quality)
    assert_array_equal(kept, [True, True, True, False, False, True, True, False, True, True])
    assert_array_equal(times, [7.0, 8.0, 9.5, 21.0, 22.0, 23.0, 24.0])
    # 9.5 -> 21.0 spans the unreadable stretch and 22.0 -> 23.0 the left-out beat: neither is used.
    assert_array_equal(rr, [1000.0, 1500.0, 1000.0, 1000.0])
    assert quality.gaps_s() == [(10.0, 20.0)]


@pytest.mark.parametrize("kind", KINDS)
def test_marking_gaps_never_costs_precision_and_keeps_most_beats_in_noise(
    record_100: tuple[np.ndarray, np.ndarray], kind: str
) -> None:
    ecg, reference = record_100
    for snr_db in SNRS_DB:
        noisy = stressed(ecg, reference, FS, kind, snr_db, seed=1)
        peaks = detect_r_peaks(noisy, FS)
        quality = signal_quality(noisy, FS, peaks.indices)
        kept, _, _ = readable_rr(peaks.times_s, quality)
        before = evaluate_beats(peaks.times_s, reference / FS)
        after = evaluate_beats(kept, reference / FS)
        print(
            f"{kind} {snr_db:+.0f} dB: all beats Se {100 * before.sensitivity:.2f} % PPV {100 * before.ppv:.2f} %; "
            f"readable only Se {100 * after.sensitivity:.2f} % PPV {100 * after.ppv:.2f} % "
            f"({np.count_nonzero(~quality.readable)} of {quality.readable.size} stretches unreadable)"
        )
        assert after.ppv >= before.ppv - 1e-12
        assert after.sensitivity >= 0.5  # noise fills 10 of the 30 minutes (NSTDB protocol)


@pytest.mark.parametrize(("part_s", "block"), [(300.0, 36_000), (30.0, 1_000)])
def test_quality_judged_part_by_part_equals_the_whole(
    record_100: tuple[np.ndarray, np.ndarray], part_s: float, block: int
) -> None:
    from attune.core.ecg_quality import signal_quality_stream

    ecg, reference = record_100
    noisy = stressed(ecg, reference, FS, "motion", 0.0, seed=1)
    peaks = detect_r_peaks(noisy, FS)
    whole = signal_quality(noisy, FS, peaks.indices)
    blocks = (noisy[i : i + block] for i in range(0, noisy.size, block))
    parts = signal_quality_stream(blocks, FS, peaks.indices, n_samples=noisy.size, part_s=part_s)
    assert_array_equal(parts.readable, whole.readable)
    assert_array_equal(parts.beat_readable, whole.beat_readable)
    assert (~whole.beat_readable).any()  # the lone-beat rule has something to do here
