"""The data folder and the secret files in it are private to attune's user from the moment they exist."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_first_start_makes_a_private_folder_key_and_database(tmp_path: Path) -> None:
    data = tmp_path / "fresh" / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
    env |= {"ATTUNE_DATA_DIR": str(data), "ATTUNE_JOURNAL_KEYS": "test:" + "A" * 43}
    # A permissive umask, as on many servers: nothing attune makes may depend on it.
    script = "import os, sys; os.umask(0o022); from attune.cli import main; sys.exit(main(sys.argv[1:]))"
    subprocess.run(
        [sys.executable, "-c", script, "manage", "migrate", "-v", "0"], cwd=REPO, env=env, check=True, timeout=300
    )
    assert _mode(data) == 0o700
    assert _mode(data / "secret_key") == 0o600
    database = data / "attune.sqlite3"
    assert _mode(database) == 0o600
    for sidecar in (data / "attune.sqlite3-wal", data / "attune.sqlite3-shm"):
        if sidecar.exists():
            assert _mode(sidecar) == 0o600, sidecar
