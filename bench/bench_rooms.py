"""Load test of rooms on loopback: one workshop of 300 and 100 pairs, every screen on a websocket.

    python bench/bench_rooms.py                 # both modes below
    python bench/bench_rooms.py --mode redis    # two `attune serve` processes, PostgreSQL (a fresh database) and Redis
    python bench/bench_rooms.py --mode sqlite   # one process, SQLite and the in-memory channel layer
    python bench/bench_rooms.py --participants 50 --pairs 10 --changes 5
    python bench/bench_rooms.py --rounds 3      # redis, sqlite, redis, sqlite, ... interleaved

For each mode it starts a real server on a free loopback port, makes the people, one workshop
with them all in it and the pair rooms through Django in the server's data directory, signs
everyone in with Django's SessionStore, and opens one websocket per screen (the guide, every
participant, both partners of every pair) on uvloop, `--connect-rate` a second. Then the guide
changes the workshop's step (start, then pause and resume in turn) every 1.5 s, and each pair's
host does the same every 3 s, all at once. It measures:

- join: from opening a websocket to its ``welcome`` (the room's state and the server's clock);
- step change: from the moment a controller sends ``control`` to the moment each screen of that
  room (the sender's own included) receives the ``timeline`` with the new version;
- lost messages: a screen that never receives a version its room reached.

It prints p50, p95 and p99 beside each goal (join p95 < 300 ms, step change p95 < 150 ms to every
screen, nothing lost), the counts, the CPU the server and this client used and the load average,
and exits 1 on any miss. The cores are shared by the server, the database, Redis and this client
(which reads every screen's messages in one process), so the figures are an upper bound for the
server alone. Each run's server log is kept at /tmp/attune-bench-rooms-<mode>-server.log.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from bench_live import REDIS_URL, REPO, Server, _check_redis, _maybe_postgres, _percentile

JOIN_P95_MS = 300.0
STEP_P95_MS = 150.0
WORKSHOP_EVERY_S = 1.5
PAIR_EVERY_S = 3.0
RUN_LIMIT_S = 150.0  # the whole client run, ramp included; past this the mode fails


# ---------------------------------------------------------------- setup (runs inside Django)


def setup_rooms(participants: int, pairs: int) -> dict[str, Any]:
    """The guide, the participants and the pairs, signed in; one workshop and the pair rooms."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attune.web.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from attune.web.rooms import actions
    from attune.web.rooms.models import Participant, Role
    from attune.web.rooms.plan import group_pacer, pair_breathing

    call_command("migrate", interactive=False, verbosity=0)
    # attune's own session engine (its own table), as a browser that signed in would have.
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    User = get_user_model()
    tag = secrets.token_hex(3)
    names = ["guide"] + [f"p{i}" for i in range(participants)] + [f"{ab}{i}" for i in range(pairs) for ab in "ab"]
    users = [User(username=f"bench-{tag}-{n}", is_guide=n == "guide") for n in names]
    for user in users:
        user.set_unusable_password()  # they sign in through the sessions made below, never a form
    users = User.objects.bulk_create(users)

    def signed_in(user: Any) -> str:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return str(session.session_key)

    guide, members, partners = users[0], users[1 : participants + 1], users[participants + 1 :]
    w = actions.schedule_workshop(guide, [group_pacer(30)], title="Bench workshop", starts_at=timezone.now(),
                                  duration_min=60, capacity=max(1, participants))
    # The places are made directly: enrolling through the action would queue an e-mail for each.
    Participant.objects.bulk_create([Participant(room=w.room, user=u, role=Role.PARTICIPANT) for u in members])
    pair_rooms = []
    for host, partner in zip(partners[::2], partners[1::2], strict=True):
        room = actions.create_pair(host, [pair_breathing(30)], title="Bench pair")
        assert room.code is not None
        actions.join_pair(partner, room.code)
        pair_rooms.append({"room": room.pk, "screens": [signed_in(host), signed_in(partner)]})
    return {
        "workshop": {"room": w.room_id, "screens": [signed_in(guide)] + [signed_in(u) for u in members]},
        "pairs": pair_rooms,
    }


