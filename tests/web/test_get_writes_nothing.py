"""A GET reads: every GET URL, as every persona, leaves every table exactly as it was.

Two documented exceptions (docs/architecture.md): a guide opening something a member shared with
them (a journal entry, the list of shared entries, intake answers) adds audit events, so that the
member can see it. The audit table is compared separately: a GET may only append events of those
kinds, by the guide who asked, about the member whose things were opened; nothing else changes.
And a signed-in member's own session has its expiry moved forward at most once a minute (the idle
timeout, attune.web.accounts.sessions): the session table is compared separately too, and a GET
may change only the asking member's own row, only its expiry and the time of that refresh.

The URLs are not listed by hand: they come from the URL resolver, so a new page is covered (or
this test fails for want of arguments for it). Each table is compared by row count and by a
checksum of all its rows, before and after each request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from attune.web.accounts.models import MemberSession
from attune.web.accounts.sessions import SEEN_KEY
from attune.web.audit.models import OPENED_KINDS, AuditEvent
from attune.web.imports.models import Import
from attune.web.journal import actions as journal_actions
from attune.web.physio import actions as physio_actions
from attune.web.physio.models import Recording, ResonanceAssessment
from attune.web.retreats import actions as retreats_actions
from attune.web.retreats import days as retreat_days
from attune.web.retreats.models import ScheduleItem
from attune.web.rooms import actions as rooms_actions
from attune.web.workbooks import actions as workbook_actions
from attune.web.workbooks.models import Cohort, Enrolment
from tests.web import room_helpers
from tests.web.journal_helpers import cohort_led_by, journal_keys  # noqa: F401  (fixture)
from tests.web.retreat_helpers import applied, retreat_led_by

pytestmark = pytest.mark.usefixtures("journal_keys")

# URL names that have no GET: POST-only endpoints answer 405 and are still walked (they must not
# write either); the admin's catch-all and view-on-site redirect are left to Django.
SKIP = {"admin:view_on_site", "admin:None"}


def _names(patterns: list[Any], namespace: str = "") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            found += _names(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern):
            found.append((f"{namespace}:{p.name}", p.pattern))
    return found


AUDIT_TABLE = AuditEvent._meta.db_table
SESSION_TABLE = MemberSession._meta.db_table
SKIPPED = frozenset({AUDIT_TABLE, SESSION_TABLE})
#: What a session refresh may change in the session's data: when it happened, and the expiry.
REFRESHED = {SEEN_KEY, "_session_expiry"}


def _sessions() -> dict[str, tuple[dict[str, Any], dt.datetime]]:
    return {s.session_key: (s.get_decoded(), s.expire_date) for s in MemberSession.objects.all()}


def _check_sessions(before: dict[str, Any], after: dict[str, Any], own_key: str | None, what: str) -> bool:
    """Only the asker's own session may change, and only by a refresh; True if it was refreshed."""
    assert set(after) == set(before), f"{what} added or removed a session"
    refreshed = False
    for key, (data, expires) in after.items():
        old_data, old_expires = before[key]
        if (data, expires) == (old_data, old_expires):
            continue
        assert key == own_key, f"{what} changed someone else's session"
        strip = lambda d: {k: v for k, v in d.items() if k not in REFRESHED}  # noqa: E731
        assert strip(data) == strip(old_data), f"{what} changed its session beyond a refresh"
        assert expires >= old_expires and data[SEEN_KEY] > old_data.get(SEEN_KEY, 0), f"{what} moved an expiry back"
        refreshed = True
    return refreshed


def _snapshot(*, skip: frozenset[str] = frozenset()) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row, for every table attune's models use (but ``skip``)."""
    state: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in skip:
                continue
            columns = ", ".join(connection.ops.quote_name(f.column) for f in model._meta.concrete_fields)
            cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(table)} ORDER BY 1")  # noqa: S608
            rows = cursor.fetchall()
            digest = hashlib.sha256(
                repr([tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows]).encode()
            )
            state[table] = (len(rows), digest.hexdigest())
    return state


