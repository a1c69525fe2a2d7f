"""Small builders shared by the daily-loop tests (check-ins, sessions, a copy of the content)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from django.utils import timezone

REPO = Path(__file__).resolve().parents[2]

VALID_CHECKIN = {
    "state": "activated",
    "felt_safety": "4",
    "breath": "2",
    "muscles": "2",
    "attention": "3",
    "felt_connection": "5",
}


def make_checkin(user: Any, *, when: dt.datetime | None = None, **fields: Any) -> Any:
    from attune.web.checkins.models import CheckIn

    values: dict[str, Any] = {
        "state": "activated",
        "felt_safety": 4,
        "breath": 2,
        "muscles": 2,
        "attention": 3,
        "felt_connection": 5,
    }
    values.update(fields)
    return CheckIn.objects.create(user=user, created_at=when or timezone.now(), **values)


def make_session(user: Any, *, when: dt.datetime | None = None, **fields: Any) -> Any:
    from attune.web.practices.models import Outcome, PracticeSession

    values: dict[str, Any] = {
        "practice_slug": "one-slow-minute",
        "practice_title": "One slow minute",
        "outcome": Outcome.COMPLETED,
        "before_safety": 4,
        "after_safety": 6,
        "before_state": "activated",
        "after_state": "settled",
    }
    values.update(fields)
    start = when or timezone.now()
    return PracticeSession.objects.create(
        user=user, started_at=start, ended_at=start + dt.timedelta(minutes=2), **values
    )


def copy_content(tmp_path: Path) -> Path:
    """A private copy of the built-in content folder, to break on purpose."""
    target = tmp_path / "content"
    shutil.copytree(REPO / "content", target)
    return target


def make_sessions(user: Any, n: int, *, days_ago: int = 30, **fields: Any) -> list[Any]:
    """``n`` sessions with the same readings, one a day at 09:00 UTC from ``days_ago`` days back."""
    first = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) - dt.timedelta(days=days_ago)
    return [make_session(user, when=first + dt.timedelta(days=i), **fields) for i in range(n)]
