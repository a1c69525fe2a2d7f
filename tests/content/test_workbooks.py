"""Workbooks: the format's loader and validator, zip uploads, snapshots, and the built-in workbook."""

from __future__ import annotations

import io
import json
import re
import stat
import struct
import warnings
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from attune.content.errors import ContentInvalid
from attune.content.practices import Library, load_library
from attune.content.workbooks import (
    CheckinStep,
    PracticeStep,
    Prompt,
    Reading,
    Workbook,
    check_workbooks,
    load_workbook,
    load_workbook_zip,
    load_workbook_zip_with_sources,
    serialize_workbook,
    unzip_workbook,
    workbook_digest,
    workbook_from_dict,
)

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
BUILTIN = CONTENT / "workbooks" / "coming-home-to-safety"

PRACTICES = frozenset({"hand-on-heart", "walking-slowly", "long-hug"})
LIMIT = 1_000_000

WORKBOOK_MD = """\
---
slug: tiny
title: A tiny workbook
summary: Two days to try the format.
chapters:
  - slug: arriving
    title: Arriving
  - slug: staying
    title: Staying
---
Welcome. This is the introduction.
"""

# Line numbers matter: 1 fence, 2 day, 3 title, 4 chapter, 5 minutes, 6 items, 7 checkin,
# 8 reading, 9 practice, 10 prompt, 11 key, 12 fence.
DAY_1 = """\
---
day: 1
title: Arriving
chapter: arriving
minutes: 5
items:
  - checkin
  - reading
  - practice: hand-on-heart
  - prompt: What did you notice?
    key: first-notice
---
A short reading for the first day.
"""

DAY_2 = """\
---
day: 2
title: Staying
chapter: staying
minutes: 8
items:
  - reading: An inline reading.
  - practice: walking-slowly
    note: Three minutes is plenty.
  - prompt: What helped?
    key: what-helped
  - checkin: How is your body now?
---
"""


def tiny(**overrides: str | None) -> dict[str, str]:
    """The files of a small valid workbook; ``overrides`` replace (or, with None, remove) files."""
    files = {"workbook.md": WORKBOOK_MD, "days/day-01.md": DAY_1, "days/day-02.md": DAY_2}
    for name, text in overrides.items():
        key = name.replace("__", "/").replace("_", "-") + ".md"
        if text is None:
            files.pop(key, None)
        else:
            files[key] = text
    return files


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def load(tmp_path: Path, files: dict[str, str]) -> Workbook:
    return load_workbook(write(tmp_path / "tiny", files), PRACTICES)


def refusal(tmp_path: Path, files: dict[str, str]) -> list[str]:
    """The error lines a broken workbook produces, with the folder prefix removed."""
    with pytest.raises(ContentInvalid) as caught:
        load(tmp_path, files)
    prefix = f"{tmp_path / 'tiny'}/"
    return [str(e).removeprefix(prefix) for e in caught.value.errors]


