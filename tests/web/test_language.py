"""The interface in the member's language: from the browser, or as chosen in settings."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "attune" / "web" / "locale"


_STRING = r'"(?:[^"\\]|\\.)*"'
_ENTRY = rf"(?:msgctxt ({_STRING})\s*)?msgid ((?:{_STRING}\s*)+)msgstr ((?:{_STRING}\s*)+)"


def _joined(block: str) -> str:
    return "".join(json.loads(part) for part in re.findall(_STRING, block))


def _catalogue(language: str) -> dict[tuple[str, str], str]:
    """(context, msgid) -> msgstr from the .po file, read plainly (no plurals are used yet)."""
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text, "a fuzzy entry is not used by gettext: check it and remove the mark"
    entries: dict[tuple[str, str], str] = {}
    for context, msgid, msgstr in re.findall(_ENTRY, text):
        if _joined(msgid):
            entries[(_joined(context) if context else "", _joined(msgid))] = _joined(msgstr)
    return entries


def _gettext(context: str, msgid: str) -> str:
    return translation.pgettext(context, msgid) if context else translation.gettext(msgid)


def test_every_german_string_is_translated_and_compiled() -> None:
    entries = _catalogue("de")
    assert len(entries) > 90
    untranslated = [key for key, msgstr in entries.items() if not msgstr]
    assert untranslated == []
    with translation.override("de"):
        stale = [key for key, msgstr in entries.items() if _gettext(*key) != msgstr]
    assert stale == [], "django.mo is older than django.po: run `make translations`"


def test_a_browser_asking_for_german_gets_today_and_the_check_in_in_german(owner_client: Client) -> None:
    page = owner_client.get(reverse("today:today"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5").content.decode()
    assert '<html lang="de">' in page
    for words in ("Heute", "Üben", "Kurse", "Tagebuch", "Verlauf", "Gefühlte Sicherheit", "Angespannt", "auf der Hut"):
        assert words in page, words
    assert "Lass uns damit beginnen, wie es dir geht." in page
    assert "Zum Inhalt springen" in page and "Skip to content" not in page
    assert "chips-states chips-long" in page  # the longer German state names stand one a row


def test_english_stays_the_default(owner_client: Client) -> None:
    page = owner_client.get(reverse("today:today")).content.decode()
    assert '<html lang="en">' in page and "Let's begin with how you are." in page and "Heute" not in page


def test_a_member_chooses_a_language_in_settings_and_it_outranks_the_browser(owner_client: Client) -> None:
    settings_page = owner_client.get(reverse("accounts:settings")).content.decode()
    assert (
        'action="/i18n/setlang/"' in settings_page and '<option value="de" lang="de">Deutsch</option>' in settings_page
    )
    response = owner_client.post(reverse("i18n:set_language"), {"language": "de", "next": reverse("accounts:settings")})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:settings")
    page = owner_client.get(reverse("today:today"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="de">' in page and "Heute" in page
    owner_client.post(reverse("i18n:set_language"), {"language": "en", "next": "/"})
    assert "Let's begin" in owner_client.get(reverse("today:today"), HTTP_ACCEPT_LANGUAGE="de").content.decode()


def test_the_language_form_sends_nobody_elsewhere(owner_client: Client) -> None:
    response = owner_client.post(reverse("i18n:set_language"), {"language": "de", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil.example" not in response["Location"]


def test_a_check_in_answered_in_german_is_stored_the_same(owner_client: Client, owner: Any) -> None:
    from attune.web.checkins.models import CheckIn

    data = {
        "state": "activated",
        "felt_safety": "4",
        "breath": "2",
        "muscles": "2",
        "attention": "3",
        "felt_connection": "5",
    }
    response = owner_client.post(reverse("checkins:new"), data, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code in (200, 302)
    checkin = CheckIn.objects.get(user=owner)
    assert (checkin.state, checkin.felt_safety) == ("activated", 4)
