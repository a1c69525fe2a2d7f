"""The same reach at 390x844 in German, which runs longer than English: no control of the player,
the pacer, the live screen or the resonance check is covered or pushed out of the first view, and
no translated page scrolls sideways. Controls are found by id, not by their (translated) names.
Screenshots land in tests/e2e/screenshots/ and, when ATTUNE_SHOTS names a folder, there too.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import PHONE
from helpers import django_json, sign_in
from test_phone_reach import WAKE_SPY, both_widths, check_controls, in_view, save


@pytest.fixture
def phone_de(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="de-DE")
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    yield page
    ctx.close()


def one_line(page: Any, selector: str) -> bool:
    """The words of ``selector``'s first text run stand on one line."""
    return bool(
        page.evaluate(
            """(sel) => { const r = document.createRange();
            r.selectNodeContents(document.querySelector(sel).firstChild);
            return new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size === 1; }""",
            selector,
        )
    )


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide at {PHONE['width']}"


# Each run signs in a new member: a database kept between runs still holds the last run's recordings,
# and a member may have only so many open at once.


def test_the_german_player_and_pacer_keep_their_controls_in_reach(server: Any, phone_de: Any) -> None:
    page = phone_de
    sign_in(server, page.context, f"reach-de-player-{secrets.token_hex(3)}")
    page.add_init_script(WAKE_SPY)
    page.goto(f"{server.url}/practices/a-longer-breath-out/play/")
    assert page.locator("html").get_attribute("lang") == "de"
    check_controls(page, "#before")
    no_sideways_scroll(page)
    both_widths(page, "de-player-before")
    page.locator("input[name='before-safety'][value='3']").check(force=True)
    page.locator("#before [data-action='save']").click()
    page.locator("#run:not([hidden])").wait_for()
    page.locator("#btn-skip").click()  # to the step with the pacer
    page.locator("#pacer-box:not([hidden])").wait_for()
    page.wait_for_timeout(300)
    check_controls(page, "#run")
    for sel in ("#pacer", "#btn-pause", "#btn-skip", "#btn-stop", "#opt-sound", "#opt-vibrate"):
        assert in_view(page, sel), f"{sel} is not in the first view"
    # What the script writes as it runs comes in German too (the page hands it the words).
    assert page.locator("#step-count").inner_text() == "Schritt 2 von 3"
    assert "noch" in page.locator("#timer").inner_text() and "vorbei" in page.locator("#elapsed").inner_text()
    assert page.locator("#btn-skip").inner_text() == "Nächster Schritt"
    assert page.locator("#pacer .pacer-label").inner_text() in ("Einatmen", "Ausatmen")
    no_sideways_scroll(page)
    both_widths(page, "de-player-run")
    page.locator("#btn-stop").click()
    page.locator("#after:not([hidden])").wait_for()
    check_controls(page, "#after")
    save(page, "de-player-after-390")

    page.goto(f"{server.url}/practices/pacer/")
    page.locator("details.more summary").click()
    assert page.locator("#rate").inner_text() == "6 Atemzüge pro Minute: ein 4,5 s, aus 5,5 s."
    check_controls(page, "#setup")
    assert in_view(page, "#btn-start"), "Start is not in the first view"
    no_sideways_scroll(page)
    both_widths(page, "de-pacer-setup")
    page.locator("#btn-start").click()
    page.locator("#run:not([hidden])").wait_for()
    page.wait_for_timeout(300)
    check_controls(page, "#run")
    for sel in ("#pacer", "#btn-pause", "#btn-stop", "#opt-sound", "#opt-vibrate", "#timer"):
        assert in_view(page, sel), f"{sel} is not in the first view"
    both_widths(page, "de-pacer-run")


