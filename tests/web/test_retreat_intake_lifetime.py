"""Intake answers live until a while after the retreat: in the export until then, gone with the account."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.web.accounts.export import collect_member_data
from attune.web.retreats import tasks
from attune.web.retreats.models import Application, State
from tests.web.conftest import PASSWORD
from tests.web.retreat_helpers import SECRET, applied, retreat_led_by

pytestmark = pytest.mark.django_db

DEPARTURE = dt.date(2030, 6, 4)


def _retreat(guide: Any) -> Any:
    return retreat_led_by(guide, starts_on=DEPARTURE - dt.timedelta(days=3))


def _run_job_on(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    moment = dt.datetime.combine(day, dt.time(3, 17), tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    tasks.forget_intake_job.call_local()


def _raw(application: Any) -> tuple[str, bytes]:
    key_id, ciphertext = Application.objects.values_list("key_id", "ciphertext").get(pk=application.pk)
    return key_id, bytes(ciphertext)


def test_the_answers_are_deleted_90_days_after_departure(
    guide: Any, owner: Any, owner_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    application = applied(owner, _retreat(guide))
    _run_job_on(monkeypatch, DEPARTURE + dt.timedelta(days=90))
    assert Application.objects.get(pk=application.pk).answer("safety") == SECRET
    _run_job_on(monkeypatch, DEPARTURE + dt.timedelta(days=91))
    kept = Application.objects.get(pk=application.pk)
    assert _raw(kept) == ("", b"") and kept.answers() == ()
    assert kept.state == State.APPLIED and kept.intake_deleted_at is not None
    monkeypatch.undo()
    page = owner_client.get(reverse("retreats:mine", args=[application.retreat_id])).content.decode()
    assert "deleted after the retreat ended" in page and SECRET not in page


def test_how_long_they_are_kept_is_configurable(
    guide: Any, owner: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.ATTUNE_RETREAT_INTAKE_DAYS = 7
    application = applied(owner, _retreat(guide))
    _run_job_on(monkeypatch, DEPARTURE + dt.timedelta(days=8))
    assert _raw(application) == ("", b"")


def test_later_retreats_keep_their_answers(guide: Any, owner: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    application = applied(owner, retreat_led_by(guide, starts_on=DEPARTURE + dt.timedelta(days=30)))
    _run_job_on(monkeypatch, DEPARTURE + dt.timedelta(days=91))
    assert Application.objects.get(pk=application.pk).answer("safety") == SECRET


def test_the_export_holds_the_answers_until_they_are_deleted(
    guide: Any, owner: Any, other: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    retreat = _retreat(guide)
    applied(owner, retreat)
    applied(other, retreat, safety="asthma, inhaler in my bag")
    rows = collect_member_data(owner)["retreat_applications"]
    assert len(rows) == 1 and rows[0]["retreat"] == "Slow days by the lake"
    assert {"key": "safety", "question": rows[0]["answers"][1]["question"], "answer": SECRET} in rows[0]["answers"]
    assert "asthma" not in repr(rows)
    _run_job_on(monkeypatch, DEPARTURE + dt.timedelta(days=91))
    row = collect_member_data(owner)["retreat_applications"][0]
    assert row["answers"] == [] and row["intake_deleted_at"] is not None


def test_deleting_the_account_deletes_the_applications(guide: Any, owner: Any, owner_client: Client) -> None:
    retreat = _retreat(guide)
    applied(owner, retreat)
    owner_client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert not Application.objects.filter(retreat=retreat).exists()
