"""``trailwatch pattern test``: run a filter pattern (and optionally a metric value) over a file.

Output with ``--json`` (other tools script it, keep the shape):
``{"matches": [true|false per line], "values": [number|null per line]}`` — ``values`` only with
``--metric-value``; a line's value is the metric value for a match and the default value (or
null) for a miss, as AWS publishes per event. An invalid pattern exits 2 with
``error: <AWS message>`` on stderr and nothing on stdout.
"""

from __future__ import annotations

import sys

import click
import orjson

from grader.filterpattern.errors import AwsError
from grader.filterpattern.event import LogEvent
from grader.filterpattern.metric import MetricFilter
from grader.filterpattern.pattern import compile_pattern


def _read_lines(path: str) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        text = fh.read()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


@click.group()
def pattern() -> None:
    """Test CloudWatch Logs filter patterns."""


@pattern.command("test")
@click.option("--pattern", "pattern_text", required=True, help="The filter pattern.")
@click.option(
    "--input",
    "input_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="One log event message per line.",
)
@click.option(
    "--metric-value", default=None, help="metricValue: a number or a $.selector / $field reference."
)
@click.option(
    "--default-value", type=float, default=None, help="defaultValue published for non-matching lines."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def test_command(
    pattern_text: str, input_path: str, metric_value: str | None, default_value: float | None, as_json: bool
) -> None:
    """Match every line of INPUT against PATTERN."""
    if default_value is not None and metric_value is None:
        raise click.UsageError("--default-value needs --metric-value")
    try:
        compiled = compile_pattern(pattern_text)
        metric = None
        if metric_value is not None:
            transformation = {
                "metricName": "PatternTest",
                "metricNamespace": "Trailwatch",
                "metricValue": metric_value,
            }
            if default_value is not None:
                transformation["defaultValue"] = default_value
            metric = MetricFilter(pattern_text, [transformation], api="TestMetricFilter")
    except AwsError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    try:
        lines = _read_lines(input_path)
    except UnicodeDecodeError as exc:
        click.echo(f"error: {input_path}: not UTF-8 text ({exc.reason} at byte {exc.start})", err=True)
        sys.exit(2)
    events = [LogEvent(line) for line in lines]
    matches = [compiled.matches(ev) for ev in events]
    values: list[int | float | None] | None = None
    if metric is not None:
        values = []
        for ev in events:
            out = metric.evaluate(ev)
            values.append(_number(out[0].value) if out else None)
    if as_json:
        result: dict[str, list] = {"matches": matches}
        if values is not None:
            result["values"] = values
        click.echo(orjson.dumps(result).decode())
        return
    header = f"{'line':>5}  {'match':<5}" + ("  value" if values is not None else "") + "  message"
    click.echo(header)
    for i, (line, ok) in enumerate(zip(lines, matches, strict=True), start=1):
        shown = line if len(line) <= 80 else line[:77] + "..."
        value = ""
        if values is not None:
            v = values[i - 1]
            value = f"  {'-' if v is None else v!s:<5}"
        click.echo(f"{i:>5}  {'yes' if ok else 'no':<5}{value}  {shown}")
    click.echo(f"{sum(matches)} of {len(lines)} lines match")
