"""The database itself refuses out-of-range check-ins and sessions, whatever the form does."""

from __future__ import annotations

from typing import Any

import pytest
from daily_factories import make_checkin, make_session
from django.db import IntegrityError, transaction

from attune.content.practices import STATES
from attune.web.checkins.data_export import export_member_data as export_checkins
from attune.web.common.states import State
from attune.web.practices.data_export import export_member_data as export_sessions

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        {"felt_safety": 11},
        {"breath": 0},
        {"muscles": 6},
        {"attention": 0},
        {"felt_connection": 11},
        {"state": "elated"},
        {"body_area": "elbow"},
        {"context": "moon"},
    ],
)
def test_the_database_rejects_an_out_of_range_check_in(owner: Any, fields: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_checkin(owner, **fields)


@pytest.mark.parametrize(
    "fields", [{"before_safety": 11}, {"after_safety": 12}, {"before_state": "x"}, {"outcome": "won"}]
)
def test_the_database_rejects_an_out_of_range_session(owner: Any, fields: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_session(owner, **fields)


def test_the_check_in_states_are_the_librarys_states() -> None:
    assert dict(State.choices) == dict(STATES)


def test_deleting_a_member_deletes_their_check_ins_and_sessions(owner: Any) -> None:
    make_checkin(owner)
    make_session(owner)
    owner.delete()
    from attune.web.checkins.models import CheckIn
    from attune.web.practices.models import PracticeSession

    assert not CheckIn.objects.exists() and not PracticeSession.objects.exists()


def test_the_export_holds_only_the_members_own_rows_as_json_ready_values(owner: Any, other: Any) -> None:
    import json

    from attune.web.accounts.export import to_jsonable

    mine = make_checkin(owner, note="mine")
    make_checkin(other, note="theirs")
    make_session(owner)
    make_session(other, practice_slug="a-nature-sit")
    checkins = export_checkins(owner)
    sessions = export_sessions(owner)
    assert [r["note"] for r in checkins["checkins"]] == ["mine"]
    assert checkins["checkins"][0]["id"] == mine.pk
    assert checkins["checkins"][0]["created_at"] == mine.created_at
    assert [r["practice_slug"] for r in sessions["practice_sessions"]] == ["one-slow-minute"]
    json.dumps(to_jsonable(checkins, owner.zone))
    json.dumps(to_jsonable(sessions, owner.zone))
