"""The one reader of zipped workbooks: safe, in memory, within limits.

Zip uploads are read in memory and never written to disk: names that are absolute, climb out
with ``..`` or are symbolic links are refused, and the archive's size is limited both by what
its headers declare and by the bytes actually decompressed.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Set
from pathlib import Path, PurePosixPath

from attune.content.errors import ContentError, ContentInvalid
from attune.content.workbooks.loading import DAYS_DIR, WORKBOOK_FILE, Errors, assemble, decode
from attune.content.workbooks.model import Workbook

#: Suggested upload limits; the web layer passes its configured values to :func:`load_workbook_zip`.
DEFAULT_MAX_UNPACKED_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_FILES = 200

_ZIP_JUNK = ("__MACOSX/",)
_ZIP_JUNK_NAMES = (".DS_Store", "Thumbs.db")
_READ_CHUNK = 64 * 1024


def _zip_name_problem(name: str) -> str | None:
    if "\\" in name:
        return "uses backslashes in its name; zip names use '/'"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "has an absolute path; every name in the zip must be relative to it"
    if any(part == ".." for part in name.split("/")):
        return "climbs out of the zip with '..'"
    if "\x00" in name:
        return "has a NUL character in its name"
    return None


def _is_zip_junk(name: str) -> bool:
    return (
        name.startswith(_ZIP_JUNK)
        or PurePosixPath(name).name in _ZIP_JUNK_NAMES
        or PurePosixPath(name).name.startswith("._")
    )


def _zip_root(names: Iterable[str]) -> str | None:
    """The folder inside the zip that holds workbook.md: '' for the top, or one top-level folder."""
    names = list(names)
    if WORKBOOK_FILE in names:
        return ""
    roots = {n[: -len(WORKBOOK_FILE)] for n in names if n.endswith("/" + WORKBOOK_FILE) and n.count("/") == 1}
    return roots.pop() if len(roots) == 1 else None


def load_workbook_zip(
    data: bytes,
    *,
    max_unpacked_bytes: int,
    max_files: int,
    practice_slugs: Set[str],
    label: str = "upload.zip",
) -> Workbook:
    """Validate a zipped workbook in memory and load it; nothing is written to disk.

    The zip may hold ``workbook.md`` and ``days/`` at its top level or inside one folder.
    macOS metadata (``__MACOSX/``, ``._*``, ``.DS_Store``) is skipped.

    Parameters
    ----------
    data
        The uploaded bytes.
    max_unpacked_bytes
        Limit on the total size once decompressed. It is checked against the sizes the zip
        declares before anything is read, and again against the bytes actually decompressed,
        so a zip whose headers under-report its size is still stopped.
    max_files
        Limit on the number of entries (files and folders) in the zip.
    practice_slugs
        Slugs of the practices that exist.
    label
        How the upload is named in messages about the zip as a whole.

    Raises
    ------
    ContentInvalid
        For anything unsafe (absolute paths, ``..``, symbolic links, encrypted entries, too many
        entries, too large once unpacked), damaged or not UTF-8, and for every problem
        :func:`load_workbook` would report; file names in messages are as they appear in the zip.
    """
    top = Path(label)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise ContentInvalid([ContentError(top, 1, "this file is not a zip archive, or it is damaged")]) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > max_files:
            raise ContentInvalid(
                [
                    ContentError(
                        top, 1, f"the zip holds {len(infos)} entries; the limit is {max_files}, nothing was published"
                    )
                ]
            )
        errors = Errors()
        seen: set[str] = set()
        for info in infos:
            problem = _zip_name_problem(info.filename)
            mode = info.external_attr >> 16
            if problem is None and stat.S_ISLNK(mode):
                problem = "is a symbolic link; a workbook holds only plain files"
            if problem is None and info.flag_bits & 0x1:
                problem = "is encrypted; upload a zip without a password"
            if problem is None and info.filename in seen:
                problem = "appears twice in the zip"
            seen.add(info.filename)
            if problem is not None:
                errors.add(top, 1, f"{info.filename!r} {problem}")
        if errors:
            raise ContentInvalid(errors.sorted())
        declared = sum(info.file_size for info in infos)
        if declared > max_unpacked_bytes:
            raise ContentInvalid(
                [
                    ContentError(
                        top,
                        1,
                        f"the zip would unpack to {declared:,} bytes, more than the limit of {max_unpacked_bytes:,}; "
                        "nothing was published",
                    )
                ]
            )
        files = [info for info in infos if not info.is_dir() and not _is_zip_junk(info.filename)]
        root = _zip_root(info.filename for info in files)
        if root is None:
            raise ContentInvalid(
                [
                    ContentError(
                        top, 1, f"the zip must hold '{WORKBOOK_FILE}' at its top level or inside a single folder"
                    )
                ]
            )
        wanted = [
            info
            for info in files
            if info.filename.startswith(root)
            and (
                info.filename[len(root) :] == WORKBOOK_FILE
                or (info.filename[len(root) :].startswith(DAYS_DIR + "/") and info.filename.endswith(".md"))
            )
        ]
        texts: dict[PurePosixPath, str] = {}
        budget = max_unpacked_bytes
        for info in wanted:
            path = Path(info.filename)
            try:
                raw = _read_bounded(archive, info, budget)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
                raise ContentInvalid(
                    [
                        ContentError(
                            path,
                            1,
                            f"this entry of the zip is damaged and cannot be read ({exc}); nothing was published",
                        )
                    ]
                ) from None
            if raw is None:
                raise ContentInvalid(
                    [
                        ContentError(
                            top,
                            1,
                            f"the zip unpacks to more than the limit of {max_unpacked_bytes:,} bytes "
                            "(its headers under-report the size); nothing was published",
                        )
                    ]
                )
            budget -= len(raw)
            text = decode(path, raw, errors)
            if text is not None:
                texts[PurePosixPath(info.filename[len(root) :])] = text
    workbook = assemble(Path(root.rstrip("/")) if root else Path(""), texts, practice_slugs, errors)
    if workbook is None or errors:
        raise ContentInvalid(errors.sorted())
    return workbook


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes | None:
    """Decompress one entry, giving up (``None``) as soon as more than ``budget`` bytes come out."""
    chunks: list[bytes] = []
    total = 0
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(_READ_CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > budget:
                return None
            chunks.append(chunk)
    return b"".join(chunks)
