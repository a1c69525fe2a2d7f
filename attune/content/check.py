"""``attune content check [PATH...]``: validate content files and report ``file:line: message``.

A PATH may be
- a content folder (one holding ``practices/`` and perhaps ``workbooks/``): everything in it is
  checked, workbooks too;
- a workbook folder (one holding ``workbook.md``), checked against the practices of the content
  folder it lies in, or of the configured content folder when it lies in none;
- a ``workbooks/`` folder: every workbook in it, the same way;
- a practices folder: every practice in it, including cross-references between them;
- a single file: checked together with the practices folder or the workbook it belongs to,
  reporting only its own errors.

With no PATH, the configured content folder is checked (``$ATTUNE_CONTENT_DIR``, else the built-in
``content/``). The exit status is 0 when everything is clean and 1 when anything is wrong.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from attune.content import default_content_dir
from attune.content.errors import ContentError, ContentInvalid
from attune.content.practices import ORIGINAL_LANGUAGE, collect_library, load_practice, practice_files
from attune.content.workbooks import (
    DAYS_DIR,
    WORKBOOK_FILE,
    WORKBOOKS_DIR,
    check_workbook,
    check_workbooks,
    workbook_folders,
)
from attune.words import _

PRACTICES_DIR = "practices"


def check(paths: Sequence[Path]) -> list[ContentError]:
    """Every problem in the content at ``paths``, sorted by file and line, without duplicates."""
    return _check(paths).errors


def main(argv: list[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run ``attune content check``; return the exit status (0 clean, 1 problems found)."""
    parser = argparse.ArgumentParser(
        prog="attune content check",
        description="Check practices and workbooks for mistakes, reporting each as file:line: message.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="a content, practices, workbooks or workbook folder, or files (default: the configured content folder)",
    )
    args = parser.parse_args(argv)
    stream = out if out is not None else sys.stdout
    paths: list[Path] = args.paths or [default_content_dir()]
    total = _check(paths)
    errors = total.errors
    for error in errors:
        print(f"{_display(error.path)}:{error.line}: {error.message}", file=stream)
    checked = _summary(total)
    if errors:
        files = len({e.path for e in errors})
        print(
            f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in {files} file{'s' if files != 1 else ''} "
            f"({checked}).",
            file=stream,
        )
        return 1
    print(f"No problems found ({checked}).", file=stream)
    return 0


@dataclass(frozen=True)
class _Checked:
    """What checking one path found, and how many practices and workbooks it covered."""

    errors: list[ContentError]
    practices: int = 0
    workbooks: int = 0
    translations: int = 0


def _check(paths: Sequence[Path]) -> _Checked:
    """Everything found at ``paths``: errors sorted by file and line, without duplicates, and the counts."""
    results = [_check_path(path) for path in paths]
    errors = {error for result in results for error in result.errors}
    unique = sorted(errors, key=lambda e: (str(e.path), e.line, e.message))
    return _Checked(
        unique,
        sum(r.practices for r in results),
        sum(r.workbooks for r in results),
        sum(r.translations for r in results),
    )


def _check_path(path: Path) -> _Checked:
    if not path.exists():
        return _Checked([ContentError(path, 1, _("no such file or folder"))])
    if not path.is_dir():
        return _check_file(path)
    if _is_content_dir(path):
        return _check_content_dir(path)
    if (path / WORKBOOK_FILE).is_file():
        return _check_workbook_folder(path)
    if _is_workbooks_dir(path):
        slugs = _practice_slugs_for(path)
        folders = workbook_folders(path)
        found = [e for folder in folders for e in check_workbook(folder, slugs, match_folder_name=True)]
        return _Checked(found, workbooks=len(folders))
    _library, errors = collect_library(path)
    originals, translations = _practice_counts(path)
    return _Checked(errors, practices=originals, translations=translations)


def _is_content_dir(path: Path) -> bool:
    return (path / PRACTICES_DIR).is_dir() or (path / WORKBOOKS_DIR).is_dir()


