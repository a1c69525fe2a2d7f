"""``attune content check``: file:line errors, a summary, and an exit status."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from attune.content.check import check, main
from attune.content.errors import ContentError

WritePractice = Callable[..., Path]
REPO = Path(__file__).resolve().parents[2]


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    status = main(argv, out=out)
    return status, out.getvalue()


def test_the_built_in_content_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ATTUNE_CONTENT_DIR", raising=False)
    status, output = run([])
    assert status == 0, output
    assert output.startswith("No problems found (")


def test_it_checks_the_folder_named_in_the_environment(
    monkeypatch: pytest.MonkeyPatch, write_practice: WritePractice, tmp_path: Path
) -> None:
    write_practice(replace={"condition: slowing-down": "condition: rushing"})
    monkeypatch.setenv("ATTUNE_CONTENT_DIR", str(tmp_path))
    status, output = run([])
    assert status == 1
    assert f"{tmp_path / 'practices' / 'sample.md'}:4: unknown condition 'rushing'" in output


def test_it_prints_each_problem_as_file_line_message_and_a_summary(
    write_practice: WritePractice, tmp_path: Path
) -> None:
    first = write_practice("one", {"seconds: 10": "seconds: 2"})
    second = write_practice("two", {"hold_out: 0": "hold_out: 3"})
    write_practice("three")
    status, output = run([str(tmp_path / "practices")])
    lines = output.splitlines()
    assert status == 1
    assert lines[0] == f"{first}:17: step 2: seconds must be between 5 and 3600, not 2"
    assert lines[1].startswith(f"{second}:15: step 1: calming practices never hold the breath")
    assert lines[-1] == "2 problems in 2 files (3 practices checked)."


def test_a_single_file_is_checked_against_its_neighbours(write_practice: WritePractice, tmp_path: Path) -> None:
    hug = write_practice(
        "hug",
        {
            "condition: slowing-down": "condition: gentle-touch",
            "with: [solo]": "with: [partner]\nsolo_alternative: alone-time",
            "  - If you feel dizzy, stop and breathe normally.": "  - Only with consent; stop if dizzy.",
        },
    )
    write_practice("broken-neighbour", {"condition: slowing-down": "condition: x"})
    errors = check([hug])
    assert errors == [
        ContentError(hug, 8, "solo_alternative names 'alone-time', but there is no practice with that slug "
                             "(or write a sentence to describe one instead)")
    ]  # fmt: skip
    write_practice("alone-time")
    assert check([hug]) == []


def test_a_draft_named_explicitly_is_checked_even_though_the_library_skips_it(
    write_practice: WritePractice, tmp_path: Path
) -> None:
    draft = write_practice("draft", {"seconds: 50": "seconds: 3"}, name="_draft.md")
    errors = check([draft])
    assert (draft, 13) in {(e.path, e.line) for e in errors}


def test_a_path_that_does_not_exist_is_a_problem(tmp_path: Path) -> None:
    status, output = run([str(tmp_path / "nothing-here")])
    assert status == 1
    assert f"{tmp_path / 'nothing-here'}:1: no such file or folder" in output


def test_a_content_folder_without_practices_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "workbooks").mkdir()
    assert [e.message for e in check([tmp_path])][:1] == ["the practices folder does not exist"]


def test_it_checks_the_workbooks_of_a_content_folder_against_its_practices(
    write_practice: WritePractice, tmp_path: Path
) -> None:
    write_practice()
    day = tmp_path / "workbooks" / "w" / "days" / "day-01.md"
    day.parent.mkdir(parents=True)
    day.write_text("---\nday: 1\nitems:\n  - practice: sample\n  - practice: nowhere\n---\n", encoding="utf-8")
    assert [(e.path.name, e.line, e.message.split(";")[0]) for e in check([tmp_path])] == [
        ("day-01.md", 1, "the front matter is missing 'chapter'"),
        ("day-01.md", 1, "the front matter is missing 'minutes'"),
        ("day-01.md", 1, "the front matter is missing 'title'"),
        ("day-01.md", 5, "unknown practice 'nowhere'"),
        ("workbook.md", 1, "a workbook needs a 'workbook.md' file at its top level"),
    ]


def test_a_clean_folder_exits_zero(write_practice: WritePractice, tmp_path: Path) -> None:
    write_practice()
    status, output = run([str(tmp_path / "practices")])
    assert (status, output) == (0, "No problems found (1 practice checked).\n")


# --------------------------------------------------------------------------- workbook folders

BUILTIN_CONTENT = REPO / "content"
BUILTIN_WORKBOOK = BUILTIN_CONTENT / "workbooks" / "coming-home-to-safety"


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A copy of the built-in content folder, to break."""
    shutil.copytree(BUILTIN_CONTENT, tmp_path / "content")
    return tmp_path / "content"


