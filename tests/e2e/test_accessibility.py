"""Every page, as each persona, at a phone's width and a desktop's, scanned by axe-core in Chromium.

axe-core is vendored for the tests only (tests/e2e/vendor/, see scripts/vendor.sh); Playwright adds
it to each page as an init script, which the DevTools protocol runs outside the page's
Content-Security-Policy, so the app's CSP is the production one. The test fails on any serious or
critical violation, and on the moderate rules issue 15 named (an h1 on every page, heading order,
content inside landmarks), with a message naming the rule, the element and the page.

The pages come from the URL patterns and the objects each persona can reach: a member with 30 days
of history (the demo member), a guide with a workbook, a group, a retreat and a workshop, a
participant in the guide's workshop, retreat and group who also practises in a pair with the
member, and someone signed out; the member's pages again in the dark colour scheme. The player,
the live pacer, the resonance check and a saved check-in are scanned in the states a person
reaches by using them, not only as first loaded.
"""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import django_json, sign_in

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = {"390x844": {"width": 390, "height": 844}, "1280x800": {"width": 1280, "height": 800}}
# Moderate rules that issue 15 names as defects; every serious and critical rule fails too.
NAMED_RULES = {"page-has-heading-one", "heading-order", "landmark-one-main", "region", "scrollable-region-focusable"}
PRACTICE = "six-breaths-a-minute"
REPORT = Path(__file__).resolve().parent / "screenshots" / "axe-report.json"

WORKBOOK_MD = """---
slug: a11y-evenings
title: Quiet evenings
summary: Two short evenings of slowing down.
guide: Gwen
chapters:
  - slug: arriving
    title: Arriving
---
Two small evenings. Take what helps and leave the rest.
"""

DAY_MD = """---
day: {n}
title: Evening {n}
chapter: arriving
minutes: 6
items:
  - reading
  - practice: hand-on-heart
  - prompt: When did you last feel at ease with someone? (evening {n})
    key: ease-{n}
---
Tonight's reading for evening {n}: *let the day settle* before anything else.
"""


def _workbook_zip() -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a11y-evenings/workbook.md", WORKBOOK_MD)
        for n in (1, 2):
            archive.writestr(f"a11y-evenings/days/day-0{n}.md", DAY_MD.format(n=n))
    return buffer.getvalue().hex()


