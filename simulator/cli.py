"""``trailwatch generate``: write a labelled AWS log dataset (thin edge over simulator.engine.run)."""

from __future__ import annotations

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


def summary_table(result, config: RunConfig, out: Path) -> str:
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
    return "\n".join(lines)


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
def generate(
    out: Path, seed: int, student: str | None, start: str, duration: str, scale: int, sources: str, jobs: int
) -> None:
    """Generate a labelled dataset of AWS logs (CloudTrail, VPC Flow, ALB, S3 access)."""
    from simulator.engine.run import run

    if student is not None and not re.fullmatch(r"[A-Za-z0-9._@-]{1,64}", student):
        raise click.BadParameter(
            f"{student!r}: use 1-64 letters, digits or . _ @ -", param_hint="'--student'"
        )
    config = RunConfig(
        seed=seed,
        student=student,
        start=parse_start(start),
        duration_seconds=parse_duration(duration),
        scale=scale,
        sources=parse_sources(sources),
        jobs=jobs,
    )
    try:
        if config.n_windows > 3:
            with click.progressbar(
                length=config.n_windows, label="Generating", file=sys.stderr, show_pos=True
            ) as bar:
                result = run(config, out, progress=bar.update)
        else:
            result = run(config, out)
    except FileExistsError as e:
        raise click.UsageError(str(e)) from None
    click.echo(summary_table(result, config, out))
