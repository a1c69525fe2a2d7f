"""``attune hrv FILE``, through its main() function and as a process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from attune.hrv_cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
POLAR = DATA / "rr" / "polar_h10_device_rr.csv"
BITALINO = DATA / "ecg" / "pyhrv_bitalino_SampleECG_1000hz.txt"
pytestmark = pytest.mark.skipif(not DATA.exists(), reason="shared data not present")


def test_it_prints_a_readable_report_for_an_rr_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(POLAR)]) == 0
    out = capsys.readouterr().out
    assert "RMSSD (ms)" in out and "cleaned" in out and "raw" in out
    assert "ectopic" in out
    assert "Not a medical device" in out


def test_json_holds_settings_metrics_artifacts_and_nn(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(POLAR), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["input"] == "rr"
    assert doc["settings"]["frequency"]["interpolation_hz"] == 4.0
    assert doc["settings"]["cleaning"]["method"] == "lipponen2019"
    assert doc["artifacts"]["n_flagged"] > 100
    flagged = {f["index"] for f in doc["artifacts"]["flagged"]}
    assert {56, 57, 58} <= flagged
    assert doc["time_domain"]["rmssd_ms"] < doc["time_domain_raw"]["rmssd_ms"]
    assert len(doc["rr_ms"]) == 798 and len(doc["nn_ms"]) > 700
    assert doc["beat_times_s"] is None
    assert doc["frequency_domain"]["lf_ms2"] > 0


def test_an_ecg_file_gives_beat_times(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(BITALINO), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["input"] == "ecg"
    assert len(doc["beat_times_s"]) == len(doc["rr_ms"]) + 1
    assert doc["frequency_domain"] is None
    assert any("at least 60 s" in n for n in doc["notes"])


def test_garbage_exits_2_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "notes.txt"
    p.write_text("hello\nworld\n")
    assert main([str(p)]) == 2
    assert "attune hrv:" in capsys.readouterr().err


def test_it_runs_without_django_or_pandas() -> None:
    code = (
        "import sys; from attune.hrv_cli import main; rc = main([sys.argv[1], '--json']); "
        "bad = [m for m in ('django', 'pandas', 'matplotlib') if m in sys.modules]; "
        "sys.exit(rc or (3 if bad else 0))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(POLAR)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
