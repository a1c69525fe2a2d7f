"""The interface in the member's language: from the browser, or as chosen in settings."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from journal_helpers import cohort_led_by, journal_keys  # noqa: F401  (fixture)

LOCALE = Path(__file__).resolve().parents[2] / "attune" / "web" / "locale"


_STRING = r'"(?:[^"\\]|\\.)*"'
_ENTRY = rf"(?:msgctxt ({_STRING})\s*)?msgid ((?:{_STRING}\s*)+)msgstr ((?:{_STRING}\s*)+)"
_PLURAL = (
    rf"(?:msgctxt ({_STRING})\s*)?msgid ((?:{_STRING}\s*)+)msgid_plural ((?:{_STRING}\s*)+)"
    rf"msgstr\[0\] ((?:{_STRING}\s*)+)msgstr\[1\] ((?:{_STRING}\s*)+)"
)


def _joined(block: str) -> str:
    return "".join(json.loads(part) for part in re.findall(_STRING, block))


def _po_text(language: str) -> str:
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text, "a fuzzy entry is not used by gettext: check it and remove the mark"
    return text


def _catalogue(language: str) -> dict[tuple[str, str], str]:
    """(context, msgid) -> msgstr from the .po file, read plainly (plural entries: see _plurals)."""
    entries: dict[tuple[str, str], str] = {}
    for context, msgid, msgstr in re.findall(_ENTRY, _po_text(language)):
        if _joined(msgid):
            entries[(_joined(context) if context else "", _joined(msgid))] = _joined(msgstr)
    return entries


def _plurals(language: str) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(context, msgid, msgid_plural) -> (one, many) for the entries that count something."""
    return {
        (_joined(context) if context else "", _joined(one), _joined(many)): (_joined(str_one), _joined(str_many))
        for context, one, many, str_one, str_many in re.findall(_PLURAL, _po_text(language))
    }


def _gettext(context: str, msgid: str) -> str:
    return translation.pgettext(context, msgid) if context else translation.gettext(msgid)


def _ngettext(context: str, one: str, many: str, n: int) -> str:
    return translation.npgettext(context, one, many, n) if context else translation.ngettext(one, many, n)


def test_every_german_string_is_translated_and_compiled() -> None:
    entries = _catalogue("de")
    assert len(entries) > 90
    untranslated = [key for key, msgstr in entries.items() if not msgstr]
    assert untranslated == []
    with translation.override("de"):
        stale = [key for key, msgstr in entries.items() if _gettext(*key) != msgstr]
    assert stale == [], "django.mo is older than django.po: run `make translations`"


def test_every_german_plural_is_translated_and_compiled() -> None:
    plurals = _plurals("de")
    assert len(plurals) >= 4
    assert [key for key, forms in plurals.items() if not all(forms)] == []
    with translation.override("de"):
        stale = [key for key, (one, many) in plurals.items() if (_ngettext(*key, 1), _ngettext(*key, 5)) != (one, many)]
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


# Each translated screen, asked for in German: its German words are there and its English heading is not.
GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}


def _german(client: Client, url: str) -> str:
    response = client.get(url, **GERMAN)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="de">' in page
    return page


def test_the_practice_library_in_german(owner_client: Client) -> None:
    page = _german(owner_client, reverse("practices:library"))
    for words in ("Fünf Bedingungen", "Wie ich mich gerade fühle", "Sanfte Berührung", "Langsamer werden"):
        assert words in page, words
    assert "Five conditions" not in page and "How I feel now" not in page and "Slowing down" not in page
    filtered = _german(owner_client, reverse("practices:library") + "?state=shut_down")
    assert "die passen, wenn du abgeschaltet bist." in filtered and "shutdown" not in filtered


def test_a_practice_page_in_german(owner_client: Client) -> None:
    page = _german(owner_client, reverse("practices:detail", args=["hand-on-heart"]))
    for words in ("Wie lange", "Mit wem", "Gut für dich sorgen", "Die Schritte", "Die angeleitete Übung beginnen"):
        assert words in page, words
    assert "Looking after yourself" not in page and "The steps" not in page and "How long" not in page


