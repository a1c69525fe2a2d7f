"""A worker killed with SIGKILL mid-import loses nothing and stores nothing twice once the job runs again.

A real `attune serve --no-worker` and real `attune worker` processes on SQLite: the first worker is
killed with kill -9 while it is part-way through a large Oura export, a second worker starts, the
stalled import is queued again, and it finishes with every night stored exactly once.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from imports_helpers import oura_csv
from service_helpers import server_class
from test_worker import EMBEDDED, REPO, _alive, _eventually, _sqlite

NIGHTS = 40_000  # 120 000 records: tens of seconds of work, so the kill lands mid-way
STALL_S = 5

START_IMPORT = """
import shutil, uuid
from django.contrib.auth import get_user_model
from attune.web.imports import actions, uploads
sam = get_user_model().objects.create_user("sam", "sam@example.test", "a calm long passphrase")
incoming = uploads.upload_dir() / f"{uuid.uuid4()}.incoming"
shutil.copy(%r, incoming)
imp = actions.start(sam, uploads.StoredUpload(incoming, "sleepmodel.csv", incoming.stat().st_size, None))
print(f"import={imp.pk}")
"""

RESUME = """
from attune.web.imports.tasks import resume_stalled_imports
resume_stalled_imports()  # queued for the worker, as its once-a-minute schedule would
"""


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "attune.cli", "worker"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_a_worker_killed_mid_import_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    export = oura_csv(tmp_path / "sleepmodel.csv", NIGHTS)
    env = {**EMBEDDED, "ATTUNE_IMPORT_STALL_SECONDS": str(STALL_S)}
    server = server_class()(tmp_path, extra_env=env, extra_args=("--no-worker",))
    query = _sqlite(tmp_path / "attune.sqlite3")
    first = second = None
    try:
        printed = server.manage("shell", "-c", START_IMPORT % str(export))
        import_id = printed.split("import=")[1].strip().replace("-", "")

        def progress() -> tuple[int, int, int]:
            [(read, added, percent)] = query(
                "SELECT i.records_read, i.added, j.percent FROM imports_import i JOIN jobs_job j ON j.id = i.job_id "
                "WHERE i.id = %s", (import_id,))
            return int(read), int(added), int(percent)

        first = _worker(server.env)
        _eventually(lambda: progress()[0] >= 3000, "the first worker part-way through the file", timeout_s=60)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert not _alive(first.pid)

        read, added, percent = progress()
        assert 0 < read < 3 * NIGHTS and percent < 100, "the kill must land mid-import"
        stored = query("SELECT (SELECT count(*) FROM imports_measurement) + (SELECT count(*) FROM imports_sleep)", ())
        assert stored == [(added,)], "each batch and the import's counters commit together"
        assert (tmp_path / "imports").exists() and any((tmp_path / "imports").iterdir()), "the upload waits"

        time.sleep(STALL_S + 1)  # the import has now reported nothing for longer than the stall limit
        second = _worker(server.env)
        server.manage("shell", "-c", RESUME)
        _eventually(lambda: query("SELECT state FROM imports_import", ()) == [("done",)],
                    "the import finished by the second worker", timeout_s=240)

        assert query("SELECT records_read, added, duplicates, skipped FROM imports_import", ()) == [
            (3 * NIGHTS, 3 * NIGHTS, 0, 0)
        ]
        per_kind = "SELECT kind, count(*), count(DISTINCT key) FROM imports_measurement GROUP BY kind ORDER BY kind"
        assert query(per_kind, ()) == [("resting_hr", NIGHTS, NIGHTS), ("rmssd", NIGHTS, NIGHTS)]
        assert query("SELECT count(*), count(DISTINCT key) FROM imports_sleep", ()) == [(NIGHTS, NIGHTS)]
        assert query("SELECT state, percent FROM jobs_job WHERE kind = %s", ("imports.import",)) == [("done", 100)]
        assert not any((tmp_path / "imports").iterdir()), "the upload is deleted once imported"
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGINT)
                worker.wait(20)
        server.stop()
