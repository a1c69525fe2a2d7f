"""Members follow a workbook: the built-in one, enrolling, day pages, ready days, printing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from attune.web.workbooks import actions, catalog
from attune.web.workbooks.models import DayProgress, Enrolment, Workbook, WorkbookVersion
from attune.web.workbooks.today import today_step
from tests.web.workbook_helpers import make_zip, sources, upload

pytestmark = pytest.mark.usefixtures("builtin_workbooks")

BUILTIN = "coming-home-to-safety"


@pytest.fixture(autouse=True)
def _fresh_catalog() -> None:
    catalog.clear_cache()


def _enrol(client: Client, slug: str = BUILTIN) -> Enrolment:
    response = client.post(reverse("workbooks:enrol", args=[slug]))
    assert response.status_code == 302
    return Enrolment.objects.latest("enrolled_at")


def _day(enrolment: Enrolment, day: int) -> str:
    return reverse("workbooks:day", args=[enrolment.pk, day])


def test_a_member_enrols_at_their_own_pace_starting_today(owner_client: Client, owner: Any, settings: Any) -> None:
    settings.ATTUNE_FAKE_TODAY = "2025-05-01"
    owner_client.get(reverse("workbooks:list"))
    enrolment = _enrol(owner_client)
    assert (enrolment.user, enrolment.mode, enrolment.start_date) == (owner, "self_paced", dt.date(2025, 5, 1))
    assert _enrol(owner_client).pk == enrolment.pk  # enrolling again changes nothing


def test_the_day_page_shows_each_item(owner_client: Client) -> None:
    owner_client.get(reverse("workbooks:list"))
    enrolment = _enrol(owner_client)
    page = owner_client.get(_day(enrolment, 1)).content.decode()
    assert "Day 1: A door that opens inward" in page
    assert "Welcome. For the next four weeks" in page  # the reading, as HTML
    assert "A hand on your heart" in page and "?next=" in page  # the practice, with a way back
    assert "Think of a moment, however small" in page  # the prompt
    assert "take a first check-in" in page  # the check-in step
    assert not DayProgress.objects.filter(enrolment=enrolment, day=1).exists()  # a GET writes nothing


def test_guide_html_in_a_reading_is_shown_as_text(guide_client: Client, guide: Any) -> None:
    files: dict[str, str | bytes] = {**sources()}
    files["days/day-01.md"] = str(files["days/day-01.md"]).replace(
        "The reading for day 1.", "Hello <script>alert(1)</script> [x](javascript:alert(2))"
    )
    upload(guide_client, make_zip(files))
    enrolment = actions.enrol_self_paced(guide, Workbook.objects.get(slug="small-steps"))
    page = guide_client.get(_day(enrolment, 1)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page and "javascript:" not in page


def test_a_later_day_is_not_ready_until_its_date_or_the_day_before_is_done(
    owner_client: Client, owner: Any, settings: Any
) -> None:
    settings.ATTUNE_FAKE_TODAY = "2025-05-01"
    owner_client.get(reverse("workbooks:list"))
    enrolment = _enrol(owner_client)
    page = owner_client.get(_day(enrolment, 3)).content.decode()
    assert "opens once the day before is done" in page and "Mark day 3 done" not in page
    assert owner_client.post(reverse("workbooks:complete", args=[enrolment.pk, 3])).status_code == 404
    settings.ATTUNE_FAKE_TODAY = "2025-05-03"  # two days later, day 3 opens by the calendar
    assert "Mark day 3 done" in owner_client.get(_day(enrolment, 3)).content.decode()


def test_self_paced_members_may_go_on_as_soon_as_a_day_is_done(owner_client: Client, settings: Any) -> None:
    settings.ATTUNE_FAKE_TODAY = "2025-05-01"
    owner_client.get(reverse("workbooks:list"))
    enrolment = _enrol(owner_client)
    response = owner_client.post(reverse("workbooks:complete", args=[enrolment.pk, 1]))
    assert response["Location"] == _day(enrolment, 2)
    assert "Mark day 2 done" in owner_client.get(_day(enrolment, 2)).content.decode()


def test_cohort_members_wait_for_the_group_but_earlier_days_stay_open(
    guide_client: Client, owner_client: Client, owner: Any, settings: Any
) -> None:
    upload(guide_client, make_zip(sources()))
    version = WorkbookVersion.objects.get(workbook__owner__isnull=False)
    cohort = actions.create_cohort(owner, version, "Circle", dt.date(2025, 5, 1))
    enrolment = actions.join_cohort(owner, cohort)
    settings.ATTUNE_FAKE_TODAY = "2025-05-02"
    owner_client.post(reverse("workbooks:complete", args=[enrolment.pk, 2]))
    assert "opens for the group on Saturday 3 May" in owner_client.get(_day(enrolment, 3)).content.decode()
    page = owner_client.get(_day(enrolment, 1)).content.decode()
    assert "Mark day 1 done" in page  # catching up: day 1 is still open, no hurry
    progress = owner_client.get(reverse("workbooks:progress", args=[enrolment.pk])).content.decode()
    assert "Day 1 is ready when you are" in progress
    words = re.sub(r"<[^>]+>", " ", progress).lower().split()
    for unkind in ("behind", "missed", "overdue", "late"):
        assert unkind not in words


def test_a_practice_is_recorded_with_its_readings_against_the_day(owner_client: Client, owner: Any) -> None:
    owner_client.get(reverse("workbooks:list"))
    enrolment = _enrol(owner_client)
    url = reverse("workbooks:practice", args=[enrolment.pk, 1, 2])  # day 1, item 2 is hand-on-heart
    response = owner_client.post(url, {"p2-before": "3", "p2-after": "6"})
    assert response.status_code == 302
    session = owner.practice_sessions.get()
    assert (session.practice_slug, session.before_safety, session.after_safety) == ("hand-on-heart", 3, 6)
    assert DayProgress.objects.get(enrolment=enrolment, day=1).session_ids == [session.pk]
    assert "felt safety 3 → 6" in owner_client.get(_day(enrolment, 1)).content.decode()


def test_an_out_of_range_reading_is_refused_kindly(owner_client: Client, owner: Any) -> None:
    owner_client.get(reverse("workbooks:list"))
    enrolment = _enrol(owner_client)
    url = reverse("workbooks:practice", args=[enrolment.pk, 1, 2])
    response = owner_client.post(url, {"p2-before": "14"}, follow=True)
    assert "less than or equal to 10" in response.content.decode()
    assert not owner.practice_sessions.exists()


def test_a_session_from_the_player_is_linked_to_the_day(owner_client: Client, owner: Any) -> None:
    owner_client.get(reverse("workbooks:list"))
    enrolment = _enrol(owner_client)
    owner_client.get(_day(enrolment, 1))
    start = owner_client.post(reverse("practices:session_start"), {"practice": "hand-on-heart", "safety": "4"})
    owner_client.post(start.json()["finishUrl"], {"outcome": "completed", "safety": "7"})
    day_page = owner_client.get(_day(enrolment, 1)).content.decode()
    assert "felt safety 4 → 7" in day_page  # shown at once; a GET writes nothing
    assert not DayProgress.objects.filter(enrolment=enrolment, day=1).exists()
    owner_client.post(reverse("workbooks:complete", args=[enrolment.pk, 1]))  # the first change links it
    progress = DayProgress.objects.get(enrolment=enrolment, day=1)
    assert progress.session_ids == [start.json()["id"]]


def test_begin_the_practice_opens_the_player_which_leads_back_to_the_day(owner_client: Client) -> None:
    owner_client.get(reverse("workbooks:list"))
    enrolment = _enrol(owner_client)
    day_page = owner_client.get(_day(enrolment, 1)).content.decode()
    player_url = f"{reverse('practices:player', args=['hand-on-heart'])}?next={_day(enrolment, 1)}"
    assert f'href="{player_url}"' in day_page
    player = owner_client.get(player_url).content.decode()
    assert f'href="{_day(enrolment, 1)}"' in player and "Back to your workbook" in player


def test_a_player_session_from_before_the_day_was_opened_is_not_counted(owner_client: Client, owner: Any) -> None:
    owner_client.get(reverse("workbooks:list"))
    enrolment = _enrol(owner_client)
    start = owner_client.post(reverse("practices:session_start"), {"practice": "hand-on-heart", "safety": "4"})
    owner_client.post(start.json()["finishUrl"], {"outcome": "completed", "safety": "7"})
    owner.practice_sessions.update(started_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert "felt safety 4 → 7" not in owner_client.get(_day(enrolment, 1)).content.decode()
    owner_client.post(reverse("workbooks:complete", args=[enrolment.pk, 1]))
    assert DayProgress.objects.get(enrolment=enrolment, day=1).session_ids == []


def test_another_member_gets_404_on_every_page_of_an_enrolment(owner_client: Client, other_client: Client) -> None:
    owner_client.get(reverse("workbooks:list"))
    enrolment = _enrol(owner_client)
    for url in (
        reverse("workbooks:progress", args=[enrolment.pk]),
        _day(enrolment, 1),
        reverse("workbooks:print", args=[enrolment.pk]),
    ):
        assert other_client.get(url).status_code == 404
    for url in (
        reverse("workbooks:complete", args=[enrolment.pk, 1]),
        reverse("workbooks:item_done", args=[enrolment.pk, 1, 0]),
        reverse("workbooks:practice", args=[enrolment.pk, 1, 2]),
    ):
        assert other_client.post(url).status_code == 404
    assert not DayProgress.objects.filter(completed_at__isnull=False).exists()


def test_a_guides_own_workbook_is_hidden_from_members_who_do_not_follow_it(
    guide_client: Client, other_client: Client
) -> None:
    upload(guide_client, make_zip(sources()))
    assert other_client.get(reverse("workbooks:detail", args=["small-steps"])).status_code == 404
    assert other_client.post(reverse("workbooks:enrol", args=["small-steps"])).status_code == 404


def test_today_step_points_at_the_ready_day(owner_client: Client, owner: Any, settings: Any) -> None:
    settings.ATTUNE_FAKE_TODAY = "2025-05-01"
    assert today_step(owner) is None
    owner_client.get(reverse("workbooks:list"))
    enrolment = _enrol(owner_client)
    step = today_step(owner)
    assert step is not None and step["day"].number == 1 and step["url"] == _day(enrolment, 1)
    owner_client.post(reverse("workbooks:complete", args=[enrolment.pk, 1]))
    step = today_step(owner)
    assert step is not None and step["day"].number == 2 and step["done"] == 1
    today_page = owner_client.get(reverse("today:today")).content.decode()
    assert "Today in your workbook" in today_page and f'href="{_day(enrolment, 2)}"' in today_page


def test_the_print_view_holds_the_whole_workbook_and_uses_the_print_stylesheet(owner_client: Client) -> None:
    owner_client.get(reverse("workbooks:list"))
    enrolment = _enrol(owner_client)
    page = owner_client.get(reverse("workbooks:print", args=[enrolment.pk])).content.decode()
    assert "css/print.css" in page
    assert "Day 1: A door that opens inward" in page and "Day 28:" in page


def test_the_export_holds_enrolments_and_progress(owner_client: Client, owner: Any) -> None:
    from attune.web.workbooks.data_export import export_member_data

    owner_client.get(reverse("workbooks:list"))
    enrolment = _enrol(owner_client)
    owner_client.post(reverse("workbooks:complete", args=[enrolment.pk, 1]))
    data = export_member_data(owner)
    assert data["workbook_enrolments"][0]["workbook"] == BUILTIN
    assert data["workbook_progress"][0]["day"] == 1 and data["workbook_progress"][0]["completed_at"]


def _in_german(settings: Any) -> None:
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.middleware.common.CommonMiddleware"), "django.middleware.locale.LocaleMiddleware"
    )
    settings.MIDDLEWARE = middleware


def test_a_member_reading_german_gets_the_first_days_in_german_and_later_ones_with_a_notice(
    owner_client: Client, settings: Any
) -> None:
    _in_german(settings)  # before the first request: the client keeps the middleware it starts with
    settings.ATTUNE_FAKE_TODAY = "2025-05-01"
    enrolment = _enrol(owner_client)
    german = owner_client.get(_day(enrolment, 1), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Eine Tür, die sich nach innen öffnet" in german and 'lang="de"' in german
    assert "Willkommen. In den nächsten vier Wochen" in german and "not yet written" not in german
    assert "Eine Hand auf dem Herzen" in german  # the day's practice, in German too
    settings.ATTUNE_FAKE_TODAY = "2025-05-10"
    later = owner_client.get(_day(enrolment, 4), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Diesen Tag gibt es noch nicht auf Deutsch, darum steht er hier auf Englisch." in later
    english = owner_client.get(_day(enrolment, 1), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Day 1: A door that opens inward" in english and "not yet written" not in english