def _world(server: Any) -> dict[str, Any]:
    """The demo member, a guide with everything a guide makes, and a participant in all of it."""
    server.manage("demo", "--days", "30")
    return dict(
        django_json(
            server,
            f"""
            import json, datetime as dt
            from datetime import timedelta
            from django.contrib.auth import get_user_model
            from django.utils import timezone
            from attune.web.checkins.models import CheckIn
            from attune.web.imports.models import Import
            from attune.web.journal import actions as journal
            from attune.web.journal.models import JournalEntry
            from attune.web.physio.models import Recording, ResonanceAssessment
            from attune.web.practices.library import current_library
            from attune.web.retreats import actions as retreats
            from attune.web.retreats.models import Answer, Application, Retreat, ScheduleItem
            from attune.web.rooms import actions as rooms
            from attune.web.rooms.plan import group_pacer
            from attune.web.workbooks import actions as workbooks
            from attune.web.workbooks.models import Enrolment, Workbook
            User = get_user_model()
            demo = User.objects.get(username="demo")
            guide, _ = User.objects.get_or_create(username="a11y-guide", defaults={{"email": "g@example.org"}})
            guide.is_guide = True
            guide.display_name = "Gwen"
            guide.save()
            pat, _ = User.objects.get_or_create(username="a11y-pat", defaults={{"email": "p@example.org"}})
            lib = current_library()

            version, _ = workbooks.upload_zip(guide, bytes.fromhex({_workbook_zip()!r}))
            cohort = workbooks.create_cohort(guide, version, "Autumn group", timezone.now().date() - timedelta(days=1))
            workbooks.join_cohort(pat, cohort)
            mine = workbooks.join_cohort(demo, cohort)
            entry = journal.write_entry(demo, title="After the walk", body="Shoulders *low*, breath slow.")
            journal.share_entry(entry, guide)

            start = dt.date.today() + dt.timedelta(days=20)
            retreat = Retreat.objects.create(guide=guide, title="Days by the water", description="Three quiet days.",
                place="The Old Mill\\nLakeside Road 4", starts_on=start, ends_on=start + dt.timedelta(days=2),
                timezone="Europe/Berlin", capacity=8, status="published")
            application = retreats.apply(pat, retreat, [Answer("touch", "Touch?", "yes")])
            retreats.accept(application)
            Application.objects.filter(pk=application.pk).update(arc_shared=True)
            item = ScheduleItem.objects.create(retreat=retreat, day=start + dt.timedelta(days=1),
                starts_at=dt.time(12, 30), duration_min=60, kind="meal", title="Lunch in the garden")
            now = timezone.now()
            done = Import.objects.create(owner=demo, original_name="export.zip", size_bytes=20_000,
                format="apple_health", state="done", created_at=now, finished_at=now, records_read=12, added=10,
                duplicates=2)
            failed = Import.objects.create(owner=demo, original_name="broken.fit", size_bytes=300, format="fit",
                state="failed", created_at=now, finished_at=now, error="broken.fit: not a FIT file (no header).")

            workshop = rooms.schedule_workshop(
                guide, [group_pacer(5), lib["around-the-circle"]], title="Breathing as a group",
                starts_at=timezone.now() + timedelta(minutes=30), duration_min=45, capacity=12)
            rooms.enrol(pat, workshop)
            pair = rooms.create_pair(demo, [lib["{PRACTICE}"]], "Breathing with Pat")
            rooms.join_pair(pat, pair.code)

            print(json.dumps({{
                "checkin": CheckIn.objects.filter(user=demo).latest("created_at").pk,
                "recording": Recording.objects.filter(user=demo).order_by("pk").first().pk,
                "assessment": ResonanceAssessment.objects.filter(user=demo).first().pk,
                "enrolment": Enrolment.objects.filter(user=demo).exclude(pk=mine.pk).first().pk,
                "builtin": Enrolment.objects.filter(user=demo).exclude(pk=mine.pk).first().workbook.slug,
                "cohort_enrolment": mine.pk,
                "entry": entry.pk,
                "cohort": cohort.pk, "token": cohort.invite_token, "workbook": version.workbook.slug,
                "retreat": retreat.pk, "application": application.pk, "item": item.pk,
                "import_done": str(done.pk), "import_failed": str(failed.pk),
                "workshop": workshop.pk, "workshop_room": workshop.room_id,
                "pair": pair.pk, "code": pair.code,
            }}))
            """,
        )
    )


def _pages(w: dict[str, Any]) -> dict[str, list[str]]:
    """Each persona's pages, from the URL patterns and what that persona can reach."""
    member = [
        "/", "/history/", "/what-helps/", "/reflection/", "/about/",
        "/accounts/settings/", "/accounts/settings/password/", "/accounts/settings/export/",
        "/accounts/settings/delete/", "/accounts/activity/",
        "/checkins/new/", f"/checkins/{w['checkin']}/", f"/checkins/{w['checkin']}/edit/",
        f"/checkins/{w['checkin']}/delete/",
        "/practices/", "/practices/pacer/", f"/practices/{PRACTICE}/",
        "/physio/recordings/", f"/physio/recordings/{w['recording']}/", "/physio/resonance/",
        f"/physio/resonance/{w['assessment']}/",
        "/live/", "/live/morning/",
        "/journal/", "/journal/new/", f"/journal/{w['entry']}/", f"/journal/{w['entry']}/edit/",
        f"/journal/{w['entry']}/delete/",
        "/workbooks/", f"/workbooks/{w['builtin']}/", f"/workbooks/following/{w['enrolment']}/",
        f"/workbooks/following/{w['enrolment']}/day/1/", f"/workbooks/following/{w['cohort_enrolment']}/",
        f"/workbooks/following/{w['cohort_enrolment']}/day/1/", f"/workbooks/following/{w['enrolment']}/print/",
        "/rooms/", "/rooms/join/", f"/rooms/{w['pair']}/", f"/rooms/workshops/{w['workshop']}/",
        "/imports/", "/imports/body/", f"/imports/{w['import_done']}/", f"/imports/{w['import_failed']}/",
        "/retreats/", f"/retreats/{w['retreat']}/", f"/retreats/{w['retreat']}/apply/",
    ]
    guide = [
        "/",  # a guide who has not checked in today: Today with the check-in form
        "/workbooks/guide/", "/workbooks/guide/upload/", f"/workbooks/guide/cohorts/{w['cohort']}/",
        f"/workbooks/{w['workbook']}/versions/", f"/workbooks/{w['workbook']}/edit/",
        f"/workbooks/{w['workbook']}/edit/workbook/", f"/workbooks/{w['workbook']}/edit/day/1/",
        f"/workbooks/{w['workbook']}/cohorts/new/", f"/workbooks/{w['workbook']}/",
        "/journal/shared/", f"/journal/shared/{w['entry']}/",
        "/retreats/guide/", "/retreats/guide/new/", f"/retreats/guide/{w['retreat']}/",
        f"/retreats/guide/{w['retreat']}/edit/", f"/retreats/guide/applications/{w['application']}/",
        f"/retreats/guide/{w['retreat']}/schedule/", f"/retreats/guide/{w['retreat']}/schedule/{w['item']}/",
        f"/retreats/guide/{w['retreat']}/group/", f"/retreats/guide/applications/{w['application']}/arc/",
        "/rooms/workshops/new/", f"/rooms/workshops/{w['workshop']}/", f"/rooms/{w['workshop_room']}/",
        f"/rooms/{w['workshop_room']}/projector/",
    ]
    participant = [
        "/", f"/rooms/{w['pair']}/", f"/rooms/workshops/{w['workshop']}/", f"/rooms/{w['workshop_room']}/",
        f"/retreats/{w['retreat']}/mine/", f"/retreats/{w['retreat']}/schedule/", f"/retreats/{w['retreat']}/today/",
        f"/retreats/{w['retreat']}/arc/", f"/workbooks/join/{w['token']}/",
    ]
    anonymous = [
        "/", "/about/", "/accounts/login/", "/accounts/signup/", "/accounts/password-reset/",
        "/accounts/password-reset/sent/", "/accounts/password-reset/done/", f"/rooms/j/{w['code']}/",
        "/accounts/password-reset/MQ/expired-0123456789abcdef/",  # a link that no longer works
    ]
    return {"member": member, "guide": guide, "participant": participant, "anonymous": anonymous}


