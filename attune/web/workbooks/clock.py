"""What day it is for a member: the one place workbook code asks for "today".

``ATTUNE_FAKE_TODAY`` (an ISO date such as ``2025-03-01``, from settings or the environment)
pins today for every member. It exists for tests and demos only; leave it unset in production.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo

from django.conf import settings
from django.utils import timezone


def fake_today() -> dt.date | None:
    """The pinned date, if ``ATTUNE_FAKE_TODAY`` is set to a valid ISO date; else None."""
    raw = str(getattr(settings, "ATTUNE_FAKE_TODAY", "") or os.environ.get("ATTUNE_FAKE_TODAY", "")).strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def member_zone(user: object) -> dt.tzinfo:
    name = str(getattr(user, "timezone", "") or "UTC")
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def today(user: object) -> dt.date:
    """Today's date in ``user``'s own time zone (or the pinned date, see module docs)."""
    pinned = fake_today()
    if pinned is not None:
        return pinned
    return timezone.now().astimezone(member_zone(user)).date()
