"""After a workshop: each person's session in their own History, the guide's attendance and shift."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse
from room_helpers import opened, workshop

from attune.web.practices.models import Outcome, PracticeSession
from attune.web.rooms import actions
from attune.web.rooms.models import Participant, Role

pytestmark = pytest.mark.django_db(transaction=True)


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _members(django_user_model: Any, n: int) -> list[Any]:
    # Names with hyphens: no random token on a page (CSRF, nonces) can contain one by chance.
    names = [f"wren-{i}-of-the-circle" for i in range(n)]
    return [django_user_model.objects.create_user(name, f"{name}@example.test", "x" * 12) for name in names]


def _start(w: Any) -> None:
    host = Participant.objects.get(room=w.room, role=Role.HOST)
    actions.control(w.room_id, host.pk, "start")


def test_a_workshop_is_in_each_members_own_history_with_their_before_and_after(
    owner: Any, other: Any, guide: Any
) -> None:
    w = workshop(guide)
    actions.enrol(owner, w)
    actions.enrol(other, w)
    olive = _client(owner)
    for phase, safety in (("before", 3), ("after", 6)):
        response = olive.post(reverse("rooms:reading", args=[w.room_id]), {"phase": phase, "safety": safety})
        assert response.status_code == 200
    mine = olive.get(reverse("today:history")).content.decode()
    assert "Slowing down together" in mine and "felt safety 3 → 6" in mine
    theirs = _client(other).get(reverse("today:history")).content.decode()
    assert "Slowing down together" not in theirs and "3 → 6" not in theirs


async def test_whoever_came_has_a_finished_session_when_the_workshop_ends(
    owner: Any, other: Any, guide: Any, django_user_model: Any
) -> None:
    w = await sync_to_async(workshop)(guide)
    (absent,) = await sync_to_async(_members)(django_user_model, 1)
    for user in (owner, other, absent):
        await sync_to_async(actions.enrol)(user, w)
    olive = await sync_to_async(_client)(owner)
    await sync_to_async(olive.post)(reverse("rooms:reading", args=[w.room_id]), {"phase": "before", "safety": 4})
    member, _ = await opened(w.room_id, owner)
    quiet, _ = await opened(w.room_id, other)  # came, and gave no reading
    console, _ = await opened(w.room_id, guide)
    came = await sync_to_async(lambda: Participant.objects.get(room=w.room, user=other).attended_at)()
    assert came is not None
    await quiet.disconnect()
    quiet, _ = await opened(w.room_id, other)  # coming back changes nothing
    assert await sync_to_async(lambda: Participant.objects.get(room=w.room, user=other).attended_at)() == came
    for action in ("start", "stop"):
        await console.send_json_to({"type": "control", "action": action})
        assert (await console.receive_json_from())["type"] == "timeline"
    for user in (owner, other):
        session = await PracticeSession.objects.aget(user=user)
        assert session.outcome == Outcome.COMPLETED and session.ended_at is not None
        assert session.practice_title == "Slowing down together"
    assert (await PracticeSession.objects.aget(user=owner)).before_safety == 4
    assert not await PracticeSession.objects.filter(user__in=[guide, absent]).aexists()  # led; never came
    for comm in (member, quiet, console):
        await comm.disconnect()


def test_the_guide_looks_back_on_who_came_and_the_shift_only_from_five_answers(
    guide: Any, owner: Any, django_user_model: Any
) -> None:
    w = workshop(guide)
    people = _members(django_user_model, 6)
    places = [actions.enrol(u, w) for u in people]
    assert "Looking back" not in _client(guide).get(reverse("rooms:workshop", args=[w.pk])).content.decode()
    _start(w)
    for place, safety in zip(places[:4], (2, 4, 5, 7), strict=True):
        actions.attend(place.pk)
        actions.record_reading(Participant.objects.select_related("room", "user").get(pk=place.pk), "before",
                               safety, "activated")
    page = _client(guide).get(reverse("rooms:workshop", args=[w.pk])).content.decode()
    assert "4 of 6 people with a place came into the room." in page
    assert "Before: shown from 5 answers (4 so far)." in page and "activated 4" not in page

    actions.attend(places[4].pk)
    actions.record_reading(Participant.objects.select_related("room", "user").get(pk=places[4].pk), "before", 6,
                           "settled")
    page = _client(guide).get(reverse("rooms:workshop", args=[w.pk])).content.decode()
    assert "5 of 6 people with a place came into the room." in page
    assert "Before: 5 answers · settled 1, activated 4, shut down 0 · median felt safety 5" in page
    assert "After: shown from 5 answers (0 so far)." in page
    assert not any(u.username in page for u in people)
    member_page = _client(people[0]).get(reverse("rooms:workshop", args=[w.pk])).content.decode()
    assert "Looking back" not in member_page
    assert _client(owner).get(reverse("rooms:workshop_calendar", args=[w.pk])).status_code == 404


def test_a_guide_finds_the_workshops_they_led(guide: Any, other: Any) -> None:
    w = workshop(guide)
    _start(w)
    actions.control(w.room_id, Participant.objects.get(room=w.room, role=Role.HOST).pk, "stop")
    home = _client(guide).get(reverse("rooms:home")).content.decode()
    assert "Workshops you led" in home and reverse("rooms:workshop", args=[w.pk]) in home
    assert "Workshops you led" not in _client(other).get(reverse("rooms:home")).content.decode()


def test_a_members_export_holds_their_own_places_and_the_rooms_they_led(guide: Any, owner: Any, other: Any) -> None:
    from attune.web.accounts.export import build_export
    from attune.web.rooms.data_export import export_member_data

    w = workshop(guide, place="The garden room")
    actions.enrol(owner, w)
    actions.enrol(other, w)
    actions.attend(Participant.objects.get(room=w.room, user=owner).pk)
    mine = export_member_data(owner)
    assert [(p["room__title"], p["status"], p["attended_at"] is not None) for p in mine["room_places"]] == [
        ("Slowing down together", "in", True)
    ]
    assert mine["rooms_hosted"] == []
    led = export_member_data(guide)
    assert [r["workshop__place"] for r in led["rooms_hosted"]] == ["The garden room"]
    assert [p["role"] for p in led["room_places"]] == ["host"]  # never the people who came
    archive = zipfile.ZipFile(io.BytesIO(build_export(owner)))
    assert "Slowing down together" in archive.read("room_places.csv").decode()
