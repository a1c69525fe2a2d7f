"""The resonance-rate wizard, in quick mode with the demo strap and a fast clock."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import django_json, recording_rows, shot, sign_in
from playwright.sync_api import expect

RATES = [6.5, 6.0, 5.5, 5.0, 4.5]


def test_quick_mode_records_five_rates_shows_the_evidence_and_applies_the_best(server: Any, phone: Any) -> None:
    sign_in(server, phone.context, "resonance", default_pacer_bpm=None)
    phone.clock.install()
    phone.goto(f"{server.url}/live/resonance/")
    phone.locator("#rz-quick").check()
    assert "about 7 minutes" in phone.locator("[data-role='plan-text']").inner_text()
    phone.get_by_role("button", name="Try the demo strap").click()
    phone.locator("#live[data-state='run']").wait_for()
    assert phone.locator("[data-role='title']").inner_text() == "6.5 breaths a minute"
    assert "simulated" in phone.locator("[data-role='source']").inner_text()

    phone.clock.run_for(45_000)  # well into the first (one-minute) segment
    phone.wait_for_timeout(300)
    shot(phone, "resonance-running-phone", full_page=False)
    phone.set_viewport_size({"width": 1280, "height": 900})
    shot(phone, "resonance-running-desktop", full_page=False)
    phone.set_viewport_size({"width": 390, "height": 844})
    shot_taken = False
    for _ in range(200):  # at most 1000 s of fake time; quick mode needs about 430
        if phone.locator("#live").get_attribute("data-scored") == "true":
            break
        phone.clock.run_for(5_000)
        phone.wait_for_timeout(60)  # let the websocket and fetches (real time) catch up
        if not shot_taken and phone.locator("[data-role='rest']").is_visible():
            shot(phone, "resonance-rest-phone")
            shot_taken = True
    phone.locator("#live[data-state='result']").wait_for(timeout=20_000)
    shot(phone, "resonance-result-phone")
    phone.set_viewport_size({"width": 1280, "height": 900})
    shot(phone, "resonance-result-desktop")
    phone.set_viewport_size({"width": 390, "height": 844})

    rows = phone.locator("[data-role='evidence'] tbody tr")
    assert rows.count() == 5
    assert [float(r) for r in rows.evaluate_all("rs => rs.map(r => r.dataset.rate)")] == RATES
    assert phone.locator("[data-role='evidence'] tr[data-best='true']").count() == 1
    assert phone.locator("[data-role='simulated-note']").is_visible()

    stored = django_json(
        server,
        """
        import json
        from attune.web.physio.models import ResonanceAssessment
        a = ResonanceAssessment.objects.get(user__username="resonance")
        print(json.dumps({"quick": a.quick, "best": a.best_rate_bpm, "segments": a.segments.count()}))
        """,
    )
    assert stored["quick"] is True and stored["segments"] == 5 and stored["best"] in RATES
    segments = recording_rows(server, "resonance")
    assert [s["segment_rate_bpm"] for s in segments] == RATES
    assert all(s["simulated"] and s["ended_at"] and s["duration_s"] >= 60 for s in segments)

    best_label = f"{stored['best']:g}"
    phone.get_by_role("button", name=f"Use {best_label} a minute for my pacer").click()
    phone.wait_for_function("() => document.getElementById('live').dataset.applied !== undefined", polling=50)
    assert f"now breathes at {best_label} a minute" in phone.locator("[data-role='applied']").inner_text()
    user = django_json(
        server,
        """
        import json
        from django.contrib.auth import get_user_model
        print(json.dumps(get_user_model().objects.get(username="resonance").default_pacer_bpm))
        """,
    )
    assert user == stored["best"]
    # The live page now starts from that rate, and the wizard offers to check again.
    phone.goto(f"{server.url}/live/")
    assert float(phone.locator("input[name='pace']:checked").get_attribute("value")) == stored["best"]
    phone.goto(f"{server.url}/live/resonance/")
    # (the offline line pwa.js adds is a .notice too, so look for this one by its words)
    expect(phone.locator(".notice", has_text="you can check again")).to_be_visible()