def zipped(files: dict[str, str | bytes], folder: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(folder + name, text)
    return buffer.getvalue()


def load_zip(data: bytes, *, max_unpacked_bytes: int = LIMIT, max_files: int = 50) -> Workbook:
    return load_workbook_zip(data, max_unpacked_bytes=max_unpacked_bytes, max_files=max_files, practice_slugs=PRACTICES)


def zip_refusal(data: bytes, **limits: int) -> str:
    with pytest.raises(ContentInvalid) as caught:
        load_zip(data, **limits)
    return str(caught.value)


# --------------------------------------------------------------------------- the format


def test_it_loads_a_valid_workbook_with_every_kind_of_item(tmp_path: Path) -> None:
    wb = load(tmp_path, tiny())
    assert (wb.slug, wb.title, wb.version, wb.guide) == ("tiny", "A tiny workbook", 1, "")
    assert wb.introduction == "Welcome. This is the introduction."
    assert [c.slug for c in wb.chapters] == ["arriving", "staying"]
    assert [d.number for d in wb.days] == [1, 2]
    assert wb.days[0].items == (
        CheckinStep(),
        Reading("A short reading for the first day."),
        PracticeStep("hand-on-heart"),
        Prompt("first-notice", "What did you notice?"),
    )
    assert wb.days[1].items == (
        Reading("An inline reading."),
        PracticeStep("walking-slowly", "Three minutes is plenty."),
        Prompt("what-helped", "What helped?"),
        CheckinStep("How is your body now?"),
    )
    assert wb.day(2).minutes == 8
    assert wb.days_in("staying") == (wb.days[1],)
    assert wb.practice_slugs == {"hand-on-heart", "walking-slowly"}


def test_it_orders_days_by_number_not_by_file_name(tmp_path: Path) -> None:
    files = tiny(days__day_01=None, days__day_02=None)
    files["days/b.md"] = DAY_1
    files["days/a.md"] = DAY_2
    assert [d.title for d in load(tmp_path, files).days] == ["Arriving", "Staying"]


def test_it_names_an_unknown_practice_with_its_file_and_line(tmp_path: Path) -> None:
    errors = refusal(tmp_path, tiny(days__day_01=DAY_1.replace("hand-on-heart", "hand-on-hart")))
    assert errors == [
        "days/day-01.md:9: unknown practice 'hand-on-hart' (did you mean 'hand-on-heart'?); no practice has that slug"
    ]


def test_it_names_a_missing_field(tmp_path: Path) -> None:
    errors = refusal(tmp_path, tiny(days__day_02=DAY_2.replace("minutes: 8\n", "")))
    assert errors == ["days/day-02.md:1: the front matter is missing 'minutes'"]


def test_it_refuses_a_duplicate_day_and_points_at_the_second(tmp_path: Path) -> None:
    errors = refusal(tmp_path, tiny(days__day_02=DAY_2.replace("day: 2", "day: 1")))
    assert errors == ["days/day-02.md:2: day 1 is already in day-01.md; each day number is used once"]


def test_it_names_a_duplicate_day_in_the_same_pass_as_a_missing_field_and_an_unknown_practice(tmp_path: Path) -> None:
    files = tiny(
        days__day_01=DAY_1.replace("hand-on-heart", "hand-on-hart"), days__day_02=DAY_2.replace("day: 2", "day: 1")
    )
    files["days/day-03.md"] = DAY_2.replace("day: 2", "day: 3").replace("minutes: 8\n", "")
    errors = refusal(tmp_path, files)
    assert errors == [
        "days/day-01.md:9: unknown practice 'hand-on-hart' (did you mean 'hand-on-heart'?); no practice has that slug",
        "days/day-02.md:2: day 1 is already in day-01.md; each day number is used once",
        "days/day-03.md:1: the front matter is missing 'minutes'",
    ]


def test_it_refuses_a_gap_in_the_day_numbers(tmp_path: Path) -> None:
    errors = refusal(tmp_path, tiny(days__day_02=DAY_2.replace("day: 2", "day: 4")))
    assert errors == ["days/day-02.md:2: there is no days 2 to 3; days are numbered 1, 2, 3 and so on without gaps"]


def test_it_reports_broken_front_matter_at_its_line_and_keeps_checking_other_files(tmp_path: Path) -> None:
    broken = DAY_1.replace("title: Arriving", "title: [Arriving")
    errors = refusal(tmp_path, tiny(days__day_01=broken, days__day_02=DAY_2.replace("walking-slowly", "jogging")))
    assert len(errors) == 2
    assert re.fullmatch(r"days/day-01\.md:\d+: the front matter is not valid YAML: .+", errors[0])
    assert errors[1].startswith("days/day-02.md:8: unknown practice 'jogging'")


def test_it_refuses_front_matter_that_is_never_closed(tmp_path: Path) -> None:
    errors = refusal(tmp_path, tiny(workbook="---\ntitle: Open\n"))
    assert errors == ["workbook.md:1: the front matter is never closed: add a '---' line after it"]


def test_it_refuses_an_unknown_chapter_with_a_suggestion(tmp_path: Path) -> None:
    errors = refusal(tmp_path, tiny(days__day_02=DAY_2.replace("chapter: staying", "chapter: stayin")))
    assert errors == [
        "days/day-02.md:4: unknown chapter 'stayin' (did you mean 'staying'?); chapters are listed in workbook.md"
    ]


def test_it_refuses_a_chapter_without_days_and_chapters_out_of_order(tmp_path: Path) -> None:
    errors = refusal(
        tmp_path,
        tiny(
            days__day_01=DAY_1.replace("chapter: arriving", "chapter: staying"),
            days__day_02=DAY_2.replace("chapter: staying", "chapter: arriving"),
        ),
    )
    assert errors[0].startswith("days/day-02.md:4: day 2 is in chapter 'arriving', which comes before day 1's")
    errors = refusal(tmp_path, tiny(days__day_01=DAY_1.replace("chapter: arriving", "chapter: staying")))
    assert errors == ["workbook.md:6: chapter 'arriving' has no days"]


@pytest.mark.parametrize("minutes", ["0", "61", "ten", "7.5", "true"])
def test_it_refuses_minutes_that_are_not_a_whole_number_from_1_to_60(tmp_path: Path, minutes: str) -> None:
    errors = refusal(tmp_path, tiny(days__day_02=DAY_2.replace("minutes: 8", f"minutes: {minutes}")))
    assert errors == ["days/day-02.md:5: 'minutes' must be a whole number from 1 to 60"]


def test_it_refuses_a_body_that_no_reading_shows_and_a_reading_with_no_body(tmp_path: Path) -> None:
    errors = refusal(tmp_path, tiny(days__day_01=DAY_1.replace("  - reading\n", "")))
    assert errors == ["days/day-01.md:12: there is text below the front matter but no '- reading' item to show it"]
    errors = refusal(tmp_path, tiny(days__day_02=DAY_2.replace("  - checkin: How", "  - reading\n  - checkin: How")))
    assert errors == ["days/day-02.md:12: '- reading' shows the text below the front matter, but there is none"]


def test_it_needs_a_key_on_every_prompt_and_keeps_keys_unique(tmp_path: Path) -> None:
    errors = refusal(tmp_path, tiny(days__day_01=DAY_1.replace("    key: first-notice\n", "")))
    assert errors == [
        "days/day-01.md:10: a prompt needs a 'key' (lowercase words joined by hyphens) so journal answers keep it"
    ]
    errors = refusal(tmp_path, tiny(days__day_02=DAY_2.replace("what-helped", "first-notice")))
    assert errors == ["days/day-02.md:10: the prompt key 'first-notice' is already used in day-01.md (line 10)"]


def test_it_suggests_the_field_a_typo_meant(tmp_path: Path) -> None:
    errors = refusal(tmp_path, tiny(workbook=WORKBOOK_MD.replace("title: A tiny", "tittle: A tiny")))
    assert "workbook.md:1: the front matter is missing 'title'" in errors
    assert any(e.startswith("workbook.md:3: unknown field 'tittle' (did you mean 'title'?)") for e in errors)


def test_it_refuses_an_unknown_item_kind(tmp_path: Path) -> None:
    errors = refusal(tmp_path, tiny(days__day_01=DAY_1.replace("  - checkin\n", "  - check-in\n")))
    assert errors == [
        "days/day-01.md:7: unknown item 'check-in' (did you mean 'checkin'?); "
        "items are reading, prompt, practice, checkin"
    ]


def test_it_refuses_a_field_written_twice(tmp_path: Path) -> None:
    errors = refusal(tmp_path, tiny(days__day_02=DAY_2.replace("minutes: 8\n", "minutes: 8\nminutes: 9\n")))
    assert errors == ["days/day-02.md:6: 'minutes' appears twice in the front matter; keep one"]


def test_it_refuses_a_workbook_without_its_workbook_file_or_days(tmp_path: Path) -> None:
    assert refusal(tmp_path / "a", tiny(workbook=None)) == [
        "workbook.md:1: a workbook needs a 'workbook.md' file at its top level"
    ]
    assert refusal(tmp_path / "b", {"workbook.md": WORKBOOK_MD}) == [
        "workbook.md:1: the workbook has no days: add files like 'days/day-01.md'"
    ]


def test_it_refuses_a_file_that_is_not_utf8_at_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    folder = write(tmp_path / "tiny", tiny())
    (folder / "days" / "day-02.md").write_bytes(DAY_2.encode("utf-8").replace(b"Staying", b"Stay\xe9ing"))
    with pytest.raises(ContentInvalid) as caught:
        load_workbook(folder, PRACTICES)
    assert [str(e) for e in caught.value.errors] == [
        f"{folder}/days/day-02.md:3: the file is not UTF-8 text; save it as UTF-8 and try again"
    ]


def test_it_refuses_a_nul_character_at_its_line_in_a_folder_and_in_a_zip(tmp_path: Path) -> None:
    files = tiny(days__day_01=DAY_1.replace("for the first day", "for the\x00 first day"))
    expected = "days/day-01.md:13: the file holds a NUL character, which cannot be stored; remove it and try again"
    assert refusal(tmp_path, files) == [expected]
    assert zip_refusal(zipped(dict(files))) == expected


def test_check_workbooks_wants_the_slug_to_match_the_folder(tmp_path: Path) -> None:
    write(tmp_path / "workbooks" / "not-tiny", tiny())
    assert [str(e) for e in check_workbooks(tmp_path, PRACTICES)] == [
        f"{tmp_path}/workbooks/not-tiny/workbook.md:2: the slug 'tiny' must match the folder name 'not-tiny'"
    ]
    assert check_workbooks(tmp_path / "nowhere", PRACTICES) == []


# --------------------------------------------------------------------------- zip uploads


def test_it_loads_a_zip_with_the_files_at_the_top_or_in_one_folder(tmp_path: Path) -> None:
    expected = load(tmp_path, tiny())
    assert load_zip(zipped(dict(tiny()))) == expected
    junk: dict[str, str | bytes] = {"__MACOSX/._workbook.md": b"\xff\xfe", ".DS_Store": b"\x00\xff"}
    assert load_zip(zipped({**tiny(), **junk}, folder="tiny/")) == expected


def test_a_zip_error_names_the_file_as_it_is_in_the_zip() -> None:
    data = zipped(dict(tiny(days__day_01=DAY_1.replace("hand-on-heart", "hand-on-hart"))), folder="mine/")
    assert zip_refusal(data).startswith("mine/days/day-01.md:9: unknown practice 'hand-on-hart'")


def test_it_refuses_a_zip_with_broken_front_matter() -> None:
    message = zip_refusal(zipped(dict(tiny(workbook="---\ntitle: [oops\n---\n"))))
    assert re.fullmatch(r"workbook\.md:\d+: the front matter is not valid YAML: .+", message)


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("../outside.md", "climbs out of the zip with '..'"),
        ("days/../../outside.md", "climbs out of the zip with '..'"),
        ("/etc/outside.md", "has an absolute path"),
        ("C:/outside.md", "has an absolute path"),
        ("days\\..\\outside.md", "uses backslashes"),
    ],
)
def test_it_refuses_a_zip_whose_names_escape_it(name: str, says: str) -> None:
    assert says in zip_refusal(zipped({**tiny(), name: "x"}))


