"""Hooks for the whole test tree. No Django here: tests/core runs in an environment without it."""

from __future__ import annotations

from typing import Any

#: The user property the fuzz suites (tests/web/fuzz_helpers.py) attach their case counts to.
FUZZ_PROPERTY = "fuzz_cases"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The fuzz suites' case counts, summed over every xdist worker (reports carry them back)."""
    totals: dict[str, int] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for key, value in getattr(report, "user_properties", []):
                if key == FUZZ_PROPERTY:
                    kind, count = value
                    totals[kind] = totals.get(kind, 0) + count
    if totals:
        terminalreporter.write_line("fuzz: " + ", ".join(f"{n} {kind}" for kind, n in totals.items()))
