"""A whole workshop: a guide and two members in Chromium, six more on bare websockets, one plan.

Every screen follows the guide's console through the steps (start, next, pause, resume, back,
end), and the room's shift stays hidden at four answers and appears at the fifth, before and after.
"""

from __future__ import annotations

import json
import re
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import django_json
from test_pair_practice import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

GUIDE = "wf-guide"
IN_BROWSER = ("wf-ana", "wf-ben")
ON_SOCKETS = tuple(f"wf-member{i}" for i in range(1, 7))
HIDDEN_AT_FOUR = "Shown from 5 answers (4 so far)."


def _workshop_with_sessions(server: Any) -> dict[str, Any]:
    """The people, a signed-in session for each, and a workshop they all have a place in."""
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
            from attune.web.practices.library import current_library
            from attune.web.rooms import actions
            from attune.web.rooms.plan import group_pacer
            User = get_user_model()
            sessions = {{}}
            for name in {(GUIDE, *IN_BROWSER, *ON_SOCKETS)!r}:
                u = User.objects.create_user(name, name + "@example.org", is_guide=name == {GUIDE!r})
                s = SessionStore()
                s[SESSION_KEY] = str(u.pk)
                s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
                s[HASH_SESSION_KEY] = u.get_session_auth_hash()
                mfa.mark_session_verified(s, u, "test")
                s.create()
                sessions[name] = s.session_key
            w = actions.schedule_workshop(
                User.objects.get(username={GUIDE!r}), [group_pacer(5), current_library()["around-the-circle"]],
                title="An evening of slowing down", starts_at=timezone.now() + timedelta(minutes=2),
                duration_min=30, capacity=20)
            for name in {(*IN_BROWSER, *ON_SOCKETS)!r}:
                actions.enrol(User.objects.get(username=name), w)
            print(json.dumps({{"room": w.room_id, "sessions": sessions}}))
            """,
        )
    )


class Socket:
    """A member on a bare websocket (no browser): what a phone's page would receive."""

    def __init__(self, server: Any, room: int, session: str, stack: ExitStack) -> None:
        from websockets.sync.client import connect

        self.ws = stack.enter_context(
            connect(
                f"ws://127.0.0.1:{server.port}/ws/rooms/{room}/",
                origin=server.url,
                additional_headers={"Cookie": f"sessionid={session}"},
                proxy=None,
            )
        )
        self.welcome = self.next("welcome")

    def next(self, kind: str, timeout_s: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while True:
            message = json.loads(self.ws.recv(timeout=max(0.01, deadline - time.monotonic())))
            if message["type"] == kind:
                return dict(message)

    def version(self, version: int) -> dict[str, Any]:
        """The timeline broadcast that brings this screen to ``version``."""
        while True:
            message = self.next("timeline")
            if message["state"]["version"] >= version:
                assert message["state"]["version"] == version, "a change went missing"
                return message


def _reading(ctx: Any, server: Any, room: int, phase: str, safety: int, state: str) -> None:
    """A member's two taps, posted as their page does (with the page's CSRF token)."""
    page = ctx.request.get(f"{server.url}/rooms/{room}/")
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page.text())
    assert page.ok and token
    answer = ctx.request.post(
        f"{server.url}/rooms/{room}/reading/",
        form={"phase": phase, "safety": str(safety), "state": state},
        headers={"X-CSRFToken": token.group(1), "Referer": f"{server.url}/rooms/{room}/"},
    )
    assert answer.ok, answer.text()


def _tap_reading(page: Any, phase: str, safety: int, state: str) -> None:
    form = page.locator(f"#{phase}")
    form.locator(f'label.chip:has(input[name="{phase}-safety"][value="{safety}"])').click()
    form.locator(f'label.chip:has(input[name="{phase}-state"][value="{state}"])').click()
    form.get_by_role("button", name="Save").click()
    page.locator(f"#{phase}-saved:has-text('Saved, just for you.')").wait_for()


def _all_follow(pages: dict[str, Any], sockets: list[Socket], version: int) -> set[tuple[str | None, int | None]]:
    """Wait until every screen is at ``version``; where each one is (state and step) must agree."""
    for page in pages.values():
        page.wait_for_function("v => window.attuneRoom && window.attuneRoom.probe().version >= v", arg=version)
    states = [s.version(version)["state"] for s in sockets]
    assert all(state == states[0] for state in states)
    return {(p["state"], p["step"]) for p in (page.evaluate("window.attuneRoom.probe()") for page in pages.values())}


def _shift_texts(pages: dict[str, Any], phase: str) -> set[str]:
    return {page.locator(f"#shift-{phase}").inner_text() for page in pages.values() if page.locator("#shift").count()}


def _wait_shift(pages: dict[str, Any], phase: str, expected: str) -> None:
    for page in pages.values():
        if page.locator("#shift").count():
            page.locator(f"#shift-{phase}:has-text('{expected}')").wait_for()


