"""Background jobs for imports (run by `attune worker`, which imports every app's ``tasks``)."""

from __future__ import annotations

from django.conf import settings

from attune.web.imports import actions
from attune.web.jobs import actions as jobs
from attune.web.jobs import queue


@queue.task("imports.run")
def run_import(job_id: str, import_id: str) -> None:
    """Read one uploaded file into the member's data, reporting progress through its Job."""
    jobs.run(job_id, lambda progress: actions.run(import_id, progress))


@queue.periodic("imports.resume_stalled", queue.crontab(minute="*"))
def resume_stalled_imports() -> list[str]:
    """Once a minute: start again the imports whose worker died mid-way (see actions.run)."""
    return actions.resume_stalled(settings.IMPORT_STALL_SECONDS)
