"""Issue 5's acceptance flow in a real Chromium against a real server.

A guide uploads a workbook, creates a cohort and invites; a member joins through the link and
completes a day (reading, a practice with before and after, a journal answer), and does the next
day's practice in the real player, which leads back to the day and counts for it; the guide sees the
progress but not the private answer; the member shares it and the guide sees it; the member takes
it back and the guide no longer sees it. Then the member prints the workbook with their answers.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import DESKTOP, PHONE, shot

sys.path.insert(0, str(Path(__file__).parent))
from helpers import django_json, sign_in

pytestmark = pytest.mark.e2e

ANSWER = "Sitting on the back step with my sister, shoulders low, breathing slowly."

WORKBOOK_MD = """---
slug: evening-ease
title: Evening ease
summary: Three short evenings of slowing down before sleep.
guide: Gwen
chapters:
  - slug: arriving
    title: Arriving
---
Three small evenings. Take what helps and leave the rest.
"""

DAY_MD = """---
day: {n}
title: Evening {n}
chapter: arriving
minutes: 6
items:
  - reading
  - practice: hand-on-heart
  - prompt: When did you last feel at ease with someone? (evening {n})
    key: ease-{n}
---
Tonight's reading for evening {n}: *let the day settle* before anything else.
"""


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("evening-ease/workbook.md", WORKBOOK_MD)
        for n in (1, 2, 3):
            archive.writestr(f"evening-ease/days/day-0{n}.md", DAY_MD.format(n=n))
    return buffer.getvalue()


def _context(browser: Any, viewport: dict[str, int]) -> Any:
    extra = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if viewport is PHONE else {}
    ctx = browser.new_context(viewport=viewport, **extra)
    ctx.set_default_timeout(10_000)
    return ctx


def _chip(page: Any, name: str, value: str) -> None:
    page.locator(f"label.chip:has(input[name='{name}'][value='{value}'])").first.click()


def _practice_in_the_player(browser: Any, member_ctx: Any, day_url: str, errors: list[str]) -> None:
    """Begin the day's practice in the real player (on a fast clock) and come back to the day."""
    ctx = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, storage_state=member_ctx.storage_state()
    )
    ctx.set_default_timeout(10_000)
    page = ctx.new_page()
    _watch(page, errors)
    page.clock.install()
    page.goto(day_url)
    page.get_by_role("link", name="Begin the practice").click()
    page.wait_for_url(re.compile(r"/practices/hand-on-heart/play/\?next="))
    _chip(page, "before-safety", "2")
    page.locator("#before [data-action=save]").click()
    page.wait_for_selector("#run:not([hidden])")
    for _ in range(40):  # up to 20 simulated minutes, in 30 s strides
        if page.locator("#after:not([hidden])").count():
            break
        page.clock.run_for(30_000)
    _chip(page, "after-safety", "7")
    page.locator("#after [data-action=save]").click()
    page.wait_for_selector("#done:not([hidden])")
    shot(page, "workbook-phone-03-player-done")
    page.get_by_role("link", name="Back to your workbook").click()
    page.wait_for_url(day_url)
    assert "felt safety 2 → 7" in page.content()
    ctx.close()


def _watch(page: Any, errors: list[str]) -> None:
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Failed loads are caught with their address by the response handler below.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    # A request the browser itself cancels because the page moved on (net::ERR_ABORTED, e.g. the icon
    # while a navigation starts) is not a failure of attune's; anything else is.
    page.on(
        "requestfailed",
        lambda req: errors.append(f"{req.url} {req.failure}") if req.failure != "net::ERR_ABORTED" else None,
    )
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and "/journal/shared/" not in r.url else None,
    )