# ---------------------------------------------------------------- client


@dataclass
class Screen:
    """One websocket: when it joined, and when each timeline version reached it."""

    room: int
    session: str
    join_ms: float | None = None
    versions: dict[int, float] = field(default_factory=dict)
    ws: Any = None


@dataclass
class RoomRun:
    room: int
    screens: list[Screen]
    every_s: float
    sent: dict[int, float] = field(default_factory=dict)  # version -> when its control was sent


@dataclass
class Tally:
    connect_failures: int = 0
    dropped: int = 0
    errors: dict[str, int] = field(default_factory=dict)


async def _open(port: int, screen: Screen, tally: Tally) -> None:
    from websockets.asyncio.client import connect

    url = f"ws://127.0.0.1:{port}/ws/rooms/{screen.room}/"
    t0 = time.perf_counter()
    try:
        ws = await connect(url, origin="http://127.0.0.1", additional_headers={"Cookie": f"sessionid={screen.session}"},
                           compression=None, proxy=None, open_timeout=60, ping_interval=None)
        welcome = json.loads(await ws.recv())
    except Exception:  # count every way a join can fail
        tally.connect_failures += 1
        return
    if welcome.get("type") != "welcome":
        tally.connect_failures += 1
        await ws.close()
        return
    screen.join_ms = (time.perf_counter() - t0) * 1000.0
    screen.versions[int(welcome["state"]["version"])] = time.perf_counter()
    screen.ws = ws


async def _listen(screen: Screen, tally: Tally) -> None:
    from websockets.exceptions import ConnectionClosed

    try:
        async for raw in screen.ws:
            message = json.loads(raw)
            if message["type"] == "timeline":
                screen.versions.setdefault(int(message["state"]["version"]), time.perf_counter())
            elif message["type"] == "error":
                code = message.get("code", "?")
                tally.errors[code] = tally.errors.get(code, 0) + 1
    except ConnectionClosed:
        tally.dropped += 1


async def _lead(run: RoomRun, changes: int, delay_s: float, tally: Tally) -> None:
    """The room's controller: start, then pause and resume in turn, one change per ``every_s``."""
    from websockets.exceptions import ConnectionClosed

    # A controller the server closed is counted by its listener as dropped; its room stops there.
    with contextlib.suppress(ConnectionClosed):
        await _changes(run, changes, delay_s)


async def _changes(run: RoomRun, changes: int, delay_s: float) -> None:
    lead = run.screens[0]
    await asyncio.sleep(delay_s)
    version = max(lead.versions)
    for i in range(changes):
        action = "start" if i == 0 else ("pause" if i % 2 else "resume")
        version += 1
        run.sent[version] = time.perf_counter()
        await lead.ws.send(json.dumps({"type": "control", "action": action}))
        deadline = time.monotonic() + 10
        while version not in lead.versions and time.monotonic() < deadline:
            await asyncio.sleep(0.005)  # one change at a time, as a guide's hand would
        await asyncio.sleep(run.every_s)


async def _run(port: int, runs: list[RoomRun], changes: int, pair_changes: int, connect_rate: float) -> Tally:
    tally = Tally()
    screens = [s for run in runs for s in run.screens]
    opening = []
    for screen in screens:
        opening.append(asyncio.create_task(_open(port, screen, tally)))
        await asyncio.sleep(1.0 / connect_rate)
    await asyncio.gather(*opening)
    if tally.connect_failures:
        return tally
    listeners = [asyncio.create_task(_listen(s, tally)) for s in screens]
    workshop, pairs = runs[0], runs[1:]
    leads = [_lead(workshop, changes, 0.5, tally)]
    leads += [_lead(run, pair_changes, 0.5 + PAIR_EVERY_S * i / max(1, len(pairs)), tally)
              for i, run in enumerate(pairs)]
    await asyncio.gather(*leads)
    await asyncio.sleep(2.0)  # the last broadcasts on their way
    for screen in screens:
        await screen.ws.close()  # a no-op on one the server already closed
    for task in listeners:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    return tally


