"""Shared helpers for the content tests: a small valid practice to write and then break."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

# Line numbers matter: the tests point at them. Line 1 is the opening fence.
SAMPLE_PRACTICE = """\
---
slug: sample
title: A sample practice
condition: slowing-down
why: A short line about why this might help.
duration_min: 1
with: [solo]
suits: [settled, activated]
safety:
  - If you feel dizzy, stop and breathe normally.
steps:
  - title: Breathe
    seconds: 50
    text: You might follow the pacer.
    pacer: {inhale: 4.5, hold_in: 0, exhale: 5.5, hold_out: 0}
  - title: Rest
    seconds: 10
    text: Notice how you feel.
---
A short introduction.
"""


def sample_text(slug: str = "sample", replace: dict[str, str] | None = None) -> str:
    """The sample practice with its slug set and each ``old: new`` replacement applied once."""
    text = SAMPLE_PRACTICE.replace("slug: sample", f"slug: {slug}")
    for old, new in (replace or {}).items():
        assert text.count(old) == 1, f"the sample has no single {old!r}"
        text = text.replace(old, new)
    return text


@pytest.fixture
def practice_text() -> Callable[..., str]:
    """:func:`sample_text`, for tests that write the file themselves."""
    return sample_text


@pytest.fixture
def write_practice(tmp_path: Path) -> Callable[..., Path]:
    """Write a practice file under ``tmp_path/practices`` (or ``folder``) and return its path."""

    def write(
        slug: str = "sample", replace: dict[str, str] | None = None, *, folder: Path | None = None, name: str = ""
    ) -> Path:
        directory = folder if folder is not None else tmp_path / "practices"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / (name or f"{slug}.md")
        path.write_text(sample_text(slug, replace), encoding="utf-8")
        return path

    return write