def test_it_refuses_a_zip_holding_a_symbolic_link() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in tiny().items():
            archive.writestr(name, text)
        link = zipfile.ZipInfo("days/day-03.md")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    assert "'days/day-03.md' is a symbolic link" in zip_refusal(buffer.getvalue())


def test_it_refuses_a_zip_with_too_many_entries() -> None:
    files: dict[str, str | bytes] = {**tiny(), **{f"notes/{i}.txt": "" for i in range(10)}}
    assert "the zip holds 13 entries; the limit is 12" in zip_refusal(zipped(files), max_files=12)


def test_it_refuses_a_zip_bomb_by_its_declared_size_before_reading_it() -> None:
    data = zipped({**tiny(), "days/day-03.md": b"\n" * 5_000_000})
    assert len(data) < 20_000  # it compresses to almost nothing
    assert "would unpack to 5,000," in zip_refusal(data)
    assert f"more than the limit of {LIMIT:,}" in zip_refusal(data)


def _patch_sizes(data: bytes, name: bytes, size: int) -> bytes:
    """Make both headers of ``name`` declare ``size`` uncompressed bytes (a lying zip)."""
    out = bytearray(data)
    local = out.find(b"PK\x03\x04")
    while local != -1:
        name_len = struct.unpack_from("<H", out, local + 26)[0]
        if out[local + 30 : local + 30 + name_len] == name:
            struct.pack_into("<I", out, local + 22, size)
        local = out.find(b"PK\x03\x04", local + 4)
    central = out.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", out, central + 28)[0]
        if out[central + 46 : central + 46 + name_len] == name:
            struct.pack_into("<I", out, central + 24, size)
        central = out.find(b"PK\x01\x02", central + 4)
    return bytes(out)


