"""Guides lead cohorts: create, invite with a link, members join, the dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.web.practices.models import Outcome, PracticeSession
from attune.web.workbooks import actions
from attune.web.workbooks.models import Cohort, Enrolment, Workbook, WorkbookVersion
from tests.web.conftest import PASSWORD
from tests.web.workbook_helpers import make_zip, sources, upload


@pytest.fixture(autouse=True)
def _pinned_today(settings: Any) -> None:
    """Groups start within a year or two of today, so today is pinned near the dates used here."""
    settings.ATTUNE_FAKE_TODAY = "2025-03-10"


def _cohort(guide_client: Client, start: str = "2025-03-03") -> Cohort:
    upload(guide_client, make_zip(sources()))
    version = WorkbookVersion.objects.get()
    response = guide_client.post(
        reverse("workbooks:cohort_new", args=["small-steps"]),
        {"title": "Spring circle", "version": version.pk, "start_date": start},
    )
    assert response.status_code == 302
    return Cohort.objects.get()


def test_a_guide_creates_a_cohort_and_sees_its_invitation_link(guide_client: Client, guide: Any) -> None:
    cohort = _cohort(guide_client)
    assert (cohort.guide, cohort.title, cohort.start_date) == (guide, "Spring circle", dt.date(2025, 3, 3))
    assert len(cohort.invite_token) >= 20
    page = guide_client.get(reverse("workbooks:cohort", args=[cohort.pk])).content.decode()
    assert f"/workbooks/join/{cohort.invite_token}/" in page


def test_a_cohort_needs_a_name_and_a_date(guide_client: Client) -> None:
    upload(guide_client, make_zip(sources()))
    response = guide_client.post(reverse("workbooks:cohort_new", args=["small-steps"]), {"title": ""})
    assert response.status_code == 400
    assert "Give the group a name" in response.content.decode()
    assert not Cohort.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in_and_back(guide_client: Client, anon_client: Client) -> None:
    cohort = _cohort(guide_client)
    url = reverse("workbooks:join", args=[cohort.invite_token])
    response = anon_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"] and cohort.invite_token in response["Location"]


def test_a_member_joins_through_the_link_on_the_cohort_version_and_date(
    guide_client: Client, owner_client: Client, owner: Any
) -> None:
    cohort = _cohort(guide_client)
    url = reverse("workbooks:join", args=[cohort.invite_token])
    page = owner_client.get(url)
    assert page.status_code == 200 and "Join Spring circle" in page.content.decode()
    assert owner_client.post(url).status_code == 302
    assert owner_client.post(url).status_code == 302  # joining twice is still one enrolment
    enrolment = Enrolment.objects.get()
    assert (enrolment.user, enrolment.cohort, enrolment.mode) == (owner, cohort, "cohort")
    assert (enrolment.version.number, enrolment.start_date) == (1, dt.date(2025, 3, 3))


def test_a_wrong_token_is_404(owner_client: Client) -> None:
    assert owner_client.get(reverse("workbooks:join", args=["not-a-token"])).status_code == 404


def test_the_dashboard_is_404_for_a_member_and_for_another_guide(
    guide_client: Client, owner_client: Client, db: None
) -> None:
    cohort = _cohort(guide_client)
    get_user_model().objects.create_user("hana", "h@example.test", PASSWORD, is_guide=True)
    other_guide = Client()
    other_guide.login(username="hana", password=PASSWORD)
    url = reverse("workbooks:cohort", args=[cohort.pk])
    assert owner_client.get(url).status_code == 404
    assert other_guide.get(url).status_code == 404
    assert other_guide.get(reverse("workbooks:cohort_new", args=["small-steps"])).status_code == 404
    assert owner_client.get(reverse("workbooks:guide")).status_code == 404


def test_the_dashboard_shows_progress_and_gently_flags_someone_quiet(
    guide_client: Client, owner: Any, other: Any, settings: Any
) -> None:
    cohort = _cohort(guide_client)
    busy = actions.join_cohort(owner, cohort)
    quiet = actions.join_cohort(other, cohort)
    for day in (1, 2):
        actions.complete_day(actions.open_day(busy, day))
    Enrolment.objects.filter(pk=busy.pk).update(last_active_at=timezone.make_aware(dt.datetime(2025, 3, 10, 9)))
    Enrolment.objects.filter(pk=quiet.pk).update(last_active_at=timezone.make_aware(dt.datetime(2025, 3, 6, 9)))
    page = guide_client.get(reverse("workbooks:cohort", args=[cohort.pk])).content.decode()
    assert "Olive" in page and "Oscar" in page
    assert "2 of 3" in page and "day 3" in page  # finishing day 2 brings them to day 3
    assert page.count("quiet for") == 1 and "quiet for 4 days" in page
    assert "behind" not in page.lower() and "missed" not in page.lower()


def _session(user: Any, before: int, after: int) -> PracticeSession:
    now = timezone.now()
    return PracticeSession.objects.create(
        user=user,
        practice_slug="hand-on-heart",
        practice_title="Hand on heart",
        started_at=now,
        ended_at=now,
        outcome=Outcome.COMPLETED,
        before_safety=before,
        after_safety=after,
    )


def test_the_dashboard_shows_the_cohort_shift_only_from_workbook_practices(
    guide_client: Client, owner: Any, other: Any
) -> None:
    cohort = _cohort(guide_client, start="2025-03-05")
    a, b = actions.join_cohort(owner, cohort), actions.join_cohort(other, cohort)
    url = reverse("workbooks:cohort", args=[cohort.pk])
    actions.record_practice(actions.open_day(a, 1), 1, "hand-on-heart", "Hand on heart", 3, 6)
    actions.record_practice(actions.open_day(b, 1), 1, "hand-on-heart", "Hand on heart", 5, 6)
    _session(owner, 0, 10)  # outside the workbook: never counted
    assert "calibrating" in guide_client.get(url).content.decode()
    actions.record_practice(actions.open_day(b, 2), 1, "hand-on-heart", "Hand on heart", 4, 6)
    page = guide_client.get(url).content.decode()
    # per person: +3, and (+1 + +2) / 2 = 1.5; mean 2.25, standard error 0.75
    assert "+2.3" in page and "± 0.8" in page and "over 3 sessions from 2 people" in page
    assert "What is this?" in page


def test_the_cohort_shift_stays_hidden_while_all_its_sessions_are_one_persons(
    guide_client: Client, owner: Any, other: Any
) -> None:
    cohort = _cohort(guide_client, start="2025-03-05")
    a, _ = actions.join_cohort(owner, cohort), actions.join_cohort(other, cohort)
    for day, (before, after) in enumerate([(3, 6), (5, 6), (4, 6)], start=1):
        actions.record_practice(actions.open_day(a, day), 1, "hand-on-heart", "Hand on heart", before, after)
    page = guide_client.get(reverse("workbooks:cohort", args=[cohort.pk])).content.decode()
    assert "calibrating" in page and "at least 2 people" in page
    assert "+2.0" not in page and "felt safety on average" not in page


def test_the_cohort_shift_counts_someone_who_practised_often_once(
    guide_client: Client, owner: Any, other: Any
) -> None:
    cohort = _cohort(guide_client, start="2025-03-05")
    a, b = actions.join_cohort(owner, cohort), actions.join_cohort(other, cohort)
    for day in (1, 2, 3):
        actions.record_practice(actions.open_day(a, day), 1, "hand-on-heart", "Hand on heart", 2, 6)
    actions.record_practice(actions.open_day(b, 1), 1, "hand-on-heart", "Hand on heart", 5, 5)
    page = guide_client.get(reverse("workbooks:cohort", args=[cohort.pk])).content.decode()
    # Per person +4 and 0: mean 2.0, standard error 2.0. Per session it would read +3.0 ± 1.0.
    assert "+2.0" in page and "± 2.0" in page and "over 4 sessions from 2 people" in page


def test_a_group_opened_today_is_open_today_for_a_member_behind_the_guides_zone(
    settings: Any, monkeypatch: pytest.MonkeyPatch, guide_client: Client, other: Any
) -> None:
    # 00:30 in Berlin on 10 March is still 9 March in New York: Gwen opens a group "today".
    settings.ATTUNE_FAKE_TODAY = ""
    instant = dt.datetime(2025, 3, 9, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    cohort = _cohort(guide_client, start="2025-03-10")
    client = Client()
    client.force_login(other)
    url = reverse("workbooks:join", args=[cohort.invite_token])
    assert "starting today, when you join" in client.get(url).content.decode()
    client.post(url)
    enrolment = Enrolment.objects.get(user=other, cohort=cohort)
    assert enrolment.start_date == dt.date(2025, 3, 9)  # Oscar's today, in his own zone
    page = client.get(reverse("workbooks:progress", args=[enrolment.pk])).content.decode()
    assert reverse("workbooks:day", args=[enrolment.pk, 1]) in page
    assert client.get(reverse("workbooks:day", args=[enrolment.pk, 1])).status_code == 200
    today = client.get(reverse("today:today")).content.decode()
    assert "Nothing to do until then" not in today


def test_a_group_that_starts_next_week_starts_on_that_date_for_everyone(
    settings: Any, monkeypatch: pytest.MonkeyPatch, guide_client: Client, other: Any
) -> None:
    settings.ATTUNE_FAKE_TODAY = ""
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2025, 3, 9, 23, 30, tzinfo=dt.UTC))
    cohort = _cohort(guide_client, start="2025-03-17")
    actions.join_cohort(other, cohort)
    assert Enrolment.objects.get(user=other, cohort=cohort).start_date == dt.date(2025, 3, 17)


def test_a_guide_can_start_a_group_on_the_built_in_workbook(guide_client: Client, owner_client: Client) -> None:
    actions.sync_builtin()
    builtin = Workbook.objects.get(owner__isnull=True)
    url = reverse("workbooks:cohort_new", args=[builtin.slug])
    assert url in guide_client.get(reverse("workbooks:guide")).content.decode()
    assert guide_client.get(url).status_code == 200
    version = builtin.latest_version()
    assert version is not None
    response = guide_client.post(url, {"title": "Autumn circle", "version": version.pk, "start_date": "2025-03-17"})
    assert response.status_code == 302
    cohort = Cohort.objects.get(title="Autumn circle")
    assert cohort.version == version
    assert owner_client.get(url).status_code == 404  # a member who is not a guide
