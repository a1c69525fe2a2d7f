"""Where workbook content comes from: the built-in folder (synced into versions) and zip uploads.

The built-in workbooks under ``CONTENT_DIR/workbooks`` are read through the same content cache as
the practice library, so an edited file is noticed on the next request without a deploy. When a
built-in workbook's content differs from its latest published version (by digest), a new version
is published; members already following it keep theirs.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from attune.content.errors import ContentError, ContentInvalid
from attune.content.registry import ContentCache
from attune.content.workbooks import (
    DEFAULT_MAX_FILES,
    DEFAULT_MAX_UNPACKED_BYTES,
    load_workbook,
    workbook_files,
)
from attune.content.workbooks import WORKBOOK_FILE as WORKBOOK_FILE  # actions names it through catalog
from attune.content.workbooks import Workbook as WorkbookContent
from attune.web.practices.library import current_library
from attune.words import _


@dataclass(frozen=True)
class Loaded:
    """A valid workbook and the text of the files it was read from (path -> text)."""

    content: WorkbookContent
    sources: dict[str, str]


def practice_slugs() -> frozenset[str]:
    return frozenset(p.slug for p in current_library())


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "ATTUNE_WORKBOOK_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES))


def max_files() -> int:
    return int(getattr(settings, "ATTUNE_WORKBOOK_MAX_FILES", DEFAULT_MAX_FILES))


def workbooks_dir() -> Path:
    return Path(settings.CONTENT_DIR) / "workbooks"


def _folders(base: Path) -> list[Path]:
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def _files(base: Path) -> list[Path]:
    found: list[Path] = []
    for folder in _folders(base):
        found.extend(workbook_files(folder))
    return found


def folder_sources(folder: Path) -> dict[str, str]:
    """The workbook files in ``folder`` as ``{"workbook.md": ..., "days/day-01.md": ...}``."""
    out: dict[str, str] = {}
    for path in workbook_files(folder):
        if path.is_file():
            out[path.relative_to(folder).as_posix()] = path.read_text(encoding="utf-8-sig")
    return out


def _load_builtin(base: Path) -> tuple[dict[str, Loaded], list[ContentError]]:
    slugs = practice_slugs()
    loaded: dict[str, Loaded] = {}
    errors: list[ContentError] = []
    for folder in _folders(base):
        try:
            content = load_workbook(folder, slugs)
        except ContentInvalid as exc:
            errors.extend(exc.errors)
            continue
        if content.slug != folder.name:
            message = _("the slug must match the folder '%(folder)s'", folder=folder.name)
            errors.append(ContentError(folder / WORKBOOK_FILE, 1, message))
            continue
        loaded[content.slug] = Loaded(content, folder_sources(folder))
    return loaded, errors


_builtin = ContentCache[dict[str, Loaded]](_load_builtin, _files)


def builtin_workbooks() -> dict[str, Loaded]:
    """The built-in workbooks that load cleanly, by slug (looked at no more than once a second)."""
    return _builtin.get(workbooks_dir())


def clear_cache() -> None:
    _builtin.clear()


def zip_of(sources: dict[str, str]) -> bytes:
    """A zip holding ``sources`` at its top level (for validating edits with the upload checks)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in sources.items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()
