"""Load test of the live websocket on loopback: many members streaming one beat a second each.

    python bench/bench_live.py                  # both modes below, 60 s each
    python bench/bench_live.py --mode sqlite    # 2,000 sessions on one `attune serve` process, SQLite, in-memory layer
    python bench/bench_live.py --mode redis     # 4,000 sessions on two processes, PostgreSQL (a fresh database) + Redis
    python bench/bench_live.py --sessions 100 --seconds 10

Issue 9, goal 6. For each mode it starts a real server subprocess on a free loopback port and sets
every member up as a browser does: GET the sign-up page, POST the form with its CSRF token (the
server hashes each password with Argon2, so this takes a while), then POST
``/live/recordings/start/`` for a recording and open its websocket with the session cookie. While
everyone connects (the ramp), each client sends 80 s of beats in 5 messages, so every reading of
the measured run computes the full 64 s coherence window. Then every client sends one ``beats``
message a second, phases spread over the second, for ``--seconds`` (60 by default), and times each
message until its ``reading`` arrives.

It prints p50, p95, p99 and the maximum, the server's CPU time per answered message over the
measured run only (user + system, the server process and its children), the server's resident
memory at the end, the bench client's own CPU, and the load average before the run and at its end,
saying plainly when the machine was busy before it started. Goals: p95 < 50 ms, at most 0.3 ms of
server CPU per message, every message answered, no errors. Exit status 1 on any miss. Each run's
server log is kept at /tmp/attune-bench-<mode>-server.log.

The machine's cores are shared by the server, PostgreSQL, Redis and this client, so the figures
are an honest upper bound for the server alone.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import re
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
P95_LIMIT_MS = 50.0
CPU_PER_MESSAGE_LIMIT_MS = 0.3
PRELOAD_MESSAGES = 5  # 5 messages of 16 beats = 80 beats of about 1 s, sent during the ramp
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


# ---------------------------------------------------------------- setup, as a browser does it

PASSWORD = "a calm river bench " + secrets.token_hex(4)
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browserless:
    """One member's cookies and the few HTTP requests a browser makes before the live page streams."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            head = {"Origin": f"http://127.0.0.1:{self.port}", **(headers or {})}
            if self.cookies:
                head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            body = urlencode(form).encode() if form is not None else None
            if body is not None:
                head["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=body, headers=head)
            response = conn.getresponse()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, response.read()
        finally:
            conn.close()


def sign_up_and_start(port: int, name: str) -> dict[str, Any]:
    """Sign ``name`` up through the form, start a recording as the live page does; ids and cookie."""
    who = Browserless(port)
    status, page = who.request("GET", "/accounts/signup/")
    token = _CSRF_INPUT.search(page.decode())
    if status != 200 or token is None:
        raise RuntimeError(f"sign-up page answered {status}")
    status, page_after = who.request("POST", "/accounts/signup/", {
        "csrfmiddlewaretoken": token.group(1), "username": name, "password1": PASSWORD, "password2": PASSWORD,
        "timezone": "Europe/Berlin",
    })
    if status != 302 or "sessionid" not in who.cookies:
        errors = re.findall(r"<li>([^<]+)</li>", page_after.decode(errors="replace"))
        raise RuntimeError(f"sign-up answered {status}: {errors[:3]}")
    status, body = who.request("POST", "/live/recordings/start/", {"kind": "free", "simulated": "true"},
                               {"X-CSRFToken": who.cookies.get("csrftoken", "")})
    if status != 201:
        raise RuntimeError(f"starting a recording answered {status}: {body[:200]!r}")
    return {"recording": json.loads(body)["id"], "session": who.cookies["sessionid"], "next_k": 0}


def set_up_members(port: int, n: int, parallel: int = 8) -> list[dict[str, Any]]:
    tag = secrets.token_hex(3)
    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(lambda i: sign_up_and_start(port, f"bench-{tag}-{i}"), range(n)))


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

    def pids(self) -> list[int]:
        assert self.proc is not None
        pids = [self.proc.pid]
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
            pids += [int(c) for c in children]
        except OSError:
            pass
        return pids

    def rss_mb(self) -> float:
        """Resident memory of the server process and its worker processes, in MB."""
        total_kb = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total_kb += int(line.split()[1])
            except (OSError, ValueError, IndexError):
                pass
        return total_kb / 1024.0

    def cpu_s(self) -> float:
        """User + system CPU seconds of the server process and its worker processes so far."""
        pids = self.pids()
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
    cpu_marks: list[float] = field(default_factory=list)  # server CPU s at the measured run's start and end
    rss_mb: float = 0.0


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
        for _ in range(PRELOAD_MESSAGES):  # the strap's first 80 s, as a page that was offline resends them
            seq += 1
            await ws.send(json.dumps({"type": "beats", "seq": seq, "rr_ms": [_rr_ms(k + j) for j in range(16)]}))
            k += 16
            while json.loads(await ws.recv()).get("type") != "reading":
                pass

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