@pytest.mark.usefixtures("journal_keys")
def test_the_journal_in_german(owner_client: Client, owner: Any) -> None:
    from attune.web.journal import actions

    entry = actions.write_entry(owner, title="Morgen", body="Der Kessel und die Amsel im Morgengrauen.")
    listing = _german(owner_client, reverse("journal:list"))
    assert "Dein Tagebuch" in listing and "Eintrag schreiben" in listing and "Your journal" not in listing
    detail = _german(owner_client, reverse("journal:detail", args=[entry.pk]))
    assert "Wer das lesen kann" in detail and "Who can read this" not in detail
    months = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
    assert re.search(rf"\d{{1,2}}\. ({months}) \d{{4}}", detail)  # Django's German date, not "5 December 2026"
    new = _german(owner_client, reverse("journal:new"))
    assert "In dein Tagebuch schreiben" in new and "Dein Eintrag" in new and "Write in your journal" not in new


@pytest.mark.usefixtures("builtin_workbooks")
def test_the_workbook_pages_in_german(owner_client: Client, settings: Any) -> None:
    from attune.web.workbooks.models import Enrolment

    settings.ATTUNE_FAKE_TODAY = "2025-05-01"
    listing = _german(owner_client, reverse("workbooks:list"))
    assert "<h1>Kurse</h1>" in listing and "Ein paar Minuten am Tag" in listing and "A few minutes a day" not in listing
    about = _german(owner_client, reverse("workbooks:detail", args=["coming-home-to-safety"]))
    assert "In meinem Tempo beginnen" in about and "Was drin ist" in about and "What's inside" not in about
    assert owner_client.post(reverse("workbooks:enrol", args=["coming-home-to-safety"])).status_code == 302
    today = _german(owner_client, reverse("today:today"))
    assert "Heute in deinem Kurs" in today and "Today in your workbook" not in today
    enrolment = Enrolment.objects.latest("enrolled_at")
    progress = _german(owner_client, reverse("workbooks:progress", args=[enrolment.pk]))
    assert "von" in progress and "Tagen erledigt" in progress and "days done" not in progress
    assert "Tag 1 wartet auf dich" in progress
    day = _german(owner_client, reverse("workbooks:day", args=[enrolment.pk, 1]))
    assert "Tag 1 abschließen" in day and "Für dein Tagebuch" in day and "Mark day 1 done" not in day
    assert 'class="read wb-reading" lang="en"' not in day  # day 1 is written in German
    settings.ATTUNE_FAKE_TODAY = "2025-05-10"
    later = _german(owner_client, reverse("workbooks:day", args=[enrolment.pk, 4]))
    assert 'class="read wb-reading" lang="en"' in later and "Tag 4 abschließen" in later


def test_the_web_layer_names_every_condition_state_and_way_of_practising_the_content_knows() -> None:
    from attune.content import practices as content
    from attune.web.common import labels

    assert list(labels.CONDITION_LABELS) == list(content.CONDITIONS)
    assert set(labels.CONDITION_DESCRIPTIONS) == set(content.CONDITION_DESCRIPTIONS)
    assert list(labels.STATE_LABELS) == list(content.STATES) == list(labels.STATE_PHRASES)
    assert set(labels.STATE_DESCRIPTIONS) == set(content.STATE_DESCRIPTIONS)
    assert list(labels.WITH_LABELS) == list(content.WITH)
    # In English the web layer says exactly what the content says.
    with translation.override("en"):
        assert {k: str(v) for k, v in labels.CONDITION_LABELS.items()} == dict(content.CONDITIONS)
        assert {k: str(v) for k, v in labels.WITH_LABELS.items()} == dict(content.WITH)
        assert {k: str(v) for k, v in labels.STATE_DESCRIPTIONS.items()} == dict(content.STATE_DESCRIPTIONS)