def test_it_refuses_a_zip_whose_size_headers_lie() -> None:
    honest = zipped({**tiny(), "days/day-03.md": b"\n" * 5_000_000})
    lying = _patch_sizes(honest, b"days/day-03.md", 100)
    with zipfile.ZipFile(io.BytesIO(lying)) as archive:
        assert sum(info.file_size for info in archive.infolist()) < LIMIT  # the headers claim it is small
    message = zip_refusal(lying)
    assert message.startswith("days/day-03.md:1: this entry of the zip is damaged and cannot be read")
    assert "nothing was published" in message


def test_it_refuses_an_encrypted_entry() -> None:
    data = bytearray(zipped(dict(tiny())))
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 0x1
    assert "is encrypted" in zip_refusal(bytes(data))


def test_it_refuses_a_name_that_appears_twice() -> None:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore")
        for name, text in tiny().items():
            archive.writestr(name, text)
        archive.writestr("workbook.md", WORKBOOK_MD)
    assert "'workbook.md' appears twice in the zip" in zip_refusal(buffer.getvalue())


def test_it_refuses_a_zip_entry_that_is_not_utf8() -> None:
    data = zipped({**tiny(), "days/day-02.md": b"---\nday: 2\ntitle: \xff\n"})
    assert zip_refusal(data) == "days/day-02.md:3: the file is not UTF-8 text; save it as UTF-8 and try again"


