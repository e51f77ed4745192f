"""Output formats (Gradescope JSON, JUnit, CSV, text) and the `trailwatch grade` command."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
import yaml
from click.testing import CliRunner

from grader.grading import grade, render, submission_from_data
from trailwatch.cli import main


@pytest.fixture(scope="module")
def results(lab, lab_answers):
    import copy

    body = copy.deepcopy(lab.scenario["solution"])
    body["alarms"][0]["Threshold"] = 50
    return grade(
        lab, submission_from_data(body, "s.yaml"), answers=lab_answers, strict="securityhub", student="s1"
    )


def test_json_is_gradescope_results(results):
    doc = json.loads(render(results, "json"))
    assert doc["score"] == sum(t["score"] for t in doc["tests"]) == doc["max_score"] - 15
    for t in doc["tests"]:
        assert {"name", "score", "max_score", "status", "output", "number"} <= set(t)
        assert t["status"] in ("passed", "failed")
    assert doc["extra_data"]["schema"] == "trailwatch-grade/1"
    assert doc["extra_data"]["scenario"] == "grading-lab" and doc["extra_data"]["student"] == "s1"
    numbers = [t["number"] for t in doc["tests"]]
    assert len(numbers) == len(set(numbers))


def test_json_is_deterministic(lab, lab_answers, results):
    import copy

    body = copy.deepcopy(lab.scenario["solution"])
    body["alarms"][0]["Threshold"] = 50
    again = grade(
        lab, submission_from_data(body, "s.yaml"), answers=lab_answers, strict="securityhub", student="s1"
    )
    assert render(again, "json") == render(results, "json")


def test_gradescope_format_drops_per_test_detail(results):
    doc = json.loads(render(results, "gradescope"))
    assert all("extra_data" not in t for t in doc["tests"])
    assert doc["score"] == results["score"]


def test_junit(results):
    root = ET.fromstring(render(results, "junit"))
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == len(results["tests"]) == int(suite.get("tests"))
    failed = [c for c in cases if c.find("failure") is not None]
    assert len(failed) == int(suite.get("failures")) == sum(t["status"] == "failed" for t in results["tests"])
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert float(props["score"]) == results["score"]


def test_csv_and_text(results):
    rows = list(csv.reader(io.StringIO(render(results, "csv"))))
    assert rows[0][:6] == ["student", "scenario", "seed", "score", "max_score", "error"]
    assert rows[1][0] == "s1" and float(rows[1][3]) == results["score"]
    text = render(results, "text")
    assert "[FAIL] 0/10  Detection: sign-in-burst" in text
    assert "threshold 50" in text
    assert "Security Hub CloudWatch.6: FAILED" in text or "CIS monitoring controls covered" in text


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return path


def test_cli_grade_dataset(tmp_path, lab, lab_answers):
    sub = _write(tmp_path, "s.yaml", lab.scenario["solution"])
    ans = _write(tmp_path, "a.yaml", {"answers": lab_answers})
    r = CliRunner().invoke(
        main, ["grade", "--dataset", str(lab.root), "--submission", str(sub), "--answers", str(ans)]
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["score"] == doc["max_score"]
    r = CliRunner().invoke(
        main,
        [
            "grade",
            "--dataset",
            str(lab.root),
            "--submission",
            str(sub),
            "--format",
            "text",
            "--out",
            str(tmp_path / "o.txt"),
        ],
    )
    assert r.exit_code == 0 and (tmp_path / "o.txt").read_text().startswith("Trailwatch grade: grading-lab")


def test_cli_grade_scenario_regenerates_into_the_cache(tmp_path, lab, cache_dir, monkeypatch):
    from tests.grader.grading.conftest import LAB

    monkeypatch.setenv("TRAILWATCH_CACHE", str(cache_dir))
    sub = _write(tmp_path, "s.yaml", lab.scenario["solution"])
    r = CliRunner().invoke(
        main, ["grade", "--scenario", str(LAB), "--seed", "1", "--submission", str(sub), "--format", "csv"]
    )
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[1].split(",")[1] == "grading-lab"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--scenario", "no-such-scenario", "--submission", "{sub}"], 3, "--scenario no-such-scenario"),
        (["--dataset", "{root}", "--submission", "{tmp}/missing.yaml"], 3, "missing.yaml: file not found"),
        (["--dataset", "{root}", "--submission", "{bad}"], 3, "bad.yaml: line 1 column"),
        (["--dataset", "{tmp}", "--submission", "{sub}"], 3, "not a trailwatch dataset"),
        (["--dataset", "{root}"], 2, "give exactly one of --submission, --endpoint or --cfn"),
        (["--submission", "{sub}"], 2, "give exactly one of --scenario or --dataset"),
        (["--dataset", "{root}", "--endpoint", "http://127.0.0.1:9"], 4, "cannot read the backend"),
    ],
)
def test_cli_errors_and_exit_codes(tmp_path, lab, args, code, message):
    sub = _write(tmp_path, "s.yaml", lab.scenario["solution"])
    bad = tmp_path / "bad.yaml"
    bad.write_text('{"alarms": [}')
    values = {"sub": str(sub), "root": str(lab.root), "tmp": str(tmp_path), "bad": str(bad)}
    r = CliRunner().invoke(main, ["grade", *[a.format(**values) for a in args]])
    assert r.exit_code == code, r.output
    assert message in r.output