def test_a_workshop_follows_the_guide_and_shows_its_shift_only_from_five_answers(server: Any, browser: Any) -> None:
    made = _workshop_with_sessions(server)
    room, sessions = made["room"], made["sessions"]
    contexts = {
        GUIDE: browser.new_context(viewport=DESKTOP),
        "projector": browser.new_context(viewport=DESKTOP),
        IN_BROWSER[0]: browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True),
        IN_BROWSER[1]: browser.new_context(viewport=DESKTOP),
        **{name: browser.new_context() for name in ON_SOCKETS},  # only for posting their readings
    }
    stack = ExitStack()
    try:
        for name, ctx in contexts.items():
            session = sessions[GUIDE if name == "projector" else name]
            ctx.add_cookies([{"name": "sessionid", "value": session, "url": server.url}])
        pages = {name: contexts[name].new_page() for name in (GUIDE, "projector", *IN_BROWSER)}
        for name, page in pages.items():
            page.set_default_timeout(10_000)
            page.goto(f"{server.url}/rooms/{room}/{'projector/' if name == 'projector' else ''}")
        sockets = [Socket(server, room, sessions[name], stack) for name in ON_SOCKETS]
        assert {s.welcome["state"]["version"] for s in sockets} == {0}
        assert not any(s.welcome["you"]["can_control"] for s in sockets)

        # Before: four answers show nothing but the count, anywhere; the fifth shows the distribution.
        for name, safety in zip(ON_SOCKETS[:3], (3, 4, 6), strict=True):
            _reading(contexts[name], server, room, "before", safety, "activated")
        _tap_reading(pages["wf-ana"], "before", 5, "shut_down")
        _wait_shift(pages, "before", HIDDEN_AT_FOUR)
        fourth = sockets[-1].next("shift")["shift"]
        while fourth["before"]["answers"] < 4:
            fourth = sockets[-1].next("shift")["shift"]
        assert fourth["before"] == {"answers": 4, "shown": False, "states": None, "safety_median": None}
        assert _shift_texts(pages, "before") == {HIDDEN_AT_FOUR}
        _tap_reading(pages["wf-ben"], "before", 7, "settled")
        _wait_shift(pages, "before", "5 answers")
        assert _shift_texts(pages, "before") == {
            "5 answers · settled 1, activated 3, shut down 1 · median felt safety 5"
        }
        fifth = sockets[-1].next("shift")["shift"]
        assert fifth["before"]["shown"] and fifth["before"]["states"] == {"settled": 1, "activated": 3, "shut_down": 1}
        assert not any(name in json.dumps(fifth) for name in sessions)

        # The plan, led from the console: every page and every socket follows each change.
        console = pages[GUIDE]
        console.get_by_role("button", name="Begin the workshop").click()
        assert _all_follow(pages, sockets, 1) == {("running", 0)}
        steps = [("Next step", 2, "running"), ("Pause", 3, "paused"), ("Resume", 4, "running"),
                 ("Back a step", 5, "running"), ("Next step", 6, "running"), ("Next step", 7, "running")]
        seen_steps = []
        for button, version, state in steps:
            console.get_by_role("button", name=button).click()
            (where,) = _all_follow(pages, sockets, version)
            assert where[0] == state
            seen_steps.append(where[1])
            titles = {p.locator("#step-title").inner_text() for p in pages.values()}
            assert len(titles) == 1 and titles != {""}
        assert seen_steps == [1, 1, 1, 0, 1, 2]
        console.get_by_role("button", name="End the workshop").click()
        ended = _all_follow(pages, sockets, 8)
        assert len(ended) == 1 and next(iter(ended))[0] == "ended", ended
        for name in IN_BROWSER:
            pages[name].locator("#after:visible").wait_for()

        # After: the same rule, and the median change only once five people have both readings.
        for name, safety in zip(ON_SOCKETS[:3], (5, 6, 6), strict=True):
            _reading(contexts[name], server, room, "after", safety, "settled")
        _tap_reading(pages["wf-ben"], "after", 8, "settled")
        _wait_shift(pages, "after", HIDDEN_AT_FOUR)
        assert {p.locator("#shift-change").inner_text() for p in (pages[GUIDE], pages["wf-ben"])} == {""}
        _tap_reading(pages["wf-ana"], "after", 6, "activated")
        _wait_shift(pages, "after", "5 answers")
        for name in (GUIDE, *IN_BROWSER):
            pages[name].locator("#shift-change:has-text('Median change in felt safety: +1')").wait_for()
        after = "5 answers · settled 4, activated 1, shut down 0 · median felt safety 6"
        assert _shift_texts(pages, "after") == {after}
    finally:
        stack.close()
        for ctx in contexts.values():
            ctx.close()