def test_what_helps_me_in_german_with_decimal_commas(owner_client: Client, owner: Any) -> None:
    from daily_factories import make_sessions

    breath = {"practice_slug": "a-longer-breath-out", "practice_title": "A longer breath out"}
    make_sessions(owner, 6, **breath, before_safety=3, after_safety=6)
    page = _german(owner_client, reverse("today:what_helps"))
    for words in ("Was mir hilft", "Wenn angespannt", "Übungen hast du angespannt begonnen", "Nach Bedingung"):
        assert words in page, words
    assert re.search(r"<strong>\+\d,\d</strong>", page)  # a decimal comma, not "+2.6"
    assert "What helps me" not in page and "By condition" not in page and "sessions began" not in page


def test_your_week_in_german(owner_client: Client, owner: Any) -> None:
    from daily_factories import make_checkin

    make_checkin(owner)
    page = _german(owner_client, reverse("today:reflection"))
    for words in ("Deine Woche", "Diese Woche bis jetzt", "Was du festgehalten hast", "Tage mit Check-in"):
        assert words in page, words
    assert re.search(r"(Montag), \d{1,2}\. \w+ bis \w+, \d{1,2}\. \w+ \d{4}", page)
    assert "What you recorded" not in page and "This week so far" not in page


def test_the_welcome_sign_up_log_in_and_password_reset_pages_in_german(anon_client: Client) -> None:
    welcome = _german(anon_client, reverse("today:today"))
    assert "Verbindung, vom Körper aus" in welcome and "Konto anlegen" in welcome
    assert "Connection, from the body up" not in welcome and "What you can do here" not in welcome
    signup = _german(anon_client, reverse("accounts:signup"))
    for words in ("Leg dein Konto an", "Bevor du beginnst", "Deine Zeitzone", "Dasselbe Passwort noch einmal"):
        assert words in signup, words
    assert "Make your account" not in signup and "Before you start" not in signup
    login = _german(anon_client, reverse("accounts:login"))
    assert "Schön, dass du wieder da bist" in login and "Passwort vergessen?" in login and "Welcome back" not in login
    wrong = anon_client.post(reverse("accounts:login"), {"username": "nobody", "password": "wrong"}, **GERMAN)
    assert "passen zu keinem Konto hier" in wrong.content.decode()
    reset = _german(anon_client, reverse("accounts:password_reset"))
    assert "Ein neues Passwort setzen" in reset and "Schick mir einen Link" in reset and "Send me a link" not in reset
    done = _german(anon_client, reverse("accounts:password_reset_done"))
    assert "Sieh in deine E-Mails" in done and "Check your email" not in done
    stale = reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "abc-def"})
    assert "schon benutzt oder ist zu alt" in _german(anon_client, stale)
    complete = _german(anon_client, reverse("accounts:password_reset_complete"))
    assert "Dein neues Passwort ist gesetzt" in complete and "Your new password is set" not in complete


def test_the_weekly_observation_is_worded_in_german_for_every_kind() -> None:
    import datetime as dt

    from attune.core.insights.records import CheckInRecord, PracticeOutcome
    from attune.core.insights.reflection import weekly_reflection
    from attune.web.today.observation import observation_text

    monday = dt.date(2025, 3, 3)

    def at(day: int, hour: int) -> dt.datetime:
        return dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(hour))

    def session(state: str, before: float, after: float, day: int, after_state: str | None = None) -> PracticeOutcome:
        return PracticeOutcome("long-hug", "gentle-touch", state, before, after, after_state, at(day, 9))

    weeks = {
        "nothing": weekly_reflection([], [], monday),
        "repeat": weekly_reflection([], [session("activated", 3, 6, 0), session("activated", 3, 5, 1)], monday,
                                    {"long-hug": "Eine lange Umarmung"}),
        "time_of_day": weekly_reflection(
            [CheckInRecord(at(d, 8), "settled", 8.0) for d in range(3)]
            + [CheckInRecord(at(d, 20), "activated", 4.0) for d in range(3)], [], monday),
        "settled": weekly_reflection([], [session("activated", 5, 4, 0, "settled"), session("shut_down", 5, 4, 1,
                                                                                                  "settled")], monday),
        "common_state": weekly_reflection([CheckInRecord(at(0, 8), "shut_down", 3.0)], [], monday),
        "count": weekly_reflection([], [session("activated", 5, 4, 0)], monday),
    }
    german = {
        "nothing": "Diese Woche wurde nichts festgehalten",
        "repeat": "Wenn du angespannt warst, hat „Eine lange Umarmung“ deine gefühlte Sicherheit diese Woche "
        "im Schnitt um +2,5 gehoben, über 2 Übungen.",
        "time_of_day": "morgens am sichersten gefühlt (im Schnitt 8,0, gegenüber 4,0 abends)",
        "settled": "Bei 2 deiner Übungen bist du diese Woche am Ende zur Ruhe gekommen.",
        "common_state": "„Abgeschaltet“ kam diese Woche am häufigsten vor.",
        "count": "Du hast diese Woche 1-mal geübt.",
    }
    for kind, week in weeks.items():
        assert week.observation_kind == kind
        with translation.override("en"):
            assert observation_text(week) == week.observation
        with translation.override("de"):
            assert german[kind] in observation_text(week), (kind, observation_text(week))


