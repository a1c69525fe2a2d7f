"""In reach and in view at 390x844: no control of the player, the pacer, the live screen or the
resonance check is covered (``document.elementFromPoint`` at its centre, and near its top and
bottom edges, finds the control itself), every one is at least 44x44 CSS px, and on the live screen
the pacer, the heart trace and the heart rate are in view together with "Finish and save".

Every control is checked after keyboard focus has brought it into view, as a person tabbing or
scrolling to it would find it; the main actions of each screen (Start, Pause, Stop, the cues, the
demo strap, Finish and save) must also be in view and uncovered in the first view, with no scrolling.
A control that merely scrolls under the tab bar or a dock is not counted: scrolling brings it clear.
Screenshots land in tests/e2e/screenshots/ and, when ATTUNE_SHOTS names a folder, there too.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import shot, sign_in

COVERAGE_JS = (Path(__file__).resolve().parent / "reach_probe.js").read_text().split("\n", 3)[3]


def check_controls(page: Any, root: str, *, focus: bool = True) -> list[dict[str, Any]]:
    """Every control under ``root`` is uncovered where it shows and when focused, and 44x44 or larger."""
    controls = page.evaluate(COVERAGE_JS, [root, focus])
    assert controls, f"no controls found under {root}"
    problems = []
    for c in controls:
        if focus and not c["focused"]["inView"]:
            problems.append(f"{c['name']}: not brought into view by focus")
        if focus and c["focused"]["covered"]:
            problems.append(f"{c['name']}: covered when focused by {c['focused']['covered']}")
        if not c["inline"] and (c["w"] < 44 or c["h"] < 44):
            problems.append(f"{c['name']}: target {c['w']}x{c['h']} is under 44x44")
    assert not problems, "\n".join(problems)
    return list(controls)


def in_view(page: Any, selector: str) -> bool:
    """The whole of ``selector``'s box lies inside the viewport, and nothing covers its centre."""
    return bool(
        page.evaluate(
            """(sel) => { const el = document.querySelector(sel); const r = el.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            const own = !!hit && (el === hit || el.contains(hit)
              || [...(el.labels || [])].some((l) => l.contains(hit)));
            return r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth
              && (own || el.getAttribute('aria-hidden') === 'true'); }""",
            selector,
        )
    )


# A stand-in for the Screen Wake Lock API that counts what holds the screen on now.
WAKE_SPY = """
(() => {
  window.__wakeHeld = 0;
  const request = async () => {
    window.__wakeHeld += 1;
    const s = new EventTarget();
    s.release = async () => { window.__wakeHeld -= 1; s.dispatchEvent(new Event('release')); };
    return s;
  };
  Object.defineProperty(navigator, 'wakeLock', { value: { request }, configurable: true });
})();
"""


def wake_held(page: Any) -> int:
    return int(page.evaluate("window.__wakeHeld"))


