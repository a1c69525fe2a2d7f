"""Heart-rate synchrony of two people: analytic pairs, a calibrated null, and calibrating."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from attune.core import heart_rate_synchrony
from attune.core.synchrony import REASON_KINDS


def _paced(phase: float, *, seed: int, seconds: float = 70.0, hz: float = 0.1, noise_ms: float = 5.0):
    """Beats of a heart swinging with breathing at ``hz``; ``phase`` moves this person's breath."""
    rng = np.random.default_rng(seed)
    t, rr = [0.0], []
    while t[-1] < seconds:
        x = 900.0 + 60.0 * np.sin(2 * np.pi * hz * t[-1] + phase) + rng.normal(0.0, noise_ms)
        rr.append(x)
        t.append(t[-1] + x / 1000.0)
    return np.array(t[1:]), np.array(rr)


def _wandering(seed: int, seconds: float = 70.0):
    """A heart with no breathing rhythm shared with anyone: a slow random wander (AR(1))."""
    rng = np.random.default_rng(seed)
    t, rr, y = [0.0], [], 0.0
    while t[-1] < seconds:
        y = 0.9 * y + rng.normal(0.0, 20.0)
        rr.append(900.0 + y)
        t.append(t[-1] + rr[-1] / 1000.0)
    return np.array(t[1:]), np.array(rr)


def test_two_hearts_in_step_correlate_fully_and_beyond_the_shifted_null() -> None:
    s = heart_rate_synchrony(*_paced(0.0, seed=1), *_paced(0.0, seed=2), end_s=68.0)
    assert not s.calibrating and s.n_surrogates > 50
    assert s.r is not None and s.r > 0.95
    assert s.p_value is not None and s.p_value < 0.05
    assert s.null_p95 is not None and s.null_p95 < s.r


def test_hearts_half_a_breath_apart_correlate_negatively_and_are_not_called_in_step() -> None:
    s = heart_rate_synchrony(*_paced(0.0, seed=1), *_paced(np.pi, seed=2), end_s=68.0)
    assert s.r is not None and s.r < -0.9
    assert s.p_value is not None and s.p_value > 0.5


def test_a_quarter_breath_apart_is_close_to_no_correlation() -> None:
    s = heart_rate_synchrony(*_paced(0.0, seed=1), *_paced(np.pi / 2, seed=2), end_s=68.0)
    assert s.r is not None
    assert_allclose(s.r, 0.0, atol=0.2)


def test_unrelated_hearts_are_called_in_step_about_as_often_as_the_null_allows() -> None:
    """Over 200 unrelated pairs the 5 % test should fire about 5 % of the time (1 to 10 % allowed)."""
    rate = np.mean(
        [heart_rate_synchrony(*_wandering(s), *_wandering(s + 1000), end_s=68.0).p_value < 0.05 for s in range(200)]
    )
    assert 0.01 <= rate <= 0.10, rate


def test_it_is_calibrating_until_both_have_a_full_minute_of_clean_beats() -> None:
    a, b = _paced(0.0, seed=1), _paced(0.0, seed=2)
    early = heart_rate_synchrony(*a, *b, end_s=40.0, window_s=60.0)
    assert early.calibrating and early.r is None and "You" in early.reason
    short_b = (b[0][b[0] > 30.0], b[1][b[0] > 30.0])
    late = heart_rate_synchrony(*a, *short_b, end_s=68.0)
    assert late.calibrating and "partner" in late.reason


def test_a_gap_or_many_irregular_beats_mean_calibrating() -> None:
    t, rr = _paced(0.0, seed=1)
    keep = (t < 30.0) | (t > 35.0)
    assert heart_rate_synchrony(t[keep], rr[keep], *_paced(0.0, seed=2), end_s=68.0).reason == "You: a gap in the beats"
    noisy = rr.copy()
    noisy[::5] = 450.0  # one beat in five far off the running median
    s = heart_rate_synchrony(t, noisy, *_paced(0.0, seed=2), end_s=68.0)
    assert s.calibrating and "irregular" in s.reason


def test_a_calibrating_reading_says_which_reason_and_whose_beats_beside_the_english() -> None:
    a, b = _paced(0.0, seed=1), _paced(0.0, seed=2)
    early = heart_rate_synchrony(*a, *b, end_s=40.0, window_s=60.0)
    assert (early.reason, early.reason_kind, early.reason_values) == (
        "You: not yet a full window of beats",
        "window",
        (("person", "a"),),
    )
    t, rr = b
    keep = (t < 30.0) | (t > 35.0)
    gap = heart_rate_synchrony(*a, t[keep], rr[keep], end_s=68.0)
    assert (gap.reason, gap.reason_kind, gap.reason_values) == (
        "Your partner: a gap in the beats",
        "gap",
        (("person", "b"),),
    )
    noisy = rr.copy()
    noisy[::5] = 450.0
    irregular = heart_rate_synchrony(*a, t, noisy, end_s=68.0)
    assert irregular.reason_kind == "irregular" and irregular.reason == f"Your partner: {REASON_KINDS['irregular']}"
    ready = heart_rate_synchrony(*a, *b, end_s=68.0)
    assert (ready.reason, ready.reason_kind, ready.reason_values) == ("", "", ())


def test_a_few_irregular_beats_are_left_out_and_do_not_break_it() -> None:
    t, rr = _paced(0.0, seed=1)
    rr = rr.copy()
    rr[[20, 40]] = 1900.0
    s = heart_rate_synchrony(t, rr, *_paced(0.0, seed=2), end_s=68.0)
    assert not s.calibrating and s.r is not None and s.r > 0.9


def test_it_refuses_malformed_input() -> None:
    t, rr = _paced(0.0, seed=1)
    with pytest.raises(ValueError, match="1-D arrays of one length"):
        heart_rate_synchrony(t, rr[:-1], t, rr, end_s=68.0)
    with pytest.raises(ValueError, match="band"):
        heart_rate_synchrony(t, rr, t, rr, end_s=68.0, band_hz=(0.3, 0.1))
    with pytest.raises(ValueError, match="two cycles"):
        heart_rate_synchrony(t, rr, t, rr, end_s=68.0, window_s=20.0)
