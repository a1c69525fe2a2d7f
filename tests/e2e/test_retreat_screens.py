"""A retreat in the browser: the guide plans it, a member applies on a phone, the guide accepts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import django_json, shot, sign_in
from test_pair_practice import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

SAFETY = "A sore shoulder; I'd rather not lie on my left side."


def test_a_guide_plans_a_retreat_and_accepts_a_member_who_applied_on_a_phone(server: Any, browser: Any) -> None:
    guide_ctx = browser.new_context(viewport=DESKTOP)
    member_ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    guide_phone_ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        for ctx in (guide_ctx, guide_phone_ctx):
            sign_in(server, ctx, "rt-guide")
        django_json(
            server,
            """
            import json
            from django.contrib.auth import get_user_model
            get_user_model().objects.filter(username="rt-guide").update(is_guide=True, display_name="Gwen")
            print(json.dumps({}))
            """,
        )
        sign_in(server, member_ctx, "rt-member")
        guide, member, guide_phone = guide_ctx.new_page(), member_ctx.new_page(), guide_phone_ctx.new_page()

        guide.goto(f"{server.url}/retreats/guide/new/")
        guide.fill("#id_title", "Three quiet days on the coast")
        guide.fill("#id_description", "Four days of slowing down together.")
        guide.fill("#id_place", "The Old Mill\nLakeside Road 4")
        guide.fill("#id_starts_on", "2030-06-01")
        guide.fill("#id_ends_on", "2030-06-04")
        guide.select_option("#id_timezone", "Europe/Berlin")
        guide.fill("#id_capacity", "8")
        guide.fill("#id_price", "480 EUR, meals included")
        guide.fill("#id_bring", "Warm socks and a blanket.")
        guide.select_option("#id_status", "published")
        shot(guide, "retreat-plan-desktop")
        guide.get_by_role("button", name="Save").click()
        guide.fill("#id_text", "What do you eat?")
        guide.get_by_role("button", name="Add the question").click()
        guide.get_by_text("What do you eat?").wait_for()

        member.goto(f"{server.url}/retreats/")
        member.get_by_role("link", name="Three quiet days on the coast").click()
        member.get_by_role("link", name="Apply").click()
        member.get_by_label("What do you eat?").fill("Vegetarian")
        member.get_by_label("Is there anything your guide should know to keep you safe?").fill(SAFETY)
        member.get_by_label("No, I'd rather take the solo alternative.").check()
        shot(member, "retreat-apply-phone")
        member.get_by_role("button", name="Send my application").click()
        member.get_by_text("Waiting for the guide").wait_for()

        guide.goto(f"{server.url}/retreats/guide/")
        assert "Waiting for you" in guide.inner_text("main")
        shot(guide, "retreat-overview-desktop")
        guide_phone.goto(f"{server.url}/retreats/guide/")
        shot(guide_phone, "retreat-overview-phone")

        guide.get_by_role("link", name="Three quiet days on the coast").click()
        guide.get_by_role("link", name="rt-member").click()
        assert SAFETY in guide.inner_text("main")
        guide.get_by_role("button", name="Accept").click()
        guide.get_by_role("button", name="Decline and free the place").wait_for()
        assert guide.get_by_role("button", name="Accept").count() == 0
        shot(guide, "retreat-application-desktop")

        member.reload()
        member.get_by_text("Given a place", exact=True).wait_for()
        member.get_by_label("Yes, invite me. I can still say no on the day.").check()
        member.get_by_role("button", name="Change my answer").click()
        member.get_by_text("Changed. Your guide sees your new answer.").wait_for()
        shot(member, "retreat-mine-phone")
    finally:
        for ctx in (guide_ctx, member_ctx, guide_phone_ctx):
            ctx.close()
