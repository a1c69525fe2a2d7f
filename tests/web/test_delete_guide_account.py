"""A guide deletes their account: erasure always works, and their groups' members keep their own work."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from attune.web.workbooks import actions
from attune.web.workbooks.models import Cohort, Enrolment, Mode, Workbook, WorkbookVersion
from tests.web.conftest import PASSWORD
from tests.web.workbook_helpers import make_zip, sources, upload

URL = reverse("accounts:delete")


@pytest.fixture(autouse=True)
def _pinned_today(settings: Any) -> None:
    settings.ATTUNE_FAKE_TODAY = "2025-03-10"


@pytest.fixture
def led_group(guide_client: Client, guide: Any, owner: Any, owner_client: Client) -> Enrolment:
    """The guide's workbook, a cohort on it, the owner in the cohort with one day opened."""
    upload(guide_client, make_zip(sources()))
    version = WorkbookVersion.objects.get(workbook__slug="small-steps")
    cohort = actions.create_cohort(guide, version, "Spring circle", version.published_at.date())
    enrolment = actions.join_cohort(owner, cohort)
    actions.open_day(enrolment, 1)
    return enrolment


def _delete(client: Client) -> Any:
    return client.post(URL, {"password": PASSWORD})


def test_a_guide_with_a_group_can_delete_their_account(guide_client: Client, guide: Any, led_group: Any) -> None:
    response = _delete(guide_client)
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=guide.pk).exists()
    assert not Cohort.objects.exists()


def test_members_keep_their_progress_and_follow_on_at_their_own_pace(
    guide_client: Client, led_group: Enrolment, owner_client: Client
) -> None:
    _delete(guide_client)
    enrolment = Enrolment.objects.get(pk=led_group.pk)
    assert (enrolment.mode, enrolment.cohort_id) == (Mode.SELF_PACED, None)
    assert enrolment.days.filter(day=1).exists()
    assert owner_client.get(reverse("workbooks:progress", args=[enrolment.pk])).status_code == 200
    assert owner_client.get(reverse("workbooks:detail", args=["small-steps"])).status_code == 200


def test_a_kept_workbook_is_anonymous_and_hidden_from_everyone_else(
    guide_client: Client, led_group: Enrolment, other_client: Client
) -> None:
    _delete(guide_client)
    workbook = Workbook.objects.get(slug="small-steps")
    assert workbook.owner_id is None and workbook.owner_deleted and not workbook.is_builtin
    assert other_client.get(reverse("workbooks:detail", args=["small-steps"])).status_code == 404
    assert b"small-steps" not in other_client.get(reverse("workbooks:list")).content


def test_a_member_who_also_follows_it_alone_keeps_both(
    guide_client: Client, led_group: Enrolment, owner: Any
) -> None:
    alone = actions.enrol_self_paced(owner, Workbook.objects.get(slug="small-steps"))
    _delete(guide_client)
    assert Enrolment.objects.filter(user=owner).count() == 2
    assert Enrolment.objects.get(pk=alone.pk).mode == Mode.SELF_PACED


def test_a_workbook_nobody_follows_is_deleted_with_its_guide(guide_client: Client, guide: Any) -> None:
    upload(guide_client, make_zip(sources(slug="unread", title="Unread")))
    actions.enrol_self_paced(guide, Workbook.objects.get(slug="unread"))
    _delete(guide_client)
    assert not Workbook.objects.filter(slug="unread").exists()
    assert not WorkbookVersion.objects.exists()


def test_the_delete_page_tells_a_guide_what_happens_to_their_groups(guide_client: Client, led_group: Any) -> None:
    html = guide_client.get(URL).content.decode()
    assert "Your groups end" in html
    assert "keep following it on their own" in html