def _is_workbooks_dir(path: Path) -> bool:
    """A content folder's ``workbooks/``, or any folder whose sub-folders are workbooks."""
    return path.name == WORKBOOKS_DIR or any((folder / WORKBOOK_FILE).is_file() for folder in workbook_folders(path))


def _check_content_dir(content_dir: Path) -> _Checked:
    practices = content_dir / PRACTICES_DIR
    library, errors = collect_library(practices)
    found = errors + check_workbooks(content_dir, frozenset(p.slug for p in library))
    originals, translations = _practice_counts(practices) if practices.is_dir() else (0, 0)
    workbooks = len(workbook_folders(content_dir / WORKBOOKS_DIR))
    return _Checked(found, practices=originals, workbooks=workbooks, translations=translations)


_LANGUAGE_LINE = re.compile(r"^language:[ \t]*['\"]?([A-Za-z-]+)", re.MULTILINE)


def _practice_counts(directory: Path) -> tuple[int, int]:
    """How many practice files under ``directory`` are originals and how many are translations."""
    translations = 0
    files = practice_files(directory)
    for path in files:
        head = path.read_text(encoding="utf-8", errors="replace").split("\n---", 1)[0]
        found = _LANGUAGE_LINE.search(head)
        translations += bool(found and found.group(1).lower() != ORIGINAL_LANGUAGE)
    return len(files) - translations, translations


def _check_workbook_folder(folder: Path) -> _Checked:
    """One workbook; its slug must match the folder's name where the site would load it by that name."""
    loaded_by_name = folder.resolve().parent.name == WORKBOOKS_DIR and not folder.name.startswith((".", "_"))
    errors = check_workbook(folder, _practice_slugs_for(folder), match_folder_name=loaded_by_name)
    return _Checked(errors, workbooks=1)


def _practice_slugs_for(path: Path) -> frozenset[str]:
    """The practices a workbook at ``path`` may name: its content folder's, else the configured folder's."""
    resolved = path.resolve()
    holders = (folder for folder in (resolved, *resolved.parents) if (folder / PRACTICES_DIR).is_dir())
    library, _errors = collect_library(next(holders, default_content_dir()) / PRACTICES_DIR)
    return frozenset(p.slug for p in library)


def _check_file(path: Path) -> _Checked:
    if path.suffix != ".md":
        return _Checked([ContentError(path, 1, _("content files are Markdown files ending in .md"))])
    target = path.resolve()
    workbook = _workbook_folder_of(target)
    if workbook is not None:
        checked = _check_workbook_folder(workbook)
    elif target in practice_files(target.parent):
        # Check the file along with its neighbours, so that references between files are checked too.
        checked = _check_path(target.parent)
    else:
        # A draft (``_name.md``) or a file outside any library: only what the file alone can show.
        try:
            load_practice(path)
        except ContentInvalid as exc:
            return _Checked(list(exc.errors), practices=1)
        return _Checked([], practices=1)
    own = [ContentError(path, e.line, e.message) for e in checked.errors if e.path.resolve() == target]
    return _Checked(own, practices=int(workbook is None), workbooks=int(workbook is not None))


def _workbook_folder_of(target: Path) -> Path | None:
    """The workbook folder a file belongs to: one inside a ``workbooks/`` folder, or one holding workbook.md."""
    parts = target.parts
    inside = [i for i, part in enumerate(parts[:-2]) if part == WORKBOOKS_DIR]
    if inside:
        return Path(*parts[: inside[-1] + 2])
    if target.name == WORKBOOK_FILE:
        return target.parent
    if target.parent.name == DAYS_DIR and (target.parent.parent / WORKBOOK_FILE).is_file():
        return target.parent.parent
    return None


def _summary(checked: _Checked) -> str:
    counts = [(checked.practices, "practice"), (checked.translations, "translation"), (checked.workbooks, "workbook")]
    named = [f"{n} {noun}{'s' if n != 1 else ''}" for n, noun in counts if n]
    if not named:
        return "0 practices checked"
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    return f"{listed} checked"


def _display(path: Path) -> str:
    """``path`` relative to the working folder when it lies inside it, for clickable output."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
