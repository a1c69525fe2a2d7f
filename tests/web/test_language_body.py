"""The body pages in German: imports, heart recordings, resonance, the "why this?" and the scripts' words."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from attune.core.insights.learner import WHY_KINDS, Pick
from attune.web.audit.agents import in_language, summarise
from attune.web.live.views import PAGE_WORDS
from attune.web.physio.models import Recording, ResonanceAssessment
from attune.web.physio.views import CHART_WORDS
from attune.web.today.views import HISTORY_WORDS
from attune.web.today.why import why_text

pytestmark = pytest.mark.django_db

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}
SCRIPTS = Path(__file__).resolve().parents[2] / "attune" / "web" / "static" / "js"


def _german(client: Client, url: str) -> str:
    response = client.get(url, **GERMAN)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="de">' in page
    return page


def test_the_import_pages_in_german(owner_client: Client) -> None:
    page = _german(owner_client, reverse("imports:index"))
    for words in ("Deine Daten übernehmen", "Übernimm, was deine Uhr, dein Ring oder dein Gurt aufgezeichnet hat",
                  "Hochladen und übernehmen", "So exportierst du von deinem Gerät", "Noch nichts übernommen."):
        assert words in page, words
    for english in ("Bring in your data", "Upload and import", "How to export from your device",
                    "Nothing imported yet.", "Your imports"):
        assert english not in page, english
    body = _german(owner_client, reverse("imports:body"))
    assert "<h1>Dein Körper im Lauf der Zeit</h1>" in body and "Noch keine Herzdaten." in body
    assert "Your body over time" not in body and "No heart data yet" not in body and "calibrating" not in body
    english = owner_client.get(reverse("imports:index")).content.decode()
    assert "Bring in what your watch, ring or strap recorded" in english and "Upload and import" in english


def test_a_refused_upload_and_an_import_in_progress_in_german(owner_client: Client, tmp_path: Path,
                                                             settings: Any) -> None:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"
    empty = SimpleUploadedFile("leer.csv", b"", content_type="text/csv")
    refused = owner_client.post(reverse("imports:upload"), {"file": empty}, **GERMAN)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "leer.csv: Die Datei ist leer." in page and "the file is empty" not in page
    nothing = owner_client.post(reverse("imports:upload"), {}, **GERMAN).content.decode()
    assert "Wähl eine Datei zum Übernehmen" in nothing and "Choose a file to import" not in nothing


def test_recordings_resonance_and_why_this_in_german_for_the_demo_member() -> None:
    call_command("demo", stdout=io.StringIO())
    member = get_user_model().objects.get(username="demo")
    client = Client()
    client.force_login(member)

    recording = Recording.objects.filter(user=member, beats__gt=0, ended_at__isnull=False, summarising=False).first()
    assert recording is not None
    detail = _german(client, reverse("physio:recording", args=[recording.pk]))
    for words in ("<h1>Dein Herzrhythmus</h1>", "Zusammenfassung", "Zeit in Kohärenz", "Schlag für Schlag",
                  "RR-Intervalle herunterladen (Text)", "Diese Herzschläge kommen vom Demo-Gurt"):
        assert words in detail, words
    for english in ("Your heart rhythm", "Time in coherence", "Beat by beat", "Download the RR intervals",
                    "These beats came from the demo strap", "What is this?"):
        assert english not in detail, english
    chart_words = re.search(r'<script id="page-words" type="application/json">(.*?)</script>', detail, re.S)
    assert chart_words is not None
    assert json.loads(chart_words.group(1))["Heart rate (bpm)"] == "Herzfrequenz (Schläge/min)"
    listing = _german(client, reverse("physio:recordings"))
    assert "<h1>Herzrhythmus-Aufzeichnungen</h1>" in listing and "(Demo-Gurt)" in listing
    assert "Heart rhythm recordings" not in listing and "(demo strap)" not in listing

    assessment = ResonanceAssessment.objects.filter(user=member, scored_at__isnull=False).first()
    assert assessment is not None
    result = _german(client, reverse("physio:resonance_result", args=[assessment.pk]))
    for words in ("<h1>Resonanzmessung</h1>", "Die Hinweise für jedes Tempo", "Herzfrequenz-Schwankung",
                  "Was bedeuten diese Spalten?", "Atemzüge pro Minute"):
        assert words in result, words
    for english in ("Resonance assessment", "The evidence for each rate", "Heart-rate swing",
                    "breaths a minute", "had the strongest overall evidence"):
        assert english not in result, english
    index = _german(client, reverse("physio:resonance"))
    assert "6,5; 6; 5,5; 5; 4,5 Atemzüge pro Minute" in index and "Frühere Messungen" in index

    today = _german(client, reverse("today:today"))
    why = re.search(r'<details class="what why-this">.*?</details>', today, re.S)
    assert why is not None
    assert "Wenn du" in why.group(0) or "Etwas, das du" in why.group(0)
    for english in ("has helped you", "has changed little", "Something you haven", "not enough yet to go on",
                    "When the body is on guard", "Feeling settled is a good moment"):
        assert english not in today, english
    english_today = client.get(reverse("today:today")).content.decode()
    assert "has helped you" in english_today or "Something you haven" in english_today


def _pick(kind: str, **values: str | int | float) -> Pick:
    return Pick("hand-on-heart", "Hand on heart", "suggested", f"English {kind}", 6, 1.5, kind,
                tuple(values.items()))


def test_every_kind_of_why_this_is_worded_in_german_and_english_keeps_the_cores_sentence() -> None:
    picks = {
        "helped_most": _pick("helped_most", state="activated", title="Hand on heart", change=2.1, n=6),
        "helped": _pick("helped", state="settled", title="Hand on heart", change=0.5, n=4),
        "changed_little": _pick("changed_little", state="shut_down", title="Hand on heart", change=-0.4, n=3),
        "rule": _pick("rule", state="activated", condition="gentle-touch"),
        "condition": _pick("condition", state="activated", condition="gentle-touch"),
        "rule_few": _pick("rule_few", state="shut_down", condition="gentle-touch", change=1.0, n=1),
        "condition_few": _pick("condition_few", state="settled", condition="soft-gaze", change=-1.25, n=2),
        "untried_new": _pick("untried_new", state="activated"),
        "untried_here": _pick("untried_here", state="shut_down"),
    }
    assert set(picks) == set(WHY_KINDS)
    with translation.override("de"):
        said = {kind: why_text(pick, "Hand aufs Herz") for kind, pick in picks.items()}
    assert said["helped_most"] == (
        "Wenn du angespannt warst, hat dir „Hand aufs Herz“ am meisten geholfen: im Schnitt +2,1 über 6 Übungen."
    )
    assert said["changed_little"].startswith("Wenn du abgeschaltet warst, hat „Hand aufs Herz“ bisher wenig")
    assert "\u22120,4" in said["changed_little"]
    assert said["rule"].startswith("Wenn der Körper auf der Hut ist")
    assert said["condition"].startswith("Sanfte Berührung")
    assert said["rule_few"].endswith("hast du sie bisher einmal ausprobiert (+1,0): noch zu wenig, um darauf zu bauen.")
    assert "zweimal" in said["condition_few"] and said["condition_few"].startswith("Ein weiches, freundliches")
    assert said["untried_new"] == ("Etwas, das du noch nicht ausprobiert hast. Es passt, wenn du angespannt bist, "
                                   "und durchs Ausprobieren füllt sich deine Karte.")
    assert "wenn du abgeschaltet warst" in said["untried_here"]
    for kind, text in said.items():
        assert not text.startswith("English"), kind
    with translation.override("en"):
        assert all(why_text(pick) == f"English {kind}" for kind, pick in picks.items())


def test_the_browser_name_on_account_activity_in_german() -> None:
    firefox = summarise("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
    assert firefox == "Firefox on Linux"
    with translation.override("de"):
        assert in_language(firefox) == "Firefox unter Linux"
        assert in_language("another browser") == "ein anderer Browser"
        assert in_language("a browser on Android") == "ein Browser unter Android"
        assert in_language("a script") == "ein Skript"
        assert in_language("") == "" and in_language("Firefox") == "Firefox"
    with translation.override("en"):
        assert in_language(firefox) == "Firefox on Linux"


def test_account_activity_names_the_browser_in_german(owner_client: Client, owner: Any) -> None:
    from attune.web.audit.models import AuditEvent, Kind

    AuditEvent.objects.create(kind=Kind.SIGNED_IN, account=owner, account_ref="x", agent="Chrome on Android")
    page = _german(owner_client, reverse("audit:activity"))
    assert "Chrome unter Android" in page and "Chrome on Android" not in page


def _said(script: str) -> set[str]:
    """Every sentence a script passes to say() as a plain string literal."""
    text = (SCRIPTS / script).read_text(encoding="utf-8")
    found = re.findall(r"""say\(\s*(?:'((?:\\.|[^'\\])*)'|"((?:\\.|[^"\\])*)")""", text)
    return {(single or double).replace("\\'", "'").replace('\\"', '"') for single, double in found}


