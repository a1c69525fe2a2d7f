"""``attune content check [PATH...]``: validate content files and report ``file:line: message``.

A PATH may be
- a content folder (one holding ``practices/`` and perhaps ``workbooks/``): everything in it is
  checked, workbooks too;
- a practices folder: every practice in it, including cross-references between them;
- a single file: checked together with the folder it belongs to, reporting only its own errors.

With no PATH, the configured content folder is checked (``$ATTUNE_CONTENT_DIR``, else the built-in
``content/``). The exit status is 0 when everything is clean and 1 when anything is wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from attune.content import default_content_dir
from attune.content.errors import ContentError, ContentInvalid
from attune.content.practices import Library, collect_library, load_practice, practice_files
from attune.content.workbooks import check_workbooks

PRACTICES_DIR = "practices"
WORKBOOKS_DIR = "workbooks"


def check(paths: Sequence[Path]) -> list[ContentError]:
    """Every problem in the content at ``paths``, sorted by file and line, without duplicates."""
    return _check(paths)[0]


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
        help="a content folder, a practices folder or single files (default: the configured content folder)",
    )
    args = parser.parse_args(argv)
    stream = out if out is not None else sys.stdout
    paths: list[Path] = args.paths or [default_content_dir()]
    errors, practices = _check(paths)
    for error in errors:
        print(f"{_display(error.path)}:{error.line}: {error.message}", file=stream)
    checked = f"{practices} practice{'s' if practices != 1 else ''} checked"
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


def _check(paths: Sequence[Path]) -> tuple[list[ContentError], int]:
    errors: list[ContentError] = []
    practices = 0
    for path in paths:
        if not path.exists():
            errors.append(ContentError(path, 1, "no such file or folder"))
        elif path.is_dir():
            found, _ = _check_dir(path)
            errors.extend(found)
            practices += _count_practices(path)
        else:
            errors.extend(_check_file(path))
            practices += path.suffix == ".md" and not _in_workbooks(path)
    unique = sorted(set(errors), key=lambda e: (str(e.path), e.line, e.message))
    return unique, practices


def _is_content_dir(path: Path) -> bool:
    return (path / PRACTICES_DIR).is_dir() or (path / WORKBOOKS_DIR).is_dir()


def _count_practices(directory: Path) -> int:
    folder = directory / PRACTICES_DIR if _is_content_dir(directory) else directory
    return len(practice_files(folder)) if folder.is_dir() else 0


def _check_dir(directory: Path) -> tuple[list[ContentError], Library]:
    if _is_content_dir(directory):
        return _check_content_dir(directory)
    library, errors = collect_library(directory)
    return errors, library


def _check_content_dir(content_dir: Path) -> tuple[list[ContentError], Library]:
    library, errors = collect_library(content_dir / PRACTICES_DIR)
    return errors + check_workbooks(content_dir, frozenset(p.slug for p in library)), library


def _check_file(path: Path) -> list[ContentError]:
    if path.suffix != ".md":
        return [ContentError(path, 1, "content files are Markdown files ending in .md")]
    target = path.resolve()
    content_dir = next((parent for parent in target.parents if _is_content_dir(parent)), None)
    if _in_workbooks(path):
        if content_dir is None:
            return [ContentError(path, 1, "a workbook file is checked from its content folder; none was found")]
        found, _ = _check_content_dir(content_dir)
    elif target in practice_files(target.parent):
        # Check the file along with its neighbours, so that references between files are checked too.
        found, _ = _check_dir(target.parent)
    else:
        # A draft (``_name.md``) or a file outside any library: only what the file alone can show.
        try:
            load_practice(path)
        except ContentInvalid as exc:
            return list(exc.errors)
        return []
    return [ContentError(path, e.line, e.message) for e in found if e.path.resolve() == target]


def _in_workbooks(path: Path) -> bool:
    return WORKBOOKS_DIR in path.resolve().parts


def _display(path: Path) -> str:
    """``path`` relative to the working folder when it lies inside it, for clickable output."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
