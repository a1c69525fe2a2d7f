"""The real worker, started by `attune serve` beside the server: it runs queued jobs and stops with it.

Once on the embedded default (SQLite, with a SQLite queue) and once scaled out (PostgreSQL, with
the queue in Redis under the server's key prefix). The scaled-out one needs the local services
and fails, saying so, if they are down: it never skips.
"""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from service_helpers import REDIS_URL, fresh_postgres_database, redis_key_prefix, server_class

# Run inside `attune manage shell`: a member whose recording has had no beats for 31 minutes, then
# the close-stale job queued by hand (the worker would otherwise queue it at the next minute).
LEAVE_A_RECORDING_OPEN = """
import datetime as dt
from django.contrib.auth import get_user_model
from django.utils import timezone
from attune.web.physio import actions
from attune.web.physio.models import Recording
from attune.web.physio.tasks import close_stale_recordings
sam = get_user_model().objects.create_user("sam", "sam@example.test", "a calm long passphrase")
rec = actions.start_recording(sam)
actions.append_beats(rec, 1, [812.0, 790.0, 805.0])
abandoned = timezone.now() - actions.STALE_AFTER - dt.timedelta(minutes=1)
Recording.objects.filter(pk=rec.pk).update(updated_at=abandoned)
close_stale_recordings()
print(f"recording={rec.pk}")
"""

REPO = Path(__file__).resolve().parents[2]
# The embedded default, even when the suite itself runs against PostgreSQL and Redis (make test-pg).
EMBEDDED = {"ATTUNE_DATABASE_URL": "", "ATTUNE_REDIS_URL": ""}

Query = Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]


def _sqlite(path: Path) -> Query:
    def query(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with sqlite3.connect(path, timeout=10) as conn:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()

    return query


def _postgres(url: str) -> Query:
    def query(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as conn:
            return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]

    return query


def _eventually(check: Callable[[], bool], what: str, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"the worker did not get there within {timeout_s:.0f} s: {what}")
        time.sleep(0.2)


def _workers_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(fields[1]) == pid and b"worker" in cmdline:
            found.append(int(stat.parent.name))
    return found


QUEUE_A_SYNC = "from attune.web.workbooks.tasks import queue_sync_builtin; queue_sync_builtin()"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _the_worker_runs_jobs_and_stops_with_the_server(server: Any, query: Query) -> None:
    [worker] = _workers_of(server.proc.pid)
    # `attune serve` synced the built-in content before serving, recorded as a job.
    _eventually(
        lambda: (
            query("SELECT state, percent FROM jobs_job WHERE kind = %s", ("workbooks.sync_builtin",)) == [("done", 100)]
        ),
        "the start-up content sync job done at 100%",
    )
    assert query("SELECT count(*) FROM workbooks_workbookversion", ()) == [(1,)]

    printed = server.manage("shell", "-c", LEAVE_A_RECORDING_OPEN)
    match = re.search(r"recording=(\d+)", printed)
    assert match, printed
    recording = int(match.group(1))
    _eventually(
        lambda: (
            query("SELECT beats FROM physio_recording WHERE id = %s AND ended_at IS NOT NULL", (recording,)) == [(3,)]
        ),
        "the abandoned recording finished with its three beats",
    )

    server.stop()
    _eventually(lambda: not _alive(worker), "the worker stopped with the server", timeout_s=5)


def test_the_worker_runs_jobs_from_a_sqlite_queue(tmp_path: Path) -> None:
    server = server_class()(tmp_path, extra_env=EMBEDDED)
    try:
        assert (tmp_path / "tasks.sqlite3").stat().st_mode & 0o777 == 0o600
        _the_worker_runs_jobs_and_stops_with_the_server(server, _sqlite(tmp_path / "attune.sqlite3"))
    finally:
        server.stop()


@pytest.mark.services
def test_the_worker_runs_jobs_from_redis_against_postgresql(tmp_path: Path) -> None:
    with fresh_postgres_database("worker") as database, redis_key_prefix() as prefix:
        env = {"ATTUNE_DATABASE_URL": database, "ATTUNE_REDIS_URL": REDIS_URL, "ATTUNE_REDIS_KEY_PREFIX": prefix}
        server = server_class()(tmp_path, extra_env=env, processes=2)
        try:
            assert not (tmp_path / "tasks.sqlite3").exists()  # the queue is in Redis
            _the_worker_runs_jobs_and_stops_with_the_server(server, _postgres(database))
        finally:
            server.stop()


def test_a_server_started_without_a_worker_leaves_jobs_for_attune_worker(tmp_path: Path) -> None:
    server = server_class()(tmp_path, extra_env=EMBEDDED, extra_args=("--no-worker",))
    query = _sqlite(tmp_path / "attune.sqlite3")
    try:
        assert _workers_of(server.proc.pid) == []
        assert query("SELECT state FROM jobs_job", ()) == [("done",)]  # the start-up sync, run by serve
        server.manage("shell", "-c", QUEUE_A_SYNC)
        assert query("SELECT state FROM jobs_job ORDER BY created_at", ()) == [("done",), ("queued",)]
        worker = subprocess.Popen(
            [sys.executable, "-m", "attune.cli", "worker"],
            cwd=REPO,
            env=server.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _eventually(
                lambda: query("SELECT state FROM jobs_job", ()) == [("done",), ("done",)],
                "the job done by attune worker",
            )
        finally:
            worker.send_signal(signal.SIGINT)
            assert worker.wait(10) == 0
    finally:
        server.stop()
