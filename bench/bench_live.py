"""Load test of the live websocket on loopback: many members streaming one beat a second each.

    python bench/bench_live.py                  # both modes below, 500 sessions, 30 s each
    python bench/bench_live.py --mode sqlite    # one `attune serve` process on SQLite, in-memory channel layer
    python bench/bench_live.py --mode redis     # two processes, PostgreSQL (a fresh database) and Redis
    python bench/bench_live.py --sessions 100 --seconds 10

For each mode it starts a real server subprocess on a free loopback port, creates the members and
their recordings through Django in the server's data directory (each recording already holds 80 s
of beats, so every reading runs the full 64 s coherence window from the first message), signs
them in with Django's SessionStore, and opens one websocket per member (the `websockets` client,
on uvloop). Every client sends one `beats` message a second, phases spread evenly over the second,
and times each message until its `reading` arrives. It prints p50, p95, p99 and the maximum, the
CPU seconds the server and this client used, and PASS or FAIL against p95 < 50 ms. Exit status 1
on any FAIL. Each run's server log is kept at /tmp/attune-bench-<mode>-server.log.

The machine's cores are shared by the server, PostgreSQL, Redis and this client, so the figures
are an honest upper bound for the server alone.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
P95_LIMIT_MS = 50.0
PRELOAD_MESSAGES = 5  # 5 messages of 16 beats = 80 beats of about 1 s before the run
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rr_ms(k: int) -> float:
    """A gently breathing heart at about 60 bpm, in a strap's 1/1024 s units."""
    import math

    value = 1000.0 + 50.0 * math.sin(2 * math.pi * k / 10.0)
    return round(value * 1.024) / 1.024


# ---------------------------------------------------------------- setup (runs inside Django)


