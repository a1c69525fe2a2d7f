"""Writing to the audit log, and reading it back in plain words.

Apps above (journal, retreats) call :func:`record` when a guide opens something a member shared;
the receivers in ``receivers.py`` call it for sign-ins and for ``accounts.signals.security_event``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from attune.web.accounts.throttle import client_address
from attune.web.audit.agents import in_language, summarise
from attune.web.audit.models import AuditEvent, Kind

if TYPE_CHECKING:
    from attune.web.accounts.models import User

_PSEUDONYM_SALT = "attune.audit.account"
#: Small facts only: an event's detail is refused when its JSON form is longer than this.
MAX_DETAIL_CHARS = 400


def pseudonym(value: str) -> str:
    """A keyed hash (the secret key) that names an account without naming it."""
    return salted_hmac(_PSEUDONYM_SALT, value, algorithm="sha256").hexdigest()[:24]


def account_pseudonym(user: User) -> str:
    return pseudonym(f"user:{user.pk}")


def _ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    try:
        return str(ipaddress.ip_address(client_address(request)))
    except ValueError:
        return None


def record(
    kind: str,
    *,
    account: User | None,
    request: HttpRequest | None = None,
    actor: User | None = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
    account_ref: str = "",
) -> AuditEvent:
    """Add one event about ``account`` (or, with no account, about ``account_ref``).

    ``actor`` is who did it when that is not the account's own member (a guide). ``detail`` holds
    a few non-sensitive facts (counts, dates, a retreat's title); never content, tokens or passwords.
    """
    facts = dict(detail or {})
    if len(repr(facts)) > MAX_DETAIL_CHARS:
        raise ValueError("an audit event's detail is a few small facts, not content")
    if actor is not None and account is not None and actor.pk == account.pk:
        actor = None
    agent = summarise(str(request.META.get("HTTP_USER_AGENT", ""))) if request is not None else ""
    return AuditEvent.objects.create(
        kind=kind,
        account=account,
        account_ref=account_pseudonym(account) if account is not None else account_ref,
        actor=actor,
        ip=_ip(request),
        agent=agent,
        target=target[:80],
        detail=facts,
    )


def retention() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "AUDIT_RETENTION_DAYS", 365)))


def purge_expired(now: dt.datetime | None = None) -> int:
    """Remove the events older than the retention period (the daily ``audit.expire`` job)."""
    return AuditEvent.objects.expire((now or timezone.now()) - retention())


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class Line:
    """One event as its member reads it."""

    at: dt.datetime
    what: str
    where: str  # "192.0.2.4 · Firefox on Android", or "" when not theirs to see
    by_someone_else: bool
    kind: str


def _actor_name(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.name
    return _("A guide whose account has since been deleted")


# What a guide opened from a retreat, said with the retreat's title or, without one, plainly.
_RETREAT_OPENED: dict[str, tuple[str, str]] = {
    Kind.INTAKE_OPENED: (
        gettext_noop("%(name)s read your intake answers for %(retreat)s"),
        gettext_noop("%(name)s read your intake answers"),
    ),
    Kind.ARC_OPENED: (
        gettext_noop("%(name)s looked at the arc you shared from %(retreat)s"),
        gettext_noop("%(name)s looked at the arc you shared"),
    ),
}


def _guide_did(event: AuditEvent, sentence: str, plain: str, **detail: object) -> str:
    """``sentence`` with the guide's name and ``detail`` filled in; ``plain``, with the name alone, when
    the detail is missing."""
    if all(detail.values()):
        return sentence % {"name": _actor_name(event), **detail}
    return plain % {"name": _actor_name(event)}


def _day(iso: object) -> str:
    """An ISO date in the language's date format ("3 December 2026", "3. Dezember 2026"); "" for anything else."""
    try:
        day = dt.date.fromisoformat(str(iso))
    except ValueError:
        return ""
    return formats.date_format(day, "DATE_FORMAT")


def describe(event: AuditEvent) -> str:
    """What happened, in plain words for the account's member (no content, no one else's address).

    Worded in the active language: names, dates and counts are placeholders in each sentence.
    """
    detail = event.detail or {}
    if event.kind == Kind.SHARED_ENTRY_OPENED:
        return _guide_did(
            event,
            _("%(name)s opened a journal entry you shared (written %(written)s)"),
            _("%(name)s opened a journal entry you shared"),
            written=_day(detail.get("written")),
        )
    if event.kind == Kind.SHARED_LIST_VIEWED:
        count = int(detail.get("entries", 0) or 0)
        return ngettext(
            "%(name)s looked at the list of what you shared: the first lines of %(count)d entry",
            "%(name)s looked at the list of what you shared: the first lines of %(count)d entries",
            count,
        ) % {"name": _actor_name(event), "count": count}
    if event.kind in _RETREAT_OPENED:
        with_title, without = _RETREAT_OPENED[event.kind]
        return _guide_did(event, _(with_title), _(without), retreat=detail.get("retreat"))
    if event.kind == Kind.ACCOUNT_DELETED and detail.get("via") == "admin":
        return _("The account was deleted by an administrator")
    if event.kind == Kind.SIGN_IN_FAILED and detail.get("step") == "two_step":
        return _("Someone gave your password, then a wrong code or passkey: if it was not you, change your password")
    if event.kind == Kind.MFA_DISABLED and detail.get("via") == "admin":
        return _("Two-step sign-in was turned off by an administrator")
    if event.kind == Kind.MFA_DISABLED and detail.get("method") == "app":
        return _("The authenticator app was removed from two-step sign-in")
    if event.kind == Kind.MFA_ENABLED and detail.get("first") is False:
        return _("An authenticator app was added to two-step sign-in")
    if event.kind == Kind.PASSWORD_CHANGED and detail.get("via") == "admin":
        return _("Your password was changed by an administrator")
    if event.kind == Kind.EMAIL_CHANGED and detail.get("via") == "admin":
        return _("Your email address was changed by an administrator")
    if event.kind == Kind.SESSIONS_REVOKED and isinstance(detail.get("ended"), int):
        ended = detail["ended"]
        return ngettext(
            "You signed out everywhere else (%(count)d other session ended)",
            "You signed out everywhere else (%(count)d other sessions ended)",
            ended,
        ) % {"count": ended}
    if event.kind == Kind.EXPORT_DOWNLOADED and detail.get("via") == "command":
        return _("Your data was exported on the server by its administrator")
    plain: dict[str, str] = {
        Kind.SIGNED_IN: _("You signed in"),
        Kind.SIGN_IN_FAILED: _("Someone tried to sign in with a wrong password"),
        Kind.LOCKED_OUT: _("Sign-in was paused for a while after several wrong passwords"),
        Kind.SIGNED_OUT: _("You signed out"),
        Kind.PASSWORD_CHANGED: _("Your password was changed"),
        Kind.PASSWORD_RESET: _("Your password was set with a reset link"),
        Kind.EMAIL_CHANGED: _("Your email address was changed"),
        Kind.MFA_ENABLED: _("Two-step sign-in was turned on"),
        Kind.MFA_DISABLED: _("Two-step sign-in was turned off"),
        Kind.RECOVERY_CODES_REGENERATED: _("New recovery codes were made"),
        Kind.PASSKEY_ADDED: _("A passkey was added"),
        Kind.PASSKEY_REMOVED: _("A passkey was removed"),
        Kind.SESSIONS_REVOKED: _("You signed out everywhere"),
        Kind.EXPORT_DOWNLOADED: _("You downloaded your data"),
        Kind.ACCOUNT_DELETED: _("The account was deleted"),
        Kind.REAUTHENTICATED: _("You confirmed your password"),
        Kind.REAUTH_FAILED: _("A wrong password was entered when your password was asked for again"),
    }
    return plain.get(event.kind, event.label)


def line_for_member(event: AuditEvent) -> Line:
    """The event as its member sees it: a guide's address and browser are the guide's, not shown."""
    by_someone_else = event.actor_id is not None or event.kind in {
        Kind.SHARED_ENTRY_OPENED,
        Kind.SHARED_LIST_VIEWED,
        Kind.INTAKE_OPENED,
        Kind.ARC_OPENED,
    }
    where = "" if by_someone_else else " · ".join(p for p in (event.ip or "", in_language(event.agent)) if p)
    return Line(at=event.at, what=describe(event), where=where, by_someone_else=by_someone_else, kind=event.kind)
