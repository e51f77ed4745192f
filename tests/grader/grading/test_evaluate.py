"""Evaluation internals checked against brute force on the lab dataset: rule prefilters, filter matches,
alarm attribution, and the fast space-delimited field splitter."""

from __future__ import annotations

import json

import pytest

from grader.eventbridge import cloudtrail_to_eventbridge, compile_event_pattern, delivered_to_rule
from grader.filterpattern import compile_pattern
from grader.filterpattern.event import split_fields
from grader.grading import submission_from_data
from grader.grading.dataset import fast_fields
from grader.grading.evaluate import evaluate
from grader.grading.submission import placeholder_resolver, resolve_submission

PATTERNS = [
    {"source": ["aws.iam"], "detail": {"eventName": ["CreateAccessKey", "CreateUser"]}},
    {"source": ["aws.signin"], "detail-type": ["AWS Console Sign In via CloudTrail"]},
    {"detail": {"eventName": [{"prefix": "Put"}]}},
    {"source": [{"anything-but": ["aws.s3", "aws.ec2"]}], "detail": {"errorCode": [{"exists": True}]}},
    {"detail": {"eventName": ["GetSecretValue", "DescribeInstances"]}},
]


@pytest.mark.parametrize("state", ["ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"])
def test_rule_matches_equal_brute_force(lab, state):
    rules = [{"Name": f"r{i}", "EventPattern": json.dumps(p), "State": state} for i, p in enumerate(PATTERNS)]
    ev = evaluate(lab, submission_from_data({"rules": rules}, "x"))
    compiled = [compile_event_pattern(json.dumps(p)) for p in PATTERNS]
    expected = [0] * len(PATTERNS)
    for name in lab.cloudtrail_groups():
        for log_event in lab.group(name).events:
            event = cloudtrail_to_eventbridge(log_event.json)
            if event is None or not delivered_to_rule(event, state):
                continue
            for i, p in enumerate(compiled):
                expected[i] += p.matches(event)
    assert [len(r.signals) for r in ev.rules] == expected
    assert sum(expected) > 0


def test_filter_matches_and_alarm_attribution(lab):
    body = lab.scenario["solution"]
    sub = submission_from_data(
        {k: body[k] for k in ("metric_filters", "alarms", "topics", "subscriptions")}, "x"
    )
    ev = evaluate(
        lab, resolve_submission(sub, placeholder_resolver(lab.home_account, lab.region, lab.log_group_for))
    )
    for f in ev.filters:
        pattern = compile_pattern(f.item.body["filterPattern"])
        brute = [i for i, e in enumerate(f.group.events) if pattern.matches(e)]
        assert list(f.matched) == brute
    burst = next(a for a in ev.alarms if a.alarm.alarm_name == "sign-in-burst")
    (signal,) = burst.signals
    assert signal.steps("grading-lab") == {"spray"} and not signal.is_false_alarm("grading-lab")
    assert signal.delivery.delivered


@pytest.mark.parametrize(
    "message",
    [
        "2 123 eni-1 10.0.0.1 10.0.0.2 443 5555 6 10 840 1 2 ACCEPT OK",
        "",
        " a",
        "a ",
        "a  b",
        "a\tb",
        'a "b c" d',
        "a [b c] d",
        "x",
    ],
)
def test_fast_fields_equal_the_engine(message):
    fast = fast_fields(message)
    assert fast is None or fast == split_fields(message)
