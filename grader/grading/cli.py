"""``trailwatch grade`` and ``trailwatch grade-batch`` (thin edges over grader.grading).

Exit codes (docs/grading.md): 0 graded (any score), 2 usage error, 3 bad input (the message names the
file and field), 4 live backend unreachable.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.grading.errors import GradingInputError
from grader.grading.outputs import FORMATS


def _fail(e: GradingInputError) -> None:
    click.echo(f"Error: {e}", err=True)
    sys.exit(e.exit_code)


@click.command()
@click.option(
    "--scenario", help="Scenario id or path: the dataset is regenerated (and cached) for --seed/--student."
)
@click.option(
    "--dataset",
    "dataset",
    type=click.Path(file_okay=False, path_type=Path),
    help="An already generated dataset folder (instead of --scenario).",
)
@click.option("--seed", default=1, show_default=True, type=click.IntRange(0, 2**63 - 1))
@click.option("--student", default=None, help="Student id (the dataset variant).")
@click.option(
    "--submission", type=click.Path(dir_okay=False, path_type=Path), help="Submission file (YAML or JSON)."
)
@click.option("--endpoint", help="Read the detections from a live backend at this URL.")
@click.option(
    "--cfn", type=click.Path(dir_okay=False, path_type=Path), help="CloudFormation template (JSON or YAML)."
)
@click.option(
    "--answers", type=click.Path(dir_okay=False, path_type=Path), help="Answers file {answers: {id: value}}."
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True)
@click.option(
    "--strict",
    type=click.Choice(["securityhub"]),
    default=None,
    help="Also check CIS controls by exact pattern string, as Security Hub does.",
)
@click.option(
    "--region",
    default=None,
    help="Region of the live backend (default: us-east-1, every world's home region).",
)
@click.option(
    "--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout."
)
def grade(
    scenario: str | None,
    dataset: Path | None,
    seed: int,
    student: str | None,
    submission: Path | None,
    endpoint: str | None,
    cfn: Path | None,
    answers: Path | None,
    fmt: str,
    strict: str | None,
    region: str | None,
    out: Path | None,
) -> None:
    """Grade one learner's detections (and answers) against their dataset."""
    from grader.grading.answers import load_answers
    from grader.grading.cfn import load_cfn_template
    from grader.grading.grade import grade as run_grade
    from grader.grading.grade import open_dataset
    from grader.grading.live import read_live_backend
    from grader.grading.outputs import render
    from grader.grading.submission import load_submission_file

    if (scenario is None) == (dataset is None):
        raise click.UsageError("give exactly one of --scenario or --dataset")
    if sum(x is not None for x in (submission, endpoint, cfn)) != 1:
        raise click.UsageError("give exactly one of --submission, --endpoint or --cfn")
    try:
        sub = None
        if submission is not None:
            sub = load_submission_file(submission)
        elif cfn is not None:
            sub = load_cfn_template(cfn)
        elif endpoint is not None:
            # every generated world lives in us-east-1; --region for a backend elsewhere
            sub = read_live_backend(endpoint, region or "us-east-1")
        assert sub is not None
        given = load_answers(answers) if answers is not None else {}
        ds = open_dataset(path=dataset, scenario=scenario, seed=seed, student=student, submission=sub)
        results = run_grade(ds, sub, answers=given, strict=strict, student=student)
    except GradingInputError as e:
        _fail(e)
        return
    text = render(results, fmt)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@click.command("grade-batch")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="grades.csv to write.",
)
@click.option(
    "--jobs", default=None, type=click.IntRange(1, 256), help="Worker processes (default: every core)."
)
@click.option(
    "--scenario", help="Scenario id or path; each student gets their own dataset (student id = name)."
)
@click.option("--seed", default=1, show_default=True, type=click.IntRange(0, 2**63 - 1))
@click.option(
    "--dataset",
    "dataset",
    type=click.Path(file_okay=False, path_type=Path),
    help="One shared, already generated dataset for every student.",
)
@click.option(
    "--shared/--per-student",
    "shared",
    default=False,
    show_default=True,
    help="With --scenario: one dataset (no student variant) for the whole class.",
)
@click.option(
    "--json-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the per-student JSON files go (default: next to --out, named after it).",
)
def grade_batch(
    directory: Path,
    out: Path,
    jobs: int | None,
    scenario: str | None,
    seed: int,
    dataset: Path | None,
    shared: bool,
    json_dir: Path | None,
) -> None:
    """Grade a class of submissions: one folder or file per student in DIRECTORY."""
    import time

    from grader.grading.batch import grade_batch as run_batch

    if (scenario is None) == (dataset is None):
        raise click.UsageError("give exactly one of --scenario or --dataset")
    t0 = time.perf_counter()
    try:
        results = run_batch(
            directory,
            out,
            scenario=scenario,
            seed=seed,
            dataset=str(dataset) if dataset else None,
            per_student=not shared and dataset is None,
            jobs=jobs,
            json_dir=json_dir,
        )
    except GradingInputError as e:
        _fail(e)
        return
    failed = [r for r in results if r.get("extra_data", {}).get("error")]
    click.echo(
        f"Graded {len(results)} submissions in {time.perf_counter() - t0:.1f} s "
        f"({len(failed)} could not be graded) -> {out}"
    )
    for r in failed:
        click.echo(f"  {r['extra_data']['student']}: {r['extra_data']['error']}", err=True)
