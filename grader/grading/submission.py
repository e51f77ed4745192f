"""A learner's detection configuration, and the submission file reader.

The submission file (issue 6; other tools write it) is a YAML or JSON object with lists of AWS API
request bodies using boto3's parameter names: ``metric_filters`` (PutMetricFilter), ``alarms``
(PutMetricAlarm), ``topics`` (CreateTopic), ``subscriptions`` (Subscribe), ``rules`` (PutRule) and
``targets`` (PutTargets). Strings may use ``${AWS::AccountId}`` and ``${AWS::Region}`` (the dataset's
production account and home region) and, like the scenarios' reference solutions,
``${Trailwatch::CloudTrailLogGroup}`` / ``${Trailwatch::FlowLogGroup}`` (optionally ``::dev`` or
``::security``). A file that is not such an object, or a request missing a member the API requires, is
a ``GradingInputError`` naming the file and field; values AWS would reject (a bad pattern, an alarm
the API refuses) are graded as resources that were never created, with the reason as feedback.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from grader.grading.errors import GradingInputError

KINDS = ("metric_filters", "alarms", "topics", "subscriptions", "rules", "targets")
# members the API requires, per kind (boto3 names)
REQUIRED = {
    "metric_filters": ("logGroupName", "filterName", "filterPattern", "metricTransformations"),
    "alarms": ("AlarmName",),
    "topics": ("Name",),
    "subscriptions": ("TopicArn", "Protocol"),
    "rules": ("Name",),
    "targets": ("Rule", "Targets"),
}
NAME_KEY = {
    "metric_filters": "filterName",
    "alarms": "AlarmName",
    "topics": "Name",
    "rules": "Name",
    "subscriptions": "Endpoint",
    "targets": "Rule",
}
_TW = re.compile(r"\$\{Trailwatch::([A-Za-z]+)(?:::([a-z]+))?\}")


@dataclass
class Item:
    """One API request body and where it came from (for messages)."""

    kind: str
    body: dict[str, Any]
    where: str  # e.g. "sub.yaml: metric_filters[0] (filterName 'x')"

    @property
    def name(self) -> str:
        return str(self.body.get(NAME_KEY[self.kind], ""))


@dataclass
class Submission:
    origin: str
    items: dict[str, list[Item]] = field(default_factory=lambda: {k: [] for k in KINDS})
    account_id: str | None = None  # set by live readers (the backend's account)
    region: str | None = None

    def of(self, kind: str) -> list[Item]:
        return self.items[kind]

    def add(self, kind: str, body: dict[str, Any], where: str) -> None:
        self.items[kind].append(Item(kind, body, where))

    def to_dict(self) -> dict[str, Any]:
        return {k: [i.body for i in v] for k, v in self.items.items() if v}


def describe_location(origin: str, kind: str, index: int, body: Any) -> str:
    name = body.get(NAME_KEY[kind]) if isinstance(body, dict) else None
    return f"{origin}: {kind}[{index}]" + (f" ({NAME_KEY[kind]} {name!r})" if name else "")


def parse_text(text: str, origin: str) -> Any:
    """YAML or JSON text -> data, errors with line and column."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise GradingInputError(
                origin, f"line {e.lineno} column {e.colno}: invalid JSON: {e.msg}"
            ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
        problem = getattr(e, "problem", None) or str(e)
        raise GradingInputError(origin, f"{where}invalid YAML: {problem}") from None


def read_text(path: str | Path) -> str:
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GradingInputError(str(path), "file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise GradingInputError(str(path), f"cannot read: {e}") from None


def substitute(value: Any, fn: Callable[[str], str]) -> Any:
    """Apply ``fn`` to every string inside value (copies containers)."""
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, list):
        return [substitute(v, fn) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, fn) for k, v in value.items()}
    return value


def placeholder_resolver(
    account_id: str, region: str, log_group: Callable[[str, str], str | None]
) -> Callable[[str], str]:
    def resolve(text: str) -> str:
        if "${" not in text:
            return text
        text = text.replace("${AWS::AccountId}", account_id).replace("${AWS::Region}", region)
        text = text.replace("${AWS::Partition}", "aws")

        def tw(m: re.Match[str]) -> str:
            kind = {"CloudTrailLogGroup": "cloudtrail", "FlowLogGroup": "flow"}.get(m.group(1))
            found = log_group(kind, m.group(2) or "prod") if kind else None
            return found if found is not None else m.group(0)

        return _TW.sub(tw, text)

    return resolve


def submission_from_data(data: Any, origin: str) -> Submission:
    """Check the issue-6 shape and collect the request bodies (placeholders still in place)."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise GradingInputError(
            origin, f"the submission must be a mapping with {', '.join(KINDS)}; got {type(data).__name__}"
        )
    unknown = [k for k in data if k not in KINDS]
    if unknown:
        hints = [difflib.get_close_matches(str(k), KINDS, 1) for k in unknown]
        text = ", ".join(
            f"{k!r}" + (f" (did you mean {h[0]!r}?)" if h else "")
            for k, h in zip(unknown, hints, strict=True)
        )
        raise GradingInputError(origin, f"unknown section {text}; sections are {', '.join(KINDS)}")
    sub = Submission(origin)
    for kind in KINDS:
        entries = data.get(kind) or []
        if not isinstance(entries, list):
            raise GradingInputError(
                origin, f"must be a list of request bodies, got {type(entries).__name__}", kind
            )
        for i, body in enumerate(entries):
            if not isinstance(body, dict):
                raise GradingInputError(
                    origin, f"must be a mapping (a {_api(kind)} request body)", f"{kind}[{i}]"
                )
            for member in REQUIRED[kind]:
                value = body.get(member)
                if value is None or (value == "" and member != "filterPattern"):  # "" matches every event
                    present = [k for k in body if isinstance(k, str) and k != member]
                    hint = difflib.get_close_matches(member, present, 1) or difflib.get_close_matches(
                        member.lower(), [k.lower() for k in present], 1
                    )
                    raise GradingInputError(
                        origin,
                        f"{_api(kind)} needs {member!r}"
                        + (f" (found {hint[0]!r}: names are case-sensitive)" if hint else ""),
                        f"{kind}[{i}]",
                    )
            sub.add(kind, body, describe_location(origin, kind, i, body))
    return sub


def _api(kind: str) -> str:
    return {
        "metric_filters": "PutMetricFilter",
        "alarms": "PutMetricAlarm",
        "topics": "CreateTopic",
        "subscriptions": "Subscribe",
        "rules": "PutRule",
        "targets": "PutTargets",
    }[kind]


def load_submission_file(path: str | Path) -> Submission:
    """Read a submission file (YAML or JSON)."""
    origin = str(path)
    return submission_from_data(parse_text(read_text(path), origin), origin)


def resolve_submission(sub: Submission, resolver: Callable[[str], str]) -> Submission:
    """A copy with placeholders replaced in every request body."""
    out = Submission(sub.origin, account_id=sub.account_id, region=sub.region)
    for kind, items in sub.items.items():
        out.items[kind] = [Item(kind, substitute(i.body, resolver), i.where) for i in items]
    return out