def test_the_german_live_and_resonance_screens_keep_their_controls_in_reach(server: Any, phone_de: Any) -> None:
    page = phone_de
    sign_in(server, page.context, f"reach-de-live-{secrets.token_hex(3)}")
    page.add_init_script(WAKE_SPY)
    page.goto(f"{server.url}/live/")
    assert in_view(page, "[data-action='demo']"), "the demo strap is not in the first view"
    assert one_line(page, "[data-action='demo']"), "the demo strap's button runs to two lines"
    check_controls(page, "[data-view='setup']")
    no_sideways_scroll(page)
    both_widths(page, "de-live-setup")
    page.locator("[data-action='demo']").click()
    page.locator("#live[data-state='session']").wait_for()
    page.locator("[data-reading='hr_bpm'][data-state='ready']").wait_for(timeout=15_000)
    page.wait_for_timeout(1500)
    for sel in (
        "[data-view='session'] [data-role='pacer']",
        "[data-view='session'] [data-role='trace']",
        "[data-view='session'] [data-reading='hr_bpm']",
        "[data-view='session'] [data-action='finish']",
    ):
        assert in_view(page, sel), f"{sel} is not in the first view"
    check_controls(page, "[data-view='session']")
    assert page.locator("[data-view='session'] [data-role='source']").inner_text() == "Demo-Gurt · simuliert"
    assert "bisher" in page.locator("[data-view='session'] [data-role='elapsed']").inner_text()
    assert "Atemzüge pro Minute" in page.locator("[data-view='session'] [data-role='pace-note']").inner_text()
    no_sideways_scroll(page)
    both_widths(page, "de-live-session")
    page.locator("[data-action='finish']").click()
    page.locator("#live[data-state='done']").wait_for(timeout=15_000)
    check_controls(page, "[data-view='done']")
    both_widths(page, "de-live-done")

    page.goto(f"{server.url}/live/resonance/")
    check_controls(page, "[data-view='intro']")
    no_sideways_scroll(page)
    save(page, "de-resonance-intro-390", full_page=True)
    page.locator("[data-action='demo']").click()
    page.locator("#live[data-state='run']").wait_for()
    page.wait_for_timeout(1000)
    check_controls(page, "[data-view='run']")
    for sel in ("[data-view='run'] [data-role='pacer']", "[data-view='run'] [data-action='stop']"):
        assert in_view(page, sel), f"{sel} is not in the first view"
    no_sideways_scroll(page)
    both_widths(page, "de-resonance-run")

    page.goto(f"{server.url}/live/morning/")
    no_sideways_scroll(page)
    save(page, "de-morning-setup-390", full_page=True)


def test_the_other_german_pages_fit_a_phone(server: Any, phone_de: Any) -> None:
    page = phone_de
    user_id = sign_in(server, page.context, f"reach-de-pages-{secrets.token_hex(3)}")
    checkin = django_json(
        server,
        f"""
        import json
        from django.utils import timezone
        from attune.web.checkins.models import CheckIn
        c = CheckIn.objects.create(user_id={user_id}, state="activated", felt_safety=4, breath=2, muscles=2,
                                   attention=3, felt_connection=5, note="ein paar Worte", created_at=timezone.now())
        print(json.dumps(c.pk))
        """,
    )
    for path, name in (
        ("/history/", "de-history"),
        (f"/checkins/{checkin}/", "de-checkin-detail"),
        (f"/checkins/{checkin}/edit/", "de-checkin-edit"),
        (f"/checkins/{checkin}/delete/", "de-checkin-delete"),
        ("/offline/", "de-offline"),
        ("/no-such-page/", "de-404"),
    ):
        page.goto(f"{server.url}{path}")
        assert page.locator("html").get_attribute("lang") == "de", path
        no_sideways_scroll(page)
        save(page, f"{name}-390", full_page=True)


def test_the_german_guide_pages_fit_a_phone(server: Any, phone_de: Any) -> None:
    """A guide reading German: the workbook, retreat, workshop and import pages speak German and fit."""
    page = phone_de
    user_id = sign_in(server, page.context, f"reach-de-guide-{secrets.token_hex(3)}")
    django_json(
        server,
        f"""
        import json
        from django.contrib.auth import get_user_model
        get_user_model().objects.filter(pk={user_id}).update(is_guide=True)
        print(json.dumps(True))
        """,
    )
    for path, name, german in (
        ("/workbooks/guide/", "de-guide-workbooks", "Kurs"),
        ("/workbooks/guide/upload/", "de-guide-upload", "hochladen"),
        ("/retreats/guide/", "de-guide-retreats", "Retreat"),
        ("/retreats/guide/new/", "de-guide-retreat-new", "Retreat"),
        ("/rooms/workshops/new/", "de-guide-workshop-new", "Workshop"),
        ("/imports/", "de-imports", "Datei"),
        ("/about/", "de-about", "attune"),
    ):
        page.goto(f"{server.url}{path}")
        assert page.locator("html").get_attribute("lang") == "de", path
        main = page.locator("main").inner_text()
        assert german in main, f"{path}: {main[:300]}"
        no_sideways_scroll(page)
        both_widths(page, name)
