"""Finishing a long recording answers at once; its readings and summary are computed by the task worker.

Issue 14, defect 4: finishing 96,000 beats took 12 s of CPU inside the request. Above
``SUMMARISE_IN_WORKER_ABOVE_BEATS`` the request only closes the recording ("summarising") and queues
the job; the page says so until the worker is done.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.web.physio import actions
from attune.web.physio.models import Recording


def _upload(client: Client, rec: Recording, beats: int, first_seq: int = 1) -> Any:
    rr = [round(850 + 60 * math.sin(2 * math.pi * 0.1 * i * 0.85), 1) for i in range(beats)]
    messages = [{"seq": first_seq + i // 16, "rr_ms": rr[i : i + 16]} for i in range(0, beats, 16)]
    body = json.dumps({"messages": messages})
    return client.post(reverse("physio:beats", args=[rec.pk]), body, content_type="application/json")


def _finish(client: Client, rec: Recording) -> Any:
    return client.post(reverse("physio:finish", args=[rec.pk]), HTTP_ACCEPT="application/json")


@pytest.fixture
def computations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many beats each summary computation was given, wherever it ran."""
    seen: list[int] = []
    real = actions.compute_finish

    def counting(rr_ms: Any, pacer_bpm: float | None) -> Any:
        seen.append(int(np.asarray(rr_ms).size))
        return real(rr_ms, pacer_bpm)

    monkeypatch.setattr(actions, "compute_finish", counting)
    return seen


@pytest.mark.django_db
def test_finishing_a_long_recording_answers_at_once_and_the_worker_summarises_it(
    owner_client: Client, owner: Any, computations: list[int], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    beats = actions.SUMMARISE_IN_WORKER_ABOVE_BEATS + 100
    rec = actions.start_recording(owner, pacer_bpm=6.0)
    assert _upload(owner_client, rec, beats).status_code == 200

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _finish(owner_client, rec)
    assert response.status_code == 200
    summary = response.json()["summary"]
    assert summary["summarising"] is True and summary["beats"] == beats and summary["rmssd_ms"] is None
    assert computations == [], "the request computed the summary itself"
    assert len(queued) == 1  # the summary job, queued once the close is committed
    rec.refresh_from_db()
    assert rec.summarising and rec.ended_at is not None and not rec.has_summary
    # Closed: no more beats are taken, and the page says what is happening.
    assert _upload(owner_client, rec, 16, first_seq=beats // 16 + 2).json()["code"] == "closed"
    page = owner_client.get(reverse("physio:recording", args=[rec.pk])).content.decode()
    assert "being summarised" in page and 'http-equiv="refresh"' in page
    assert "being summarised" in owner_client.get(reverse("physio:recordings")).content.decode()
    assert not Recording.objects.for_user(owner).finished().exists()  # History waits for it

    queued[0]()  # the worker runs the job (Huey's immediate mode in the tests)
    assert computations == [beats]
    rec.refresh_from_db()
    assert not rec.summarising and rec.has_summary and rec.beats == beats
    assert not rec.batches.exists()  # compacted into the recording
    expected = actions.summarise(rec.rr_ms(), rec.reading_series())
    assert rec.rmssd_ms == pytest.approx(expected.rmssd_ms) and rec.mean_hr_bpm == pytest.approx(expected.mean_hr_bpm)
    page = owner_client.get(reverse("physio:recording", args=[rec.pk])).content.decode()
    assert "being summarised" not in page and "ms RMSSD" in page
    # Finishing again changes nothing.
    assert _finish(owner_client, rec).json()["summary"]["summarising"] is False


@pytest.mark.django_db
def test_a_recording_at_the_threshold_is_still_summarised_in_the_request(
    owner_client: Client, owner: Any, computations: list[int]
) -> None:
    rec = actions.start_recording(owner)
    beats = actions.SUMMARISE_IN_WORKER_ABOVE_BEATS
    assert _upload(owner_client, rec, beats).status_code == 200
    summary = _finish(owner_client, rec).json()["summary"]
    assert summary["summarising"] is False and summary["rmssd_ms"] is not None
    assert computations == [beats]


@pytest.mark.django_db
def test_the_periodic_job_summarises_a_recording_whose_summary_job_was_lost(
    owner_client: Client, owner: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    rec = actions.start_recording(owner)
    _upload(owner_client, rec, actions.SUMMARISE_IN_WORKER_ABOVE_BEATS + 16)
    with django_capture_on_commit_callbacks(execute=False):  # the job is queued, and then lost
        _finish(owner_client, rec)
    actions.close_stale(None)
    rec.refresh_from_db()
    assert rec.summarising, "a summary job only just queued is given time to run"
    Recording.objects.filter(pk=rec.pk).update(ended_at=timezone.now() - dt.timedelta(minutes=10))
    actions.close_stale(None)
    rec.refresh_from_db()
    assert not rec.summarising and rec.has_summary
