"""Recording views: start, detail, RR download, finish; and the stored summary against attune.core."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from live_helpers import chunks, paced_rr
from numpy.testing import assert_allclose

from attune.core import StreamingMeter, clean_rr, time_domain
from attune.web.physio import actions
from attune.web.physio.models import LiveBeatBatch, Recording


def _recorded(user: Any, rr: np.ndarray, *, finish: bool = True, **kwargs: Any) -> Recording:
    rec = actions.start_recording(user, **kwargs)
    for seq, group in enumerate(chunks(rr, 5), start=1):
        assert actions.append_beats(rec, seq, group).stored
    return actions.finish_recording(rec) if finish else Recording.objects.get(pk=rec.pk)


@pytest.fixture
def finished(owner: Any) -> tuple[Recording, np.ndarray]:
    rr = paced_rr(150, seed=7)
    rr[40] = 1500.0  # one missed beat, for the cleaning to find
    return _recorded(owner, rr, pacer_bpm=6.0), rr


def test_starting_a_recording_returns_its_id_and_websocket_url(owner_client: Client, owner: Any) -> None:
    response = owner_client.post(
        reverse("live:start_recording"), {"kind": "practice", "pacer_bpm": "6", "simulated": "true"}
    )
    assert response.status_code == 201
    body = response.json()
    rec = Recording.objects.get(pk=body["id"])
    assert rec.user == owner and rec.kind == "practice" and rec.pacer_bpm == 6.0 and rec.simulated
    assert body["ws_path"] == f"/ws/live/{rec.pk}/" and body["ws_url"].startswith("ws://")
    assert body["acked_seq"] == 0


def test_starting_a_recording_accepts_json(owner_client: Client) -> None:
    response = owner_client.post(reverse("live:start_recording"), {"kind": "free"}, content_type="application/json")
    assert response.status_code == 201


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "nap"},
        {"pacer_bpm": "fast"},
        {"pacer_bpm": "40"},
        {"practice_session": "999"},
        {"assessment": "999", "segment_rate_bpm": "6"},
    ],
)
def test_starting_a_recording_refuses_bad_fields(owner_client: Client, data: dict[str, str]) -> None:
    response = owner_client.post(reverse("live:start_recording"), data)
    assert response.status_code == 400 and response.json()["error"]
    assert not Recording.objects.exists()


def test_an_anonymous_visitor_cannot_start_a_recording(anon_client: Client) -> None:
    response = anon_client.post(reverse("live:start_recording"), {"kind": "free"})
    assert response.status_code == 302
    assert not Recording.objects.exists()


def test_the_stored_rmssd_equals_attune_core_on_the_same_intervals(finished: tuple[Recording, np.ndarray]) -> None:
    rec, rr = finished
    stored = rec.rr_ms()
    np.testing.assert_array_equal(stored, rr)  # strap units survive float32 storage exactly
    cleaned = clean_rr(rr)
    assert cleaned.artifact_percent > 0
    expected = time_domain(cleaned.nn_ms)
    assert_allclose(rec.rmssd_ms, expected.rmssd_ms, rtol=1e-9)
    assert_allclose(rec.mean_hr_bpm, expected.mean_hr_bpm, rtol=1e-9)
    assert_allclose(rec.artifact_percent, cleaned.artifact_percent, rtol=1e-9)
    assert_allclose(rec.duration_s, np.sum(rr) / 1000, rtol=1e-9)
    assert rec.beats == rr.size
    assert not LiveBeatBatch.objects.filter(recording=rec).exists()


def test_the_stored_readings_are_the_streaming_meter_over_the_same_beats(
    finished: tuple[Recording, np.ndarray],
) -> None:
    rec, rr = finished
    meter = StreamingMeter(pacer_hz=6.0 / 60)
    readings = [meter.update(float(v)) for v in rr]
    series = rec.reading_series()
    assert len(series) == rr.size
    assert_allclose(series.hr_bpm, [r.hr_bpm for r in readings], rtol=1e-6)
    live_rmssd = np.array([np.nan if r.rmssd_ms is None else r.rmssd_ms for r in readings])
    assert_allclose(series.rmssd_ms, live_rmssd, rtol=1e-6, equal_nan=True)
    settled = np.array([not r.calibrating for r in readings])
    assert_allclose(rec.mean_rmssd_live_ms, np.mean(live_rmssd[settled]), rtol=1e-6)
    coherent = settled & np.array([(r.coherence or 0) >= actions.COHERENCE_THRESHOLD for r in readings])
    assert_allclose(rec.time_in_coherence_s, np.sum(rr[coherent]) / 1000, rtol=1e-6)
    assert rec.time_in_coherence_s > 30  # a steady 6-a-minute swing is coherent most of the time
    breathing = [r.breathing_rate_bpm for r in readings if not r.calibrating]
    assert_allclose(rec.breathing_rate_bpm, np.median(breathing), rtol=1e-6)
    assert_allclose(rec.breathing_rate_bpm, 6.0, atol=0.5)


def test_finishing_twice_changes_nothing(finished: tuple[Recording, np.ndarray]) -> None:
    rec, _ = finished
    again = actions.finish_recording(rec)
    assert again.ended_at == rec.ended_at and again.rmssd_ms == rec.rmssd_ms


def test_a_short_recording_finishes_with_an_honest_empty_summary(owner: Any) -> None:
    rec = _recorded(owner, np.array([800.0, 810.0]))
    assert rec.beats == 2 and rec.rmssd_ms is None and rec.time_in_coherence_s is None


def test_the_owner_sees_the_summary_with_what_is_this_lines(
    owner_client: Client, finished: tuple[Recording, np.ndarray]
) -> None:
    rec, _ = finished
    response = owner_client.get(reverse("physio:recording", args=[rec.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{rec.rmssd_ms:.1f}" in html
    assert html.count("What is this?") >= 6
    assert 'id="recording-data"' in html and "<script>" not in html and "style=" not in html


def test_an_open_recording_offers_to_close_it(owner_client: Client, owner: Any) -> None:
    rec = _recorded(owner, paced_rr(20), finish=False)
    html = owner_client.get(reverse("physio:recording", args=[rec.pk])).content.decode()
    assert "still open" in html
    response = owner_client.post(reverse("physio:finish", args=[rec.pk]))
    assert response.status_code == 302
    assert Recording.objects.get(pk=rec.pk).ended_at is not None


def test_finishing_over_http_returns_the_summary_as_json(owner_client: Client, owner: Any) -> None:
    rec = _recorded(owner, paced_rr(90, seed=4), finish=False)
    response = owner_client.post(reverse("physio:finish", args=[rec.pk]), HTTP_ACCEPT="application/json")
    summary = response.json()["summary"]
    assert summary["recording"] == rec.pk and summary["rmssd_ms"] is not None


def test_the_rr_download_is_plain_text_one_interval_per_line(
    owner_client: Client, finished: tuple[Recording, np.ndarray]
) -> None:
    rec, rr = finished
    response = owner_client.get(reverse("physio:rr", args=[rec.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    header = [ln for ln in lines if ln.startswith("#")]
    values = np.array([float(ln) for ln in lines if not ln.startswith("#")])
    assert header and lines[: len(header)] == header
    np.testing.assert_array_equal(values, rr)


def test_the_recordings_list_shows_only_the_members_own(
    owner_client: Client, other: Any, finished: tuple[Recording, np.ndarray]
) -> None:
    rec, _ = finished
    theirs = _recorded(other, paced_rr(10))
    html = owner_client.get(reverse("physio:recordings")).content.decode()
    assert reverse("physio:recording", args=[rec.pk]) in html
    assert reverse("physio:recording", args=[theirs.pk]) not in html


@pytest.mark.parametrize("name", ["physio:recording", "physio:rr"])
def test_another_member_and_a_guide_get_404(
    other_client: Client, guide_client: Client, name: str, finished: tuple[Recording, np.ndarray]
) -> None:
    rec, _ = finished
    assert other_client.get(reverse(name, args=[rec.pk])).status_code == 404
    assert guide_client.get(reverse(name, args=[rec.pk])).status_code == 404


def test_another_member_cannot_finish_a_recording(other_client: Client, owner: Any) -> None:
    rec = _recorded(owner, paced_rr(20), finish=False)
    assert other_client.post(reverse("physio:finish", args=[rec.pk])).status_code == 404
    assert Recording.objects.get(pk=rec.pk).ended_at is None


@pytest.mark.parametrize("name", ["physio:recording", "physio:rr"])
def test_an_anonymous_visitor_is_sent_to_sign_in(
    anon_client: Client, name: str, finished: tuple[Recording, np.ndarray]
) -> None:
    rec, _ = finished
    response = anon_client.get(reverse(name, args=[rec.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_append_beats_is_idempotent_and_refuses_gaps(owner: Any) -> None:
    rec = actions.start_recording(owner)
    assert actions.append_beats(rec, 1, [800.0]).status == "stored"
    assert actions.append_beats(rec, 1, [800.0]).status == "duplicate"
    gap = actions.append_beats(rec, 3, [800.0])
    assert gap.status == "out_of_order" and gap.expected_seq == 2
    actions.finish_recording(rec)
    assert actions.append_beats(rec, 2, [800.0]).status == "closed"
    assert Recording.objects.get(pk=rec.pk).beats == 1


def test_the_data_export_includes_every_recording_with_its_intervals(
    owner: Any, finished: tuple[Recording, np.ndarray]
) -> None:
    from attune.web.physio.data_export import export_member_data, export_member_files

    rec, rr = finished
    tables = export_member_data(owner)
    (row,) = tables["heart_recordings"]
    assert row["id"] == rec.pk and row["rmssd_ms"] == rec.rmssd_ms
    np.testing.assert_array_equal(row["rr_ms"], rr)
    files = export_member_files(owner)
    assert list(files) == [f"rr/attune-rr-{rec.pk}.txt"]
    assert files[f"rr/attune-rr-{rec.pk}.txt"].count("\n") == rr.size + sum(
        1 for ln in files[f"rr/attune-rr-{rec.pk}.txt"].splitlines() if ln.startswith("#")
    )


def test_the_data_export_carries_each_recording_as_an_rr_text_file(
    finished: tuple[Recording, np.ndarray], owner: Any, other: Any
) -> None:
    import io
    import zipfile

    from attune.web.accounts.export import build_export

    recording, rr = finished
    _recorded(other, rr[:80])
    with zipfile.ZipFile(io.BytesIO(build_export(owner))) as zf:
        rr_files = [n for n in zf.namelist() if n.startswith("rr/")]
        assert rr_files == [f"rr/attune-rr-{recording.pk}.txt"]
        lines = [ln for ln in zf.read(rr_files[0]).decode().splitlines() if ln and not ln.startswith("#")]
    assert_allclose([float(x) for x in lines], rr, rtol=1e-6)


def _age(rec: Recording, minutes: float) -> None:
    """Pretend the recording's last beats arrived ``minutes`` ago."""
    Recording.objects.filter(pk=rec.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=minutes))


