"""Check-in notes on disk: sealed in the real SQLite file (old plain notes too, once migrated),
plain in the member's export, and kept across a key rotation with journal entries and intake answers.

Like test_journal_at_rest, these run attune in subprocesses against a file-backed database.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

OLD_NOTE = "Plain since before the seal: quince jam 8842 at grandmother's."
NEW_NOTE = "Written after the seal: the kettle sang 5117 times."
SECRET_ANSWER = "my left knee was operated on in March 6031"
OLD = "old:" + base64.urlsafe_b64encode(bytes(range(32))).decode().rstrip("=")
NEW = "new:" + base64.urlsafe_b64encode(bytes(range(32, 64))).decode().rstrip("=")

WRITE = f"""
import django; django.setup()
import datetime as dt
from django.contrib.auth import get_user_model
from django.test import Client
from attune.web.retreats import actions
from attune.web.retreats.models import Answer, Retreat, Status
User = get_user_model()
user = User.objects.get(username="quincewriter")
client = Client(HTTP_HOST="localhost")
client.force_login(user)
answer = client.post("/checkins/new/", {{"state": "settled", "felt_safety": "7", "breath": "3", "muscles": "3",
                                        "attention": "3", "felt_connection": "5", "note": {NEW_NOTE!r}}})
assert answer.status_code == 302, answer.status_code
guide = User.objects.create_user("lakeguide", "g@example.test", "a long passphrase here", is_guide=True)
day = dt.date.today() + dt.timedelta(days=60)
retreat = Retreat.objects.create(guide=guide, title="Lake", description="d", place="p", starts_on=day,
    ends_on=day + dt.timedelta(days=2), timezone="UTC", capacity=5, price="0", status=Status.PUBLISHED)
actions.apply(user, retreat, [Answer("safety", "Anything to know?", {SECRET_ANSWER!r})])
"""

READ = """
import django; django.setup()
from attune.web.checkins.models import CheckIn
from attune.web.retreats.models import Application
for c in CheckIn.objects.filter(user__username="quincewriter").order_by("created_at"):
    print("KEY=" + c.note_key_id)
    print("NOTE=" + c.note)
for a in Application.objects.all():
    print("INTAKE-KEY=" + a.key_id)
    print("INTAKE=" + a.answers()[0].answer)
"""


def _env(data_dir: Path, keys: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
    env.update(
        ATTUNE_DATA_DIR=str(data_dir),
        ATTUNE_SECRET_KEY="test-only-secret-key-for-the-notes-at-rest-test",
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
    files = [data_dir / name for name in ("attune.sqlite3", "attune.sqlite3-wal", "attune.sqlite3-shm")]
    return b"".join(path.read_bytes() for path in files if path.exists())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database from before notes were sealed, with a plain note in it, then migrated; then a new note."""
    data_dir = tmp_path_factory.mktemp("attune-notes")
    _attune(data_dir, OLD, "manage", "migrate", "checkins", "0002", "--no-input", "-v", "0")
    _run(
        data_dir,
        OLD,
        "-c",
        "import django; django.setup()\n"
        "from django.contrib.auth import get_user_model\n"
        "get_user_model().objects.create_user('quincewriter', 'q@example.test', 'a long passphrase here')\n",
    )
    with sqlite3.connect(data_dir / "attune.sqlite3") as db:
        (user_id,) = db.execute("SELECT id FROM accounts_user WHERE username = 'quincewriter'").fetchone()
        db.execute(
            "INSERT INTO checkins_checkin (user_id, created_at, updated_at, state, felt_safety, breath, muscles,"
            " attention, felt_connection, body_area, context, note, both_opt_in)"
            " VALUES (?, '2026-01-02 08:00:00', '2026-01-02 08:00:00', 'settled', 6, 3, 3, 3, 6, '', '', ?, 0)",
            (user_id, OLD_NOTE),
        )
    assert OLD_NOTE.encode() in _database_bytes(data_dir)  # the search below looks at the right bytes
    _attune(data_dir, OLD, "manage", "migrate", "--no-input", "-v", "0")
    _run(data_dir, OLD, "-c", WRITE)
    return data_dir


def test_no_note_can_be_read_in_the_database_file(site: Path) -> None:
    raw = _database_bytes(site)
    assert b"quincewriter" in raw
    for needle in (OLD_NOTE, "quince jam 8842", NEW_NOTE, "kettle sang 5117"):
        for encoding in ("utf-8", "utf-16-le"):
            assert needle.encode(encoding) not in raw, needle


def test_both_notes_open_with_the_key(site: Path) -> None:
    out = _run(site, OLD, "-c", READ)
    assert f"NOTE={OLD_NOTE}" in out and f"NOTE={NEW_NOTE}" in out
    assert out.splitlines().count("KEY=old") == 2


def test_the_members_export_has_the_notes_in_plain_text(site: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "copy"
    shutil.copytree(site, data_dir)
    out = tmp_path / "export.zip"
    _attune(data_dir, OLD, "export", "quincewriter", "-o", str(out))
    with zipfile.ZipFile(out) as archive:
        document = json.loads(archive.read("attune-export.json"))
    assert sorted(r["note"] for r in document["tables"]["checkins"]) == sorted([OLD_NOTE, NEW_NOTE])


def test_a_key_rotation_reseals_notes_and_intake_answers_too(site: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "copy"
    shutil.copytree(site, data_dir)
    report = _attune(data_dir, f"{NEW},{OLD}", "manage", "rotatejournalkeys")
    assert "check-in notes: current key 'new': re-encrypted 2" in report
    assert "intake answers: current key 'new': re-encrypted 1" in report
    assert "no entry uses 'old' any more" in report
    after = _run(data_dir, NEW, "-c", READ)  # the old key is gone
    assert f"NOTE={OLD_NOTE}" in after and f"NOTE={NEW_NOTE}" in after
    assert f"INTAKE={SECRET_ANSWER}" in after
    assert "KEY=old" not in after.splitlines() and "INTAKE-KEY=old" not in after.splitlines()
