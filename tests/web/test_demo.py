"""`attune demo`: a demo member with 90 days of history, recordings, a workbook and a journal, made idempotently."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from attune.web.checkins.models import CheckIn
from attune.web.journal.models import JournalEntry
from attune.web.physio.models import RESONANCE_RATES_BPM, Kind, Recording, ResonanceAssessment
from attune.web.practices.models import PracticeSession
from attune.web.workbooks.models import DayProgress, Enrolment

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_it_creates_a_demo_member_with_90_days_and_prints_a_working_password() -> None:
    output = run_demo()
    password = re.search(r"password (\S+)", output)
    assert password is not None
    user = get_user_model().objects.get(username="demo")
    assert user.check_password(password.group(1))
    checkins = CheckIn.objects.filter(user=user)
    first = checkins.order_by("created_at").first()
    assert first is not None
    assert 60 <= checkins.count() <= 140
    assert timezone.now() - first.created_at < dt.timedelta(days=91)
    assert not checkins.filter(created_at__gt=timezone.now()).exists()
    sessions = PracticeSession.objects.filter(user=user)
    assert sessions.count() >= 30
    assert sessions.filter(before_safety__isnull=False, after_safety__isnull=False).count() >= 20
    assert sessions.filter(pacer_inhale_s__isnull=False).exists()


def _counts() -> tuple[int, ...]:
    return (
        CheckIn.objects.count(),
        PracticeSession.objects.count(),
        Recording.objects.count(),
        ResonanceAssessment.objects.count(),
        Enrolment.objects.count(),
        DayProgress.objects.count(),
        JournalEntry.objects.count(),
    )


def test_running_it_twice_leaves_one_demo_member_with_the_same_amount_of_history() -> None:
    run_demo()
    counts = _counts()
    output = run_demo()
    assert "Refreshed" in output
    assert get_user_model().objects.filter(username="demo").count() == 1
    assert _counts() == counts


def test_the_demo_member_has_a_few_simulated_recordings_some_with_a_paced_practice() -> None:
    run_demo()
    user = get_user_model().objects.get(username="demo")
    recordings = Recording.objects.filter(user=user, assessment__isnull=True)
    assert 3 <= recordings.count() <= 5
    assert not Recording.objects.filter(user=user, simulated=False).exists()
    assert not recordings.filter(ended_at__isnull=True).exists()
    assert not recordings.filter(started_at__gt=timezone.now()).exists()
    assert all(timezone.now() - r.started_at < dt.timedelta(days=29) for r in recordings)
    linked = recordings.filter(kind=Kind.PRACTICE, practice_session__isnull=False)
    assert linked.count() >= 1
    for rec in linked:
        session = rec.practice_session
        assert session is not None and session.before_safety is not None and session.after_safety is not None
        assert rec.pacer_bpm is not None and session.pacer_inhale_s is not None
        assert rec.started_at == session.started_at
    for rec in recordings:
        assert rec.beats >= 60 and rec.mean_hr_bpm is not None and 50 < rec.mean_hr_bpm < 90
        assert rec.rmssd_ms is not None and rec.rmssd_ms > 0


def test_the_demo_member_has_a_scored_assessment_whose_rate_became_their_pacer_rate() -> None:
    run_demo()
    user = get_user_model().objects.get(username="demo")
    assessment = ResonanceAssessment.objects.get(user=user)
    segments = assessment.segments.all()
    assert sorted(s.segment_rate_bpm for s in segments) == sorted(RESONANCE_RATES_BPM)
    assert all(s.simulated and s.kind == Kind.RESONANCE and (s.duration_s or 0) >= 60 for s in segments)
    assert assessment.scored_at is not None and assessment.best_rate_bpm in RESONANCE_RATES_BPM
    assert [row["usable"] for row in assessment.result["rates"]] == [True] * 5
    assert assessment.applied and user.default_pacer_bpm == assessment.best_rate_bpm


def test_the_demo_member_is_about_ten_days_into_the_built_in_workbook_with_journal_answers() -> None:
    run_demo()
    user = get_user_model().objects.get(username="demo")
    enrolment = Enrolment.objects.get(user=user)
    assert enrolment.is_self_paced and enrolment.workbook.is_builtin
    assert 10 <= (timezone.localdate() - enrolment.start_date).days <= 14
    days = DayProgress.objects.filter(enrolment=enrolment)
    done = days.filter(completed_at__isnull=False)
    assert 8 <= done.count() <= 12
    assert days.filter(completed_at__isnull=True).count() == 1
    assert not days.filter(opened_at__gt=timezone.now()).exists()
    assert all(d.completed_at is not None and d.completed_at.date() >= enrolment.start_date for d in done)
    linked = [pk for d in done for pk in d.session_ids]
    sessions = PracticeSession.objects.filter(pk__in=linked, before_safety__isnull=False, after_safety__isnull=False)
    assert len(linked) >= 3 and sessions.count() == len(linked)
    answers = JournalEntry.objects.filter(user=user, kind=JournalEntry.Kind.PROMPT)
    assert answers.count() >= 5
    assert set(answers.values_list("workbook_slug", flat=True)) == {enrolment.workbook.slug}
    for entry in answers:
        assert entry.day is not None and done.filter(day=entry.day).exists()
        assert len(entry.text) > 40 and entry.text.encode() not in bytes(entry.ciphertext)
    free = JournalEntry.objects.filter(user=user, kind=JournalEntry.Kind.FREE)
    assert free.count() == 2 and all(e.created_at < timezone.now() for e in free)


def test_it_leaves_other_members_alone(owner: object) -> None:
    from daily_factories import make_checkin

    make_checkin(owner)
    run_demo()
    run_demo()
    assert CheckIn.objects.filter(user=owner).count() == 1


def test_every_page_is_filled_for_the_demo_member() -> None:
    run_demo()
    client = Client()
    client.force_login(get_user_model().objects.get(username="demo"))
    history = client.get(reverse("today:history")).content.decode()
    assert "safety-data" in history and "Day by day" in history and '<table class="changes">' in history
    assert re.search(r"\d+\.\d → \d+\.\d</strong> <span[^>]*>\([+-]?\d+\.\d ± \d+\.\d\)", history)
    assert client.get(reverse("today:today")).status_code == 200


def test_the_demo_members_map_suggestion_and_reflection_are_filled() -> None:
    import zoneinfo

    import numpy as np

    from attune.core.insights import Moment, fit_posterior, suggest
    from attune.web.today import views

    run_demo()
    user = get_user_model().objects.get(username="demo")
    client = Client()
    client.force_login(user)
    today = client.get(reverse("today:today")).content.decode()
    assert "You might try" in today  # the demo always has a check-in today
    map_html = client.get(reverse("today:what_helps")).content.decode()
    settled = map_html.split('id="from-settled"', 1)[1].split("By condition", 1)[0]
    assert settled.count('class="iv-range"') >= 3 and "A long, easy hug" in settled
    last_week = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    week = client.get(reverse("today:reflection"), {"week": last_week}).content.decode()
    assert "What helped this week" in week and "Nothing was recorded this week" not in week

    # With someone who opted in, from settled, the hug is suggested by name more often than not; alone, never.
    tz = zoneinfo.ZoneInfo("Europe/London")
    with timezone.override(tz):
        posterior = fit_posterior(views._outcomes(user), views._practices())
    at = dt.datetime(2025, 3, 3, 8, 30, tzinfo=tz)
    picks = {
        company: [
            suggest(posterior, views._practices(), Moment("settled", 6, at, company, consent=True), rng)
            for rng in map(np.random.default_rng, range(100))
        ]
        for company in ("with_someone", "alone")
    }
    assert sum(s is not None and s.practice.slug == "long-hug" for s in picks["with_someone"]) > 40
    assert not any(s is not None and s.practice.slug == "long-hug" for s in picks["alone"])


def test_the_demo_members_recordings_workbook_and_journal_pages_render() -> None:
    run_demo()
    user = get_user_model().objects.get(username="demo")
    client = Client()
    client.force_login(user)
    listing = client.get(reverse("physio:recordings"))
    assert listing.status_code == 200 and "demo strap" in listing.content.decode()
    for rec in Recording.objects.filter(user=user, assessment__isnull=True):
        page = client.get(reverse("physio:recording", args=[rec.pk]))
        assert page.status_code == 200 and "demo strap" in page.content.decode()
    assessment = ResonanceAssessment.objects.get(user=user)
    assert client.get(reverse("physio:resonance_result", args=[assessment.pk])).status_code == 200
    enrolment = Enrolment.objects.get(user=user)
    assert client.get(reverse("workbooks:progress", args=[enrolment.pk])).status_code == 200
    for day in (1, 7, 11):
        assert client.get(reverse("workbooks:day", args=[enrolment.pk, day])).status_code == 200
    first_answer = JournalEntry.objects.get(user=user, day=1, kind=JournalEntry.Kind.PROMPT)
    assert escape(first_answer.text) in client.get(reverse("workbooks:day", args=[enrolment.pk, 1])).content.decode()
    journal = client.get(reverse("journal:list"))
    assert journal.status_code == 200 and "After the walk" in journal.content.decode()
    assert client.get(reverse("journal:detail", args=[first_answer.pk])).status_code == 200


def test_no_page_a_demo_member_can_reach_fails() -> None:
    """Follow every same-site link two clicks deep from Today as the demo member: nothing 500s."""
    run_demo()
    client = Client()
    client.force_login(get_user_model().objects.get(username="demo"))
    skip = ("/accounts/logout", "/admin", "/static/", "#")
    seen: dict[str, int] = {}
    frontier = ["/", "/physio/recordings/", "/workbooks/"]
    for _depth in range(2):
        found: list[str] = []
        for url in frontier:
            response = client.get(url)
            seen[url] = response.status_code
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            for href in re.findall(r'href="(/[^"#]*)', response.content.decode()):
                href = href.replace("&amp;", "&")
                if href not in seen and href not in found and not href.startswith(skip):
                    found.append(href)
        frontier = found
    for url in frontier:
        seen[url] = client.get(url).status_code
    assert len(seen) > 20, sorted(seen)
    assert {u: s for u, s in seen.items() if s >= 500} == {}
    assert seen["/history/"] == 200 and seen["/practices/"] == 200 and seen["/physio/recordings/"] == 200
