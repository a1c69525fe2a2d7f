"""The History page's heart recordings: finished recordings with their felt safety before and after."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from attune.web.physio import charts
from attune.web.physio.models import Recording

if TYPE_CHECKING:
    from attune.web.accounts.models import User


@dataclass(frozen=True)
class HistoryRecording:
    """One recording as the History page lists it: the recording, its heart-rate line, before/after."""

    rec: Recording
    spark: dict[str, Any] | None
    before_safety: int | None
    after_safety: int | None


def recent_for_history(
    user: User, day_range: int | tuple[dt.datetime, dt.datetime] | None = 90, *, limit: int = 20
) -> list[HistoryRecording]:
    """The member's finished recordings for the History page, newest first.

    ``day_range`` is a number of days back from now, a ``(start, end)`` pair of aware datetimes
    (``start <= started_at < end``), or None for all time. Assessment segments are left out (they
    are listed with their assessment). Open recordings that have had no beats for
    :data:`physio.actions.STALE_AFTER` are closed by a background job, never by this read.
    Render with ``{% include "physio/_history_recordings.html" with recordings=... %}``.
    """
    qs = Recording.objects.for_user(user).finished().filter(assessment__isnull=True).select_related("practice_session")
    if isinstance(day_range, int):
        qs = qs.filter(started_at__gte=timezone.now() - dt.timedelta(days=day_range))
    elif day_range is not None:
        start, end = day_range
        qs = qs.filter(started_at__gte=start, started_at__lt=end)
    out = []
    for rec in qs[:limit]:
        session = rec.practice_session
        out.append(
            HistoryRecording(
                rec=rec,
                spark=charts.sparkline(rec),
                before_safety=session.before_safety if session else None,
                after_safety=session.after_safety if session else None,
            )
        )
    return out
