"""grade-batch: a class with one malformed submission; every student gets a row and a JSON file."""

from __future__ import annotations

import copy
import csv
import json

import yaml
from click.testing import CliRunner

from tests.grader.grading.conftest import LAB
from trailwatch.cli import main


def _class(tmp_path, lab, lab_answers):
    root = tmp_path / "class"
    root.mkdir()
    good = root / "alice"
    good.mkdir()
    (good / "submission.yaml").write_text(yaml.safe_dump(lab.scenario["solution"]))
    (good / "answers.json").write_text(json.dumps({"answers": lab_answers}))
    high = copy.deepcopy(lab.scenario["solution"])
    high["alarms"][0]["Threshold"] = 50
    (root / "bob.json").write_text(json.dumps(high))
    (root / "carol.yaml").write_text("metric_filters: [\n")  # malformed
    (root / "dave").mkdir()  # nothing inside
    return root


def test_batch_with_a_shared_dataset(tmp_path, lab, lab_answers):
    root = _class(tmp_path, lab, lab_answers)
    out = tmp_path / "grades.csv"
    r = CliRunner().invoke(
        main, ["grade-batch", str(root), "--out", str(out), "--dataset", str(lab.root), "--jobs", "2"]
    )
    assert r.exit_code == 0, r.output
    assert "Graded 4 submissions" in r.output and "(2 could not be graded)" in r.output
    with out.open() as fh:
        rows = {row["student"]: row for row in csv.DictReader(fh)}
    assert list(rows) == ["alice", "bob", "carol", "dave"]
    assert float(rows["alice"]["score"]) == float(rows["alice"]["max_score"]) > 0
    assert float(rows["bob"]["score"]) == float(rows["alice"]["score"]) - 15 - 6  # threshold; no answers file
    assert rows["carol"]["score"] == "0" and "carol.yaml: line 2" in rows["carol"]["error"]
    assert rows["carol"]["max_score"] == rows["alice"]["max_score"]
    assert "no submission.yaml/.json or template.yaml/.json" in rows["dave"]["error"]
    for student in rows:
        doc = json.loads((tmp_path / "grades" / f"{student}.json").read_text())
        assert doc["extra_data"]["student"] == student


def test_batch_with_per_student_datasets(tmp_path, lab, lab_answers, cache_dir, monkeypatch):
    monkeypatch.setenv("TRAILWATCH_CACHE", str(cache_dir))
    root = tmp_path / "class"
    root.mkdir()
    for name in ("s1", "s2"):
        (root / f"{name}.yaml").write_text(yaml.safe_dump(lab.scenario["solution"]))
    (root / "s3.yaml").write_text(
        'rules: [{Name: r, EventPattern: \'{"source": ["aws.iam"]}\'}]\ntargets: 7\n'
    )
    out = tmp_path / "grades.csv"
    r = CliRunner().invoke(
        main, ["grade-batch", str(root), "--out", str(out), "--scenario", str(LAB), "--jobs", "2"]
    )
    assert r.exit_code == 0, r.output
    with out.open() as fh:
        rows = {row["student"]: row for row in csv.DictReader(fh)}
    # each student has their own world: the reference's log group names are student 0's, so they may miss
    assert set(rows) == {"s1", "s2", "s3"}
    assert rows["s1"]["error"] == rows["s2"]["error"] == "", rows
    assert "targets: must be a list" in rows["s3"]["error"]
    docs = {s: json.loads((tmp_path / "grades" / f"{s}.json").read_text()) for s in rows}
    assert docs["s1"]["extra_data"]["student"] == "s1"
    assert docs["s1"]["extra_data"]["account_id"] != docs["s2"]["extra_data"]["account_id"]
