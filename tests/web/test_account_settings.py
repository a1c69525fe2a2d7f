"""The member's settings: GET and POST /accounts/settings/, and /accounts/settings/password/."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.web.conftest import PASSWORD

URL = reverse("accounts:settings")
PASSWORD_URL = reverse("accounts:password_change")


def _data(**overrides: str) -> dict[str, str]:
    data = {
        "display_name": "Olive B",
        "timezone": "Asia/Tokyo",
        "default_pacer_bpm": "5.5",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("url", [URL, PASSWORD_URL])
def test_an_anonymous_visitor_is_sent_to_log_in(anon_client: Client, url: str) -> None:
    for response in (anon_client.get(url), anon_client.post(url, _data())):
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_the_owner_sees_their_own_settings_and_nobody_elses(owner_client: Client, other: Any) -> None:
    response = owner_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Olive"' in html and "olive@example.test" in html
    assert '<option value="Europe/London" selected>London</option>' in html
    assert "oscar" not in html.lower()
    for name in ("display_name", "timezone", "default_pacer_bpm"):
        assert f'<label for="id_{name}">' in html


def test_another_member_sees_only_their_own(other_client: Client, owner: Any) -> None:
    html = other_client.get(URL).content.decode()
    assert "America/New_York" in html and 'value="Oscar"' in html
    assert "olive" not in html.lower()


def test_the_owner_can_change_their_profile(owner_client: Client, owner: Any) -> None:
    response = owner_client.post(URL, _data())
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.display_name, owner.timezone, owner.default_pacer_bpm) == ("Olive B", "Asia/Tokyo", 5.5)


def test_times_are_shown_in_the_members_time_zone(owner_client: Client, owner: Any) -> None:
    owner.date_joined = dt.datetime(2026, 1, 1, 23, 30, tzinfo=dt.UTC)
    owner.timezone = "Asia/Tokyo"
    owner.save(update_fields=["date_joined", "timezone"])
    assert "Member since 2 January 2026." in owner_client.get(URL).content.decode()
    owner.timezone = "America/Los_Angeles"
    owner.save(update_fields=["timezone"])
    assert "Member since 1 January 2026." in owner_client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timezone", "Mars/Olympus_Mons", "“Mars/Olympus_Mons” is not a time zone we know. Please pick one"),
        ("timezone", "Europe/Berlin'; DROP TABLE", "is not a time zone we know"),
        ("timezone", "", "Please pick your time zone from the list."),
        ("default_pacer_bpm", "2.9", "Please choose a pace between 3 and 10 breaths a minute."),
        ("default_pacer_bpm", "10.5", "Please choose a pace between 3 and 10 breaths a minute."),
        ("default_pacer_bpm", "-6", "Please choose a pace between 3 and 10 breaths a minute."),
        ("default_pacer_bpm", "six", "Please enter a number, like 5.5."),
        ("default_pacer_bpm", "nan", "Please enter a number, like 5.5."),
        ("default_pacer_bpm", "inf", "Please enter a number, like 5.5."),
        ("display_name", "x" * 81, "Please keep it to 80 characters or fewer (this has 81)."),
    ],
)
def test_it_rejects_bad_input_with_a_clear_message(
    owner_client: Client, owner: Any, field: str, value: str, message: str
) -> None:
    response = owner_client.post(URL, _data(**{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'aria-describedby="id_{field}_helptext id_{field}_error"' in html or f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    owner.refresh_from_db()
    assert owner.timezone == "Europe/London"


def test_the_profile_form_no_longer_changes_the_email(owner_client: Client, owner: Any) -> None:
    """The email has its own page, behind the password (test_email_change.py)."""
    assert owner_client.post(URL, {**_data(), "email": "mallory@example.test"}).status_code == 302
    owner.refresh_from_db()
    assert owner.email == "olive@example.test"


def test_a_blank_pacer_pace_is_allowed(owner_client: Client, owner: Any) -> None:
    assert owner_client.post(URL, _data(default_pacer_bpm="")).status_code == 302
    owner.refresh_from_db()
    assert owner.default_pacer_bpm is None


def test_an_older_time_zone_alias_already_stored_still_saves(owner_client: Client, owner: Any) -> None:
    owner.timezone = "US/Eastern"
    owner.save(update_fields=["timezone"])
    assert owner_client.post(URL, _data(timezone="US/Eastern")).status_code == 302


def test_the_owner_can_change_their_password_and_stays_logged_in(owner_client: Client, owner: Any) -> None:
    new = "another calm long passphrase"
    response = owner_client.post(PASSWORD_URL, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response["Location"] == URL
    owner.refresh_from_db()
    assert owner.check_password(new)
    assert owner_client.get(URL).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"old_password": "wrong", "new_password1": "x" * 12, "new_password2": "x" * 12}, "isn&#x27;t your current"),
        ({"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}, "This password is too short"),
        ({"old_password": PASSWORD, "new_password1": "a" * 12, "new_password2": "b" * 12}, "not the same"),
    ],
)
def test_it_rejects_a_bad_password_change(owner_client: Client, owner: Any, data: dict[str, str], message: str) -> None:
    response = owner_client.post(PASSWORD_URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
