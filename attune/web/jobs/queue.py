"""Defining jobs: the decorators each app's ``tasks.py`` uses, Huey's own behind a typed seam.

    from attune.web.jobs import queue

    @queue.task("imports.garmin")
    def import_file(job_id: str, path: str) -> None: ...

    @queue.periodic("physio.close_stale", queue.crontab(minute="*"))
    def close_stale_recordings() -> int: ...

Calling a decorated function queues it for the worker (in the tests it runs at once) and returns
at once; ``.call_local(...)`` runs it here and now. Arguments are pickled: pass ids, not records.
Each run opens fresh database connections and closes them after, as a request does. The name is
what the queue stores, so moving the function does not orphan jobs already queued.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol, cast

from huey import crontab as _crontab
from huey.contrib.djhuey import db_periodic_task, db_task


class Task(Protocol):
    def __call__(self, *args: Any, **kwargs: Any) -> object: ...

    def call_local(self, *args: Any, **kwargs: Any) -> Any: ...


Decorator = Callable[[Callable[..., object]], Task]
Schedule = Callable[[dt.datetime], bool]


def task(name: str, **options: Any) -> Decorator:
    """A job the worker runs when it is queued (Huey's task options, e.g. ``retries``, pass on)."""
    return cast(Decorator, db_task(name=name, **options))


def periodic(name: str, schedule: Schedule, **options: Any) -> Decorator:
    """A job every worker's scheduler queues on ``schedule`` (checked once a minute)."""
    return cast(Decorator, db_periodic_task(schedule, name=name, **options))


def crontab(minute: str = "*", hour: str = "*", day: str = "*", month: str = "*", day_of_week: str = "*") -> Schedule:
    """A schedule like cron's, in UTC: ``crontab(minute="*/5")`` is every five minutes."""
    return cast(Schedule, _crontab(minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week))