def test_the_password_reset_email_is_in_the_language_it_was_asked_in(anon_client: Client, owner: Any) -> None:
    from django.core import mail

    anon_client.post(reverse("accounts:password_reset"), {"email": "olive@example.test"}, **GERMAN)
    message = mail.outbox[-1]
    assert message.subject == "Dein Passwort für attune"
    assert "Hallo Olive," in message.body and "öffne diesen Link" in message.body and "Hello" not in message.body
    assert "/accounts/password-reset/" in message.body


def test_english_practice_words_on_a_german_page_are_marked_as_english(owner_client: Client) -> None:
    hug = _german(owner_client, reverse("practices:detail", args=["long-hug"]))  # not yet written in German
    assert '<h1 lang="en">A long, easy hug</h1>' in hug and "Gut für dich sorgen" in hug
    heart = _german(owner_client, reverse("practices:detail", args=["hand-on-heart"]))  # written in German
    assert "<h1>Eine Hand auf dem Herzen</h1>" in heart and 'lang="en"' not in heart
    library = _german(owner_client, reverse("practices:library"))
    assert re.search(r'<h3 lang="en"><a href="[^"]+">A long, easy hug</a></h3>', library)
    assert re.search(r'<h3><a href="[^"]+">Eine Hand auf dem Herzen</a></h3>', library)
    english = owner_client.get(reverse("practices:detail", args=["long-hug"])).content.decode()
    assert "<h1>A long, easy hug</h1>" in english


def test_todays_consent_note_and_what_is_this_in_german(owner_client: Client, owner: Any) -> None:
    from daily_factories import make_checkin, make_sessions

    make_sessions(owner, 10, practice_slug="long-hug", practice_title="A long, easy hug", before_state="settled",
                  before_safety=3, after_safety=8)
    make_checkin(owner, state="settled", felt_safety=6, context="with_someone", both_opt_in=True)
    page = _german(owner_client, reverse("today:today"))
    assert "die du diese Übung zur Ruhe gekommen begonnen hast" in page and "The plain average" not in page
    make_checkin(owner, state="settled", felt_safety=6, context="with_someone")
    page = _german(owner_client, reverse("today:today"))
    assert "warten, bis ihr beide zustimmt" in page and "wait until you both opt in" not in page


@pytest.mark.usefixtures("journal_keys")
def test_sharing_a_journal_entry_in_german(owner_client: Client, guide_client: Client, owner: Any, guide: Any) -> None:
    from attune.web.journal import actions

    cohort_led_by(guide, owner)
    entry = actions.write_entry(owner, title="Nach dem Anruf", body="Die Enge in der Brust ließ nach.")
    detail = _german(owner_client, reverse("journal:detail", args=[entry.pk]))
    assert "Diesen Eintrag teilen" in detail and "Teilen mit" in detail and "Share this entry" not in detail
    response = owner_client.post(reverse("journal:share", args=[entry.pk]), {"guide": guide.pk}, follow=True, **GERMAN)
    page = response.content.decode()
    assert "Du kannst es jederzeit zurücknehmen." in page and "deine Begleitung, seit dem" in page
    shared = _german(guide_client, reverse("journal:shared"))
    assert "Mit dir geteilt" in shared and "Geteilt am" in shared and "Shared with you" not in shared
    one = _german(guide_client, reverse("journal:shared_entry", args=[entry.pk]))
    assert "hat das mit dir geteilt" in one and "Im Vertrauen geteilt" in one
    delete = _german(owner_client, reverse("journal:delete", args=[entry.pk]))
    assert "Diesen Eintrag löschen?" in delete and "Behalten" in delete and "Keep it" not in delete


