"""Grader speed: one submission against a 1-day scenario, and a class of students with per-student datasets.

    .venv/bin/python benchmarks/grade.py [--students 200] [--jobs N] [--skip-class]

Scenario: benchmarks/grade-1d.yaml (one day, 200 employees; a password spray, a stopped trail, a new
access key). Targets (issue 6): one submission in under 5 s; 200 students, each with their own
regenerated dataset, in under 10 minutes on a 2-core machine. Prints wall and CPU seconds (CPU is the
fairer number on a machine shared with other work) and the machine's load average.
"""

from __future__ import annotations

import argparse
import copy
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SCENARIO = ROOT / "benchmarks" / "grade-1d.yaml"


def _cpu_children() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _class_submissions(root: Path, solution: dict, n: int) -> None:
    """n students: reference solutions written with the log-group placeholder (each student's own group),
    every fifth one with its threshold too high, every tenth without a subscription, one malformed."""
    for i in range(n):
        body = copy.deepcopy(solution)
        for f in body["metric_filters"]:
            f["logGroupName"] = "${Trailwatch::CloudTrailLogGroup}"
        if i % 5 == 1:
            body["alarms"][0]["Threshold"] = 500
        if i % 10 == 2:
            body["subscriptions"] = []
        text = "metric_filters: [" if i == 7 else yaml.safe_dump(body)
        (root / f"s{i:03d}.yaml").write_text(text)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--skip-class", action="store_true")
    args = ap.parse_args()

    from grader.grading import grade, open_dataset, submission_from_data
    from grader.grading.batch import grade_batch

    work = Path(tempfile.mkdtemp(prefix="trailwatch-grade-bench-"))
    os.environ["TRAILWATCH_CACHE"] = str(work / "cache")
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} (start)")
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        ds = open_dataset(
            scenario=str(SCENARIO), seed=1, student="bench", submission=submission_from_data({}, "-")
        )
        print(
            f"dataset generation (cloudtrail, 1 day, 200 employees): {time.perf_counter() - t0:.2f} s wall, "
            f"{time.process_time() - c0:.2f} s CPU"
        )
        solution = ds.scenario["solution"]
        events = sum(len(ds.group(g).events) for g in ds.cloudtrail_groups())
        for label in ("cold (load + parse + reference + grade)", "warm (dataset already loaded)"):
            if label.startswith("cold"):
                ds = open_dataset(scenario=str(SCENARIO), seed=1, student="bench")
            t0, c0 = time.perf_counter(), time.process_time()
            results = grade(ds, submission_from_data(solution, "reference"))
            print(
                f"one submission, {label}: {time.perf_counter() - t0:.2f} s wall, {time.process_time() - c0:.2f} s "
                f"CPU over {events:,} CloudTrail events; score {results['score']:g}/{results['max_score']:g}"
            )
        if args.skip_class:
            return
        shutil.rmtree(
            work / "cache", ignore_errors=True
        )  # per-student datasets are generated inside the timing
        subs = work / "class"
        subs.mkdir()
        _class_submissions(subs, solution, args.students)
        t0, cc0, c0 = time.perf_counter(), _cpu_children(), time.process_time()
        results = grade_batch(
            subs,
            work / "grades.csv",
            scenario=str(SCENARIO),
            seed=1,
            dataset=None,
            per_student=True,
            jobs=args.jobs,
        )
        wall = time.perf_counter() - t0
        cpu = _cpu_children() - cc0 + time.process_time() - c0
        errors = sum(1 for r in results if r.get("extra_data", {}).get("error"))
        full = sum(
            1 for r in results if r["max_score"] and r["score"] == r["max_score"] - 6
        )  # no answers given
        print(
            f"class of {len(results)} with per-student datasets, jobs={args.jobs}: {wall:.1f} s wall "
            f"({wall / max(1, len(results)):.2f} s per student), {cpu:.1f} s CPU; {errors} malformed, "
            f"{full} with every detection"
        )
        print(f"load average {os.getloadavg()[0]:.1f} (end)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
