"""``trailwatch alarm evaluate`` through click's CliRunner."""

from __future__ import annotations

from pathlib import Path

import orjson
from click.testing import CliRunner

from grader.alarms.cli import alarm
from trailwatch.cli import main

ALARM_YAML = """\
AlarmName: root-usage
Period: 300
EvaluationPeriods: 3
DatapointsToAlarm: 2
Threshold: 10
ComparisonOperator: GreaterThanThreshold
Statistic: Sum
TreatMissingData: notBreaching
AlarmActions: [arn:aws:sns:us-east-1:111111111111:alerts]
"""


def runner() -> CliRunner:
    """stdout and stderr captured apart (click 8.1 needs mix_stderr=False; 8.2+ always separates them)."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_json_output(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", ALARM_YAML)
    p = write(tmp_path, "p.json", "[5, null, 15, 20, null, null, 1, 2]")
    result = runner().invoke(main, ["alarm", "evaluate", "--alarm", a, "--datapoints", p, "--json"])
    assert result.exit_code == 0, result.output
    out = orjson.loads(result.output)
    assert list(out) == ["state", "reason", "timeline"]
    assert out["state"] == "OK"
    assert [e["state"] for e in out["timeline"]] == [
        "OK",
        "OK",
        "OK",
        "ALARM",
        "ALARM",
        "ALARM",
        "ALARM",
        "OK",
    ]
    assert [e["transition"] for e in out["timeline"]] == [True, False, False, True, False, False, False, True]
    third = out["timeline"][3]
    assert (
        third["timestamp"] == "2024-01-01T00:20:00.000+0000"
        and third["periodStart"] == "2024-01-01T00:15:00.000+0000"
    )
    assert third["actions"] == ["arn:aws:sns:us-east-1:111111111111:alerts"]
    assert third["reason"].startswith(
        "Threshold Crossed: 2 out of the last 3 datapoints [20.0 (01/01/24 00:15:00)"
    )
    assert out["reason"] == out["timeline"][-1]["reason"]


def test_deterministic_and_json_alarm_file(tmp_path: Path) -> None:
    a = write(
        tmp_path,
        "a.json",
        orjson.dumps(
            {
                "Period": 60,
                "EvaluationPeriods": 1,
                "Threshold": 0,
                "ComparisonOperator": "GreaterThanThreshold",
                "Statistic": "Sum",
            }
        ).decode(),
    )
    p = write(tmp_path, "p.json", '[null, 1, {"value": 0, "sampleCount": 3}]')
    runs = [
        runner().invoke(alarm, ["evaluate", "--alarm", a, "--datapoints", p, "--json"]).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    out = orjson.loads(runs[0])
    assert [e["state"] for e in out["timeline"]] == ["INSUFFICIENT_DATA", "ALARM", "OK"]
    assert out["timeline"][2]["reasonData"]["evaluatedDatapoints"][0]["sampleCount"] == 3.0


def test_table_output(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", ALARM_YAML)
    p = write(tmp_path, "p.json", "[20, 20]")
    result = runner().invoke(alarm, ["evaluate", "--alarm", a, "--datapoints", p])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["#", "evaluated", "at", "value"]
    assert "ALARM  <- OK" in result.output or "<- OK" in result.output
    assert "state: ALARM" in result.output


def test_invalid_alarm_exits_2_with_aws_message_on_stderr(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", ALARM_YAML.replace("EvaluationPeriods: 3", "EvaluationPeriods: 0"))
    p = write(tmp_path, "p.json", "[1]")
    result = runner().invoke(alarm, ["evaluate", "--alarm", a, "--datapoints", p, "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        "error: 1 validation error detected: Value '0' at 'evaluationPeriods' failed to satisfy constraint"
    )


def test_bad_datapoints_name_file_and_item(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", ALARM_YAML)
    p = write(tmp_path, "p.json", '[1, "two"]')
    result = runner().invoke(alarm, ["evaluate", "--alarm", a, "--datapoints", p, "--json"])
    assert result.exit_code == 2
    assert "p.json: item 1" in result.stderr
    bad = write(tmp_path, "bad.yaml", "Period: [unclosed")
    result = runner().invoke(alarm, ["evaluate", "--alarm", bad, "--datapoints", p, "--json"])
    assert result.exit_code == 2 and "bad.yaml" in result.stderr
    missing = runner().invoke(alarm, ["evaluate", "--alarm", str(tmp_path / "nope"), "--datapoints", p])
    assert missing.exit_code == 2 and "nope" in missing.stderr
