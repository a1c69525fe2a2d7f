"""Writing workbook files from form fields: the text a guide would type, loading to the same content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from attune.content.errors import ContentInvalid
from attune.content.practices import load_library
from attune.content.workbooks import load_workbook, workbook_digest
from attune.content.workbooks.writing import (
    DayFields,
    ItemFields,
    read_day,
    read_head,
    write_day,
    write_head,
)

REPO = Path(__file__).resolve().parents[2]
BUILTIN = REPO / "content" / "workbooks" / "coming-home-to-safety"


def _practices() -> frozenset[str]:
    return frozenset(p.slug for p in load_library(REPO / "content" / "practices"))


def test_every_built_in_file_rewritten_from_its_fields_loads_to_the_same_workbook(tmp_path: Path) -> None:
    copy = shutil.copytree(BUILTIN, tmp_path / BUILTIN.name)
    practices = _practices()
    before = load_workbook(copy, practices)
    rewritten = 0
    for path in [copy / "workbook.md", *sorted((copy / "days").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        if path.name == "workbook.md":
            new = write_head(read_head(text, path)).text
        else:
            new = write_day(read_day(text, path)).text
        path.write_text(new, encoding="utf-8")
        rewritten += 1
    after = load_workbook(copy, practices)
    assert rewritten > 20
    assert after == before
    assert workbook_digest(after) == workbook_digest(before)


def test_it_writes_a_day_in_the_documented_layout_and_knows_each_fields_line() -> None:
    fields = DayFields(
        number=4,
        title="Slowing: down",
        chapter="slowing-down",
        minutes="10",
        body="Read this.\r\n",
        items=[
            ItemFields(kind="checkin"),
            ItemFields(kind="reading"),
            ItemFields(kind="practice", practice="hand-on-heart", note="Alone is fine."),
            ItemFields(kind="prompt", text="What eased?\nAnything?", key="what-eased"),
        ],
    )
    written = write_day(fields)
    assert written.text == (
        "---\nday: 4\ntitle: 'Slowing: down'\nchapter: slowing-down\nminutes: 10\nitems:\n  - checkin\n"
        "  - reading\n  - practice: hand-on-heart\n    note: Alone is fine.\n  - prompt: |-\n      What eased?\n"
        "      Anything?\n    key: what-eased\n---\nRead this.\n"
    )
    assert written.lines["minutes"] == 5
    assert written.field_at(9) == ("item", 2)  # the note's line belongs to the practice
    assert written.field_at(13) == ("item", 3)
    assert written.field_at(16) == "body"


def test_minutes_that_are_not_a_number_are_written_as_typed_for_the_loader_to_name() -> None:
    written = write_day(DayFields(number=1, title="t", chapter="c", minutes="ten", body="", items=[]))
    assert "minutes: ten\n" in written.text


def test_a_day_the_form_cannot_show_is_refused_so_the_file_is_edited_instead() -> None:
    text = "---\nday: 1\ntitle: t\nchapter: c\nminutes: 5\nitems:\n  - [reading]\n---\n"
    with pytest.raises(ContentInvalid, match="the form cannot show"):
        read_day(text, Path("days/day-01.md"))
