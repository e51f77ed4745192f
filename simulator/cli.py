"""``trailwatch generate``: write a labelled AWS log dataset (thin edge over simulator.engine.run).

With ``--scenario ID|PATH`` the scenario (simulator.scenario.prepare_scenario_run) fixes start, duration and
scale and brings its world overrides, logging gaps and injected records; its ground truth goes to
``scenario/`` in the dataset and the manifest gets a "scenario" block. Exit codes: 0 ok, 1 invalid scenario
(every error printed as file:line:col: field: message), 2 usage errors.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sys
from pathlib import Path

import click

from simulator.engine.context import ALL_SOURCES, DEFAULT_START, RunConfig

_DURATION = re.compile(r"^(\d+)([smhdw])$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MAX_DURATION = 366 * 86400


def parse_duration(text: str) -> int:
    """'90m', '1d', '7d', '2w' -> seconds."""
    m = _DURATION.match(text.strip())
    if not m or int(m.group(1)) == 0:
        raise click.BadParameter(
            f"{text!r} is not a duration like 30m, 6h, 1d or 7d", param_hint="'--duration'"
        )
    seconds = int(m.group(1)) * _UNIT[m.group(2)]
    if seconds > MAX_DURATION:
        raise click.BadParameter(f"{text!r} is longer than 366 days", param_hint="'--duration'")
    return seconds


def parse_start(text: str) -> dt.datetime:
    """ISO 8601 date or date-time; naive values are UTC."""
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not an ISO 8601 time such as 2026-03-02T06:00:00Z", param_hint="'--start'"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    value = value.astimezone(dt.UTC)
    if value.microsecond or value.second:
        raise click.BadParameter(f"{text!r} must be a whole minute", param_hint="'--start'")
    return value


def parse_sources(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(s.strip() for s in text.split(",") if s.strip()))
    bad = [n for n in names if n not in ALL_SOURCES]
    if bad or not names:
        raise click.BadParameter(
            f"unknown source {', '.join(bad) or '(none)'}; choose from {','.join(ALL_SOURCES)}",
            param_hint="'--sources'",
        )
    return names


def summary_table(result, config: RunConfig, out: Path, scenario=None) -> str:
    rows = [("source", "records", "files", "records/s")]
    for s, n in result.records.items():
        files = result.manifest["counts"][s]["files"]
        secs = result.source_seconds.get(s, 0.0)
        rows.append((s, f"{n:,}", f"{files:,}", f"{n / secs:,.0f}" if secs > 0 else "-"))
    shared = result.source_seconds.get("shared streams", 0.0)
    if shared:
        rows.append(("(shared S3/ALB streams)", "", "", f"{shared:,.1f} s"))
    rows.append(("total", f"{sum(result.records.values()):,}", f"{result.files:,} (incl. labels)", ""))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [
        f"Dataset written to {out}  ({result.bytes / 1e6:,.1f} MB, {result.seconds:,.1f} s, jobs={config.jobs})",
        f"Time range {result.manifest['time_range']['start']} .. {result.manifest['time_range']['end']}, "
        f"seed {config.seed}, student {config.student or '-'}, scale {config.scale}",
    ]
    for k, r in enumerate(rows):
        lines.append("  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)))
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    if result.unavailable:
        lines.append(f"not available yet (skipped): {', '.join(result.unavailable)}")
    if scenario is not None:
        lines.extend(scenario_table(scenario, result.scenario_records))
    return "\n".join(lines)


def scenario_table(srun, labelled: dict[str, dict[str, int]]) -> list[str]:
    """Rows per scenario step: time, action and the labelled scenario records per source in the dataset."""
    s = srun.scenario
    lines = ["", f"Scenario {s.id}: {s.title}", "scenario records (labelled in the dataset):"]
    rows = [("step", "time", "action", "records")]
    for e in srun.timeline:
        per = labelled.get(e.step, {})
        text = ", ".join(f"{src} {n:,}" for src, n in sorted(per.items())) or "-"
        rows.append((e.step, dt.datetime.fromtimestamp(e.time_ms / 1000, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                     e.action, text))
    total = sum(n for per in labelled.values() for n in per.values())
    rows.append(("total", "", "", f"{total:,}"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for k, r in enumerate(rows):
        lines.append("  " + "  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip())
        if k == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return lines


@click.command()
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Dataset directory (created; a previous dataset there is replaced).",
)
@click.option("--seed", default=1, show_default=True, type=click.IntRange(0, 2**63 - 1), help="Random seed.")
@click.option("--student", default=None, help="Student id: gives each student a different world.")
@click.option(
    "--start",
    "start",
    default=DEFAULT_START.strftime("%Y-%m-%dT%H:%M:%SZ"),
    show_default=True,
    help="Start time (ISO 8601, UTC if no offset).",
)
@click.option("--duration", default="1d", show_default=True, help="Length: 30m, 6h, 1d, 7d, 2w.")
@click.option("--scale", default=200, show_default=True, type=click.IntRange(1, 20000), help="Employees.")
@click.option("--sources", default=",".join(ALL_SOURCES), show_default=True, help="Comma-separated sources.")
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option(
    "--scenario",
    "scenario_ref",
    default=None,
    help="Weave a scenario in (library id or YAML path); it fixes --start, --duration and --scale.",
)
@click.pass_context
def generate(
    ctx: click.Context,
    out: Path,
    seed: int,
    student: str | None,
    start: str,
    duration: str,
    scale: int,
    sources: str,
    jobs: int,
    scenario_ref: str | None,
) -> None:
    """Generate a labelled dataset of AWS logs (CloudTrail, VPC Flow, ALB, S3 access)."""
    from simulator.engine.run import run

    if student is not None and not re.fullmatch(r"[A-Za-z0-9._@-]{1,64}", student):
        raise click.BadParameter(
            f"{student!r}: use 1-64 letters, digits or . _ @ -", param_hint="'--student'"
        )
    srun = None
    if scenario_ref is None:
        config = RunConfig(
            seed=seed,
            student=student,
            start=parse_start(start),
            duration_seconds=parse_duration(duration),
            scale=scale,
            sources=parse_sources(sources),
            jobs=jobs,
        )
    else:
        srun = _prepare_scenario(ctx, scenario_ref, seed, student, sources, jobs)
        config = srun.config
    extra = {}
    if srun is not None:
        from simulator.scenario import write_dataset_files

        s = srun.scenario
        extra = {
            "extra_files": lambda out_dir: write_dataset_files(srun, out_dir),
            "manifest_blocks": {"scenario": {"id": s.id, "title": s.title, "seed": srun.seed, "student": srun.student}},
        }
    try:
        if config.n_windows > 3:
            with click.progressbar(
                length=config.n_windows, label="Generating", file=sys.stderr, show_pos=True
            ) as bar:
                result = run(config, out, progress=bar.update, **extra)
        else:
            result = run(config, out, **extra)
    except FileExistsError as e:
        raise click.UsageError(str(e)) from None
    click.echo(summary_table(result, config, out, srun))


FIXED_BY_SCENARIO = ("start", "duration", "scale")


def _prepare_scenario(ctx: click.Context, ref: str, seed: int, student: str | None, sources: str, jobs: int):
    """Compile the scenario into a run (usage errors exit 2, an invalid scenario exits 1)."""
    given = [
        f"--{name}"
        for name in FIXED_BY_SCENARIO
        if ctx.get_parameter_source(name) not in (None, click.core.ParameterSource.DEFAULT)
    ]
    if given:
        raise click.UsageError(f"{', '.join(given)} cannot be combined with --scenario: the scenario fixes start, "
                               "duration and scale")
    explicit_sources = ctx.get_parameter_source("sources") not in (None, click.core.ParameterSource.DEFAULT)
    picked = parse_sources(sources)
    from simulator.scenario import ScenarioInvalid, ScenarioNotFound, prepare_scenario_run

    try:
        srun = prepare_scenario_run(ref, seed=seed, student=student, base=RunConfig(jobs=jobs, sources=picked))
    except ScenarioNotFound as e:
        raise click.UsageError(str(e.args[0] if e.args else e)) from None
    except ScenarioInvalid as e:
        for err in e.errors:
            click.echo(str(err), err=True)
        click.echo(f"Error: scenario {ref!r} is invalid ({len(e.errors)} error(s))", err=True)
        ctx.exit(1)
    # srun.config carries the scenario's world overrides and logging gaps into every worker process
    changes: dict = {"jobs": jobs}
    if explicit_sources:
        changes["sources"] = picked
    return dataclasses.replace(srun, config=dataclasses.replace(srun.config, **changes))
