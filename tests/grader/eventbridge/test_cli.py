"""``trailwatch eventpattern`` through click's CliRunner (the registered root command)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import orjson
from click.testing import CliRunner

from trailwatch.cli import main

EVENTS = [
    {
        "source": "aws.s3",
        "detail-type": "AWS API Call via CloudTrail",
        "detail": {"eventName": "PutBucketPolicy"},
    },
    {
        "source": "aws.iam",
        "detail-type": "AWS API Call via CloudTrail",
        "detail": {"eventName": "CreateUser"},
    },
    {"source": "aws.s3", "detail-type": "AWS API Call via CloudTrail", "detail": {"eventName": "GetObject"}},
]
PATTERN = '{"source": ["aws.s3"], "detail": {"eventName": [{"prefix": "Put"}]}}'


def _runner() -> CliRunner:
    """stdout and stderr apart (click 8.1 mixes them unless told; 8.2 always separates them)."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def _events(tmp_path: Path, lines: list[str] | None = None) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines if lines is not None else [json.dumps(e) for e in EVENTS]) + "\n")
    return path


def test_inline_pattern_json_output(tmp_path: Path) -> None:
    result = _runner().invoke(
        main, ["eventpattern", "test", "--pattern", PATTERN, "--input", str(_events(tmp_path)), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout) == {"matches": [True, False, False]}


def test_pattern_from_file_and_table_output(tmp_path: Path) -> None:
    pattern_file = tmp_path / "pattern.json"
    pattern_file.write_text('{"source": ["aws.s3"]}')
    result = _runner().invoke(
        main, ["eventpattern", "test", "--pattern", str(pattern_file), "--input", str(_events(tmp_path))]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["#", "match", "source", "detail-type", "eventName"]
    assert lines[1].split()[:3] == ["1", "yes", "aws.s3"] and lines[2].split()[:2] == ["2", "no"]
    assert lines[-1] == "2 of 3 events match"


def test_invalid_pattern_exits_2_with_aws_message(tmp_path: Path) -> None:
    result = _runner().invoke(
        main,
        [
            "eventpattern",
            "test",
            "--pattern",
            '{"resources": []}',
            "--input",
            str(_events(tmp_path)),
            "--json",
        ],
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "error: Event pattern is not valid. Reason: Empty arrays are not allowed\n"


def test_bad_input_names_file_and_line(tmp_path: Path) -> None:
    path = _events(tmp_path, [json.dumps(EVENTS[0]), "", "[1, 2]"])
    result = _runner().invoke(
        main, ["eventpattern", "test", "--pattern", PATTERN, "--input", str(path), "--json"]
    )
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"error: {path}:3: an event must be a JSON object, got list\n"
    missing = _runner().invoke(main, ["eventpattern", "test", "--pattern", "nope.json", "--input", str(path)])
    assert missing.exit_code == 2 and "neither inline JSON nor a readable file: nope.json" in missing.stderr


def test_blank_lines_are_ignored(tmp_path: Path) -> None:
    path = _events(tmp_path, ["", json.dumps(EVENTS[0]), "   ", json.dumps(EVENTS[1])])
    result = _runner().invoke(
        main, ["eventpattern", "test", "--pattern", PATTERN, "--input", str(path), "--json"]
    )
    assert orjson.loads(result.stdout) == {"matches": [True, False]}


def test_convert_cloudtrail_file(tmp_path: Path) -> None:
    records = {
        "Records": [
            {"eventVersion": "1.08", "eventTime": "2024-05-01T12:00:00Z", "eventSource": "iam.amazonaws.com",
             "eventName": "GetRole", "awsRegion": "us-east-1", "eventID": "e1", "readOnly": True,
             "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": "111122223333"},
            {"eventVersion": "1.08", "eventTime": "2024-05-01T12:00:01Z", "eventSource": "iam.amazonaws.com",
             "eventName": "CreateUser", "awsRegion": "us-east-1", "eventID": "e2", "readOnly": False,
             "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": "111122223333"},
        ]
    }  # fmt: skip
    path = tmp_path / "trail.json.gz"
    path.write_bytes(gzip.compress(orjson.dumps(records)))
    everything = _runner().invoke(main, ["eventpattern", "convert", "--input", str(path)])
    assert everything.exit_code == 0, everything.output
    events = [orjson.loads(line) for line in everything.stdout.splitlines()]
    assert [e["detail"]["eventName"] for e in events] == ["GetRole", "CreateUser"]
    assert events[0]["source"] == "aws.iam" and events[0]["detail"] == records["Records"][0]
    enabled = _runner().invoke(
        main, ["eventpattern", "convert", "--input", str(path), "--rule-state", "ENABLED"]
    )
    assert [orjson.loads(line)["detail"]["eventName"] for line in enabled.stdout.splitlines()] == [
        "CreateUser"
    ]
    # the converted stream feeds straight into `test`
    out = tmp_path / "events.jsonl"
    out.write_text(everything.stdout)
    tested = _runner().invoke(
        main,
        [
            "eventpattern",
            "test",
            "--pattern",
            '{"detail": {"eventName": ["CreateUser"]}}',
            "--input",
            str(out),
            "--json",
        ],
    )
    assert orjson.loads(tested.stdout) == {"matches": [False, True]}
