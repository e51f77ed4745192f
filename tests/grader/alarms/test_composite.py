"""Composite alarms: the AlarmRule language, its validation, and the composite's timeline."""

from __future__ import annotations

import orjson
import pytest

from grader.alarms import AlarmValidationError, evaluate_alarm, evaluate_composite_alarm, parse_alarm_rule

ARN = "arn:aws:cloudwatch:us-east-1:111111111111:alarm:"


@pytest.mark.parametrize(
    ("rule", "states", "value"),
    [
        ("ALARM(a) AND ALARM(b)", {"a": "ALARM", "b": "ALARM"}, True),
        ("ALARM(a) AND ALARM(b)", {"a": "ALARM", "b": "OK"}, False),
        ("ALARM(a) AND NOT ALARM(b)", {"a": "ALARM", "b": "OK"}, True),
        ("(ALARM(a) OR ALARM(b)) AND OK(c)", {"a": "OK", "b": "ALARM", "c": "OK"}, True),
        ("(ALARM(a) OR ALARM(b)) AND OK(c)", {"a": "OK", "b": "ALARM", "c": "INSUFFICIENT_DATA"}, False),
        (
            "ALARM(a) OR ALARM(b) AND OK(c)",
            {"a": "ALARM", "b": "OK", "c": "ALARM"},
            True,
        ),  # AND binds tighter
        ("INSUFFICIENT_DATA(a)", {}, True),  # a child not yet evaluated is INSUFFICIENT_DATA
        ('ALARM("my alarm")', {"my alarm": "ALARM"}, True),
        (f'ALARM("{ARN}cpu")', {"cpu": "ALARM"}, True),
        (f"OK({ARN}cpu)", {"cpu": "OK"}, True),
        ("TRUE", {}, True),
        ("FALSE", {}, False),
        ("false", {}, False),
        ("NOT NOT TRUE", {}, True),
    ],
)
def test_rule_evaluation(rule: str, states: dict[str, str], value: bool) -> None:
    assert parse_alarm_rule(rule).evaluate(states) is value


def test_children_are_names_even_when_written_as_arns() -> None:
    assert parse_alarm_rule(f'ALARM(a) OR OK("{ARN}b") OR ALARM(a)').children == ("a", "b")


@pytest.mark.parametrize(
    "rule",
    [
        "",
        "ALARM(a",
        "ALARM()",
        "ALARM(a) AND",
        "ALARM(a) ALARM(b)",
        "FOO(a)",
        "(ALARM(a)",
        'ALARM("a)',
        "ALARM(a) XOR ALARM(b)",
    ],
)
def test_invalid_rules_are_rejected_naming_the_field(rule: str) -> None:
    with pytest.raises(AlarmValidationError) as info:
        parse_alarm_rule(rule)
    assert info.value.field == "AlarmRule" and info.value.code == "ValidationError"


def test_rule_limits() -> None:
    with pytest.raises(AlarmValidationError, match="Member must have length less than or equal to 10240"):
        parse_alarm_rule("TRUE OR " * 1300 + "TRUE")
    with pytest.raises(AlarmValidationError, match="101 child alarms"):
        parse_alarm_rule(" OR ".join(f"ALARM(a{i})" for i in range(101)))
    with pytest.raises(AlarmValidationError, match="elements"):
        parse_alarm_rule(" OR ".join(["TRUE"] * 501))
    parse_alarm_rule(" OR ".join(f"ALARM(a{i})" for i in range(100)))


def test_composite_timeline_transitions_only_when_the_rule_value_changes() -> None:
    request = {
        "AlarmName": "both",
        "AlarmRule": "ALARM(a) OR ALARM(b)",
        "AlarmActions": ["arn:aws:sns:us-east-1:111111111111:t"],
    }
    children = {
        "a": [(60, "OK"), (120, "ALARM"), (300, "OK")],
        "b": [(60, "OK"), (180, "ALARM"), (360, "OK")],
    }
    tl = evaluate_composite_alarm(request, children, created=0)
    assert [(e.timestamp, e.state) for e in tl.entries] == [(0, "OK"), (120, "ALARM"), (360, "OK")]
    assert tl.entries[0].reason == f"{ARN}both was updated and its new alarm rule evaluates to OK"
    assert tl.entries[1].reason == f"{ARN}a transitioned to ALARM at Thursday 01 January, 1970 00:02:00 UTC"
    assert tl.entries[1].reason_data == {
        "triggeringAlarms": [
            {"arn": f"{ARN}a", "state": {"value": "ALARM", "timestamp": "1970-01-01T00:02:00.000+0000"}}
        ]
    }
    assert tl.entries[1].actions == ("arn:aws:sns:us-east-1:111111111111:t",)
    assert tl.entries[2].actions == ()
    assert tl.entries[2].reason.startswith(f"{ARN}b transitioned to OK at ")
    summaries = [h["HistorySummary"] for h in tl.history]
    assert summaries[0] == "Alarm updated from INSUFFICIENT_DATA to OK"
    assert "Successfully executed action arn:aws:sns:us-east-1:111111111111:t" in summaries
    assert all(h["AlarmType"] == "CompositeAlarm" for h in tl.history)


def test_composite_over_metric_alarm_timelines() -> None:
    base = {
        "Statistic": "Sum",
        "Period": 60,
        "EvaluationPeriods": 1,
        "Threshold": 1,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "notBreaching",
    }
    cpu = evaluate_alarm({**base, "AlarmName": "cpu"}, [0, 5, 5, 0, 0], start=0)
    deploy = evaluate_alarm({**base, "AlarmName": "deploy"}, [0, 0, 1, 1, 0], start=0)
    tl = evaluate_composite_alarm(
        {"AlarmName": "c", "AlarmRule": "ALARM(cpu) AND NOT ALARM(deploy)"},
        {"cpu": cpu, "deploy": deploy},
        created=0,
    )
    assert [(e.timestamp, e.state) for e in tl.entries] == [(0, "OK"), (120, "ALARM"), (180, "OK")]
    assert orjson.loads(tl.history[1]["HistoryData"])["newState"]["stateValue"] == "ALARM"


def test_composite_needs_a_name() -> None:
    with pytest.raises(AlarmValidationError) as info:
        evaluate_composite_alarm({"AlarmRule": "TRUE"}, {})
    assert info.value.field == "AlarmName"


def test_composite_alarms_cannot_run_ec2_or_auto_scaling_actions() -> None:
    request = {"AlarmName": "c", "AlarmRule": "TRUE", "AlarmActions": ["arn:aws:automate:us-east-1:ec2:stop"]}
    with pytest.raises(AlarmValidationError) as info:
        evaluate_composite_alarm(request, {})
    assert info.value.field == "AlarmActions"
    assert evaluate_composite_alarm({"AlarmName": "c", "AlarmRule": "TRUE"}, {}).state == "ALARM"
