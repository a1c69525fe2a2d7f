"""Shared set-up for the retreat tests: a published retreat led by a guide, and an application."""

from __future__ import annotations

import datetime as dt
from typing import Any

from attune.web.retreats import actions
from attune.web.retreats.models import Answer, Kind, Retreat, Status

#: An answer no page, log or table may ever show to anyone but the applicant and their guide.
SECRET = "my left knee was operated on in March"


def retreat_led_by(guide: Any, *, capacity: int = 10, starts_on: dt.date | None = None, **extra: Any) -> Retreat:
    starts = starts_on or dt.date.today() + dt.timedelta(days=60)
    fields: dict[str, Any] = {
        "guide": guide,
        "title": "Slow days by the lake",
        "description": "Four days of slowing down together.",
        "place": "The Old Mill, Lakeside Road 4, 12345 Somewhere",
        "starts_on": starts,
        "ends_on": starts + dt.timedelta(days=3),
        "timezone": "Europe/Berlin",
        "capacity": capacity,
        "price": "480 EUR, meals included",
        "status": Status.PUBLISHED,
        **extra,
    }
    retreat = Retreat.objects.create(**fields)
    actions.add_question(retreat, "What do you eat?", Kind.SHORT, True, [])
    return retreat


def answers(safety: str = SECRET, touch: str = "yes", food: str = "Anything but mushrooms") -> list[Answer]:
    return [
        Answer("q0", "What do you eat?", food),
        Answer("safety", "Is there anything your guide should know to keep you safe?", safety),
        Answer("touch", "Would you like to be invited into practices with gentle touch?", touch),
    ]


def applied(member: Any, retreat: Retreat, **kwargs: Any) -> Any:
    return actions.apply(member, retreat, answers(**kwargs))
