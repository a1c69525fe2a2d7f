"""What happens to an account that other apps may want to know of, without accounts knowing them.

``security_event`` is sent by accounts whenever something that matters for an account's security
happens: a password, email or MFA change, sessions signed out, an export, a deletion. Receivers
(the audit log, notices by email) connect to it; accounts imports none of them.

Arguments sent with it:
- ``user``: the account it concerns (a ``User``);
- ``kind``: one of ``SECURITY_EVENT_KINDS`` below;
- ``request``: the ``HttpRequest`` it came from, or ``None`` (a command, a task);
- ``detail``: a short dict of non-sensitive facts (never content, tokens or passwords);
- ``previous_email`` (``email_changed`` only): the address before the change, so the notice can go
  there. It is not part of ``detail``, which the audit log keeps.
"""

from __future__ import annotations

from django.dispatch import Signal

SECURITY_EVENT_KINDS = frozenset(
    {
        "password_changed",
        "password_reset",
        "email_changed",
        "mfa_enabled",
        "mfa_disabled",
        "recovery_codes_regenerated",
        "passkey_added",
        "passkey_removed",
        "sessions_revoked",
        "export_downloaded",
        "account_deleted",
        "reauthenticated",
        "reauth_failed",
    }
)

security_event = Signal()

email_confirmation_needed = Signal()
"""A member asked for a new email address: a link must reach it (``user``, ``email``, ``url``,
``request``). The worker's receiver sends it; the link carries a token, so it goes nowhere else."""
