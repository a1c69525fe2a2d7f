"""The live practice screen with the demo strap, at phone and desktop widths, and without Web Bluetooth."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import django_json, recording_rows, shot, sign_in


def test_without_web_bluetooth_it_says_so_and_offers_the_demo_and_no_sensor(server: Any, phone: Any) -> None:
    sign_in(server, phone.context, "no-ble")
    phone.goto(f"{server.url}/live/")
    assert phone.evaluate("'bluetooth' in navigator") is False
    notice = phone.locator("[data-ble='no']")
    assert notice.is_visible()
    assert "can't connect to a Bluetooth heart-rate strap" in notice.inner_text()
    assert "iPhone" in notice.inner_text() and "Firefox" in notice.inner_text()
    assert phone.get_by_role("button", name="Connect a strap").is_hidden()
    assert phone.get_by_role("button", name="Try the demo strap").is_visible()
    assert phone.get_by_role("link", name="Practise without a sensor").is_visible()
    shot(phone, "live-setup-phone-no-bluetooth")


def test_the_demo_strap_shows_labelled_simulated_readings_and_keeps_before_and_after_at_phone_width(
    server: Any, phone: Any
) -> None:
    sign_in(server, phone.context, "demo-phone")
    phone.goto(f"{server.url}/live/")
    phone.get_by_text("Before you begin").click()
    phone.locator("input[name='before-safety'][value='4']").check(force=True)
    shot(phone, "live-setup-phone")
    phone.get_by_role("button", name="Try the demo strap").click()
    phone.locator("#live[data-state='session']").wait_for()
    assert "simulated" in phone.locator("[data-role='source']").inner_text()
    phone.locator("[data-reading='hr_bpm'][data-state='ready']").wait_for(timeout=15_000)
    # Let a few readings arrive. The page records beat-received to reading-shown for each one; the
    # figure is printed, not asserted (timing belongs in bench/bench_live.py, which holds the target).
    phone.wait_for_function(
        "() => (document.getElementById('live').dataset.latencies || '').split(',').length >= 5", timeout=15_000
    )
    latencies = [float(x) for x in phone.locator("#live").get_attribute("data-latencies").split(",")]
    assert len(latencies) >= 5 and all(lat >= 0 for lat in latencies), latencies
    print(f"demo strap loopback latency: median {statistics.median(latencies):.1f} ms, max {max(latencies):.1f} ms")
    phone.wait_for_timeout(1500)
    shot(phone, "live-session-phone", full_page=False)
    shot(phone, "live-session-phone-full")
    phone.get_by_role("button", name="Finish and save").click()
    phone.locator("#live[data-state='done']").wait_for(timeout=15_000)
    assert "simulated" in phone.locator("[data-role='done-note']").inner_text()
    shot(phone, "live-done-phone")
    phone.locator("input[name='after-safety'][value='7']").check(force=True)
    phone.get_by_role("button", name="Save", exact=True).click()
    phone.wait_for_function("() => document.getElementById('live').dataset.practiceSession !== undefined")
    assert "felt safety 4 → 7" in phone.locator("[data-role='after-note']").inner_text()
    rows = recording_rows(server, "demo-phone")
    assert len(rows) == 1 and rows[0]["simulated"] is True and rows[0]["ended_at"] is not None
    assert rows[0]["pacer_bpm"] == 6.0
    session = django_json(
        server,
        f"""
        import json
        from attune.web.practices.models import PracticeSession
        s = PracticeSession.objects.get(recordings__id={rows[0]["id"]})
        print(json.dumps([s.before_safety, s.after_safety, s.outcome, s.practice_slug]))
        """,
    )
    assert session == [4, 7, "completed", "pacer"]
    phone.goto(f"{server.url}/physio/recordings/{rows[0]['id']}/")
    assert "felt safety, before → after" in phone.locator("main").inner_text()
    shot(phone, "recording-phone")


def test_the_live_screen_at_desktop_width(server: Any, desktop: Any) -> None:
    sign_in(server, desktop.context, "demo-desktop", default_pacer_bpm=5.5)
    desktop.goto(f"{server.url}/live/")
    assert desktop.locator("input[name='pace']:checked").get_attribute("value") == "5.5"
    shot(desktop, "live-setup-desktop")
    desktop.get_by_role("button", name="Try the demo strap").click()
    desktop.locator("[data-reading='hr_bpm'][data-state='ready']").wait_for(timeout=15_000)
    desktop.wait_for_timeout(4000)
    shot(desktop, "live-session-desktop")
    assert "5.5 breaths a minute" in desktop.locator("[data-role='pace-note']").inner_text()
    desktop.get_by_role("button", name="Finish and save").click()
    desktop.locator("#live[data-state='done']").wait_for(timeout=15_000)
    shot(desktop, "live-done-desktop")
    desktop.get_by_role("link", name="See this recording").click()
    desktop.locator("main h1").wait_for()
    # The chart module (and the theme colours it imports) loads and draws.
    desktop.wait_for_selector("#recording-chart .uplot canvas")
    shot(desktop, "recording-desktop")
