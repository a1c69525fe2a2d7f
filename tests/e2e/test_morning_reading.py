"""A morning reading in Chromium, from a real Polar H10 stream, to the morning baseline.

The fake strap (fake_bluetooth.js) replays real 0x2A37 packets; the page stops by itself once a
minute of beats has arrived, the server stores them as a morning recording, and its ln RMSSD shows
on "Your body over time" on the morning chart, beside no nightly value. The demo strap's reading
is marked simulated. Screenshots at 390x844 and 1280x800 go to the e2e screenshot folder.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import shot
from helpers import recording_rows, sign_in
from test_live_strap import as_strap_sends, caught_up, open_with_replay, polar_notifications

from attune.core import clean_rr, time_domain

STEP_MS = 5_000


def _until_finished(page: Any, limit_s: float) -> None:
    """Run the page's clock in steps until the reading has stopped by itself and been saved."""
    elapsed = 0
    while elapsed < limit_s * 1000:
        if page.locator("#live").get_attribute("data-state") != "session":
            break
        page.clock.run_for(STEP_MS)
        elapsed += STEP_MS
        page.wait_for_function(  # the server has every beat so far, or the reading has stopped
            "() => { const d = document.getElementById('live').dataset;"
            " return d.finished === 'true' || (d.lastSeq || '0') === (d.ackedSeq || '0'); }",
            polling=50,
            timeout=15_000,
        )
    page.wait_for_function(
        "() => document.getElementById('live').dataset.finished === 'true'", polling=50, timeout=20_000
    )


def test_a_one_minute_strap_reading_joins_the_morning_baseline(server: Any, phone: Any) -> None:
    notes = polar_notifications(max_s=90)
    sign_in(server, phone.context, "morning-polar")
    open_with_replay(phone, notes)
    phone.goto(f"{server.url}/live/morning/")
    shot(phone, "morning-setup-390x844")
    phone.locator("input[name=minutes][value=\"1\"]").check()
    phone.get_by_role("button", name="Connect a strap").click()
    phone.locator("#live[data-state='session']").wait_for()
    phone.clock.run_for(20_000)
    caught_up(phone)
    assert "to go" in phone.locator("[data-role='remaining']").inner_text()
    shot(phone, "morning-session-390x844", full_page=False)
    _until_finished(phone, 90)

    (row,) = recording_rows(server, "morning-polar")
    assert row["kind"] == "morning" and row["simulated"] is False and row["pacer_bpm"] is None
    stored = np.asarray(row["rr_ms"])
    sent = as_strap_sends([rr for n in notes for rr in n["rr"]])
    assert_array_equal(stored, sent[: stored.size])  # the beats as the strap sent them, in order, once
    assert 60.0 <= stored.sum() / 1000 < 65.0  # it stopped on the packet that made the minute
    rmssd = time_domain(clean_rr(stored).nn_ms).rmssd_ms
    assert_allclose(row["rmssd_ms"], rmssd, rtol=1e-9)
    done = phone.locator("[data-view='done']").inner_text()
    assert f"{math.log(rmssd):.2f}" in done and "joins your morning baseline" in done
    shot(phone, "morning-done-390x844")

    phone.get_by_role("link", name="See your body over time").click()
    chart = phone.locator("section:has(#chart-rmssd-morning)")
    chart.wait_for()
    assert "calibrating (1 of 14 days)" in chart.inner_text()
    chart.get_by_text("Show as a table").click()
    assert f"{math.log(rmssd):.2f}" in chart.locator("table").inner_text()
    assert phone.locator("#chart-rmssd").count() == 0  # no nightly readings, so no nightly chart
    shot(phone, "morning-body-390x844")


def test_the_demo_strap_reading_says_it_is_simulated(server: Any, desktop: Any) -> None:
    sign_in(server, desktop.context, "morning-demo")
    desktop.clock.install()
    desktop.goto(f"{server.url}/live/morning/")
    desktop.locator("input[name=minutes][value=\"1\"]").check()
    shot(desktop, "morning-setup-1280x800")
    desktop.get_by_role("button", name="Try the demo strap").click()
    desktop.locator("#live[data-state='session']").wait_for()
    desktop.clock.run_for(30_000)
    shot(desktop, "morning-session-1280x800", full_page=False)
    _until_finished(desktop, 90)
    done = desktop.locator("[data-view='done']").inner_text()
    assert "demo strap" in done and "simulated" in done
    (row,) = recording_rows(server, "morning-demo")
    assert row["kind"] == "morning" and row["simulated"] is True
    shot(desktop, "morning-done-1280x800")
    desktop.goto(f"{server.url}/imports/body/")
    assert "ln RMSSD, morning (demo strap, simulated)" in desktop.locator("#chart-rmssd-morning").inner_text()
    shot(desktop, "morning-body-1280x800")
