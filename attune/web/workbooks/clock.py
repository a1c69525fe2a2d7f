"""What day it is for a member: the one place workbook code asks for "today".

``ATTUNE_FAKE_TODAY`` (an ISO date such as ``2025-03-01``, from settings or the environment)
pins today for every member. It exists for tests and demos only; leave it unset in production.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

if TYPE_CHECKING:
    from attune.web.accounts.models import User


def fake_today() -> dt.date | None:
    """The pinned date, if the ``ATTUNE_FAKE_TODAY`` setting is a valid ISO date; else None."""
    raw = str(getattr(settings, "ATTUNE_FAKE_TODAY", "") or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def today(user: User) -> dt.date:
    """Today's date in ``user``'s own time zone (or the pinned date, see module docs)."""
    pinned = fake_today()
    if pinned is not None:
        return pinned
    return timezone.now().astimezone(user.zone).date()