def _client(port: int, runs: list[RoomRun], changes: int, pair_changes: int, connect_rate: float) -> Tally:
    import uvloop

    async def bounded() -> Tally:
        return await asyncio.wait_for(_run(port, runs, changes, pair_changes, connect_rate), RUN_LIMIT_S)

    return uvloop.run(bounded())


# ---------------------------------------------------------------- figures


def _deliveries(runs: list[RoomRun]) -> tuple[list[float], int, int]:
    """Step-change latencies (ms) to every screen, how many were expected, how many never came."""
    latencies, expected, lost = [], 0, 0
    for run in runs:
        for version, sent in run.sent.items():
            for screen in run.screens:
                expected += 1
                got = screen.versions.get(version)
                if got is None:
                    lost += 1
                else:
                    latencies.append((got - sent) * 1000.0)
    return sorted(latencies), expected, lost


def _line(label: str, values_ms: list[float], goal_ms: float) -> bool:
    p50, p95, p99 = (_percentile(values_ms, q) for q in (50, 95, 99))
    ok = bool(values_ms) and p95 < goal_ms
    top = values_ms[-1] if values_ms else float("nan")
    print(f"  {label}: n {len(values_ms)}  p50 {p50:.1f}  p95 {p95:.1f}  p99 {p99:.1f}  max {top:.1f} ms   "
          f"goal p95 < {goal_ms:g} ms  {'PASS' if ok else 'FAIL'}")
    return ok


def report(runs: list[RoomRun], tally: Tally) -> bool:
    joins = sorted(s.join_ms for run in runs for s in run.screens if s.join_ms is not None)
    workshop_ms, workshop_expected, workshop_lost = _deliveries(runs[:1])
    pairs_ms, pairs_expected, pairs_lost = _deliveries(runs[1:])
    ok = _line(f"join (websocket to welcome), {sum(len(r.screens) for r in runs)} screens", joins, JOIN_P95_MS)
    ok &= _line(f"step change, workshop ({len(runs[0].sent)} changes x {len(runs[0].screens)} screens)",
                workshop_ms, STEP_P95_MS)
    if runs[1:]:
        ok &= _line(f"step change, pairs ({len(runs) - 1} pairs, {sum(len(r.sent) for r in runs[1:])} changes "
                    f"x 2 screens)", pairs_ms, STEP_P95_MS)
    lost = workshop_lost + pairs_lost
    clean = lost == 0 and not tally.connect_failures and not tally.dropped and not tally.errors
    print(f"  lost: {lost} of {workshop_expected + pairs_expected} deliveries, connect failures "
          f"{tally.connect_failures}, dropped {tally.dropped}, errors {tally.errors or 'none'}   goal 0  "
          f"{'PASS' if clean else 'FAIL'}")
    return ok and clean


# ---------------------------------------------------------------- modes