def test_the_lockout_on_log_in_says_how_long_in_german(anon_client: Client, owner: Any, settings: Any) -> None:
    import datetime as dt

    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(seconds=900)
    for _ in range(3):
        response = anon_client.post(reverse("accounts:login"), {"username": "olive", "password": "wrong"}, **GERMAN)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Zu viele Versuche. In 15 Minuten kannst du es noch einmal probieren." in page and "Too many" not in page


@pytest.mark.usefixtures("journal_keys")
def test_an_answer_too_long_to_save_is_explained_in_german(owner_client: Client, owner: Any, guide: Any) -> None:
    from journal_helpers import PROMPT

    from attune.web.journal.models import MAX_BODY_CHARS

    cohort_led_by(guide, owner)
    answer = {"workbook": "ease", "version": "1", "day": "1", "prompt_key": PROMPT.key}
    answer["body"] = "x" * (MAX_BODY_CHARS + 1)
    response = owner_client.post(reverse("workbooks:answer"), answer, **GERMAN)
    page = response.content.decode()
    assert response.status_code == 400 and "Deine Antwort wurde nicht gespeichert" in page
    assert "eine Antwort fasst bis zu" in page and "Was du geschrieben hast" in page
    assert "Your answer was not saved" not in page


def test_the_practice_player_and_pacer_in_german(owner_client: Client) -> None:
    player = _german(owner_client, reverse("practices:player", args=["hand-on-heart"]))
    for words in ("Bevor du beginnst", "Überspringen und beginnen", "Nächster Schritt", "Leiser Ton"):
        assert words in player, words
    assert "Before you begin" not in player and ">Next step<" not in player and "Soft sound" not in player
    assert '"Step %(n)s of %(total)s": "Schritt %(n)s von %(total)s"' in player  # for the script, in #page-words
    pacer = _german(owner_client, reverse("practices:pacer"))
    for words in ("<h1>Atembegleiter</h1>", "Sechs pro Minute", "4,5 s ein, 5,5 s aus", "Halten nach Einatmen"):
        assert words in pacer, words
    assert "<h1>Breathing pacer</h1>" not in pacer and "Six a minute" not in pacer and "For how long" not in pacer


def test_the_live_resonance_and_morning_screens_in_german(owner_client: Client) -> None:
    live = _german(owner_client, reverse("live:practice"))
    for words in ("Atmen, mit dem Herzen im Blick", "Dein Atemtempo", "Demo-Gurt testen", "Kohärenz"):
        assert words in live, words
    assert "Breathe with your heart in view" not in live and "Try the demo strap" not in live
    resonance = _german(owner_client, reverse("live:resonance"))
    assert "<h1>Finde dein Resonanztempo</h1>" in resonance and "So geht es" in resonance
    assert "6,5; 6; 5,5; 5; 4,5 Atemzügen pro Minute" in resonance  # decimal commas, kept apart by semicolons
    assert "Find your resonance rate" not in resonance and "How it goes" not in resonance
    morning = _german(owner_client, reverse("live:morning"))
    assert "<h1>Ein Morgenwert</h1>" in morning and "2 Minuten" in morning and "1 Minute<" in morning
    assert "A morning reading" not in morning and "2 minutes" not in morning


