"""R-peak detection on real MIT-BIH and BITalino recordings and on signals built to order.

Run with ``pytest -s`` to see the figures.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import signal as sps

from attune.core.ecg import BeatMatch, RPeaks, detect_r_peaks, detect_r_peaks_stream, evaluate_beats
from attune.importers import load_ecg
from attune.importers.wfdb import read_annotations
from tests.shared_data import shared_data

FS_100 = 360.0
REQUIRED = 0.998  # issue 3: sensitivity and positive predictivity on record 100


@pytest.fixture(scope="module")
def record_100() -> np.ndarray:
    shared_data("ecg/mitdb100/100.dat")
    return load_ecg(shared_data("ecg/mitdb100/100.hea"), lead="MLII").signal


@pytest.fixture(scope="module")
def reference_100_s() -> np.ndarray:
    return read_annotations(shared_data("ecg/mitdb100/100.atr")).beat_samples / FS_100


def _report(name: str, m: BeatMatch) -> str:
    line = (
        f"{name}: sensitivity {100 * m.sensitivity:.2f} %, positive predictivity {100 * m.ppv:.2f} % "
        f"(TP {m.tp}, FP {m.fp}, FN {m.fn}, mean offset {1000 * m.mean_abs_offset_s:.1f} ms, "
        f"window {1000 * m.tolerance_s:.0f} ms)"
    )
    print(line)
    return line


def _assert_accurate(name: str, m: BeatMatch, required: float = REQUIRED) -> None:
    line = _report(name, m)
    assert m.sensitivity >= required and m.ppv >= required, f"below {100 * required:.1f} %: {line}"


def _plausible_rate(peaks: RPeaks, name: str) -> None:
    rate = peaks.heart_rate_bpm
    print(f"{name}: {peaks.indices.size} beats, median heart rate {rate:.1f} bpm, polarity {peaks.polarity:+d}")
    assert 40.0 <= rate <= 180.0, f"{name}: implausible heart rate {rate:.1f} bpm"


def test_it_finds_the_labelled_beats_of_mitbih_record_100(record_100: np.ndarray, reference_100_s: np.ndarray) -> None:
    assert reference_100_s.size == 2273  # the beat labels only, not the rhythm mark
    peaks = detect_r_peaks(record_100, FS_100)
    _assert_accurate("MIT-BIH 100 MLII", evaluate_beats(peaks.times_s, reference_100_s))
    assert peaks.indices.dtype == np.int64
    assert_allclose(peaks.times_s, peaks.indices / FS_100, rtol=1e-12)


def test_it_puts_each_peak_on_the_r_wave_within_a_few_milliseconds(
    record_100: np.ndarray, reference_100_s: np.ndarray
) -> None:
    m = evaluate_beats(detect_r_peaks(record_100, FS_100).times_s, reference_100_s)
    assert m.mean_abs_offset_s < 0.010, f"mean offset from the labels {1000 * m.mean_abs_offset_s:.1f} ms"


def test_it_copes_with_the_ectopic_beats_and_artefacts_of_record_208() -> None:
    ecg = np.load(shared_data("ecg/mitdb208/ecg_208_MLII_5min_360hz.npz"))["ecg"]
    peaks = detect_r_peaks(ecg, FS_100)
    _plausible_rate(peaks, "MIT-BIH 208 excerpt")
    assert np.all(np.diff(peaks.indices) >= 0.2 * FS_100)


def test_it_finds_the_beats_of_the_bitalino_recording() -> None:
    record = load_ecg(shared_data("ecg/pyhrv_bitalino_SampleECG_1000hz.txt"))
    peaks = detect_r_peaks(record.signal, record.fs_hz)
    _plausible_rate(peaks, "BITalino 1000 Hz")
    assert peaks.indices.size >= 22.0 * 40 / 60  # 22 s at no less than 40 bpm


def test_it_ignores_baseline_wander(record_100: np.ndarray, reference_100_s: np.ndarray) -> None:
    t = np.arange(record_100.size) / FS_100
    wander = 1.0 * np.sin(2 * np.pi * 0.3 * t) + 0.5 * np.sin(2 * np.pi * 0.05 * t + 1.0)
    peaks = detect_r_peaks(record_100 + wander, FS_100)
    _assert_accurate("record 100 + 1.5 mV baseline wander", evaluate_beats(peaks.times_s, reference_100_s))


def test_it_tolerates_noise_and_mains_hum(record_100: np.ndarray, reference_100_s: np.ndarray) -> None:
    rng = np.random.default_rng(20240611)
    t = np.arange(record_100.size) / FS_100
    noisy = record_100 + rng.normal(0.0, 0.1, t.size) + 0.2 * np.sin(2 * np.pi * 50.0 * t)
    peaks = detect_r_peaks(noisy, FS_100)
    _assert_accurate(
        "record 100 + 0.1 mV white noise + 0.2 mV 50 Hz", evaluate_beats(peaks.times_s, reference_100_s), 0.995
    )


@pytest.mark.parametrize(("up", "down", "fs_hz"), [(5, 18, 100.0), (25, 9, 1000.0)])
def test_it_works_from_100_to_1000_hz(
    record_100: np.ndarray, reference_100_s: np.ndarray, up: int, down: int, fs_hz: float
) -> None:
    resampled = sps.resample_poly(record_100, up, down)
    peaks = detect_r_peaks(resampled, fs_hz)
    assert peaks.fs_hz == fs_hz
    _assert_accurate(f"record 100 resampled to {fs_hz:g} Hz", evaluate_beats(peaks.times_s, reference_100_s))


def test_it_finds_the_same_beats_when_the_lead_is_inverted(record_100: np.ndarray) -> None:
    upright = detect_r_peaks(record_100, FS_100)
    inverted = detect_r_peaks(-record_100, FS_100)
    assert (upright.polarity, inverted.polarity) == (1, -1)
    assert_array_equal(inverted.indices, upright.indices)


def test_it_maps_irregular_timestamps_back_to_the_recorded_samples(
    record_100: np.ndarray, reference_100_s: np.ndarray
) -> None:
    rng = np.random.default_rng(7)
    n = record_100.size // 3  # ten minutes keep the test quick
    t_s = np.cumsum(rng.uniform(0.5, 1.5, n)) / FS_100  # intervals jitter by half a sample either way
    ecg = np.interp(t_s, np.arange(record_100.size) / FS_100, record_100)
    peaks = detect_r_peaks(ecg, t_s=t_s)
    assert_array_equal(peaks.times_s, t_s[peaks.indices])
    assert_allclose(peaks.fs_hz, FS_100, rtol=0.01)
    reference = reference_100_s[(reference_100_s > t_s[0]) & (reference_100_s < t_s[-1])]
    _assert_accurate("record 100, 10 min, jittered timestamps", evaluate_beats(peaks.times_s, reference))


def _synthetic_ecg(beat_times_s: np.ndarray, fs_hz: float, duration_s: float) -> np.ndarray:
    """Narrow Gaussian R waves (8 ms) with broad T waves (40 ms, 250 ms later) on a flat line."""
    t = np.arange(round(duration_s * fs_hz)) / fs_hz
    ecg = np.zeros_like(t)
    for b in beat_times_s:
        ecg += 1.2 * np.exp(-0.5 * ((t - b) / 0.008) ** 2) + 0.3 * np.exp(-0.5 * ((t - b - 0.25) / 0.04) ** 2)
    return ecg


def test_it_places_peaks_on_known_beats_including_premature_ones() -> None:
    fs = 250.0
    rr = np.full(40, 0.8)
    rr[[10, 25]] = 0.45  # premature beats ...
    rr[[11, 26]] = 1.15  # ... each followed by a compensatory pause
    beats = 0.5 + np.concatenate(([0.0], np.cumsum(rr)))
    beats = np.round(beats * fs) / fs  # on the sample grid, so the answer is exact
    peaks = detect_r_peaks(_synthetic_ecg(beats, fs, beats[-1] + 1.0), fs)
    assert_allclose(peaks.times_s, beats, atol=0.5 / fs)


def test_it_rejects_empty_input() -> None:
    with pytest.raises(ValueError, match=r"at least 2 s of ECG \(720 samples at 360 Hz\), got 0"):
        detect_r_peaks(np.array([]), 360.0)


def test_it_says_how_much_data_it_needs() -> None:
    with pytest.raises(ValueError, match=r"at least 2 s of ECG \(500 samples at 250 Hz\), got 499 samples"):
        detect_r_peaks(np.zeros(499), 250.0)
    with pytest.raises(ValueError, match=r"at least 2 s of ECG, got 1.5 s"):
        detect_r_peaks(np.zeros(151), t_s=np.linspace(0.0, 1.5, 151))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ecg": np.zeros(5000)}, "give the sampling rate fs_hz"),
        ({"ecg": np.zeros(5000), "fs_hz": 20.0}, "at least 50 Hz"),
        ({"ecg": np.zeros((2, 5000)), "fs_hz": 360.0}, "one-dimensional"),
        ({"ecg": np.r_[np.zeros(5000), np.nan], "fs_hz": 360.0}, "NaN"),
        ({"ecg": np.zeros(5000), "t_s": np.arange(4000) / 360}, "4000 timestamps but ecg has 5000"),
        ({"ecg": np.zeros(5000), "t_s": np.r_[np.arange(4999), 3.0] / 360}, "strictly increasing"),
    ],
)
def test_it_rejects_unusable_input_with_a_clear_message(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        detect_r_peaks(**kwargs)  # type: ignore[arg-type]


def test_it_finds_no_beats_on_a_flat_line() -> None:
    peaks = detect_r_peaks(np.zeros(3600), 360.0)
    assert peaks.indices.size == 0
    assert np.isnan(peaks.heart_rate_bpm)


def test_evaluation_matches_one_to_one_within_the_window() -> None:
    reference = [1.0, 2.0, 3.0, 4.0]
    detected = [1.01, 1.05, 2.149, 3.151, 10.0]  # a double detection, one inside and one outside the edge
    m = evaluate_beats(detected, reference, tolerance_s=0.15)
    assert (m.tp, m.fp, m.fn) == (2, 3, 2)
    assert_allclose((m.sensitivity, m.ppv), (2 / 4, 2 / 5), rtol=1e-12)
    assert_allclose(m.mean_abs_offset_s, (0.01 + 0.149) / 2, rtol=1e-9)


def test_evaluation_pairs_the_closest_beats_first() -> None:
    m = evaluate_beats([1.10], [1.0, 1.12], tolerance_s=0.15)
    assert (m.tp, m.fp, m.fn) == (1, 0, 1)
    assert_allclose(m.mean_abs_offset_s, 0.02, rtol=1e-9)


def test_evaluation_reports_nan_rates_when_a_side_is_empty() -> None:
    m = evaluate_beats([], [1.0, 2.0])
    assert (m.tp, m.fp, m.fn, m.sensitivity) == (0, 0, 2, 0.0)
    assert np.isnan(m.ppv)
    assert np.isnan(evaluate_beats([1.0], []).sensitivity)


@pytest.mark.parametrize(("stretch_s", "block"), [(300.0, 65_536), (60.0, 1_000), (17.0, 777), (3_600.0, 10**7)])
def test_detection_stretch_by_stretch_gives_the_same_beats_as_the_whole_record(
    record_100: np.ndarray, stretch_s: float, block: int
) -> None:
    whole = detect_r_peaks(record_100, FS_100)
    blocks = (record_100[i : i + block] for i in range(0, record_100.size, block))
    streamed = detect_r_peaks_stream(blocks, FS_100, stretch_s=stretch_s)
    assert_array_equal(streamed.indices, whole.indices)
    assert streamed.polarity == whole.polarity


def test_detection_stretch_by_stretch_from_the_wfdb_file_equals_the_whole_record(record_100: np.ndarray) -> None:
    from attune.importers.wfdb import open_lead

    lead = open_lead(shared_data("ecg/mitdb100/100.hea"), lead="MLII")
    streamed = detect_r_peaks_stream(lead.blocks(10_000), lead.fs_hz, stretch_s=45.0)
    assert_array_equal(streamed.indices, detect_r_peaks(record_100, FS_100).indices)


def test_detection_stretch_by_stretch_equals_the_whole_on_record_208() -> None:
    ecg = np.load(shared_data("ecg/mitdb208/ecg_208_MLII_5min_360hz.npz"))["ecg"]
    blocks = (ecg[i : i + 5_000] for i in range(0, ecg.size, 5_000))
    streamed = detect_r_peaks_stream(blocks, FS_100, stretch_s=30.0)
    assert_array_equal(streamed.indices, detect_r_peaks(ecg, FS_100).indices)
