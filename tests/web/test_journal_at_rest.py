"""Journal text on disk: sealed in the real SQLite file, plain in the member's export, kept across a key rotation.

These tests run attune in subprocesses against a file-backed database in a temporary data folder
(pytest-django's own test database lives in memory, so its bytes cannot be inspected).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ANSWER = "The heron stood by the weir at 7:41 and I breathed out slowly."
PROMPT_ANSWER = "On the ferry with my brother, shoulders low, 3308 gulls."
TITLE = "Heron morning, unmistakable 5219"
OLD = "old:" + base64.urlsafe_b64encode(bytes(range(32))).decode().rstrip("=")
NEW = "new:" + base64.urlsafe_b64encode(bytes(range(32, 64))).decode().rstrip("=")

WRITE = f"""
import django; django.setup()
from django.contrib.auth import get_user_model
from attune.web.journal.actions import write_entry
user = get_user_model().objects.create_user("heronwatcher", "h@example.test", "a long passphrase here")
write_entry(user, title={TITLE!r}, body={ANSWER!r})
# and an answer to the built-in workbook's first prompt, through the same path as the day page
from attune.web.journal.actions import answer_prompt
from attune.web.workbooks import actions
from attune.web.workbooks.models import Workbook
actions.sync_builtin()
enrolment = actions.enrol_self_paced(user, Workbook.objects.get(slug="coming-home-to-safety"))
prompt = enrolment.version.content.day(1).prompts[0]
answer_prompt(user, workbook_slug="coming-home-to-safety", workbook_version=enrolment.version.number, day=1,
              prompt=prompt, body={PROMPT_ANSWER!r})
"""

READ = """
import django; django.setup()
from attune.web.journal.models import JournalEntry
for entry in JournalEntry.objects.filter(user__username="heronwatcher").order_by("pk"):
    print("KEY=" + entry.key_id)
    print("TEXT=" + entry.text)
"""


def _env(data_dir: Path, keys: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
    env.update(
        ATTUNE_DATA_DIR=str(data_dir),
        ATTUNE_SECRET_KEY="test-only-secret-key-for-the-journal-at-rest-test",
        ATTUNE_JOURNAL_KEYS=keys,
        DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "attune.web.settings"),
        PYTHONPATH=os.pathsep.join(p for p in [os.environ.get("PYTHONPATH", ""), str(Path.cwd())] if p),
    )
    return env


def _run(data_dir: Path, keys: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], env=_env(data_dir, keys), capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _attune(data_dir: Path, keys: str, *args: str) -> str:
    return _run(data_dir, keys, "-m", "attune.cli", *args)


def _database_bytes(data_dir: Path) -> bytes:
    """The database file and whatever write-ahead log and shared-memory files sit beside it."""
    files = [data_dir / name for name in ("attune.sqlite3", "attune.sqlite3-wal", "attune.sqlite3-shm")]
    return b"".join(path.read_bytes() for path in files if path.exists())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("attune-data")
    _attune(data_dir, OLD, "manage", "migrate", "--run-syncdb", "--no-input", "-v", "0")
    _run(data_dir, OLD, "-c", WRITE)
    return data_dir


def _copy(site: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    return copy


def test_the_answer_cannot_be_read_in_the_database_file(site: Path) -> None:
    raw = _database_bytes(site)
    assert b"heronwatcher" in raw  # the search does look at the right bytes: plain columns are there
    assert b"a-moment-of-ease" in raw  # ... including the prompt answer's row
    for needle in (ANSWER, "heron stood by the weir", TITLE, "unmistakable 5219", PROMPT_ANSWER, "3308 gulls"):
        for encoding in ("utf-8", "utf-16-le"):
            assert needle.encode(encoding) not in raw


def test_no_journal_key_is_kept_in_the_database_file(site: Path) -> None:
    raw = _database_bytes(site)
    key_b64 = OLD.split(":", 1)[1]
    assert key_b64.encode() not in raw
    assert bytes(range(32)) not in raw


def test_the_members_export_has_the_answer_in_plain_text(site: Path, tmp_path: Path) -> None:
    data_dir = _copy(site, tmp_path)
    out = tmp_path / "export.zip"
    _attune(data_dir, OLD, "export", "heronwatcher", "-o", str(out))
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        document = json.loads(archive.read("attune-export.json"))
        csv_text = archive.read(next(n for n in names if n.endswith("journal_entries.csv"))).decode("utf-8")
    rows = document["tables"]["journal_entries"]
    found = sorted((r["title"], r["text"], r["kind"]) for r in rows)
    assert found == [("", PROMPT_ANSWER, "prompt"), (TITLE, ANSWER, "free")]
    assert ANSWER in csv_text and PROMPT_ANSWER in csv_text


def test_the_answer_survives_a_key_rotation(site: Path, tmp_path: Path) -> None:
    data_dir = _copy(site, tmp_path)
    assert "KEY=old" in _run(data_dir, OLD, "-c", READ)

    report = _attune(data_dir, f"{NEW},{OLD}", "manage", "rotatejournalkeys")
    assert "re-encrypted 2, already current 0" in report
    assert "no entry uses 'old' any more" in report
    again = _attune(data_dir, f"{NEW},{OLD}", "manage", "rotatejournalkeys")
    assert "re-encrypted 0, already current 2" in again

    after = _run(data_dir, NEW, "-c", READ)  # the old key is gone from the environment
    assert after.count("KEY=new") == 2
    assert f"TEXT={ANSWER}" in after and f"TEXT={PROMPT_ANSWER}" in after
    assert ANSWER.encode() not in _database_bytes(data_dir)
    assert PROMPT_ANSWER.encode() not in _database_bytes(data_dir)


def test_rotation_stops_with_a_clear_message_when_a_key_is_missing(site: Path, tmp_path: Path) -> None:
    data_dir = _copy(site, tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "attune.cli", "manage", "rotatejournalkeys"],
        env=_env(data_dir, NEW),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode != 0
    assert "keys that are not in the keyring: 'old' (2 entries)" in done.stderr
    assert ANSWER not in done.stderr + done.stdout
