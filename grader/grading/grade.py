"""The grading pipeline: dataset + submission (+ answers) -> result document.

ds = open_dataset(scenario="console-brute-force", seed=1, student="s042")   # or open_dataset(path=...)
sub = load_submission_file("sub.yaml")          # or load_cfn_template(...), read_live_backend(...)
results = grade(ds, sub, answers={"failures": 42})
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from grader.grading.answers import check_answers
from grader.grading.dataset import Dataset, load_dataset
from grader.grading.detections import false_alarms
from grader.grading.errors import GradingInputError
from grader.grading.evaluate import Evaluation, evaluate
from grader.grading.regenerate import scenario_dataset
from grader.grading.report import build_results
from grader.grading.rubric import Rubric, rubric_for
from grader.grading.submission import (
    Submission,
    placeholder_resolver,
    resolve_submission,
    submission_from_data,
)

STRICT_MODES = ("securityhub",)


def needs_flow(sub: Submission | None) -> bool:
    """Whether the submission reads a log group other than a CloudTrail one (so flow logs are needed)."""
    if sub is None:
        return True
    return any(
        not str(i.body.get("logGroupName", "")).startswith(
            ("aws-cloudtrail-logs-", "${Trailwatch::CloudTrail")
        )
        for i in sub.of("metric_filters")
    )


def open_dataset(
    *,
    path: str | Path | None = None,
    scenario: str | None = None,
    seed: int = 1,
    student: str | None = None,
    submission: Submission | None = None,
    cache: Path | None = None,
) -> Dataset:
    if path is not None:
        return load_dataset(path)
    if scenario is None:
        raise GradingInputError("grade", "give a scenario or a dataset folder")
    return load_dataset(
        scenario_dataset(scenario, seed, student, need_flow=needs_flow(submission), cache=cache)
    )


def _evaluate(ds: Dataset, sub: Submission) -> Evaluation:
    account = sub.account_id or ds.home_account
    region = sub.region or ds.region
    return evaluate(ds, resolve_submission(sub, placeholder_resolver(account, region, ds.log_group_for)))


def reference_false_alarms(ds: Dataset) -> int | None:
    """How many false alarms the scenario's reference solution raises on this dataset (None: no reference)."""
    if "reference_false_alarms" not in ds.memo:
        solution = (ds.scenario or {}).get("solution")
        count = None
        if solution:
            count = false_alarms(_evaluate(ds, submission_from_data(solution, "reference solution"))).count
        ds.memo["reference_false_alarms"] = count
    return ds.memo["reference_false_alarms"]


def rubric_of(ds: Dataset) -> Rubric:
    """The scenario's rubric. Unless it fixes ``false_alarm_allowance``, the false alarms the reference
    solution itself raises on this dataset are allowed (the noise a correct answer cannot avoid)."""
    rubric = rubric_for(ds.scenario, str(ds.root / "scenario" / "scenario.json"))
    if "false_alarm_allowance" not in ((ds.scenario or {}).get("rubric") or {}):
        rubric = dataclasses.replace(rubric, false_alarm_allowance=reference_false_alarms(ds) or 0)
    return rubric


def grade(
    ds: Dataset,
    sub: Submission,
    *,
    answers: dict[str, Any] | None = None,
    strict: str | None = None,
    student: str | None = None,
) -> dict[str, Any]:
    """Grade one submission against one dataset; returns the Gradescope-shaped result document."""
    if strict is not None and strict not in STRICT_MODES:
        raise GradingInputError("--strict", f"unknown mode {strict!r}; choose from {', '.join(STRICT_MODES)}")
    ev = _evaluate(ds, sub)
    results, notes = check_answers(ds.answer_key, answers or {})
    return build_results(ev, rubric_of(ds), results, notes, strict=strict, student=student)
