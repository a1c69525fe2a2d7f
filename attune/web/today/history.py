"""The History page's heart recordings: the member's own, each with its felt safety before and after,
and the beat series brought in from devices, one line per day and device (an Apple Watch alone can
add several a day, which would otherwise push the member's own practice off the list)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
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
    are listed with their assessment), and so are imported beat series (see
    :func:`imported_days_for_history`). Open recordings that have had no beats for
    :data:`physio.actions.STALE_AFTER` are closed by a background job, never by this read.
    Render with ``{% include "physio/_history_recordings.html" with recordings=... %}``.
    """
    qs = _in_range(
        Recording.objects.for_user(user).finished().filter(assessment__isnull=True, imported=False), day_range
    ).select_related("practice_session")
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


def _in_range(qs: QuerySet[Recording], day_range: int | tuple[dt.datetime, dt.datetime] | None) -> QuerySet[Recording]:
    if isinstance(day_range, int):
        return qs.filter(started_at__gte=timezone.now() - dt.timedelta(days=day_range))
    if day_range is not None:
        start, end = day_range
        return qs.filter(started_at__gte=start, started_at__lt=end)
    return qs


SOURCE_NAMES = {"apple_health": "Apple Health", "fit": "a FIT file", "rr_file": "an RR file"}


@dataclass(frozen=True)
class ImportedDay:
    """The beat series brought in from one device on one day, as one line of the History page."""

    day: dt.date
    source: str
    device: str
    count: int
    url: str

    @property
    def source_name(self) -> str:
        return SOURCE_NAMES.get(self.source, self.source)


def imported_days_for_history(
    user: User, day_range: int | tuple[dt.datetime, dt.datetime] | None = 90, *, limit: int = 30
) -> list[ImportedDay]:
    """The member's imported beat series, counted per day (in their zone) and device, newest first.

    Each line links to the recordings list for that day. At most ``limit`` lines.
    """
    zone = user.zone
    qs = _in_range(Recording.objects.for_user(user).finished().filter(imported=True), day_range)
    counts: dict[tuple[dt.date, str, str], int] = {}
    for started_at, source, device in qs.order_by("-started_at").values_list("started_at", "source", "device"):
        key = (started_at.astimezone(zone).date(), source, device)
        if key in counts:
            counts[key] += 1
        elif len(counts) < limit:
            counts[key] = 1
    base = reverse("physio:recordings")
    return [
        ImportedDay(day, source, device, n, f"{base}?imported=1&day={day.isoformat()}")
        for (day, source, device), n in counts.items()
    ]