def test_an_abandoned_open_recording_is_closed_with_every_beat_by_the_stale_job(
    owner_client: Client, owner: Any
) -> None:
    rr = paced_rr(90, seed=11)
    stale = _recorded(owner, rr, finish=False, pacer_bpm=6.0)
    fresh = _recorded(owner, paced_rr(30, seed=12), finish=False)
    _age(stale, actions.STALE_AFTER.total_seconds() / 60 + 1)
    _age(fresh, actions.STALE_AFTER.total_seconds() / 60 - 5)
    owner_client.get(reverse("physio:recordings"))
    stale.refresh_from_db()
    assert stale.ended_at is None, "a GET never writes: the list must not close anything"
    assert actions.close_stale(owner) == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.ended_at is not None and fresh.ended_at is None
    # Nothing lost: every stored interval is in the closed recording, and its summary is the core's.
    assert_allclose(stale.rr_ms(), rr.astype(np.float32), rtol=0)
    assert not LiveBeatBatch.objects.filter(recording=stale).exists()
    assert_allclose(stale.rmssd_ms, time_domain(clean_rr(stale.rr_ms()).nn_ms).rmssd_ms, rtol=1e-9)


def test_closing_stale_recordings_leaves_other_members_alone(owner: Any, other: Any) -> None:
    theirs = _recorded(other, paced_rr(20), finish=False)
    _age(theirs, 600)
    assert actions.close_stale(owner) == 0
    theirs.refresh_from_db()
    assert theirs.ended_at is None


