"""Delete your account: GET and POST /accounts/settings/delete/."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client
from django.urls import reverse

from tests.web.conftest import PASSWORD

URL = reverse("accounts:delete")


def _checkin(user: Any, note: str) -> Any:
    try:
        CheckIn = apps.get_model("checkins", "CheckIn")
    except LookupError:
        return None
    return CheckIn.objects.create(
        user=user,
        created_at=dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC),
        state="activated",
        felt_safety=3,
        breath=2,
        muscles=2,
        attention=2,
        felt_connection=2,
        note=note,
    )


def _rows_pointing_at(user_pk: int) -> dict[str, int]:
    """How many rows in any attune app still point at this user id."""
    user_model = get_user_model()
    found: dict[str, int] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("attune."):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey | models.OneToOneField) and field.related_model is user_model:
                count = model._default_manager.filter(**{field.name: user_pk}).count()
                if count:
                    found[f"{model._meta.label}.{field.name}"] = count
    return found


def test_an_anonymous_visitor_is_sent_to_log_in(anon_client: Client) -> None:
    for response in (anon_client.get(URL), anon_client.post(URL, {"password": PASSWORD})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_page_explains_exactly_what_is_deleted(owner_client: Client, owner: Any) -> None:
    _checkin(owner, "x")
    response = owner_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Profile" in html and "There is no undo." in html
    assert "private notes" in html
    assert reverse("accounts:export") in html
    assert '<label for="id_password">' in html
    if apps.is_installed("attune.web.checkins"):
        assert "Check-ins" in html


def test_a_wrong_or_missing_password_deletes_nothing(owner_client: Client, owner: Any) -> None:
    for data, message in (
        ({"password": "not my password"}, "That isn&#x27;t your password, so nothing was deleted."),
        ({}, "Please enter your password to confirm."),
    ):
        response = owner_client.post(URL, data)
        assert response.status_code == 200
        html = response.content.decode()
        assert message in html
        assert 'aria-invalid="true"' in html and 'id="id_password_error"' in html
    assert get_user_model().objects.filter(pk=owner.pk).exists()


def test_it_deletes_the_member_and_all_their_data_then_logs_them_out(
    owner_client: Client, owner: Any, other: Any
) -> None:
    _checkin(owner, "mine")
    _checkin(other, "oscar's")
    owner_pk = owner.pk
    response = owner_client.post(URL, {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[0] == (reverse("accounts:login"), 302)
    assert "Your account and everything in it are deleted." in response.content.decode()
    assert not get_user_model().objects.filter(pk=owner_pk).exists()
    assert _rows_pointing_at(owner_pk) == {}
    assert "_auth_user_id" not in owner_client.session
    assert owner_client.get(reverse("accounts:settings")).status_code == 302


def test_other_members_are_untouched(owner_client: Client, owner: Any, other: Any) -> None:
    theirs = _checkin(other, "oscar's")
    before = _rows_pointing_at(other.pk)
    owner_client.post(URL, {"password": PASSWORD})
    other.refresh_from_db()
    assert other.check_password(PASSWORD)
    assert _rows_pointing_at(other.pk) == before
    if theirs is not None:
        theirs.refresh_from_db()
        assert theirs.note == "oscar's"


def test_another_member_can_only_ever_delete_themselves(other_client: Client, owner: Any, other: Any) -> None:
    # There is no id in the URL: the page always acts on whoever is logged in.
    other_client.post(URL, {"password": PASSWORD})
    assert get_user_model().objects.filter(pk=owner.pk).exists()
    assert not get_user_model().objects.filter(pk=other.pk).exists()


def test_an_apps_own_clean_up_runs_first(owner_client: Client, owner: Any, monkeypatch: Any) -> None:
    from attune.web.accounts import actions

    calls: list[str] = []

    class _App:
        @staticmethod
        def delete_member_data(user: Any) -> None:
            calls.append(user.username)

    monkeypatch.setattr(actions, "member_data_modules", lambda: iter([_App]))
    owner_client.post(URL, {"password": PASSWORD})
    assert calls == ["olive"]
    assert not get_user_model().objects.filter(username="olive").exists()


def test_it_needs_the_csrf_token(owner: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(URL, {"password": PASSWORD}).status_code == 403
    assert get_user_model().objects.filter(pk=owner.pk).exists()


def test_no_failed_login_record_names_a_deleted_account(owner_client: Client, owner: Any) -> None:
    from axes.models import AccessAttempt

    Client().post(reverse("accounts:login"), {"username": "olive", "password": "wrong guess"})
    assert AccessAttempt.objects.filter(username="olive").exists()
    owner_client.post(URL, {"password": PASSWORD})
    assert not AccessAttempt.objects.filter(username="olive").exists()
