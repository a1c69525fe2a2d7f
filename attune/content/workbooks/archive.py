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
from collections.abc import Iterable, Mapping, Set
from pathlib import Path, PurePosixPath

from attune.content.errors import ContentError, ContentInvalid
from attune.content.workbooks.loading import DAYS_DIR, WORKBOOK_FILE, Errors, assemble, decode, is_translation_path
from attune.content.workbooks.model import Workbook
from attune.words import Said, _

#: Suggested upload limits; the web layer passes its configured values to :func:`load_workbook_zip`.
DEFAULT_MAX_UNPACKED_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_FILES = 200

_ZIP_JUNK = ("__MACOSX/",)
_ZIP_JUNK_NAMES = (".DS_Store", "Thumbs.db")
_READ_CHUNK = 64 * 1024


def _zip_name_problem(name: str) -> Said | None:
    """What is wrong with an entry's name, as a sentence about it (``%(name)r`` first)."""
    if "\\" in name:
        return _("%(name)r uses backslashes in its name; zip names use '/'", name=name)
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return _("%(name)r has an absolute path; every name in the zip must be relative to it", name=name)
    if any(part == ".." for part in name.split("/")):
        return _("%(name)r climbs out of the zip with '..'", name=name)
    if "\x00" in name:
        return _("%(name)r has a NUL character in its name", name=name)
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


def unzip_workbook(
    data: bytes, *, max_unpacked_bytes: int, max_files: int, label: str = "upload.zip"
) -> dict[str, str]:
    """The workbook files in a zip, read with every safety check and limit of :func:`load_workbook_zip`.

    Returns ``{"workbook.md": text, "days/day-01.md": text, ...}``, named relative to the folder
    holding ``workbook.md`` and with ``workbook.md`` first: the same files, and only those, that
    :func:`load_workbook_zip` builds the workbook from. Their content is not validated.

    Raises
    ------
    ContentInvalid
        For everything :func:`load_workbook_zip` refuses before it looks inside the files.
    """
    errors = Errors()
    _, texts = _unzip(data, max_unpacked_bytes, max_files, Path(label), errors)
    if errors:
        raise ContentInvalid(errors.sorted())
    return _sources(texts)


def _sources(texts: Mapping[PurePosixPath, str]) -> dict[str, str]:
    ordered = sorted(texts, key=lambda path: (path.as_posix() != WORKBOOK_FILE, path.as_posix()))
    return {path.as_posix(): texts[path] for path in ordered}


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
    return load_workbook_zip_with_sources(
        data, max_unpacked_bytes=max_unpacked_bytes, max_files=max_files, practice_slugs=practice_slugs, label=label
    )[0]


def load_workbook_zip_with_sources(
    data: bytes,
    *,
    max_unpacked_bytes: int,
    max_files: int,
    practice_slugs: Set[str],
    label: str = "upload.zip",
) -> tuple[Workbook, dict[str, str]]:
    """:func:`load_workbook_zip`, and the files it was built from (as :func:`unzip_workbook` gives
    them), from one reading of the zip."""
    errors = Errors()
    root, texts = _unzip(data, max_unpacked_bytes, max_files, Path(label), errors)
    workbook = assemble(Path(root.rstrip("/")), texts, practice_slugs, errors)
    if workbook is None or errors:
        raise ContentInvalid(errors.sorted())
    return workbook, _sources(texts)


def _refusal(path: Path, message: Said) -> ContentInvalid:
    return ContentInvalid([ContentError(path, 1, message)])


def _unzip(
    data: bytes, max_unpacked_bytes: int, max_files: int, top: Path, errors: Errors
) -> tuple[str, dict[PurePosixPath, str]]:
    """The folder in the zip holding workbook.md, and its workbook files decoded (undecodable ones go to ``errors``).

    Raises ContentInvalid at once for anything unsafe: nothing after it is read.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise _refusal(top, _("this file is not a zip archive, or it is damaged")) from None
    with archive:
        infos = archive.infolist()
        _check_entries(infos, max_unpacked_bytes, max_files, top)
        files = [info for info in infos if not info.is_dir() and not _is_zip_junk(info.filename)]
        root = _zip_root(info.filename for info in files)
        if root is None:
            raise _refusal(
                top, _("the zip must hold '%(file)s' at its top level or inside a single folder", file=WORKBOOK_FILE)
            )
        texts: dict[PurePosixPath, str] = {}
        budget = max_unpacked_bytes
        for info in files:
            relative = PurePosixPath(info.filename[len(root) :]) if info.filename.startswith(root) else None
            if relative is None or not _is_workbook_file(relative):
                continue
            raw = _read_entry(archive, info, budget, max_unpacked_bytes, top)
            budget -= len(raw)
            text = decode(Path(info.filename), raw, errors)
            if text is not None:
                texts[relative] = text
    return root, texts


def _is_workbook_file(relative: PurePosixPath) -> bool:
    """``workbook.md``, a ``.md`` file inside ``days/`` or a translation in ``days/<language>/``,
    as the folder loader reads them."""
    if relative.as_posix() == WORKBOOK_FILE or is_translation_path(relative):
        return True
    return len(relative.parts) == 2 and relative.parts[0] == DAYS_DIR and relative.suffix == ".md"


def _check_entries(infos: list[zipfile.ZipInfo], max_unpacked_bytes: int, max_files: int, top: Path) -> None:
    """Refuse too many entries, unsafe names, links, encryption, repeats, and a declared size over the limit."""
    if len(infos) > max_files:
        raise _refusal(
            top,
            _(
                "the zip holds %(count)d entries; the limit is %(limit)d, nothing was published",
                count=len(infos),
                limit=max_files,
            ),
        )
    errors = Errors()
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        problem = _zip_name_problem(name)
        mode = info.external_attr >> 16
        if problem is None and stat.S_ISLNK(mode):
            problem = _("%(name)r is a symbolic link; a workbook holds only plain files", name=name)
        if problem is None and info.flag_bits & 0x1:
            problem = _("%(name)r is encrypted; upload a zip without a password", name=name)
        if problem is None and name in seen:
            problem = _("%(name)r appears twice in the zip", name=name)
        seen.add(name)
        if problem is not None:
            errors.add(top, 1, problem)
    if errors:
        raise ContentInvalid(errors.sorted())
    declared = sum(info.file_size for info in infos)
    if declared > max_unpacked_bytes:
        raise _refusal(
            top,
            _(
                "the zip would unpack to %(size)s bytes, more than the limit of %(limit)s; nothing was published",
                size=f"{declared:,}",
                limit=f"{max_unpacked_bytes:,}",
            ),
        )


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, limit: int, top: Path) -> bytes:
    """One entry's bytes, refusing a damaged entry or one that takes the zip past ``limit`` once unpacked."""
    try:
        raw = _read_bounded(archive, info, budget)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
        raise _refusal(
            Path(info.filename),
            _(
                "this entry of the zip is damaged and cannot be read (%(reason)s); nothing was published",
                reason=str(exc),
            ),
        ) from None
    if raw is None:
        raise _refusal(
            top,
            _(
                "the zip unpacks to more than the limit of %(limit)s bytes "
                "(its headers under-report the size); nothing was published",
                limit=f"{limit:,}",
            ),
        )
    return raw


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
