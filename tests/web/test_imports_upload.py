"""Uploading an export: stored on disk, read by the job, kept once however often it is imported."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from imports_helpers import HEADER, oura_csv, oura_rows, zip_of

from attune.web.accounts import actions as account_actions
from attune.web.accounts.export import build_export
from attune.web.imports import actions, uploads
from attune.web.imports.models import Import, Measurement, Sleep, State
from attune.web.jobs.models import Job
from attune.web.physio.models import Recording

FIXTURES = Path(__file__).resolve().parents[1] / "importers" / "fixtures"


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> Path:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"
    return settings.IMPORT_UPLOAD_DIR


Upload = Callable[[Client, str, bytes], Any]
Start = Callable[[Any, Path], Import]


@pytest.fixture
def upload(django_capture_on_commit_callbacks: Any) -> Upload:
    """POST a file to the upload view; its job, queued when the transaction commits, runs at once."""

    def post(client: Client, name: str, data: bytes) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(name, data)})

    return post


@pytest.fixture
def start(django_capture_on_commit_callbacks: Any) -> Start:
    """Start an import of a file already on disk, as the upload view does after streaming it."""

    def begin(owner: Any, path: Path) -> Import:
        with django_capture_on_commit_callbacks(execute=True):
            return actions.start(owner, uploads.StoredUpload(path, "a.csv", path.stat().st_size, None))

    return begin


def _only_import(owner: Any) -> Import:
    [imp] = Import.objects.filter(owner=owner).order_by("-created_at")[:1]
    return imp


def test_an_oura_export_is_imported_by_the_job_with_every_number_kept(
    owner_client: Client, owner: Any, tmp_path: Path
, upload: Upload) -> None:
    data = oura_csv(tmp_path / "sleepmodel.csv", 30).read_bytes()
    response = upload(owner_client, "sleepmodel.csv", data)
    imp = _only_import(owner)
    assert response.status_code == 302 and response["Location"] == reverse("imports:detail", args=[imp.pk])
    assert imp.state == State.DONE and imp.format == "oura" and imp.size_bytes == len(data)
    assert imp.added == 90 and imp.duplicates == 0  # per night: RMSSD, resting HR, a sleep
    rmssd = Measurement.objects.filter(owner=owner, kind="rmssd")
    assert rmssd.count() == 30
    assert {(m.unit, m.context, m.source) for m in rmssd} == {("ms", "nightly", "oura")}
    assert Sleep.objects.filter(owner=owner).count() == 30
    job = Job.objects.get(pk=imp.job_id)
    assert job.state == "done" and job.percent == 100
    assert not any(uploads.upload_dir().iterdir())  # the upload is deleted after the import


def test_importing_the_same_file_again_adds_nothing(
    owner_client: Client, owner: Any, tmp_path: Path, upload: Upload
) -> None:
    data = oura_csv(tmp_path / "sleepmodel.csv", 20).read_bytes()
    upload(owner_client, "sleepmodel.csv", data)
    before = Measurement.objects.filter(owner=owner).count() + Sleep.objects.filter(owner=owner).count()
    upload(owner_client, "sleepmodel.csv", data)
    second = _only_import(owner)
    assert second.state == State.DONE
    assert (second.added, second.duplicates) == (0, 60)
    assert Measurement.objects.filter(owner=owner).count() + Sleep.objects.filter(owner=owner).count() == before


def test_a_later_export_that_overlaps_adds_only_the_new_nights(
    owner_client: Client, owner: Any, upload: Upload
) -> None:
    upload(owner_client, "first.csv", "\n".join([HEADER, *oura_rows(20)]).encode())
    upload(owner_client, "later.csv", "\n".join([HEADER, *oura_rows(30)]).encode())  # nights 0..29
    later = _only_import(owner)
    assert (later.added, later.duplicates) == (30, 60)
    assert Measurement.objects.filter(owner=owner, kind="rmssd").count() == 30


def test_the_same_nights_belong_to_each_member_separately(owner_client: Client, other_client: Client,
                                                          owner: Any, other: Any, upload: Upload) -> None:
    data = "\n".join([HEADER, *oura_rows(5)]).encode()
    upload(owner_client, "a.csv", data)
    upload(other_client, "a.csv", data)
    assert _only_import(other).added == 15
    assert Measurement.objects.filter(owner=other).count() == 10


def test_a_zip_of_oura_csv_files_is_unpacked_and_read(owner_client: Client, owner: Any, upload: Upload) -> None:
    data = zip_of({"oura/sleepmodel.csv": "\n".join([HEADER, *oura_rows(7)]).encode(), "readme.txt": b"hello"})
    upload(owner_client, "oura-export.zip", data)
    imp = _only_import(owner)
    assert imp.state == State.DONE and imp.added == 21
    assert not any(uploads.upload_dir().iterdir())


def test_apple_heartbeat_series_become_recordings_analysed_like_live_ones(
    owner_client: Client, owner: Any, upload: Upload
) -> None:
    data = zip_of({"apple_health_export/export.xml": (FIXTURES / "apple_health_export.xml").read_bytes()})
    upload(owner_client, "export.zip", data)
    imp = _only_import(owner)
    assert imp.state == State.DONE, imp.error
    recordings = Recording.objects.filter(user=owner, imported=True)
    assert recordings.exists()
    rec = recordings.first()
    assert rec is not None
    assert rec.source == "apple_health" and rec.import_key.startswith("apple_health:")
    assert rec.ended_at is not None and rec.beats == rec.rr_ms().size
    assert rec.mean_hr_bpm is not None  # the finished-recording summary, as for a live one
    assert Measurement.objects.filter(owner=owner, kind="sdnn", unit="ms").exists()
    listed = owner_client.get(reverse("physio:recordings"), {"imported": "1"}).content.decode()  # listed apart
    assert f"/physio/recordings/{rec.pk}/" in listed and rec.device in listed
    detail = owner_client.get(reverse("physio:recording", args=[rec.pk])).content.decode()
    assert "Imported from apple_health" in detail
    upload(owner_client, "export.zip", data)
    assert _only_import(owner).added == 0
    assert Recording.objects.filter(user=owner, imported=True).count() == recordings.count()


def test_the_status_endpoint_reports_the_jobs_progress(owner_client: Client, owner: Any, upload: Upload) -> None:
    upload(owner_client, "a.csv", "\n".join([HEADER, *oura_rows(3)]).encode())
    imp = _only_import(owner)
    status = owner_client.get(reverse("imports:status", args=[imp.pk])).json()
    assert status["finished"] is True and status["percent"] == 100
    assert status["records"] == 9 and status["added"] == 9
    page = owner_client.get(reverse("imports:detail", args=[imp.pk])).content.decode()
    assert '<progress id="import-progress" max="100" value="100"' in page


def test_a_queued_import_can_be_cancelled_and_its_file_goes(
    owner: Any, tmp_path: Path, settings: Any, start: Start
) -> None:
    from huey.contrib.djhuey import HUEY

    path = uploads.upload_dir() / "incoming.upload"
    path.write_text("\n".join([HEADER, *oura_rows(3)]), encoding="utf-8")
    HUEY.immediate = False  # queue without running, as a busy worker would
    try:
        imp = start(owner, path)
        assert imp.job is not None and imp.job.state == "queued"
        actions.cancel(imp)
    finally:
        HUEY.flush()
        HUEY.immediate = True
    imp.refresh_from_db()
    assert imp.state == State.CANCELLED
    assert not uploads.upload_path(imp.pk).exists()
    assert not Measurement.objects.filter(owner=owner).exists()


def test_a_running_import_stops_when_asked_and_keeps_what_it_stored(owner: Any, monkeypatch: Any, start: Start) -> None:
    path = uploads.upload_dir() / "incoming.upload"
    path.write_text("\n".join([HEADER, *oura_rows(700)]), encoding="utf-8")
    monkeypatch.setattr(actions, "BATCH_RECORDS", 300)
    original_flush = actions._Writer.flush

    def flush_then_cancel(self: Any) -> None:
        original_flush(self)
        Job.objects.filter(pk=self.imp.job_id).update(cancel_requested=True)  # the member pressed Stop

    monkeypatch.setattr(actions._Writer, "flush", flush_then_cancel)
    imp = start(owner, path)
    imp.refresh_from_db()
    assert imp.state == State.CANCELLED
    assert Job.objects.get(pk=imp.job_id).state == "cancelled"
    stored = Measurement.objects.filter(owner=owner).count() + Sleep.objects.filter(owner=owner).count()
    assert stored == imp.added == 300
    assert not uploads.upload_path(imp.pk).exists()


def test_a_finished_import_run_again_is_left_as_it_was(owner: Any) -> None:
    """A worker can die after the import finished and before its job closed; the rerun changes nothing."""
    from attune.web.jobs import actions as jobs

    job = jobs.create(owner, actions.JOB_KIND)
    imp = Import.objects.create(owner=owner, job=job, original_name="a.csv", size_bytes=3, format="oura",
                                created_at="2024-01-01T00:00:00Z", state=State.DONE, added=9, records_read=9)
    assert jobs.run(job.pk, lambda progress: actions.run(str(imp.pk), progress)) == "done"
    imp.refresh_from_db()
    assert (imp.state, imp.added, imp.error) == (State.DONE, 9, "")


def test_imported_data_is_in_the_members_export(owner_client: Client, owner: Any, upload: Upload) -> None:
    upload(owner_client, "a.csv", "\n".join([HEADER, *oura_rows(2)]).encode())
    with zipfile.ZipFile(io.BytesIO(build_export(owner))) as archive:
        tables = json.loads(archive.read("attune-export.json"))["tables"]
    assert [row["original_name"] for row in tables["imports"]] == ["a.csv"]
    assert {row["kind"] for row in tables["imported_measurements"]} == {"rmssd", "resting_hr"}
    assert all(row["key"].startswith("oura:") for row in tables["imported_sleep"])


def test_deleting_the_account_removes_imports_and_any_upload_still_waiting(owner: Any) -> None:
    imp = Import.objects.create(owner=owner, original_name="a.csv", size_bytes=3, format="oura",
                                created_at="2024-01-01T00:00:00Z")
    uploads.upload_path(imp.pk).write_text("abc")
    account_actions.delete_account(owner)
    assert not Import.objects.filter(pk=imp.pk).exists()
    assert not uploads.upload_path(imp.pk).exists()


def test_every_apple_health_record_is_stored_exactly_as_the_reader_read_it(
    owner_client: Client, owner: Any, upload: Upload
) -> None:
    # The rows go in through one prepared INSERT per table: times, JSON lists and the import's
    # UUID must come back as the reader gave them, for every kind of row.
    from attune.importers import records
    from attune.importers.apple_health import read_apple_health
    from attune.web.imports.models import MindfulSession, SleepStage, StateOfMind

    path = FIXTURES / "apple_health_export.xml"
    read = [r for r in read_apple_health(path) if not isinstance(r, records.BeatSeries | records.HeartRateSeries)]
    upload(owner_client, "export.xml", path.read_bytes())
    imp = _only_import(owner)
    assert imp.state == State.DONE, imp.error
    tables = {records.Measurement: (Measurement, ("kind", "value", "unit", "context", "window_s", "end")),
              records.MindfulSession: (MindfulSession, ("end",)),
              records.StateOfMind: (StateOfMind, ("kind", "valence", "labels", "associations")),
              records.SleepStage: (SleepStage, ("end", "stage"))}
    assert {type(r) for r in read} <= set(tables) and {type(r) for r in read} >= {records.StateOfMind,
                                                                                   records.SleepStage}
    for record in read:
        model, fields = tables[type(record)]
        row = model.objects.get(owner=owner, key=record.key)
        assert row.data_import_id == imp.pk and row.source == record.source and row.device == record.device
        assert row.start == record.start and row.start.utcoffset() == dt.timedelta(0)
        for name in fields:
            want = getattr(record, name)
            assert getattr(row, name) == (list(want) if isinstance(want, tuple) else want), name
    assert Measurement.objects.filter(owner=owner).order_by("start").first().start == min(
        r.start for r in read if isinstance(r, records.Measurement))
