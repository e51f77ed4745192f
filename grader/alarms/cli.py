"""``trailwatch alarm evaluate``: evaluate a PutMetricAlarm definition over per-period datapoints.

    trailwatch alarm evaluate --alarm alarm.yaml --datapoints points.json --json

``--alarm``: a PutMetricAlarm request as JSON or YAML. ``--datapoints``: a JSON list of per-period values,
oldest first, ``null`` for a period without data (an item may also be ``{"value": v, "sampleCount": n}``).
Prints ``{"state", "reason", "timeline": [...]}``: ``state``/``reason`` after the evaluation at the end of the
last period; one timeline entry per period with ``index``, ``timestamp`` (evaluation time, the end of the
period), ``periodStart``, ``value``, ``previousState``, ``state``, ``transition``, ``outcome`` (what the
evaluation found), ``reason``/``reasonData`` (the alarm's StateReason/StateReasonData after it) and
``actions`` (ARNs run on a transition). Without ``--json`` a table. An invalid definition exits with code 2
and AWS's error message on stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import orjson
import yaml

from grader.alarms.errors import AlarmValidationError
from grader.alarms.formatting import iso_millis
from grader.alarms.timeline import DEFAULT_START, evaluate_alarm

__all__ = ["alarm"]


class _InputError(Exception):
    pass


def _load_alarm(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _InputError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise _InputError(f"{path}:{where} neither valid JSON nor valid YAML") from exc


def _load_points(path: Path) -> list[Any]:
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise _InputError(f"{path}: cannot read: {exc.strerror}") from exc
    except orjson.JSONDecodeError as exc:
        raise _InputError(f"{path}: invalid JSON: {exc}") from exc
    if not isinstance(data, list):
        raise _InputError(f"{path}: expected a JSON list of per-period values (numbers or null)")
    for i, item in enumerate(data):
        ok = item is None or (isinstance(item, int | float) and not isinstance(item, bool))
        if isinstance(item, dict):
            ok = set(item) <= {"value", "sampleCount"} and all(
                v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in item.values()
            )
        if not ok:
            raise _InputError(
                f'{path}: item {i}: expected a number, null or {{"value", "sampleCount"}}, got {item!r}'
            )
    return data


@click.group()
def alarm() -> None:
    """Evaluate CloudWatch metric alarms."""


@alarm.command()
@click.option(
    "--alarm",
    "alarm_file",
    required=True,
    type=click.Path(path_type=Path),
    help="PutMetricAlarm request (JSON or YAML).",
)
@click.option(
    "--datapoints",
    "points_file",
    required=True,
    type=click.Path(path_type=Path),
    help="JSON list of per-period values, oldest first, null = no data.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--start",
    default=DEFAULT_START,
    show_default=True,
    help="Start of the first period (alarm creation), ISO-8601 UTC.",
)
@click.option(
    "--initial-state",
    type=click.Choice(["INSUFFICIENT_DATA", "OK", "ALARM"]),
    default="INSUFFICIENT_DATA",
    show_default=True,
)
@click.option(
    "--evaluation-range",
    type=click.IntRange(min=1),
    default=None,
    help="Periods fetched per evaluation (default EvaluationPeriods + 2).",
)
@click.option("--region", default="us-east-1", show_default=True)
@click.option("--account-id", default="111111111111", show_default=True)
def evaluate(
    alarm_file: Path,
    points_file: Path,
    as_json: bool,
    start: str,
    initial_state: str,
    evaluation_range: int | None,
    region: str,
    account_id: str,
) -> None:
    """Evaluate an alarm at the end of every period of a datapoint series."""
    from grader.alarms.definition import parse_metric_alarm

    try:
        request = _load_alarm(alarm_file)
        points = _load_points(points_file)
        parsed = parse_metric_alarm(request, region=region, account_id=account_id)
        timeline = evaluate_alarm(
            parsed, points, start=start, initial_state=initial_state, evaluation_range=evaluation_range
        )
    except AlarmValidationError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(2) from exc
    except (_InputError, ValueError) as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from exc
    if as_json:
        click.echo(orjson.dumps(timeline.to_dict()).decode())
        return
    rows = [("#", "evaluated at", "value", "state", "", "reason")]
    for e in timeline.entries:
        value = "-" if e.value is None else f"{e.value:g}"
        mark = f"<- {e.previous_state}" if e.transition else ""
        rows.append(
            (str(e.index), iso_millis(e.timestamp), value, e.state, mark, e.reason if e.transition else "")
        )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r[:5], widths, strict=True)) + "  " + r[5])
    click.echo(f"\nstate: {timeline.state}\nreason: {timeline.reason}")
