"""People: members, and guides (a guide is also a member)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.db import models


def zone_named(name: str) -> dt.tzinfo:
    """The time zone called ``name`` (UTC if empty or unknown): the one place attune resolves one."""
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a time zone we know; pick one from the list, like Europe/Berlin.")


class User(AbstractUser):
    """A member of attune. ``is_guide`` lets them lead workbooks, workshops and retreats.

    Programs that a guide leads point at the guide's User (``guide = ForeignKey(User)``); what a
    member enrols in points at the member's User. Deleting a User deletes everything that is theirs.
    """

    display_name = models.CharField(max_length=80, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    is_guide = models.BooleanField(
        default=False, help_text="Guides can lead programs. Granted by `attune createguide` or an admin."
    )
    default_pacer_bpm = models.FloatField(
        null=True, blank=True, help_text="Breaths a minute for the pacer; set by a resonance assessment or by hand."
    )

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def zone(self) -> dt.tzinfo:
        """The member's own time zone (UTC if unset or unknown)."""
        return zone_named(self.timezone)

    @property
    def name(self) -> str:
        return self.display_name or self.username


class MemberSession(AbstractBaseSession):
    """A signed-in browser: Django's session row, plus whose it is.

    Knowing the account of each session is what lets a member sign out everywhere, a password
    change end the other sessions, and a deleted account leave no session behind (the rows go
    with the account). The engine in ``attune.web.accounts.sessions`` fills ``user`` on every save.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="signed_in_sessions")

    class Meta:
        verbose_name = "signed-in session"

    @classmethod
    def get_session_store_class(cls) -> type[SessionBase]:
        from attune.web.accounts.sessions import SessionStore

        return SessionStore


# Two-step sign-in keeps its records in their own module (see mfa_models.py); Django finds them here.
from attune.web.accounts.mfa_models import Passkey, RecoveryCode, TotpSecret  # noqa: E402

__all__ = ["MemberSession", "Passkey", "RecoveryCode", "TotpSecret", "User", "validate_timezone", "zone_named"]
