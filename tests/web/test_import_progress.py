"""The progress bar follows the file, and an import never stays stuck once its worker is gone or quiet.

Two ways an import could stall were found reading the code (one stalled once at 36 % and was not
reproduced): a job put back in the queue whose task was then lost stayed "queued" for ever, since
only running jobs were looked at again; and a run that was only quiet (analysing long beat series
on a busy machine) was queued again while alive, so two runs wrote at once, and the older one
later marked the import stopped or done under the newer one.

For an Apple Health zip the reader counts bytes of the unpacked ``export.xml``, so the import's
share must be taken against that size, not the zip's (which is 10 to 30 times smaller): the bar
once reached 100 % a few per cent into the file and then sat there.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from imports_helpers import oura_csv, zip_of

from attune.web.imports import actions, uploads
from attune.web.imports.models import Import, Measurement, Sleep, State
from attune.web.jobs import actions as jobs
from attune.web.jobs.models import Job

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from bench_apple_health import generate  # a realistic export, as the bench writes it

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"


def test_an_apple_zip_reports_its_share_of_the_unpacked_export(
    owner: Any, owner_client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    xml = tmp_path / "export.xml"
    generate(xml, 3 << 20)
    data = zip_of({"apple_health_export/export.xml": xml.read_bytes()})
    assert len(data) * 5 < xml.stat().st_size  # it packs well, as Apple's exports do
    seen: list[tuple[int, int]] = []
    report = jobs.report

    def spy(job_id: Any, *, percent: int, **rest: Any) -> None:
        seen.append((percent, rest.get("records") or 0))
        report(job_id, percent=percent, **rest)

    monkeypatch.setattr(jobs, "report", spy)
    monkeypatch.setattr(jobs.Progress, "MIN_INTERVAL_S", 0.0)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("export.zip", data)})
    imp = Import.objects.get(owner=owner)
    assert imp.state == State.DONE, imp.error
    percents = [p for p, _ in seen]
    assert percents == sorted(percents)
    between = {p for p in percents if 0 < p < 100}
    assert len(between) >= 10, percents  # it climbs with the file instead of jumping to the end
    assert max(between) >= 90


def _queued_import(owner: Any, tmp_path: Path, nights: int, capture: Any) -> Import:
    """An import whose job is queued but not run (its task is not handed out)."""
    path = oura_csv(tmp_path / "sleepmodel.csv", nights)
    with capture(execute=False):
        return actions.start(owner, uploads.StoredUpload(path, "sleepmodel.csv", path.stat().st_size, None))


def _age(job_id: Any) -> None:
    Job.objects.filter(pk=job_id).update(updated_at=timezone.now() - dt.timedelta(hours=1))


def test_a_quiet_run_overtaken_by_a_newer_one_stores_and_ends_nothing(
    owner: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    nights = 2500  # 7500 records: 8 batches
    imp = _queued_import(owner, tmp_path, nights, django_capture_on_commit_callbacks)
    flush = actions._Writer.flush
    calls = {"n": 0}

    def slow_flush(writer: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # the first run goes quiet here, long enough to look dead ...
            _age(imp.job_id)
            with django_capture_on_commit_callbacks(execute=True):
                assert actions.resume_stalled(300) == [str(imp.pk)]  # ... so a second run does it all
            assert Import.objects.get(pk=imp.pk).state == State.DONE
        flush(writer)  # then the first run wakes up, mid-batch

    monkeypatch.setattr(actions._Writer, "flush", slow_flush)
    state = jobs.run(imp.job_id, lambda progress: actions.run(str(imp.pk), progress))

    assert state == "done"  # the job as the newer run left it
    imp.refresh_from_db()
    assert (imp.state, imp.records_read, imp.added, imp.duplicates) == (State.DONE, 3 * nights, 3 * nights, 0)
    assert Measurement.objects.filter(owner=owner).count() + Sleep.objects.filter(owner=owner).count() == 3 * nights
    job = Job.objects.get(pk=imp.job_id)
    assert (job.state, job.runs, job.percent) == ("done", 2, 100)


def test_a_queued_job_whose_task_was_lost_is_handed_out_again(
    owner: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    imp = _queued_import(owner, tmp_path, 30, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.resume_stalled(300) == []  # waiting a moment is not stalled
    _age(imp.job_id)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.resume_stalled(300) == [str(imp.pk)]
    imp.refresh_from_db()
    assert (imp.state, imp.added) == (State.DONE, 90)


def test_only_one_copy_of_a_job_begins_and_an_older_run_changes_nothing(owner: Any) -> None:
    job = jobs.create(owner, "imports.import")
    assert jobs.begin(job.pk) == 1 and jobs.begin(job.pk) is None
    _age(job.pk)
    assert jobs.requeue_stalled("imports.import", quiet_for=300) == [str(job.pk)]
    assert jobs.begin(job.pk) == 2
    with pytest.raises(jobs.Superseded):
        jobs.report(job.pk, percent=40, run=1)
    assert not jobs.finish(job.pk, message="old", run=1)
    jobs.report(job.pk, percent=60, run=2)
    assert jobs.finish(job.pk, message="new", run=2)
    job.refresh_from_db()
    assert (job.state, job.percent, job.message) == ("done", 100, "new")


def test_a_run_queued_again_but_alive_takes_its_job_back_before_a_newer_one_begins(owner: Any) -> None:
    job = jobs.create(owner, "imports.import")
    assert jobs.begin(job.pk) == 1
    _age(job.pk)
    assert jobs.requeue_stalled("imports.import", quiet_for=300) == [str(job.pk)]
    jobs.report(job.pk, percent=50, run=1)  # still alive: it takes the job back
    assert jobs.begin(job.pk) is None  # so the copy waiting in the queue does nothing
    assert jobs.finish(job.pk, run=1)
    jobs.request_cancel(job.pk)
    assert Job.objects.get(pk=job.pk).state == "done"