def test_history_and_a_check_in_in_german(owner_client: Client, owner: Any) -> None:
    from daily_factories import make_checkin

    checkin = make_checkin(owner, note="ein paar Worte")
    history = _german(owner_client, reverse("today:history"))
    for words in ("<h1>Verlauf</h1>", "Gefühlte Sicherheit im Lauf der Zeit", "Tag für Tag", "90 Tage", "Ein Jahr"):
        assert words in history, words
    assert "Felt safety over time" not in history and "Day by day" not in history and "A year" not in history
    assert "<h2 id=\"recordings-title\">Herzrhythmus</h2>" in history and "Heart rhythm" not in history
    odd = owner_client.get(reverse("today:history") + "?range=7", **GERMAN).content.decode()
    assert "Diesen Zeitraum bieten wir nicht an" in odd
    detail = _german(owner_client, reverse("checkins:detail", args=[checkin.pk]))
    assert "Dein Check-in" in detail and "Deine private Notiz" in detail and "von\u00a010" in detail
    assert "Your check-in" not in detail and "of 10" not in detail
    delete = _german(owner_client, reverse("checkins:delete", args=[checkin.pk]))
    assert "Diesen Check-in löschen?" in delete and "samt seiner Notiz" in delete
    assert "Delete this check-in?" not in delete


def test_the_check_in_errors_in_german_keep_german_capitals(owner_client: Client) -> None:
    response = owner_client.post(reverse("checkins:new"), {"felt_safety": "11"}, **GERMAN)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Wähl, was gerade am ehesten passt: zur Ruhe gekommen, angespannt oder abgeschaltet." in page
    assert "Gefühlte Sicherheit ist eine ganze Zahl von 0 bis 10." in page
    assert "Atem: Wähl eine Zahl von 1 bis 5." in page
    assert "Choose" not in page and "whole number" not in page


def test_the_error_and_offline_pages_in_german(owner_client: Client) -> None:
    missing = owner_client.get("/no-such-page/", **GERMAN)
    assert missing.status_code == 404
    page = missing.content.decode()
    assert "Unter dieser Adresse ist nichts" in page and "Zurück zu Heute" in page
    assert "There is nothing at this address" not in page and "Back to today" not in page
    offline = _german(owner_client, reverse("today:offline"))
    assert "Diese Seite braucht das Netz" in offline and "Den Atembegleiter" in offline
    assert "This page needs the network" not in offline
def test_you_and_its_account_pages_in_german(owner_client: Client, owner: Any) -> None:
    from tests.web.conftest import PASSWORD

    page = _german(owner_client, reverse("accounts:settings"))
    for words in ("<h1>Du</h1>", "Angemeldet als", "Wo du angemeldet bist", "Zwei-Schritt-Anmeldung", "Deine Daten",
                  "Kontoaktivität", "Sanfte Erinnerungen", "Überall sonst abmelden", "Dein Atemtempo"):
        assert words in page, words
    assert re.search(r"Tagen? ohne Nutzung|Stunden? ohne Nutzung|Minuten? ohne Nutzung", page)
    for english in ("<h1>You</h1>", "Where you are signed in", "Two-step sign-in", "Your data", "Account activity"):
        assert english not in page, english
    reauth = _german(owner_client, reverse("accounts:reauth"))
    assert "Bestätige, dass du es bist" in reauth and "Confirm it's you" not in reauth
    wrong = owner_client.post(reverse("accounts:reauth"), {"password": "not-it"}, **GERMAN).content.decode()
    assert "Confirm it" not in wrong and "Bestätige" in wrong
    owner_client.post(reverse("accounts:reauth"), {"password": PASSWORD}, **GERMAN)
    email = _german(owner_client, reverse("accounts:email_change"))
    assert "E-Mail-Adresse ändern" in email and "Diese Adresse speichern" in email and "Change your email" not in email
    password = _german(owner_client, reverse("accounts:password_change"))
    assert "Dein jetziges Passwort" in password and "Change your password" not in password
    export = _german(owner_client, reverse("accounts:export"))
    assert "Deine Daten herunterladen" in export and "Was drin ist" in export and "Download your data" not in export
    delete = _german(owner_client, reverse("accounts:delete"))
    assert "Was gelöscht wird" in delete and "nicht rückgängig machen" in delete and "What is deleted" not in delete
    assert "<span>Kontoaktivität</span>" in delete and "1 Eintrag" in delete and "Account activity" not in delete
    two_step = _german(owner_client, reverse("accounts:two_step"))
    for words in ("Authenticator-App", "App einrichten", "Passkey hinzufügen", "Mein Passkey"):
        assert words in two_step, words
    assert "Set up an authenticator app" not in two_step and "Add a passkey" not in two_step
    assert 'data-say-wait="Folge dem, worum dein Gerät bittet …"' in two_step  # for the passkey script


