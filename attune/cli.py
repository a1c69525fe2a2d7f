"""The `attune` command.

    attune serve [--host H] [--port P] [--processes N] [--no-worker]
                                                         migrate, then serve over ASGI beside a worker
    attune worker                                        run background jobs (serve starts one)
    attune createguide USERNAME [--email E]              make (or promote) a guide
    attune content check [PATH ...]                      validate practices and workbooks
    attune export USERNAME [-o FILE]                     a member's data as a zip (JSON + CSV)
    attune demo                                          a demo member with 90 days of history
    attune backup [-o DIR] [--keys-output DIR]           the database, uploads and keys, encrypted
    attune restore FILE [--keys FILE] [--force]          a backup into an empty data folder
    attune hrv FILE [--json]                             heart-rhythm report for an RR or ECG file
    attune manage ARGS ...                               any Django management command

`hrv` and `content` need only the core install; the others need the web extra.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

SETTINGS = "attune.web.settings"
# How long `attune serve` lets its worker finish the job in hand when stopping, before ending it.
WORKER_STOP_S = 15


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def _serve(args: argparse.Namespace) -> int:
    os.environ["ATTUNE_SERVER_PROCESSES"] = str(args.processes)
    _django()
    from django.conf import settings
    from django.core.management import call_command

    # In deployment mode (ATTUNE_PUBLIC_URL) Django's deployment checks run too, so a weakened
    # setting (ATTUNE_DEBUG, say) is printed at every start; only errors stop the server.
    call_command("check", deploy=settings.DEPLOYED, fail_level="ERROR")
    call_command("migrate", interactive=False, verbosity=1)
    from attune.web.workbooks.tasks import sync_builtin_now

    # Before serving, so the first page already has the built-in content (a job record shows it).
    sync_builtin_now()
    worker = None if args.no_worker else _start_worker()
    import uvicorn

    # uvicorn stops gracefully on SIGTERM and then raises it again; exit through Python instead of
    # dying there, so that the worker is stopped too.
    signal.signal(signal.SIGTERM, _exit_quietly)
    print(f"attune is ready at http://{args.host}:{args.port}/", flush=True)
    try:
        uvicorn.run(
            "attune.web.asgi:application",
            host=args.host,
            port=args.port,
            workers=args.processes,
            log_level="warning",
            ws_max_size=64 * 1024,
            lifespan="off",
        )
    except KeyboardInterrupt:
        pass
    finally:
        if worker is not None:
            _stop_worker(worker)
    return 0


def _exit_quietly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _start_worker() -> subprocess.Popen[bytes]:
    # Its own session: Ctrl-C reaches the server alone, which then stops the worker gracefully.
    return subprocess.Popen(
        [sys.executable, "-m", "attune.cli", "worker", "--parent", str(os.getpid())], start_new_session=True
    )


def _stop_worker(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is not None:
        return
    worker.send_signal(signal.SIGINT)  # Huey's graceful stop: the job in hand finishes
    try:
        worker.wait(WORKER_STOP_S)
    except subprocess.TimeoutExpired:
        worker.terminate()  # Huey stops at once; an interrupted job is logged
        worker.wait()


def _worker(args: argparse.Namespace) -> int:
    _django()
    from django.conf import settings
    from django.core.management import call_command

    if args.parent:
        threading.Thread(target=_stop_when_orphaned, args=(args.parent,), daemon=True, name="parent").start()
    storage = "Redis" if settings.REDIS_URL else "SQLite"
    print(f"attune worker: {settings.TASKS_THREADS} threads, queue in {storage}", flush=True)
    call_command("run_huey")
    return 0


def _stop_when_orphaned(parent: int) -> None:
    """Stop this worker gracefully when the `attune serve` that started it is gone, however it went."""
    while os.getppid() == parent:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGINT)


def _passphrase(args: argparse.Namespace, *, confirm: bool) -> str:
    """From --passphrase-file, ATTUNE_BACKUP_PASSPHRASE, or asked for (twice when making a backup)."""
    if args.passphrase_file:
        try:
            return Path(args.passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise SystemExit(f"attune {args.command}: cannot read {args.passphrase_file}: {exc.strerror}") from None
    if os.environ.get("ATTUNE_BACKUP_PASSPHRASE"):
        return os.environ["ATTUNE_BACKUP_PASSPHRASE"]
    if not sys.stdin.isatty():
        raise SystemExit(
            f"attune {args.command}: give the passphrase with --passphrase-file or ATTUNE_BACKUP_PASSPHRASE"
        )
    import getpass

    first = getpass.getpass("Backup passphrase: ")
    if confirm and getpass.getpass("The same again: ") != first:
        raise SystemExit(f"attune {args.command}: the two passphrases differ")
    return first


def _backup(args: argparse.Namespace) -> int:
    from attune.backup import BackupError, make_backup

    passphrase = _passphrase(args, confirm=True)
    _django()
    from django.conf import settings

    from attune.web.common import crypto
    from attune.web.env import env_secret

    data_dir = Path(settings.DATA_DIR).resolve()
    out_dir = Path(args.output).resolve()
    keys_dir = Path(args.keys_output).resolve() if args.keys_output else out_dir
    for folder in (out_dir, keys_dir):
        if folder == data_dir or data_dir in folder.parents:
            print(f"attune backup: write the backup outside the data folder ({data_dir})", file=sys.stderr)
            return 2
    ring = crypto.keyring()  # makes the key file on a site that never sealed anything yet
    configured = env_secret(crypto.ENV_NAME)
    keyring_text = configured if configured.strip() else crypto.key_file_path().read_text(encoding="ascii")
    try:
        made = make_backup(
            data_dir=data_dir,
            database=dict(settings.DATABASES["default"]),
            keyring_text=keyring_text,
            secret_key=str(settings.SECRET_KEY),
            key_ids=list(ring.ids),
            passphrase=passphrase,
            out_dir=out_dir,
            keys_dir=keys_dir,
        )
    except BackupError as exc:
        print(f"attune backup: {exc}", file=sys.stderr)
        return 2
    print(f"data ({made.database} database, {made.files} files): {made.data}")
    print(f"keys (journal keys, secret key):  {made.keys}")
    print("Keep the keys file apart from the data file, and the passphrase apart from both.")
    return 0


def _default_data_dir() -> Path:
    return Path(os.environ.get("ATTUNE_DATA_DIR") or Path(__file__).resolve().parent.parent / "var").resolve()


def _restore(args: argparse.Namespace) -> int:
    # No Django here: its settings would create files in the data folder before it is checked.
    from attune.backup import DATA_SUFFIX, KEYS_SUFFIX, BackupError, restore_backup
    from attune.web.env import env_secret

    data_file = Path(args.file)
    keys_file = Path(args.keys) if args.keys else data_file.with_name(data_file.name.replace(DATA_SUFFIX, KEYS_SUFFIX))
    data_dir = Path(args.data_dir).resolve() if args.data_dir else _default_data_dir()
    try:
        if not data_file.is_file() or not keys_file.is_file():
            missing = data_file if not data_file.is_file() else keys_file
            raise BackupError(f"there is no file {missing}" + ("" if args.keys else "; name the keys file with --keys"))
        passphrase = _passphrase(args, confirm=False)
        done = restore_backup(
            data_file=data_file,
            keys_file=keys_file,
            passphrase=passphrase,
            data_dir=data_dir,
            database_url=env_secret("ATTUNE_DATABASE_URL"),
            force=args.force,
        )
    except BackupError as exc:
        print(f"attune restore: {exc}. Nothing was changed.", file=sys.stderr)
        return 2
    print(
        f"restored the backup of {done.created_at} ({done.database} database, {done.files} files) into {done.data_dir}"
    )
    if os.environ.get("ATTUNE_JOURNAL_KEYS") or os.environ.get("ATTUNE_JOURNAL_KEYS_FILE"):
        print("note: ATTUNE_JOURNAL_KEYS is set here and wins over the restored journal.keys file")
    print("Start attune as usual: `attune serve` applies any newer migrations.")
    return 0


def _manage(argv: Sequence[str]) -> int:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["attune", *argv])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="attune", description="Practise connection from the body up.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="apply migrations, then serve attune")
    serve.add_argument("--host", default=os.environ.get("ATTUNE_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("ATTUNE_PORT", "8000")))
    serve.add_argument("--processes", type=int, default=int(os.environ.get("ATTUNE_SERVER_PROCESSES", "1")))
    serve.add_argument("--no-worker", action="store_true", help="start no worker; run `attune worker` yourself")

    worker = sub.add_parser("worker", help="run background jobs (attune serve starts one)")
    worker.add_argument("--parent", type=int, default=0, help=argparse.SUPPRESS)  # set by serve

    guide = sub.add_parser("createguide", help="create a guide, or make an existing member a guide")
    guide.add_argument("username")
    guide.add_argument("--email", default="")

    content = sub.add_parser("content", help="work with guide-written content")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="validate practices and workbooks, with file:line errors")
    check.add_argument("paths", nargs="*")

    export = sub.add_parser("export", help="write a member's data as a zip of JSON and CSV")
    export.add_argument("username")
    export.add_argument("-o", "--output", default="")

    sub.add_parser("demo", help="create a demo member with 90 days of plausible history")

    backup = sub.add_parser("backup", help="write an encrypted backup: a data file and a keys file (docs/backup.md)")
    backup.add_argument("-o", "--output", default=".", help="folder for the data file (default: here)")
    backup.add_argument("--keys-output", default="", help="folder for the keys file (default: with the data file)")
    backup.add_argument("--passphrase-file", default="", help="read the passphrase from this file")

    restore = sub.add_parser("restore", help="restore a backup into an empty data folder (docs/backup.md)")
    restore.add_argument("file", help="the backup's .attune-data file")
    restore.add_argument("--keys", default="", help="its .attune-keys file (default: beside it, same name)")
    restore.add_argument("--data-dir", default="", help="where to restore (default: ATTUNE_DATA_DIR)")
    restore.add_argument("--force", action="store_true", help="restore over a data folder that is not empty")
    restore.add_argument("--passphrase-file", default="", help="read the passphrase from this file")

    hrv = sub.add_parser("hrv", help="heart-rhythm report for an RR or ECG file", add_help=False)
    hrv.add_argument("rest", nargs=argparse.REMAINDER)

    manage = sub.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `hrv` and `manage` hand their arguments on untouched.
    if argv and argv[0] == "hrv":
        from attune.hrv_cli import main as hrv_main

        return hrv_main(argv[1:])
    if argv and argv[0] == "manage":
        return _manage(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "worker":
        return _worker(args)
    if args.command == "backup":
        return _backup(args)
    if args.command == "restore":
        return _restore(args)
    if args.command == "content":
        from attune.content.check import main as check_main

        return check_main(list(args.paths))
    _django()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        if args.command == "createguide":
            call_command("createguide", args.username, email=args.email)
        elif args.command == "export":
            call_command("exportmember", args.username, output=args.output)
        elif args.command == "demo":
            call_command("demo")
    except CommandError as exc:
        print(f"attune {args.command}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
