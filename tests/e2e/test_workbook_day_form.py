"""A guide edits a day of their workbook through the form, watches the live preview follow, and saves.

The workbook's own form (title, summary, chapters, introduction) has the same live preview: the
workbook's page as a member sees it. At 390x844 the Markdown sits under the fields; on a desktop,
beside them.
"""

from __future__ import annotations

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

WORKBOOK_MD = """---
slug: {slug}
title: Quiet evenings
summary: Two short evenings of slowing down.
chapters:
  - slug: arriving
    title: Arriving
---
Two small evenings.
"""

DAY_MD = """---
day: {n}
title: Evening {n}
chapter: arriving
minutes: 6
items:
  - reading
  - practice: hand-on-heart
  - prompt: What helped you settle tonight? (evening {n})
    key: settle-{n}
---
Tonight's reading for evening {n}.
"""


def _zip(slug: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("workbook.md", WORKBOOK_MD.format(slug=slug))
        for n in (1, 2):
            archive.writestr(f"days/day-0{n}.md", DAY_MD.format(n=n))
    return buffer.getvalue()


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
    # A request the browser cancels itself because the page moved on (net::ERR_ABORTED, e.g. the
    # icon while a form posts) is not a failure of the page.
    page.on(
        "requestfailed",
        lambda req: errors.append(f"{req.url} {req.failure}") if req.failure != "net::ERR_ABORTED" else None,
    )
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("request", lambda req: errors.append(f"third party {req.url}") if "127.0.0.1" not in req.url else None)


def _markdown_placed(page: Any, size: str, box: str) -> None:
    """The Markdown box ``box``: beside the fields on a desktop, under them (and wide) on a phone."""
    title = page.locator("#id_title").bounding_box()
    markdown = page.locator(box).bounding_box()
    if size == "desktop":
        assert markdown["x"] > title["x"] + title["width"] - 1
        assert markdown["y"] < title["y"] + 200
    else:
        assert markdown["y"] > title["y"] + title["height"]
        assert markdown["width"] > 300


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_guide_edits_a_day_sees_the_preview_follow_and_saves(
    server: Any, browser: Any, tmp_path: Path, size: str
) -> None:
    viewport = PHONE if size == "phone" else DESKTOP
    extra = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if size == "phone" else {}
    ctx = browser.new_context(viewport=viewport, **extra)
    ctx.set_default_timeout(10_000)
    username, slug = f"gwen_form_{size}", f"quiet-evenings-{size}"
    sign_in(server, ctx, username)
    server.manage("createguide", username)
    page = ctx.new_page()
    errors: list[str] = []
    _watch(page, errors)

    page.goto(server.url + "/workbooks/guide/")
    archive = tmp_path / "quiet.zip"
    archive.write_bytes(_zip(slug))
    page.set_input_files("input[name=archive]", str(archive))
    page.get_by_role("button", name="Check and publish").click()
    page.wait_for_url(re.compile(rf"/workbooks/{slug}/versions/$"))
    page.get_by_role("link", name="Edit with forms, with a preview").click()
    page.wait_for_url(re.compile(rf"/workbooks/{slug}/edit/workbook/$"))
    if size == "desktop":
        page.set_viewport_size({"width": 1280, "height": 800})
    shot(page, f"wbform-{size}-00-title-and-chapters")

    # The workbook's form: its preview is the workbook's page as a member sees it, and follows typing.
    head_preview = page.locator("#wb-preview")
    assert head_preview.locator("h1").inner_text() == "Quiet evenings"
    _markdown_placed(page, size, "#id_introduction")
    page.locator("#id_title").fill("Quieter evenings")
    head_preview.locator("h1", has_text="Quieter evenings").wait_for()
    page.locator("#id_introduction").fill("Two evenings to *slow down* together.")
    head_preview.locator(".wb-reading em", has_text="slow down").wait_for()
    page.locator("#chapter-0-summary").fill("Where the evenings begin.")
    head_preview.locator(".card", has_text="Where the evenings begin.").wait_for()
    assert "Evening 1" in head_preview.inner_text()  # the chapter's days, as on the member's page
    page.locator("#chapter-0-slug").fill("arriving-home")
    head_preview.locator(".wb-preview-problems", has_text="unknown chapter").wait_for()
    page.locator("#chapter-0-slug").fill("arriving")
    head_preview.locator(".wb-preview-problems").wait_for(state="detached")
    shot(page, f"wbform-{size}-00b-title-and-chapters-preview")
    shot(page, f"wbform-{size}-00c-title-and-chapters-fold", full_page=False)
    if size == "desktop":
        page.set_viewport_size(DESKTOP)
    page.get_by_role("navigation", name="Days of this workbook").get_by_role("link", name="2").click()
    page.wait_for_url(re.compile(rf"/workbooks/{slug}/edit/day/2/$"))

    preview = page.locator("#wb-preview")
    assert preview.locator("h1").inner_text() == "Day 2: Evening 2"
    _markdown_placed(page, size, "#id_body")
    shot(page, f"wbform-{size}-01-day-form")

    # Typing updates the preview, drawn by the server with the member's template part.
    page.get_by_label("Title").fill("A slower evening")
    preview.locator("h1", has_text="Day 2: A slower evening").wait_for()
    page.locator("#id_body").fill("Let the day **settle** before anything else.")
    preview.locator(".wb-reading strong", has_text="settle").wait_for()
    page.get_by_label("Your note").first.fill("Or with a warm mug in both hands.")
    preview.locator(".wb-note", has_text="warm mug").wait_for()

    # A check-in step is added and moved to the top.
    page.get_by_role("button", name="Check-in").click()
    page.get_by_role("button", name="Move step 4 up").wait_for()
    for n in (4, 3, 2):
        page.get_by_role("button", name=f"Move step {n} up").click()
        page.get_by_role("button", name=f"Move step {n - 1} up" if n > 2 else "Move step 2 up").wait_for()
    assert page.locator("#edit-item-0 .eyebrow").inner_text() == "1. Check-in"
    assert preview.locator("section.wb-item").first.get_attribute("class").startswith("card wb-item wb-item-checkin")
    # The typed words survived the reordering.
    assert page.get_by_label("Title").input_value() == "A slower evening"
    shot(page, f"wbform-{size}-02-preview")

    # A mistake is shown by its field, and nothing is published.
    page.get_by_label("About how many minutes").fill("90")
    preview.locator(".wb-preview-problems", has_text="from 1 to 60").wait_for()
    page.get_by_role("button", name="Check and publish").click()
    page.locator(".errorlist", has_text="from 1 to 60").wait_for()
    assert page.get_by_role("alert").first.inner_text().startswith("Nothing was published")
    shot(page, f"wbform-{size}-03-error")

    page.get_by_label("About how many minutes").fill("8")
    page.get_by_role("button", name="Check and publish").click()
    page.get_by_text(re.compile(r"^Published version \d+\.")).wait_for()
    shot(page, f"wbform-{size}-04-saved")

    saved = django_json(
        server,
        f"""
        import json
        from attune.web.workbooks.models import WorkbookVersion
        v = WorkbookVersion.objects.filter(workbook__slug={slug!r}).order_by("-number").first()
        print(json.dumps({{"file": v.sources["days/day-02.md"], "kinds": [i.kind for i in v.content.day(2).items]}}))
        """,
    )
    assert "title: A slower evening" in saved["file"] and "minutes: 8" in saved["file"]
    assert saved["kinds"] == ["checkin", "reading", "practice", "prompt"]
    assert errors == [f"400 {server.url}/workbooks/{slug}/edit/day/2/"]  # only the refused save
    ctx.close()
