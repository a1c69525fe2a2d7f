"""A guide changes or cancels a workshop before it begins; afterwards, a note for each journal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from room_helpers import workshop

from attune.web.journal.models import JournalEntry
from attune.web.rooms import actions
from attune.web.rooms.models import Participant, Role, Room, Status, Workshop

pytestmark = pytest.mark.django_db

STARTS = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _details(w: Workshop, **changes: Any) -> dict[str, Any]:
    data = {
        "title": w.room.title,
        "description": w.description,
        "starts_at": "2027-01-15T16:00",  # the guide's zone in the tests: Europe/Berlin
        "duration_min": w.duration_min,
        "capacity": w.capacity,
        "place": w.place,
        "call_url": w.call_url,
        "journal_prompt": w.journal_prompt,
    }
    return {**data, **changes}


def _enrol(user: Any, w: Workshop, capture: Any) -> Participant:
    with capture(execute=True):
        return actions.enrol(user, w)


def _start(w: Workshop) -> None:
    host = Participant.objects.get(room=w.room, role=Role.HOST)
    actions.control(w.room_id, host.pk, "start")


def _event(message: Any) -> icalendar.Event:
    (event,) = icalendar.Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
    return event


def test_the_guide_changes_the_time_and_everyone_with_a_place_gets_the_updated_invitation(
    owner: Any, other: Any, guide: Any, django_capture_on_commit_callbacks: Any
) -> None:
    w = workshop(guide, capacity=1, starts_at=STARTS)
    _enrol(owner, w, django_capture_on_commit_callbacks)
    _enrol(other, w, django_capture_on_commit_callbacks)  # on the waitlist
    Participant.objects.filter(room=w.room, user=owner).update(reminded_at=STARTS)
    first = _event(mail.outbox[0])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(guide).post(
            reverse("rooms:workshop_edit", args=[w.pk]),
            _details(w, title="Slowing down, later", starts_at="2027-01-15T18:30", place="The barn"),
        )
    assert response.status_code == 302
    w.refresh_from_db()
    assert w.room.title == "Slowing down, later" and w.place == "The barn"
    assert w.starts_at == datetime(2027, 1, 15, 17, 30, tzinfo=UTC)
    (updated,) = mail.outbox  # the person with a place; the waitlist is not told of a change
    assert updated.to == [owner.email] and updated.subject == "Changed: Slowing down, later"
    event = _event(updated)
    assert str(event["uid"]) == str(first["uid"]) and str(event["status"]) == "CONFIRMED"
    assert int(event["sequence"]) >= int(first["sequence"]) and str(event["location"]) == "The barn"
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2027, 1, 15, 17, 30, tzinfo=UTC)
    # The reminder goes again before the new start.
    assert Participant.objects.get(room=w.room, user=owner).reminded_at is None


def test_more_places_move_the_waitlist_up_and_a_change_of_words_alone_sends_nothing(
    owner: Any, other: Any, guide: Any, django_capture_on_commit_callbacks: Any
) -> None:
    w = workshop(guide, capacity=1, starts_at=STARTS)
    _enrol(owner, w, django_capture_on_commit_callbacks)
    _enrol(other, w, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.edit_workshop(w, title=w.room.title, capacity=2, description="Now with tea.")
    assert Participant.objects.get(room=w.room, user=other).status == Status.IN
    (promoted,) = mail.outbox
    assert promoted.to == [other.email] and "A place came free" in promoted.subject


def test_places_never_go_below_the_people_who_hold_one(owner: Any, other: Any, guide: Any) -> None:
    w = workshop(guide, capacity=3, starts_at=STARTS)
    actions.enrol(owner, w)
    actions.enrol(other, w)
    response = _client(guide).post(reverse("rooms:workshop_edit", args=[w.pk]), _details(w, capacity=1))
    assert response.status_code == 409
    assert "2 people have a place already" in response.content.decode()
    w.refresh_from_db()
    assert w.capacity == 3


def test_a_workshop_under_way_cannot_be_changed_or_cancelled(owner: Any, guide: Any) -> None:
    w = workshop(guide, starts_at=STARTS)
    actions.enrol(owner, w)
    _start(w)
    guide_client = _client(guide)
    response = guide_client.post(reverse("rooms:workshop_edit", args=[w.pk]), _details(w, title="Another"))
    assert response.status_code == 409
    assert guide_client.post(reverse("rooms:workshop_call_off", args=[w.pk])).status_code == 409
    w.refresh_from_db()
    assert w.room.title == "Slowing down together" and w.cancelled_at is None and w.room.ended_at is None


def test_cancelling_tells_everyone_enrolled_and_frees_the_room(
    owner: Any, other: Any, guide: Any, django_capture_on_commit_callbacks: Any
) -> None:
    w = workshop(guide, capacity=1, starts_at=STARTS)
    _enrol(owner, w, django_capture_on_commit_callbacks)
    _enrol(other, w, django_capture_on_commit_callbacks)
    first = _event(mail.outbox[0])
    code = w.room.code
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(guide).post(
            reverse("rooms:workshop_call_off", args=[w.pk]), {"note": "I'm unwell; I'll write when we can meet."}
        )
    assert response.status_code == 302
    w.refresh_from_db()
    room = Room.objects.get(pk=w.room_id)
    assert w.cancelled_at is not None and room.ended_at is not None and room.code is None
    assert room.timeline["status"] == "ended"
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {owner.email, other.email}
    had_place, waiting = by_address[owner.email], by_address[other.email]
    assert had_place.subject == "Cancelled by the guide: Slowing down together"
    assert "I'm unwell" in had_place.body and "I'm unwell" in waiting.body
    gone = _event(had_place)
    assert str(gone["status"]) == "CANCELLED" and str(gone["uid"]) == str(first["uid"])
    assert waiting.attachments == []  # they never had the invitation
    # Freed: the code leads nowhere, nobody can enrol, and the member's page says what happened.
    olive = _client(owner)
    assert olive.post(reverse("rooms:join"), {"code": code}).status_code == 404
    page = olive.get(reverse("rooms:workshop", args=[w.pk])).content.decode()
    assert "The guide has cancelled this workshop" in page and "Go to the room" not in page
    assert _client(other).post(reverse("rooms:enrol", args=[w.pk])).status_code == 404
    assert _client(guide).get(reverse("rooms:projector", args=[w.room_id])).status_code == 404
    assert w not in list(Workshop.objects.filter(room__ended_at=None))
    assert "(cancelled)" in _client(guide).get(reverse("rooms:home")).content.decode()
    assert "Slowing down together" not in olive.get(reverse("rooms:home")).content.decode()


def test_only_the_guide_may_change_or_cancel(owner: Any, other: Any, guide: Any) -> None:
    w = workshop(guide, starts_at=STARTS)
    actions.enrol(owner, w)  # a participant: no more say than an outsider
    for user in (owner, other):
        c = _client(user)
        assert c.get(reverse("rooms:workshop_edit", args=[w.pk])).status_code == 404
        assert c.post(reverse("rooms:workshop_edit", args=[w.pk]), _details(w, title="Mine")).status_code == 404
        assert c.post(reverse("rooms:workshop_call_off", args=[w.pk])).status_code == 404
        assert "Change the details" not in c.get(reverse("rooms:workshop", args=[w.pk])).content.decode()
    w.refresh_from_db()
    assert w.room.title == "Slowing down together" and w.cancelled_at is None
    assert _client(guide).get(reverse("rooms:workshop_edit", args=[w.pk])).status_code == 200
    assert Client().get(reverse("rooms:workshop_edit", args=[w.pk])).status_code == 302  # to sign in


def test_after_the_workshop_a_participant_is_invited_to_a_private_journal_note(
    owner: Any, other: Any, guide: Any
) -> None:
    w = workshop(guide, starts_at=STARTS, journal_prompt="What did your body tell you today?")
    actions.enrol(owner, w)
    olive = _client(owner)
    url = reverse("rooms:workshop_note", args=[w.pk])
    assert "What did your body tell you" not in olive.get(reverse("rooms:workshop", args=[w.pk])).content.decode()
    assert olive.post(url, {"body": "Too early"}).status_code == 404  # not before it has run
    _start(w)
    host = Participant.objects.get(room=w.room, role=Role.HOST)
    actions.control(w.room_id, host.pk, "stop")
    page = olive.get(reverse("rooms:workshop", args=[w.pk])).content.decode()
    assert "What did your body tell you today?" in page
    assert olive.post(url, {"body": "My shoulders dropped."}).status_code == 302
    assert olive.post(url, {"body": "My shoulders dropped, then my jaw."}).status_code == 302  # one note, rewritten
    (entry,) = JournalEntry.objects.filter(user=owner)
    assert entry.read().body == "My shoulders dropped, then my jaw."
    assert entry.prompt_text == "What did your body tell you today?" and entry.source_title == "Slowing down together"
    assert entry.shared_with is None
    assert "then my jaw" in olive.get(reverse("journal:list")).content.decode()
    # Nobody else writes to it, and the guide never reads it.
    assert _client(other).post(url, {"body": "x"}).status_code == 404
    assert _client(guide).post(url, {"body": "x"}).status_code == 404
    assert "then my jaw" not in _client(guide).get(reverse("rooms:workshop", args=[w.pk])).content.decode()
    assert not JournalEntry.objects.filter(user__in=[other, guide]).exists()


def test_a_workshop_without_its_own_prompt_asks_a_gentle_default(owner: Any, guide: Any) -> None:
    w = workshop(guide, starts_at=STARTS - timedelta(days=1))
    actions.enrol(owner, w)
    _start(w)
    actions.control(w.room_id, Participant.objects.get(room=w.room, role=Role.HOST).pk, "stop")
    assert "What stayed with you" in _client(owner).get(reverse("rooms:workshop", args=[w.pk])).content.decode()


def test_an_empty_note_is_refused_kindly_and_nothing_is_written(owner: Any, guide: Any) -> None:
    w = workshop(guide, starts_at=STARTS)
    actions.enrol(owner, w)
    _start(w)
    actions.control(w.room_id, Participant.objects.get(room=w.room, role=Role.HOST).pk, "stop")
    response = _client(owner).post(reverse("rooms:workshop_note", args=[w.pk]), {"body": "   "})
    assert response.status_code == 400
    assert "What stayed with you" in response.content.decode()
    assert not JournalEntry.objects.exists()
