"""The built-in workbook, all 28 days, in a real Chromium with a controllable date.

The server runs with ATTUNE_FAKE_TODAY pinned, so "today" never moves: day 2 is not ready on the
first day, and each later day opens only because the member finished the one before (at their
own pace). Every prompt is answered, every practice recorded with a before and an after, every
check-in step marked, and every day marked done.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import PHONE, Server, shot

sys.path.insert(0, str(Path(__file__).parent))
from helpers import django_json, sign_in

pytestmark = pytest.mark.e2e

FAKE_TODAY = "2025-03-03"
DAYS = 28


@pytest.fixture(scope="module")
def pinned_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = Server(tmp_path_factory.mktemp("attune-e2e-workbook"), extra_env={"ATTUNE_FAKE_TODAY": FAKE_TODAY})
    yield s
    s.stop()


def test_a_member_completes_the_whole_builtin_workbook(pinned_server: Server, browser: Any) -> None:
    server = pinned_server
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    ctx.set_default_timeout(10_000)
    page = ctx.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    sign_in(server, ctx, "wren_builtin")
    began = time.monotonic()

    page.goto(server.url + "/workbooks/coming-home-to-safety/")
    page.get_by_role("button", name="Begin at my own pace").click()
    page.wait_for_url(re.compile(r"/day/1/$"))
    day_one = page.url
    shot(page, "workbook-builtin-phone-day-01")

    # The pinned date holds: day 2 waits until day 1 is done.
    page.goto(day_one.replace("/day/1/", "/day/2/"))
    assert "Day 2 opens once the day before is done" in page.content()
    page.goto(day_one)

    for day in range(1, DAYS + 1):
        assert page.url.endswith(f"/day/{day}/"), page.url
        for _ in range(page.locator(".wb-item-checkin button", has_text="Mark done").count()):
            page.locator(".wb-item-checkin button", has_text="Mark done").first.click()
            page.wait_for_load_state()
        practices = page.locator(".wb-item-practice")
        for i in range(practices.count()):
            item = page.locator(".wb-item-practice").nth(i)
            item.locator("summary").click()
            item.locator("input[name$=-before]").fill("4")
            item.locator("input[name$=-after]").fill("6")
            item.get_by_role("button", name="Save with this day").click()
            page.wait_for_url(re.compile(rf"/day/{day}/"))
        prompts = page.locator("form.prompt-answer")
        for i in range(prompts.count()):
            form = page.locator("form.prompt-answer").nth(i)
            form.locator("textarea[name=body]").fill(f"Day {day}, answer {i + 1}: a small, true thing.")
            form.get_by_role("button", name=re.compile("^Save")).click()
            page.wait_for_url(re.compile(rf"/day/{day}/"))
        page.get_by_role("button", name=f"Mark day {day} done").click()
        if day < DAYS:
            page.wait_for_url(re.compile(rf"/day/{day + 1}/$"))

    page.wait_for_url(re.compile(r"/following/\d+/$"))
    assert "That's the whole workbook" in page.content()
    assert "28</strong> of 28 days done" in page.content()
    shot(page, "workbook-builtin-phone-finished")
    elapsed = time.monotonic() - began

    counts = django_json(
        server,
        """
        import json
        from attune.web.journal.models import JournalEntry
        from attune.web.practices.models import PracticeSession
        from attune.web.workbooks.models import DayProgress, WorkbookVersion
        c = WorkbookVersion.objects.get(workbook__slug="coming-home-to-safety").content
        me = "wren_builtin"
        print(json.dumps({
            "done": DayProgress.objects.filter(enrolment__user__username=me, completed_at__isnull=False).count(),
            "answers": JournalEntry.objects.filter(user__username=me, kind="prompt").count(),
            "prompts": sum(len(d.prompts) for d in c.days),
            "sessions": PracticeSession.objects.filter(user__username=me, before_safety=4, after_safety=6).count(),
            "practices": sum(len(d.practices) for d in c.days),
        }))
        """,
    )
    assert counts["done"] == DAYS
    assert counts["answers"] == counts["prompts"] > 0
    assert counts["sessions"] == counts["practices"] > 0
    assert problems == [], problems
    assert elapsed < 90, f"28 days took {elapsed:.0f} s"
    ctx.close()