def test_every_sentence_the_live_scripts_say_is_handed_to_them_for_translation() -> None:
    handed = {*PAGE_WORDS, "Time"}  # "Time" is handed over with its context (live.views._render_page)
    for script in ("live.js", "resonance.js", "morning.js", "live-ui.js"):
        said = _said(script)
        assert said, script
        assert said <= handed, (script, sorted(said - handed))
    assert _said("history-chart.js") <= set(HISTORY_WORDS)
    chart = (SCRIPTS.parent.parent / "physio" / "static" / "physio" / "recording-chart.js").read_text(encoding="utf-8")
    said = set(re.findall(r"say\('([^']*)'\)", chart))
    assert said and said <= set(CHART_WORDS)


def test_the_live_pages_and_history_hand_their_scripts_german_words(owner_client: Client, owner: Any) -> None:
    from daily_factories import make_checkin

    page = _german(owner_client, reverse("live:practice"))
    words = re.search(r'<script id="page-words" type="application/json">(.*?)</script>', page, re.S)
    assert words is not None
    assert '"Pace %(n)s of %(total)s": "Tempo %(n)s von %(total)s"' in words.group(1)
    assert '"Time": "Dauer"' in words.group(1)
    make_checkin(owner)
    history = _german(owner_client, reverse("today:history"))
    handed = re.search(r'<script id="page-words" type="application/json">(.*?)</script>', history, re.S)
    assert handed is not None
    assert json.loads(handed.group(1))["Daily mean felt safety"] == "Gefühlte Sicherheit im Tagesmittel"


