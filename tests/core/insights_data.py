"""Shared builders for the insights tests: a small library and outcomes with known answers."""

from __future__ import annotations

import datetime as dt

import numpy as np

from attune.core.insights.records import STATES, PracticeInfo, PracticeOutcome

ALL = ("settled", "activated", "shut_down")
LIBRARY = (
    PracticeInfo(
        "longer-out", "A longer breath out", "slowing-down", ("solo", "partner", "group"), ("settled", "activated")
    ),
    PracticeInfo("slow-minute", "One slow minute", "slowing-down", ("solo", "partner", "group"), ALL),
    PracticeInfo("walking", "Walking slowly", "slowing-down", ("solo", "partner"), ("activated", "shut_down")),
    PracticeInfo("hand-on-heart", "A hand on your heart", "gentle-touch", ("solo",), ALL),
    PracticeInfo("holding", "Holding yourself", "gentle-touch", ("solo",), ALL),
    PracticeInfo(
        "long-hug",
        "A long, easy hug",
        "gentle-touch",
        ("partner",),
        ("settled", "activated"),
        needs_consent=True,
        solo_alternative_slug="holding",
    ),
    PracticeInfo(
        "soft-eyes",
        "Soft eyes together",
        "soft-gaze",
        ("partner",),
        ("settled",),
        needs_consent=True,
        solo_alternative_slug="mirror",
    ),
    PracticeInfo("mirror", "Kind eyes in the mirror", "soft-gaze", ("solo",), ("settled", "shut_down")),
    PracticeInfo(
        "listening", "Listening without fixing", "honest-conversation", ("partner",), ("settled", "activated")
    ),
    PracticeInfo("a-round", "A round", "honest-conversation", ("group",), ("settled", "activated")),
    PracticeInfo("nature-sit", "A nature sit", "beyond-people", ("solo", "partner", "group"), ALL),
    PracticeInfo("animal", "Time with an animal", "beyond-people", ("solo",), ALL),
)
BY_SLUG = {p.slug: p for p in LIBRARY}
START = dt.datetime(2025, 3, 3, 8, 0)


def outcome(
    slug: str, state: str, change: float, i: int = 0, *, before: float = 4.0, after_state: str | None = None
) -> PracticeOutcome:
    """One session of ``slug`` from ``state`` with the given change (the before reading is moved to fit 0-10)."""
    before = float(min(max(before, -change, 0.0), 10.0 - max(change, 0.0)))
    at = START + dt.timedelta(days=i // 3, hours=5 * (i % 3))
    return PracticeOutcome(slug, BY_SLUG[slug].condition, state, before, before + change, after_state, at)


def sessions(slug: str, state: str, changes: np.ndarray | list[float], first: int = 0) -> list[PracticeOutcome]:
    return [outcome(slug, state, float(c), first + i) for i, c in enumerate(changes)]


def exact(mean: float, sd: float, n: int) -> np.ndarray:
    """``n`` values with exactly this mean and sample standard deviation."""
    z = np.linspace(-1.0, 1.0, n)
    z = (z - z.mean()) / z.std(ddof=1)
    return mean + sd * z


__all__ = ["BY_SLUG", "LIBRARY", "STATES", "exact", "outcome", "sessions"]
