"""`attune backup` and `attune restore`: the whole site in two encrypted files, and back.

A backup is two files made together:

* ``NAME.attune-data``: the database (SQLite through its online backup API, or PostgreSQL through
  ``pg_dump``) and the files in the data folder (uploads), as a tar stream;
* ``NAME.attune-keys``: the journal keyring (which seals journal text, check-in notes and intake
  answers) and the secret key.

Keep them apart: the data file alone cannot open a journal, whoever holds it. Each file is
encrypted with a key derived from a passphrase (scrypt) in chunks of 1 MiB with AES-256-GCM, so
neither backing up nor restoring holds a large file in memory. A chunk's nonce carries its number
and whether it is the last, and every chunk is bound to the file's header: a reordered, cut-short
or altered file does not open. See docs/backup.md.

Restoring needs no Django: it runs before attune has ever started on the new machine, into an
empty data folder, and writes nothing there until both files have been read and checked whole.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import secrets
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlparse

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"ATTUNEBK"
FORMAT = "attune-backup/1"
CHUNK = 1024 * 1024
SCRYPT_N = 2**15  # about 32 MiB and a tenth of a second: cheap once, dear for a guesser
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSPHRASE = 12
MAX_HEADER = 4096
DATA_SUFFIX = ".attune-data"
KEYS_SUFFIX = ".attune-keys"
DB_NAME = "attune.sqlite3"
# What in the data folder is not copied as a plain file: the database (copied through SQLite's
# backup API), the keys (in the keys file), and what attune makes again (the job queue, temporary
# uploads, collected static files).
SKIP_FILES = {
    DB_NAME,
    f"{DB_NAME}-wal",
    f"{DB_NAME}-shm",
    "journal.keys",
    "secret_key",
    "tasks.sqlite3",
    "tasks.sqlite3-wal",
    "tasks.sqlite3-shm",
}
SKIP_DIRS = {"tmp", "static"}


class BackupError(Exception):
    """Something a person can act on: a wrong passphrase, a damaged file, a folder that is not empty."""


# ------------------------------------------------------------------ the encrypted stream


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> tuple[bytes, str]:
    """The AES key, and a short check value that tells a wrong passphrase from a damaged file."""
    material = Scrypt(salt=salt, length=64, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return material[:32], hashlib.sha256(material[32:]).hexdigest()[:32]


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


class EncryptingWriter(io.RawIOBase):
    """A write-only file that encrypts what is written to ``sink`` in authenticated chunks."""

    def __init__(self, sink: IO[bytes], passphrase: str, kind: str, backup_id: str) -> None:
        super().__init__()
        salt = secrets.token_bytes(16)
        key, check = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        self._prefix = secrets.token_bytes(7)
        header = {
            "format": FORMAT,
            "kind": kind,
            "backup_id": backup_id,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
            "cipher": "AES-256-GCM",
            "chunk": CHUNK,
            "nonce_prefix": _b64(self._prefix),
            "check": check,
        }
        self._header = json.dumps(header, sort_keys=True).encode("ascii")
        self._aead = AESGCM(key)
        self._sink = sink
        self._buffer = bytearray()
        self._counter = 0
        sink.write(MAGIC + struct.pack(">I", len(self._header)) + self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = bytes(data)
        self._buffer += view
        while len(self._buffer) > CHUNK:  # keep at least one byte back: the last chunk is marked
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(view)

    def _emit(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter, last), plain, self._header)
        self._sink.write(struct.pack(">I", len(sealed)) + sealed)
        self._counter += 1

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._sink.flush()
        super().close()


@dataclass(frozen=True)
class Header:
    kind: str
    backup_id: str
    created_at: str


class DecryptingReader(io.RawIOBase):
    """A read-only file of the plain bytes of an encrypted backup; raises BackupError on anything wrong."""

    def __init__(self, source: IO[bytes], passphrase: str, name: str) -> None:
        super().__init__()
        self._source = source
        self._name = name
        if source.read(len(MAGIC)) != MAGIC:
            raise BackupError(f"{name} is not an attune backup")
        (length,) = struct.unpack(">I", self._exactly(4))
        if not 0 < length <= MAX_HEADER:
            raise BackupError(f"{name} is damaged (its header)")
        self._header = self._exactly(length)
        try:
            meta = json.loads(self._header)
            kdf = meta["kdf"]
            if meta["format"] != FORMAT or kdf["name"] != "scrypt":
                raise BackupError(f"{name} was made by another version of attune ({meta['format']})")
            n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
            if not (2**10 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16):
                raise BackupError(f"{name} is damaged (its key settings)")
            key, check = _derive(passphrase, base64.b64decode(kdf["salt"]), n, r, p)
            self._prefix = base64.b64decode(meta["nonce_prefix"])
            self.header = Header(str(meta["kind"]), str(meta["backup_id"]), str(meta["created_at"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise BackupError(f"{name} is damaged (its header)") from exc
        if not secrets.compare_digest(check, str(meta["check"])):
            raise BackupError(f"the passphrase does not open {name}")
        self._aead = AESGCM(key)
        self._counter = 0
        self._plain = b""
        self._done = False

    def _exactly(self, n: int) -> bytes:
        data = self._source.read(n)
        if len(data) != n:
            raise BackupError(f"{self._name} is cut short")
        return data

    def readable(self) -> bool:
        return True

    @property
    def finished(self) -> bool:
        """Whether the last chunk (the one marked last) was read and opened."""
        return self._done and not self._plain

    def _next_chunk(self) -> None:
        (length,) = struct.unpack(">I", self._exactly(4))
        if length > CHUNK + 16:
            raise BackupError(f"{self._name} is damaged (chunk {self._counter})")
        sealed = self._exactly(length)
        for last in (False, True):
            try:
                self._plain = self._aead.decrypt(_nonce(self._prefix, self._counter, last), sealed, self._header)
            except InvalidTag:
                continue
            self._counter += 1
            if last:
                self._done = True
                if self._source.read(1):
                    raise BackupError(f"{self._name} has bytes after its end")
            return
        raise BackupError(f"{self._name} is damaged (chunk {self._counter} does not open)")

    def readinto(self, target: Any) -> int:
        view = memoryview(target).cast("B")
        while not self._plain and not self._done:
            self._next_chunk()
        n = min(len(view), len(self._plain))
        view[:n] = self._plain[:n]
        self._plain = self._plain[n:]
        return n


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


# ------------------------------------------------------------------ making a backup


@dataclass(frozen=True)
class Made:
    data: Path
    keys: Path
    database: str
    files: int


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def _data_files(data_dir: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(data_dir):
        here = Path(root)
        if here == data_dir:
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        else:
            dirs.sort()
        for name in sorted(files):
            path = here / name
            if here == data_dir and name in SKIP_FILES:
                continue
            if name.startswith(".journal-keys-") or path.is_symlink() or not path.is_file():
                continue
            yield path


def _private_output(path: Path) -> IO[bytes]:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


def make_backup(
    *,
    data_dir: Path,
    database: dict[str, Any],
    keyring_text: str,
    secret_key: str,
    key_ids: list[str],
    passphrase: str,
    out_dir: Path,
    keys_dir: Path | None = None,
) -> Made:
    """Write ``NAME.attune-data`` into ``out_dir`` and ``NAME.attune-keys`` into ``keys_dir`` (default the same)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(f"the passphrase must be at least {MIN_PASSPHRASE} characters")
    keys_dir = keys_dir or out_dir
    for folder in (out_dir, keys_dir):
        folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    backup_id = str(uuid.uuid4())
    data_path = out_dir / f"attune-{stamp}{DATA_SUFFIX}"
    keys_path = keys_dir / f"attune-{stamp}{KEYS_SUFFIX}"
    engine = "postgresql" if "postgresql" in str(database.get("ENGINE", "")) else "sqlite"
    files = 0
    try:
        with tempfile.TemporaryDirectory(prefix=".backup-", dir=data_dir) as staging:
            dump = Path(staging) / ("database.sqlite3" if engine == "sqlite" else "database.pgdump")
            if engine == "sqlite":
                _sqlite_copy(Path(database["NAME"]), dump)
            else:
                _pg_dump(database, dump)
            with _private_output(data_path) as sink:
                writer = EncryptingWriter(sink, passphrase, "data", backup_id)
                with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as archive:
                    names = []
                    archive.add(dump, arcname=f"database/{dump.name}")
                    for path in _data_files(data_dir):
                        if Path(staging) in path.parents:
                            continue
                        rel = path.relative_to(data_dir).as_posix()
                        archive.add(path, arcname=f"files/{rel}")
                        names.append(rel)
                    files = len(names)
                    manifest = {
                        "format": FORMAT,
                        "backup_id": backup_id,
                        "database": engine,
                        "files": names,
                        "journal_key_ids": key_ids,  # ids only: the keys are in the keys file
                    }
                    _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
                writer.close()
        with _private_output(keys_path) as sink:
            writer = EncryptingWriter(sink, passphrase, "keys", backup_id)
            with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as archive:
                _add_bytes(archive, "journal.keys", keyring_text.encode("ascii"))
                _add_bytes(archive, "secret_key", secret_key.encode("utf-8"))
                _add_bytes(archive, "manifest.json", json.dumps({"format": FORMAT, "backup_id": backup_id}).encode())
            writer.close()
    except BaseException:
        for path in (data_path, keys_path):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        raise
    return Made(data_path, keys_path, engine, files)


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (its online backup API, in steps, WAL included)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst, pages=1024)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def _pg_env(database: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if database.get(key):
            env[var] = str(database[key])
    env["PGDATABASE"] = str(database["NAME"])
    return env


def _pg_dump(database: dict[str, Any], target: Path) -> None:
    done = subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)],
        env=_pg_env(database),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()[-500:]}")


