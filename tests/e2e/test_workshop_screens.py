"""A workshop as the guide's console, a participant's phone and the projector, following one timeline."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import django_json, sign_in
from test_pair_practice import DESKTOP, PHONE, shot

pytestmark = pytest.mark.e2e


def _workshop(server: Any) -> dict[str, Any]:
    return dict(
        django_json(
            server,
            """
            import json
            from datetime import timedelta
            from django.utils import timezone
            from django.contrib.auth import get_user_model
            from attune.web.practices.library import current_library
            from attune.web.rooms import actions
            from attune.web.rooms.plan import group_pacer
            User = get_user_model()
            guide = User.objects.get(username="ws-guide")
            guide.is_guide = True
            guide.display_name = "Gwen"
            guide.save()
            lib = current_library()
            w = actions.schedule_workshop(
                guide, [group_pacer(5), lib["around-the-circle"]], title="Slowing down together",
                starts_at=timezone.now() + timedelta(minutes=5), duration_min=45, capacity=12)
            for name in ("ws-member", "ws-phone"):
                actions.enrol(User.objects.get(username=name), w)
            print(json.dumps({"workshop": w.pk, "room": w.room_id, "code": w.room.code}))
            """,
        )
    )


def test_every_screen_follows_the_guides_console(server: Any, browser: Any) -> None:
    contexts = {
        "guide": browser.new_context(viewport=DESKTOP),
        "member": browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True),
        "projector": browser.new_context(viewport=DESKTOP),
        "guide-phone": browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True),
        "member-desktop": browser.new_context(viewport=DESKTOP),
    }
    try:
        sign_in(server, contexts["guide"], "ws-guide")
        sign_in(server, contexts["guide-phone"], "ws-guide")
        sign_in(server, contexts["projector"], "ws-guide")
        sign_in(server, contexts["member"], "ws-member")
        sign_in(server, contexts["member-desktop"], "ws-phone")
        made = _workshop(server)
        pages = {name: ctx.new_page() for name, ctx in contexts.items()}
        room_url = f"{server.url}/rooms/{made['room']}/"
        pages["member"].goto(f"{server.url}/rooms/workshops/{made['workshop']}/")
        shot(pages["member"], "workshop-page-phone")
        for name in ("guide", "guide-phone", "member", "member-desktop"):
            pages[name].goto(room_url)
        pages["projector"].goto(f"{room_url}projector/")
        assert made["code"] in pages["projector"].locator(".join-code").inner_text()
        assert pages["projector"].locator(".qr svg").count() == 1
        shot(pages["guide"], "workshop-console-lobby-desktop")

        pages["guide"].get_by_role("button", name="Begin the workshop").click()
        for name in ("member", "member-desktop", "projector", "guide-phone"):
            pages[name].locator("#step-title:has-text('Breathing together')").wait_for()
            pages[name].locator("#pacer-box:not([hidden])").wait_for()
        assert pages["member"].get_by_role("button", name="Next step").count() == 0  # participants follow
        pages["member"].wait_for_timeout(1200)
        shot(pages["guide"], "workshop-console-desktop", full_page=False)
        shot(pages["guide-phone"], "workshop-console-phone")
        shot(pages["member"], "workshop-participant-phone", full_page=False)
        shot(pages["member-desktop"], "workshop-participant-desktop", full_page=False)
        shot(pages["projector"], "workshop-projector-desktop", full_page=False)
        pages["member"].get_by_role("button", name="Only the pacer").click()
        assert pages["member"].locator("#step-text").is_hidden()
        shot(pages["member"], "workshop-only-pacer-phone", full_page=False)

        pages["guide"].get_by_role("button", name="Next step").click()
        for name in ("member", "projector"):
            pages[name].locator("#step-title:has-text('Agreeing together')").wait_for()
            pages[name].locator("#group-consent:not([hidden])").wait_for()  # touch in a group: consent and a solo way
        pages["member"].get_by_role("button", name="Show everything").click()
        shot(pages["member"], "workshop-touch-step-phone", full_page=False)
        projector = pages["projector"]
        projector.set_viewport_size(PHONE)
        shot(projector, "workshop-projector-phone")
    finally:
        for ctx in contexts.values():
            ctx.close()
