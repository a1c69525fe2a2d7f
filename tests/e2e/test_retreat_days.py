"""A retreat's days and after, in the browser: the guide builds the schedule, a member checks in on
the retreat's Today and asks for a word, the guide sees the group, and afterwards the member answers
the one-week follow-up and reads their arc.

Time is moved by moving the retreat: the test sets the retreat's dates so that the server's today
falls before, on day 2 of, or a week after the retreat (the server keeps the real clock).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import django_json, shot, sign_in
from test_pair_practice import DESKTOP, PHONE

pytestmark = pytest.mark.e2e


def _place_retreat(server: Any, offset_days: int) -> int:
    """Put the retreat's arrival ``offset_days`` from the venue's today (negative: in the past)."""
    return int(
        django_json(
            server,
            f"""
            import json, datetime as dt
            from django.utils import timezone
            from attune.web.retreats.models import Retreat, RetreatCheckIn, ScheduleItem
            r = Retreat.objects.get(title="Days of slowing down")
            today = timezone.now().astimezone(r.zone).date()
            shift = (today + dt.timedelta(days={offset_days})) - r.starts_on
            Retreat.objects.filter(pk=r.pk).update(starts_on=r.starts_on + shift, ends_on=r.ends_on + shift)
            for item in ScheduleItem.objects.filter(retreat=r):
                ScheduleItem.objects.filter(pk=item.pk).update(day=item.day + shift)
            for c in RetreatCheckIn.objects.filter(application__retreat=r, moment="day"):
                RetreatCheckIn.objects.filter(pk=c.pk).update(day=c.day + shift)
            print(json.dumps(r.pk))
            """,
        )
    )


def test_a_retreats_days_and_after(server: Any, browser: Any) -> None:
    guide_ctx = browser.new_context(viewport=DESKTOP)
    member_ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        sign_in(server, guide_ctx, "days-guide")
        sign_in(server, member_ctx, "days-member")
        pk = django_json(
            server,
            """
            import json, datetime as dt
            from django.contrib.auth import get_user_model
            from attune.web.retreats import actions
            from attune.web.retreats.models import Retreat, Answer
            User = get_user_model()
            User.objects.filter(username="days-guide").update(is_guide=True, display_name="Gwen")
            guide, member = User.objects.get(username="days-guide"), User.objects.get(username="days-member")
            start = dt.date.today() + dt.timedelta(days=30)
            r = Retreat.objects.create(guide=guide, title="Days of slowing down", description="Three days.",
                place="The Old Mill\\nLakeside Road 4", starts_on=start, ends_on=start + dt.timedelta(days=2),
                timezone="Europe/Berlin", capacity=8, status="published")
            a = actions.apply(member, r, [Answer("touch", "Touch?", "yes")])
            actions.accept(a)
            print(json.dumps(r.pk))
            """,
        )
        guide, member = guide_ctx.new_page(), member_ctx.new_page()

        # The guide builds the schedule: a shared practice on day 2 and lunch.
        guide.goto(f"{server.url}/retreats/guide/{pk}/schedule/")
        guide.select_option("#id_day", index=1)
        guide.fill("#id_starts_at", "07:30")
        guide.fill("#id_duration_min", "40")
        guide.select_option("#id_kind", "practice")
        guide.fill("#id_title", "Morning slowing down")
        guide.select_option("#id_practice", index=1)
        guide.get_by_role("button", name="Add", exact=True).click()
        guide.get_by_text("Added: Morning slowing down.").wait_for()
        guide.select_option("#id_day", index=1)
        guide.fill("#id_starts_at", "12:30")
        guide.select_option("#id_kind", "meal")
        guide.fill("#id_title", "Lunch in the garden")
        guide.get_by_role("button", name="Add", exact=True).click()
        guide.get_by_text("Added: Lunch in the garden.").wait_for()
        guide.get_by_role("button", name="Tell everyone about the changes").click()
        guide.get_by_text("We'll email the new schedule to 1 person.").wait_for()
        shot(guide, "retreat-schedule-edit-desktop")

        # Day 2 of the retreat: the member's Today, the check-in, a word.
        _place_retreat(server, -1)
        member.goto(f"{server.url}/retreats/{pk}/today/")
        member.get_by_text("Day 2 of 3").wait_for()
        assert "Morning slowing down" in member.inner_text("main")
        member.locator("label.chip", has_text="Settled").click()
        member.locator("fieldset", has_text="Felt safety").locator("label.chip", has_text="7").first.click()
        member.get_by_role("button", name="Save").click()
        member.get_by_text("Thank you. It's in your arc.").wait_for()
        member.get_by_label("Anything you'd like to say first? (optional)").fill("Could we talk after lunch?")
        member.get_by_role("button", name="Ask for a word").click()
        member.get_by_text("Gwen will see that you'd like a word. Nobody else will.").wait_for()
        shot(member, "retreat-today-phone")
        member.goto(f"{server.url}/retreats/{pk}/schedule/")
        shot(member, "retreat-schedule-phone")

        guide.goto(f"{server.url}/retreats/guide/{pk}/group/")
        assert "Could we talk after lunch?" in guide.inner_text("main")
        assert "1 answered so far; shown once 5 have." in guide.inner_text("main")
        shot(guide, "retreat-group-desktop")

        # A week after: the follow-up, then the arc, shared with the guide.
        _place_retreat(server, -10)
        member.goto(f"{server.url}/retreats/{pk}/today/")
        member.get_by_text("A week after").wait_for()
        member.locator("label.chip", has_text="Settled").click()
        member.locator("fieldset", has_text="Felt safety").locator("label.chip", has_text="8").first.click()
        member.get_by_role("button", name="Save").click()
        member.get_by_text("Thank you. It's in your arc.").wait_for()
        member.get_by_role("link", name="Your arc").click()
        member.get_by_text("1 week after").wait_for()
        member.get_by_role("button", name="Share my arc with Gwen").click()
        member.get_by_text("Gwen can now see your arc.").wait_for()
        shot(member, "retreat-arc-phone")
        guide.goto(f"{server.url}/retreats/guide/{pk}/group/")
        guide.get_by_role("link", name="days-member").click()
        guide.get_by_text("1 week after").wait_for()
        shot(guide, "retreat-arc-guide-desktop")
    finally:
        for ctx in (guide_ctx, member_ctx):
            ctx.close()
