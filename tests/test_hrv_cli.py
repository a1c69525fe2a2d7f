"""``attune hrv FILE``, through its main() function and as a process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from attune.hrv_cli import main
from tests.shared_data import shared_data

ROOT = Path(__file__).resolve().parents[1]
POLAR = "rr/polar_h10_device_rr.csv"
BITALINO = "ecg/pyhrv_bitalino_SampleECG_1000hz.txt"


def test_it_prints_a_readable_report_for_an_rr_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(shared_data(POLAR))]) == 0
    out = capsys.readouterr().out
    assert "RMSSD (ms)" in out and "cleaned" in out and "raw" in out
    assert "ectopic" in out
    assert "Not a medical device" in out


def test_json_holds_settings_metrics_artifacts_and_nn(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(shared_data(POLAR)), "--json"]) == 0
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
    assert main([str(shared_data(BITALINO)), "--json"]) == 0
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
        [sys.executable, "-c", code, str(shared_data(POLAR))], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "no RR intervals"),
        ("garbage.txt", bytes(range(256)) * 8, "not a text file"),
        ("garbage.bin", b"\x00\xff\x10" * 500, "not a text file"),
        ("one.txt", b"812\n", "at least 3 RR intervals; got 1"),
        ("negative.txt", b"800\n-810\n790\n805\n", "must be positive"),
        ("heart_rate.txt", b"62\n63\n61\n64\n", "do not look like RR intervals"),
    ],
)
def test_a_malformed_file_exits_2_with_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, message: str
) -> None:
    p = tmp_path / name
    p.write_bytes(content)
    assert main([str(p)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("attune hrv:") and message in err
    assert "Traceback" not in err


def test_a_missing_file_or_a_directory_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nope.txt")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main([str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["0.81\n0.79\n0.80\n0.82\n", "1.0,810\n1.8,790\n2.6,800\n3.4,820\n"])
def test_it_reads_one_or_two_columns_in_seconds_or_milliseconds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    p = tmp_path / "rr.csv"
    p.write_text(text)
    assert main([str(p), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["rr_ms"] == pytest.approx([810.0, 790.0, 800.0, 820.0], abs=1e-9)


def test_a_wfdb_record_gives_beat_times_and_nn_intervals(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(shared_data("ecg/mitdb100/100.hea")), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["input"] == "ecg" and len(doc["beat_times_s"]) == 2273
    assert len(doc["nn_ms"]) > 2200 and doc["settings"]["frequency"]["window_s"] == 300.0
    assert doc["artifacts"]["counts"]["ectopic"] > 0
    assert doc["ecg_quality"]["unreadable_stretches"] == 0 and doc["ecg_quality"]["beats_left_out"] == 0


def test_an_unreadable_stretch_of_ecg_becomes_a_gap_without_intervals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import numpy as np

    from attune.importers import load_ecg

    ecg = load_ecg(shared_data("ecg/mitdb100/100.hea"), lead="MLII").signal[: 120 * 360]
    noisy = ecg.copy()
    noisy[40 * 360 : 60 * 360] += 2.0 * np.random.default_rng(0).standard_normal(20 * 360)  # 20 s of pure noise
    t = np.arange(noisy.size) / 360.0
    p = tmp_path / "ecg.csv"
    p.write_text("time_s,ecg_mv\n" + "\n".join(f"{a:.6f},{b:.5f}" for a, b in zip(t, noisy, strict=True)))
    assert main([str(p), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    gaps = doc["ecg_quality"]["gaps_s"]
    assert gaps and all(start >= 39.9 and end <= 60.1 for start, end in gaps)
    beats = np.asarray(doc["beat_times_s"])
    assert not np.any((beats > gaps[0][0]) & (beats < gaps[-1][1]))
    assert max(doc["rr_ms"]) < 2000.0  # no interval spans the gap
