"""The public recordings in ``../shared/data`` (see its README), for the tests that read them.

A test that needs a recording asks for it here, inside the test, and fails with a clear message
when it is missing: a skipped test reads like a passing one. Tests in the same module that need no
recording run regardless. ``ATTUNE_SHARED_DATA`` names another folder, for a checkout whose parent
has no ``shared/data`` (a git worktree, say).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

BESIDE_THE_PROJECT = Path(__file__).resolve().parents[2] / "shared" / "data"


def shared_data(relative: str) -> Path:
    """The path of a recording under the shared data folder; the test fails if it is not there."""
    root = Path(os.environ.get("ATTUNE_SHARED_DATA") or BESIDE_THE_PROJECT)
    path = root / relative
    if not path.exists():
        pytest.fail(
            f"test data {path} is missing: the public recordings must sit at {root} "
            "(../shared/data beside the project, or the folder named by ATTUNE_SHARED_DATA)",
            pytrace=False,
        )
    return path
