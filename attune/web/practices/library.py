"""The practice library as the web app sees it: the configured folder, through the content cache.

When a guide saves a broken file, the registry goes on serving the last valid library, so the
pages keep working while ``attune content check`` says what to fix.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from attune.content.practices import Library, Practice
from attune.content.registry import get_library


def practices_dir() -> Path:
    return Path(settings.CONTENT_DIR) / "practices"


def current_library() -> Library:
    return get_library(practices_dir())


def practice_or_none(slug: str) -> Practice | None:
    return current_library().get(slug)
