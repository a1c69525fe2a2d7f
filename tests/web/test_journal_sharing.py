"""Sharing one entry with one's guide, and taking it back."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from journal_helpers import cohort_led_by, journal_keys  # noqa: F401  (fixture)

from attune.web.accounts.relations import guides_for
from attune.web.journal import actions
from attune.web.journal.models import JournalEntry

pytestmark = pytest.mark.usefixtures("journal_keys")
SECRET = "I felt the tightness in my chest let go."


@pytest.fixture
def entry(owner: Any) -> JournalEntry:
    return actions.write_entry(owner, title="After the call", body=SECRET)


@pytest.fixture
def other_guide(db: None) -> Any:
    return get_user_model().objects.create_user("gus", "gus@example.test", "x" * 12, is_guide=True)


def test_a_private_entry_is_not_in_the_guides_view(
    guide_client: Client, guide: Any, owner: Any, entry: JournalEntry
) -> None:
    cohort_led_by(guide, owner)
    page = guide_client.get(reverse("journal:shared")).content.decode()
    assert SECRET not in page
    assert guide_client.get(reverse("journal:shared_entry", args=[entry.pk])).status_code == 404


def test_shared_then_taken_back(
    owner_client: Client, guide_client: Client, guide: Any, owner: Any, entry: JournalEntry
) -> None:
    cohort_led_by(guide, owner)
    detail = owner_client.get(reverse("journal:detail", args=[entry.pk])).content.decode()
    assert "Only you." in detail
    assert f'<option value="{guide.pk}"' in detail

    shared = owner_client.post(reverse("journal:share", args=[entry.pk]), {"guide": guide.pk})
    assert shared.status_code == 302
    listing = guide_client.get(reverse("journal:shared")).content.decode()
    assert SECRET in listing
    assert "Olive" in listing
    page = guide_client.get(reverse("journal:shared_entry", args=[entry.pk]))
    assert page.status_code == 200
    assert SECRET in page.content.decode()

    taken = owner_client.post(reverse("journal:unshare", args=[entry.pk]))
    assert taken.status_code == 302
    assert SECRET not in guide_client.get(reverse("journal:shared")).content.decode()
    assert guide_client.get(reverse("journal:shared_entry", args=[entry.pk])).status_code == 404
    entry.refresh_from_db()
    assert entry.shared_with is None
    assert entry.shared_at is None


def test_sharing_with_a_guide_one_is_not_enrolled_with_is_refused(
    owner_client: Client, guide: Any, other_guide: Any, owner: Any, entry: JournalEntry
) -> None:
    cohort_led_by(guide, owner)
    response = owner_client.post(reverse("journal:share", args=[entry.pk]), {"guide": other_guide.pk})
    assert response.status_code == 400
    assert "You can share only with a guide whose group you are in." in response.content.decode()
    entry.refresh_from_db()
    assert entry.shared_with is None


def test_the_action_refuses_a_guide_outside_the_members_cohorts(guide: Any, owner: Any, entry: JournalEntry) -> None:
    with pytest.raises(actions.NotYourGuide):
        actions.share_entry(entry, guide)
    assert JournalEntry.objects.get(pk=entry.pk).shared_with is None


def test_sharing_with_another_member_is_refused(
    owner_client: Client, guide: Any, owner: Any, other: Any, entry: JournalEntry
) -> None:
    cohort_led_by(guide, owner, other)
    response = owner_client.post(reverse("journal:share", args=[entry.pk]), {"guide": other.pk})
    assert response.status_code == 400
    assert JournalEntry.objects.get(pk=entry.pk).shared_with is None


def test_another_member_never_sees_a_shared_entry(
    other_client: Client, guide: Any, owner: Any, other: Any, entry: JournalEntry
) -> None:
    cohort_led_by(guide, owner, other)
    actions.share_entry(entry, guide)
    assert other_client.get(reverse("journal:shared")).status_code == 404
    assert other_client.get(reverse("journal:shared_entry", args=[entry.pk])).status_code == 404
    assert other_client.get(reverse("journal:detail", args=[entry.pk])).status_code == 404
    assert SECRET not in other_client.get(reverse("journal:list")).content.decode()


def test_another_guide_never_sees_an_entry_shared_with_someone_else(
    guide: Any, other_guide: Any, owner: Any, entry: JournalEntry
) -> None:
    cohort_led_by(guide, owner)
    cohort_led_by(other_guide, owner, slug="ease-two")
    actions.share_entry(entry, guide)
    client = Client()
    client.force_login(other_guide)
    assert SECRET not in client.get(reverse("journal:shared")).content.decode()
    assert client.get(reverse("journal:shared_entry", args=[entry.pk])).status_code == 404


def test_an_entry_stops_showing_when_the_member_leaves_the_guides_cohort(
    guide_client: Client, guide: Any, owner: Any, entry: JournalEntry
) -> None:
    cohort = cohort_led_by(guide, owner)
    actions.share_entry(entry, guide)
    assert guide_client.get(reverse("journal:shared_entry", args=[entry.pk])).status_code == 200
    cohort.enrolments.filter(user=owner).delete()
    assert guide_client.get(reverse("journal:shared_entry", args=[entry.pk])).status_code == 404
    assert list(guides_for(owner)) == []


def test_a_self_paced_member_has_no_guides_to_share_with(owner_client: Client, owner: Any, entry: JournalEntry) -> None:
    page = owner_client.get(reverse("journal:detail", args=[entry.pk])).content.decode()
    assert "Share this entry" not in page
    assert list(guides_for(owner)) == []


def test_after_sharing_it_never_offers_the_same_guide_again(
    owner_client: Client, guide: Any, owner: Any, entry: JournalEntry
) -> None:
    cohort_led_by(guide, owner)
    owner_client.post(reverse("journal:share", args=[entry.pk]), {"guide": guide.pk})
    detail = owner_client.get(reverse("journal:detail", args=[entry.pk])).content.decode()
    assert "Take it back" in detail
    assert "instead" not in detail
    assert f'<option value="{guide.pk}"' not in detail


def test_with_a_second_guide_it_offers_only_the_other_one(
    owner_client: Client, guide: Any, other_guide: Any, owner: Any, entry: JournalEntry
) -> None:
    cohort_led_by(guide, owner)
    cohort_led_by(other_guide, owner)
    owner_client.post(reverse("journal:share", args=[entry.pk]), {"guide": guide.pk})
    detail = owner_client.get(reverse("journal:detail", args=[entry.pk])).content.decode()
    assert "Share with this guide instead" in detail
    assert f'<option value="{other_guide.pk}"' in detail
    assert f'<option value="{guide.pk}"' not in detail
