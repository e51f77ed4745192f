"""EventBridge rules over the dataset's CloudTrail events, as EventBridge delivers them.

Every rule receives every CloudTrail event of every account and region (the central-account scope of
evaluate.py): ``cloudtrail_to_eventbridge`` builds the envelope, ``delivered_to_rule`` applies the rule's
State (``ENABLED`` rules miss read-only management events, ``DISABLED`` rules get nothing), the compiled
pattern decides. Each matched event is a signal at its eventTime. A cheap exact pre-filter on ``source`` and
``detail.eventName`` (when the pattern lists only plain strings there) skips building envelopes for events
that cannot match; tests/grader/grading/test_evaluate.py checks it against brute force.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from grader.eventbridge import (
    RULE_STATES,
    EventPattern,
    InvalidEventPattern,
    cloudtrail_to_eventbridge,
    compile_event_pattern,
    delivered_to_rule,
)
from grader.grading.signals import Rejected, Signal
from grader.grading.submission import Item
from grader.grading.wiring import Delivery, sns_delivery

if TYPE_CHECKING:
    from grader.grading.evaluate import Evaluation


@dataclass
class RuleRun:
    item: Item
    pattern: EventPattern
    state: str
    targets: list[str]
    delivery: Delivery
    signals: list[Signal] = field(default_factory=list)


def run_rules(ev: Evaluation) -> None:
    runs: list[RuleRun] = []
    targets: dict[str, list[str]] = {}
    rule_names = {str(i.body["Name"]) for i in ev.submission.of("rules")}
    for item in ev.submission.of("targets"):
        rule = str(item.body["Rule"])
        if rule not in rule_names:
            ev.problems.append(
                f"{item.where}: rule {rule!r} is not one of your rules; its targets receive nothing"
            )
            continue
        for t in item.body.get("Targets") or []:
            if isinstance(t, dict) and t.get("Arn"):
                targets.setdefault(rule, []).append(str(t["Arn"]))
    for item in ev.submission.of("rules"):
        state = str(item.body.get("State") or "ENABLED")
        if state not in RULE_STATES:
            ev.rejected.append(
                Rejected(item, "State", f"ValidationException: State must be one of {', '.join(RULE_STATES)}")
            )
            continue
        raw = item.body.get("EventPattern")
        if raw is None:
            ev.rejected.append(
                Rejected(item, "EventPattern", "scheduled rules (no EventPattern) never match events")
            )
            continue
        text = raw if isinstance(raw, str) else orjson.dumps(raw).decode()
        try:
            pattern = compile_event_pattern(text)
        except InvalidEventPattern as e:
            ev.rejected.append(Rejected(item, "EventPattern", f"{e.code}: {e.message}"))
            continue
        name = str(item.body["Name"])
        tg = targets.get(name, [])
        delivery = (
            sns_delivery(tg, ev.topics, other_targets_deliver=True)
            if tg
            else Delivery(False, "the rule has no targets: matched events go nowhere")
        )
        runs.append(RuleRun(item, pattern, state, tg, delivery))
    if not runs:
        return
    ds = ev.dataset
    guards = [_prefilter(run.item.body.get("EventPattern")) for run in runs]
    memo: dict[tuple[Any, Any], list[RuleRun]] = {}  # (eventSource, eventName) -> rules that may match
    for group_name in ds.cloudtrail_groups():
        group = ds.group(group_name)
        for idx, log_event in enumerate(group.events):
            doc = log_event.json
            if doc is None:
                continue
            key = (doc.get("eventSource"), doc.get("eventName"))
            wanted = memo.get(key)
            if wanted is None:
                source, name = key
                wanted = memo[key] = [
                    run
                    for run, (sources, names) in zip(runs, guards, strict=True)
                    if (sources is None or _eb_source(source) in sources) and (names is None or name in names)
                ]
            if not wanted:
                continue
            event = cloudtrail_to_eventbridge(doc)
            if event is None:
                continue
            label: Any = False
            for run in wanted:
                if not delivered_to_rule(event, run.state):
                    continue
                if run.pattern.matches(event):
                    if label is False:
                        label = ds.label_of(group, idx)
                    run.signals.append(
                        Signal(
                            "rule",
                            str(run.item.body["Name"]),
                            int(log_event.timestamp or 0),
                            [label],
                            run.delivery,
                        )
                    )
    for run in runs:
        run.signals.sort(key=lambda s: s.time_ms)
    ev.rules.extend(runs)


def _eb_source(event_source: Any) -> str:
    if not isinstance(event_source, str) or not event_source:
        return "aws.cloudtrail"
    return "aws." + event_source.removesuffix(".amazonaws.com")


def _exact_strings(values: Any) -> frozenset[str] | None:
    if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
        return frozenset(values)
    return None


def _prefilter(raw: Any) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """Necessary conditions of a pattern a CloudTrail record can be checked against before conversion:
    the exact ``source`` values and the exact ``detail.eventName`` values (None = no condition). Only
    plain string lists qualify (any matcher object, e.g. prefix or anything-but, disables the guard)."""
    try:
        pattern = orjson.loads(raw) if isinstance(raw, str) else raw
    except orjson.JSONDecodeError:
        return None, None
    if not isinstance(pattern, dict):
        return None, None
    detail = pattern.get("detail")
    names = _exact_strings(detail.get("eventName")) if isinstance(detail, dict) else None
    return _exact_strings(pattern.get("source")), names
