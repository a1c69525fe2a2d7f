"""The audit log: who did what to an account, when and from where. Never what was written.

One row per event, append-only: rows are added and never changed or removed from code, with two
named exceptions, both in :class:`AuditEventQuerySet`: erasure (an account deleted: its events
lose the link to it, the address and the browser, see :meth:`AuditEventQuerySet.erase_account`)
and retention (events older than ``AUDIT_RETENTION_DAYS`` go, :meth:`AuditEventQuerySet.expire`).
See docs/security.md, "The audit log".
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from attune.web.accounts.models import User


class AppendOnly(RuntimeError):
    """Something tried to change or remove an audit event."""


class Kind(models.TextChoices):
    # Signing in and out (Django's auth signals and django-axes).
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "A sign-in failed"
    LOCKED_OUT = "locked_out", "Sign-in paused after wrong passwords"
    SIGNED_OUT = "signed_out", "Signed out"
    # accounts.signals.security_event (the kinds in SECURITY_EVENT_KINDS).
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset"
    EMAIL_CHANGED = "email_changed", "Email address changed"
    MFA_ENABLED = "mfa_enabled", "Two-step sign-in turned on"
    MFA_DISABLED = "mfa_disabled", "Two-step sign-in turned off"
    RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated", "New recovery codes made"
    PASSKEY_ADDED = "passkey_added", "Passkey added"
    PASSKEY_REMOVED = "passkey_removed", "Passkey removed"
    SESSIONS_REVOKED = "sessions_revoked", "Signed out everywhere"
    EXPORT_DOWNLOADED = "export_downloaded", "Data downloaded"
    ACCOUNT_DELETED = "account_deleted", "Account deleted"
    REAUTHENTICATED = "reauthenticated", "Password confirmed"
    REAUTH_FAILED = "reauth_failed", "Password confirmation failed"
    # A guide opening what a member shared with them.
    SHARED_ENTRY_OPENED = "shared_entry_opened", "Guide opened a shared journal entry"
    SHARED_LIST_VIEWED = "shared_list_viewed", "Guide viewed the list of shared entries"
    INTAKE_OPENED = "intake_opened", "Guide read intake answers"
    ARC_OPENED = "arc_opened", "Guide opened a shared retreat arc"


#: The events a GET may write: a guide reading something a member shared. See docs/architecture.md.
OPENED_KINDS = frozenset({Kind.SHARED_ENTRY_OPENED, Kind.SHARED_LIST_VIEWED, Kind.INTAKE_OPENED, Kind.ARC_OPENED})


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_account(self, user: User) -> AuditEventQuerySet:
        return self.filter(account_id=user.pk)

    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("audit events are never changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("audit events are never deleted (retention uses AuditEvent.objects.expire)")

    # ------------------------------------------------------------------ the two exceptions

    def erase_account(self, user: User) -> int:
        """Erasure: the account's events keep kind, time and pseudonym; lose the account, address and browser.

        Called when the account is deleted. Events where ``user`` was the *actor* (a guide who
        opened a member's entry) stay in that member's log; deleting the user's row unlinks the actor.
        """
        return models.QuerySet.update(self.filter(account_id=user.pk), account=None, ip=None, agent="")

    def expire(self, before: dt.datetime) -> int:
        """Retention: remove events older than ``before``; returns how many went."""
        deleted, _ = models.QuerySet.delete(self.filter(at__lt=before))
        return deleted


class AuditEvent(models.Model):
    """One thing that happened to an account. Never the content of anything."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=40)
    # Whose account this is about: they read it on their activity page.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    # A keyed hash naming the account (or, for a failed sign-in to no account, the name tried); it
    # stays when the account is deleted, so an investigation can still tie its events together.
    account_ref = models.CharField(max_length=24, blank=True, db_index=True)
    # Who did it, when that is someone else (a guide): None for the member themself or nobody known.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ip = models.GenericIPAddressField(null=True, blank=True, unpack_ipv4=True)
    agent = models.CharField(max_length=60, blank=True, help_text="A summary such as 'Firefox on Android'.")
    # What was touched, by identifier (a journal entry's uuid), never by content.
    target = models.CharField(max_length=80, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-pk")
        indexes = (models.Index(fields=["account", "-at"], name="audit_account_at"),)

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("audit events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("audit events are never deleted")

    @property
    def label(self) -> str:
        try:
            return str(Kind(self.kind).label)
        except ValueError:
            return self.kind.replace("_", " ").capitalize()
