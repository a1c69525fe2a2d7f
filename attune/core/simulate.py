"""A simulated heart-rate strap: believable RR intervals for demos and tests, labelled as simulated.

This is the same model as the browser's demo strap (``attune/web/static/js/demo-strap.js``), so the
demo member's stored recordings behave like what the live screens show with the demo strap. It is
a demonstration, not a physiological model.
"""

from __future__ import annotations

import math
import random
from typing import Protocol

__all__ = ["Breathing", "lung_level", "rsa_swing_bpm", "simulate_rr"]


def rsa_swing_bpm(breath_hz: float, *, resonance_hz: float = 0.1) -> float:
    """Peak-to-peak heart-rate swing (bpm) for breathing at ``breath_hz``, as the demo strap models it.

    A floor of 3 bpm plus a bump centred on ``resonance_hz``: about 14 bpm at the resonance rate
    and 3 to 4 bpm at ordinary resting rates of 12 to 15 breaths a minute. The numbers are the
    demo's choice; the shape (largest swing near 0.1 Hz) follows resonance-breathing research.

    References
    ----------
    .. [1] Vaschillo E, Lehrer P, Rishe N, Konstantinov M (2002). Heart rate variability biofeedback
       as a method for assessing baroreflex function. Appl Psychophysiol Biofeedback 27:1-27.
    .. [2] Lehrer PM, Gevirtz R (2014). Heart rate variability biofeedback: how and why does it
       work? Front Psychol 5:756.
    """
    return 3.0 + 11.0 * math.exp(-(((breath_hz - resonance_hz) / 0.04) ** 2))


def _ease(p: float) -> float:
    return (1.0 - math.cos(math.pi * p)) / 2.0


class Breathing(Protocol):
    """A paced breath in seconds per phase (``attune.content.practices.Pacer`` is one)."""

    @property
    def inhale_s(self) -> float: ...
    @property
    def exhale_s(self) -> float: ...
    @property
    def hold_in_s(self) -> float: ...
    @property
    def hold_out_s(self) -> float: ...


def lung_level(pattern: Breathing, t_s: float) -> float:
    """How full the lungs are (0 empty .. 1 full) ``t_s`` seconds into breathing with ``pattern``.

    Raises
    ------
    ValueError
        If breathing in or out takes no time.
    """
    if min(pattern.inhale_s, pattern.exhale_s) <= 0:
        raise ValueError("inhale_s and exhale_s must be positive")
    cycle = pattern.inhale_s + pattern.hold_in_s + pattern.exhale_s + pattern.hold_out_s
    t = t_s % cycle
    for phase_s, start, end in (
        (pattern.inhale_s, 0.0, 1.0),
        (pattern.hold_in_s, 1.0, 1.0),
        (pattern.exhale_s, 1.0, 0.0),
    ):
        if t < phase_s:
            return start + (end - start) * _ease(t / phase_s)
        t -= phase_s
    return 0.0


def simulate_rr(
    duration_s: float,
    rng: random.Random,
    *,
    resting_hr: float = 64.0,
    pacer: Breathing | None = None,
    resonance_bpm: float = 6.0,
    noise_ms: float = 6.0,
    premature_every_s: tuple[float, float] = (120.0, 180.0),
) -> list[float]:
    """RR intervals (ms) from a simulated strap, covering at least ``duration_s`` seconds.

    The same model as the browser's demo strap (``attune/web/static/js/demo-strap.js``): heart rate rises with
    the in-breath and falls with the out-breath by :func:`rsa_swing_bpm`; the baseline wanders
    slowly (an Ornstein-Uhlenbeck drift, time constant about 30 s, spread about 1.5 bpm); each beat
    carries a little Gaussian noise; and every 2 to 3 minutes there is a premature beat, a short
    interval followed by a compensatory long one that together span about two ordinary beats.
    With ``pacer`` None the breathing is unpaced, cycles of 4.2 to 5.2 s with 40 % spent breathing
    in. It is a demonstration, not a physiological model: store what it makes as simulated.
    """
    if duration_s <= 0:
        raise ValueError("duration_s must be positive")
    resonance_hz = resonance_bpm / 60.0
    out: list[float] = []
    t = 0.0  # ms, time of the last beat
    drift = 0.0
    spont_start, spont_ms = 0.0, 4600.0
    next_premature = rng.uniform(*premature_every_s) * 1000.0
    compensate: float | None = None
    while t < duration_s * 1000.0:
        if compensate is not None:
            out.append(round(compensate, 1))
            t += compensate
            compensate = None
            continue
        if pacer is not None:
            cycle_s = pacer.inhale_s + pacer.hold_in_s + pacer.exhale_s + pacer.hold_out_s
            level, hz = lung_level(pacer, t / 1000.0), 1.0 / cycle_s
        else:
            while t >= spont_start + spont_ms:
                spont_start += spont_ms
                spont_ms = 4200.0 + 1000.0 * rng.random()
            p = (t - spont_start) / spont_ms
            level = _ease(p / 0.4) if p < 0.4 else 1.0 - _ease((p - 0.4) / 0.6)
            hz = 1000.0 / spont_ms
        hr = resting_hr + drift + rsa_swing_bpm(hz, resonance_hz=resonance_hz) * (level - 0.5)
        rr = 60000.0 / min(180.0, max(35.0, hr)) + noise_ms * rng.gauss(0.0, 1.0)
        drift += -drift * rr / 30000.0 + 0.35 * math.sqrt(rr / 1000.0) * rng.gauss(0.0, 1.0)
        if t + rr >= next_premature:
            normal = rr
            rr = normal * rng.uniform(0.55, 0.65)
            compensate = 2.0 * normal - rr
            next_premature = t + rng.uniform(*premature_every_s) * 1000.0
        out.append(round(rr, 1))
        t += rr
    return out
