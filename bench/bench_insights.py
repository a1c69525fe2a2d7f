"""Benchmark: the learning suggestion against Today's fixed rule, on synthetic members.

Issue 12's goals: after 30 sessions the learner beats the fixed rule on mean gain in felt safety;
within 60 sessions it finds each member's best practice for each state in at least 80 % of
members. The members, their sessions and the rule are described in
``attune/core/insights/simulation.py`` and ``docs/insights.md``; both policies meet the same
sessions and noise, and choose only among what the safety rules allow, from the built-in library.

"After 30 sessions" is read as the mean gain over sessions 31 to 60; the first 30, while the
learner explores, are printed beside it. Each seed runs MEMBERS members; a figure is the mean
over seeds with a 95 % t interval across seeds. Run: ``python bench/bench_insights.py``. Exits 1 when a goal is missed.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import t as student_t

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from attune.content.practices import load_library  # noqa: E402
from attune.core.insights.simulation import NEAR_POINTS, SeedResult, simulate  # noqa: E402

SEEDS = tuple(range(10))
MEMBERS = 50
SESSIONS = 60
EARLY = 30
GOAL_FOUND = 0.80


def across(values: list[float]) -> tuple[float, float, float]:
    """Mean over seeds and its 95 % t interval."""
    mean = statistics.fmean(values)
    half = float(student_t.ppf(0.975, len(values) - 1)) * statistics.stdev(values) / len(values) ** 0.5
    return mean, mean - half, mean + half


def line(label: str, values: list[float], goal: str, fmt: str = "{:+.2f}") -> str:
    mean, low, high = across(values)
    shown = f"{fmt.format(mean)} (95 % across seeds {fmt.format(low)} to {fmt.format(high)})"
    return f"{label:<58} {shown:<44} goal: {goal}"


def main() -> int:
    library = load_library(ROOT / "content" / "practices").practices
    start = time.perf_counter()
    results: list[SeedResult] = [simulate(library, seed, MEMBERS, SESSIONS) for seed in SEEDS]
    elapsed = time.perf_counter() - start
    print(
        f"{len(SEEDS)} seeds x {MEMBERS} synthetic members x {SESSIONS} sessions, "
        f"{len(library)} practices; {elapsed:.0f} s"
    )
    early = [float(np.mean(r.learner_gain[:EARLY] - r.rule_gain[:EARLY])) for r in results]
    late = [float(np.mean(r.learner_gain[EARLY:] - r.rule_gain[EARLY:])) for r in results]
    print(
        line(
            "mean gain per session, fixed rule, sessions 1-30",
            [float(np.mean(r.rule_gain[:EARLY])) for r in results],
            "reference",
        )
    )
    print(
        line(
            "mean gain per session, learner, sessions 1-30",
            [float(np.mean(r.learner_gain[:EARLY])) for r in results],
            "reference",
        )
    )
    print(line("learner minus rule, sessions 1-30 (while it explores)", early, "information"))
    print(line("learner minus rule, after 30 sessions (sessions 31-60)", late, "> 0 (interval above 0)"))
    found = [r.found_all_states for r in results]
    print(line("members whose best practice is found from every state", found, f">= {GOAL_FOUND:.0%}", "{:.0%}"))
    print(
        line(
            "(member, state) pairs whose best practice is found",
            [r.found_per_state for r in results],
            "information",
            "{:.0%}",
        )
    )
    for i, tol in enumerate(NEAR_POINTS):
        near = [r.near_all_states[i] for r in results]
        pairs = [r.near_per_state[i] for r in results]
        print(line(f"members within {tol} points of the best from every state", near, "information", "{:.0%}"))
        print(line(f"(member, state) pairs within {tol} points of the best", pairs, "information", "{:.0%}"))

    misses = []
    if across(late)[1] <= 0:
        misses.append("after 30 sessions the learner does not beat the fixed rule")
    if across(found)[0] < GOAL_FOUND:
        misses.append(f"the best practice from every state is found in fewer than {GOAL_FOUND:.0%} of members")
    for miss in misses:
        print(f"MISS: {miss}")
    print("all goals met" if not misses else f"{len(misses)} goal(s) missed")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
