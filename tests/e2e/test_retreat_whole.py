"""A whole retreat in the browser, on a server whose clock the test moves (ATTUNE_TEST_CLOCK_FILE).

A guide plans it; three members apply and one is waitlisted; a member steps back and the waitlisted
one takes the freed place; the preparation workbook's first day opens at each member's own midnight
(Bogotá, UTC-5, and Brisbane, UTC+10); a practice runs as a shared room; daily check-ins; the
integration workbook opens the day after departure; the one-week follow-up arrives; the export
holds intake and arc; deleting the account removes both.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import Server
from helpers import django_json, shot, sign_in
from test_pair_practice import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

BERLIN, BOGOTA, BRISBANE = (zoneinfo.ZoneInfo(z) for z in ("Europe/Berlin", "America/Bogota", "Australia/Brisbane"))
SAFETY = "Old whiplash; I'd rather not lie on my back for long."


class Clock:
    """The server's clock: real time plus the offset written in a file the server reads."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def move_to(self, moment: dt.datetime) -> None:
        offset = (moment - dt.datetime.now(dt.UTC)).total_seconds()
        self.path.write_text(f"{offset:.3f}")


@pytest.fixture(scope="module")
def clocked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Clock]]:
    data = tmp_path_factory.mktemp("attune-e2e-clock")
    clock_file = data / "clock-offset"
    clock_file.write_text("0")
    server = Server(data, extra_env={"ATTUNE_TEST_CLOCK_FILE": str(clock_file)})
    try:
        yield server, Clock(clock_file)
    finally:
        server.stop()


def _users(server: Server) -> dict[str, Any]:
    return dict(
        django_json(
            server,
            """
            import json
            from django.contrib.auth import get_user_model
            from attune.web.workbooks.models import Workbook
            User = get_user_model()
            User.objects.filter(username="w-guide").update(is_guide=True, display_name="Gwen")
            for name, zone in (("west", "America/Bogota"), ("east", "Australia/Brisbane"), ("third", "UTC")):
                User.objects.filter(username=name).update(timezone=zone)
            print(json.dumps({"workbook": Workbook.objects.get(slug="coming-home-to-safety").pk}))
            """,
        )
    )


def _application(server: Server, username: str) -> dict[str, Any]:
    return dict(
        django_json(
            server,
            f"""
            import json
            from attune.web.retreats.models import Application, Retreat
            from attune.web.workbooks.models import Enrolment
            a = Application.objects.filter(user__username={username!r}).select_related("retreat").first()
            r = a.retreat
            def enrolment(cohort_id):
                e = Enrolment.objects.filter(user__username={username!r}, cohort_id=cohort_id).first()
                return e.pk if e else None
            print(json.dumps({{"pk": a.pk, "state": a.state, "retreat": r.pk,
                "prep": enrolment(r.preparation_cohort_id), "after": enrolment(r.integration_cohort_id),
                "prep_start": str(r.preparation_cohort.start_date) if r.preparation_cohort else None}}))
            """,
        )
    )


def _day_one_open(page: Any, server: Server, enrolment: int) -> bool:
    page.goto(f"{server.url}/workbooks/following/{enrolment}/day/1/")
    return "opens for the group on" not in page.inner_text("main")


def _check_in(page: Any, server: Server, pk: int, state: str, safety: int) -> None:
    page.goto(f"{server.url}/retreats/{pk}/today/")
    page.locator("label.chip", has_text=state).click()
    page.locator("fieldset", has_text="Felt safety").locator("label.chip", has_text=str(safety)).first.click()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Thank you. It's in your arc.").wait_for()