def setup_members(n: int) -> list[dict[str, Any]]:
    """Create ``n`` members with a recording each and a signed-in session; return ids and cookies."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))  # run as a script from a checkout
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attune.web.settings")
    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from attune.web.physio import actions

    call_command("migrate", interactive=False, verbosity=0)
    User = get_user_model()
    tag = secrets.token_hex(3)
    users = [User(username=f"bench-{tag}-{i}", display_name=f"Bench {i}") for i in range(n)]
    for user in users:
        user.set_unusable_password()  # they sign in through the session made below, never a form
    users = User.objects.bulk_create(users)
    out = []
    for user in users:
        rec = actions.start_recording(user, kind="free", simulated=True)
        k = 0
        for seq in range(1, PRELOAD_MESSAGES + 1):
            actions.append_beats(rec, seq, [_rr_ms(k + j) for j in range(16)])
            k += 16
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        out.append({"recording": rec.pk, "session": session.session_key, "next_k": k})
    return out


# ---------------------------------------------------------------- server


@dataclass
class Server:
    env: dict[str, str]
    processes: int
    data_dir: Path
    port: int = field(default_factory=_free_port)
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = (self.data_dir / "server.log").open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "attune.cli", "serve", "--port", str(self.port), "--processes", str(self.processes)],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"attune serve exited early:\n{(self.data_dir / 'server.log').read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    time.sleep(1.0 if self.processes > 1 else 0.2)  # let every worker come up
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("attune serve did not start within 90 s")

    def cpu_s(self) -> float:
        """User + system CPU seconds of the server process and its worker processes so far."""
        assert self.proc is not None
        pids = [self.proc.pid]
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
            pids += [int(c) for c in children]
        except OSError:
            pass
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
            except (OSError, IndexError, ValueError):
                pass
        return total

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


# ---------------------------------------------------------------- client


@dataclass
class Stats:
    latencies_ms: list[float] = field(default_factory=list)
    sent: int = 0
    readings: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    connect_failures: int = 0
    dropped: int = 0
    missing: int = 0


async def _session(port: int, member: dict[str, Any], phase_s: float, start_at: float, seconds: int,
                   stats: Stats) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    url = f"ws://127.0.0.1:{port}/ws/live/{member['recording']}/"
    headers = {"Cookie": f"sessionid={member['session']}"}
    try:
        ws = await connect(url, origin="http://127.0.0.1", additional_headers=headers, compression=None,
                           proxy=None, open_timeout=60, ping_interval=None)
    except Exception:  # count every way a connection can fail
        stats.connect_failures += 1
        return
    async with ws:
        welcome = json.loads(await ws.recv())
        if welcome.get("type") != "welcome":
            stats.connect_failures += 1
            return
        seq = int(welcome["acked_seq"])
        k = int(member["next_k"])
        pending: dict[int, float] = {}
        loop = asyncio.get_running_loop()

        async def reader() -> None:
            async for raw in ws:  # ends quietly on a normal close; a dropped one is counted below
                msg = json.loads(raw)
                kind = msg.get("type")
                if kind == "reading":
                    sent = pending.pop(int(msg["seq"]), None)
                    if sent is not None:
                        stats.latencies_ms.append((time.perf_counter() - sent) * 1000.0)
                        stats.readings += 1
                elif kind == "error":
                    stats.errors[msg.get("code", "?")] = stats.errors.get(msg.get("code", "?"), 0) + 1

        read_task = asyncio.create_task(reader())
        try:
            for i in range(seconds):
                delay = start_at + phase_s + i - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                seq += 1
                text = json.dumps({"type": "beats", "seq": seq, "rr_ms": [_rr_ms(k)], "sent_ms": i})
                k += 1
                pending[seq] = time.perf_counter()
                await ws.send(text)
                stats.sent += 1
            await asyncio.sleep(2.0)  # let the last readings arrive
        except ConnectionClosed:
            stats.dropped += 1
        stats.missing += len(pending)
        read_task.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
            await read_task


async def _run_clients(port: int, members: list[dict[str, Any]], seconds: int, connect_rate: float) -> Stats:
    stats = Stats()
    loop = asyncio.get_running_loop()
    n = len(members)
    # Everyone connects during the ramp; the measured run starts after it for all of them.
    ramp_s = n / connect_rate + 5.0
    start_at = loop.time() + ramp_s
    tasks = []
    for i, member in enumerate(members):
        tasks.append(asyncio.create_task(_session(port, member, i / n, start_at, seconds, stats)))
        await asyncio.sleep(1.0 / connect_rate)
    await asyncio.gather(*tasks)
    return stats


def _percentile(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return float("nan")
    i = min(len(sorted_ms) - 1, max(0, round(q / 100.0 * (len(sorted_ms) - 1))))
    return sorted_ms[i]


# ---------------------------------------------------------------- modes


@contextmanager
def _postgres_database() -> Iterator[str]:
    import psycopg

    name = f"attune_bench_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise SystemExit(f"PostgreSQL is not reachable at 127.0.0.1:5432 ({exc}); start it, then run again.") from exc
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _check_redis() -> None:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as s:
            s.sendall(b"PING\r\n")
            if not s.recv(16).startswith(b"+PONG"):
                raise OSError("no PONG")
    except OSError as exc:
        raise SystemExit(f"Redis is not reachable at 127.0.0.1:6379 ({exc}); start it, then run again.") from exc


def run_mode(mode: str, sessions: int, seconds: int, processes: int, connect_rate: float) -> bool:
    with tempfile.TemporaryDirectory(prefix=f"attune-bench-{mode}-") as tmp, _maybe_postgres(mode) as db_url:
        data_dir = Path(tmp)
        env = {**os.environ, "ATTUNE_DATA_DIR": str(data_dir), "ATTUNE_SECRET_KEY": "bench-not-secret",
               "PYTHONUNBUFFERED": "1", "ATTUNE_LOG_LEVEL": "WARNING"}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.pop("ATTUNE_DATABASE_URL", None)
        env.pop("ATTUNE_REDIS_URL", None)
        if mode == "redis":
            _check_redis()
            env.update({"ATTUNE_DATABASE_URL": db_url, "ATTUNE_REDIS_URL": REDIS_URL,
                        "ATTUNE_DATABASE_CONN_MAX_AGE": "600"})
        t0 = time.monotonic()
        setup = subprocess.run([sys.executable, __file__, "--setup-only", str(sessions)], cwd=REPO, env=env,
                               capture_output=True, text=True, check=False)
        if setup.returncode != 0:
            raise SystemExit(f"setting up {sessions} members failed:\n{setup.stderr}")
        members = json.loads(setup.stdout.strip().splitlines()[-1])
        print(f"  {sessions} members, recordings and sessions created in {time.monotonic() - t0:.1f} s", flush=True)
        server = Server(env=env, processes=processes, data_dir=data_dir)
        server.start()
        try:
            cpu0 = server.cpu_s()
            own0 = resource.getrusage(resource.RUSAGE_SELF)
            wall0 = time.monotonic()
            stats = _client_loop(server.port, members, seconds, connect_rate)
            wall = time.monotonic() - wall0
            own1 = resource.getrusage(resource.RUSAGE_SELF)
            cpu = server.cpu_s() - cpu0
        finally:
            server.stop()
            log = (data_dir / "server.log").read_text(errors="replace").strip().splitlines()
            kept = Path(tempfile.gettempdir()) / f"attune-bench-{mode}-server.log"
            kept.write_text("\n".join(log) + "\n")
            tail = [ln for ln in log if "Traceback" in ln or "Error" in ln][-5:]
            if tail:
                print(f"  server log ({kept}) has errors, last ones:\n    " + "\n    ".join(tail))
    lat = sorted(stats.latencies_ms)
    p50, p95, p99 = (_percentile(lat, q) for q in (50, 95, 99))
    client_cpu = (own1.ru_utime - own0.ru_utime) + (own1.ru_stime - own0.ru_stime)
    complete = (stats.connect_failures == 0 and stats.dropped == 0 and not stats.errors and stats.missing == 0
                and stats.readings == stats.sent == sessions * seconds)
    ok = complete and p95 < P95_LIMIT_MS
    print(f"  messages sent {stats.sent}, readings {stats.readings}, missing {stats.missing}, "
          f"connect failures {stats.connect_failures}, dropped {stats.dropped}, errors {stats.errors or 'none'}")
    top = lat[-1] if lat else 0.0
    print(f"  beat-to-reading latency ms: p50 {p50:.1f}  p95 {p95:.1f}  p99 {p99:.1f}  max {top:.1f}")
    print(f"  CPU over {wall:.0f} s (ramp + run): server {cpu:.1f} s ({100 * cpu / wall:.0f} % of one core), "
          f"bench client {client_cpu:.1f} s ({100 * client_cpu / wall:.0f} %)")
    print(f"  {'PASS' if ok else 'FAIL'}: p95 {p95:.1f} ms {'<' if p95 < P95_LIMIT_MS else '>='} {P95_LIMIT_MS:g} ms"
          f"{'' if ok or p95 >= P95_LIMIT_MS else ' but not every message was answered'}", flush=True)
    return ok


@contextmanager
def _maybe_postgres(mode: str) -> Iterator[str]:
    if mode != "redis":
        yield ""
        return
    with _postgres_database() as url:
        yield url


def _client_loop(port: int, members: list[dict[str, Any]], seconds: int, connect_rate: float) -> Stats:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(_run_clients(port, members, seconds, connect_rate))
    return uvloop.run(_run_clients(port, members, seconds, connect_rate))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["sqlite", "redis", "both"], default="both")
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=30, help="measured run length (1 message a second each)")
    parser.add_argument("--connect-rate", type=float, default=100.0, help="new connections a second during ramp-up")
    parser.add_argument("--setup-only", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup_only:
        print(json.dumps(setup_members(args.setup_only)))
        return 0
    if not 1 <= args.sessions <= 5000 or not 1 <= args.seconds <= 600:
        parser.error("--sessions must be 1 to 5000 and --seconds 1 to 600")
    results = []
    if args.mode in ("sqlite", "both"):
        print(f"live websocket, SQLite, 1 server process: {args.sessions} sessions x 1 beat/s for {args.seconds} s",
              flush=True)
        results.append(run_mode("sqlite", args.sessions, args.seconds, 1, args.connect_rate))
    if args.mode in ("redis", "both"):
        print(f"live websocket, PostgreSQL + Redis, 2 server processes: {args.sessions} sessions x 1 beat/s "
              f"for {args.seconds} s", flush=True)
        results.append(run_mode("redis", args.sessions, args.seconds, 2, args.connect_rate))
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
