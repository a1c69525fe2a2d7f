"""Writing, answering, sharing and taking back journal entries: every write goes through here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from attune.content.workbooks import Prompt
from attune.web.accounts.relations import may_share_with
from attune.web.audit import actions as audit
from attune.web.audit.models import Kind as AuditKind
from attune.web.journal.models import JournalEntry

if TYPE_CHECKING:
    from attune.web.accounts.models import User


class NotYourGuide(Exception):
    """Sharing was asked for with someone who does not lead a cohort the member is in."""


def write_entry(user: User, *, body: str, title: str = "") -> JournalEntry:
    """A new free entry for ``user``."""
    entry = JournalEntry(user=user, kind=JournalEntry.Kind.FREE)
    entry.set_text(body, title)
    entry.save()
    return entry


def update_entry(entry: JournalEntry, *, body: str, title: str | None = None) -> JournalEntry:
    """New words for an existing entry (the title stays as it was when ``title`` is None)."""
    entry.set_text(body, entry.title if title is None else title)
    entry.save(update_fields=["key_id", "nonce", "ciphertext", "updated_at"])
    return entry


def answer_prompt(
    user: User,
    *,
    workbook_slug: str,
    workbook_version: int,
    day: int,
    prompt: Prompt,
    body: str,
    workbook_title: str = "",
) -> JournalEntry:
    """Write or rewrite ``user``'s one answer to ``prompt`` in that workbook.

    There is one answer per (member, workbook, prompt key): answering again, even from a later
    version of the workbook, edits it and records the version and wording last answered. The
    caller (the workbooks app) has checked that ``prompt`` is part of that day.
    """
    for _attempt in range(2):
        try:
            with transaction.atomic():
                entry = (
                    JournalEntry.objects.select_for_update()
                    .filter(
                        user_id=user.pk,
                        kind=JournalEntry.Kind.PROMPT,
                        workbook_slug=workbook_slug,
                        prompt_key=prompt.key,
                    )
                    .first()
                )
                created = entry is None
                if entry is None:
                    entry = JournalEntry(
                        user=user, kind=JournalEntry.Kind.PROMPT, workbook_slug=workbook_slug, prompt_key=prompt.key
                    )
                entry.workbook_version = workbook_version
                entry.day = day
                entry.prompt_text = prompt.text
                entry.source_title = workbook_title
                entry.set_text(body, "")
                if created:
                    entry.save()
                else:
                    entry.save(
                        update_fields=[
                            "workbook_version",
                            "day",
                            "prompt_text",
                            "source_title",
                            "key_id",
                            "nonce",
                            "ciphertext",
                            "updated_at",
                        ]
                    )
                return entry
        except IntegrityError:  # two first answers at once: the second edits the first
            continue
    raise RuntimeError("the answer could not be saved; please try again")


def answers_by_key(user: User, workbook_slug: str) -> dict[str, JournalEntry]:
    """``user``'s answers in one workbook, by prompt key (for showing them on a day page)."""
    rows = JournalEntry.objects.filter(user_id=user.pk, kind=JournalEntry.Kind.PROMPT, workbook_slug=workbook_slug)
    return {row.prompt_key: row for row in rows}


def share_entry(entry: JournalEntry, guide: User) -> JournalEntry:
    """Let ``guide`` read ``entry``; refused unless they lead a cohort the entry's member is in.

    An entry is shared with one guide at a time: sharing with another moves it.
    """
    if not may_share_with(entry.user, guide):
        raise NotYourGuide("you can share an entry only with a guide whose group you are in")
    entry.shared_with = guide
    entry.shared_at = timezone.now()
    entry.save(update_fields=["shared_with", "shared_at"])
    return entry


def unshare_entry(entry: JournalEntry) -> JournalEntry:
    """Take an entry back: from now on only its member can read it."""
    entry.shared_with = None
    entry.shared_at = None
    entry.save(update_fields=["shared_with", "shared_at"])
    return entry


def delete_entry(entry: JournalEntry) -> None:
    entry.delete()


# ------------------------------------------------------------------ a guide reading what was shared
# These write an audit event during a GET: the one documented exception to "a GET writes nothing"
# (docs/architecture.md). The member reads them on their account activity page.


def record_shared_entry_opened(request: HttpRequest, guide: User, entry: JournalEntry) -> None:
    """A guide opened one entry a member shared with them."""
    written = entry.created_at.astimezone(entry.user.zone).date().isoformat()
    audit.record(
        AuditKind.SHARED_ENTRY_OPENED,
        account=entry.user,
        actor=guide,
        request=request,
        target=f"journal entry {entry.uuid}",
        detail={"written": written},
    )


def record_shared_list_viewed(request: HttpRequest, guide: User, entries: Iterable[JournalEntry]) -> None:
    """A guide looked at the list of shared entries, which shows each entry's first lines: one event per member."""
    shown = Counter(entry.user for entry in entries)
    for member, count in shown.items():
        audit.record(
            AuditKind.SHARED_LIST_VIEWED, account=member, actor=guide, request=request, detail={"entries": count}
        )