def test_a_whole_retreat_on_a_moving_clock(clocked: tuple[Server, Clock], browser: Any) -> None:
    server, clock = clocked
    names = ("w-guide", "west", "east", "third")
    contexts = {
        n: browser.new_context(
            viewport=DESKTOP if n == "w-guide" else PHONE, **({} if n == "w-guide" else {"is_mobile": True})
        )
        for n in names
    }

    def signed_in() -> dict[str, Any]:
        """Sign everyone in afresh (after the clock moves, old sessions may have run out)."""
        for n, ctx in contexts.items():
            ctx.clear_cookies()
            sign_in(server, ctx, n)
        return pages

    pages = {n: ctx.new_page() for n, ctx in contexts.items()}
    for p in pages.values():
        p.set_default_timeout(15_000)
    try:
        signed_in()
        workbook = _users(server)["workbook"]
        guide, west, east, third = (pages[n] for n in names)
        arrival = (dt.datetime.now(BERLIN) + dt.timedelta(days=40)).date()
        departure = arrival + dt.timedelta(days=2)

        # The guide plans the retreat: two places, preparation and integration workbooks.
        guide.goto(f"{server.url}/retreats/guide/new/")
        guide.fill("#id_title", "Three days of coming home")
        guide.fill("#id_description", "Slowing down together.")
        guide.fill("#id_place", "The Old Mill\nLakeside Road 4")
        guide.fill("#id_starts_on", arrival.isoformat())
        guide.fill("#id_ends_on", departure.isoformat())
        guide.select_option("#id_timezone", "Europe/Berlin")
        guide.fill("#id_capacity", "2")
        guide.select_option("#id_preparation", str(workbook))
        guide.select_option("#id_integration", str(workbook))
        guide.select_option("#id_status", "published")
        guide.get_by_role("button", name="Save").click()
        guide.get_by_role("heading", name="Three days of coming home").wait_for()

        # Three members apply on their phones.
        for page, touch in ((west, "Yes, invite me."), (east, "No, I'd rather"), (third, "No, I'd rather")):
            page.goto(f"{server.url}/retreats/")
            page.get_by_role("link", name="Three days of coming home").click()
            page.get_by_role("link", name="Apply").click()
            if page is west:
                page.get_by_label("Is there anything your guide should know to keep you safe?").fill(SAFETY)
            page.get_by_label(touch).check()
            page.get_by_role("button", name="Send my application").click()
            page.get_by_text("Waiting for the guide").wait_for()

        # Two places: west and third are accepted, east goes on the waitlist.
        for name, decision in (("west", "Accept"), ("third", "Accept"), ("east", "Waitlist")):
            guide.goto(f"{server.url}/retreats/guide/applications/{_application(server, name)['pk']}/")
            guide.get_by_role("button", name=decision, exact=True).click()
            guide.get_by_text("Done.").wait_for()
        assert _application(server, "east")["state"] == "waitlisted"
        shot(guide, "retreat-whole-waitlisted-desktop")
        guide.set_viewport_size(PHONE)
        shot(guide, "retreat-whole-application-phone")
        guide.set_viewport_size(DESKTOP)

        # Third steps back: the freed place is offered to east, who takes it.
        third.goto(f"{server.url}/retreats/{_application(server, 'third')['retreat']}/mine/")
        third.get_by_role("button", name="Step back from this retreat").click()
        east.goto(f"{server.url}/retreats/{_application(server, 'east')['retreat']}/mine/")
        east.get_by_role("button", name="Take the place").click()
        east.get_by_text("Given a place", exact=True).wait_for()
        w, e = _application(server, "west"), _application(server, "east")
        pk = w["retreat"]
        assert w["prep"] and e["prep"] and w["after"] and e["after"]
        prep_start = dt.date.fromisoformat(w["prep_start"])

        # The preparation's first day opens at each member's own midnight.
        clock.move_to(dt.datetime.combine(prep_start, dt.time(6), tzinfo=BRISBANE))  # still yesterday in Bogotá
        signed_in()
        assert _day_one_open(east, server, e["prep"])
        assert not _day_one_open(west, server, w["prep"])
        clock.move_to(dt.datetime.combine(prep_start, dt.time(0, 30), tzinfo=BOGOTA))
        signed_in()
        assert _day_one_open(west, server, w["prep"])

        # The guide adds a shared practice on day 1; everyone with a place is seated in its room.
        guide.goto(f"{server.url}/retreats/guide/{pk}/schedule/")
        guide.fill("#id_starts_at", "09:00")
        guide.fill("#id_duration_min", "30")
        guide.select_option("#id_kind", "practice")
        guide.fill("#id_title", "Morning together")
        guide.select_option("#id_practice", index=1)
        guide.get_by_role("button", name="Add", exact=True).click()
        guide.get_by_text("Added: Morning together.").wait_for()
        guide.goto(f"{server.url}/retreats/guide/")
        overview = guide.inner_text("main")
        assert "Intake answered\n2 of 2 with a place" in overview
        assert "Schedule changes not yet told\n1" in overview
        shot(guide, "retreat-whole-overview-desktop")
        guide.set_viewport_size(PHONE)
        shot(guide, "retreat-whole-overview-phone")
        guide.set_viewport_size(DESKTOP)

        # Day 1 at the venue: the practice runs as a room; both check in.
        clock.move_to(dt.datetime.combine(arrival, dt.time(8), tzinfo=BERLIN))
        signed_in()
        west.goto(f"{server.url}/retreats/{pk}/today/")
        west.get_by_text("Day 1 of 3").wait_for()
        west.get_by_role("link", name="Open the shared room").click()
        west.get_by_role("heading", name="Morning together").wait_for()
        _check_in(west, server, pk, "Settled", 6)
        _check_in(east, server, pk, "Activated", 4)
        shot(west, "retreat-whole-today-phone")
        west.set_viewport_size(DESKTOP)
        shot(west, "retreat-whole-today-desktop")
        west.set_viewport_size(PHONE)
        guide.goto(f"{server.url}/retreats/guide/{pk}/group/")
        assert "2 answered so far; shown once 5 have." in guide.inner_text("main")

        # The day after departure, the integration workbook opens.
        clock.move_to(dt.datetime.combine(departure + dt.timedelta(days=1), dt.time(7), tzinfo=BOGOTA))
        signed_in()
        assert _day_one_open(west, server, w["after"])

        # A week after: the follow-up invitation goes out once, and west answers it.
        clock.move_to(dt.datetime.combine(departure + dt.timedelta(days=7), dt.time(12), tzinfo=BOGOTA))
        signed_in()
        sent = django_json(
            server,
            """
            import json
            from attune.web.retreats.tasks import follow_ups_job
            print(json.dumps([follow_ups_job.call_local(), follow_ups_job.call_local()]))
            """,
        )
        assert sent == [2, 0]  # west and east, once each
        log = Path(server.log.name)
        deadline = time.monotonic() + 20
        while log.read_text().count("A week after Three days of coming home") < 2 and time.monotonic() < deadline:
            time.sleep(0.3)
        assert log.read_text().count("A week after Three days of coming home") == 2  # sent by the worker
        _check_in(west, server, pk, "Settled", 8)
        west.goto(f"{server.url}/retreats/{pk}/arc/")
        west.get_by_text("1 week after").wait_for()
        shot(west, "retreat-whole-arc-phone")

        # The export holds intake and arc; deleting the account removes both.
        exported = django_json(
            server,
            """
            import json
            from django.contrib.auth import get_user_model
            from attune.web.accounts.export import collect_member_data
            tables = collect_member_data(get_user_model().objects.get(username="west"))
            print(json.dumps({k: v for k, v in tables.items() if k.startswith("retreat")}, default=str))
            """,
        )
        answers = exported["retreat_applications"][0]["answers"]
        assert any(a["answer"] == SAFETY for a in answers)
        assert [c["felt_safety"] for c in exported["retreat_checkins"]] == [6, 8]
        left = django_json(
            server,
            """
            import json
            from django.contrib.auth import get_user_model
            from attune.web.accounts.actions import delete_account
            from attune.web.retreats.models import Application, RetreatCheckIn
            delete_account(get_user_model().objects.get(username="west"))
            print(json.dumps([Application.objects.filter(user__username="west").count(),
                              RetreatCheckIn.objects.filter(application__user__username="west").count()]))
            """,
        )
        assert left == [0, 0]
    finally:
        clock.path.write_text("0")
        for ctx in contexts.values():
            ctx.close()