def test_an_import_that_failed_in_the_worker_is_explained_in_german(owner_client: Client, owner: Any) -> None:
    from attune.web.common.said import as_stored
    from attune.web.imports.models import Import, State
    from attune.words import _

    failed = {"owner": owner, "size_bytes": 3, "state": State.FAILED, "created_at": timezone.now()}
    gone_error = _("%(name)s: the uploaded file is no longer on the server.", name="schlaf.csv")
    gone = Import.objects.create(original_name="schlaf.csv", format="oura", **failed,
                                 error=gone_error, error_words=as_stored(gone_error))
    kept = _("%(problem)s; what was read before this point was kept.", problem="uhr.fit: record 12: truncated")
    damaged = Import.objects.create(original_name="uhr.fit", format="fit", **failed,
                                    error=kept, error_words=as_stored(kept))
    page = _german(owner_client, reverse("imports:detail", args=[gone.pk]))
    assert "schlaf.csv: Die hochgeladene Datei ist nicht mehr auf dem Server." in page
    assert "Konnte nicht gelesen werden" in page and "no longer on the server" not in page
    assert '<span data-field="percent">0</span>% · <span data-field="records">0</span> Einträge bisher gelesen' in page
    status = owner_client.get(reverse("imports:status", args=[damaged.pk]), **GERMAN).json()
    assert status["error"] == "uhr.fit: record 12: truncated; was bis hierhin gelesen wurde, ist behalten."
    assert status["state_label"] == "Konnte nicht gelesen werden"
    english = owner_client.get(reverse("imports:status", args=[damaged.pk])).json()
    assert english["error"] == "uhr.fit: record 12: truncated; what was read before this point was kept."


def test_too_many_open_recordings_is_explained_in_german(owner_client: Client, owner: Any) -> None:
    from attune.web.physio import actions

    for _ in range(actions.MAX_OPEN_RECORDINGS):
        actions.start_recording(owner)
    refused = owner_client.post(reverse("live:start_recording"), {"kind": "free"}, **GERMAN)
    assert refused.status_code == 409
    assert refused.json()["error"].startswith(f"Du hast schon {actions.MAX_OPEN_RECORDINGS} Aufzeichnungen laufen.")


def test_a_refused_start_of_a_recording_is_explained_in_german(owner_client: Client) -> None:
    url = reverse("live:start_recording")
    fast = owner_client.post(url, {"kind": "practice", "pacer_bpm": "60"}, **GERMAN)
    assert fast.status_code == 400 and fast.json()["error"] == "'pacer_bpm' muss zwischen 3 und 10 liegen."
    gone = owner_client.post(url, {"kind": "practice", "practice_session": "999"}, **GERMAN)
    assert gone.json()["error"] == "Eine solche Übung von dir gibt es nicht."
    not_json = owner_client.post(url, "{", content_type="application/json", **GERMAN)
    assert not_json.json()["error"] == "Der Inhalt der Anfrage ist kein gültiges JSON."
    english = owner_client.post(url, {"kind": "practice", "pacer_bpm": "60"})
    assert english.json()["error"] == "'pacer_bpm' must be between 3 and 10."


def test_a_nightly_chart_on_your_body_over_time_in_german_with_decimal_commas(owner_client: Client,
                                                                             owner: Any) -> None:
    from test_morning_reading import _imported

    for day, value in enumerate((40.0, 44.0, 48.0, 52.0)):
        _imported(owner, day, value, context="nightly")
    page = _german(owner_client, reverse("imports:body"))
    chart = page[page.index('id="chart-rmssd"') : page.index("</section>", page.index('id="chart-rmssd"'))]
    for words in ("ln RMSSD, nachts", "wird kalibriert (4 von", "7-Tage-Mittel", "Als Tabelle zeigen",
                  "Der natürliche Logarithmus der RMSSD aus deinen nächtlichen Werten"):
        assert words in chart, words
    assert re.search(r">3,\d\d</text>", chart)  # the axis, with a decimal comma
    assert re.search(r"<td>3,\d\d</td>", chart)  # and the table
    assert ">calibrating" not in chart and "7-day mean" not in chart and "nightly" not in chart


def test_an_open_recording_in_german(owner_client: Client, owner: Any) -> None:
    from attune.web.physio import actions

    rec = actions.start_recording(owner)
    page = _german(owner_client, reverse("physio:recording", args=[rec.pk]))
    assert "Diese Aufzeichnung ist noch offen: bisher 0 Herzschläge gespeichert." in page
    assert "Abschließen und zusammenfassen" in page and "still open" not in page
    listing = _german(owner_client, reverse("physio:recordings"))
    assert "(offen)" in listing and "Freie Aufzeichnung" in listing and "(open)" not in listing