class Scanner:
    """Runs axe on the page at each width and keeps every violation, with where it was found."""

    def __init__(self) -> None:
        self.scans = 0
        self.found: list[dict[str, Any]] = []

    def scan(self, page: Any, persona: str, label: str, widths: tuple[str, ...] = tuple(WIDTHS)) -> None:
        for width in widths:
            viewport = WIDTHS[width]
            page.set_viewport_size(viewport)
            page.wait_for_timeout(50)  # let resize handlers and media queries settle
            violations = page.evaluate(
                """async () => {
                  const r = await axe.run(document, {resultTypes: ['violations']});
                  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
                }"""
            )
            self.scans += 1
            for v in violations:
                self.found.append({**v, "persona": persona, "page": label, "width": width})
        self.save()

    def save(self) -> None:
        """Every violation found, serious or not, for a person to read (tests/e2e/screenshots/ is not in git)."""
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text(json.dumps({"scans": self.scans, "violations": self.found}, indent=1))

    def blocking(self) -> list[dict[str, Any]]:
        return [v for v in self.found if v["impact"] in ("serious", "critical") or v["id"] in NAMED_RULES]

    def report(self, violations: list[dict[str, Any]]) -> str:
        lines = []
        for v in violations:
            for n in v["nodes"][:3]:
                summary = " ".join(n["summary"].split())[:220]
                lines.append(f"{v['impact']:8} {v['id']} on {v['page']} ({v['persona']}, {v['width']}): "
                             f"{n['target']}: {summary}")
            if len(v["nodes"]) > 3:
                lines.append(f"         ... and {len(v['nodes']) - 3} more {v['id']} on {v['page']}")
        return "\n".join(lines)


@pytest.fixture(scope="module")
def world(server: Any) -> dict[str, Any]:
    return _world(server)


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner()


def _context(browser: Any, server: Any, username: str | None, color_scheme: str = "light") -> Any:
    ctx = browser.new_context(viewport=WIDTHS["390x844"], device_scale_factor=1, color_scheme=color_scheme)
    ctx.add_init_script(path=str(AXE))
    ctx.set_default_timeout(10_000)
    if username:
        sign_in(server, ctx, username)
    return ctx


def _visit(page: Any, server: Any, path: str) -> None:
    response = page.goto(server.url + path)
    assert response is not None and response.ok, f"{path} answered {response and response.status}"
    page.wait_for_load_state("load")


