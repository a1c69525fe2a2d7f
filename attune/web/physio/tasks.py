"""Background jobs for recordings (run by `attune worker`, which imports every app's ``tasks``)."""

from __future__ import annotations

from attune.web.jobs import queue
from attune.web.physio import actions


@queue.periodic("physio.close_stale", queue.crontab(minute="*"))
def close_stale_recordings() -> int:
    """Once a minute: finish every member's recordings that have had no beats for 30 minutes.

    Finishing is idempotent, so a second worker (or a slow minute) running it again is harmless.
    """
    return actions.close_stale(None)


@queue.task("physio.summarise")
def summarise_recording(recording_id: int) -> None:
    """Compute the readings and summary of a long recording that finishing closed and left to the worker."""
    actions.summarise_closed(recording_id)
