"""`attune backup` and `attune restore`, end to end, in subprocesses against real data folders.

A site with two members (journal entries, check-in notes, an uploaded file) is backed up; the
backup is restored into an empty folder, where every member's data is found and journals open
with the restored keys. A wrong passphrase, a damaged file, a mismatched keys file and a folder
that is not empty are refused with a clear message, and nothing is written.
"""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

from attune.backup import DecryptingReader

PASSPHRASE = "correct horse battery staple 71"
MEMBERS = {
    "olive": ("Olive's journal: the river was loud at 6:12.", "Olive's note: tight jaw, 3391."),
    "oscar": ("Oscar's journal: bread rising, 8870 seconds.", "Oscar's note: warm hands, 4412."),
}
UPLOAD = b"timestamp,rr\n0,812\n812,798\n"

WRITE = f"""
import django; django.setup()
from django.contrib.auth import get_user_model
from django.conf import settings
from attune.web.journal.actions import write_entry
from attune.web.checkins.models import CheckIn
from django.utils import timezone
for name, (journal, note) in {MEMBERS!r}.items():
    user = get_user_model().objects.create_user(name, name + "@example.test", "a long passphrase here")
    write_entry(user, body=journal)
    c = CheckIn(user=user, created_at=timezone.now(), state="settled", felt_safety=6, breath=3, muscles=3,
                attention=3, felt_connection=6)
    c.note = note
    c.save()
(settings.DATA_DIR / "imports").mkdir(exist_ok=True)
(settings.DATA_DIR / "imports" / "upload-1.csv").write_bytes({UPLOAD!r})
"""

READ = """
import django; django.setup()
from django.contrib.auth import get_user_model
for user in get_user_model().objects.order_by("username"):
    for entry in user.journal_entries.all():
        print(f"{user.username} JOURNAL={entry.text}")
    for c in user.checkins.all():
        print(f"{user.username} NOTE={c.note}")
"""


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
    env.update(
        ATTUNE_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="attune.web.settings",
        PYTHONPATH=os.pathsep.join(p for p in [os.environ.get("PYTHONPATH", ""), str(Path.cwd())] if p),
        **extra,
    )
    return env


def _run(data_dir: Path, *args: str, ok: bool = True, **extra: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, *args], env=_env(data_dir, **extra), capture_output=True, text=True, timeout=180, check=False
    )
    if ok:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def _attune(data_dir: Path, *args: str, ok: bool = True, **extra: str) -> subprocess.CompletedProcess[str]:
    return _run(data_dir, "-m", "attune.cli", *args, ok=ok, **extra)


@pytest.fixture(scope="module")
def backup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("backup")
    site = root / "site"
    _attune(site, "manage", "migrate", "--no-input", "-v", "0")
    _run(site, "-c", WRITE)
    done = _attune(
        site,
        "backup",
        "-o",
        str(root / "out"),
        "--keys-output",
        str(root / "vault"),
        ATTUNE_BACKUP_PASSPHRASE=PASSPHRASE,
    )
    (data,) = (root / "out").glob("*.attune-data")
    (keys,) = (root / "vault").glob("*.attune-keys")
    assert "sqlite database, 1 files" in done.stdout
    return {"root": root, "site": site, "data": data, "keys": keys}


def _restore(backup: dict[str, Path], target: Path, *extra: str, passphrase: str = PASSPHRASE) -> Any:
    return _attune(
        target,
        "restore",
        str(backup["data"]),
        "--keys",
        str(backup["keys"]),
        *extra,
        ok=False,
        ATTUNE_BACKUP_PASSPHRASE=passphrase,
    )


def test_a_restore_into_an_empty_folder_brings_back_every_member_with_journals_readable(
    backup: dict[str, Path], tmp_path: Path
) -> None:
    target = tmp_path / "new-site"
    done = _restore(backup, target)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    for name in ("attune.sqlite3", "journal.keys", "secret_key", "imports/upload-1.csv"):
        assert stat.S_IMODE((target / name).stat().st_mode) == 0o600, name
    assert (target / "imports" / "upload-1.csv").read_bytes() == UPLOAD
    assert (target / "journal.keys").read_bytes() == (backup["site"] / "journal.keys").read_bytes()
    out = _run(target, "-c", READ).stdout  # no ATTUNE_JOURNAL_KEYS: the restored key file opens them
    for name, (journal, note) in MEMBERS.items():
        assert f"{name} JOURNAL={journal}" in out
        assert f"{name} NOTE={note}" in out


def test_the_data_file_alone_holds_no_key_and_no_readable_journal(backup: dict[str, Path]) -> None:
    raw = backup["data"].read_bytes()
    with backup["data"].open("rb") as source:
        plain = DecryptingReader(source, PASSPHRASE, "data").read()
    assert b"olive" not in raw and b"olive" in plain  # encrypted as a whole; the database is inside
    key_file = (backup["site"] / "journal.keys").read_text()
    key_b64 = next(line for line in key_file.splitlines() if not line.startswith("#")).split(":", 1)[1]
    secret = (backup["site"] / "secret_key").read_text().strip()
    for needle in (key_b64, secret, *[text for pair in MEMBERS.values() for text in pair]):
        assert needle.encode() not in plain
    with tarfile.open(fileobj=io.BytesIO(plain)) as archive:
        names = archive.getnames()
    assert "journal.keys" not in " ".join(names) and "secret_key" not in " ".join(names)


