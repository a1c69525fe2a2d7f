"""Confirming it's you, changing the email, and signing out everywhere, in a real browser.

A member signs in on a phone and on a laptop. On the phone, after the ten minutes have passed,
the data download asks for the password, then returns to the download; the email changes; from
the laptop, "sign out everywhere else" ends the phone's session.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import django_json, shot

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "a calm long passphrase 31"


def _log_in(page: Any, url: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", "sec-member")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda u: "/accounts/login/" not in u)


def _age_password(server: Any, context: Any, minutes: int) -> None:
    key = next(c["value"] for c in context.cookies() if c["name"] == "sessionid")
    django_json(
        server,
        f"""
        import json, time
        from attune.web.accounts.reauth import AUTH_AT_KEY
        from attune.web.accounts.sessions import SessionStore
        s = SessionStore(session_key={key!r})
        s[AUTH_AT_KEY] = int(time.time()) - {minutes * 60}
        s.save()
        print(json.dumps({{"ok": True}}))
        """,
    )


def test_a_member_confirms_changes_their_email_and_signs_out_everywhere(server: Any, browser: Any) -> None:
    django_json(
        server,
        f"""
        import json
        from django.contrib.auth import get_user_model
        get_user_model().objects.create_user("sec-member", "sec@example.org", {PASSWORD!r}, display_name="Sol")
        print(json.dumps({{"ok": True}}))
        """,
    )
    phone_ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    laptop_ctx = browser.new_context(viewport=DESKTOP)
    errors: list[str] = []
    try:
        phone = phone_ctx.new_page()
        phone.set_default_timeout(10_000)
        phone.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        _log_in(phone, server.url)
        laptop = laptop_ctx.new_page()
        laptop.set_default_timeout(10_000)
        _log_in(laptop, server.url)

        # Eleven minutes on: the download asks for the password first, then goes on.
        _age_password(server, phone_ctx, 11)
        phone.goto(f"{server.url}/accounts/settings/export/")
        assert "/accounts/settings/confirm/" in phone.url
        assert "Confirm it's you" in phone.inner_text("main")
        shot(phone, "security-phone-01-confirm")
        phone.fill("#id_password", "not quite my password")
        phone.get_by_role("button", name="Continue").click()
        assert "That isn't your password" in phone.inner_text("main")
        shot(phone, "security-phone-02-confirm-wrong")
        phone.fill("#id_password", PASSWORD)
        phone.get_by_role("button", name="Continue").click()
        phone.wait_for_url(f"{server.url}/accounts/settings/export/")
        assert phone.get_by_role("button", name="Download").count() >= 1

        # The email has its own page.
        phone.goto(f"{server.url}/accounts/settings/email/")
        shot(phone, "security-phone-03-email")
        phone.fill("#id_email", "sol@example.org")
        phone.get_by_role("button", name="Save this email").click()
        phone.wait_for_url(f"{server.url}/accounts/settings/")
        assert "We sent a link to sol@example.org" in phone.inner_text("main")
        # The link the worker mailed (the console backend shows no links, so make the same one here).
        link = django_json(
            server,
            """
            import json
            from django.contrib.auth import get_user_model
            from django.urls import reverse
            from attune.web.accounts.actions import email_change_token
            user = get_user_model().objects.get(username="sec-member")
            token = email_change_token(user, "sol@example.org")
            print(json.dumps(reverse("accounts:email_confirm", kwargs={"token": token})))
            """,
        )
        phone.goto(f"{server.url}{link}")
        shot(phone, "security-phone-04-email-link")
        phone.get_by_role("button", name="Use this email").click()
        phone.wait_for_url(f"{server.url}/accounts/settings/")
        assert "We let your previous address know" in phone.inner_text("main")
        assert "sol@example.org" in phone.inner_text("main")
        shot(phone, "security-phone-05-settings")

        # From the laptop: the phone is one other browser; sign out everywhere else.
        laptop.goto(f"{server.url}/accounts/settings/")
        assert "1 other browser is signed in" in laptop.inner_text("main")
        shot(laptop, "security-desktop-01-settings")
        laptop.get_by_role("button", name="Sign out everywhere else").click()
        laptop.wait_for_url(f"{server.url}/accounts/settings/")
        assert "Only this browser is signed in" in laptop.inner_text("main")
        shot(laptop, "security-desktop-02-signed-out-elsewhere")

        phone.goto(f"{server.url}/accounts/settings/")
        assert "/accounts/login/" in phone.url
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        phone_ctx.close()
        laptop_ctx.close()