def test_the_session_timeout_is_worded_with_german_plurals() -> None:
    from attune.web.accounts import sessions

    class Member:
        pk = 1

    with translation.override("de"):
        words = sessions.idle_words(Member())
    assert re.fullmatch(r"\d+ (Tag|Tagen|Stunde|Stunden|Minute|Minuten)", words), words


def test_the_reminders_page_in_german(owner_client: Client) -> None:
    page = _german(owner_client, reverse("reminders:settings"))
    for words in ("Sanfte Erinnerungen", "Wie, wenn überhaupt", "Keine Erinnerungen", "Ruhige Stunden",
                  "Mitteilungen auf diesem Gerät"):
        assert words in page, words
    assert "<h1>Gentle reminders</h1>" not in page and "Quiet hours" not in page and "No reminders" not in page
    push_data = json.loads(re.search(r'<script id="push-data" type="application/json">(.*?)</script>', page).group(1))
    assert push_data["words"]["failed"] == "Mitteilungen ließen sich hier nicht einrichten: %(reason)s"
    response = owner_client.post(
        reverse("reminders:settings"),
        {"channel": "email", "at": "22:00", "quiet_from": "21:00", "quiet_until": "08:00"},
        **GERMAN,
    )
    assert "Diese Uhrzeit liegt in deinen ruhigen Stunden" in response.content.decode()


def test_account_activity_in_german_with_names_in_place(owner_client: Client, owner: Any, guide: Any) -> None:
    from attune.web.audit import actions
    from attune.web.audit.models import Kind

    actions.record(Kind.SIGNED_IN, account=owner)
    actions.record(Kind.SHARED_LIST_VIEWED, account=owner, actor=guide, detail={"entries": 3})
    actions.record(Kind.SHARED_ENTRY_OPENED, account=owner, actor=guide, detail={"written": "2026-12-03"})
    actions.record(Kind.SESSIONS_REVOKED, account=owner, detail={"ended": 1})
    page = _german(owner_client, reverse("audit:activity"))
    for words in ("<h1>Kontoaktivität</h1>", "Du hast dich angemeldet", "Über diese Liste",
                  "Gwen hat die Liste dessen angesehen, was du geteilt hast: die ersten Zeilen von 3 Einträgen",
                  "(geschrieben am 3. Dezember 2026)", "(1 andere Sitzung beendet)"):
        assert words in page, words
    assert "<h1>Account activity</h1>" not in page and "You signed in" not in page and "opened a journal" not in page
    english = owner_client.get(reverse("audit:activity")).content.decode()
    assert "Gwen opened a journal entry you shared (written 3 December 2026)" in english


def test_practising_together_in_german(owner_client: Client) -> None:
    home = _german(owner_client, reverse("rooms:home"))
    for words in (
        "<h1>Gemeinsam üben</h1>", "Eine Übung zu zweit beginnen", "Zu deinem Gegenüber dazukommen", "Zuerst"
    ):
        assert words in home, words
    assert "Practise together" not in home and "Start a practice for two" not in home
    join = _german(owner_client, reverse("rooms:join"))
    assert "Code von deinem Gegenüber" in join and "Join your partner" not in join
    wrong = owner_client.post(reverse("rooms:join"), {"code": "ZZZZZZ"}, **GERMAN).content.decode()
    assert "Dieser Code passt zu keiner Übung" in wrong and "doesn't match" not in wrong
    response = owner_client.post(reverse("rooms:start_pair"), {"first": "breathing-together", "minutes": "6"}, **GERMAN)
    assert response.status_code == 302, response.content.decode()[:2000]
    room = _german(owner_client, response["Location"])
    for words in (
        "Gib deinem Gegenüber diesen Code", "Bevor du beginnst", "Gemeinsam beginnen", "Wie geht es dir jetzt?"
    ):
        assert words in room, words
    assert "Give your partner this code" not in room and "Begin together" not in room