@pytest.fixture
def persona(browser: Any, server: Any) -> Iterator[Callable[[str | None], Any]]:
    made: list[Any] = []

    def open_as(username: str | None, color_scheme: str = "light") -> Any:
        ctx = _context(browser, server, username, color_scheme)
        made.append(ctx)
        return ctx.new_page()

    yield open_as
    for ctx in made:
        ctx.close()


USERS = {"member": "demo", "guide": "a11y-guide", "participant": "a11y-pat", "anonymous": None}


@pytest.mark.parametrize("who", list(USERS))
def test_every_page_a_persona_reaches_is_clean(server: Any, world: dict[str, Any], scanner: Scanner,
                                              persona: Any, who: str) -> None:
    page = persona(USERS[who])
    paths = _pages(world)[who]
    for path in paths:
        _visit(page, server, path)
        scanner.scan(page, who, path)
    if who == "anonymous":
        # Error pages: a page that does not exist, and a form posted without its CSRF token.
        response = page.goto(server.url + "/no-such-page/")
        assert response is not None and response.status == 404
        scanner.scan(page, who, "404 /no-such-page/")
        _visit(page, server, "/accounts/login/")
        with page.expect_navigation():
            page.evaluate("() => { const f = document.querySelector('main form'); "
                          "f.querySelector('[name=csrfmiddlewaretoken]').remove(); f.submit(); }")
        scanner.scan(page, who, "403 CSRF on /accounts/login/")
    blocking = [v for v in scanner.blocking() if v["persona"] == who]
    print(f"{who}: {len(paths)} pages, {scanner.scans} scans so far, "
          f"{len(blocking)} blocking and {len([v for v in scanner.found if v['persona'] == who])} violations in all")
    assert not blocking, "axe-core found:\n" + scanner.report(blocking)


def test_every_page_a_member_reaches_is_clean_in_the_dark_scheme(server: Any, world: dict[str, Any],
                                                                 scanner: Scanner, persona: Any) -> None:
    """attune follows the system's dark scheme; at a phone's width, every member page meets the same bar."""
    page = persona("demo", "dark")
    seen = len(scanner.found)
    paths = _pages(world)["member"]
    for path in paths:
        _visit(page, server, path)
        if path == "/":
            dark = page.evaluate("""() => {
              const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number);
              return matchMedia('(prefers-color-scheme: dark)').matches && r + g + b < 200;
            }""")
            assert dark, "the pages are not in the dark scheme"
        scanner.scan(page, "member (dark)", path, widths=("390x844",))
    blocking = [v for v in scanner.blocking() if v in scanner.found[seen:]]
    print(f"dark: {len(paths)} pages, {len(blocking)} blocking")
    assert not blocking, "axe-core found:\n" + scanner.report(blocking)


def _chip(page: Any, name: str, value: str) -> None:
    page.locator(f"label.chip:has(input[name='{name}'][value='{value}'])").first.click()


