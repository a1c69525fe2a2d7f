"""Two-step sign-in in a real Chromium on a phone: set up an app (QR code, key, a code), keep the
recovery codes, add a passkey with Chromium's virtual authenticator (CDP), then sign in again with
the password and the passkey. Screens are saved for a person to look at."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pyotp
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import django_json, shot

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "a calm long passphrase 31"
SHOTS = Path("/tmp/shots-mfa")


def _keep(path: Path) -> None:
    """Also copy a screenshot where the people reviewing this change look for them."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def _virtual_authenticator(context: Any, page: Any) -> tuple[Any, str]:
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, str(added["authenticatorId"])


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_member_sets_up_an_app_and_a_passkey_and_signs_in_with_the_passkey(server: Any, browser: Any) -> None:
    django_json(
        server,
        f"""
        import json
        from django.contrib.auth import get_user_model
        get_user_model().objects.create_user("tsm-member", "tsm@example.org", {PASSWORD!r}, display_name="Tess")
        print(json.dumps({{}}))
        """,
    )
    # Browsers refuse an IP address as a passkey's site: use the same server by the name localhost.
    base = f"http://localhost:{server.port}"
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        cdp, authenticator = _virtual_authenticator(context, page)

        _log_in(page, base, "tsm-member")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        assert "/accounts/two-step/" not in page.url  # optional for a member: straight in

        page.goto(f"{base}/accounts/settings/")
        page.get_by_role("button", name="Set up an authenticator app").click()
        page.wait_for_url("**/accounts/two-step/app/")
        assert page.locator(".qr svg").is_visible()
        _keep(shot(page, "two-step-enrol-app-phone"))
        secret = page.inner_text(".secret code").replace(" ", "")
        page.fill("#id_code", pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Turn it on").click()
        page.get_by_role("heading", name="Two-step sign-in is on").wait_for()
        codes = page.locator(".recovery-codes code").all_inner_texts()
        assert len(codes) == 10
        _keep(shot(page, "two-step-recovery-codes-phone"))
        page.get_by_role("link", name="I have saved them").click()

        page.fill("#passkey-name", "Test phone")
        page.get_by_role("button", name="Add a passkey").click()
        # A loaded machine can take a while over the ceremony: wait longer, and say what the page said.
        try:
            page.get_by_text("Your passkey is added.").wait_for(timeout=45_000)
        except Exception as exc:
            status = page.locator("[data-passkey-status]")
            said = status.inner_text() if status.count() else "(no status on the page)"
            raise AssertionError(f"the passkey was not added; the page said {said!r} at {page.url}") from exc
        assert "Test phone" in page.inner_text("#two-step")
        _keep(shot(page, "two-step-settings-phone"))
        assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1

        page.locator("form[action='/accounts/logout/'] button").last.click()
        page.wait_for_url(lambda url: "/accounts/logout/" not in url)

        # The password alone leads to the second step, not in.
        _log_in(page, base, "tsm-member")
        page.wait_for_url("**/accounts/two-step/verify/")
        page.get_by_role("button", name="Use a passkey").wait_for()
        _keep(shot(page, "two-step-second-step-phone"))
        page.get_by_role("button", name="Use a passkey").click()
        page.wait_for_url(lambda url: "/two-step/" not in url and "/login/" not in url)
        page.goto(f"{base}/accounts/activity/")
        activity = page.inner_text("main")
        assert "A passkey was added" in activity and "Two-step sign-in was turned on" in activity
    finally:
        context.close()

    # The same second step on a desktop, for the screenshot (a code this time).
    desk = browser.new_context(viewport=DESKTOP)
    try:
        page = desk.new_page()
        _log_in(page, base, "tsm-member")
        page.wait_for_url("**/accounts/two-step/verify/")
        _keep(shot(page, "two-step-second-step-desktop"))
    finally:
        desk.close()


def test_a_guide_without_a_second_step_is_asked_to_set_one_up_first(server: Any, browser: Any) -> None:
    django_json(
        server,
        f"""
        import json
        from django.contrib.auth import get_user_model
        get_user_model().objects.create_user("tsm-guide", "tsg@example.org", {PASSWORD!r}, is_guide=True)
        print(json.dumps({{}}))
        """,
    )
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        _log_in(page, server.url, "tsm-guide")
        page.wait_for_url("**/accounts/two-step/?next=*")
        assert "Guides and staff need a second step before going on" in page.inner_text("main")
        _keep(shot(page, "two-step-guide-must-enrol-phone", full_page=False))
        page.goto(f"{server.url}/workbooks/guide/")
        assert "/accounts/two-step/" in page.url
    finally:
        context.close()
