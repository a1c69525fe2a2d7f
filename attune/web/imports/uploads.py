"""Uploads on disk: streamed in chunks into the data folder, readable by attune's user only.

A file of up to ``IMPORT_MAX_BYTES`` (2 GB by default) never passes through memory: Django's
multipart parser hands :class:`ImportUploadHandler` one chunk at a time and each chunk is written
straight to ``IMPORT_UPLOAD_DIR/<uuid>.upload`` (mode 0600). Before a job is queued,
:func:`check_upload` says whether the file is an export attune reads, from its first bytes and,
for a zip, from its directory (never unpacking it).
"""

from __future__ import annotations

import contextlib
import os
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopFutureHandlers, StopUpload
from django.utils.translation import gettext

from attune.importers import ImportFormatError
from attune.importers.apple_health import ZipLimits, check_archive
from attune.importers.errors import UnsafeArchiveError
from attune.importers.exports import SNIFF_BYTES, detect_format, sniff_format
from attune.importers.records import Source
from attune.web.common.said import in_language

CHUNK_BYTES = 1 << 20
FIELD = "file"
# Entries in a zip of CSV files that are read; everything else in such a zip is passed over.
CSV_SUFFIXES = (".csv",)
# The largest single CSV accepted inside a zip (the readers refuse CSV files over 1 GiB too).
MAX_CSV_BYTES = 1 << 30
LIMITS = ZipLimits()


class UploadRefused(Exception):
    """An upload that will not be imported, with the message the member sees."""


def upload_dir() -> Path:
    path = Path(settings.IMPORT_UPLOAD_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def upload_path(import_id: uuid.UUID | str) -> Path:
    """Where an import's file waits for its job (named by the import's id, never by the member)."""
    return upload_dir() / f"{uuid.UUID(str(import_id))}.upload"


def scratch_path(import_id: uuid.UUID | str, n: int) -> Path:
    """A file for one CSV unpacked from an import's zip, while it is read."""
    return upload_dir() / f"{uuid.UUID(str(import_id))}.{n}.part"


def remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


class StoredUpload(UploadedFile):  # type: ignore[type-arg]
    """The uploaded file, already on disk at :attr:`path`; the view renames it to its import's name."""

    def __init__(self, path: Path, name: str, size: int, content_type: str | None) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=size)
        self.path = path

    def temporary_file_path(self) -> str:
        return str(self.path)

    def close(self) -> None:
        return None


class ImportUploadHandler(FileUploadHandler):
    """Writes the ``file`` field to disk chunk by chunk; refuses more than ``IMPORT_MAX_BYTES``.

    Other file fields are skipped. When the upload is too large the partial file is removed and
    :attr:`too_large` is set, for the view to say so.
    """

    chunk_size = CHUNK_BYTES

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.limit: int = settings.IMPORT_MAX_BYTES
        self.too_large = False
        self.path: Path | None = None
        self._fd: int | None = None
        self._written = 0
        self._complete = False

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, boundary: Any,
                         encoding: str | None = None) -> None:
        # The whole request, a few hundred bytes of form fields and boundaries above the file. The
        # form fields (the CSRF token) are still parsed; the file is passed over unwritten.
        if content_length > self.limit + (64 << 10):
            self.too_large = True

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        if field_name != FIELD or self.path is not None or self.too_large:
            raise SkipFile
        super().new_file(field_name, *args, **kwargs)
        self.path = upload_dir() / f"{uuid.uuid4()}.incoming"
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        raise StopFutureHandlers

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self._fd is None:
            return None
        self._written += len(raw_data)
        if self._written > self.limit:
            self.too_large = True
            self.upload_interrupted()
            raise StopUpload(connection_reset=False)
        view = memoryview(raw_data)
        while view:
            view = view[os.write(self._fd, view) :]
        return None

    def file_complete(self, file_size: int) -> StoredUpload | None:
        if self._fd is None or self.path is None:
            return None
        os.close(self._fd)
        self._fd = None
        self._complete = True
        return StoredUpload(self.path, self.file_name or "upload", file_size, self.content_type)

    def upload_interrupted(self) -> None:
        # Django calls this when the last part of the request was not a file it kept (a skipped
        # second field, say), even after this handler's file arrived whole: keep a whole file.
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self.path is not None and not self._complete:
            remove(self.path)

    def upload_complete(self) -> None:
        if self._fd is not None:  # the request ended inside the file: a truncated upload
            self.upload_interrupted()
        return None


@dataclass(frozen=True)
class Checked:
    """What an upload is: its format and, for a zip of CSV files, which entries hold exports."""

    format: Source | str
    csv_entries: tuple[str, ...] = ()


def check_upload(path: Path, name: str) -> Checked:
    """Say what an uploaded file is, or refuse it with a message that names the file and the problem.

    Raises
    ------
    UploadRefused
        The file is empty, is none of the formats attune reads, or is a zip that is damaged,
        unsafe (traversal, encryption, a bomb, too many entries) or holds no export.
    """
    if path.stat().st_size == 0:
        raise UploadRefused(gettext("%(name)s: the file is empty.") % {"name": name})
    try:
        source = detect_format(path, name=name)
    except ImportFormatError as exc:
        raise UploadRefused(in_language(exc.said)) from None
    with open(path, "rb") as fh:
        is_zip = fh.read(4) == b"PK\x03\x04"
    if not is_zip:
        return Checked(source)
    return _check_zip(path, name)


def _check_zip(path: Path, name: str) -> Checked:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = check_archive(archive, name, LIMITS)
            files = [i for i in infos if not i.is_dir()]
            if any(_base(i.filename) == "export.xml" for i in files):
                return Checked("apple_health")
            found: list[str] = []
            formats: set[str] = set()
            for info in files:
                if not info.filename.lower().endswith(CSV_SUFFIXES):
                    continue
                if info.file_size > MAX_CSV_BYTES:
                    raise UploadRefused(gettext("%(name)s: %(entry)s: larger than %(most)s bytes unpacked.")
                                        % {"name": name, "entry": info.filename, "most": MAX_CSV_BYTES})
                with archive.open(info) as entry:
                    head = entry.read(SNIFF_BYTES)
                try:
                    kind = sniff_format(head, f"{name}/{info.filename}")
                except ImportFormatError:
                    continue
                if kind in ("oura", "whoop", "elite_hrv", "hrv4training"):
                    found.append(info.filename)
                    formats.add(kind)
    except UnsafeArchiveError as exc:
        raise UploadRefused(gettext("%(problem)s.") % {"problem": in_language(exc.said)}) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        why = str(exc)[:120] or type(exc).__name__
        message = gettext("%(name)s: not a readable zip archive (%(why)s).") % {"name": name, "why": why}
        raise UploadRefused(message) from None
    if not found:
        raise UploadRefused(
            gettext("%(name)s: this zip holds no export attune reads: expected Apple Health's export.xml, or Oura, "
                    "Whoop, Elite HRV or HRV4Training CSV files.") % {"name": name}
        )
    return Checked(formats.pop() if len(formats) == 1 else "csv_zip", tuple(found))


def _base(entry: str) -> str:
    return entry.replace("\\", "/").rsplit("/", 1)[-1].lower()
