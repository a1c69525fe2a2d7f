"""Sessions: whose each one is, the idle timeout, "sign out everywhere", and none left behind."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from attune.web.accounts.models import MemberSession
from attune.web.accounts.sessions import SEEN_KEY, SINCE_KEY
from attune.web.audit.models import AuditEvent
from tests.web.conftest import PASSWORD

SETTINGS = reverse("accounts:settings")
EVERYWHERE = reverse("accounts:sign_out_everywhere")
TODAY = reverse("today:today")


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def is_signed_in(client: Client) -> bool:
    return client.get(SETTINGS).status_code == 200


def row(client: Client) -> MemberSession:
    return MemberSession.objects.get(session_key=client.session.session_key)


def age_session(client: Client, seconds: int, key: str = SEEN_KEY) -> None:
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


# ------------------------------------------------------------------ whose session it is


def test_each_session_row_knows_its_member(owner: Any, other: Any) -> None:
    mine, theirs = signed_in(owner), signed_in(other)
    assert row(mine).user_id == owner.pk
    assert row(theirs).user_id == other.pk


# ------------------------------------------------------------------ sign out everywhere


def test_sign_out_everywhere_ends_every_other_session_of_the_member_only(owner: Any, other: Any) -> None:
    phone, laptop, tablet = signed_in(owner), signed_in(owner), signed_in(owner)
    someone_else = signed_in(other)
    assert "2 other browsers are signed in" in laptop.get(SETTINGS).content.decode()
    response = laptop.post(EVERYWHERE)
    assert response.status_code == 302 and response["Location"] == SETTINGS
    assert not is_signed_in(phone) and not is_signed_in(tablet)
    assert is_signed_in(laptop) and is_signed_in(someone_else)
    assert MemberSession.objects.filter(user=owner).count() == 1
    assert "Only this browser is signed in" in laptop.get(SETTINGS).content.decode()
    event = AuditEvent.objects.filter(account=owner, kind="sessions_revoked").get()
    assert event.detail == {"ended": 2}


def test_sign_out_everywhere_gives_this_browser_a_new_session_key(owner: Any) -> None:
    laptop = signed_in(owner)
    before = laptop.session.session_key
    laptop.post(EVERYWHERE)
    assert laptop.session.session_key != before and is_signed_in(laptop)
    assert not MemberSession.objects.filter(session_key=before).exists()


def test_sign_out_everywhere_is_a_post_and_only_for_the_signed_in(owner_client: Client, anon_client: Client) -> None:
    assert owner_client.get(EVERYWHERE).status_code == 405
    response = anon_client.post(EVERYWHERE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_the_settings_page_offers_it(owner_client: Client) -> None:
    html = owner_client.get(SETTINGS).content.decode()
    assert f'action="{EVERYWHERE}"' in html and "Sign out everywhere else" in html
    assert "ends by itself after 14 days without use" in html


# ------------------------------------------------------------------ password changes


def test_changing_the_password_signs_out_the_other_sessions_and_leaves_no_row(owner: Any) -> None:
    phone, laptop = signed_in(owner), signed_in(owner)
    new = "another calm long passphrase"
    laptop.post(
        reverse("accounts:password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert is_signed_in(laptop) and not is_signed_in(phone)
    assert MemberSession.objects.filter(user=owner).count() == 1


def test_a_password_set_with_a_reset_link_signs_out_everywhere(owner: Any, anon_client: Client) -> None:
    phone = signed_in(owner)
    uid = urlsafe_base64_encode(force_bytes(owner.pk))
    token = default_token_generator.make_token(owner)
    url = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    form_url = anon_client.get(url)["Location"]
    new = "a fresh calm passphrase"
    assert anon_client.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert not is_signed_in(phone)
    assert not MemberSession.objects.filter(user=owner).exists()


# ------------------------------------------------------------------ deletion


def test_deleting_the_account_leaves_no_session_behind(owner: Any) -> None:
    phone, laptop = signed_in(owner), signed_in(owner)
    keys = [phone.session.session_key, laptop.session.session_key]
    response = laptop.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not MemberSession.objects.filter(session_key__in=keys).exists()
    assert not MemberSession.objects.filter(user_id=owner.pk).exists()
    assert not is_signed_in(phone)


def test_an_admin_deleting_a_member_leaves_no_session_behind(owner: Any) -> None:
    signed_in(owner)
    get_user_model().objects.filter(pk=owner.pk).delete()
    assert not MemberSession.objects.filter(user_id=owner.pk).exists()


# ------------------------------------------------------------------ the idle timeout


def _expires_in(client: Client) -> float:
    return (row(client).expire_date - timezone.now()).total_seconds()


def test_a_members_session_lasts_fourteen_idle_days_by_default(owner_client: Client) -> None:
    assert _expires_in(owner_client) == pytest.approx(14 * 86400, abs=30)


def test_a_guides_session_lasts_twelve_idle_hours_by_default(guide_client: Client) -> None:
    assert _expires_in(guide_client) == pytest.approx(12 * 3600, abs=30)


def test_the_idle_time_is_a_setting(owner: Any, settings: Any) -> None:
    settings.SESSION_IDLE_SECONDS = 3600
    assert _expires_in(signed_in(owner)) == pytest.approx(3600, abs=30)


def test_using_the_site_moves_the_expiry_forward(owner_client: Client) -> None:
    age_session(owner_client, 600)
    MemberSession.objects.filter(session_key=owner_client.session.session_key).update(
        expire_date=timezone.now() + dt.timedelta(days=3)
    )
    assert owner_client.get(TODAY).status_code == 200
    assert _expires_in(owner_client) == pytest.approx(14 * 86400, abs=30)


def test_a_get_within_a_minute_of_the_last_refresh_writes_nothing(owner_client: Client) -> None:
    before = row(owner_client)
    for _ in range(3):
        assert owner_client.get(TODAY).status_code == 200
    after = row(owner_client)
    assert (after.session_data, after.expire_date) == (before.session_data, before.expire_date)


def test_an_idle_session_has_ended(owner_client: Client) -> None:
    MemberSession.objects.filter(session_key=owner_client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert not is_signed_in(owner_client)


def test_no_session_outlives_its_lifetime_however_busy(owner_client: Client, settings: Any) -> None:
    settings.SESSION_MAX_AGE_SECONDS = 30 * 86400
    age_session(owner_client, 30 * 86400 - 3600, key=SINCE_KEY)
    age_session(owner_client, 600)
    owner_client.get(TODAY)
    assert _expires_in(owner_client) == pytest.approx(3600, abs=30)


def test_the_worker_clears_away_sessions_that_have_ended(owner: Any, other: Any) -> None:
    from attune.web.jobs.tasks import clear_expired_sessions_job

    ended, live = signed_in(owner), signed_in(other)
    MemberSession.objects.filter(session_key=ended.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert clear_expired_sessions_job.call_local() == 1
    assert list(MemberSession.objects.values_list("user_id", flat=True)) == [other.pk]
    assert is_signed_in(live)


def test_a_wrong_password_on_the_delete_page_is_a_failed_confirmation(owner_client: Client, owner: Any) -> None:
    response = owner_client.post(reverse("accounts:delete"), {"password": "not it"})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(account=owner, kind="reauth_failed").count() == 1


def test_the_member_reads_it_in_their_account_activity(owner: Any) -> None:
    phone, laptop = signed_in(owner), signed_in(owner)
    laptop.post(EVERYWHERE)
    html = laptop.get(reverse("audit:activity")).content.decode()
    assert "You signed out everywhere else (1 other session ended)" in html
    assert phone.get(reverse("audit:activity")).status_code == 302