def save(page: Any, name: str, *, full_page: bool = False) -> None:
    path = shot(page, name, full_page=full_page)
    folder = os.environ.get("ATTUNE_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)


def both_widths(page: Any, name: str) -> None:
    save(page, f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_timeout(200)
    save(page, f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(200)


def test_the_player_is_a_focused_moment_with_every_control_in_reach(server: Any, phone: Any) -> None:
    sign_in(server, phone.context, "reach-player")
    phone.add_init_script(WAKE_SPY)
    phone.goto(f"{server.url}/practices/a-longer-breath-out/play/")
    check_controls(phone, "#before")
    both_widths(phone, "player-before")
    phone.locator("input[name='before-safety'][value='3']").check(force=True)
    phone.get_by_role("button", name="Begin", exact=True).click()
    phone.locator("#run:not([hidden])").wait_for()
    phone.get_by_role("button", name="Next step").click()  # to the step with the pacer
    phone.locator("#pacer-box:not([hidden])").wait_for()
    phone.wait_for_timeout(300)
    # No tab bar while practising: the run fills the screen.
    assert phone.locator("nav.tabs").is_hidden()
    controls = {c["name"] for c in check_controls(phone, "#run")}
    assert {"Pause", "Stop"} <= controls and any(n.startswith("Soft sound") for n in controls), controls
    for sel in ("#btn-pause", "#btn-skip", "#btn-stop", "#opt-sound", "#opt-vibrate", "#pacer", "#elapsed",
                "#step-title"):
        assert in_view(phone, sel), f"{sel} is not in the first view"
    assert "left" in phone.locator("#elapsed").inner_text()
    assert wake_held(phone) == 1, "the screen is not kept awake while practising"
    both_widths(phone, "player-run")
    phone.get_by_role("button", name="Stop").click()
    phone.locator("#after:not([hidden])").wait_for()
    assert wake_held(phone) == 0
    check_controls(phone, "#after")
    save(phone, "player-after-390")
    phone.locator("input[name='after-safety'][value='5']").check(force=True)
    phone.locator("#after").get_by_role("button", name="Save", exact=True).click()
    phone.locator("#done:not([hidden])").wait_for()
    assert "3 → 5" in phone.locator("#done-text").inner_text()
    both_widths(phone, "player-done")


def test_the_pacer_start_and_its_running_controls_are_uncovered(server: Any, phone: Any) -> None:
    sign_in(server, phone.context, "reach-pacer")
    phone.goto(f"{server.url}/practices/pacer/")
    phone.get_by_text("Before you begin").click()
    check_controls(phone, "#setup")
    assert in_view(phone, "#btn-start"), "Start is not in the first view"
    both_widths(phone, "pacer-setup")
    phone.get_by_role("button", name="Start", exact=True).click()
    phone.locator("#run:not([hidden])").wait_for()
    phone.wait_for_timeout(300)
    assert phone.locator("nav.tabs").is_hidden()
    check_controls(phone, "#run")
    for sel in ("#pacer", "#btn-pause", "#btn-stop", "#opt-sound", "#opt-vibrate", "#timer"):
        assert in_view(phone, sel), f"{sel} is not in the first view"
    assert "in" in phone.locator("#timer").inner_text() and "left" in phone.locator("#timer").inner_text()
    both_widths(phone, "pacer-run")


def test_the_live_screen_keeps_pacer_heart_and_finish_together(server: Any, phone: Any) -> None:
    sign_in(server, phone.context, "reach-live")
    phone.add_init_script(WAKE_SPY)
    phone.goto(f"{server.url}/live/")
    assert in_view(phone, "[data-action='demo']"), "Try the demo strap is not in the first view"
    check_controls(phone, "[data-view='setup']")
    both_widths(phone, "live-setup")
    phone.get_by_role("button", name="Try the demo strap").click()
    phone.locator("#live[data-state='session']").wait_for()
    phone.locator("[data-reading='hr_bpm'][data-state='ready']").wait_for(timeout=15_000)
    phone.wait_for_timeout(1500)
    assert phone.locator("nav.tabs").is_hidden()
    for sel in (
        "[data-view='session'] [data-role='pacer']",
        "[data-view='session'] [data-role='trace']",
        "[data-view='session'] [data-reading='hr_bpm']",
        "[data-view='session'] [data-action='finish']",
        "[data-view='session'] [data-role='elapsed']",
    ):
        assert in_view(phone, sel), f"{sel} is not in the first view"
    assert ":" in phone.locator("[data-role='elapsed']").inner_text()
    assert wake_held(phone) == 1, "the screen is not kept awake during a live session"
    check_controls(phone, "[data-view='session']")
    both_widths(phone, "live-session")
    phone.get_by_role("button", name="Finish and save").click()
    phone.locator("#live[data-state='done']").wait_for(timeout=15_000)
    assert phone.locator("nav.tabs").is_visible()  # the focused moment is over
    assert wake_held(phone) == 0
    check_controls(phone, "[data-view='done']")  # the after-reading's Save, focused, is clear of the tab bar
    both_widths(phone, "live-done")


def test_the_check_in_chips_are_full_size_targets(server: Any, phone: Any) -> None:
    sign_in(server, phone.context, "reach-checkin")
    phone.goto(f"{server.url}/")
    check_controls(phone, "main form")
    save(phone, "today-checkin-390", full_page=True)


def test_the_resonance_check_says_when_its_numbers_come(server: Any, phone: Any) -> None:
    sign_in(server, phone.context, "reach-resonance")
    phone.clock.install()
    phone.add_init_script(WAKE_SPY)
    phone.goto(f"{server.url}/live/resonance/")
    check_controls(phone, "[data-view='intro']")
    save(phone, "resonance-intro-390", full_page=True)
    phone.get_by_role("button", name="Try the demo strap").click()
    phone.locator("#live[data-state='run']").wait_for()
    phone.clock.run_for(10_000)
    phone.wait_for_timeout(500)
    rmssd = phone.locator("[data-reading='rmssd_ms'] .reading-wait").inner_text()
    coherence = phone.locator("[data-reading='coherence'] .reading-wait").inner_text()
    assert "calibrating" in rmssd and " s" in rmssd, rmssd
    assert "calibrating" in coherence and " s" in coherence, coherence
    assert "30 seconds" in phone.locator("[data-role='calibration-note']").inner_text()
    assert phone.locator("nav.tabs").is_hidden()
    assert wake_held(phone) == 1, "the screen is not kept awake during the check"
    check_controls(phone, "[data-view='run']")
    for sel in ("[data-view='run'] [data-role='pacer']", "[data-view='run'] [data-action='stop']"):
        assert in_view(phone, sel), f"{sel} is not in the first view"
    both_widths(phone, "resonance-run")
    # RMSSD comes after 30 s of beats, before coherence and breathing (about a minute).
    phone.clock.run_for(30_000)
    phone.locator("[data-reading='rmssd_ms'][data-state='ready']").wait_for(timeout=10_000)
    assert phone.locator("[data-reading='coherence']").get_attribute("data-state") == "calibrating"
    save(phone, "resonance-rmssd-390")
