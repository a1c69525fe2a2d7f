"""The checks' messages are attune.words sentences: English as before, with a template a page can translate.

docs/translating.md, "Libraries without Django".
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from attune.content.errors import ContentError, ContentInvalid
from attune.content.frontmatter import parse
from attune.content.practices import load_practice
from attune.content.workbooks import load_workbook_zip
from attune.words import Said

HEAD = """---
slug: small-steps
title: Small steps
summary: Two small days.
chapters:
  - slug: first
    title: First steps
---
An introduction.
"""

DAY = """---
day: {n}
title: Day {n}
chapter: first
minutes: {minutes}
items:
  - reading
  - practice: {practice}
---
The reading.
"""


def _refused(files: dict[str, str]) -> list[ContentError]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    with pytest.raises(ContentInvalid) as caught:
        load_workbook_zip(
            buffer.getvalue(), max_unpacked_bytes=1_000_000, max_files=50, practice_slugs={"hand-on-heart"}
        )
    return caught.value.errors


def test_a_workbook_checks_messages_are_said_with_their_template_and_the_english_is_unchanged() -> None:
    errors = _refused(
        {
            "workbook.md": HEAD,
            "days/day-01.md": DAY.format(n=1, minutes=5, practice="hand-on-heart"),
            "days/day-02.md": DAY.format(n=2, minutes=90, practice="hand-on-haert"),
        }
    )
    assert all(isinstance(e.message, Said) for e in errors)
    minutes, practice = errors
    assert str(minutes) == "days/day-02.md:5: 'minutes' must be a whole number from 1 to 60"
    assert minutes.message.template == "'minutes' must be a whole number from %(low)d to %(high)d"
    assert minutes.message.values == {"low": 1, "high": 60}
    assert (
        practice.message
        == "unknown practice 'hand-on-haert' (did you mean 'hand-on-heart'?); no practice has that slug"
    )
    assert practice.message.template == "unknown practice '%(slug)s'%(hint)s; no practice has that slug"
    hint = practice.message.values["hint"]
    assert isinstance(hint, Said) and (hint.template, hint.values) == (
        " (did you mean '%(word)s'?)",
        {"word": "hand-on-heart"},
    )


def test_a_missing_day_and_a_refused_zip_entry_are_said_too() -> None:
    errors = _refused({"workbook.md": HEAD, "days/day-02.md": DAY.format(n=2, minutes=5, practice="hand-on-heart")})
    (gap,) = errors
    assert gap.message == "there is no day 1; days are numbered 1, 2, 3 and so on without gaps"
    assert gap.message.values == {"day": 1}
    (climbs,) = _refused({"workbook.md": HEAD, "../evil.md": "x"})
    assert str(climbs) == "upload.zip:1: '../evil.md' climbs out of the zip with '..'"
    assert (climbs.message.template, climbs.message.values) == (
        "%(name)r climbs out of the zip with '..'",
        {"name": "../evil.md"},
    )


def test_front_matter_and_practice_messages_are_said(tmp_path: Path) -> None:
    with pytest.raises(ContentInvalid) as caught:
        parse("---\ntitle: open\n", tmp_path / "x.md")
    (never_closed,) = caught.value.errors
    assert never_closed.message == "the front matter is never closed: add a '---' line after it"
    assert isinstance(never_closed.message, Said) and never_closed.message.values == {}

    practice = tmp_path / "slow.md"
    practice.write_text(
        "---\nslug: slow\ntitle: Slow\ncondition: slowing-down\nwhy: Slower.\nduration_min: 1\nwith: solo\n"
        "suits: settled\nsafety: Stop whenever you like.\nsteps:\n  - seconds: 60\n    text: Breathe.\n"
        "---\nAn introduction.\n"
    )
    with pytest.raises(ContentInvalid) as caught:
        load_practice(practice)
    (no_title,) = caught.value.errors
    assert no_title.message == "step 1 needs a title"
    assert (no_title.message.template, no_title.message.values) == ("step %(step)d needs a title", {"step": 1})
