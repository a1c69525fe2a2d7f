"""A real Polar H10 stream, replayed through a fake navigator.bluetooth into the live page.

The fake strap (fake_bluetooth.js) sends each notification of ../shared/data/rr/polar_h10_device_rr.csv
as a 0x2A37 packet on its original timing; Playwright's page.clock runs that time fast. The page
parses the packets, streams the beats over the websocket and the server stores them; the test then
compares what was stored with what the strap sent, and the stored RMSSD with attune.core's.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import recording_rows, sign_in

from attune.core import clean_rr, time_domain

HERE = Path(__file__).resolve().parent
POLAR_CSV = HERE.parents[2] / "shared" / "data" / "rr" / "polar_h10_device_rr.csv"
STEP_MS = 5_000  # fake-clock time run between checks that the server has caught up


def polar_notifications(max_s: float | None = None) -> list[dict[str, Any]]:
    """The CSV as notifications: a row with a heart rate starts one; rows without it belong to it."""
    notes: list[dict[str, Any]] = []
    with POLAR_CSV.open(newline="") as f:
        for row in csv.DictReader(f):
            if row["hr_bpm"]:
                t = float(row["time_s"])
                if max_s is not None and t > max_s:
                    break
                notes.append({"t": t, "hr": float(row["hr_bpm"]), "rr": []})
            notes[-1]["rr"].append(float(row["rr_ms"]))
    return notes


def as_strap_sends(rr_ms: list[float]) -> np.ndarray:
    """What a strap's 1/1024 s units make of these intervals, in ms."""
    return np.round(np.asarray(rr_ms) * 1.024) * (1000 / 1024)


def open_with_replay(page: Any, notes: list[dict[str, Any]]) -> None:
    replay = {"device": "Polar H10 (replay)", "notifications": notes}
    page.add_init_script(f"window.__REPLAY__ = {json.dumps(replay)};\n" + (HERE / "fake_bluetooth.js").read_text())
    page.clock.install()


def caught_up(page: Any) -> None:
    """Wait (in real time) until the server has acknowledged every message the page has numbered."""
    page.wait_for_function(
        "() => { const d = document.getElementById('live').dataset;"
        " return (d.lastSeq || '0') === (d.ackedSeq || '0'); }",
        polling=50,
        timeout=15_000,
    )


def run_replay(page: Any, until_s: float, on_step: Any = None) -> None:
    elapsed = 0
    while elapsed < until_s * 1000:
        page.clock.run_for(STEP_MS)
        elapsed += STEP_MS
        if on_step:
            on_step(elapsed)
        caught_up(page)


def finish(page: Any) -> None:
    page.get_by_role("button", name="Finish and save").click()
    page.wait_for_function(
        "() => document.getElementById('live').dataset.finished === 'true'", polling=50, timeout=20_000
    )


def test_the_polar_stream_is_shown_stored_and_summarised_with_core_rmssd(server: Any, desktop: Any) -> None:
    notes = polar_notifications()
    sent_rr = [rr for n in notes for rr in n["rr"]]
    assert len(sent_rr) == 798
    sign_in(server, desktop.context, "polar")
    open_with_replay(desktop, notes)
    desktop.goto(f"{server.url}/live/")
    desktop.get_by_role("button", name="Connect a strap").click()
    desktop.locator("#live[data-state='session']").wait_for()
    assert desktop.evaluate("window.__fakeStrap.requestOptions") == {"filters": [{"services": ["heart_rate"]}]}
    assert "Polar H10 (replay) connected" in desktop.locator("[data-role='source']").inner_text()

    ready: dict[str, list[str]] = {k: [] for k in ("hr_bpm", "rmssd_ms", "coherence", "breathing_rate_bpm")}

    def look(elapsed_ms: int) -> None:
        if elapsed_ms % 30_000 == 0:
            caught_up(desktop)
            for key, values in ready.items():
                item = desktop.locator(f"[data-reading='{key}']")
                if item.get_attribute("data-state") == "ready":
                    values.append(item.locator("[data-role='value']").inner_text())

    run_replay(desktop, 605, look)
    assert desktop.evaluate("window.__fakeStrap.done") is True
    # Every reading reached the screen with a number at some point (the Polar stream has real
    # premature beats, so the meter may go back to calibrating for a while after one).
    for key, values in ready.items():
        assert values and all(v.replace(".", "").isdigit() for v in values), (key, values)
    assert desktop.locator("[data-role='contact']").inner_text() == "Good skin contact"
    finish(desktop)

    (row,) = recording_rows(server, "polar")
    assert row["simulated"] is False and row["ended_at"] is not None
    stored = np.asarray(row["rr_ms"])
    expected = as_strap_sends(sent_rr)
    assert row["beats"] == expected.size == 798
    assert_array_equal(stored, expected)  # every beat once, in order, exactly as the strap sent it
    core = time_domain(clean_rr(expected).nn_ms).rmssd_ms
    assert_allclose(row["rmssd_ms"], core, rtol=1e-9)
    # The recording page shows it.
    desktop.get_by_role("link", name="See this recording").click()
    assert f"/physio/recordings/{row['id']}/" in desktop.url