@pytest.mark.parametrize("data", [b"", b"not a zip at all", b"PK\x03\x04 truncated"])
def test_it_refuses_bytes_that_are_not_a_zip(data: bytes) -> None:
    assert zip_refusal(data) == "upload.zip:1: this file is not a zip archive, or it is damaged"


def test_it_refuses_a_zip_without_a_workbook_file() -> None:
    data = zipped({"a/workbook.md": WORKBOOK_MD, "b/workbook.md": WORKBOOK_MD})
    assert "must hold 'workbook.md' at its top level or inside a single folder" in zip_refusal(data)


def test_unzip_gives_only_the_files_the_workbook_is_built_from_workbook_md_first(tmp_path: Path) -> None:
    ignored: dict[str, str | bytes] = {
        "days/old/day-09.md": b"\xff not even UTF-8",
        "days/readme.txt": "notes",
        "notes.md": "notes",
        "__MACOSX/._workbook.md": b"\xff\xfe",
    }
    data = zipped({**dict(reversed(tiny().items())), **ignored}, folder="tiny/")
    sources = unzip_workbook(data, max_unpacked_bytes=LIMIT, max_files=50)
    assert list(sources.items()) == [("workbook.md", WORKBOOK_MD), ("days/day-01.md", DAY_1), ("days/day-02.md", DAY_2)]
    assert load_zip(data) == load(tmp_path, tiny())
    # One reading gives both: what an upload publishes and the files it keeps.
    content, same = load_workbook_zip_with_sources(
        data, max_unpacked_bytes=LIMIT, max_files=50, practice_slugs=PRACTICES
    )
    assert (content, same) == (load_zip(data), sources)


def test_unzip_keeps_every_limit_of_the_loader() -> None:
    bomb = zipped({**tiny(), "days/day-03.md": b"\n" * 5_000_000})
    with pytest.raises(ContentInvalid, match=f"would unpack to 5,00.* bytes, more than the limit of {LIMIT:,}"):
        unzip_workbook(bomb, max_unpacked_bytes=LIMIT, max_files=50)
    with pytest.raises(ContentInvalid, match="nothing was published"):
        unzip_workbook(_patch_sizes(bomb, b"days/day-03.md", 100), max_unpacked_bytes=LIMIT, max_files=50)
    with pytest.raises(ContentInvalid, match="the zip holds 4 entries; the limit is 3"):
        unzip_workbook(bomb, max_unpacked_bytes=LIMIT, max_files=3)
    with pytest.raises(ContentInvalid, match="climbs out of the zip"):
        unzip_workbook(zipped({**tiny(), "../x.md": "x"}), max_unpacked_bytes=LIMIT, max_files=50)


# --------------------------------------------------------------------------- snapshots


def test_a_snapshot_survives_json_and_comes_back_equal(tmp_path: Path) -> None:
    wb = load(tmp_path, tiny())
    snapshot = json.loads(json.dumps(serialize_workbook(wb)))
    assert workbook_from_dict(snapshot) == wb


def test_a_damaged_snapshot_is_refused_with_a_value_error(tmp_path: Path) -> None:
    snapshot = serialize_workbook(load(tmp_path, tiny()))
    snapshot["days"][0]["items"][0] = {"kind": "dance"}
    with pytest.raises(ValueError, match="unknown item kind 'dance'"):
        workbook_from_dict(snapshot)
    with pytest.raises(ValueError, match="format 2 is not supported"):
        workbook_from_dict({**snapshot, "format": 2})


def test_the_digest_ignores_the_version_but_not_the_words(tmp_path: Path) -> None:
    wb = load(tmp_path, tiny())
    assert workbook_digest(replace(wb, version=7)) == workbook_digest(wb)
    assert workbook_digest(replace(wb, title="Another title")) != workbook_digest(wb)


# --------------------------------------------------------------------------- the built-in workbook

