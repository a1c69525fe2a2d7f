"""Account changes that reach beyond one row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from axes.utils import reset as reset_failed_logins
from django.db import transaction

from attune.web.accounts.export import member_data_modules

if TYPE_CHECKING:
    from attune.web.accounts.models import User


def delete_account(user: User) -> None:
    """Delete the member and everything that is theirs, at once.

    Apps clean up what a cascade cannot reach (``delete_member_data``); then deleting the user's
    row removes every row that points at it, all in one transaction.
    """
    with transaction.atomic():
        for module in member_data_modules():
            delete_extra = getattr(module, "delete_member_data", None)
            if delete_extra is not None:
                delete_extra(user)
        reset_failed_logins(username=user.get_username())  # counted failures name the account
        user.delete()


def change_email(user: User, email: str) -> None:
    """Give ``user`` a new email address (already checked: unused by anyone else), or none."""
    user.email = email
    user.save(update_fields=["email"])
