"""Account activity in the browser: a guide opens what a member shared; the member, on a phone,
finds it from their settings page, in plain words, without the guide's address."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import django_json, shot, sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SECRET = "The knot under my ribs loosened when I hummed."
PASSWORD = "a calm long passphrase 29"
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36"
)


def test_a_member_reads_on_a_phone_that_their_guide_opened_a_shared_entry(server: Any, browser: Any) -> None:
    setup = django_json(
        server,
        f"""
        import datetime as dt, json
        from django.contrib.auth import get_user_model
        from attune.content.workbooks import Chapter, Day, Prompt, Reading, Workbook
        from attune.web.journal import actions as journal
        from attune.web.retreats import actions as retreats
        from attune.web.retreats.models import Answer, Retreat, Status
        from attune.web.workbooks import actions
        from attune.web.workbooks.models import Workbook as Row
        User = get_user_model()
        member = User.objects.create_user("act-member", "m@example.org", {PASSWORD!r}, display_name="Mira")
        guide = User.objects.create_user("act-guide", "g@example.org", {PASSWORD!r}, display_name="Gwen", is_guide=True)
        items = (Reading("Hello."), Prompt(key="p", text="Where?"))
        day = Day(number=1, title="Ease", chapter="a", minutes=5, items=items)
        book = Workbook(slug="act-ease", title="Ease", summary="s", guide="Gwen", version=1,
                        chapters=(Chapter(slug="a", title="A"),), days=(day,))
        row, _ = Row.objects.get_or_create(slug="act-ease", defaults={{"owner": guide}})
        version, _ = actions.publish(row, book, {{}})
        cohort = actions.create_cohort(guide, version, "Spring group", dt.date(2026, 3, 1))
        actions.join_cohort(member, cohort)
        entry = journal.write_entry(member, body={SECRET!r})
        journal.share_entry(entry, guide)
        start = dt.date.today() + dt.timedelta(days=60)
        retreat = Retreat.objects.create(guide=guide, title="Slow days by the lake", description="d", place="p",
            starts_on=start, ends_on=start + dt.timedelta(days=3), timezone="Europe/Berlin", capacity=8,
            price="480 EUR", status=Status.PUBLISHED)
        application = retreats.apply(member, retreat, [Answer("safety", "Anything to know?", "A sore shoulder")])
        print(json.dumps({{"entry": entry.pk, "application": application.pk}}))
        """,
    )
    member_ctx = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, user_agent=PHONE_UA
    )
    guide_ctx = browser.new_context(viewport=DESKTOP)
    desk_ctx = browser.new_context(viewport=DESKTOP)
    try:
        member = member_ctx.new_page()
        # One wrong password, then the right one, through the real form.
        member.goto(f"{server.url}/accounts/login/")
        member.fill("#id_username", "act-member")
        member.fill("#id_password", "not my password at all")
        member.get_by_role("button", name="Log in").click()
        member.fill("#id_username", "act-member")
        member.fill("#id_password", PASSWORD)
        member.get_by_role("button", name="Log in").click()
        member.wait_for_url(lambda url: "/accounts/login/" not in url)

        sign_in(server, guide_ctx, "act-guide")
        guide = guide_ctx.new_page()
        guide.goto(f"{server.url}/journal/shared/{setup['entry']}/")
        assert SECRET in guide.inner_text("main")
        guide.goto(f"{server.url}/retreats/guide/applications/{setup['application']}/")

        member.goto(f"{server.url}/accounts/settings/")
        member.get_by_role("link", name="Account activity").click()
        text = member.inner_text("main")
        assert "Gwen opened a journal entry you shared" in text
        assert "Gwen read your intake answers for Slow days by the lake" in text
        assert "Someone tried to sign in with a wrong password" in text
        assert "You signed in" in text and "Chrome on Android" in text
        assert SECRET not in text
        shot(member, "activity-phone")

        sign_in(server, desk_ctx, "act-member")
        desk = desk_ctx.new_page()
        desk.goto(f"{server.url}/accounts/activity/")
        shot(desk, "activity-desktop")
        desk.goto(f"{server.url}/accounts/settings/")
        shot(desk, "settings-with-activity-desktop")
    finally:
        for ctx in (member_ctx, guide_ctx, desk_ctx):
            ctx.close()
