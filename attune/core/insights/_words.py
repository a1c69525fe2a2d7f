"""Small helpers for the sentences the insights say (private)."""

from __future__ import annotations


def signed(x: float) -> str:
    """A change to one decimal with its sign: +2.1, −0.4 (a true minus sign), 0.0."""
    r = round(x, 1)
    return f"+{r:.1f}" if r > 0 else (f"\u2212{-r:.1f}" if r < 0 else "0.0")


def times(n: int) -> str:
    """Once, twice, 3 times."""
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def lower_first(title: str) -> str:
    """A title as it reads inside a sentence: "A longer breath out" -> "a longer breath out"."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]