def test_history_lists_finished_recordings_with_their_summary_line_and_before_and_after(owner: Any, other: Any) -> None:
    from attune.web.practices.models import PracticeSession
    from attune.web.today.history import recent_for_history

    session = PracticeSession.objects.create(
        user=owner,
        practice_slug="pacer",
        practice_title="Breathing pacer",
        started_at=timezone.now(),
        before_safety=4,
        after_safety=7,
    )
    mine = _recorded(owner, paced_rr(150, seed=3), pacer_bpm=6.0, practice_session=session)
    _recorded(owner, paced_rr(20), finish=False)  # open and recent: not listed yet
    _recorded(other, paced_rr(150, seed=4))
    segment = actions.start_assessment(owner)
    _recorded(owner, paced_rr(70), assessment=segment, segment_rate_bpm=6.0, kind="resonance")
    items = recent_for_history(owner, 30)
    assert [i.rec.pk for i in items] == [mine.pk]
    item = items[0]
    assert (item.before_safety, item.after_safety) == (4, 7)
    assert item.spark is not None and len(item.spark["points"].split()) > 10
    assert item.spark["low_bpm"] <= mine.mean_hr_bpm <= item.spark["high_bpm"]
    html = render_to_string("physio/_history_recordings.html", {"recordings": items})
    assert f"{mine.time_in_coherence_s:.0f} s of {mine.duration_s:.0f} s" in html
    assert f"{mine.mean_rmssd_live_ms:.0f} ms" in html and f"{mine.breathing_rate_bpm:.1f} a minute" in html
    assert "4 → 7" in html and "What is this?" in html and "<polyline" in html


def test_history_keeps_to_the_days_asked_for(owner: Any) -> None:
    from attune.web.today.history import recent_for_history

    old = _recorded(owner, paced_rr(90, seed=5))
    Recording.objects.filter(pk=old.pk).update(started_at=timezone.now() - dt.timedelta(days=40))
    new = _recorded(owner, paced_rr(90, seed=6))
    assert [i.rec.pk for i in recent_for_history(owner, 30)] == [new.pk]
    assert [i.rec.pk for i in recent_for_history(owner, None)] == [new.pk, old.pk]
    window = (timezone.now() - dt.timedelta(days=41), timezone.now() - dt.timedelta(days=39))
    assert [i.rec.pk for i in recent_for_history(owner, window)] == [old.pk]
