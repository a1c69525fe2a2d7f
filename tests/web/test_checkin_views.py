"""The check-in: new, detail, edit, delete, through HTTP, with the three personas and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from daily_factories import VALID_CHECKIN, make_checkin
from django.test import Client
from django.urls import reverse

from attune.web.checkins.models import CheckIn

pytestmark = pytest.mark.django_db


def test_it_saves_a_check_in_with_only_the_required_answers(owner_client: Client, owner: Any) -> None:
    response = owner_client.post(reverse("checkins:new"), VALID_CHECKIN)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("today:today"))
    checkin = CheckIn.objects.get(user=owner)
    assert (checkin.state, checkin.felt_safety, checkin.breath, checkin.felt_connection) == ("activated", 4, 2, 5)
    assert checkin.note == "" and checkin.body_area == "" and checkin.context == ""


def test_it_saves_the_optional_extras(owner_client: Client, owner: Any) -> None:
    data = {**VALID_CHECKIN, "body_area": "throat", "context": "with_animal", "note": "Cat on my lap."}
    assert owner_client.post(reverse("checkins:new"), data).status_code == 302
    checkin = CheckIn.objects.get(user=owner)
    assert (checkin.body_area, checkin.context, checkin.note) == ("throat", "with_animal", "Cat on my lap.")


def test_consent_is_never_assumed_and_is_saved_only_when_ticked(owner_client: Client, owner: Any) -> None:
    html = owner_client.get(reverse("checkins:new")).content.decode()
    assert 'name="both_opt_in"' in html and "we both opt in to touch or eye contact" in html
    owner_client.post(reverse("checkins:new"), VALID_CHECKIN)
    owner_client.post(reverse("checkins:new"), {**VALID_CHECKIN, "context": "with_someone", "both_opt_in": "on"})
    assert list(CheckIn.objects.filter(user=owner).order_by("pk").values_list("both_opt_in", flat=True)) == [
        False,
        True,
    ]


def test_editing_a_check_in_shows_and_can_withdraw_consent(owner_client: Client, owner: Any) -> None:
    checkin = make_checkin(owner, context="with_someone", both_opt_in=True)
    html = owner_client.get(reverse("checkins:edit", args=[checkin.pk])).content.decode()
    assert 'name="both_opt_in" value="on" checked' in html and '<details class="more" open>' in html
    owner_client.post(reverse("checkins:edit", args=[checkin.pk]), {**VALID_CHECKIN, "context": "with_someone"})
    checkin.refresh_from_db()
    assert checkin.both_opt_in is False


def test_the_form_preselects_nothing(owner_client: Client) -> None:
    html = owner_client.get(reverse("checkins:new")).content.decode()
    assert 'type="radio"' in html
    assert " checked" not in html


def test_every_control_has_a_label_and_ends_in_plain_words(owner_client: Client) -> None:
    html = owner_client.get(reverse("checkins:new")).content.decode()
    for legend in ("State", "Felt safety", "Breath", "Muscles", "Attention", "Felt connection"):
        assert f"<legend>{legend}</legend>" in html
    for words in ("quick or held", "slow and easy", "braced", "released", "narrow or scanning", "wide and soft"):
        assert words in html
    assert html.count('<label class="chip"><input type="radio"') == html.count('type="radio"')
    assert "Add more" in html and 'for="id_note"' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("felt_safety", "11", "Felt safety is a whole number from 0 to 10."),
        ("felt_safety", "-1", "Felt safety is a whole number from 0 to 10."),
        ("felt_safety", "lots", "Felt safety is a whole number from 0 to 10."),
        ("breath", "0", "Breath is a whole number from 1 to 5."),
        ("muscles", "6", "Muscles is a whole number from 1 to 5."),
        ("attention", "2.5", "Attention is a whole number from 1 to 5."),
        ("felt_connection", "99", "Felt connection is a whole number from 0 to 10."),
        ("state", "ecstatic", "State is one of: settled, activated or shut down."),
        ("body_area", "elbow", "Where you feel it is one of:"),
        ("context", "space", "Where you are is one of:"),
    ],
)
def test_it_rejects_bad_values_with_a_clear_message(
    owner_client: Client, owner: Any, field: str, value: str, message: str
) -> None:
    response = owner_client.post(reverse("checkins:new"), {**VALID_CHECKIN, field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CheckIn.objects.filter(user=owner).exists()


def test_it_asks_for_each_missing_answer(owner_client: Client) -> None:
    response = owner_client.post(reverse("checkins:new"), {})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose the one closest to now: settled, activated or shut down." in html
    assert "Felt safety: choose a number from 0 to 10." in html
    assert "Breath: choose a number from 1 to 5." in html


def test_it_rejects_a_note_that_is_too_long(owner_client: Client, owner: Any) -> None:
    response = owner_client.post(reverse("checkins:new"), {**VALID_CHECKIN, "note": "x" * 2001})
    assert response.status_code == 400
    assert "The note can be up to 2000 characters (it has 2001)." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_rejected_form_keeps_the_answers_given(owner_client: Client) -> None:
    html = owner_client.post(reverse("checkins:new"), {**VALID_CHECKIN, "breath": "9"}).content.decode()
    assert 'name="state" value="activated" checked' in html
    assert 'name="felt_safety" value="4" checked' in html


def test_the_owner_sees_edits_and_deletes_their_check_in(owner_client: Client, owner: Any) -> None:
    checkin = make_checkin(owner, note="private words")
    assert "private words" in owner_client.get(reverse("checkins:detail", args=[checkin.pk])).content.decode()
    response = owner_client.post(
        reverse("checkins:edit", args=[checkin.pk]), {**VALID_CHECKIN, "state": "settled", "felt_safety": "7"}
    )
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert (checkin.state, checkin.felt_safety) == ("settled", 7)
    assert owner_client.get(reverse("checkins:delete", args=[checkin.pk])).status_code == 200
    assert CheckIn.objects.filter(pk=checkin.pk).exists()  # GET only asks
    assert owner_client.post(reverse("checkins:delete", args=[checkin.pk])).status_code == 302
    assert not CheckIn.objects.filter(pk=checkin.pk).exists()


def test_an_edit_with_bad_input_changes_nothing(owner_client: Client, owner: Any) -> None:
    checkin = make_checkin(owner, felt_safety=4)
    response = owner_client.post(reverse("checkins:edit", args=[checkin.pk]), {**VALID_CHECKIN, "felt_safety": "12"})
    assert response.status_code == 400
    checkin.refresh_from_db()
    assert checkin.felt_safety == 4


@pytest.mark.parametrize("name", ["checkins:detail", "checkins:edit", "checkins:delete"])
def test_another_member_gets_404_for_someone_elses_check_in(other_client: Client, owner: Any, name: str) -> None:
    checkin = make_checkin(owner)
    assert other_client.get(reverse(name, args=[checkin.pk])).status_code == 404
    assert other_client.post(reverse(name, args=[checkin.pk]), VALID_CHECKIN).status_code == 404
    checkin.refresh_from_db()
    assert checkin.felt_safety == 4


def test_a_guide_gets_404_for_a_members_check_in(guide_client: Client, owner: Any) -> None:
    checkin = make_checkin(owner)
    assert guide_client.get(reverse("checkins:detail", args=[checkin.pk])).status_code == 404


def test_an_unknown_id_is_404(owner_client: Client) -> None:
    assert owner_client.get(reverse("checkins:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("name", ["checkins:detail", "checkins:edit", "checkins:delete"])
def test_an_anonymous_visitor_is_sent_to_sign_in(anon_client: Client, owner: Any, name: str) -> None:
    checkin = make_checkin(owner)
    for response in (
        anon_client.get(reverse(name, args=[checkin.pk])),
        anon_client.post(reverse(name, args=[checkin.pk]), VALID_CHECKIN),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert CheckIn.objects.filter(pk=checkin.pk).exists()


def test_an_anonymous_visitor_cannot_check_in(anon_client: Client) -> None:
    response = anon_client.post(reverse("checkins:new"), VALID_CHECKIN)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not CheckIn.objects.exists()


def test_a_low_felt_safety_shows_the_crisis_resources_gently(owner_client: Client, owner: Any, settings: Any) -> None:
    settings.CRISIS_RESOURCES = "Samaritans | call 116 123\nEmergency services | call 999"
    low = make_checkin(owner, felt_safety=1)
    html = owner_client.get(reverse("checkins:detail", args=[low.pk])).content.decode()
    assert "Samaritans" in html and "call 116 123" in html and "call 999" in html
    fine = make_checkin(owner, felt_safety=6)
    assert "Samaritans" not in owner_client.get(reverse("checkins:detail", args=[fine.pk])).content.decode()
