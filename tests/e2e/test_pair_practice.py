"""Two Chromium contexts with skewed clocks practise together: one breath on both screens.

The contexts' clocks are pushed +3 s and -2 s (Date and performance.now), so a pacer drawn from
each device's own clock would be 5 s apart. Sampled at the same instants, the two pacers' phases
must agree within 50 ms, also after one screen reloads; the touch step waits for both yeses.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import django_json, sign_in

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/rooms-shots")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
TOLERANCE_MS = 50.0


def skew_script(skew_ms: int) -> str:
    """An init script that moves this context's clocks by ``skew_ms``, as a badly set phone would."""
    return f"""
    (() => {{
      const skew = {skew_ms};
      const RealDate = Date;
      const realNow = RealDate.now.bind(RealDate);
      class SkewedDate extends RealDate {{
        constructor(...args) {{ if (args.length === 0) super(realNow() + skew); else super(...args); }}
        static now() {{ return realNow() + skew; }}
      }}
      globalThis.Date = SkewedDate;
      const perfNow = performance.now.bind(performance);
      performance.now = () => perfNow() + skew;
    }})();
    """


def _context(browser: Any, skew_ms: int, viewport: dict[str, int], **extra: Any) -> Any:
    ctx = browser.new_context(viewport=viewport, **extra)
    ctx.add_init_script(skew_script(skew_ms))
    return ctx