def test_a_dropped_websocket_and_a_dropped_strap_never_count_a_beat_twice(server: Any, desktop: Any) -> None:
    notes = polar_notifications(max_s=180)
    sign_in(server, desktop.context, "polar-drops")
    open_with_replay(desktop, notes)
    desktop.goto(f"{server.url}/live/")
    desktop.get_by_role("button", name="Connect a strap").click()
    desktop.locator("#live[data-state='session']").wait_for()

    def drops(elapsed_ms: int) -> None:
        if elapsed_ms in (40_000, 95_000):
            # Cut the socket straight after a burst of beats, before their acks can arrive.
            desktop.evaluate("window.__sockets.at(-1).close()")
            desktop.clock.run_for(300)  # beats keep coming while the page is offline
        if elapsed_ms == 130_000:
            desktop.evaluate("window.__fakeStrap.drop(3000)")
            desktop.clock.run_for(200)
            assert "Reconnecting to Polar H10 (replay)" in desktop.locator("[data-role='source']").inner_text()

    run_replay(desktop, 185, drops)
    assert desktop.evaluate("window.__sockets.length") >= 3
    assert int(desktop.locator("#live").get_attribute("data-reconnects")) >= 2
    assert desktop.evaluate("window.__fakeStrap.connects") >= 2
    assert desktop.evaluate("window.__fakeStrap.lost") >= 1  # the strap really was away
    assert "connected" in desktop.locator("[data-role='source']").inner_text()
    finish(desktop)

    delivered = np.asarray(desktop.evaluate("window.__fakeStrap.deliveredRaw"), dtype=float) * (1000 / 1024)
    (row,) = recording_rows(server, "polar-drops")
    assert row["beats"] == delivered.size
    assert_array_equal(np.asarray(row["rr_ms"]), delivered)
    assert_allclose(row["rmssd_ms"], time_domain(clean_rr(delivered).nn_ms).rmssd_ms, rtol=1e-9)


def test_when_the_websocket_never_comes_back_the_beats_and_the_finish_go_over_http_and_none_is_lost(
    server: Any, desktop: Any
) -> None:
    notes = polar_notifications(max_s=85)
    sign_in(server, desktop.context, "polar-offline")
    open_with_replay(desktop, notes)
    desktop.goto(f"{server.url}/live/")
    desktop.get_by_role("button", name="Connect a strap").click()
    desktop.locator("#live[data-state='session']").wait_for()
    run_replay(desktop, 80)
    # The live connection goes for good; beats keep arriving and wait on the device.
    desktop.evaluate("window.__blockSockets = true; window.__sockets.at(-1).close()")
    desktop.clock.run_for(10_000)
    assert desktop.evaluate("window.__fakeStrap.done") is True  # every beat is on the page now
    waiting = desktop.evaluate("window.__fakeStrap.deliveredRaw.length") - int(
        desktop.locator("#live").get_attribute("data-beats-stored")
    )
    assert waiting > 0  # beats the websocket never delivered
    desktop.get_by_role("button", name="Finish and save").click()
    for _ in range(10):  # FINISH_PATIENCE_MS is 15 s of page time
        if desktop.locator("#live").get_attribute("data-finished") == "true":
            break
        desktop.clock.run_for(2_000)
        desktop.wait_for_timeout(50)
    desktop.wait_for_function(
        "() => document.getElementById('live').dataset.finished === 'true'", polling=50, timeout=20_000
    )
    live = desktop.locator("#live")
    assert live.get_attribute("data-finished-via") == "http"
    assert int(live.get_attribute("data-unsent-beats")) == 0
    assert int(live.get_attribute("data-uploaded-beats")) == waiting
    (row,) = recording_rows(server, "polar-offline")
    delivered = np.asarray(desktop.evaluate("window.__fakeStrap.deliveredRaw"), dtype=float) * (1000 / 1024)
    assert row["ended_at"] is not None
    assert row["beats"] == delivered.size  # every beat the strap delivered, once
    assert_array_equal(np.asarray(row["rr_ms"]), delivered)
    assert_allclose(row["rmssd_ms"], time_domain(clean_rr(delivered).nn_ms).rmssd_ms, rtol=1e-9)
    note = desktop.locator("[data-role='done-note']").inner_text()
    assert "saved the recording another way" in note and "every heartbeat from this device is in it" in note
