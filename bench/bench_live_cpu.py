"""Server CPU per live ``beats`` message, measured in process (issue 9, goal 6: at most 0.3 ms).

    python bench/bench_live_cpu.py                        # 200 sessions x 20 beats, paced, SQLite
    python bench/bench_live_cpu.py --sessions 500 --beats 30
    python bench/bench_live_cpu.py --profile              # plus where the time goes (cProfile)

bench/bench_live.py measures the whole server from outside, so its CPU figure moves with whatever
else the machine is doing (other processes steal the cores, caches go cold, the event loop falls
behind and batches change). This bench runs the real ASGI application (the auth middleware stack,
the router, :class:`attune.web.live.consumers.LiveConsumer`, its group-commit writer and the meter)
in this process on a fresh SQLite database, drives it straight through the ASGI ``receive``/``send``
callables (no sockets, no websocket framing: that is uvicorn's share, not attune's), and counts this
process's CPU time (``time.process_time``: every thread, user + system) over the measured beats.

Each session first sends 80 s of beats in 5 messages (so every measured reading computes the full
64 s window), then one message of one beat a second, phases spread over the second, as a strap
sends them, for ``--beats`` seconds. ``--burst`` sends every session's message at once each round
instead (larger group commits; an optimistic figure). The client side here is as light as it can
be (messages encoded once, replies not decoded), and its small share is included in the figure.
With ``--profile`` the measured beats run under cProfile and the top functions by own time and by
cumulative time are printed; profiling slows everything, so the CPU figure of a profiled run is not
the one to quote. It prints the load average before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import math
import os
import pstats
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CPU_PER_MESSAGE_LIMIT_MS = 0.3
PRELOAD_MESSAGES = 5
ORIGIN = (b"origin", b"http://localhost")
_SEQ_AT = len('{"type":"reading","seq":')


def _rr_ms(k: int) -> float:
    """A gently breathing heart at about 60 bpm, in a strap's 1/1024 s units (as bench_live.py)."""
    value = 1000.0 + 50.0 * math.sin(2 * math.pi * k / 10.0)
    return round(value * 1.024) / 1.024


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def _set_up_django(data_dir: str) -> Any:
    os.environ["ATTUNE_DATA_DIR"] = data_dir
    os.environ["ATTUNE_SECRET_KEY"] = "bench-not-secret"  # noqa: S105  (a throwaway data folder)
    os.environ["DJANGO_SETTINGS_MODULE"] = "attune.web.settings"
    os.environ.setdefault("ATTUNE_LOG_LEVEL", "WARNING")
    for name in ("ATTUNE_DATABASE_URL", "ATTUNE_REDIS_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(REPO))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        from attune.web.asgi import application
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return application


def _members(n: int) -> list[tuple[int, bytes]]:
    """``n`` members, each signed in with one open recording: (recording id, cookie header)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from attune.web.physio import actions

    user_model = get_user_model()
    out = []
    for i in range(n):
        user = user_model.objects.create_user(username=f"cpu-{i}", password=None)
        client = Client()
        client.force_login(user)
        rec = actions.start_recording(user, kind="free", simulated=True)
        out.append((rec.pk, f"sessionid={client.cookies['sessionid'].value}".encode()))
    return out


def _profile_database_thread(profiler: cProfile.Profile) -> None:
    """Profile every call the live writer makes in its database thread (cProfile is per thread)."""
    from attune.web.live import writer

    inner = writer._with_live_connection

    def profiled(fn: Any, *args: Any, **kwargs: Any) -> Any:
        if not _MEASURING:
            return inner(fn, *args, **kwargs)
        profiler.enable()
        try:
            return inner(fn, *args, **kwargs)
        finally:
            profiler.disable()

    from asgiref.sync import sync_to_async

    writer._in_db_thread = sync_to_async(profiled, thread_sensitive=True)


_MEASURING = False


class Session:
    """One websocket conversation with the ASGI app, through its receive/send callables."""

    def __init__(self, app: Any, recording_id: int, cookie: bytes, latencies: list[float]) -> None:
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.replies: asyncio.Queue[str] = asyncio.Queue()
        self.sent_at: dict[int, float] = {}
        self.latencies = latencies
        self.errors = 0
        self.seq = 0
        self.k = 0
        scope = {
            "type": "websocket",
            "path": f"/ws/live/{recording_id}/",
            "query_string": b"",
            "headers": [ORIGIN, (b"cookie", cookie)],
            "subprotocols": [],
        }
        self.welcomed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.task = asyncio.get_running_loop().create_task(app(scope, self.inbox.get, self._send))

    async def _send(self, message: dict[str, Any]) -> None:
        text = message.get("text")
        if text is None:
            if message["type"] == "websocket.close":
                self.errors += 1
                if not self.welcomed.done():
                    self.welcomed.set_exception(RuntimeError(f"refused: {message}"))
            return
        if not self.welcomed.done() and text.startswith('{"type":"welcome"'):
            self.welcomed.set_result(None)
            return
        if text.startswith('{"type":"reading"'):
            # The seq follows the type: '{"type":"reading","seq":123,...'
            seq = int(text[_SEQ_AT : text.index(",", _SEQ_AT)])
            sent = self.sent_at.pop(seq, None)
            if sent is not None:
                self.latencies.append(time.perf_counter() - sent)
            self.replies.put_nowait(text)
        elif text.startswith('{"type":"error"'):
            self.errors += 1
            self.replies.put_nowait(text)

    def beats(self, count: int) -> None:
        self.seq += 1
        rr = ",".join(repr(_rr_ms(self.k + j)) for j in range(count))
        self.k += count
        self.sent_at[self.seq] = time.perf_counter()
        text = f'{{"type":"beats","seq":{self.seq},"rr_ms":[{rr}],"sent_ms":{self.seq}}}'
        self.inbox.put_nowait({"type": "websocket.receive", "text": text})

    async def close(self) -> None:
        self.inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})
        await asyncio.wait_for(self.task, 10)


async def _run(
    app: Any, members: list[tuple[int, bytes]], beats: int, burst: bool, profiler: cProfile.Profile | None
) -> dict[str, Any]:
    latencies: list[float] = []
    sessions = []
    for rid, cookie in members:
        s = Session(app, rid, cookie, latencies)
        s.inbox.put_nowait({"type": "websocket.connect"})
        await asyncio.wait_for(s.welcomed, 30)
        sessions.append(s)
    # The first 80 s of beats, as a page that was offline resends them.
    for _ in range(PRELOAD_MESSAGES):
        for s in sessions:
            s.beats(16)
        for s in sessions:
            await asyncio.wait_for(s.replies.get(), 60)
    latencies.clear()
    n = len(sessions)
    loop = asyncio.get_running_loop()
    cpu0 = time.process_time()
    times0 = os.times()
    loop_cpu0 = time.thread_time()
    wall0 = time.perf_counter()
    global _MEASURING
    _MEASURING = True
    if profiler is not None:
        profiler.enable()
    start = loop.time() + 0.05
    for i in range(beats):
        if burst:
            for s in sessions:
                s.beats(1)
            for s in sessions:
                await s.replies.get()
            continue
        for j, s in enumerate(sessions):
            delay = start + i + j / n - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            s.beats(1)
    for s in sessions:
        while s.sent_at:
            await asyncio.wait_for(s.replies.get(), 60)
    if profiler is not None:
        profiler.disable()
    _MEASURING = False
    cpu = time.process_time() - cpu0
    loop_cpu = time.thread_time() - loop_cpu0
    times1 = os.times()
    wall = time.perf_counter() - wall0
    errors = sum(s.errors for s in sessions)
    for s in sessions:
        await s.close()
    return {
        "cpu": cpu,
        "loop_cpu": loop_cpu,
        "user": times1.user - times0.user,
        "system": times1.system - times0.system,
        "wall": wall,
        "latencies": sorted(latencies),
        "errors": errors,
        "messages": n * beats,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--beats", type=int, default=20, help="measured messages per session (one a second)")
    parser.add_argument("--burst", action="store_true", help="every session's message at once each round")
    parser.add_argument("--profile", action="store_true", help="profile the measured beats with cProfile")
    parser.add_argument("--top", type=int, default=25, help="rows of the profile to print")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 5000 or not 1 <= args.beats <= 600:
        parser.error("--sessions must be 1 to 5000 and --beats 1 to 600")
    print(f"before: {_load()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="attune-bench-cpu-") as tmp:
        app = _set_up_django(tmp)
        members = _members(args.sessions)
        profiler = cProfile.Profile() if args.profile else None
        db_profiler = cProfile.Profile() if args.profile else None
        if db_profiler is not None:
            _profile_database_thread(db_profiler)
        try:
            import uvloop

            result = uvloop.run(_run(app, members, args.beats, args.burst, profiler))
            loop_name = "uvloop"
        except ImportError:
            result = asyncio.run(_run(app, members, args.beats, args.burst, profiler))
            loop_name = "asyncio"
        from django.db import connections

        connections.close_all()
    lat = result["latencies"]
    per_ms = 1000.0 * result["cpu"] / max(1, result["messages"])

    def pct(q: float) -> float:
        return 1000.0 * lat[min(len(lat) - 1, round(q / 100 * (len(lat) - 1)))] if lat else float("nan")

    how = "all at once each round" if args.burst else "paced, one a second each"
    print(
        f"{args.sessions} sessions x {args.beats} beats ({how}, SQLite, {loop_name}"
        f"{', profiled' if args.profile else ''}): {result['messages']} messages, {len(lat)} readings, "
        f"{result['errors']} errors"
    )
    print(
        f"CPU {result['cpu']:.2f} s over {result['wall']:.1f} s = {per_ms:.3f} ms per message "
        f"(goal <= {CPU_PER_MESSAGE_LIMIT_MS} ms; user {result['user']:.2f} s, system {result['system']:.2f} s)"
    )
    loop_ms = 1000.0 * result["loop_cpu"] / max(1, result["messages"])
    print(
        f"  of which the event loop's thread {loop_ms:.3f} ms, other threads (the database thread) "
        f"{per_ms - loop_ms:.3f} ms"
    )
    print(f"beat-to-reading in process, ms: p50 {pct(50):.2f}  p95 {pct(95):.2f}  p99 {pct(99):.2f}")
    print(f"after: {_load()}")
    if profiler is not None and db_profiler is not None:
        for name, prof in (("the event loop's thread", profiler), ("the database thread", db_profiler)):
            for order in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(prof, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
                print(f"--- {name}: top {args.top} by {order} (times are inflated by the profiler)")
                print("\n".join(ln for ln in out.getvalue().splitlines() if ln.strip()))
    ok = per_ms <= CPU_PER_MESSAGE_LIMIT_MS and result["errors"] == 0 and len(lat) == result["messages"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
