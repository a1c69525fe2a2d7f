"""The reading from a check-in made a moment ago, so a practice begun right after it can start from it.

The check-in's view remembers its felt safety and state in the member's session when it saves;
the practice pages read them back (never writing) to prefill their "before" questions. Nothing
else is kept, and the session is the member's own, so no app needs to know another's records.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

SESSION_KEY = "attune.recent_reading"
# How long a check-in still counts as "just before" a practice.
RECENT = dt.timedelta(minutes=30)


def remember_reading(request: HttpRequest, *, safety: int, state: str) -> None:
    """Keep a check-in's felt safety and state in the session (called when a check-in is saved)."""
    request.session[SESSION_KEY] = {"safety": int(safety), "state": str(state), "at": timezone.now().isoformat()}


def recent_reading(request: HttpRequest) -> dict[str, Any] | None:
    """``{"safety": int, "state": str}`` from a check-in saved in the last :data:`RECENT`, or None.

    A plain dict, so it can be a form's ``initial``.
    """
    kept = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not isinstance(kept, dict):
        return None
    try:
        at = dt.datetime.fromisoformat(str(kept["at"]))
        reading: dict[str, Any] = {"safety": int(kept["safety"]), "state": str(kept["state"])}
    except (KeyError, TypeError, ValueError):
        return None
    if not dt.timedelta(0) <= timezone.now() - at <= RECENT:
        return None
    return reading