def shot(page: Any, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _probe(page: Any) -> tuple[dict[str, Any], float, float]:
    before = time.perf_counter()
    value = page.evaluate("window.attuneRoom.probe()")
    return value, before, time.perf_counter()


def phase_gaps(a: Any, b: Any, samples: int = 12) -> list[float]:
    """Disagreement (ms) between the two pacers at the same instants, allowing for the probes' own timing.

    Each probe is timed on this (unskewed) clock; the breath moves 1 ms per ms, so the gap is the
    difference of the two cycle positions less the time between the two probes, folded into one
    breath. Samples where a probe itself took over 15 ms are not used (the instant is unclear).
    """
    gaps: list[float] = []
    attempts = 0
    while len(gaps) < samples and attempts < samples * 5:
        attempts += 1
        pa, a0, a1 = _probe(a)
        pb, b0, b1 = _probe(b)
        if (a1 - a0) > 0.015 or (b1 - b0) > 0.015 or pa["cycleElapsedMs"] is None or pb["cycleElapsedMs"] is None:
            continue
        assert pa["step"] == pb["step"] and pa["cycleMs"] == pb["cycleMs"]
        cycle = float(pa["cycleMs"])
        gap = (pa["cycleElapsedMs"] - pb["cycleElapsedMs"]) - ((a0 + a1) / 2 - (b0 + b1) / 2) * 1000.0
        gap = (gap + cycle / 2) % cycle - cycle / 2
        gaps.append(abs(gap))
        a.wait_for_timeout(137)
    assert len(gaps) >= samples // 2, f"too few clean samples ({len(gaps)} of {attempts})"
    return gaps


def _synced(page: Any) -> None:
    page.wait_for_function("() => window.attuneRoom && window.attuneRoom.probe().offsetMs !== null")
    page.wait_for_timeout(1500)  # a full burst of pings


def _before_reading(page: Any, safety: str) -> None:
    page.locator(f"#before input[name='before-safety'][value='{safety}']").check(force=True)
    page.locator("#before [data-action='save']").click()
    page.locator("#before-saved:has-text('Saved')").wait_for()


def test_a_pair_with_skewed_clocks_breathes_on_one_pacer_and_the_touch_step_waits_for_both(
    server: Any, browser: Any
) -> None:
    host_ctx = _context(browser, 3000, PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    partner_ctx = _context(browser, -2000, DESKTOP)
    third_ctx = browser.new_context(viewport=PHONE)
    sign_in(server, host_ctx, "pair-host")
    sign_in(server, partner_ctx, "pair-partner")
    sign_in(server, third_ctx, "pair-third")
    host, partner, third = host_ctx.new_page(), partner_ctx.new_page(), third_ctx.new_page()
    for p in (host, partner, third):
        p.set_default_timeout(15_000)
    try:
        assert host.evaluate("Date.now()") - partner.evaluate("Date.now()") > 4500  # the skew is real

        host.goto(f"{server.url}/rooms/")
        shot(host, "pair-start-phone")
        host.select_option("#id_first", "breathing-together")
        host.fill("#id_minutes", "3")
        host.select_option("#id_then", "long-hug")
        host.get_by_role("button", name="Start and get a code").click()
        code = host.locator(".join-code").inner_text().strip()
        assert len(code) == 6
        shot(host, "pair-code-phone")

        partner.goto(f"{server.url}/rooms/j/{code}/")
        shot(partner, "pair-join-desktop")
        partner.get_by_role("button", name="Join").click()
        partner.locator("#lobby").wait_for()
        host.locator("#lobby-status:has-text('You are both here')").wait_for()
        _before_reading(host, "4")
        _before_reading(partner, "6")
        shot(host, "pair-lobby-phone")

        # A third member with the used code is refused, and sees why.
        third.goto(f"{server.url}/rooms/join/?code={code}")
        third.get_by_role("button", name="Join").click()
        assert "already been used" in third.content()

        host.get_by_role("button", name="Begin together").click()
        partner.locator("#step-title:has-text('Arriving')").wait_for()
        host.get_by_role("button", name="Next step").click()  # on to the first breathing turn
        for page in (host, partner):
            page.locator("#step-title:has-text('One of you leads')").wait_for()
            page.locator("#pacer-box:not([hidden])").wait_for()
        assert "Your turn to lead" in host.locator("#step-role").inner_text()
        assert "Your turn to follow" in partner.locator("#step-role").inner_text()
        _synced(host)
        _synced(partner)
        gaps = phase_gaps(host, partner)
        print(f"pacer disagreement: max {max(gaps):.1f} ms over {len(gaps)} samples")
        assert max(gaps) <= TOLERANCE_MS, gaps
        shot(host, "pair-pacer-phone", full_page=False)
        shot(partner, "pair-pacer-desktop", full_page=False)

        partner.reload()
        partner.locator("#step-title:has-text('One of you leads')").wait_for()
        _synced(partner)
        gaps = phase_gaps(host, partner)
        print(f"after a reload: max {max(gaps):.1f} ms over {len(gaps)} samples")
        assert max(gaps) <= TOLERANCE_MS, gaps

        host.get_by_role("button", name="Swap who goes first").count()  # only in the lobby; nothing to click now
        for _ in range(4):  # the other turn, together, letting go, then the hug's question
            before = host.evaluate("window.attuneRoom.probe().version")
            host.get_by_role("button", name="Next step").click()
            host.wait_for_function(f"() => window.attuneRoom.probe().version > {before}")
        for page in (host, partner):
            page.locator("#consent:not([hidden])").wait_for()
            assert page.locator("#step").is_hidden()
        shot(partner, "pair-consent-desktop")
        shot(host, "pair-consent-phone", full_page=False)
        host.get_by_role("button", name="Yes, I'd like to").click()
        host.locator("#consent-waiting:not([hidden])").wait_for()
        partner.wait_for_timeout(500)
        assert partner.locator("#consent-ask").is_visible()  # the partner is asked, not told
        assert host.locator("#step").is_hidden() and partner.locator("#step").is_hidden()
        partner.get_by_role("button", name="Yes, I'd like to").click()
        for page in (host, partner):
            page.locator("#step-title:has-text('Ask each other')").wait_for()

        rows = django_json(
            server,
            """
            import json
            from attune.web.practices.models import PracticeSession
            rows = [[s.user.username, s.before_safety] for s in PracticeSession.objects.filter(
                user__username__in=["pair-host", "pair-partner", "pair-third"]).order_by("user__username")]
            print(json.dumps(rows))
            """,
        )
        assert rows == [["pair-host", 4], ["pair-partner", 6]]  # each their own; nothing for the third
    finally:
        for ctx in (host_ctx, partner_ctx, third_ctx):
            ctx.close()


def _turn_gaps(a: Any, b: Any, samples: int = 8) -> list[float]:
    """How far apart (ms) the two screens' turn timers are at the same instants."""
    gaps: list[float] = []
    for _ in range(samples * 4):
        pa, a0, a1 = _probe(a)
        pb, b0, b1 = _probe(b)
        if (a1 - a0) > 0.015 or (b1 - b0) > 0.015 or not pa["turn"] or not pb["turn"]:
            continue
        gap = (pa["turn"]["leftMs"] - pb["turn"]["leftMs"]) + ((a0 + a1) / 2 - (b0 + b1) / 2) * 1000.0
        gaps.append(abs(gap))
        if len(gaps) == samples:
            break
        a.wait_for_timeout(97)
    assert len(gaps) >= samples // 2, f"too few clean samples ({len(gaps)})"
    return gaps


def test_in_honest_conversation_the_roles_swap_for_both_on_one_clock_after_a_soft_cue(
    server: Any, browser: Any
) -> None:
    host_ctx = _context(browser, 3000, PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    partner_ctx = _context(browser, -2000, DESKTOP)
    sign_in(server, host_ctx, "talk-host")
    sign_in(server, partner_ctx, "talk-partner")
    host, partner = host_ctx.new_page(), partner_ctx.new_page()
    for p in (host, partner):
        p.set_default_timeout(15_000)
    try:
        host.goto(f"{server.url}/rooms/")
        host.select_option("#id_first", "listening-without-fixing")
        host.get_by_role("button", name="Start and get a code").click()
        code = host.locator(".join-code").inner_text().strip()
        # Short turns, so the swap comes within the test: the first speaker's turn is 22 s.
        room_id = django_json(
            server,
            f"""
            import json
            from attune.web.rooms.models import Room
            room = Room.objects.get(code={code!r})
            for step in room.plan["steps"][1:]:
                step["seconds"] = 22
            room.save(update_fields=["plan"])
            print(json.dumps(room.pk))
            """,
        )
        host.reload()
        partner.goto(f"{server.url}/rooms/j/{code}/")
        partner.get_by_role("button", name="Join").click()
        partner.locator("#lobby").wait_for()
        host.locator("#lobby-status:has-text('You are both here')").wait_for()
        host.get_by_role("button", name="Begin together").click()
        partner.locator("#step-title:has-text('Agreeing how it goes')").wait_for()
        assert host.locator("#turn").is_hidden()  # agreeing is done together: no turn
        host.get_by_role("button", name="Next step").click()
        for page in (host, partner):
            page.locator("#step-title:has-text('The first person speaks')").wait_for()
            page.locator("#turn:not([hidden])").wait_for()
        assert "Your turn to speak" in host.locator("#step-role").inner_text()
        assert "Your turn to listen" in partner.locator("#step-role").inner_text()
        assert "without fixing" in partner.locator("#turn-hint").inner_text()
        assert "left in this turn" in host.locator("#turn-left").inner_text()
        # The practice's first prompt, the same question on both screens.
        question = "What has been on your mind this week, as it really is?"
        assert question in host.locator("#turn-prompt").inner_text()
        assert "a place to start" in host.locator("#turn-prompt").inner_text()
        assert question in partner.locator("#turn-prompt").inner_text()
        assert "Your partner might start from" in partner.locator("#turn-prompt").inner_text()
        _synced(host)
        _synced(partner)
        gaps = _turn_gaps(host, partner)
        print(f"turn timers: max {max(gaps):.1f} ms apart over {len(gaps)} samples")
        assert max(gaps) <= TOLERANCE_MS, gaps
        assert host.locator("#turn-cue").is_hidden()

        # The soft cue, on both screens, in the last 15 s of the turn.
        for page in (host, partner):
            page.locator("#turn-cue:not([hidden])").wait_for()
        assert "finish your thought" in host.locator("#turn-cue").inner_text()
        assert "your turn to speak" in partner.locator("#turn-cue").inner_text()
        for page in (host, partner):
            page.locator("#step-count").scroll_into_view_if_needed()
        shot(host, "pair-turn-cue-phone", full_page=False)
        shot(partner, "pair-turn-cue-desktop", full_page=False)

        # The swap: both screens change roles at one server instant, with no message between them.
        before = host.evaluate("window.attuneRoom.probe().version")
        for page, role in ((host, "listen"), (partner, "speak")):
            page.locator(f"#step-role:has-text('Your turn to {role}')").wait_for(timeout=25_000)
        assert host.evaluate("window.attuneRoom.probe().version") == before
        assert host.locator("#turn-cue").is_hidden() and partner.locator("#turn-cue").is_hidden()
        # Saying back and then speaking are one turn for the partner: 44 s, counted to the next swap.
        assert partner.evaluate("window.attuneRoom.probe().turn.totalMs") == 44_000
        assert partner.locator("#turn-prompt").is_hidden()  # saying back: no question to start from
        shot(partner, "pair-turn-swapped-desktop", full_page=False)
        shot(host, "pair-turn-swapped-phone")
        assert room_id
    finally:
        for ctx in (host_ctx, partner_ctx):
            ctx.close()


def test_breathing_together_shows_a_shared_heart_only_when_its_owner_shares_it(server: Any, browser: Any) -> None:
    host_ctx = _context(browser, 3000, PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    partner_ctx = _context(browser, -2000, DESKTOP)
    sign_in(server, host_ctx, "heart-host")
    sign_in(server, partner_ctx, "heart-partner")
    host, partner = host_ctx.new_page(), partner_ctx.new_page()
    for p in (host, partner):
        p.set_default_timeout(15_000)
    try:
        host.goto(f"{server.url}/rooms/")
        host.select_option("#id_first", "breathing-together")
        host.fill("#id_minutes", "3")
        host.get_by_role("button", name="Start and get a code").click()
        code = host.locator(".join-code").inner_text().strip()
        partner.goto(f"{server.url}/rooms/j/{code}/")
        partner.get_by_role("button", name="Join").click()
        host.locator("#lobby-status:has-text('You are both here')").wait_for()
        host.get_by_role("button", name="Begin together").click()
        host.get_by_role("button", name="Next step").click()
        for page in (host, partner):
            page.locator("#step-title:has-text('One of you leads')").wait_for()
            page.locator("#strap-panel summary").click()
            page.get_by_role("button", name="Use the demo strap").click()
            page.locator("#strap-status:has-text('Simulated')").wait_for()
        host.locator("#together:not([hidden])").wait_for()  # one's own heart, drawn at once
        host.wait_for_timeout(3000)
        assert host.evaluate("window.attuneRoom.probe().hearts.partner") == 0  # nothing shared yet
        assert "if they choose to share" in host.locator("#together-status").inner_text()
        partner.locator("#opt-share-heart").check()
        host.wait_for_function("() => window.attuneRoom.probe().hearts.partner > 3")
        host.locator("#together-status:has-text('Your partner is sharing')").wait_for()
        assert partner.evaluate("window.attuneRoom.probe().hearts.partner") == 0  # the host keeps theirs
        assert "shown when you both share" in host.locator("#together-sync").inner_text()
        host.locator("#opt-share-heart").check()
        host.locator("#together-sync:has-text('calibrating')").wait_for()  # both share: a minute first
        partner.locator("#together-sync:has-text('calibrating')").wait_for()
        # A minute after both began sharing, the figure: both demo hearts follow the one pacer.
        host.wait_for_function(
            "() => /In step: -?[0-9]/.test(document.getElementById('together-sync').textContent)", timeout=100_000
        )
        figure = host.locator("#together-sync").inner_text()
        print(figure)
        assert "by chance" in figure and "In step: " in partner.locator("#together-sync").inner_text()
        host.locator("#together").scroll_into_view_if_needed()
        shot(host, "pair-together-phone", full_page=False)
        partner.locator("#together").scroll_into_view_if_needed()
        shot(partner, "pair-together-desktop", full_page=False)
    finally:
        for ctx in (host_ctx, partner_ctx):
            ctx.close()
