"""The daily practice loop in a real Chromium, end to end, on a phone and on a desktop.

Sign up, check in, get a suggestion, run a pacer practice on a controllable clock (so 6 minutes
take a second), record before and after, see it in history and in the chart, export the data and
find the session in it, delete the account.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

import pytest
from conftest import DESKTOP, PHONE, shot

pytestmark = pytest.mark.e2e

PASSWORD = "slow breath, soft eyes 42"
PRACTICE = "six-breaths-a-minute"


def _chip(page: Any, name: str, value: str) -> None:
    page.locator(f"label.chip:has(input[name='{name}'][value='{value}'])").first.click()


def _check_in(page: Any) -> None:
    _chip(page, "state", "activated")
    _chip(page, "felt_safety", "4")
    _chip(page, "breath", "2")
    _chip(page, "muscles", "2")
    _chip(page, "attention", "2")
    _chip(page, "felt_connection", "3")
    page.get_by_role("button", name=re.compile("^Save")).first.click()


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_a_member_goes_round_the_daily_loop(server: Any, browser: Any, width: str, tmp_path: Any) -> None:
    viewport = PHONE if width == "phone" else DESKTOP
    ctx = browser.new_context(
        viewport=viewport,
        accept_downloads=True,
        **({"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if width == "phone" else {}),
    )
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    username = f"e2e_{width}"

    # Sign up.
    page.goto(server.url + "/accounts/signup/")
    shot(page, f"loop-{width}-01-signup")
    page.fill("input[name=username]", username)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.get_by_role("button", name="Make my account").click()
    page.wait_for_url(server.url + "/")

    # Check in, and get a suggestion that fits an activated state, alone: with no sessions yet the learner
    # may offer any practice that suits it and can be done solo.
    shot(page, f"loop-{width}-02-today-empty")
    _check_in(page)
    page.wait_for_selector("#suggestion")
    suggestion = page.locator("#suggestion").inner_text()
    assert "Why this?" in suggestion and "something you haven't tried" in suggestion.lower(), suggestion
    assert page.locator("#suggestion .alts li").count() == 2
    shot(page, f"loop-{width}-03-suggestion")

    # Run the six-a-minute pacer practice on a fake clock: before, the whole practice, after.
    page.clock.install()
    page.goto(f"{server.url}/practices/{PRACTICE}/play/")
    _chip(page, "before-safety", "4")
    _chip(page, "before-state", "activated")
    page.locator("#before [data-action=save]").click()
    page.wait_for_selector("#run:not([hidden])")
    page.clock.run_for(30_000)
    assert page.locator("#pacer-label").inner_text().strip() != ""
    shot(page, f"loop-{width}-04-pacer")
    for _ in range(40):  # up to 20 minutes of simulated time, in 30 s strides
        if page.locator("#after:not([hidden])").count():
            break
        page.clock.run_for(30_000)
    page.wait_for_selector("#after:not([hidden])")
    _chip(page, "after-safety", "7")
    _chip(page, "after-state", "settled")
    page.locator("#after [data-action=save]").click()
    page.wait_for_selector("#done:not([hidden])")
    assert page.locator("#save-problem").is_hidden()
    shot(page, f"loop-{width}-05-done")

    # History: the session, its before and after, and the chart with its table.
    page.goto(server.url + "/history/")
    body = page.locator("main").inner_text()
    assert "Six breaths a minute" in body
    assert re.search(r"4\s*→\s*7", body), "the before-to-after reading shows in history"
    page.wait_for_selector(".uplot canvas")
    assert page.locator("table").count() >= 1
    # Today's check-in (felt safety 4) is the chart's last point, and the table says the same.
    chart = json.loads(page.locator("#safety-data").text_content() or "{}")
    assert chart["points"][-1] == [chart["last"], 4], chart
    assert page.locator(".table-details tbody tr").first.locator("td").nth(1).text_content() == "4.0"
    shot(page, f"loop-{width}-06-history")

    # Export: the session is in the zip, as JSON and as CSV.
    page.goto(server.url + "/accounts/settings/export/")
    with page.expect_download() as download_info:
        page.get_by_role("button", name=re.compile("Download")).click()
    path = tmp_path / "export.zip"
    download_info.value.save_as(path)
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zf:
        names = zf.namelist()
        data = json.loads(zf.read("attune-export.json"))
        csv_names = [n for n in names if n.endswith(".csv")]
        session_csv = "".join(zf.read(n).decode() for n in csv_names if "session" in n)
    sessions = [rows for table, rows in data["tables"].items() if "session" in table]
    assert any(
        row.get("practice_slug") == PRACTICE and row.get("after_safety") == 7 for rows in sessions for row in rows
    ), data["tables"].keys()
    assert csv_names, names
    assert PRACTICE in session_csv, "the session is in the CSV too"

    # Delete the account: everything goes, and the old password no longer opens anything.
    page.goto(server.url + "/accounts/settings/delete/")
    shot(page, f"loop-{width}-07-delete")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name=re.compile("Delete my account")).click()
    page.wait_for_load_state()
    page.goto(server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name=re.compile("Log in")).click()
    assert "don't match an account" in page.locator("main").inner_text()
    assert not [e for e in errors if "Content Security Policy" in e], errors
    ctx.close()
