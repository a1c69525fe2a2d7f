"""Rooms over HTTP as every persona: pair codes, privacy of readings, workshops and their waitlist."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from room_helpers import pair_room, workshop

from attune.web.practices.models import PracticeSession
from attune.web.rooms import actions
from attune.web.rooms.models import Audience, Participant, Room, Status

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_member_starts_a_pair_practice_and_gets_a_code_and_a_link(owner_client: Client) -> None:
    response = owner_client.post(reverse("rooms:start_pair"), {"first": "breathing-together", "minutes": 5,
                                                                 "then": "long-hug", "last": ""})
    room = Room.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("rooms:room", args=[room.pk])
    page = owner_client.get(response["Location"]).content.decode()
    assert room.code and room.code in page and reverse("rooms:join_link", args=[room.code]) in page
    assert set(room.code) <= set(actions.CODE_ALPHABET) and len(room.code) == 6
    assert [i["slug"] for i in room.plan["items"]] == ["breathing-together", "long-hug"]
    assert room.plan["items"][1]["consent"] and room.plan["items"][1]["solo"]["slug"] == "holding-yourself"


def test_the_partner_joins_once_and_a_third_member_is_refused(owner: Any, other: Any, guide: Any) -> None:
    room = pair_room(owner)
    assert room.code is not None
    link = _client(other).get(reverse("rooms:join_link", args=[room.code.lower()]))
    assert link.status_code == 200 and room.code in link.content.decode()
    assert not Participant.objects.filter(user=other).exists()  # opening the link joins nobody
    joined = _client(other).post(reverse("rooms:join"), {"code": room.code.lower()})
    assert joined.status_code == 302 and joined["Location"] == reverse("rooms:room", args=[room.pk])
    third = _client(guide).post(reverse("rooms:join"), {"code": room.code})
    assert third.status_code == 410 and "already been used" in third.content.decode()
    assert not Participant.objects.filter(user=guide).exists()
    assert _client(guide).get(reverse("rooms:room", args=[room.pk])).status_code == 404


def test_a_code_expires_after_fifteen_minutes(owner: Any, other: Any) -> None:
    room = pair_room(owner)
    Room.objects.filter(pk=room.pk).update(code_expires_at=timezone.now() - timedelta(seconds=1))
    response = _client(other).post(reverse("rooms:join"), {"code": room.code})
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_guessing_codes_is_slowed_down_even_for_a_right_code(owner: Any, other: Any) -> None:
    room = pair_room(owner)
    guesser = _client(other)
    from attune.web.rooms.views import JOIN_FAILURE_LIMIT

    wrong = "AAAAAA" if room.code != "AAAAAA" else "CCCCCC"
    statuses = [guesser.post(reverse("rooms:join"), {"code": wrong}).status_code for _ in range(JOIN_FAILURE_LIMIT)]
    assert statuses == [404] * JOIN_FAILURE_LIMIT
    refused = guesser.post(reverse("rooms:join"), {"code": room.code})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "a lot of codes" in refused.content.decode()
    assert not Participant.objects.filter(user=other).exists()


ROOM_URLS = ["rooms:room", "rooms:projector"]


def test_outsiders_get_404_on_every_room_url(owner: Any, other: Any, guide: Any, anon_client: Client) -> None:
    room = pair_room(owner, other)
    outsider = _client(guide)
    for name in ROOM_URLS:
        assert outsider.get(reverse(name, args=[room.pk])).status_code == 404, name
        assert anon_client.get(reverse(name, args=[room.pk])).status_code == 302, name
    for name in ("rooms:reading", "rooms:share"):
        assert outsider.post(reverse(name, args=[room.pk]), {"phase": "before", "safety": 5}).status_code == 404
    assert not PracticeSession.objects.exists()


def test_each_reading_is_the_members_own_and_the_partner_sees_it_only_when_shared(owner: Any, other: Any) -> None:
    room = pair_room(owner, other)
    olive, oscar = _client(owner), _client(other)
    assert olive.post(reverse("rooms:reading", args=[room.pk]), {"phase": "before", "safety": 3,
                                                                 "state": "activated"}).status_code == 200
    olive.post(reverse("rooms:reading", args=[room.pk]), {"phase": "after", "safety": 7, "state": "settled"})
    session = PracticeSession.objects.get()
    assert session.user == owner and (session.before_safety, session.after_safety) == (3, 7)
    hidden = oscar.get(reverse("rooms:room", args=[room.pk])).context["room_data"]
    assert hidden["partnerShift"] is None
    assert olive.post(reverse("rooms:share", args=[room.pk]), {"share": "yes"}).status_code == 200
    shared = oscar.get(reverse("rooms:room", args=[room.pk])).context["room_data"]["partnerShift"]
    assert shared == {"before_safety": 3, "before_state": "activated", "after_safety": 7, "after_state": "settled"}
    olive.post(reverse("rooms:share", args=[room.pk]), {"share": "no"})
    assert oscar.get(reverse("rooms:room", args=[room.pk])).context["room_data"]["partnerShift"] is None
    assert olive.get(reverse("rooms:room", args=[room.pk])).context["room_data"]["partnerShift"] is None


def test_a_reading_out_of_range_is_refused_and_stores_nothing(owner: Any) -> None:
    room = pair_room(owner)
    response = _client(owner).post(reverse("rooms:reading", args=[room.pk]), {"phase": "during", "safety": 11})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"phase", "safety"}
    assert not PracticeSession.objects.exists()


def _answer(user: Any, w: Any, safety: int) -> None:
    place = actions.enrol(user, w)
    actions.record_reading(place, "before", safety, "activated")


def test_the_rooms_shift_stays_hidden_below_five_answers_and_never_names_anyone(guide: Any) -> None:
    from django.contrib.auth import get_user_model

    w = workshop(guide)
    people = [get_user_model().objects.create_user(f"p{i}", f"p{i}@example.test", "x" * 12) for i in range(5)]
    for i, person in enumerate(people[:4]):
        _answer(person, w, 2 + i)
    console = _client(guide)
    four = console.get(reverse("rooms:room", args=[w.room_id]))
    assert four.context["shift"]["before"] == {"answers": 4, "shown": False, "states": None, "safety_median": None}
    _answer(people[4], w, 9)
    five = console.get(reverse("rooms:room", args=[w.room_id]))
    shift = five.context["shift"]["before"]
    assert shift["shown"] and shift["states"]["activated"] == 5 and shift["safety_median"] == 4
    # What the guide gets is the distribution: the one reading of 9 appears nowhere in it.
    assert "9" not in json.dumps(five.context["shift"])
    assert five.context["room_data"]["partnerShift"] is None


def test_a_guide_schedules_a_workshop_shown_in_each_members_own_zone(guide_client: Client, owner_client: Client,
                                                                       other_client: Client) -> None:
    response = guide_client.post(reverse("rooms:workshop_new"), {
        "title": "Slow evening", "description": "", "starts_at": "2031-03-10T19:00", "duration_min": 60,
        "capacity": 10, "audience": "members", "place": "", "call_url": "", "first": "pacer", "minutes": 10,
        "then": "", "last": ""})
    assert response.status_code == 302
    w = actions.Workshop.objects.get()
    assert w.starts_at.isoformat() == "2031-03-10T18:00:00+00:00"  # Gwen is in Berlin
    london = owner_client.get(reverse("rooms:workshop", args=[w.pk])).content.decode()
    new_york = other_client.get(reverse("rooms:workshop", args=[w.pk])).content.decode()
    assert "18:00" in london and "14:00" in new_york


def test_only_guides_schedule_workshops(owner_client: Client) -> None:
    assert owner_client.get(reverse("rooms:workshop_new")).status_code == 404


def test_a_full_workshop_has_a_waitlist_that_moves_up_on_a_cancellation(guide: Any, owner: Any, other: Any) -> None:
    w = workshop(guide, capacity=1)
    assert _client(owner).post(reverse("rooms:enrol", args=[w.pk])).status_code == 302
    _client(other).post(reverse("rooms:enrol", args=[w.pk]))
    assert Participant.objects.get(user=other).status == Status.WAITLIST
    assert _client(other).get(reverse("rooms:room", args=[w.room_id])).status_code == 404  # no place yet
    _client(owner).post(reverse("rooms:cancel", args=[w.pk]))
    assert Participant.objects.get(user=owner).status == Status.CANCELLED
    assert Participant.objects.get(user=other).status == Status.IN
    assert _client(other).get(reverse("rooms:room", args=[w.room_id])).status_code == 200


def test_a_link_only_workshop_is_found_only_with_its_code(guide: Any, owner: Any) -> None:
    w = workshop(guide, audience=Audience.LINK)
    member = _client(owner)
    assert member.get(reverse("rooms:workshop", args=[w.pk])).status_code == 404
    assert member.post(reverse("rooms:enrol", args=[w.pk])).status_code == 404
    via_code = member.post(reverse("rooms:join"), {"code": w.room.code})
    assert via_code.status_code == 302
    assert member.get(via_code["Location"]).status_code == 200
    member.post(reverse("rooms:enrol", args=[w.pk]), {"code": w.room.code})
    assert Participant.objects.get(user=owner).status == Status.IN


def test_the_projector_belongs_to_the_guide_and_carries_a_server_made_qr_code(guide: Any, owner: Any) -> None:
    w = workshop(guide)
    actions.enrol(owner, w)
    assert _client(owner).get(reverse("rooms:projector", args=[w.room_id])).status_code == 404
    page = _client(guide).get(reverse("rooms:projector", args=[w.room_id])).content.decode()
    assert "<svg" in page and w.room.code in page and "<script>" not in page