@pytest.fixture
def world(db: None, owner: Any, other: Any, guide: Any, settings: Any) -> dict[str, Any]:
    """The demo member's whole history, a cohort led by the guide, and objects for every URL."""
    call_command("demo", days=14, verbosity=0)
    from django.contrib.auth import get_user_model

    demo = get_user_model().objects.get(username="demo")
    cohort = cohort_led_by(guide, demo)
    entry = journal_actions.write_entry(demo, body="A quiet morning.")
    journal_actions.share_entry(entry, guide)
    recording = Recording.objects.filter(user=demo).first()
    stale = physio_actions.start_recording(demo)
    Recording.objects.filter(pk=stale.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assessment = ResonanceAssessment.objects.filter(user=demo).first()
    enrolment = Enrolment.objects.filter(user=demo).first()
    assert recording is not None and assessment is not None and enrolment is not None
    imported = Import.objects.create(
        owner=demo, original_name="sleepmodel.csv", size_bytes=10, format="oura", created_at=dt.datetime.now(dt.UTC)
    )
    admin = get_user_model().objects.create_superuser("root", "root@example.invalid", "a long admin password")
    pair = room_helpers.pair_room(demo, other, with_hug=True)
    workshop = room_helpers.workshop(guide)
    rooms_actions.enrol(demo, workshop)
    retreat = retreat_led_by(guide)
    application = retreats_actions.accept(applied(demo, retreat))
    item = retreat_days.save_item(
        ScheduleItem(retreat=retreat, day=retreat.starts_on, starts_at=dt.time(9), kind="meal", title="Breakfast")
    )
    word = retreat_days.ask_for_a_word(application, "a word")
    feed_token = retreat_days.new_feed_link(application)
    return {
        "demo": demo,
        "admin": admin,
        "args": {
            "checkins:": {"pk": demo.checkins.first().pk},
            "practices:session_finish": {"pk": demo.practice_sessions.first().pk},
            "practices:": {"slug": "hand-on-heart"},
            "physio:resonance": {"pk": assessment.pk},
            "physio:": {"pk": recording.pk},
            "imports:": {"pk": imported.pk},
            "journal:shared_entry": {"pk": entry.pk},
            "journal:": {"pk": entry.pk},
            "workbooks:cohort": {"pk": cohort.pk},
            "workbooks:join": {"token": Cohort.objects.get(pk=cohort.pk).invite_token},
            "workbooks:day": {"pk": enrolment.pk, "day": 1},
            "workbooks:item_done": {"pk": enrolment.pk, "day": 1, "index": 0},
            "workbooks:practice": {"pk": enrolment.pk, "day": 1, "index": 0},
            "workbooks:complete": {"pk": enrolment.pk, "day": 1},
            "workbooks:following": {"pk": enrolment.pk},
            "workbooks:progress": {"pk": enrolment.pk},
            "workbooks:print": {"pk": enrolment.pk},
            "workbooks:edit_day": {"slug": cohort.version.workbook.slug, "day": 1},  # and its preview (POST only)
            "workbooks:": {"slug": cohort.version.workbook.slug},
            "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
            "accounts:two_step_passkey_remove": {"pk": 1},
            "accounts:email_confirm": {"token": "not-a-real-token"},
            "rooms:join_link": {"code": pair.code},
            "rooms:workshop": {"pk": workshop.pk},
            "rooms:enrol": {"pk": workshop.pk},
            "rooms:cancel": {"pk": workshop.pk},
            "rooms:projector": {"pk": workshop.room_id},
            "rooms:": {"pk": pair.pk},
            "retreats:application": {"pk": application.pk},
            "retreats:decide": {"pk": application.pk},
            "retreats:payment": {"pk": application.pk},
            "retreats:shared_arc": {"pk": application.pk},
            "retreats:item_": {"pk": retreat.pk, "item": item.pk},
            "retreats:word_seen": {"pk": retreat.pk, "word": word.pk},
            "retreats:feed": {"token": feed_token},
            "retreats:": {"pk": retreat.pk, "qid": retreat.questions.get().pk},
            "admin:": {"object_id": str(demo.pk), "id": str(demo.pk), "app_label": "accounts"},
        },
    }


def _url(name: str, pattern: Any, args: dict[str, dict[str, Any]]) -> str:
    wanted = set(getattr(pattern, "converters", {})) or set(pattern.regex.groupindex)
    if not wanted:
        return reverse(name)
    # The most specific prefix of the name that has arguments for it.
    for prefix in sorted((k for k in args if name.startswith(k)), key=len, reverse=True):
        kwargs = {k: v for k, v in args[prefix].items() if k in wanted}
        if set(kwargs) == wanted:
            return reverse(name, kwargs=kwargs)
    raise AssertionError(f"test_get_writes_nothing needs arguments {sorted(wanted)} for the URL {name}")


def test_no_get_writes_to_the_database_for_any_persona(
    world: dict[str, Any], owner: Any, other: Any, guide: Any
) -> None:
    personas: dict[str, Client] = {"anonymous": Client()}
    for label, user in (("owner", world["demo"]), ("outsider", other), ("guide", guide), ("admin", world["admin"])):
        client = Client()
        client.force_login(user)
        personas[label] = client
    urls = [
        _url(name, pattern, world["args"])
        for name, pattern in _names(get_resolver().url_patterns)
        if name not in SKIP and not name.endswith(":None")
    ]
    assert len(urls) > 60  # every page of the app, not a sample
    walked = 0
    started = time.monotonic()
    audited: set[str] = set()
    refreshes = 0
    users = {"owner": world["demo"], "outsider": other, "guide": guide, "admin": world["admin"]}
    for label, client in personas.items():
        for url in urls:
            before = _snapshot(skip=SKIPPED)
            sessions_before = _sessions()
            events_before = list(AuditEvent.objects.order_by("pk").values_list("pk", "kind", "account_id", "actor_id"))
            last_pk = events_before[-1][0] if events_before else 0
            response = client.get(url)
            assert response.status_code < 500, f"{label} GET {url} -> {response.status_code}"
            changed = [t for t, v in _snapshot(skip=SKIPPED).items() if before[t] != v]
            assert not changed, f"{label} GET {url} wrote to {changed}"
            own_key = client.cookies["sessionid"].value if "sessionid" in client.cookies else None
            refreshes += _check_sessions(sessions_before, _sessions(), own_key, f"{label} GET {url}")
            # The audit exception: earlier events untouched; new ones only a guide's reading.
            events_after = list(AuditEvent.objects.order_by("pk").values_list("pk", "kind", "account_id", "actor_id"))
            assert events_after[: len(events_before)] == events_before, f"{label} GET {url} changed audit events"
            for _pk, kind, account_id, actor_id in events_after[len(events_before) :]:
                assert _pk > last_pk
                assert kind in OPENED_KINDS, f"{label} GET {url} wrote an audit event {kind!r}"
                assert label == "guide" and actor_id == users[label].pk, f"{label} GET {url} audited as a guide"
                assert account_id == world["demo"].pk
                audited.add(url)
            walked += 1
    assert walked == len(urls) * len(personas)
    # At most one refresh a minute for each signed-in persona, however many pages it walked.
    assert refreshes <= 4 * (1 + int(time.monotonic() - started) // 60)
    # The three readings are audited (and nothing else is, by the loop above).
    assert sorted(audited) == sorted(
        [
            reverse("journal:shared"),
            reverse("journal:shared_entry", kwargs=world["args"]["journal:shared_entry"]),
            reverse("retreats:application", kwargs=world["args"]["retreats:application"]),
        ]
    )


def test_the_walk_would_notice_a_write(world: dict[str, Any]) -> None:
    before = _snapshot()
    workbook_actions.touch(Enrolment.objects.filter(user=world["demo"]).first())
    assert any(before[t] != v for t, v in _snapshot().items())


def test_the_session_check_would_notice_more_than_a_refresh(owner: Any, other: Any) -> None:
    mine, theirs = Client(), Client()
    mine.force_login(owner)
    theirs.force_login(other)
    own_key = mine.session.session_key
    before = _sessions()
    session = theirs.session
    session[SEEN_KEY] = session[SEEN_KEY] + 60
    session.save()
    with pytest.raises(AssertionError, match="someone else's session"):
        _check_sessions(before, _sessions(), own_key, "test")
    before = _sessions()
    session = mine.session
    session["anything"] = "else"
    session.save()
    with pytest.raises(AssertionError, match="beyond a refresh"):
        _check_sessions(before, _sessions(), own_key, "test")
