"""The crisis notice, the retreat guide's pages, the arc, the workshop console and their emails in German."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from daily_factories import make_checkin
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from retreat_helpers import SECRET, applied, retreat_led_by
from room_helpers import workshop

from attune.web.reminders import actions as reminder_actions
from attune.web.reminders.models import Channel, ReminderPreference
from attune.web.retreats import actions as retreat_actions
from attune.web.retreats.models import Application
from attune.web.rooms import actions as room_actions
from attune.web.rooms.models import Participant

pytestmark = pytest.mark.django_db

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}


def _german(client: Client, url: str) -> str:
    response = client.get(url, **GERMAN)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="de">' in page
    return page


def test_the_crisis_notice_and_the_about_page_in_german(owner_client: Client, owner: Any, settings: Any) -> None:
    settings.CRISIS_RESOURCES = "Telefonseelsorge | 0800 111 0 111"
    make_checkin(owner, felt_safety=1, state="shut_down")
    today = _german(owner_client, reverse("today:today"))
    assert "Du musst das nicht allein tragen" in today and "kein Krisendienst" in today
    assert "<strong>Telefonseelsorge</strong>: 0800 111 0 111" in today  # the operator's words stay as written
    assert "You don't have to hold this alone" not in today and "not a crisis service" not in today
    about = _german(owner_client, reverse("today:about"))
    for words in (
        "Über attune",
        "kein Medizinprodukt und keine Therapie",
        "Wenn du dich nicht sicher fühlst",
        "Deine Privatsphäre",
        "0800 111 0 111",
    ):
        assert words in about, words
    assert "not a medical device" not in about and "If you don't feel safe" not in about


def test_the_default_crisis_resource_is_worded_in_the_readers_language(
    owner_client: Client, owner: Any, settings: Any
) -> None:
    settings.CRISIS_RESOURCES = "Emergency services | call your local emergency number\nSamaritans | call 116 123"
    make_checkin(owner, felt_safety=1, state="shut_down")
    today = _german(owner_client, reverse("today:today"))
    assert "<strong>Notruf</strong>: ruf die örtliche Notrufnummer an" in today
    assert "<strong>Samaritans</strong>: call 116 123" in today  # the operator's own line as written
    assert "Emergency services" not in today and "local emergency number" not in today
    english = owner_client.get(reverse("today:today")).content.decode()
    assert "<strong>Emergency services</strong>: call your local emergency number" in english


def test_a_workshops_default_journal_prompt_in_german(owner_client: Client, owner: Any, guide: Any) -> None:
    w = workshop(guide)
    room_actions.enrol(owner, w)
    room = _german(owner_client, reverse("rooms:room", args=[w.room_id]))
    assert "Was ist dir von dem Workshop geblieben?" in room and "What stayed with you" not in room
    w.journal_prompt = "What was it like to breathe with others?"  # the guide's own words stay as written
    w.save(update_fields=["journal_prompt"])
    assert "What was it like to breathe with others?" in _german(owner_client, reverse("rooms:room", args=[w.room_id]))


def test_the_guides_retreat_pages_in_german(guide_client: Client, guide: Any, owner: Any) -> None:
    retreat = retreat_led_by(guide)
    applied(owner, retreat)
    manage = _german(guide_client, reverse("retreats:manage", args=[retreat.pk]))
    for words in (
        "Deine Retreats",
        "Warten auf dich",
        "Fragen bei der Anmeldung",
        "wird immer gefragt",
        "Über attune läuft keine Bezahlung",
        "Noch keine Plätze vergeben.",
        "10 von 10 Plätzen frei",
        "Veröffentlicht: Mitglieder können sich anmelden",
        "Frage hinzufügen",
        "Kurzer Text",
    ):
        assert words in manage, words
    for english in (
        "Waiting for you",
        "Intake questions",
        "attune takes no payments",
        "No places given yet.",
        "places left",
        "Add the question",
        "always asked",
    ):
        assert english not in manage, english
    application = Application.objects.get(user=owner)
    seen = _german(guide_client, reverse("retreats:application", args=[application.pk]))
    assert "Gibt es etwas, das deine Begleitung wissen sollte" in seen and SECRET in seen  # the fixed question
    assert "Annehmen" in seen and "Auf die Warteliste" in seen and "Absagen" in seen
    assert "keep you safe" not in seen and "Their answers" not in seen
    overview = _german(guide_client, reverse("retreats:guide"))
    assert "Ein Retreat planen" in overview and "Noch nicht mitgeteilte Änderungen am Ablauf" in overview
    assert "Plan a retreat" not in overview
    edit = _german(guide_client, reverse("retreats:edit", args=[retreat.pk]))
    assert "Anreisetag" in edit and "Zeitzone des Ortes" in edit and "Arrival day" not in edit
    schedule = _german(guide_client, reverse("retreats:schedule_edit", args=[retreat.pk]))
    assert "Zum Ablauf hinzufügen" in schedule and "Beginnt um" in schedule and "Add to the schedule" not in schedule
    assert re.search(r"Tag 1: \w+, \d{1,2}\. \w+", schedule)  # the day choices, worded in German
    group = _german(guide_client, reverse("retreats:group", args=[retreat.pk]))
    assert "Die Tage der Gruppe" in group and "Niemand hat um ein Gespräch gebeten." in group
    assert "No one has asked for a word." not in group
    response = guide_client.post(reverse("retreats:decide", args=[application.pk]), {"decision": "maybe"}, **GERMAN)
    assert response.status_code == 302
    after = guide_client.get(response["Location"], **GERMAN).content.decode()
    assert "Bitte wähle: annehmen, Warteliste oder absagen." in after


def test_the_retreat_arc_in_german(owner_client: Client, owner: Any, guide: Any) -> None:
    retreat = retreat_led_by(guide, starts_on=dt.date.today() + dt.timedelta(days=3))
    retreat_actions.accept(applied(owner, retreat))
    make_checkin(owner, felt_safety=3, state="shut_down")
    arc = _german(owner_client, reverse("retreats:arc", args=[retreat.pk]))
    for words in (
        "Dein Bogen",
        "Die Woche davor",
        "Abgeschaltet",
        "Gefühlte Sicherheit, 0 bis 10",
        "Meinen Bogen mit Gwen teilen",
    ):
        assert words in arc, words
    for english in ("The week before", "Shut down", "Your arc is yours alone", "Felt safety, 0 to 10"):
        assert english not in arc, english
    response = owner_client.post(reverse("retreats:arc_share", args=[retreat.pk]), {"share": "on"}, **GERMAN)
    shared = owner_client.get(response["Location"], **GERMAN).content.decode()
    assert "Gwen kann deinen Bogen jetzt sehen." in shared and "Meinen Bogen nicht mehr teilen" in shared


def test_the_workshop_console_and_its_script_words_in_german(guide_client: Client, guide: Any) -> None:
    w = workshop(guide)
    console = _german(guide_client, reverse("rooms:room", args=[w.room_id]))
    found = re.search(r'<script id="page-words" type="application/json">(.*?)</script>', console, re.S)
    assert found is not None
    said = json.loads(found.group(1))
    console = console.replace(found.group(0), "")  # its keys are the English sentences
    for words in (
        "deine Steuerung",
        "Gurte im Raum",
        "Keine Gurte verbunden.",
        "Im Raum (0)",
        "Ansicht für den Beamer öffnen",
        "Du musst das nicht allein tragen",
    ):
        assert words in console, words
    assert "<legend>Gefühlte Sicherheit</legend>" in console and "<legend>Zustand</legend>" in console
    for english in (
        "Straps in the room",
        "No straps connected.",
        "Open the projector view",
        "hold this alone",
        "Felt safety",
        "<legend>State</legend>",
    ):
        assert english not in console, english
    assert said["The guide will begin soon."] == "Die Begleitung beginnt bald."
    assert said["%(n)s straps connected%(demo)s."] == "%(n)s Gurte verbunden%(demo)s."
    assert "Nothing is paused." not in said  # a refusal comes over the socket in the member's language
    assert said["shut down"] == "abgeschaltet"
    projector = _german(guide_client, reverse("rooms:projector", args=[w.room_id]))
    assert "Mit dem Handy dazukommen" in projector and "Join on your phone" not in projector
    assert 'id="page-words"' in projector
    page = _german(guide_client, reverse("rooms:workshop", args=[w.pk]))
    assert "Deine Steuerung öffnen" in page and "Open your console" not in page
    new = _german(guide_client, reverse("rooms:workshop_new"))
    assert "Wer dazukommen darf" in new and "Alle Mitglieder" in new and "Who may join" not in new
    edit = _german(guide_client, reverse("rooms:workshop_edit", args=[w.pk]))
    assert "Den Workshop ändern" in edit and "Dauer in Minuten" in edit and "Change the workshop" not in edit


def test_a_workshop_invitation_to_a_german_speaking_member_is_german(
    owner_client: Client, owner: Any, guide: Any, django_capture_on_commit_callbacks: Any
) -> None:
    w = workshop(guide)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("rooms:enrol", args=[w.pk]), **GERMAN)
    assert response.status_code == 302
    assert Participant.objects.get(room=w.room, user=owner).language == "de"
    (invitation,) = mail.outbox
    assert invitation.subject == "Dein Platz: Slowing down together"
    for words in (
        "Hallo Olive,",
        "Du hast einen Platz bei „Slowing down together“",
        "für 60 Minuten",
        "Wo: online, auf deinem eigenen Gerät",
        "Die angehängte Einladung",
        "Jede Übung kannst du",
    ):
        assert words in invitation.body, words
    assert "Hello" not in invitation.body and "You have a place" not in invitation.body
    assert re.search(r"Wann: \w+, \d{1,2}\. \w+ \d{4}, \d\d:\d\d", invitation.body)
    assert invitation.attachments  # the calendar invitation still comes with it
    # The guide calls it off with no German anywhere in sight: the member still hears in German.
    with django_capture_on_commit_callbacks(execute=True):
        room_actions.cancel_workshop(w, "I am unwell.")
    called_off = mail.outbox[-1]
    assert called_off.subject == "Von der Begleitung abgesagt: Slowing down together"
    assert "Ein Wort von der Begleitung: I am unwell." in called_off.body


def test_someone_who_enrolled_in_english_keeps_english_emails(
    other: Any, guide: Any, django_capture_on_commit_callbacks: Any
) -> None:
    w = workshop(guide)
    translation.deactivate()  # as in the worker: no request, so no language of one
    with django_capture_on_commit_callbacks(execute=True):
        room_actions.enrol(other, w)
    assert mail.outbox[-1].subject == "Your place: Slowing down together"
    assert "Hello" in mail.outbox[-1].body


def test_retreat_emails_go_out_in_the_language_the_member_applied_in(
    owner_client: Client, owner: Any, guide: Any, django_capture_on_commit_callbacks: Any
) -> None:
    retreat = retreat_led_by(guide, starts_on=dt.date(2030, 6, 1))
    question = retreat.questions.get()
    data = {question.key: "Alles", "safety": "", "touch": "no"}
    response = owner_client.post(reverse("retreats:apply", args=[retreat.pk]), data, **GERMAN)
    assert response.status_code == 302
    application = Application.objects.get(user=owner)
    assert application.language == "de"
    with django_capture_on_commit_callbacks(execute=True):
        retreat_actions.accept(application)  # the guide's step, outside any German request
    (email,) = mail.outbox
    assert email.subject == "Ein Platz für dich: Slow days by the lake"
    assert "Samstag, 1. Juni 2030 bis Dienstag, 4. Juni 2030" in email.body
    assert "Über attune läuft keine Bezahlung" in email.body and "takes no payments" not in email.body


def test_a_reminder_email_is_in_the_language_the_member_chose_it_in(
    owner_client: Client, owner: Any, settings: Any
) -> None:
    response = owner_client.post(
        reverse("reminders:settings"),
        {"channel": "email", "at": "09:00", "quiet_from": "21:00", "quiet_until": "08:00"},
        **GERMAN,
    )
    assert response.status_code == 302
    pref = ReminderPreference.objects.get(user=owner)
    assert (pref.channel, pref.language) == (Channel.EMAIL, "de")
    with reminder_actions.translation.override(reminder_actions.language_of_reminders(pref)):
        reminder_actions.send_email(owner)
    (email,) = mail.outbox
    assert email.subject == "Ein Moment für dich, wenn du magst"
    assert "Hallo Olive," in email.body and "einchecken" in email.body and "Hello" not in email.body


def test_a_pair_rooms_own_breathing_practice_reads_in_german(owner_client: Client, owner: Any) -> None:
    response = owner_client.post(reverse("rooms:start_pair"), {"first": "breathing-together", "minutes": "6"}, **GERMAN)
    room = _german(owner_client, response["Location"])
    assert '<h1 class="room-title">Gemeinsam atmen</h1>' in room
    found = re.search(r'<script id="room-data" type="application/json">(.*?)</script>', room, re.S)
    assert found is not None
    plan = json.loads(found.group(1))["plan"]
    titles = [step["title"] for step in plan["steps"]]
    assert titles[:2] == ["Ankommen", "Eine oder einer von euch führt"] and "Arriving" not in titles
    assert any("Jetzt führt niemand" in step["text"] and "Sekunden ein" in step["text"] for step in plan["steps"])
    english = owner_client.get(response["Location"]).content.decode()  # the stored plan keeps the English
    assert "Arriving" in english and "Nobody leads now. You might both follow the pacer, 5 seconds" in english
