"""The "today in your workbook" card on the Today page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse

from attune.web.workbooks import clock, progress
from attune.web.workbooks.models import Enrolment

if TYPE_CHECKING:
    from attune.web.accounts.models import User


def today_step(user: User) -> dict[str, Any] | None:
    """What the member's most recently active workbook invites today, or None if they follow none.

    Returns a dict with ``enrolment``, ``title`` (the workbook's), ``done``/``total`` days,
    ``day`` (the ready day not yet done, a :class:`progress.DayStatus`, or None), ``next_later``
    (the next day that opens later, or None), and ``url`` (where the card's button goes).
    """
    if user is None or not user.is_authenticated:
        return None
    enrolment = Enrolment.objects.filter(user=user).select_related("version", "workbook").first()
    if enrolment is None:
        return None
    statuses = progress.day_statuses(enrolment, {p.day: p for p in enrolment.days.all()}, clock.today(user))
    current = progress.current(statuses)
    later = progress.next_later(statuses)
    url = (
        reverse("workbooks:day", args=[enrolment.pk, current.number])
        if current is not None
        else reverse("workbooks:progress", args=[enrolment.pk])
    )
    return {
        "enrolment": enrolment,
        "title": enrolment.version.title,
        "done": sum(1 for s in statuses if s.done),
        "total": len(statuses),
        "day": current,
        "next_later": later,
        "finished": all(s.done for s in statuses),
        "url": url,
    }
