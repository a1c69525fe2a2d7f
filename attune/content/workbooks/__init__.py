"""Workbooks: a guide's step-a-day program, written as a folder of Markdown files.

A workbook lives in one folder::

    <slug>/
      workbook.md        front matter: slug, title, summary, chapters (+ guide, version);
                         body: the introduction
      days/day-01.md     front matter: day, title, chapter, minutes, items; body: the day's reading
      days/day-02.md
      ...

A day's ``items`` list is the order in which the day unfolds. Each item is one of:

- ``reading``: the bare word shows the file's body; ``reading: <text>`` shows inline text.
- ``prompt: <question>`` with ``key: <slug>``: a reflective question answered in the journal.
  The key stays stable when the wording changes, so journal entries keep their question.
- ``practice: <practice-slug>`` with an optional ``note``: a practice from the library.
- ``checkin``: the bare word, or ``checkin: <invitation>``: a check-in step.

The full reference for guides is ``docs/workbooks.md``. Loading collects every problem it can
find, each with a file and a line, and raises :class:`ContentInvalid` carrying all of them.

The package is split by concern: :mod:`~.model` (the dataclasses), :mod:`~.loading` (a folder,
and the checks every file goes through), :mod:`~.archive` (the one safe reader of zip uploads)
and :mod:`~.snapshot` (the JSON snapshot of a published version and its digest). Everything
public is importable from here.
"""

from __future__ import annotations

from attune.content.workbooks.archive import (
    DEFAULT_MAX_FILES,
    DEFAULT_MAX_UNPACKED_BYTES,
    load_workbook_zip,
    load_workbook_zip_with_sources,
    unzip_workbook,
)
from attune.content.workbooks.loading import (
    DAYS_DIR,
    MAX_MINUTES,
    MIN_MINUTES,
    WORKBOOK_FILE,
    WORKBOOKS_DIR,
    check_workbook,
    check_workbooks,
    is_translation_path,
    load_workbook,
    load_workbooks,
    workbook_files,
    workbook_folders,
)
from attune.content.workbooks.model import (
    DEFAULT_CHECKIN_TEXT,
    Chapter,
    CheckinStep,
    Day,
    Item,
    PracticeStep,
    Prompt,
    Reading,
    Workbook,
)
from attune.content.workbooks.snapshot import FORMAT_VERSION, serialize_workbook, workbook_digest, workbook_from_dict

__all__ = [
    "DAYS_DIR",
    "DEFAULT_CHECKIN_TEXT",
    "DEFAULT_MAX_FILES",
    "DEFAULT_MAX_UNPACKED_BYTES",
    "FORMAT_VERSION",
    "MAX_MINUTES",
    "MIN_MINUTES",
    "WORKBOOKS_DIR",
    "WORKBOOK_FILE",
    "Chapter",
    "CheckinStep",
    "Day",
    "Item",
    "PracticeStep",
    "Prompt",
    "Reading",
    "Workbook",
    "check_workbook",
    "check_workbooks",
    "is_translation_path",
    "load_workbook",
    "load_workbook_zip",
    "load_workbook_zip_with_sources",
    "load_workbooks",
    "serialize_workbook",
    "unzip_workbook",
    "workbook_digest",
    "workbook_files",
    "workbook_folders",
    "workbook_from_dict",
]
