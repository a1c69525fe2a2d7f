"""A guide's workshop beyond the plan: straps on the console, changing and cancelling, a note after.

Members with straps are bare websockets sending a slow-breathing heart's RR intervals; the guide's
console (phone and desktop) counts them and shows the room's median coherence only from five.
"""

from __future__ import annotations

import math
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import django_json
from test_pair_practice import DESKTOP, PHONE, shot
from test_workshop_flow import Socket

pytestmark = pytest.mark.e2e

GUIDE = "wm-guide"
MEMBERS = tuple(f"wm-member{i}" for i in range(1, 7))


def _setup(server: Any, title: str) -> dict[str, Any]:
    return dict(
        django_json(
            server,
            f"""
            import json
            from datetime import timedelta
            from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
            from attune.web.accounts import mfa
            from attune.web.accounts.sessions import SessionStore
            from django.utils import timezone
            from attune.web.rooms import actions
            from attune.web.rooms.plan import group_pacer
            User = get_user_model()
            sessions = {{}}
            for name in {(GUIDE, *MEMBERS)!r}:
                u, _ = User.objects.get_or_create(username=name, defaults={{"email": name + "@example.org",
                    "is_guide": name == {GUIDE!r}}})
                s = SessionStore()
                s[SESSION_KEY] = str(u.pk)
                s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
                s[HASH_SESSION_KEY] = u.get_session_auth_hash()
                mfa.mark_session_verified(s, u, "test")
                s.create()
                sessions[name] = s.session_key
            w = actions.schedule_workshop(User.objects.get(username={GUIDE!r}), [group_pacer(10)],
                title={title!r}, starts_at=timezone.now() + timedelta(days=2), duration_min=45, capacity=20,
                description="Slow breathing together, with straps if you have one.", place="The garden room")
            for name in {MEMBERS!r}:
                actions.enrol(User.objects.get(username=name), w)
            print(json.dumps({{"room": w.room_id, "workshop": w.pk, "sessions": sessions}}))
            """,
        )
    )


def _context(browser: Any, server: Any, session: str, viewport: dict[str, int]) -> Any:
    ctx = browser.new_context(viewport=viewport)
    ctx.add_cookies([{"name": "sessionid", "value": session, "url": server.url}])
    return ctx


def _rr(seconds: float) -> list[float]:
    out, t = [], 0.0
    while t < seconds:
        out.append(round(950.0 + 60.0 * math.sin(2 * math.pi * 0.1 * t), 1))
        t += out[-1] / 1000.0
    return out


def _send_strap(sock: Socket, seconds: float = 70.0) -> None:
    rr = _rr(seconds)
    for i in range(0, len(rr), 16):
        sock.ws.send(__import__("json").dumps({"type": "beats", "rr_ms": rr[i : i + 16], "demo": False}))


def test_the_console_counts_straps_and_shows_the_median_only_from_five(server: Any, browser: Any) -> None:
    setup = _setup(server, "Straps in the garden room")
    guide_phone = _context(browser, server, setup["sessions"][GUIDE], PHONE)
    guide_desk = _context(browser, server, setup["sessions"][GUIDE], DESKTOP)
    phone, desk = guide_phone.new_page(), guide_desk.new_page()
    try:
        with ExitStack() as stack:
            for page in (phone, desk):
                page.set_default_timeout(15_000)
                page.goto(f"{server.url}/rooms/{setup['room']}/")
                page.locator("#straps-count:has-text('No straps connected')").wait_for()
            sockets = [Socket(server, setup["room"], setup["sessions"][m], stack) for m in MEMBERS[:5]]
            for sock in sockets[:4]:
                _send_strap(sock)
            for page in (phone, desk):
                page.locator("#straps-count:has-text('4 straps connected')").wait_for()
                assert "(4 so far)" in page.locator("#straps-median").inner_text()
            desk.locator("#straps").scroll_into_view_if_needed()
            shot(desk, "workshop-console-four-straps-desktop", full_page=False)
            _send_strap(sockets[4])
            for page in (phone, desk):
                page.locator("#straps-median:has-text('median coherence:')").wait_for()
                assert "5 straps connected" in page.locator("#straps-count").inner_text()
                assert "from 5 straps" in page.locator("#straps-median").inner_text()
            phone.locator("#straps").scroll_into_view_if_needed()
            shot(phone, "workshop-console-straps-phone", full_page=False)
            shot(desk, "workshop-console-straps-desktop")
    finally:
        guide_phone.close()
        guide_desk.close()


def test_a_guide_changes_and_cancels_a_workshop_and_a_member_sees_why(server: Any, browser: Any) -> None:
    setup = _setup(server, "An evening to change")
    guide = _context(browser, server, setup["sessions"][GUIDE], DESKTOP)
    guide_phone = _context(browser, server, setup["sessions"][GUIDE], PHONE)
    member = _context(browser, server, setup["sessions"][MEMBERS[0]], PHONE)
    g, gp, m = guide.new_page(), guide_phone.new_page(), member.new_page()
    url = f"{server.url}/rooms/workshops/{setup['workshop']}/"
    try:
        g.goto(url)
        shot(g, "workshop-guide-page-desktop")
        gp.goto(url)
        gp.get_by_role("link", name="Change the details").click()
        shot(gp, "workshop-edit-phone")
        gp.fill("#id_capacity", "3")  # six people have a place: refused, kindly
        gp.get_by_role("button", name="Save the changes").click()
        assert "6 people have a place already" in gp.content()
        gp.fill("#id_capacity", "12")
        gp.fill("#id_place", "The barn")
        gp.get_by_role("button", name="Save the changes").click()
        gp.wait_for_url(url)
        assert "The barn" in gp.content() and "6 of 12 taken" in gp.content()
        m.goto(url)
        assert "Change the details" not in m.content() and "Cancel this workshop" not in m.content()
        g.reload()
        g.locator("summary:has-text('Cancel this workshop')").click()
        g.fill("#id_note", "I'm unwell this week; I'll write when we can meet.")
        shot(g, "workshop-cancel-desktop")
        g.get_by_role("button", name="Cancel the workshop and tell everyone").click()
        g.locator("#called-off").wait_for()
        m.reload()
        assert "The guide has cancelled this workshop" in m.locator("#called-off").inner_text()
        assert "I'm unwell" in m.content() and "Go to the room" not in m.content()
        shot(m, "workshop-cancelled-phone")
    finally:
        for ctx in (guide, guide_phone, member):
            ctx.close()


def test_after_a_workshop_a_member_is_invited_to_a_note(server: Any, browser: Any) -> None:
    setup = _setup(server, "An evening that ran")
    django_json(
        server,
        f"""
        import json
        from attune.web.rooms import actions
        from attune.web.rooms.models import Participant, Role
        host = Participant.objects.get(room_id={setup['room']}, role=Role.HOST)
        actions.control({setup['room']}, host.pk, "start")
        actions.control({setup['room']}, host.pk, "stop")
        print(json.dumps(True))
        """,
    )
    for viewport, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        ctx = _context(browser, server, setup["sessions"][MEMBERS[1]], viewport)
        page = ctx.new_page()
        try:
            page.goto(f"{server.url}/rooms/workshops/{setup['workshop']}/")
            page.locator("#note:has-text('What stayed with you')").wait_for()
            shot(page, f"workshop-note-{name}")
            if name == "phone":
                page.fill("#id_body", "My shoulders came down from my ears.")
                page.get_by_role("button", name="Keep it in my journal").click()
                page.locator("#note:has-text('your journal')").wait_for()
                page.goto(f"{server.url}/journal/")
                assert "My shoulders came down" in page.content()
        finally:
            ctx.close()
