"""What the workbook pages need from the journal, asked for lazily.

The journal app owns the entries (encrypted) and the answer form's endpoint; these helpers keep
the workbook pages working, with answers hidden, if the journal is not installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse

if TYPE_CHECKING:
    from attune.web.accounts.models import User


def installed() -> bool:
    return apps.is_installed("attune.web.journal")


def answers(user: User, workbook_slug: str) -> dict[str, Any]:
    """The member's own answers in this workbook, by prompt key (entries, decrypted on access)."""
    if not installed():
        return {}
    try:
        from attune.web.journal.actions import answers_by_key
    except ImportError:
        return {}
    return dict(answers_by_key(user, workbook_slug))


def url(name: str, *args: Any) -> str | None:
    """A journal URL by name, or None if the journal does not offer it (yet)."""
    try:
        return reverse(f"journal:{name}", args=args)
    except NoReverseMatch:
        return None


def entry_url(entry: Any) -> str | None:
    """Where the member reads, shares or takes back one entry."""
    for name in ("entry", "detail"):
        for arg in (getattr(entry, "uuid", None), getattr(entry, "pk", None)):
            if arg is None:
                continue
            found = url(name, arg)
            if found:
                return found
    return None
