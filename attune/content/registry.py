"""A process-wide cache of loaded content that notices edits without a restart.

Guides edit practice files on disk; the app picks the change up on the next request. At most
once per ``check_interval_s`` (one second by default) a request stats the content files; if any
was added, removed or changed, the folder is reloaded. When the new content is valid it replaces
the old; when it has errors, they are logged (logger ``attune.content``) and kept for
:func:`last_errors`, and the last valid content goes on being served.

On a cold start with errors there is no last valid content yet: the cache then serves what did
load (the practices without errors), so one bad file never takes the whole library down.

Change detection compares each file's modification time (in nanoseconds) and size. On a file
system with coarse timestamps, an edit that keeps the size the same within the same tick can be
missed until the next change.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from attune.content import default_practices_dir
from attune.content.errors import ContentError
from attune.content.practices import Library, collect_library, practice_files

logger = logging.getLogger("attune.content")

T = TypeVar("T")

Signature = tuple[tuple[str, int, int], ...]


@dataclass
class _Entry(Generic[T]):
    value: T
    errors: tuple[ContentError, ...]
    signature: Signature | None
    checked_at: float
    valid: bool  # True when ``value`` came from a load without errors


class ContentCache(Generic[T]):
    """Caches what ``load`` returns for a folder, reloading when ``files`` change.

    Parameters
    ----------
    load
        Reads a folder and returns ``(value, errors)``; ``value`` holds whatever loaded cleanly.
    files
        Lists the files under a folder whose changes should trigger a reload.
    check_interval_s
        The shortest time between two looks at the files, in seconds.
    clock
        A monotonic clock in seconds; tests may pass their own.
    """

    def __init__(
        self,
        load: Callable[[Path], tuple[T, list[ContentError]]],
        files: Callable[[Path], list[Path]],
        *,
        check_interval_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._files = files
        self._check_interval_s = check_interval_s
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[Path, _Entry[T]] = {}

    def get(self, directory: Path) -> T:
        """The content of ``directory``: freshly reloaded if it changed, else the cached value."""
        key = directory.resolve()
        with self._lock:
            now = self._clock()
            entry = self._entries.get(key)
            if entry is not None and now - entry.checked_at < self._check_interval_s:
                return entry.value
            signature = self._signature(key)
            if entry is not None and signature == entry.signature:
                entry.checked_at = now
                return entry.value
            entry = self._reload(key, signature, entry, now)
            self._entries[key] = entry
            return entry.value

    def last_errors(self, directory: Path) -> tuple[ContentError, ...]:
        """The errors found the last time ``directory`` was loaded (empty when it was clean)."""
        with self._lock:
            entry = self._entries.get(directory.resolve())
            return entry.errors if entry is not None else ()

    def clear(self) -> None:
        """Forget everything cached."""
        with self._lock:
            self._entries.clear()

    def _signature(self, directory: Path) -> Signature | None:
        if not directory.is_dir():
            return None
        found = []
        for path in self._files(directory):
            try:
                stat = path.stat()
            except OSError:
                continue  # removed between listing and stat: the next look will settle it
            found.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(found)

    def _reload(
        self, directory: Path, signature: Signature | None, previous: _Entry[T] | None, now: float
    ) -> _Entry[T]:
        value, errors = self._load(directory)
        if not errors:
            if previous is not None:
                logger.info("Reloaded content from %s", directory)
            return _Entry(value, (), signature, now, valid=True)
        for error in errors:
            logger.warning("%s", error)
        if previous is not None and previous.valid:
            logger.warning(
                "%d problem(s) in the content at %s; still serving the last valid version", len(errors), directory
            )
            return _Entry(previous.value, tuple(errors), signature, now, valid=True)
        logger.warning(
            "%d problem(s) in the content at %s; serving only the parts without errors", len(errors), directory
        )
        return _Entry(value, tuple(errors), signature, now, valid=False)


_practices = ContentCache[Library](collect_library, practice_files)


def get_library(directory: Path | None = None) -> Library:
    """The practice library in ``directory`` (default: the built-in or configured practices folder).

    Cheap to call on every request: the files are looked at no more than once a second.
    """
    return _practices.get(directory if directory is not None else default_practices_dir())


def last_errors(directory: Path | None = None) -> tuple[ContentError, ...]:
    """The errors from the latest load of ``directory``; empty when the content is clean."""
    return _practices.last_errors(directory if directory is not None else default_practices_dir())


def clear() -> None:
    """Forget the cached libraries (the next call reloads from disk)."""
    _practices.clear()
