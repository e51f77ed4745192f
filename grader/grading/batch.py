"""Grade a class: one folder or file per student, on every core, one CSV row and one JSON file per student.

Layout of DIR: ``<student>.yaml|.yml|.json`` (a submission file or a CloudFormation template, told apart by
its ``Resources``), or ``<student>/`` holding ``submission.*`` or ``template.*``/``cfn.*`` and optionally
``answers.*``. Each student is graded against their own regenerated dataset (scenario, seed, student id =
the folder or file name), or against one shared dataset folder. A submission that cannot be graded scores
0 with the reason in its row; the batch never stops on one bad file. Workers keep the datasets they have
loaded, so students sharing a dataset share its parsed events.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from grader.grading.errors import GradingInputError

SUFFIXES = (".yaml", ".yml", ".json")
_DATASETS: dict[str, Any] = {}


@dataclass(frozen=True)
class BatchJob:
    student: str
    submission: Path | None
    template: Path | None
    answers: Path | None
    problem: str | None = None


def _first(folder: Path, stems: tuple[str, ...]) -> Path | None:
    for stem in stems:
        for suffix in SUFFIXES:
            if (folder / f"{stem}{suffix}").is_file():
                return folder / f"{stem}{suffix}"
    return None


def _is_template(path: Path) -> bool:
    head = path.read_text(encoding="utf-8", errors="replace")[:20000]
    return "AWSTemplateFormatVersion" in head or "\nResources:" in head or '"Resources"' in head


def discover(root: Path) -> list[BatchJob]:
    """One job per student, sorted by student id."""
    if not root.is_dir():
        raise GradingInputError(str(root), "not a folder of submissions")
    jobs = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or entry.name in ("batch.yaml", "batch.yml"):
            continue
        if entry.is_file() and entry.suffix in SUFFIXES:
            tmpl = _is_template(entry)
            jobs.append(BatchJob(entry.stem, None if tmpl else entry, entry if tmpl else None, None))
        elif entry.is_dir():
            sub, tmpl = _first(entry, ("submission",)), _first(entry, ("template", "cfn"))
            answers = _first(entry, ("answers",))
            problem = (
                None if (sub or tmpl) else "no submission.yaml/.json or template.yaml/.json in the folder"
            )
            jobs.append(BatchJob(entry.name, sub, tmpl, answers, problem))
    return jobs


def _dataset(scenario: str | None, seed: int, student: str | None, dataset: str | None, sub: Any) -> Any:
    from grader.grading.grade import open_dataset

    key = dataset or f"{scenario}\0{seed}\0{student}"
    if key not in _DATASETS:
        if dataset is None and len(_DATASETS) >= 1:
            _DATASETS.clear()  # per-student datasets: keep memory flat
        _DATASETS[key] = open_dataset(
            path=dataset, scenario=scenario, seed=seed, student=student, submission=sub
        )
    return _DATASETS[key]


def grade_job(
    job: BatchJob, scenario: str | None, seed: int, dataset: str | None, per_student: bool
) -> dict[str, Any]:
    """Grade one student; every failure becomes a 0 with the reason."""
    from grader.grading.answers import load_answers
    from grader.grading.cfn import load_cfn_template
    from grader.grading.grade import grade
    from grader.grading.submission import load_submission_file

    try:
        if job.problem:
            raise GradingInputError(job.student, job.problem)
        sub = load_cfn_template(job.template) if job.template else load_submission_file(job.submission)  # type: ignore[arg-type]
        answers = load_answers(job.answers) if job.answers else {}
        ds = _dataset(scenario, seed, job.student if per_student else None, dataset, sub)
        return grade(ds, sub, answers=answers, student=job.student)
    except GradingInputError as e:
        reason = str(e)
    except Exception as e:  # a defect must not stop the class: record it in the row
        reason = f"internal error while grading: {type(e).__name__}: {e}"
    return {
        "score": 0,
        "max_score": 0,
        "output": f"Could not grade: {reason}",
        "tests": [],
        "extra_data": {
            "schema": "trailwatch-grade/1",
            "student": job.student,
            "scenario": scenario,
            "seed": seed,
            "error": reason,
        },
    }


def _run(args: tuple[BatchJob, str | None, int, str | None, bool]) -> dict[str, Any]:
    return grade_job(*args)


def grade_batch(
    root: Path,
    out_csv: Path,
    *,
    scenario: str | None,
    seed: int,
    dataset: str | None,
    per_student: bool,
    jobs: int | None = None,
    json_dir: Path | None = None,
) -> list[dict[str, Any]]:
    """Grade every student under root; write the CSV and one JSON per student; return the results."""
    from grader.grading.grade import reference_false_alarms

    todo = discover(root)
    if scenario is None and dataset is None:
        raise GradingInputError(
            str(root), "give --scenario (per-student datasets) or --dataset (one shared dataset)"
        )
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    args = [(job, scenario, seed, dataset, per_student) for job in todo]
    if workers == 1:
        results = [_run(a) for a in args]
    else:
        if dataset is not None or not per_student:
            # one shared dataset: load its CloudTrail events once, before forking, so every worker shares them
            ds = _dataset(scenario, seed, None, dataset, None)
            for name in ds.cloudtrail_groups():
                ds.group(name)
            reference_false_alarms(ds)
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_run, args, chunksize=1))
    json_dir = json_dir or out_csv.with_suffix("")
    json_dir.mkdir(parents=True, exist_ok=True)
    for job, res in zip(todo, results, strict=True):
        (json_dir / f"{job.student}.json").write_bytes(orjson.dumps(res, option=orjson.OPT_INDENT_2) + b"\n")
    write_csv(out_csv, results)
    return results


def write_csv(path: Path, results: list[dict[str, Any]]) -> None:
    names: list[str] = []
    for r in results:
        for t in r["tests"]:
            if t["name"] not in names:
                names.append(t["name"])
    full = max((r["max_score"] for r in results), default=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["student", "scenario", "seed", "score", "max_score", "error", *names])
        for r in results:
            extra = r.get("extra_data", {})
            scores = {t["name"]: f"{t['score']:g}" for t in r["tests"]}
            w.writerow(
                [
                    extra.get("student", ""),
                    extra.get("scenario") or "",
                    extra.get("seed", ""),
                    f"{r['score']:g}",
                    f"{(r['max_score'] or full):g}",
                    extra.get("error", ""),
                    *[scores.get(n, "") for n in names],
                ]
            )