def test_a_guide_leads_a_cohort_and_sees_only_what_a_member_shares(server: Any, browser: Any, tmp_path: Path) -> None:
    errors: list[str] = []
    guide_ctx = _context(browser, DESKTOP)
    member_ctx = _context(browser, PHONE)
    sign_in(server, guide_ctx, "gwen_wb")
    server.manage("createguide", "gwen_wb")
    sign_in(server, member_ctx, "mara_wb")
    guide, member = guide_ctx.new_page(), member_ctx.new_page()
    _watch(guide, errors)
    _watch(member, errors)

    # The guide uploads the workbook.
    guide.goto(server.url + "/workbooks/guide/")
    archive = tmp_path / "evening-ease.zip"
    archive.write_bytes(_zip())
    guide.set_input_files("input[name=archive]", str(archive))
    guide.get_by_role("button", name="Check and publish").click()
    guide.wait_for_url(re.compile(r"/workbooks/evening-ease/versions/$"))
    assert "Published version 1 of Evening ease" in guide.content()
    shot(guide, "workbook-desktop-01-guide-versions")

    # ... creates a cohort that began yesterday, and copies the invitation link.
    guide.get_by_role("link", name="Start a group").first.click()
    guide.fill("input[name=title]", "Autumn evenings")
    guide.fill("input[name=start_date]", (dt.date.today() - dt.timedelta(days=1)).isoformat())
    guide.get_by_role("button", name="Create the group").click()
    guide.wait_for_url(re.compile(r"/workbooks/guide/cohorts/\d+/$"))
    dashboard = guide.url
    invite = guide.input_value("#invite-url")
    assert "/workbooks/join/" in invite
    shot(guide, "workbook-desktop-02-guide-cohort-empty")

    # The member joins through the link.
    member.goto(invite)
    shot(member, "workbook-phone-01-join")
    member.get_by_role("button", name="Join Autumn evenings").click()
    member.wait_for_url(re.compile(r"/workbooks/following/\d+/$"))
    member.get_by_role("link", name=re.compile("^Open day 1")).click()
    member.wait_for_url(re.compile(r"/day/1/$"))
    day_url = member.url

    # Day 1: the reading, a practice with before and after, a journal answer.
    assert member.locator(".wb-reading em", has_text="let the day settle").is_visible()
    member.get_by_text("Done it another way? Note how it went").click()
    member.fill("input[name=p1-before]", "3")
    member.fill("input[name=p1-after]", "6")
    member.get_by_role("button", name="Save with this day").click()
    member.wait_for_url(re.compile(r"/day/1/"))
    assert "felt safety 3 → 6" in member.content()
    member.fill("textarea[name=body]", ANSWER)
    member.get_by_role("button", name="Save to your journal").click()
    member.wait_for_url(re.compile(r"/day/1/"))
    assert ANSWER in member.input_value("textarea[name=body]")
    assert "Private: only you can read this." in member.content()
    shot(member, "workbook-phone-02-day-answered")
    member.get_by_role("button", name="Mark day 1 done").click()
    member.wait_for_url(re.compile(r"/day/2/$"))
    assert "Day 1 is done. Day 2 is there whenever you're ready." in member.content()

    # Day 2's practice through the real player, which leads back to the day and counts for it.
    _practice_in_the_player(browser, member_ctx, member.url, errors)

    # The guide sees the progress, but not the private answer.
    guide.goto(dashboard)
    people = guide.locator("table.wb-people").inner_text()
    assert "mara_wb" in people and "1 of 3" in people and "day 2" in people
    assert ANSWER not in guide.content()
    assert "calibrating" in guide.content()
    shot(guide, "workbook-desktop-03-guide-progress")
    guide.get_by_role("link", name="Entries shared with you").click()
    assert ANSWER not in guide.content()

    # The member shares the answer with the guide; the guide sees it.
    member.goto(day_url)
    member.get_by_role("link", name="Share with your guide").click()
    with member.expect_navigation():  # the POST and its redirect, before the page is read
        member.get_by_role("button", name="Share this entry").click()
    assert "gwen_wb" in member.content()
    guide.reload()
    assert ANSWER in guide.content()
    shot(guide, "workbook-desktop-04-guide-shared")

    # The member takes it back; the guide no longer sees it.
    with member.expect_navigation():
        member.get_by_role("button", name="Take it back").click()
    guide.reload()
    assert ANSWER not in guide.content()
    entry_ids = django_json(
        server,
        """
        import json
        from attune.web.journal.models import JournalEntry
        print(json.dumps([e.pk for e in JournalEntry.objects.filter(user__username="mara_wb")]))
        """,
    )
    response = guide.goto(f"{server.url}/journal/shared/{entry_ids[0]}/")
    assert response is not None and response.status == 404

    # The member prints the workbook with their own answer.
    member.goto(day_url.replace("/day/1/", "/print/"))
    assert ANSWER in member.locator(".wb-answer-text").first.inner_text()
    member.emulate_media(media="print")
    assert member.locator("header.top").is_hidden()
    pdf = member.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
    (tmp_path / "workbook.pdf").write_bytes(pdf)
    member.emulate_media(media="screen")

    # The same day page on a desktop, for the screenshots.
    wide = browser.new_context(viewport=DESKTOP, storage_state=member_ctx.storage_state())
    page = wide.new_page()
    page.goto(day_url)
    shot(page, "workbook-desktop-05-member-day")
    page.goto(day_url.replace("/day/1/", "/"))
    shot(page, "workbook-desktop-06-member-progress")
    wide.close()
    guide_ctx.close()
    member_ctx.close()
    assert errors == [], errors
