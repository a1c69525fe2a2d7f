"""The audit log: append-only, what it records (and never: content), who can read it, and erasure."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.web.accounts.signals import SECURITY_EVENT_KINDS, security_event
from attune.web.audit import actions as audit
from attune.web.audit.agents import summarise
from attune.web.audit.models import AppendOnly, AuditEvent, Kind
from attune.web.journal import actions as journal_actions
from tests.web.conftest import PASSWORD
from tests.web.journal_helpers import cohort_led_by, journal_keys  # noqa: F401  (fixture)
from tests.web.retreat_helpers import SECRET as INTAKE_SECRET
from tests.web.retreat_helpers import applied, retreat_led_by

pytestmark = pytest.mark.usefixtures("journal_keys")

ACTIVITY = reverse("audit:activity")
SECRET = "The knot under my ribs, 4471, loosened when I hummed."
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36"
)
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def _events(user: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(account=user).order_by("pk"))


def _kinds(user: Any) -> list[str]:
    return [e.kind for e in _events(user)]


def _row_text(event: AuditEvent) -> str:
    return json.dumps(
        {f.name: str(getattr(event, f.attname)) for f in AuditEvent._meta.concrete_fields}, ensure_ascii=False
    )


# ------------------------------------------------------------------ append-only


def test_an_event_cannot_be_changed_or_deleted_from_code(owner: Any) -> None:
    event = audit.record(Kind.SIGNED_IN, account=owner)
    event.kind = Kind.SIGNED_OUT
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(kind="x")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).kind == Kind.SIGNED_IN


def test_the_admin_reads_all_events_and_changes_none(owner: Any, other: Any) -> None:
    mine = audit.record(Kind.SIGNED_IN, account=owner)
    audit.record(Kind.SIGNED_IN, account=other)
    admin = get_user_model().objects.create_superuser("root", "root@example.test", "a long admin password")
    client = Client()
    client.force_login(admin)
    listing = client.get(reverse("admin:audit_auditevent_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Olive" in html and "Oscar" in html
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[mine.pk]), {"post": "yes"}).status_code == 403
    change = client.post(reverse("admin:audit_auditevent_change", args=[mine.pk]), {"kind": "signed_out"})
    assert change.status_code == 403
    assert AuditEvent.objects.get(pk=mine.pk).kind == Kind.SIGNED_IN


def test_a_member_cannot_open_the_admins_view_of_the_log(owner_client: Client, owner: Any) -> None:
    event = audit.record(Kind.SIGNED_IN, account=owner)
    response = owner_client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# ------------------------------------------------------------------ what is recorded


def test_a_sign_in_is_recorded_with_where_from_but_no_password(anon_client: Client, owner: Any) -> None:
    response = anon_client.post(
        reverse("accounts:login"), {"username": "olive", "password": PASSWORD}, HTTP_USER_AGENT=PHONE
    )
    assert response.status_code == 302
    (event,) = _events(owner)
    assert (event.kind, event.ip, event.agent, event.actor) == (Kind.SIGNED_IN, "127.0.0.1", "Chrome on Android", None)
    assert PASSWORD not in _row_text(event) and PHONE not in _row_text(event)


def test_a_wrong_password_is_recorded_for_the_account(anon_client: Client, owner: Any) -> None:
    anon_client.post(reverse("accounts:login"), {"username": "olive", "password": "not the one at all"})
    assert _kinds(owner) == [Kind.SIGN_IN_FAILED]
    assert "not the one at all" not in _row_text(_events(owner)[0])


def test_a_try_on_an_unknown_name_keeps_only_a_keyed_hash_of_it(anon_client: Client, owner: Any) -> None:
    anon_client.post(reverse("accounts:login"), {"username": "mallory-7731", "password": "guess guess guess"})
    (event,) = AuditEvent.objects.filter(kind=Kind.SIGN_IN_FAILED)
    assert event.account is None and event.account_ref == audit.pseudonym("name:mallory-7731")
    assert "mallory" not in _row_text(event)


def test_a_lockout_is_recorded(anon_client: Client, owner: Any, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        anon_client.post(reverse("accounts:login"), {"username": "olive", "password": "wrong wrong wrong"})
    assert Kind.LOCKED_OUT in _kinds(owner)


def test_signing_out_is_recorded(owner_client: Client, owner: Any) -> None:
    owner_client.post(reverse("accounts:logout"))
    assert _kinds(owner)[-1] == Kind.SIGNED_OUT


def test_a_password_change_and_an_export_are_recorded(owner_client: Client, owner: Any) -> None:
    owner_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "a new calm passphrase", "new_password2": "a new calm passphrase"},
    )
    owner_client.post(reverse("accounts:export"))
    assert _kinds(owner)[-2:] == [Kind.PASSWORD_CHANGED, Kind.EXPORT_DOWNLOADED]


def test_every_security_event_kind_is_recorded_in_plain_words(owner: Any) -> None:
    for kind in sorted(SECURITY_EVENT_KINDS):
        security_event.send(sender=None, user=owner, kind=kind, request=None, detail={})
    assert sorted(_kinds(owner)) == sorted(SECURITY_EVENT_KINDS)
    for event in _events(owner):
        words = audit.describe(event)
        assert words and "_" not in words, (event.kind, words)


def test_content_cannot_ride_in_an_events_detail(owner: Any) -> None:
    with pytest.raises(ValueError, match="small facts"):
        audit.record(Kind.SIGNED_IN, account=owner, detail={"text": SECRET * 20})


@pytest.mark.parametrize(
    ("header", "summary"),
    [
        (PHONE, "Chrome on Android"),
        (LAPTOP, "Firefox on Linux"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Safari/604.1",
            "Safari on iPhone",
        ),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0 Safari/537.36 Edg/130.0", "Edge on Windows"),
        ("curl/8.5.0", "curl"),
        ("", ""),
        ("\x00" * 5000, "another browser"),
    ],
)
def test_a_browser_is_summarised_in_a_few_words(header: str, summary: str) -> None:
    assert summarise(header) == summary


# ------------------------------------------------------------------ the persona test


def test_a_guide_opening_a_shared_entry_leaves_a_record_the_member_sees(
    owner: Any, other: Any, guide: Any, owner_client: Client, guide_client: Client, other_client: Client
) -> None:
    cohort_led_by(guide, owner, other)
    entry = journal_actions.write_entry(owner, title="After the call", body=SECRET)
    journal_actions.share_entry(entry, guide)
    theirs = journal_actions.write_entry(other, body="Oscar's own words")
    journal_actions.share_entry(theirs, guide)

    opened = guide_client.get(
        reverse("journal:shared_entry", args=[entry.pk]), HTTP_USER_AGENT=LAPTOP, REMOTE_ADDR="198.51.100.23"
    )
    assert opened.status_code == 200 and SECRET in opened.content.decode()
    (event,) = AuditEvent.objects.filter(kind=Kind.SHARED_ENTRY_OPENED)
    assert (event.account, event.actor, event.target) == (owner, guide, f"journal entry {entry.uuid}")
    assert SECRET not in _row_text(event) and "After the call" not in _row_text(event)

    page = owner_client.get(ACTIVITY)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Gwen opened a journal entry you shared" in html
    # The guide's address and browser are the guide's own: the member does not see them.
    assert "198.51.100.23" not in html and "Firefox on Linux" not in html
    assert SECRET not in html

    # Nobody else's events: not Oscar's on Olive's page, not Olive's on Oscar's or the guide's.
    guide_client.get(reverse("journal:shared_entry", args=[theirs.pk]))
    assert html.count("opened a journal entry you shared") == 1
    other_html = other_client.get(ACTIVITY).content.decode()
    assert other_html.count("opened a journal entry you shared") == 1
    guide_html = guide_client.get(ACTIVITY).content.decode()
    assert "opened a journal entry" not in guide_html
    assert "Olive" not in guide_html and "Oscar" not in guide_html


def test_the_list_of_shared_entries_is_recorded_per_member(
    owner: Any, other: Any, guide: Any, guide_client: Client
) -> None:
    cohort_led_by(guide, owner, other)
    for body in ("one", "two"):
        journal_actions.share_entry(journal_actions.write_entry(owner, body=body), guide)
    journal_actions.share_entry(journal_actions.write_entry(other, body="three"), guide)
    assert guide_client.get(reverse("journal:shared")).status_code == 200
    seen = {e.account_id: e.detail["entries"] for e in AuditEvent.objects.filter(kind=Kind.SHARED_LIST_VIEWED)}
    assert seen == {owner.pk: 2, other.pk: 1}


def test_an_outsider_opening_a_shared_entry_gets_404_and_records_nothing(
    owner: Any, guide: Any, other_client: Client
) -> None:
    cohort_led_by(guide, owner)
    entry = journal_actions.write_entry(owner, body=SECRET)
    journal_actions.share_entry(entry, guide)
    assert other_client.get(reverse("journal:shared_entry", args=[entry.pk])).status_code == 404
    assert not AuditEvent.objects.filter(kind__in=[Kind.SHARED_ENTRY_OPENED, Kind.SHARED_LIST_VIEWED]).exists()


def test_a_guide_reading_intake_answers_is_recorded(owner: Any, guide: Any, owner_client: Client) -> None:
    retreat = retreat_led_by(guide)
    application = applied(owner, retreat)
    guide_client = Client()
    guide_client.force_login(guide)
    assert INTAKE_SECRET in guide_client.get(reverse("retreats:application", args=[application.pk])).content.decode()
    (event,) = AuditEvent.objects.filter(kind=Kind.INTAKE_OPENED)
    assert (event.account, event.actor) == (owner, guide)
    assert INTAKE_SECRET not in _row_text(event)
    html = owner_client.get(ACTIVITY).content.decode()
    assert "Gwen read your intake answers for Slow days by the lake" in html


def test_the_activity_page_asks_a_visitor_to_sign_in(anon_client: Client) -> None:
    response = anon_client.get(ACTIVITY)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_activity_page_takes_any_page_number_calmly(owner_client: Client, owner: Any) -> None:
    for _ in range(3):
        audit.record(Kind.SIGNED_IN, account=owner)
    for page in ("2", "999", "-1", "abc", "1" * 400):
        assert owner_client.get(ACTIVITY, {"page": page}).status_code == 200


def test_the_settings_page_links_to_account_activity(owner_client: Client) -> None:
    html = owner_client.get(reverse("accounts:settings")).content.decode()
    assert f'href="{ACTIVITY}"' in html and "Account activity" in html


def test_the_export_holds_the_members_own_events_only(
    owner: Any, other: Any, guide: Any, owner_client: Client, guide_client: Client
) -> None:
    cohort_led_by(guide, owner, other)
    entry = journal_actions.write_entry(owner, body=SECRET)
    journal_actions.share_entry(entry, guide)
    guide_client.get(reverse("journal:shared_entry", args=[entry.pk]))
    audit.record(Kind.SIGNED_IN, account=other)
    response = owner_client.post(reverse("accounts:export"))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        rows = json.loads(archive.read("attune-export.json"))["tables"]["account_activity"]
    kinds = [r["kind"] for r in rows]
    assert Kind.SHARED_ENTRY_OPENED in kinds and Kind.EXPORT_DOWNLOADED in kinds
    assert len(rows) == AuditEvent.objects.filter(account=owner).count()
    assert any(r["what"].startswith("Gwen opened a journal entry you shared") for r in rows)


# ------------------------------------------------------------------ erasure and retention


def test_deleting_an_account_keeps_its_events_pseudonymised(owner: Any, owner_client: Client) -> None:
    audit.record(Kind.SIGNED_IN, account=owner)
    ref = audit.account_pseudonym(owner)
    response = owner_client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(username="olive").exists()
    left = list(AuditEvent.objects.filter(account_ref=ref).order_by("pk"))
    assert [e.kind for e in left][-1] == Kind.ACCOUNT_DELETED
    assert all(e.account_id is None and e.ip is None and e.agent == "" for e in left)
    assert "olive" not in "".join(_row_text(e) for e in left)


def test_a_guides_reading_stays_in_the_members_log_after_the_guide_leaves(
    owner: Any, guide: Any, owner_client: Client, guide_client: Client
) -> None:
    cohort_led_by(guide, owner)
    entry = journal_actions.write_entry(owner, body=SECRET)
    journal_actions.share_entry(entry, guide)
    guide_client.get(reverse("journal:shared_entry", args=[entry.pk]))
    from attune.web.accounts.actions import delete_account

    delete_account(guide)
    html = owner_client.get(ACTIVITY).content.decode()
    assert "A guide whose account has since been deleted opened a journal entry you shared" in html


def test_events_older_than_the_retention_go_and_newer_ones_stay(owner: Any, settings: Any) -> None:
    settings.AUDIT_RETENTION_DAYS = 30
    old = AuditEvent.objects.create(kind=Kind.SIGNED_IN, account=owner, at=timezone.now() - dt.timedelta(days=31))
    new = AuditEvent.objects.create(kind=Kind.SIGNED_IN, account=owner, at=timezone.now() - dt.timedelta(days=29))
    from attune.web.jobs.tasks import expire_audit_events

    assert expire_audit_events.call_local() == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [new.pk]
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


def test_an_admin_deleting_a_member_erases_them_like_their_own_deletion(owner: Any) -> None:
    audit.record(Kind.SIGNED_IN, account=owner)
    ref = audit.account_pseudonym(owner)
    admin = get_user_model().objects.create_superuser("root", "root@example.test", "a long admin password")
    client = Client()
    client.force_login(admin)
    response = client.post(reverse("admin:accounts_user_delete", args=[owner.pk]), {"post": "yes"})
    assert response.status_code == 302
    left = list(AuditEvent.objects.filter(account_ref=ref).order_by("pk"))
    assert [e.kind for e in left] == [Kind.SIGNED_IN, Kind.ACCOUNT_DELETED]
    assert left[-1].detail == {"via": "admin"}
    assert all(e.account_id is None and e.ip is None and e.agent == "" for e in left)


@pytest.mark.parametrize(
    ("kind", "detail", "words"),
    [
        (Kind.SHARED_ENTRY_OPENED, {"written": "2026-12-03"}, "Gwen opened a journal entry you shared (written "),
        (Kind.SHARED_ENTRY_OPENED, {"written": "not a date"}, "Gwen opened a journal entry you shared"),
        (Kind.INTAKE_OPENED, {"retreat": "Slow days"}, "Gwen read your intake answers for Slow days"),
        (Kind.INTAKE_OPENED, {}, "Gwen read your intake answers"),
        (Kind.ARC_OPENED, {"retreat": "Slow days"}, "Gwen looked at the arc you shared from Slow days"),
        (Kind.ARC_OPENED, {"retreat": ""}, "Gwen looked at the arc you shared"),
    ],
)
def test_what_a_guide_opened_is_said_with_its_detail_or_without(
    owner: Any, guide: Any, kind: str, detail: dict[str, str], words: str
) -> None:
    event = AuditEvent(kind=kind, account=owner, actor=guide, detail=detail)
    said = audit.describe(event)
    assert said.startswith(words)
    assert said == words or words.endswith("(written ")
