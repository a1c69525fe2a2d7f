"""The readers' errors are attune.words.Said: the same English, with the template and values to translate it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from attune.importers.errors import ImportFormatError
from attune.importers.exports import read_export
from attune.importers.rr_file import read_rr_file
from attune.importers.rr_text import parse_rr_text
from attune.words import Said


def _error(path: Path) -> ImportFormatError:
    with pytest.raises(ImportFormatError) as info:
        list(read_export(path))
    return info.value


def test_a_bad_cell_is_said_with_the_file_the_line_and_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "cycles.csv"
    path.write_text("Cycle start time,Cycle timezone,Heart rate variability (ms)\n"
                    "2024-05-04 07:00:00,Mars,40\n", encoding="utf-8")
    error = _error(path)
    assert str(error) == "cycles.csv: line 2: time zone 'Mars' is not like UTC+01:00"
    said = error.said
    assert isinstance(said, Said) and said == str(error)
    assert said.template == "%(file)s: %(where)s: %(message)s"
    where, message = said.values["where"], said.values["message"]
    assert isinstance(where, Said) and (where.template, where.values) == ("line %(line)s", {"line": 2})
    assert isinstance(message, Said) and message.template == "time zone %(zone)s is not like UTC+01:00"
    assert message.values == {"zone": "'Mars'"}


def test_a_file_that_is_no_export_is_said_with_the_whole_file_as_its_place(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)))
    error = _error(path)
    assert str(error).startswith("photo.jpg: file: not an export attune reads: expected an Apple Health export.zip")
    assert isinstance(error.where, Said) and error.where.template == "file"
    assert isinstance(error.message, Said) and error.message.template.startswith("not an export attune reads")


def test_an_rr_files_problem_is_said_without_the_server_path(tmp_path: Path) -> None:
    path = tmp_path / "2024-05-04 07-01-33.txt"
    path.write_text("800\nabc\n810\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as info:
        list(read_rr_file(path, start=datetime(2024, 5, 4, tzinfo=UTC)))
    error = info.value
    assert str(error) == "2024-05-04 07-01-33.txt: line 2: line 2 is not numeric: 'abc'"
    assert isinstance(error.message, Said) and error.message.template == "line %(line)d is not numeric: %(row)s"
    assert str(tmp_path) not in repr(error.said.values)


def test_a_text_readers_error_is_the_same_english_sentence() -> None:
    with pytest.raises(ValueError) as info:
        parse_rr_text("-800\n810\n790\n", source="rr.txt")
    said = info.value.args[0]
    assert isinstance(said, Said)
    assert said == ("rr.txt: RR intervals must be positive; value 1 is -800. "
                    "Is this a file of differences or of heart-rate changes?")
    assert said.template == "%(source)s: %(problem)s"