def test_a_wrong_passphrase_is_refused_and_nothing_is_written(backup: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "new-site"
    done = _restore(backup, target, passphrase="not the passphrase at all")
    assert done.returncode == 2
    assert "the passphrase does not open" in done.stderr and "Nothing was changed" in done.stderr
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_a_damaged_or_cut_short_backup_is_refused_and_nothing_is_written(
    backup: dict[str, Path], tmp_path: Path
) -> None:
    raw = backup["data"].read_bytes()
    for label, broken in (("cut", raw[: len(raw) - 100]), ("flipped", raw[:-50] + bytes([raw[-50] ^ 1]) + raw[-49:])):
        copy = tmp_path / f"{label}.attune-data"
        copy.write_bytes(broken)
        target = tmp_path / f"site-{label}"
        done = _attune(
            target,
            "restore",
            str(copy),
            "--keys",
            str(backup["keys"]),
            ok=False,
            ATTUNE_BACKUP_PASSPHRASE=PASSPHRASE,
        )
        assert done.returncode == 2, label
        assert "damaged" in done.stderr or "cut short" in done.stderr, done.stderr
        assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.attune-data", "flipped.attune-data"]


def test_a_folder_that_is_not_empty_is_refused_unless_forced(backup: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "something.txt").write_text("keep me")
    done = _restore(backup, target)
    assert done.returncode == 2 and "is not empty" in done.stderr
    assert [p.name for p in target.iterdir()] == ["something.txt"]
    forced = _restore(backup, target, "--force")
    assert forced.returncode == 0, forced.stderr
    assert (target / "attune.sqlite3").exists() and not (target / "something.txt").exists()
    (aside,) = tmp_path.glob("busy-before-restore-*")
    assert (aside / "something.txt").read_text() == "keep me"


def test_a_keys_file_from_another_backup_is_refused(backup: dict[str, Path], tmp_path: Path) -> None:
    other = tmp_path / "other"
    _attune(backup["site"], "backup", "-o", str(other), ATTUNE_BACKUP_PASSPHRASE=PASSPHRASE)
    (other_keys,) = other.glob("*.attune-keys")
    target = tmp_path / "site"
    done = _attune(
        target, "restore", str(backup["data"]), "--keys", str(other_keys), ok=False, ATTUNE_BACKUP_PASSPHRASE=PASSPHRASE
    )
    assert done.returncode == 2 and "belongs to another backup" in done.stderr
    assert not target.exists()


def test_a_short_passphrase_and_a_backup_inside_the_data_folder_are_refused(backup: dict[str, Path]) -> None:
    short = _attune(
        backup["site"], "backup", "-o", str(backup["root"] / "x"), ok=False, ATTUNE_BACKUP_PASSPHRASE="short"
    )
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
    inside = _attune(
        backup["site"], "backup", "-o", str(backup["site"] / "b"), ok=False, ATTUNE_BACKUP_PASSPHRASE=PASSPHRASE
    )
    assert inside.returncode == 2 and "outside the data folder" in inside.stderr


@pytest.mark.services
def test_a_postgresql_site_is_backed_up_with_pg_dump_and_restored_into_an_empty_database(tmp_path: Path) -> None:
    from tests.web.service_helpers import fresh_postgres_database

    with fresh_postgres_database("bksrc") as source_url, fresh_postgres_database("bkdst") as target_url:
        site, target = tmp_path / "site", tmp_path / "restored"
        _attune(site, "manage", "migrate", "--no-input", "-v", "0", ATTUNE_DATABASE_URL=source_url)
        _run(site, "-c", WRITE, ATTUNE_DATABASE_URL=source_url)
        made = _attune(site, "backup", "-o", str(tmp_path / "out"), ATTUNE_DATABASE_URL=source_url, **_PASS)
        assert "postgresql database" in made.stdout
        (data,) = (tmp_path / "out").glob("*.attune-data")
        restored = _attune(target, "restore", str(data), ok=False, ATTUNE_DATABASE_URL=target_url, **_PASS)
        assert restored.returncode == 0, restored.stderr
        out = _run(target, "-c", READ, ATTUNE_DATABASE_URL=target_url).stdout
        for name, (journal, note) in MEMBERS.items():
            assert f"{name} JOURNAL={journal}" in out and f"{name} NOTE={note}" in out
        # A database that is not empty is refused, and left as it was.
        again = _attune(tmp_path / "third", "restore", str(data), ok=False, ATTUNE_DATABASE_URL=target_url, **_PASS)
        assert again.returncode == 2 and "is not empty" in again.stderr
        assert not (tmp_path / "third").exists()


_PASS = {"ATTUNE_BACKUP_PASSPHRASE": PASSPHRASE}
