"""Hostile form values on every workbook POST: a clear message or a 404, never a 500, and nothing changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from attune.web.workbooks import actions, catalog
from attune.web.workbooks.models import Cohort, DayProgress, Enrolment, Workbook, WorkbookVersion
from tests.web.workbook_helpers import make_zip, sources, upload

HUGE_NUMBER = "9" * 40


TODAY = dt.date(2025, 3, 10)


@pytest.fixture(autouse=True)
def _fresh_catalog_and_a_pinned_today(settings: Any) -> None:
    catalog.clear_cache()
    settings.ATTUNE_FAKE_TODAY = TODAY.isoformat()


def _own_enrolment(guide_client: Client, owner: Any) -> Enrolment:
    upload(guide_client, make_zip(sources()))
    return actions.enrol_self_paced(owner, Workbook.objects.get())


def _post_day_urls(enrolment_pk: int, day: int = 1) -> list[str]:
    return [
        reverse("workbooks:complete", args=[enrolment_pk, day]),
        reverse("workbooks:item_done", args=[enrolment_pk, day, 0]),
        reverse("workbooks:practice", args=[enrolment_pk, day, 1]),
    ]


def test_non_numeric_and_huge_days_and_indexes_are_404_not_500(
    owner_client: Client, guide_client: Client, owner: Any
) -> None:
    enrolment = _own_enrolment(guide_client, owner)
    base = f"/workbooks/following/{enrolment.pk}/day/"
    for day in ("one", "-1", "0", "4", HUGE_NUMBER):
        assert owner_client.get(f"{base}{day}/").status_code == 404, day
        assert owner_client.post(f"{base}{day}/complete/").status_code == 404, day
    for index in ("x", "-1", "99", HUGE_NUMBER):
        assert owner_client.post(f"{base}1/items/{index}/").status_code == 404, index
        assert owner_client.post(f"{base}1/items/{index}/practice/").status_code == 404, index
    assert owner_client.post(base + "1/items/0/practice/").status_code == 404  # item 0 is a reading
    assert owner_client.post(f"/workbooks/following/{HUGE_NUMBER}/day/1/complete/").status_code == 404
    assert not DayProgress.objects.filter(completed_at__isnull=False).exists()


def test_another_members_enrolment_id_is_404_on_every_post(
    guide_client: Client, owner: Any, other_client: Client
) -> None:
    enrolment = _own_enrolment(guide_client, owner)
    for url in _post_day_urls(enrolment.pk):
        assert other_client.post(url, {"p1-before": "3", "p1-after": "6"}).status_code == 404
    assert not owner.practice_sessions.exists() and not DayProgress.objects.exists()


@pytest.mark.parametrize(
    "values",
    [
        {"p1-before": "three", "p1-after": "6"},
        {"p1-before": HUGE_NUMBER, "p1-after": "6"},
        {"p1-before": "-1"},
        {"p1-before": "4.5"},
        {"p1-before": "\x00"},
    ],
)
def test_a_practice_reading_that_is_not_0_to_10_is_refused_with_a_message(
    guide_client: Client, owner: Any, owner_client: Client, values: dict[str, str]
) -> None:
    enrolment = _own_enrolment(guide_client, owner)
    response = owner_client.post(reverse("workbooks:practice", args=[enrolment.pk, 1, 1]), values, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Enter a whole number" in text or "greater than or equal to 0" in text or "less than or equal to 10" in text
    assert not owner.practice_sessions.exists()


def _new_cohort(guide_client: Client, **values: str) -> Any:
    upload(guide_client, make_zip(sources()))
    version = WorkbookVersion.objects.get(workbook__slug="small-steps")
    data = {"title": "Spring circle", "version": str(version.pk), "start_date": "2025-03-03", **values}
    return guide_client.post(reverse("workbooks:cohort_new", args=["small-steps"]), data)


@pytest.mark.parametrize(
    "start", ["2026-02-30", "2025-13-01", "yesterday", "", "9999-12-31", "0001-01-01", "2023-03-01", HUGE_NUMBER]
)
def test_a_cohort_with_an_impossible_or_far_away_first_day_is_refused(guide_client: Client, start: str) -> None:
    response = _new_cohort(guide_client, start_date=start)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter a date like" in text or "Choose the group" in text or "within" in text
    assert not Cohort.objects.exists()


def test_a_first_day_some_weeks_ago_or_ahead_is_fine(guide_client: Client) -> None:
    for start in (TODAY - dt.timedelta(days=300), TODAY + dt.timedelta(days=40)):
        assert _new_cohort(guide_client, start_date=start.isoformat(), title=f"From {start}").status_code == 302
    assert Cohort.objects.count() == 2


@pytest.mark.parametrize(
    "values",
    [{"version": "abc"}, {"version": HUGE_NUMBER}, {"version": "-3"}, {"title": "x" * 5000}, {"title": "   "}],
)
def test_a_cohort_with_a_bad_version_or_title_is_refused(guide_client: Client, values: dict[str, str]) -> None:
    response = _new_cohort(guide_client, **values)
    assert response.status_code == 400
    assert not Cohort.objects.exists()


def test_a_cohort_cannot_use_another_guides_version(guide_client: Client, db: None) -> None:
    from django.contrib.auth import get_user_model

    from tests.web.conftest import PASSWORD

    get_user_model().objects.create_user("hana", "h@example.test", PASSWORD, is_guide=True)
    other_guide = Client()
    other_guide.login(username="hana", password=PASSWORD)
    upload(other_guide, make_zip(sources(slug="hanas-book")))
    theirs = WorkbookVersion.objects.get(workbook__slug="hanas-book")
    response = _new_cohort(guide_client, version=str(theirs.pk))
    assert response.status_code == 400
    assert "Pick one of this workbook" in response.content.decode()
    assert not Cohort.objects.exists()


def test_an_upload_larger_than_the_limit_is_refused_before_it_is_read(guide_client: Client, settings: Any) -> None:
    settings.ATTUNE_WORKBOOK_MAX_UNPACKED_BYTES = 4096
    settings.ATTUNE_WORKBOOK_MAX_FILES = 4
    response = upload(guide_client, b"PK" + b"\x00" * 200_000, name="big.zip")
    assert response.status_code == 400
    assert "larger than this site accepts" in response.content.decode()
    assert not WorkbookVersion.objects.exists()


def test_an_upload_form_without_a_file_or_with_an_empty_one_is_refused(guide_client: Client) -> None:
    response = guide_client.post(reverse("workbooks:upload"), {})
    assert response.status_code == 400 and "Choose a zip file to upload." in response.content.decode()
    response = upload(guide_client, b"", name="empty.zip")
    assert response.status_code == 400 and "That file is empty." in response.content.decode()
    assert not WorkbookVersion.objects.exists()


def test_hostile_edits_are_refused_with_a_message_and_publish_nothing(guide_client: Client, settings: Any) -> None:
    upload(guide_client, make_zip(sources()))
    settings.ATTUNE_WORKBOOK_MAX_UNPACKED_BYTES = 4096
    url = reverse("workbooks:edit", args=["small-steps"])
    files = sources()
    base = {f"file_{i}": text for i, text in enumerate(files.values())}
    for extra, expected in (
        ({"new_name": "../../etc/passwd", "new_text": "x"}, "A day file is named like"),
        ({"new_name": "days/../x.md", "new_text": "x"}, "A day file is named like"),
        ({"new_name": "days/day-01.md", "new_text": "x"}, "is already there"),
        ({"file_1": files["days/day-01.md"] + "calm " * 2000}, "more than the limit of 4,096"),
        ({"file_0": "---\ntitle: [unclosed\n"}, "workbook.md:"),
        ({"file_0": "\x00"}, "Null characters are not allowed"),
    ):
        response = guide_client.post(url, {**base, **extra})
        assert response.status_code == 400, extra
        assert expected in response.content.decode(), extra
    assert WorkbookVersion.objects.count() == 1


def test_joining_with_a_made_up_or_huge_token_is_404(owner_client: Client) -> None:
    for token in ("nope", "x" * 5000, "%00"):
        assert owner_client.post(f"/workbooks/join/{token}/").status_code == 404
    assert not Enrolment.objects.exists()


def test_outsiders_get_404_on_every_guide_page(guide_client: Client, owner_client: Client, guide: Any) -> None:
    upload(guide_client, make_zip(sources()))
    version = WorkbookVersion.objects.get(workbook__slug="small-steps")
    cohort = actions.create_cohort(guide, version, "Spring circle", dt.date(2025, 3, 3))
    for url in (
        reverse("workbooks:versions", args=["small-steps"]),
        reverse("workbooks:edit", args=["small-steps"]),
        reverse("workbooks:cohort_new", args=["small-steps"]),
        reverse("workbooks:cohort", args=[cohort.pk]),
        reverse("workbooks:detail", args=["small-steps"]),
    ):
        assert owner_client.get(url).status_code == 404, url
    for url in (
        reverse("workbooks:edit", args=["small-steps"]),
        reverse("workbooks:cohort_new", args=["small-steps"]),
        reverse("workbooks:enrol", args=["small-steps"]),
    ):
        assert owner_client.post(url, {"title": "Mine now", "start_date": "2025-03-03"}).status_code == 404, url
    assert Cohort.objects.count() == 1 and not Enrolment.objects.exists()
    assert WorkbookVersion.objects.filter(workbook__slug="small-steps").count() == 1
