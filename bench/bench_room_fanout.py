"""CPU per screen of one room step change on one process: the rooms consumer's fan-out, in process.

    python bench/bench_room_fanout.py                     # rooms of 300 and 30 screens, 20 changes each
    python bench/bench_room_fanout.py --screens 100 --changes 10
    python bench/bench_room_fanout.py --profile           # and cProfile the large room's fan-outs

It sets Django up on a throwaway SQLite data folder with the in-memory channel layer (the
one-process set-up), makes two workshops (``--screens`` participants and a tenth of that, each
with its guide) and runs the real ``RoomConsumer`` for every screen on one uvloop event loop, with
each websocket's ASGI ``receive``/``send`` replaced by a queue and a counter: no sockets, no
server, no client. The guide's screen then sends ``control`` (start, then pause and resume in
turn) as a browser does, and the change is over when every screen of that room has handed its
``timeline`` to ``send``.

The primary figure is CPU time (``time.process_time``: every thread of this process, so the
action's database thread too) per step change, because the machine's cores are shared and wall
clock is noisy. It prints that per screen, and the marginal cost of one more screen from the two
room sizes (the action's fixed cost, its database write, drops out). Beside it, in the same run,
the least a fan-out can do: ``json.dumps`` of the payload and one awaited ``send`` per screen; the
ratio says how far the consumer's path is from that floor. What the real server then does per
screen (uvicorn framing the text and writing the socket) is in neither figure; bench_rooms.py
measures the whole path.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TIMELINE_PREFIX = '{"type":"timeline"'


@dataclass
class Room:
    """One workshop's screens, and how many have received the change in flight."""

    room_id: int
    size: int  # screens, the guide's included
    got: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)
    welcomed: int = 0
    tasks: list[asyncio.Task[None]] = field(default_factory=list)  # the consumers, one per screen

    def count(self) -> None:
        self.got += 1
        if self.got == self.size:
            self.done.set()


class Screen:
    """One websocket as the consumer sees it: an inbox for ``receive`` and a counting ``send``."""

    def __init__(self, room: Room) -> None:
        self.room = room
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def receive(self) -> dict[str, Any]:
        return await self.inbox.get()

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] != "websocket.send":
            return
        text = message["text"]
        if text.startswith(TIMELINE_PREFIX):
            self.room.count()
        elif text.startswith('{"type":"welcome"'):
            self.room.welcomed += 1


async def sink(message: dict[str, Any]) -> None:
    """The baseline's ``send``: as cheap as a screen's, counting nothing."""
    if message["type"] != "websocket.send":
        return
    message["text"].startswith(TIMELINE_PREFIX)


def setup(sizes: list[int]) -> list[tuple[int, list[int]]]:
    """Workshops of the given sizes: (room id, [guide's user id, participants' user ids])."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from attune.web.rooms import actions
    from attune.web.rooms.models import Participant, Role
    from attune.web.rooms.plan import group_pacer

    call_command("migrate", interactive=False, verbosity=0)
    User = get_user_model()
    made = []
    for n, size in enumerate(sizes):
        users = [User(username=f"fanout-{n}-{i}", is_guide=i == 0) for i in range(size + 1)]
        for user in users:
            user.set_unusable_password()
        users = User.objects.bulk_create(users)
        w = actions.schedule_workshop(users[0], [group_pacer(30)], title="Fan-out", starts_at=timezone.now(),
                                      duration_min=60, capacity=size)
        Participant.objects.bulk_create([Participant(room=w.room, user=u, role=Role.PARTICIPANT) for u in users[1:]])
        made.append((w.room_id, [u.pk for u in users]))
    return made


async def connect(room_id: int, user_ids: list[int]) -> tuple[Room, list[Screen]]:
    from channels.db import database_sync_to_async
    from django.contrib.auth import get_user_model

    from attune.web.rooms.consumers import RoomConsumer

    users = {u.pk: u for u in await database_sync_to_async(list)(get_user_model().objects.filter(pk__in=user_ids))}
    room = Room(room_id, len(user_ids))
    app = RoomConsumer.as_asgi()
    screens, tasks = [], []
    for uid in user_ids:
        screen = Screen(room)
        scope = {"type": "websocket", "path": f"/ws/rooms/{room_id}/", "headers": [], "subprotocols": [],
                 "user": users[uid], "url_route": {"args": (), "kwargs": {"room_id": room_id}}}
        tasks.append(asyncio.create_task(app(scope, screen.receive, screen.send)))
        await screen.inbox.put({"type": "websocket.connect"})
        screens.append(screen)
    while room.welcomed < room.size:
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)  # each screen's first-attendance write, in the database thread, settles
    room.tasks = tasks
    return room, screens


async def change(room: Room, guide: Screen, action: str) -> tuple[float, float]:
    """One step change: (CPU seconds, wall seconds) from the guide's message to the last screen."""
    room.got = 0
    room.done.clear()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await guide.inbox.put({"type": "websocket.receive", "text": json.dumps({"type": "control", "action": action})})
    await asyncio.wait_for(room.done.wait(), 30)
    return time.process_time() - cpu0, time.perf_counter() - wall0


