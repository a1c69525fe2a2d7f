"""Sign up: GET and POST /accounts/signup/."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.web.conftest import PASSWORD

URL = reverse("accounts:signup")


def _data(**overrides: str) -> dict[str, str]:
    data = {
        "username": "nina",
        "display_name": "Nina",
        "email": "nina@example.test",
        "timezone": "Europe/Berlin",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def test_it_shows_the_form_with_a_labelled_input_for_every_field(anon_client: Client) -> None:
    response = anon_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("username", "display_name", "email", "timezone", "password1", "password2"):
        assert f'<label for="id_{name}">' in html
    assert '<optgroup label="Europe">' in html
    assert '<option value="Europe/Berlin">Berlin</option>' in html


def test_it_says_once_that_attune_is_not_a_medical_device_or_therapy_and_that_data_is_private(
    anon_client: Client,
) -> None:
    html = anon_client.get(URL).content.decode()
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert main.count("not a medical device and not therapy") == 1
    assert "private by default" in main


def test_it_creates_a_member_logs_them_in_and_opens_today(anon_client: Client) -> None:
    response = anon_client.post(URL, _data())
    assert response.status_code == 302
    assert response["Location"] == reverse("today:today")
    user = get_user_model().objects.get(username="nina")
    assert (user.display_name, user.email, user.timezone) == ("Nina", "nina@example.test", "Europe/Berlin")
    assert not user.is_guide
    assert user.check_password(PASSWORD)
    assert anon_client.session["_auth_user_id"] == str(user.pk)


def test_it_accepts_a_member_without_an_email(anon_client: Client) -> None:
    response = anon_client.post(URL, _data(email="", display_name=""))
    assert response.status_code == 302
    assert get_user_model().objects.get(username="nina").email == ""


def test_it_stores_passwords_with_argon2(anon_client: Client, settings: Any) -> None:
    from attune.web import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    anon_client.post(URL, _data())
    assert get_user_model().objects.get(username="nina").password.startswith("argon2$argon2id$")


@pytest.mark.parametrize(
    ("field", "overrides", "message"),
    [
        ("password2", {"password2": "a different long passphrase"}, "The two passwords are not the same"),
        ("password2", {"password1": "short", "password2": "short"}, "This password is too short"),
        ("password2", {"password1": "1234567890123", "password2": "1234567890123"}, "entirely numeric"),
        ("username", {"username": "nina smith!"}, "Enter a valid username"),
        ("username", {"username": ""}, "This field is required"),
        ("username", {"username": "n" * 151}, "150 characters or fewer"),
        ("email", {"email": "nina-at-example"}, "doesn&#x27;t look like an email address"),
        ("display_name", {"display_name": "N" * 81}, "Please keep it to 80 characters or fewer (this has 81)"),
        ("timezone", {"timezone": "Mars/Olympus_Mons"}, "“Mars/Olympus_Mons” is not a time zone we know"),
        ("timezone", {"timezone": ""}, "Please pick your time zone from the list"),
    ],
)
def test_it_rejects_bad_input_with_a_clear_message_on_the_field(
    anon_client: Client, field: str, overrides: dict[str, str], message: str
) -> None:
    response = anon_client.post(URL, _data(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    assert not get_user_model().objects.filter(username=overrides.get("username", "nina")).exists()


def test_it_rejects_a_username_that_differs_only_in_case(anon_client: Client, owner: Any) -> None:
    response = anon_client.post(URL, _data(username="OLIVE"))
    assert "A user with that username already exists" in response.content.decode()
    assert get_user_model().objects.count() == 1


def test_it_rejects_an_email_another_account_uses(anon_client: Client, owner: Any) -> None:
    response = anon_client.post(URL, _data(email="OLIVE@example.test"))
    assert "Another account already uses this email" in response.content.decode()
    assert not get_user_model().objects.filter(username="nina").exists()


def test_it_sends_a_member_who_is_logged_in_to_today(owner_client: Client) -> None:
    response = owner_client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("today:today")


def test_it_can_be_closed_by_the_operator(anon_client: Client, settings: Any) -> None:
    settings.ALLOW_SIGNUP = False
    assert anon_client.get(URL).status_code == 403
    assert anon_client.post(URL, _data()).status_code == 403
    assert not get_user_model().objects.exists()