# ------------------------------------------------------------------ restoring


@dataclass(frozen=True)
class Restored:
    data_dir: Path
    database: str
    files: int
    created_at: str


def _open_archive(path: Path, passphrase: str, kind: str, staging: Path) -> tuple[Header, dict[str, Any]]:
    """Decrypt and unpack one backup file into ``staging``, checking every chunk and every name."""
    try:
        source = path.open("rb")
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from None
    with source:
        reader = DecryptingReader(source, passphrase, path.name)
        if reader.header.kind != kind:
            raise BackupError(f"{path.name} is a backup's {reader.header.kind} file, not its {kind} file")
        buffered = io.BufferedReader(reader, CHUNK)
        try:
            with tarfile.open(fileobj=buffered, mode="r|") as archive:
                for member in archive:
                    if not (member.isfile() or member.isdir()):
                        raise BackupError(f"{path.name} holds something that is not a plain file")
                    archive.extract(member, staging, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(f"{path.name} is damaged ({exc})") from None
        while buffered.read(CHUNK):  # the tar's own end is followed by padding: read to the last chunk
            pass
        if not reader.finished:
            raise BackupError(f"{path.name} is cut short")
    try:
        manifest = json.loads((staging / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{path.name} has no manifest") from None
    if manifest.get("backup_id") != reader.header.backup_id:
        raise BackupError(f"{path.name} is damaged (its manifest belongs to another backup)")
    return reader.header, manifest


def restore_backup(
    *,
    data_file: Path,
    keys_file: Path,
    passphrase: str,
    data_dir: Path,
    database_url: str = "",
    force: bool = False,
) -> Restored:
    """Restore a backup into ``data_dir`` (empty, or ``force``: its old contents are moved aside first)."""
    if data_dir.exists() and any(data_dir.iterdir()) and not force:
        raise BackupError(
            f"{data_dir} is not empty; restore into an empty data folder, or add --force to move what is "
            "there aside (into a folder beside it) first"
        )
    parent = data_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{data_dir.name}-restore-", dir=parent) as tmp:
        staging = Path(tmp)
        os.chmod(staging, 0o700)
        data_stage, keys_stage = staging / "data", staging / "keys"
        data_stage.mkdir(mode=0o700)
        keys_stage.mkdir(mode=0o700)
        header, manifest = _open_archive(data_file, passphrase, "data", data_stage)
        keys_header, _ = _open_archive(keys_file, passphrase, "keys", keys_stage)
        if keys_header.backup_id != header.backup_id:
            raise BackupError(f"{keys_file.name} belongs to another backup than {data_file.name}")
        engine = str(manifest.get("database"))
        wants_pg = database_url.startswith(("postgres://", "postgresql://"))
        if (engine == "postgresql") != wants_pg:
            raise BackupError(
                f"the backup holds a {engine} database but ATTUNE_DATABASE_URL "
                + ("names PostgreSQL" if wants_pg else "is not set to PostgreSQL")
            )
        # Everything is read and checked: now, and only now, the data folder changes.
        new = staging / "new"
        new.mkdir(mode=0o700)
        files_dir = data_stage / "files"
        if files_dir.exists():
            for entry in files_dir.iterdir():
                entry.rename(new / entry.name)
        for name in ("journal.keys", "secret_key"):
            target = new / name
            (keys_stage / name).rename(target)
            os.chmod(target, 0o600)
        if engine == "sqlite":
            db = data_stage / "database" / "database.sqlite3"
            _check_sqlite(db)
            db.rename(new / DB_NAME)
            os.chmod(new / DB_NAME, 0o600)
        else:
            _pg_restore(database_url, data_stage / "database" / "database.pgdump", force=force)
        for root, dirs, files in os.walk(new):
            for name in dirs:
                os.chmod(Path(root) / name, 0o700)
            for name in files:
                os.chmod(Path(root) / name, 0o600)
        if data_dir.exists() and any(data_dir.iterdir()):
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
            aside = parent / f"{data_dir.name}-before-restore-{stamp}"
            data_dir.rename(aside)
        elif data_dir.exists():
            data_dir.rmdir()
        new.rename(data_dir)
        os.chmod(data_dir, 0o700)
    return Restored(data_dir, engine, len(manifest.get("files", [])), header.created_at)


def _check_sqlite(path: Path) -> None:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (result,) = db.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the database in the backup does not open: {exc}") from None
    finally:
        db.close()
    if result != "ok":
        raise BackupError(f"the database in the backup is damaged: {result}")


def _pg_restore(url: str, dump: Path, *, force: bool) -> None:
    parts = urlparse(url)
    database = {
        "NAME": unquote(parts.path.lstrip("/")) or "attune",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or os.environ.get("ATTUNE_DATABASE_PASSWORD", "")),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
    }
    env = _pg_env(database)
    tables = subprocess.run(
        ["psql", "-At", "-c", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if tables.returncode != 0:
        raise BackupError(f"cannot reach the PostgreSQL database: {tables.stderr.strip()[-300:]}")
    if tables.stdout.strip() not in {"", "0"} and not force:
        raise BackupError(f"the PostgreSQL database {database['NAME']!r} is not empty; add --force to replace it")
    args = ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    if force:
        args += ["--clean", "--if-exists"]
    done = subprocess.run([*args, "--dbname", database["NAME"], str(dump)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing was changed): {done.stderr.strip()[-500:]}")