def test_the_states_a_member_reaches_by_using_the_app_are_clean(server: Any, world: dict[str, Any],
                                                              scanner: Scanner, persona: Any) -> None:
    before, seen = scanner.scans, len(scanner.found)
    page = persona("demo")
    # A check-in sent with nothing chosen: the form with its error summary.
    _visit(page, server, "/checkins/new/")
    page.get_by_role("button", name=re.compile("^Save")).first.click()
    page.locator("#checkin-errors").wait_for()
    scanner.scan(page, "member", "check-in with errors")
    # A check-in saved: Today with the suggestion.
    _visit(page, server, "/checkins/new/")
    for name, value in (("state", "activated"), ("felt_safety", "4"), ("breath", "2"), ("muscles", "2"),
                        ("attention", "2"), ("felt_connection", "3")):
        _chip(page, name, value)
    page.get_by_role("button", name=re.compile("^Save")).first.click()
    page.wait_for_selector("#suggestion")
    scanner.scan(page, "member", "Today after a check-in")

    # The player: before, running, after, done (on a fast clock).
    page.clock.install()
    _visit(page, server, f"/practices/{PRACTICE}/play/")
    scanner.scan(page, "member", "player: before")
    page.locator("#before [data-action=save]").click()
    page.wait_for_selector("#run:not([hidden])")
    page.clock.run_for(30_000)
    scanner.scan(page, "member", "player: running")
    for _ in range(40):
        if page.locator("#after:not([hidden])").count():
            break
        page.clock.run_for(30_000)
    page.wait_for_selector("#after:not([hidden])")
    scanner.scan(page, "member", "player: after")
    page.locator("#after [data-action=save]").click()
    page.wait_for_selector("#done:not([hidden])")
    scanner.scan(page, "member", "player: done")

    # The breathing pacer running.
    _visit(page, server, "/practices/pacer/")
    page.locator("#btn-start").click()
    page.clock.run_for(10_000)
    scanner.scan(page, "member", "pacer: running")

    # The morning reading, the live pacer with the demo strap, and the resonance check running.
    _visit(page, server, "/live/morning/")
    page.get_by_role("button", name="Try the demo strap").click()
    page.locator("#live[data-state='session']").wait_for()
    page.clock.run_for(20_000)
    page.wait_for_timeout(300)
    scanner.scan(page, "member", "morning reading: running")
    _visit(page, server, "/live/")
    page.get_by_role("button", name="Try the demo strap").click()
    page.clock.run_for(20_000)
    page.wait_for_timeout(300)
    scanner.scan(page, "member", "live: demo strap running")
    _visit(page, server, "/live/resonance/")
    scanner.scan(page, "member", "resonance: before")
    page.get_by_role("button", name="Try the demo strap").click()
    page.locator("#live[data-state='run']").wait_for()
    page.clock.run_for(20_000)
    page.wait_for_timeout(300)
    scanner.scan(page, "member", "resonance: running")

    blocking = [v for v in scanner.blocking() if v in scanner.found[seen:]]
    print(f"states: {scanner.scans - before} scans, {len(blocking)} blocking")
    assert not blocking, "axe-core found:\n" + scanner.report(blocking)


def test_a_workshop_under_way_is_clean_for_the_guide_and_a_participant(server: Any, world: dict[str, Any],
                                                                      scanner: Scanner, persona: Any) -> None:
    seen = len(scanner.found)
    guide, participant = persona("a11y-guide"), persona("a11y-pat")
    room = f"/rooms/{world['workshop_room']}/"
    _visit(guide, server, room)
    _visit(participant, server, room)
    guide.get_by_role("button", name="Begin the workshop").click()
    for page in (guide, participant):
        page.locator("#pacer-box:not([hidden])").wait_for()
    scanner.scan(guide, "guide", "workshop console: under way")
    scanner.scan(participant, "participant", "workshop: under way")
    blocking = [v for v in scanner.blocking() if v in scanner.found[seen:]]
    assert not blocking, "axe-core found:\n" + scanner.report(blocking)


def test_the_skip_link_is_the_first_tab_stop_and_leads_to_the_check_in(server: Any, persona: Any) -> None:
    page = persona("a11y-keys")  # no check-in today: Today opens with the form
    for path in ("/checkins/new/", "/"):
        for viewport in WIDTHS.values():
            page.set_viewport_size(viewport)
            _visit(page, server, path)
            page.keyboard.press("Tab")
            first = page.evaluate("() => [document.activeElement.className, document.activeElement.textContent.trim()]")
            assert first == ["skip", "Skip to content"], f"first tab stop on {path}: {first}"
            assert page.locator("a.skip").is_visible(), "the skip link shows when focused"
            page.keyboard.press("Enter")
            page.keyboard.press("Tab")
            inside = page.evaluate("() => !!document.activeElement.closest('form.checkin')")
            where = page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")
            assert inside, f"after the skip link, the next tab stop on {path} is {where}"


def test_saving_a_check_in_moves_focus_to_what_it_brought(server: Any, persona: Any) -> None:
    page = persona("a11y-focus")
    _visit(page, server, "/checkins/new/")
    for name, value in (("state", "settled"), ("felt_safety", "7"), ("breath", "4"), ("muscles", "4"),
                        ("attention", "4"), ("felt_connection", "6")):
        _chip(page, name, value)
    page.get_by_role("button", name=re.compile("^Save")).first.click()
    page.wait_for_selector("#suggestion")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # autofocus runs at the first rendering update after load
    focused = page.evaluate("() => document.activeElement === document.body ? 'the page body' "
                            ": `${document.activeElement.localName}#${document.activeElement.id}`")
    assert focused == "section#suggestion", f"after saving a check-in, focus is on {focused}"
    assert page.locator("#suggestion").is_visible()
    assert page.evaluate("() => { const r = document.activeElement.getBoundingClientRect(); "
                         "return r.top >= 0 && r.top < innerHeight; }"), "the focused result is in view"