@pytest.mark.parametrize(
    ("path", "summary"),
    [
        (BUILTIN_WORKBOOK, "No problems found (1 workbook checked).\n"),
        (BUILTIN_CONTENT / "workbooks", "No problems found (1 workbook checked).\n"),
        (BUILTIN_CONTENT / "practices", "No problems found (20 practices and 5 translations checked).\n"),
        (BUILTIN_CONTENT, "No problems found (20 practices, 5 translations and 1 workbook checked).\n"),
    ],
    ids=["a workbook folder", "the workbooks folder", "the practices folder", "the content folder"],
)
def test_the_built_in_content_passes_whichever_of_its_folders_is_named(
    monkeypatch: pytest.MonkeyPatch, path: Path, summary: str
) -> None:
    monkeypatch.delenv("ATTUNE_CONTENT_DIR", raising=False)
    assert run([str(path)]) == (0, summary)


def test_a_workbook_folder_reports_its_own_problems_against_the_practices_of_its_content_folder(
    content_copy: Path,
) -> None:
    day = content_copy / "workbooks" / "coming-home-to-safety" / "days" / "day-03.md"
    day.write_text(day.read_text(encoding="utf-8").replace("one-slow-minute", "one-slow-hour"), encoding="utf-8")
    (content_copy / "practices" / "long-hug.md").unlink()  # a day on partner practices now names a missing one
    errors = check([content_copy / "workbooks" / "coming-home-to-safety"])
    assert {(e.path.name, e.message.split(";")[0]) for e in errors} == {
        ("day-03.md", "unknown practice 'one-slow-hour' (did you mean 'one-slow-minute'?)"),
        *{(e.path.name, "unknown practice 'long-hug'") for e in errors if e.path.name != "day-03.md"},
    }
    assert any(e.path.name != "day-03.md" for e in errors)
    assert check([content_copy / "workbooks"]) == errors


def test_a_single_day_file_reports_only_its_own_problems(content_copy: Path) -> None:
    days = content_copy / "workbooks" / "coming-home-to-safety" / "days"
    day = days / "day-03.md"
    day.write_text(day.read_text(encoding="utf-8").replace("minutes: ", "minutes: 9"), encoding="utf-8")
    (days / "day-04.md").write_text("not a day", encoding="utf-8")
    assert [(e.path, e.line, e.message) for e in check([day])] == [
        (day, 5, "'minutes' must be a whole number from 1 to 60")
    ]


def test_a_workbook_folder_outside_a_content_folder_uses_the_configured_practices(
    monkeypatch: pytest.MonkeyPatch, content_copy: Path, tmp_path: Path
) -> None:
    mine = shutil.copytree(BUILTIN_WORKBOOK, tmp_path / "elsewhere" / "coming-home-to-safety")
    monkeypatch.setenv("ATTUNE_CONTENT_DIR", str(content_copy))
    assert run([str(mine)]) == (0, "No problems found (1 workbook checked).\n")
    assert check([mine / "days" / "day-03.md"]) == []
    (content_copy / "practices" / "one-slow-minute.md").unlink()
    assert [(e.path.name, e.message.split(";")[0]) for e in check([mine / "days" / "day-03.md"])] == [
        ("day-03.md", "unknown practice 'one-slow-minute'")
    ]


def test_a_draft_workbook_folder_named_explicitly_need_not_match_its_slug(content_copy: Path) -> None:
    folder = content_copy / "workbooks" / "coming-home-to-safety"
    draft = folder.rename(folder.with_name("_coming-home-to-safety"))
    assert check([draft]) == []
    named = draft.rename(folder.with_name("coming-home"))
    assert [e.message for e in check([named])] == [
        "the slug 'coming-home-to-safety' must match the folder name 'coming-home'"
    ]
