"""`trailwatch pattern test` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from grader.filterpattern.cli import pattern


def runner() -> CliRunner:
    try:  # click 8.1 mixes stderr into stdout unless told not to; click 8.2 always separates them
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def run(tmp_path: Path, lines: list[str], *args: str):
    path = tmp_path / "events.txt"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return runner().invoke(pattern, ["test", "--input", str(path), *args])


def test_json_matches(tmp_path: Path) -> None:
    result = run(tmp_path, ["ERROR a", "INFO b"], "--pattern", "ERROR", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"matches": [True, False]}


def test_json_values_with_default(tmp_path: Path) -> None:
    lines = ['{"ms": 12}', '{"ms": "x"}', '{"other": 1}', "plain"]
    result = run(
        tmp_path,
        lines,
        "--pattern",
        "{ $.ms = * || $.other = 1 }",
        "--metric-value",
        "$.ms",
        "--default-value",
        "0",
        "--json",
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"matches": [True, True, True, False], "values": [12, None, 0, 0]}


def test_values_without_default_are_null(tmp_path: Path) -> None:
    result = run(tmp_path, ["a 1.5", "b"], "--pattern", "[k, v]", "--metric-value", "$v", "--json")
    assert json.loads(result.stdout) == {"matches": [True, False], "values": [1.5, None]}


def test_invalid_pattern_exit_2(tmp_path: Path) -> None:
    result = run(tmp_path, ["x"], "--pattern", "ERR*", "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "error: Invalid character(s) in term '*'\n"


def test_invalid_metric_value_exit_2(tmp_path: Path) -> None:
    result = run(tmp_path, ["x"], "--pattern", "{ $.a = 1 }", "--metric-value", "$.a[*]", "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "must be a valid number" in result.stderr


def test_table_output(tmp_path: Path) -> None:
    result = run(tmp_path, ["ERROR a", "INFO b"], "--pattern", "ERROR")
    assert result.exit_code == 0
    assert "1 of 2 lines match" in result.stdout
    assert "yes" in result.stdout.splitlines()[1]


def test_registered_in_trailwatch() -> None:
    from trailwatch.cli import main

    result = runner().invoke(main, ["pattern", "test", "--help"])
    assert result.exit_code == 0
    assert "--metric-value" in result.stdout


def test_default_value_needs_metric_value(tmp_path: Path) -> None:
    result = run(tmp_path, ["x"], "--pattern", "x", "--default-value", "0", "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