def run_mode(mode: str, participants: int, pairs: int, changes: int, connect_rate: float) -> bool:
    processes = 2 if mode == "redis" else 1
    with tempfile.TemporaryDirectory(prefix=f"attune-bench-rooms-{mode}-") as tmp, _maybe_postgres(mode) as db_url:
        data_dir = Path(tmp)
        env = {**os.environ, "ATTUNE_DATA_DIR": str(data_dir), "ATTUNE_SECRET_KEY": "bench-not-secret",
               "PYTHONUNBUFFERED": "1", "ATTUNE_LOG_LEVEL": "WARNING"}
        for name in ("DJANGO_SETTINGS_MODULE", "ATTUNE_DATABASE_URL", "ATTUNE_REDIS_URL", "ATTUNE_REDIS_KEY_PREFIX"):
            env.pop(name, None)
        if mode == "redis":
            _check_redis()
            env.update({"ATTUNE_DATABASE_URL": db_url, "ATTUNE_REDIS_URL": REDIS_URL,
                        "ATTUNE_REDIS_KEY_PREFIX": f"attune-bench-{secrets.token_hex(3)}"})
        t0 = time.monotonic()
        setup = subprocess.run([sys.executable, __file__, "--setup-only", f"{participants},{pairs}"], cwd=REPO,
                               env=env, capture_output=True, text=True, check=False, timeout=180)
        if setup.returncode != 0:
            raise SystemExit(f"setting up the rooms failed:\n{setup.stderr}")
        made = json.loads(setup.stdout.strip().splitlines()[-1])
        print(f"  people, rooms and sessions made in {time.monotonic() - t0:.1f} s", flush=True)
        runs = [RoomRun(made["workshop"]["room"], [Screen(made["workshop"]["room"], s) for s in
                                                   made["workshop"]["screens"]], WORKSHOP_EVERY_S)]
        runs += [RoomRun(p["room"], [Screen(p["room"], s) for s in p["screens"]], PAIR_EVERY_S) for p in made["pairs"]]
        server = Server(env=env, processes=processes, data_dir=data_dir)
        server.start()
        try:
            cpu0, own0, wall0 = server.cpu_s(), resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
            pair_changes = max(1, round(changes * WORKSHOP_EVERY_S / PAIR_EVERY_S))
            try:
                tally = _client(server.port, runs, changes, pair_changes, connect_rate)
            except TimeoutError:
                print(f"  FAIL: the run took longer than {RUN_LIMIT_S:g} s")
                return False
            wall, cpu = time.monotonic() - wall0, server.cpu_s() - cpu0
            own1 = resource.getrusage(resource.RUSAGE_SELF)
        finally:
            server.stop()
            kept = Path(tempfile.gettempdir()) / f"attune-bench-rooms-{mode}-server.log"
            kept.write_text((data_dir / "server.log").read_text(errors="replace"))
    ok = report(runs, tally)
    client_cpu = (own1.ru_utime - own0.ru_utime) + (own1.ru_stime - own0.ru_stime)
    print(f"  CPU over {wall:.0f} s: server {cpu:.1f} s ({100 * cpu / wall:.0f} % of one core), "
          f"bench client {client_cpu:.1f} s ({100 * client_cpu / wall:.0f} %)")
    print(f"  load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores", flush=True)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["sqlite", "redis", "both"], default="both")
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--changes", type=int, default=20, help="the workshop's step changes (pairs make half)")
    parser.add_argument("--connect-rate", type=float, default=100.0, help="new websockets a second while joining")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run the modes this many times, interleaved (redis, sqlite, redis, ...) so a "
                             "comparison sees the same load on the shared cores")
    parser.add_argument("--setup-only", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup_only:
        participants, pairs = (int(x) for x in args.setup_only.split(","))
        print(json.dumps(setup_rooms(participants, pairs)))
        return 0
    if not 1 <= args.participants <= 2000 or not 0 <= args.pairs <= 1000 or not 2 <= args.changes <= 60:
        parser.error("--participants must be 1 to 2000, --pairs 0 to 1000 and --changes 2 to 60")
    if not 1 <= args.rounds <= 10:
        parser.error("--rounds must be 1 to 10")
    results = []
    for round_no in range(1, args.rounds + 1):
        for mode, what in (("redis", "PostgreSQL + Redis, 2 server processes"),
                           ("sqlite", "SQLite + in-memory channel layer, 1 server process")):
            if args.mode in (mode, "both"):
                label = f" (round {round_no} of {args.rounds})" if args.rounds > 1 else ""
                print(f"rooms, {what}{label}: a workshop of {args.participants} and its guide, {args.pairs} pairs",
                      flush=True)
                print(f"  load average before (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
                      flush=True)
                results.append(run_mode(mode, args.participants, args.pairs, args.changes, args.connect_rate))
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
