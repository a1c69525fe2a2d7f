"""The journal: a member's answers to workbook prompts and free entries, sealed at rest.

What the member writes (title and body) is stored only as AES-GCM ciphertext (see ``crypto``).
What a guide wrote (the prompt's question) and the bookkeeping around it (dates, which workbook,
which day, with whom it is shared) is stored in plain columns, so lists and guide views work
without opening anything they do not show.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from attune.web.common import crypto

if TYPE_CHECKING:
    from attune.web.accounts.models import User

#: Longest body a member can write in one entry (characters).
MAX_BODY_CHARS = 20_000
#: Longest title (characters).
MAX_TITLE_CHARS = 200
#: Search decrypts at most this many of a member's newest entries.
SEARCH_SCAN_LIMIT = 5_000
#: And shows at most this many matches.
SEARCH_RESULT_LIMIT = 100

_AAD_PREFIX = b"attune.journal.entry.v1"
_PAYLOAD_VERSION = 1


@dataclass(frozen=True)
class EntryText:
    """The private part of an entry, once opened."""

    title: str
    body: str


@dataclass(frozen=True)
class SearchResult:
    entries: list[JournalEntry]
    scanned: int
    truncated: bool  # True when the member has more entries than the scan reached, or more matches than shown


class JournalEntryQuerySet(models.QuerySet["JournalEntry"]):
    def owned_by(self, user: User) -> JournalEntryQuerySet:
        return self.filter(user_id=user.pk)

    def search(
        self, query: str, *, scan_limit: int = SEARCH_SCAN_LIMIT, limit: int = SEARCH_RESULT_LIMIT
    ) -> SearchResult:
        """Entries whose title, body or prompt contains ``query``, ignoring case, newest first.

        The text is encrypted at rest, so the database cannot search it: the entries are opened
        here, in Python, one member's at a time (call this on :meth:`owned_by`). One member's
        journal is small (a few entries a day at most), so scanning the newest ``scan_limit``
        entries is quick; the result says when the scan or the result list was cut short.
        """
        needle = query.casefold().strip()
        found: list[JournalEntry] = []
        scanned = 0
        truncated = False
        for entry in self.order_by("-created_at", "-pk")[: scan_limit + 1]:
            if scanned == scan_limit:
                truncated = True
                break
            scanned += 1
            text = entry.read()
            haystacks = (text.title, text.body, entry.prompt_text)
            if any(needle in h.casefold() for h in haystacks):
                if len(found) == limit:
                    truncated = True
                    break
                found.append(entry)
        return SearchResult(found, scanned, truncated)


class JournalEntry(models.Model):
    class Kind(models.TextChoices):
        PROMPT = "prompt", "Answer to a prompt"
        FREE = "free", "Free entry"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_entries")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FREE)

    # Where a prompt answer belongs. The prompt's wording is the guide's, kept as it was answered.
    workbook_slug = models.CharField(max_length=80, blank=True)
    workbook_version = models.PositiveIntegerField(null=True, blank=True)
    day = models.PositiveSmallIntegerField(null=True, blank=True)
    prompt_key = models.CharField(max_length=80, blank=True)
    prompt_text = models.TextField(blank=True)
    # The workbook's title when the prompt was answered (the guide's words, like the prompt).
    source_title = models.CharField(max_length=200, blank=True)

    # The member's words: JSON {"v", "title", "body"} sealed with AES-256-GCM.
    key_id = models.CharField(max_length=32)
    nonce = models.BinaryField(max_length=crypto.NONCE_BYTES)
    ciphertext = models.BinaryField()

    shared_with = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journal_entries_shared_with_me",
        help_text="The one guide this entry is shared with, if any.",
    )
    shared_at = models.DateTimeField(null=True, blank=True)

    objects = JournalEntryQuerySet.as_manager()
    _opened: EntryText | None = None  # the opened text, cached per instance; never stored

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = (models.Index(fields=["user", "-created_at"], name="journal_user_created"),)
        constraints = (
            models.UniqueConstraint(
                fields=["user", "workbook_slug", "prompt_key"],
                condition=Q(kind="prompt"),
                name="journal_one_answer_per_prompt",
            ),
            models.CheckConstraint(
                condition=Q(kind="free") | (~Q(workbook_slug="") & ~Q(prompt_key="")),
                name="journal_prompt_answer_names_its_prompt",
            ),
        )

    def __str__(self) -> str:  # never the private text
        return f"journal entry {self.uuid} ({self.kind})"

    # ------------------------------------------------------------------ sealing

    def _aad(self) -> bytes:
        if self.user_id is None:
            raise ValueError("a journal entry needs its member before its text can be sealed")
        return b"|".join([_AAD_PREFIX, str(self.user_id).encode("ascii"), self.uuid.hex.encode("ascii")])

    def set_text(self, body: str, title: str = "") -> None:
        """Seal ``title`` and ``body`` with the current key (the caller saves)."""
        payload = json.dumps({"v": _PAYLOAD_VERSION, "title": title, "body": body}, ensure_ascii=False)
        self.key_id, self.nonce, self.ciphertext = crypto.encrypt(payload, aad=self._aad())
        self._opened = EntryText(title=title, body=body)

    def read(self) -> EntryText:
        """Open the sealed text (cached on this instance)."""
        opened = self._opened
        if opened is None:
            payload = json.loads(crypto.decrypt(self.key_id, self.nonce, self.ciphertext, aad=self._aad()))
            opened = EntryText(title=str(payload.get("title", "")), body=str(payload.get("body", "")))
            self._opened = opened
        return opened

    @property
    def text(self) -> str:
        return self.read().body

    @property
    def title(self) -> str:
        return self.read().title

    @property
    def heading(self) -> str:
        """What a list shows for the entry: its title, the prompt, or its first words."""
        if self.title:
            return self.title
        if self.prompt_text:
            return self.prompt_text
        words = self.text.split()
        short = " ".join(words[:10])
        return short + ("…" if len(words) > 10 else "")

    @property
    def workbook_title(self) -> str:
        """The answered workbook's title as it was when answered (the slug if unknown); "" for a free entry."""
        return self.source_title or self.workbook_slug

    @property
    def is_shared(self) -> bool:
        return self.shared_with_id is not None

    def export_row(self) -> dict[str, Any]:
        opened = self.read()
        return {
            "id": str(self.uuid),
            "kind": self.kind,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "workbook": self.workbook_slug or None,
            "workbook_version": self.workbook_version,
            "day": self.day,
            "prompt_key": self.prompt_key or None,
            "prompt": self.prompt_text or None,
            "title": opened.title,
            "text": opened.body,
            "shared_with": self.shared_with.get_username() if self.shared_with else None,
            "shared_at": self.shared_at,
        }
