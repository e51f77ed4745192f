"""Expected detections and the reference solution (the grader's submission shape).

The reference solution lists AWS API request bodies: ``metric_filters`` (PutMetricFilter), ``alarms``
(PutMetricAlarm), ``topics`` (CreateTopic), ``subscriptions`` (Subscribe), ``rules`` (PutRule) and
``targets`` (PutTargets). ARNs may use ``${AWS::AccountId}`` / ``${AWS::Region}`` (kept for the grader).
Log group names differ per student, so the solution names them with placeholders that compilation
replaces: ``${Trailwatch::CloudTrailLogGroup}`` and ``${Trailwatch::FlowLogGroup}`` (the prod account's;
add ``::dev`` or ``::security`` for another account). Validation runs every pattern and alarm through the
grader's own engines (grader.filterpattern, grader.eventbridge, grader.alarms) and checks the references
between them (alarm -> metric filter, alarm action / subscription / target -> topic, target -> rule).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import orjson

from simulator.scenario.errors import Path_, ScenarioError, did_you_mean
from simulator.world import World

PLACEHOLDER = re.compile(r"\$\{Trailwatch::([A-Za-z]+)(?:::([a-z]+))?\}")
PLACEHOLDERS = ("CloudTrailLogGroup", "FlowLogGroup")
ACCOUNT_KINDS = ("prod", "dev", "security")
_TRY_ACCOUNT, _TRY_REGION = "111111111111", "us-east-1"

Err = Callable[[Path_, str], ScenarioError]


def log_group(world: World, name: str, kind: str | None) -> str:
    """The log group a placeholder stands for in this world."""
    acct = world.account(kind or "prod").id
    if name == "CloudTrailLogGroup":
        return world.trail_for(acct).log_group
    groups = [f.log_group for f in world.flow_logs if f.account_id == acct and f.destination == "cloud-watch-logs"]
    if not groups:
        raise KeyError(f"the {kind or 'prod'} account has no flow log delivered to CloudWatch Logs")
    return groups[0]


def resolve_placeholders(value: Any, world: World) -> Any:
    """A copy of value with every ``${Trailwatch::...}`` replaced for this world."""
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda m: log_group(world, m.group(1), m.group(2)), value)
    if isinstance(value, list):
        return [resolve_placeholders(v, world) for v in value]
    if isinstance(value, dict):
        return {k: resolve_placeholders(v, world) for k, v in value.items()}
    return value


def normalise_solution(solution: dict[str, Any]) -> dict[str, Any]:
    """EventPattern written as a YAML mapping becomes the JSON string PutRule takes."""
    out = {k: list(v) for k, v in solution.items()}
    out["rules"] = [{**r, "EventPattern": r["EventPattern"] if isinstance(r.get("EventPattern"), str)
                     else orjson.dumps(r.get("EventPattern")).decode()} for r in solution.get("rules", [])]
    return {k: out[k] for k in ("metric_filters", "alarms", "topics", "subscriptions", "rules", "targets") if k in out}


def _try_values(text: str) -> str:
    return text.replace("${AWS::AccountId}", _TRY_ACCOUNT).replace("${AWS::Region}", _TRY_REGION)


def _topic_name(arn: Any) -> str | None:
    if isinstance(arn, str) and arn.startswith("arn:") and ":sns:" in arn:
        return arn.rsplit(":", 1)[-1]
    return None


def _placeholder_errors(value: Any, path: Path_, err: Err) -> list[ScenarioError]:
    out: list[ScenarioError] = []
    if isinstance(value, str):
        for m in re.finditer(r"\$\{Trailwatch::([^}]*)\}", value):
            name, _, kind = m.group(1).partition("::")
            if name not in PLACEHOLDERS:
                out.append(err(path, f"unknown placeholder ${{Trailwatch::{name}}}" + did_you_mean(name, PLACEHOLDERS)))
            elif kind and kind not in ACCOUNT_KINDS:
                out.append(err(path, f"unknown account {kind!r} in ${{Trailwatch::{m.group(1)}}}"
                               + did_you_mean(kind, ACCOUNT_KINDS)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _placeholder_errors(v, (*path, i), err)
    elif isinstance(value, dict):
        for k, v in value.items():
            out += _placeholder_errors(v, (*path, k), err)
    return out


def solution_errors(solution: dict[str, Any], err: Err) -> list[ScenarioError]:
    """Invalid patterns, alarms the API would reject, and dangling references in a reference solution."""
    from grader.alarms import AlarmValidationError, parse_metric_alarm
    from grader.eventbridge import InvalidEventPattern, compile_event_pattern
    from grader.filterpattern import AwsError, InvalidFilterPattern, MetricFilter

    base: Path_ = ("solution",)
    out = _placeholder_errors(solution, base, err)
    metrics: set[tuple[str, str]] = set()
    for i, f in enumerate(solution.get("metric_filters", [])):
        path = (*base, "metric_filters", i)
        group = f.get("logGroupName")
        if isinstance(group, str) and group.startswith("aws-cloudtrail-logs-"):
            out.append(err((*path, "logGroupName"), "CloudTrail log group names differ per student; write "
                           "${Trailwatch::CloudTrailLogGroup}"))
        try:
            mf = MetricFilter(f.get("filterPattern"), f.get("metricTransformations"))
            metrics.add((mf.namespace, mf.name))
        except InvalidFilterPattern as e:
            out.append(err((*path, "filterPattern"), f"{e.code}: {e.message}"))
        except AwsError as e:
            out.append(err((*path, "metricTransformations"), f"{e.code}: {e.message}"))
        except (TypeError, AttributeError):
            out.append(err((*path, "filterPattern"), "filterPattern must be text"))
    topics = {t.get("Name") for t in solution.get("topics", [])}
    for i, a in enumerate(solution.get("alarms", [])):
        path = (*base, "alarms", i)
        try:
            parse_metric_alarm(orjson.loads(_try_values(orjson.dumps(a).decode())))
        except AlarmValidationError as e:
            out.append(err((*path, e.field) if e.field and e.field in a else path, f"{e.code}: {e.message}"))
        if "MetricName" in a and (a.get("Namespace"), a["MetricName"]) not in metrics:
            known = [f"{n}/{m}" for n, m in sorted(metrics)]
            out.append(err((*path, "MetricName"), f"no metric filter produces {a.get('Namespace')}/{a['MetricName']}"
                           + did_you_mean(f"{a.get('Namespace')}/{a['MetricName']}", known)))
        for j, arn in enumerate(a.get("AlarmActions", []) or []):
            name = _topic_name(arn)
            if name is not None and name not in topics:
                out.append(err((*path, "AlarmActions", j), f"topic {name!r} is not in solution.topics"
                               + did_you_mean(name, [t for t in topics if t])))
    for i, s in enumerate(solution.get("subscriptions", [])):
        name = _topic_name(s.get("TopicArn"))
        if name is None or name not in topics:
            out.append(err((*base, "subscriptions", i, "TopicArn"), f"{s.get('TopicArn')!r} is not the ARN of a topic in "
                           "solution.topics (arn:aws:sns:${AWS::Region}:${AWS::AccountId}:<Name>)"))
    rules = {r.get("Name") for r in solution.get("rules", [])}
    for i, r in enumerate(solution.get("rules", [])):
        try:
            compile_event_pattern(r.get("EventPattern"))
        except InvalidEventPattern as e:
            out.append(err((*base, "rules", i, "EventPattern"), f"{e.code}: {e.message}"))
    for i, t in enumerate(solution.get("targets", [])):
        path = (*base, "targets", i)
        if t.get("Rule") not in rules:
            out.append(err((*path, "Rule"), f"rule {t.get('Rule')!r} is not in solution.rules"
                           + did_you_mean(str(t.get("Rule")), [r for r in rules if r])))
        for j, target in enumerate(t.get("Targets") or []):
            if not isinstance(target, dict) or "Id" not in target or "Arn" not in target:
                out.append(err((*path, "Targets", j), "each target needs Id and Arn"))
                continue
            name = _topic_name(target["Arn"])
            if name is not None and name not in topics:
                out.append(err((*path, "Targets", j, "Arn"), f"topic {name!r} is not in solution.topics"))
    return out
