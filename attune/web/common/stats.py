"""How felt safety moved from before to after a practice: n, mean change and its uncertainty.

Method: for each practice, the change is ``after - before`` in felt safety (0 to 10) over every
session in which the member gave both readings, over all time. We report the number of such
sessions, the mean change, and the standard error of that mean (sample standard deviation over
the square root of n). Fewer than :data:`MIN_SESSIONS` sessions reads as "calibrating".
Pure Python; no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_SESSIONS = 3


@dataclass(frozen=True)
class SafetyChange:
    slug: str
    title: str
    n: int
    mean: float | None
    standard_error: float | None

    @property
    def calibrating(self) -> bool:
        return self.n < MIN_SESSIONS


def safety_change(slug: str, title: str, n: int, total: float, total_sq: float) -> SafetyChange:
    """Summarise ``n`` changes from their sum and sum of squares.

    The standard error treats the ``n`` changes as independent. That holds for one member's
    sessions of one practice; over several people, pass one value per person (each person's mean
    change), or people who practise often make the ± too small.

    Parameters
    ----------
    n
        Number of sessions with both readings (or of people, one value each).
    total, total_sq
        Sum of the changes and sum of their squares.
    """
    if n < 0:
        raise ValueError("n must be 0 or more")
    if n == 0:
        return SafetyChange(slug, title, 0, None, None)
    mean = total / n
    if n < 2:
        return SafetyChange(slug, title, n, mean, None)
    variance = max(0.0, (total_sq - n * mean * mean) / (n - 1))
    return SafetyChange(slug, title, n, mean, math.sqrt(variance / n))