def test_the_retreat_pages_a_member_sees_in_german(owner_client: Client, owner: Any, guide: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt
    import zoneinfo

    from django.utils import timezone
    from retreat_helpers import applied, retreat_led_by

    from attune.web.retreats import actions

    arrival = dt.date(2030, 6, 1)
    retreat = retreat_led_by(guide, starts_on=arrival)
    listing = _german(owner_client, reverse("retreats:list"))
    assert "<h1>Retreats</h1>" in listing and "Demnächst" in listing and "Coming up" not in listing
    assert re.search(r"\d{1,2}\. Juni 2030 bis", listing)
    detail = _german(owner_client, reverse("retreats:detail", args=[retreat.pk]))
    assert "Ankunft Samstag, 1. Juni 2030" in detail and "Anmelden" in detail and "Arrive" not in detail
    form = _german(owner_client, reverse("retreats:apply", args=[retreat.pk]))
    for words in ("Möchtest du zu Übungen mit sanfter Berührung eingeladen werden?", "Anmeldung abschicken"):
        assert words in form, words
    assert "Send my application" not in form and "gentle touch" not in form
    actions.accept(applied(owner, retreat))
    mine = _german(owner_client, reverse("retreats:mine", args=[retreat.pk]))
    assert "Deine Anmeldung" in mine and "Platz bekommen" in mine and "Given a place" not in mine
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2030, 6, 2, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")))
    during = Client()
    during.force_login(owner)  # a session begun on the day itself
    today = _german(during, reverse("retreats:today", args=[retreat.pk]))
    for words in ("Tag 2 von", "Wie geht es deinem Körper heute?", "Gerade fühle ich mich", "Ich möchte kurz reden"):
        assert words in today, words
    assert "How is your body today?" not in today and "I'd like a word" not in today
    schedule = _german(during, reverse("retreats:schedule", args=[retreat.pk]))
    assert "der Ablauf</h1>" in schedule and "In deinem Kalender" in schedule and "the schedule" not in schedule
    assert "Ja, lade mich ein" in _german(during, reverse("retreats:mine", args=[retreat.pk]))


def test_a_security_notice_goes_out_in_the_language_the_change_was_made_in(
    owner_client: Client, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    from attune.web.accounts.signals import security_event
    from tests.web.conftest import PASSWORD

    owner_client.post(reverse("accounts:reauth"), {"password": PASSWORD}, **GERMAN)
    new = "a different calm passphrase 9"
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
            **GERMAN,
        )
    assert response.status_code == 302
    (notice,) = mail.outbox
    assert notice.subject == "attune: Dein Passwort wurde geändert"
    assert "Hallo Olive," in notice.body and "dass das Passwort deines Kontos geändert wurde, am " in notice.body
    assert "Überall sonst abmelden" in notice.body and "Hello" not in notice.body
    assert re.search(r"am \d{1,2}\. \w+ \d{4} um \d\d:\d\d", notice.body)
    # Without a request (a change made by a command), no language is known: English.
    with django_capture_on_commit_callbacks(execute=True):
        security_event.send(sender=None, user=owner, kind="passkey_added", request=None, detail={})
    assert mail.outbox[-1].subject == "attune: A passkey was added" and "Hello Olive," in mail.outbox[-1].body


def test_the_link_confirming_a_new_email_is_in_the_language_it_was_asked_in(
    owner_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    from tests.web.conftest import PASSWORD

    owner_client.post(reverse("accounts:reauth"), {"password": PASSWORD}, **GERMAN)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("accounts:email_change"), {"email": "neu@example.test"}, **GERMAN)
    confirm = [m for m in mail.outbox if m.to == ["neu@example.test"]][-1]
    assert confirm.subject == "attune: Bestätige deine neue E-Mail-Adresse"
    assert "Diese Adresse verwenden" in confirm.body and "Use this email" not in confirm.body
