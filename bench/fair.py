"""What every benchmark here shares, so that each comparison is run the same fair way.

- Every side is warmed once (imports, caches, first-call allocations) before anything is timed.
- The sides are interleaved: each round runs every side once, in a rotating order, so a burst of
  load from other work on the machine falls on all of them alike.
- Figures are medians over the rounds, printed with the spread (min to max) and the number of
  rounds.
- ``os.getloadavg()`` is printed before and after each comparison: on a shared machine a ratio
  means little without it.
- Each goal is printed beside its reference and target as PASS or MISS. A benchmark runs all its
  comparisons, never stops at the first miss, and its exit status is 1 when any goal missed.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def load() -> str:
    """The 1, 5 and 15 minute load averages and the core count, as one phrase."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


@dataclass
class Timing:
    """Seconds per round of one side."""

    name: str
    seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def line(self, unit: str = "ms") -> str:
        scale = {"s": 1.0, "ms": 1e3, "us": 1e6}[unit]
        lo, hi = min(self.seconds) * scale, max(self.seconds) * scale
        return (
            f"  {self.name:<58} median {self.median * scale:10.2f} {unit}"
            f"  (range {lo:.2f}-{hi:.2f}, {len(self.seconds)} rounds)"
        )


def interleave(sides: dict[str, Callable[[], object]], rounds: int, *, unit: str = "ms") -> dict[str, Timing]:
    """Warm every side, then time ``rounds`` interleaved rounds and print the medians."""
    print(f"  [{load()} before]")
    for run in sides.values():
        run()
    timings = {name: Timing(name) for name in sides}
    names = list(sides)
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            start = time.perf_counter()
            sides[name]()
            timings[name].seconds.append(time.perf_counter() - start)
    for t in timings.values():
        print(t.line(unit))
    print(f"  [{load()} after]")
    return timings


@dataclass
class Goals:
    """The goals one benchmark checks; ``exit_status`` is 1 if any missed."""

    results: list[tuple[str, bool]] = field(default_factory=list)

    def check(self, label: str, value: float, target: float, *, higher_is_better: bool, detail: str) -> bool:
        """Print ``label: value (detail) against target`` with PASS or MISS and record it."""
        ok = value >= target if higher_is_better else value <= target
        sign = ">=" if higher_is_better else "<="
        print(f"GOAL {label}: {value:.3g} ({detail}); goal {sign} {target:g}: {'PASS' if ok else 'MISS'}")
        self.results.append((label, ok))
        return ok

    def at_least(self, label: str, ours: float, theirs: float, unit: str) -> bool:
        """A goal that attune's figure (higher is better) is at least the reference's."""
        return self.check(
            f"{label}, attune minus reference",
            ours - theirs,
            0.0,
            higher_is_better=True,
            detail=f"{ours:.2f} vs {theirs:.2f} {unit}",
        )

    def speedup(self, label: str, reference_s: float, ours_s: float, target: float) -> bool:
        """A goal that attune is at least ``target`` times faster than the reference."""
        return self.check(
            label,
            reference_s / ours_s,
            target,
            higher_is_better=True,
            detail=f"{reference_s * 1e3:.2f} ms / {ours_s * 1e3:.2f} ms",
        )

    def exit_status(self) -> int:
        missed = [label for label, ok in self.results if not ok]
        met = len(self.results) - len(missed)
        print(f"{met} of {len(self.results)} goals met" + (f"; missed: {missed}" if missed else ""))
        return 1 if missed else 0
