"""`trailwatch generate`: argument errors exit 2 with one clear line; a run prints its summary table."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from trailwatch.cli import main


def invoke(*args: str):
    return CliRunner().invoke(main, ["generate", *args])


@pytest.mark.parametrize(
    "args, message",
    [
        (["--duration", "2x"], "'2x' is not a duration like 30m, 6h, 1d or 7d"),
        (["--duration", "0h"], "is not a duration"),
        (["--start", "yesterday"], "'yesterday' is not an ISO 8601 time"),
        (["--start", "2026-03-02T06:00:30Z"], "must be a whole minute"),
        (["--sources", "cloudtrail,dns"], "unknown source dns; choose from cloudtrail,flow,alb,s3"),
        (["--scale", "0"], "Invalid value for '--scale'"),
        (["--jobs", "0"], "Invalid value for '--jobs'"),
        (["--student", "a b"], "'a b': use 1-64 letters"),
    ],
)
def test_bad_arguments_exit_2_with_one_error_line(tmp_path, args, message):
    res = invoke("--out", str(tmp_path / "d"), *args)
    assert res.exit_code == 2
    errors = [line for line in res.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and message in errors[0], res.output
    assert not (tmp_path / "d").exists()


def test_missing_out_is_a_usage_error():
    res = invoke("--duration", "1h")
    assert res.exit_code == 2 and "Missing option '--out'" in res.output


def test_foreign_directory_is_refused(tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    res = invoke("--out", str(tmp_path), "--duration", "30m", "--scale", "5")
    assert res.exit_code == 2 and "no manifest.json" in res.output
    assert (tmp_path / "keep.txt").exists()


def test_run_prints_summary_and_writes_manifest(tmp_path):
    out = tmp_path / "d"
    res = invoke(
        "--out",
        str(out),
        "--duration",
        "2h",
        "--scale",
        "10",
        "--sources",
        "cloudtrail",
        "--seed",
        "5",
        "--student",
        "s-01",
        "--start",
        "2026-03-03T14:00",
    )
    assert res.exit_code == 0, res.output
    assert f"Dataset written to {out}" in res.output and "cloudtrail" in res.output
    m = json.loads((out / "manifest.json").read_text())
    assert m["parameters"] == {
        "seed": 5,
        "student": "s-01",
        "start": "2026-03-03T14:00:00Z",
        "duration_seconds": 7200,
        "scale": 10,
        "sources": ["cloudtrail"],
        "window_seconds": 3600,
        "injections": 0,
    }
    assert m["time_range"] == {"start": "2026-03-03T14:00:00Z", "end": "2026-03-03T16:00:00Z"}
    total = m["counts"]["cloudtrail"]["records"]
    assert total > 0 and f"{total:,}" in res.output
    assert all(len(f["sha256"]) == 64 for f in m["files"])
    assert [f["path"] for f in m["files"]] == sorted(f["path"] for f in m["files"])