ARC = [
    "Safety before connection",
    "The body's question",
    "Noticing your signals",
    "Slowing down",
    "Gentle touch",
    "Soft gaze",
    "Honest conversation",
    "Connection beyond people",
    "The deeper shift",
]


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(CONTENT / "practices")


@pytest.fixture(scope="module")
def builtin(library: Library) -> Workbook:
    return load_workbook(BUILTIN, {p.slug for p in library})


def test_the_built_in_workbook_passes_the_check(library: Library) -> None:
    assert [str(e) for e in check_workbooks(CONTENT, {p.slug for p in library})] == []


def test_the_built_in_workbook_spans_about_four_weeks_of_5_to_15_minute_days(builtin: Workbook) -> None:
    assert 26 <= len(builtin.days) <= 30
    assert [d.number for d in builtin.days] == list(range(1, len(builtin.days) + 1))
    assert all(5 <= d.minutes <= 15 for d in builtin.days), [(d.number, d.minutes) for d in builtin.days]


def test_the_built_in_workbook_moves_through_the_whole_arc_in_order(builtin: Workbook) -> None:
    assert [c.title for c in builtin.chapters] == ARC
    assert all(builtin.days_in(c.slug) for c in builtin.chapters)


def test_every_built_in_day_reads_and_asks_and_most_days_practise(builtin: Workbook) -> None:
    for day in builtin.days:
        assert any(isinstance(item, Reading) for item in day.items), day.number
        assert 1 <= len(day.prompts) <= 2, day.number
    assert sum(1 for d in builtin.days if d.practices) >= 0.6 * len(builtin.days)


def test_every_week_of_the_built_in_workbook_has_a_check_in(builtin: Workbook) -> None:
    def has_checkin(number: int) -> bool:
        return any(isinstance(item, CheckinStep) for item in builtin.day(number).items)

    assert has_checkin(1) and has_checkin(len(builtin.days))
    for start in range(1, len(builtin.days) + 1, 7):
        assert any(has_checkin(n) for n in range(start, min(start + 7, len(builtin.days) + 1))), start


def test_the_built_in_days_claim_about_the_time_they_take(builtin: Workbook, library: Library) -> None:
    """Reading at 180 words a minute, each practice's own duration, 1.5 min a prompt, 0.5 min a check-in."""
    for day in builtin.days:
        estimate = 0.0
        for item in day.items:
            if isinstance(item, Reading):
                estimate += len(item.text.split()) / 180
            elif isinstance(item, PracticeStep):
                estimate += library[item.slug].duration_min
            elif isinstance(item, Prompt):
                estimate += 1.5
            else:
                estimate += 0.5
        assert day.minutes - 4 <= estimate <= day.minutes + 1, (day.number, round(estimate, 1), day.minutes)


def _all_text(wb: Workbook) -> str:
    parts = [wb.title, wb.summary, wb.introduction]
    for day in wb.days:
        parts.append(day.title)
        for item in day.items:
            parts.append(item.note if isinstance(item, PracticeStep) else getattr(item, "text", ""))
    return "\n".join(parts)


def test_the_built_in_workbook_says_once_that_it_is_not_therapy(builtin: Workbook) -> None:
    text = _all_text(builtin)
    assert len(re.findall(r"not therapy", text, re.IGNORECASE)) == 1
    assert "not therapy" in _all_text(replace(builtin, days=builtin.days[:1], introduction=""))


@pytest.mark.parametrize(
    "phrase",
    [
        r"\bstreak",
        r"\byou must\b",
        r"\byou should\b",
        r"\bdiagnos",
        r"\bcure",
        r"\bguarantee",
        r"\bdisorder",
        r"\bfail",
        r"\bdon't miss\b",
        r"\bvagal tone\b",
        r"\bdysregulat",
    ],
)
def test_the_built_in_workbook_keeps_to_the_voice(builtin: Workbook, phrase: str) -> None:
    assert not re.search(phrase, _all_text(builtin), re.IGNORECASE)


def test_partner_practices_in_the_built_in_workbook_offer_a_way_alone(builtin: Workbook, library: Library) -> None:
    for day in builtin.days:
        for item in day.items:
            if isinstance(item, PracticeStep) and "solo" not in library[item.slug].with_whom:
                assert re.search(r"\balone\b|\bon your own\b|\bsolo\b", item.note, re.I), (day.number, item.slug)


def test_the_built_in_workbook_survives_a_snapshot(builtin: Workbook) -> None:
    assert workbook_from_dict(json.loads(json.dumps(serialize_workbook(builtin)))) == builtin
