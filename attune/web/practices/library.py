"""The practice library as the web app sees it: the configured folder, through the content cache.

When a guide saves a broken file, the registry goes on serving the last valid library, so the
pages keep working while ``attune content check`` says what to fix.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from attune.content.practices import LANGUAGES, ORIGINAL_LANGUAGE, Library, Practice
from attune.content.registry import get_library


def practices_dir() -> Path:
    return Path(settings.CONTENT_DIR) / "practices"


def current_library() -> Library:
    """The library in the active language: each practice translated where it has been, else in English."""
    return get_library(practices_dir()).in_language(active_language())


def active_language() -> str:
    """The language of this request, as a content language code (English when there is none)."""
    code = (get_language() or ORIGINAL_LANGUAGE).split("-")[0].lower()
    return code if code in LANGUAGES else ORIGINAL_LANGUAGE


def language_name(code: str) -> str:
    """A content language's own name ("Deutsch" for ``de``)."""
    return LANGUAGES.get(code, code)


def fallback_notice(practice: Practice) -> str | None:
    """What to say when a practice is shown in English to someone reading another language."""
    language = active_language()
    if practice.language == language:
        return None
    return _("This practice is not yet written in %(language)s, so here it is in English.") % {
        "language": language_name(language)
    }


def practice_or_none(slug: str) -> Practice | None:
    return current_library().get(slug)
