"""Bringing in an export in a real Chromium: upload, watch the progress bar, see the baseline band.

A second upload of the same file adds nothing. Screenshots of the import page, the progress and the
body-over-time page at a phone's 390x844 and a laptop's 1280x800 go to /tmp/imports-shots/.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
sys.path.insert(0, str(Path(__file__).parent))

from helpers import sign_in
from imports_helpers import oura_csv

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/imports-shots")
NIGHTS = 12_000  # 36 000 records: long enough to watch the bar move
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def _context(browser: Any, size: str) -> Any:
    extra = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if size == "phone" else {}
    return browser.new_context(viewport=SIZES[size], **extra)


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def _bar(page: Any) -> int:
    return int(page.locator("#import-progress").get_attribute("value") or 0)


def _watch(page: Any, *, until_done: bool = True, timeout_s: float = 180) -> list[int]:
    """Read the progress bar four times a second (from Python: the page's CSP forbids eval) until
    the import is done, or, with ``until_done=False``, until it has moved off 0."""
    seen: list[int] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        seen.append(_bar(page))
        if page.locator("[data-field=state_label]").inner_text() in ("Done", "Could not be read", "Stopped"):
            # The page may have drawn its last update between reading the bar and the label: read the
            # bar once more, now that the state is final.
            seen.append(_bar(page))
            return seen
        if not until_done and seen[-1] > 0:
            return seen
        time.sleep(0.25)
    raise AssertionError(f"the import did not finish within {timeout_s:.0f} s; the bar showed {seen[-5:]}")


def _upload(page: Any, server: Any, export: Path) -> None:
    page.goto(server.url + "/imports/")
    page.set_input_files("#import-file", str(export))
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_url(f"{server.url}/imports/*-*/")


def test_a_member_imports_an_export_and_sees_it_against_their_baseline(
    server: Any, browser: Any, tmp_path: Path
) -> None:
    export = oura_csv(tmp_path / "sleepmodel.csv", NIGHTS)
    ctx = _context(browser, "phone")
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(server, ctx, "e2e_importer")

    page.goto(server.url + "/imports/")
    _shot(page, "import-page-390x844")
    _upload(page, server, export)
    moving = _watch(page, until_done=False)
    _shot(page, "import-progress-390x844")
    page.reload()  # the progress survives a reload: the page reads the job's record
    after_reload = _bar(page)
    seen = [*moving, after_reload, *_watch(page)]
    assert any(0 < v < 100 for v in seen), f"the bar was never seen part-way: {seen}"
    assert after_reload >= moving[-1]
    assert seen == sorted(seen) and seen[-1] == 100
    assert page.locator("[data-field=added]").inner_text() == str(3 * NIGHTS)
    assert page.locator("[data-field=records]").inner_text() == str(3 * NIGHTS)
    _shot(page, "import-done-390x844")

    page.get_by_role("link", name="See your body over time").click()
    page.wait_for_selector("svg[data-chart=rmssd] [data-testid=band]")
    assert "Your 7-day mean is" in page.locator("section:has(#chart-rmssd)").inner_text()
    assert page.locator("svg[data-chart=sdnn]").count() == 0  # Oura gives RMSSD only
    _shot(page, "body-over-time-390x844")

    # The same file again: every record is already here, none is added.
    _upload(page, server, export)
    assert _watch(page)[-1] == 100
    assert page.locator("[data-field=added]").inner_text() == "0"
    assert page.locator("[data-field=duplicates]").inner_text() == str(3 * NIGHTS)
    assert errors == []
    ctx.close()


def test_the_import_and_body_pages_at_laptop_size(server: Any, browser: Any, tmp_path: Path) -> None:
    export = oura_csv(tmp_path / "sleepmodel.csv", NIGHTS, seed=2)
    ctx = _context(browser, "desktop")
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    sign_in(server, ctx, "e2e_importer_desktop")
    page.goto(server.url + "/imports/")
    _shot(page, "import-page-1280x800")
    _upload(page, server, export)
    _watch(page, until_done=False)
    _shot(page, "import-progress-1280x800")
    assert _watch(page)[-1] == 100
    page.goto(server.url + "/imports/body/")
    page.wait_for_selector("svg[data-chart=rmssd] [data-testid=band]")
    _shot(page, "body-over-time-1280x800")
    ctx.close()
