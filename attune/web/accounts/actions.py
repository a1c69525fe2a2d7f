"""Account changes that reach beyond one row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from axes.utils import reset as reset_failed_logins
from django.core import signing
from django.db import transaction
from django.utils.crypto import salted_hmac

from attune.web.accounts import sessions
from attune.web.accounts.export import member_data_modules

if TYPE_CHECKING:
    from attune.web.accounts.models import User


def delete_account(user: User) -> None:
    """Delete the member and everything that is theirs, at once.

    Apps clean up what a cascade cannot reach (``delete_member_data``); then deleting the user's
    row removes every row that points at it, all in one transaction. Once it is committed, the
    websockets its sessions had open are closed.
    """
    keys = sessions.session_keys(user)
    with transaction.atomic():
        for module in member_data_modules():
            delete_extra = getattr(module, "delete_member_data", None)
            if delete_extra is not None:
                delete_extra(user)
        reset_failed_logins(username=user.get_username())  # counted failures name the account
        user.delete()
        transaction.on_commit(lambda: sessions.close_sockets(keys))


def change_email(user: User, email: str) -> None:
    """Give ``user`` a new email address (already checked: unused by anyone else), or none."""
    user.email = email
    user.save(update_fields=["email"])


_EMAIL_SALT = "attune.accounts.email-change"
#: How long a link that confirms a new email address works.
EMAIL_LINK_SECONDS = 24 * 3600


def _fingerprint(email: str) -> str:
    return salted_hmac(_EMAIL_SALT, email.casefold(), algorithm="sha256").hexdigest()[:16]


def email_change_token(user: User, new_email: str) -> str:
    """A signed token that proves whoever opens it can read ``new_email``.

    It names the account and the address it replaces (as a keyed hash), so it works once: after the
    change, or after any other change of the address, it no longer matches.
    """
    return signing.dumps({"u": user.pk, "e": new_email, "o": _fingerprint(user.email)}, salt=_EMAIL_SALT)


def email_from_token(user: User, token: str) -> str | None:
    """The new address ``token`` confirms for ``user``, or None if it is not theirs, used or expired."""
    try:
        data = signing.loads(token, salt=_EMAIL_SALT, max_age=EMAIL_LINK_SECONDS)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk or data.get("o") != _fingerprint(user.email):
        return None
    email = data.get("e")
    return email if isinstance(email, str) and email else None