async def baseline(payload: dict[str, Any], screens: int) -> float:
    """CPU seconds for the floor of a fan-out: json.dumps and one awaited send per screen."""
    cpu0 = time.process_time()
    for _ in range(screens):
        await sink({"type": "websocket.send", "text": json.dumps(payload, separators=(",", ":"), allow_nan=False)})
    return time.process_time() - cpu0


async def run(made: list[tuple[int, list[int]]], changes: int, profile: bool) -> dict[str, Any]:
    from attune.web.rooms import straps
    from attune.web.rooms.actions import now_ms

    straps.SUMMARY_EVERY_S = 3600.0  # the guide's strap summaries would be noise here
    cpu0 = time.process_time()
    rooms = [await connect(made[0][0], made[0][1])]
    join_cpu = time.process_time() - cpu0  # the 1 s settling sleep costs no CPU
    rooms += [await connect(room_id, users) for room_id, users in made[1:]]
    cpu: dict[int, list[float]] = {r.size: [] for r, _ in rooms}
    wall: dict[int, list[float]] = {r.size: [] for r, _ in rooms}
    profiler = cProfile.Profile() if profile else None
    for i in range(changes):
        action = "start" if i == 0 else ("pause" if i % 2 else "resume")
        for n, (room, screens) in enumerate(rooms):
            await asyncio.sleep(0.3)  # under the consumer's rate limit, and the database thread idle
            if profiler is not None and n == 0:
                profiler.enable()
            c, w = await change(room, screens[0], action)
            if profiler is not None and n == 0:
                profiler.disable()
            cpu[room.size].append(c)
            wall[room.size].append(w)
    payload = {"type": "timeline", "server_ms": now_ms(),
               "state": {"status": "running", "anchor_step": 0, "anchor_ms": now_ms(), "paused_ms": None,
                         "extra": {}, "gates": {}, "version": 21, "first_lead": None}}
    big = rooms[0][0].size
    floor = [await baseline(payload, big) for _ in range(changes)]
    for screen_list in (s for _, s in rooms):
        for screen in screen_list:
            await screen.inbox.put({"type": "websocket.disconnect", "code": 1000})
    await asyncio.sleep(0.5)
    return {"cpu": cpu, "wall": wall, "floor": floor, "profiler": profiler, "join_cpu": join_cpu}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--screens", type=int, default=300, help="participants in the large room")
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions for the large room")
    args = parser.parse_args(argv)
    if not 20 <= args.screens <= 2000 or not 2 <= args.changes <= 100:
        parser.error("--screens must be 20 to 2000 and --changes 2 to 100")
    with tempfile.TemporaryDirectory(prefix="attune-bench-fanout-") as tmp:
        for name in ("ATTUNE_DATABASE_URL", "ATTUNE_REDIS_URL", "ATTUNE_REDIS_KEY_PREFIX"):
            os.environ.pop(name, None)
        os.environ.update({"ATTUNE_DATA_DIR": tmp, "ATTUNE_SECRET_KEY": "bench-not-secret",
                           "ATTUNE_LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "attune.web.settings"})
        if str(REPO) not in sys.path:
            sys.path.insert(0, str(REPO))
        made = setup([args.screens, max(2, args.screens // 10)])
        import uvloop

        print(f"room fan-out on one process (in-memory channel layer, SQLite): rooms of {args.screens + 1} "
              f"and {made[1][1].__len__()} screens, {args.changes} step changes each", flush=True)
        print(f"  load average before (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
              f"on {os.cpu_count()} cores", flush=True)
        result = uvloop.run(run(made, args.changes, args.profile))
    sizes = sorted(result["cpu"], reverse=True)
    big, small = sizes[0], sizes[-1]
    # The first change (start) is the room's first write; the medians below leave it in, it is one of many.
    cpu_big = statistics.median(result["cpu"][big])
    cpu_small = statistics.median(result["cpu"][small])
    per_screen = cpu_big / big * 1e6
    marginal = (cpu_big - cpu_small) / (big - small) * 1e6
    floor = statistics.median(result["floor"]) / big * 1e6
    for size in sizes:
        walls = sorted(w * 1000 for w in result["wall"][size])
        print(f"  {size} screens: CPU per step change median {statistics.median(result['cpu'][size]) * 1000:.1f} ms, "
              f"wall median {statistics.median(walls):.1f} ms, max {walls[-1]:.1f} ms (wall is noisy on shared cores)")
    print(f"  CPU per screen, room of {big}: {per_screen:.1f} us;  marginal ({small} -> {big} screens): "
          f"{marginal:.1f} us a screen")
    print(f"  baseline, json.dumps + send per screen: {floor:.1f} us a screen;  marginal / baseline = "
          f"{marginal / floor:.1f}x")
    print(f"  joins: {result['join_cpu'] / (big) * 1e3:.2f} ms of CPU a screen (the consumer's connect, welcome and "
          f"first-attendance write; not the session lookup, nor uvicorn's handshake)")
    print(f"  load average after (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    if result["profiler"] is not None:
        out = io.StringIO()
        pstats.Stats(result["profiler"], stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
