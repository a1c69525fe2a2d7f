"""The helper through which tests find the public recordings."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shared_data import shared_data


def test_it_fails_the_test_and_names_the_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTUNE_SHARED_DATA", str(tmp_path))
    with pytest.raises(pytest.fail.Exception, match=r"test data .*rr/absent\.csv is missing"):
        shared_data("rr/absent.csv")


def test_it_finds_a_recording_in_the_folder_the_environment_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "rr").mkdir()
    (tmp_path / "rr" / "present.csv").write_text("800\n")
    monkeypatch.setenv("ATTUNE_SHARED_DATA", str(tmp_path))
    assert shared_data("rr/present.csv") == tmp_path / "rr" / "present.csv"
