"""Offline in a real Chromium: attune opens with no network, and a check-in and a finished practice
made offline reach History exactly once when the network is back (docs/offline.md)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import DESKTOP, PHONE
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).parent))
from helpers import django_json, sign_in

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots-pwa")
PRACTICE = "one-slow-minute"


def _chip(page: Any, name: str, value: str) -> None:
    page.locator(f"label.chip:has(input[name='{name}'][value='{value}'])").first.click()


def _counts(server: Any, user: int) -> dict[str, int]:
    return django_json(
        server,
        f"""
        import json
        from attune.web.checkins.models import CheckIn
        from attune.web.practices.models import PracticeSession
        print(json.dumps({{"checkins": CheckIn.objects.filter(user_id={user}).count(),
                          "sessions": PracticeSession.objects.filter(user_id={user}).count(),
                          "completed": PracticeSession.objects.filter(user_id={user}, outcome="completed").count()}}))
        """,
    )


def _kept(page: Any, path: str) -> bool:
    return bool(page.evaluate(
        "(p) => caches.open('attune-pages').then((c) => c.match(p, {ignoreVary: true})).then(Boolean)", path
    ))


def _outbox(page: Any) -> list[dict[str, Any]]:
    return list(page.evaluate(
        """() => new Promise((resolve, reject) => {
            const req = indexedDB.open('attune-outbox', 1);
            req.onupgradeneeded = () => req.result.createObjectStore('items', { keyPath: 'key' });
            req.onsuccess = () => {
              const get = req.result.transaction('items').objectStore('items').getAll();
              get.onsuccess = () => resolve(get.result);
            };
            req.onerror = () => reject(req.error);
        })"""
    ))


def test_a_check_in_and_a_practice_made_offline_reach_history_once(server: Any, browser: Any) -> None:
    SHOTS.mkdir(exist_ok=True)
    ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    user = sign_in(server, ctx, "offline_member")
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # Online: the worker installs and keeps Today, the library and every practice.
    page.goto(server.url + "/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
    for _ in range(60):
        if _kept(page, f"/practices/{PRACTICE}/play/"):
            break
        page.wait_for_timeout(500)
    assert _kept(page, "/") and _kept(page, "/practices/") and _kept(page, f"/practices/{PRACTICE}/play/")
    # Chromium itself finds nothing that stops attune installing to the home screen.
    cdp = ctx.new_cdp_session(page)
    # (Playwright's contexts are incognito, which Chromium names as the one reason; nothing of attune's.)
    problems = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [p["errorId"] for p in problems if p["errorId"] != "in-incognito"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest") and not manifest["errors"], manifest["errors"]
    cdp.detach()

    # Offline: Today opens from the device, says so, and keeps a check-in.
    ctx.set_offline(True)
    page.reload()
    line = page.locator("#offline-line")
    expect(line).to_contain_text("You're offline")
    page.screenshot(path=str(SHOTS / "offline-notice-390.png"), full_page=False)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SHOTS / "offline-notice-desktop.png"), full_page=False)
    page.set_viewport_size(PHONE)
    _chip(page, "state", "shut_down")
    _chip(page, "felt_safety", "7")
    _chip(page, "breath", "3")
    _chip(page, "muscles", "3")
    _chip(page, "attention", "3")
    _chip(page, "felt_connection", "6")
    page.get_by_role("button", name=re.compile("^Save")).first.click()
    status = page.locator("[data-offline-status]").first
    status.wait_for(state="visible")
    expect(line).to_contain_text("Waiting", timeout=15_000)
    assert "kept safe on this device" in status.inner_text()
    assert "Waiting to send: a check-in" in line.inner_text()
    page.screenshot(path=str(SHOTS / "offline-checkin-390.png"), full_page=False)
    status.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "offline-checkin-saved-390.png"), full_page=False)

    # Still offline: the library, a practice page, and the practice itself, to its end.
    page.goto(server.url + "/practices/")
    assert page.get_by_role("link", name=re.compile("One slow minute")).count() >= 1
    page.goto(server.url + f"/practices/{PRACTICE}/")
    page.goto(server.url + f"/practices/{PRACTICE}/play/")
    _chip(page, "before-safety", "4")
    page.get_by_role("button", name="Begin", exact=True).click()
    page.locator("#btn-skip").click()  # to the last step
    page.locator("#btn-skip").click()  # "Finish"
    _chip(page, "after-safety", "6")
    page.locator("#after").get_by_role("button", name="Save").click()
    queued = page.locator("#save-queued")
    queued.wait_for(state="visible")
    assert page.locator("#save-problem").is_hidden(), "the old 'We couldn't save this session' must not show"
    page.screenshot(path=str(SHOTS / "offline-practice-390.png"), full_page=False)
    waiting = _outbox(page)
    assert sorted(i["kind"] for i in waiting) == ["checkin", "practice"]
    assert _counts(server, user) == {"checkins": 0, "sessions": 0, "completed": 0}

    # A reload while offline sends nothing and loses nothing.
    page.goto(server.url + "/")
    expect(line).to_contain_text("Waiting to send: a check-in and a practice")

    # Back online: both are sent once, and the page says so.
    ctx.set_offline(False)
    expect(line).to_contain_text("Back online", timeout=15_000)
    expect(line).to_contain_text("your check-in and your practice from earlier are now saved")
    page.screenshot(path=str(SHOTS / "offline-sent-390.png"), full_page=False)
    assert _outbox(page) == []
    assert _counts(server, user) == {"checkins": 1, "sessions": 1, "completed": 1}

    # A lost reply means the same items may be sent again: the keys make that create nothing.
    page.evaluate(
        """(items) => new Promise((resolve) => {
            const req = indexedDB.open('attune-outbox', 1);
            req.onsuccess = () => {
              const tx = req.result.transaction('items', 'readwrite');
              for (const i of items) tx.objectStore('items').put(i);
              tx.oncomplete = () => resolve();
            };
        })""",
        waiting,
    )
    page.reload()
    expect(line).to_contain_text("Back online", timeout=15_000)
    assert _outbox(page) == []

    page.goto(server.url + "/history/")
    assert page.locator("li:has(a[href^='/checkins/'])", has_text="felt safety 7").count() == 1
    sessions = page.locator("li.session-entry", has_text="One slow minute")
    assert sessions.count() == 1
    assert re.search(r"4\s*→\s*6", sessions.inner_text())
    assert _counts(server, user) == {"checkins": 1, "sessions": 1, "completed": 1}
    assert not errors, errors
    ctx.close()


def test_the_reminder_settings_on_a_phone(server: Any, browser: Any) -> None:
    SHOTS.mkdir(exist_ok=True)
    ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    user = sign_in(server, ctx, "reminder_member")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(server.url + "/accounts/settings/")
    page.get_by_role("link", name="Gentle reminders").click()
    assert page.locator("input[name=channel][value=none]").is_checked()
    assert page.locator("#push-allow").is_visible()
    page.screenshot(path=str(SHOTS / "reminders-390.png"), full_page=True)
    page.locator("label.chip:has(input[name=channel][value=email])").click()
    page.fill("input[name=at]", "08:30")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    page.screenshot(path=str(SHOTS / "reminders-saved-390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SHOTS / "reminders-saved-desktop.png"), full_page=True)
    saved = django_json(
        server,
        f"""
        import json
        from attune.web.reminders.models import ReminderPreference
        p = ReminderPreference.objects.get(user_id={user})
        print(json.dumps([p.channel, p.at.strftime("%H:%M")]))
        """,
    )
    assert saved == ["email", "08:30"]
    assert not errors, errors
    ctx.close()
