"""``trailwatch eventpattern``: test EventBridge event patterns against events, offline.

    trailwatch eventpattern test --pattern '{"source": ["aws.s3"]}' --input events.jsonl --json
    trailwatch eventpattern convert --input trail.json.gz > events.jsonl

``test``: ``--pattern`` is inline JSON (anything starting with ``{`` or ``[``) or the path of a file
holding it; ``--input`` holds one event (a JSON object) per line, blank lines ignored. ``--json`` prints
``{"matches": [true|false per event]}``; without it a table. An invalid pattern exits with code 2,
``error: <AWS message>`` on stderr and nothing on stdout; unreadable input exits 2 naming file and line.

``convert``: CloudTrail records (a delivered ``{"Records": [...]}`` file, gzipped or not, a JSON list, or
one record per line) to the EventBridge events AWS emits, one per line; ``--rule-state`` drops what a
rule in that state would not receive.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import click
import orjson

from grader.eventbridge.errors import InvalidEventPattern

__all__ = ["eventpattern"]


class _InputError(Exception):
    pass


def _read_pattern(value: str) -> str:
    if value.lstrip().startswith(("{", "[")):
        return value
    path = Path(value)
    if not path.is_file():
        raise _InputError(f"--pattern is neither inline JSON nor a readable file: {value}")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _InputError(f"{path}: cannot read: {exc}") from exc


def _read_events(path: Path) -> list[dict[str, Any]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _InputError(f"{path}: cannot read: {exc.strerror}") from exc
    events: list[dict[str, Any]] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            event = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise _InputError(f"{path}:{number}: invalid JSON: {exc}") from exc
        if not isinstance(event, dict):
            raise _InputError(f"{path}:{number}: an event must be a JSON object, got {type(event).__name__}")
        events.append(event)
    return events


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return value if isinstance(value, str) else orjson.dumps(value).decode()


@click.group()
def eventpattern() -> None:
    """Test EventBridge event patterns."""


@eventpattern.command("test")
@click.option(
    "--pattern", "pattern_arg", required=True, help="Event pattern: inline JSON or a file holding it."
)
@click.option(
    "--input",
    "input_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Events, one JSON object per line.",
)
@click.option("--json", "as_json", is_flag=True, help='Print {"matches": [...]} as JSON.')
def test_command(pattern_arg: str, input_path: Path, as_json: bool) -> None:
    """Match every event of a JSONL file against an event pattern."""
    from grader.eventbridge.pattern import compile_event_pattern

    try:
        pattern = compile_event_pattern(_read_pattern(pattern_arg))
        events = _read_events(input_path)
    except InvalidEventPattern as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(2) from exc
    except _InputError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from exc
    matches = [pattern.matches(event) for event in events]
    if as_json:
        click.echo(orjson.dumps({"matches": matches}).decode())
        return
    rows = [("#", "match", "source", "detail-type", "eventName")]
    for i, (event, matched) in enumerate(zip(events, matches, strict=True), start=1):
        detail = event.get("detail")
        name = detail.get("eventName") if isinstance(detail, dict) else None
        rows.append(
            (
                str(i),
                "yes" if matched else "no",
                _cell(event.get("source")),
                _cell(event.get("detail-type")),
                _cell(name),
            )
        )
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    for r in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    click.echo(f"\n{sum(matches)} of {len(matches)} events match")


def _read_records(path: Path) -> list[Any]:
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
    except (OSError, EOFError) as exc:
        raise _InputError(f"{path}: cannot read: {exc}") from exc
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("Records"), list):
        return data["Records"]
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        return [data]
    records = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if line.strip():
            try:
                records.append(orjson.loads(line))
            except orjson.JSONDecodeError as exc:
                raise _InputError(f"{path}:{number}: invalid JSON: {exc}") from exc
    return records


@eventpattern.command("convert")
@click.option(
    "--input", "input_path", required=True, type=click.Path(path_type=Path), help="CloudTrail records."
)
@click.option(
    "--rule-state",
    type=click.Choice(["ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"]),
    default=None,
    help="Keep only events a rule in this state receives.",
)
def convert_command(input_path: Path, rule_state: str | None) -> None:
    """Print the EventBridge event AWS emits for each CloudTrail record, one per line."""
    from grader.eventbridge.cloudtrail import cloudtrail_to_eventbridge, delivered_to_rule

    try:
        records = _read_records(input_path)
        out = []
        for index, record in enumerate(records):
            try:
                event = cloudtrail_to_eventbridge(record)
            except ValueError as exc:
                raise _InputError(f"{input_path}: record {index}: {exc}") from exc
            if event is not None and (rule_state is None or delivered_to_rule(event, rule_state)):
                out.append(orjson.dumps(event).decode())
    except _InputError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from exc
    if out:
        click.echo("\n".join(out))