async def _run_clients(server: Server, members: list[dict[str, Any]], seconds: int, connect_rate: float) -> Stats:
    stats = Stats()
    loop = asyncio.get_running_loop()
    n = len(members)
    # Everyone connects during the ramp; the measured run starts after it for all of them.
    ramp_s = n / connect_rate + 10.0
    start_at = loop.time() + ramp_s

    def mark() -> None:
        stats.cpu_marks.append(server.cpu_s())
        if len(stats.cpu_marks) == 2:
            stats.rss_mb = server.rss_mb()

    loop.call_at(start_at, mark)
    loop.call_at(start_at + seconds, mark)
    tasks = []
    for i, member in enumerate(members):
        tasks.append(asyncio.create_task(_session(server.port, member, i / n, start_at, seconds, stats)))
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


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


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
                        "ATTUNE_REDIS_KEY_PREFIX": f"bench{secrets.token_hex(3)}"})
        load_before = os.getloadavg()[0]
        print(f"  before: {_load()}", flush=True)
        server = Server(env=env, processes=processes, data_dir=data_dir)
        server.start()
        try:
            t0 = time.monotonic()
            members = set_up_members(server.port, sessions)
            print(f"  {sessions} members signed up over HTTP and their recordings started in "
                  f"{time.monotonic() - t0:.0f} s", flush=True)
            own0 = resource.getrusage(resource.RUSAGE_SELF)
            wall0 = time.monotonic()
            stats = _client_loop(server, members, seconds, connect_rate)
            wall = time.monotonic() - wall0
            own1 = resource.getrusage(resource.RUSAGE_SELF)
            load_after = _load()
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
    run_cpu = stats.cpu_marks[1] - stats.cpu_marks[0] if len(stats.cpu_marks) == 2 else float("nan")
    per_message_ms = 1000.0 * run_cpu / max(1, stats.readings)
    complete = (stats.connect_failures == 0 and stats.dropped == 0 and not stats.errors and stats.missing == 0
                and stats.readings == stats.sent == sessions * seconds)
    fast = p95 < P95_LIMIT_MS
    lean = per_message_ms <= CPU_PER_MESSAGE_LIMIT_MS
    print(f"  messages sent {stats.sent}, readings {stats.readings}, missing {stats.missing}, "
          f"connect failures {stats.connect_failures}, dropped {stats.dropped}, errors {stats.errors or 'none'}")
    top = lat[-1] if lat else 0.0
    print(f"  beat-to-reading latency ms: p50 {p50:.1f}  p95 {p95:.1f}  p99 {p99:.1f}  max {top:.1f}")
    print(f"  server CPU over the {seconds} s run: {run_cpu:.1f} s = {per_message_ms:.3f} ms per answered message "
          f"(goal <= {CPU_PER_MESSAGE_LIMIT_MS} ms); server RSS at the end {stats.rss_mb:.0f} MB")
    print(f"  bench client CPU {client_cpu:.1f} s over {wall:.0f} s (ramp + run); after: {load_after}")
    if load_before > 0.5 * (os.cpu_count() or 1):
        print(f"  NOTE: the machine was busy before this run started (load {load_before:.2f}); these figures "
              f"are an upper bound: run again on a quiet machine")
    verdicts = [("p95", fast, f"{p95:.1f} ms vs < {P95_LIMIT_MS:g} ms"),
                ("CPU per message", lean, f"{per_message_ms:.3f} ms vs <= {CPU_PER_MESSAGE_LIMIT_MS} ms"),
                ("every message answered, no errors", complete, f"{stats.readings}/{sessions * seconds}")]
    for label, ok, detail in verdicts:
        print(f"  {'PASS' if ok else 'FAIL'}: {label}: {detail}", flush=True)
    return fast and lean and complete


@contextmanager
def _maybe_postgres(mode: str) -> Iterator[str]:
    if mode != "redis":
        yield ""
        return
    with _postgres_database() as url:
        yield url


def _client_loop(server: Server, members: list[dict[str, Any]], seconds: int, connect_rate: float) -> Stats:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(_run_clients(server, members, seconds, connect_rate))
    return uvloop.run(_run_clients(server, members, seconds, connect_rate))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["sqlite", "redis", "both"], default="both")
    parser.add_argument("--sessions", type=int, default=0,
                        help="concurrent sessions (default: the goal's, 2000 on SQLite and 4000 on PostgreSQL + Redis)")
    parser.add_argument("--seconds", type=int, default=60, help="measured run length (1 message a second each)")
    parser.add_argument("--connect-rate", type=float, default=100.0, help="new connections a second during ramp-up")
    args = parser.parse_args(argv)
    if not 0 <= args.sessions <= 5000 or not 1 <= args.seconds <= 600:
        parser.error("--sessions must be 1 to 5000 and --seconds 1 to 600")
    results = []
    if args.mode in ("sqlite", "both"):
        n = args.sessions or 2000
        print(f"live websocket, SQLite, 1 server process: {n} sessions x 1 beat/s for {args.seconds} s", flush=True)
        results.append(run_mode("sqlite", n, args.seconds, 1, args.connect_rate))
    if args.mode in ("redis", "both"):
        n = args.sessions or 4000
        print(f"live websocket, PostgreSQL + Redis, 2 server processes: {n} sessions x 1 beat/s for {args.seconds} s",
              flush=True)
        results.append(run_mode("redis", n, args.seconds, 2, args.connect_rate))
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
