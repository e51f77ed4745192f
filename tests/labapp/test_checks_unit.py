"""The lab-2 checks' judgement, on fake AWS answers (the emulator test covers the real calls)."""

from __future__ import annotations

from typing import Any

import pytest

from labapp.labs import checks_alerting as ca
from labapp.labs.checks import CheckContext, run_check

TOPIC = "arn:aws:sns:us-east-1:123456789012:lab-alerts"
GOOD_LOGIN = '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'


class FakePaginator:
    def __init__(self, page: dict[str, Any]) -> None:
        self.page = page

    def paginate(self, **kwargs: Any) -> list[dict[str, Any]]:
        return [self.page]


class FakeClient:
    """Answers boto3 calls from a dict: operation name -> response (or a function of the kwargs)."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers

    def get_paginator(self, operation: str) -> FakePaginator:
        return FakePaginator(self.answers[operation])

    def __getattr__(self, name: str) -> Any:
        value = self.answers[name]

        def call(**kwargs: Any) -> Any:
            return value(**kwargs) if callable(value) else value

        return call


class FakeBackend:
    endpoint = "http://fake"

    def __init__(self, clients: dict[str, dict[str, Any]]) -> None:
        self.clients = {k: FakeClient(v) for k, v in clients.items()}

    def client(self, service: str) -> FakeClient:
        return self.clients[service]


def _ctx(
    filters: list[dict],
    alarms: list[dict] | None = None,
    rules: list[dict] | None = None,
    targets: list[dict] | None = None,
    inbox: Any = None,
) -> CheckContext:
    backend = FakeBackend(
        {
            "cloudtrail": {
                "describe_trails": {
                    "trailList": [
                        {
                            "Name": "lab-trail",
                            "TrailARN": "arn:aws:cloudtrail:us-east-1:123456789012:trail/lab-trail",
                            "CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:lab-cloudtrail:*",
                        }
                    ]
                }
            },
            "logs": {
                "describe_log_groups": {
                    "logGroups": [{"logGroupName": "lab-cloudtrail"}, {"logGroupName": "other-group"}]
                },
                "describe_metric_filters": lambda logGroupName: {
                    "metricFilters": [f for f in filters if f["logGroupName"] == logGroupName]
                },
            },
            "sns": {"list_subscriptions": {"Subscriptions": [{"TopicArn": TOPIC, "Protocol": "email"}]}},
            "cloudwatch": {
                "describe_alarms": {"MetricAlarms": alarms or []},
                "describe_alarm_history": {"AlarmHistoryItems": []},
            },
            "events": {
                "list_rules": {"Rules": rules or []},
                "list_targets_by_rule": {"Targets": targets or []},
            },
        }
    )
    return CheckContext(
        backend=backend, config={"INBOX": inbox}, user={"id": 1}, lab_id="monitoring-and-alerting"
    )


def _filter(pattern: str, group: str = "lab-cloudtrail", metric: str = "Fails") -> dict:
    return {
        "filterName": "f",
        "logGroupName": group,
        "filterPattern": pattern,
        "metricTransformations": [
            {"metricName": metric, "metricNamespace": "CloudTrailMetrics", "metricValue": "1"}
        ],
    }


def _alarm(**over: Any) -> dict:
    alarm = {
        "AlarmName": "a",
        "Namespace": "CloudTrailMetrics",
        "MetricName": "Fails",
        "Statistic": "Sum",
        "Period": 300,
        "EvaluationPeriods": 1,
        "Threshold": 3.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "AlarmActions": [TOPIC],
        "StateValue": "OK",
    }
    alarm.update(over)
    return alarm


@pytest.mark.parametrize(
    ("pattern", "group", "status", "words"),
    [
        (GOOD_LOGIN, "lab-cloudtrail", "pass", "counts failed console sign-ins"),
        ("{ $.eventName = ConsoleLogin }", "lab-cloudtrail", "fail", "also counts events it should not"),
        (GOOD_LOGIN, "other-group", "fail", "not on the trail's log group"),
        ("{ $.eventName = CreateTrail }", "lab-cloudtrail", "fail", "no metric filter counts"),
        ("{ $.eventName = ", "lab-cloudtrail", "fail", "invalid filter pattern"),
    ],
)
def test_login_filter(pattern: str, group: str, status: str, words: str) -> None:
    result = run_check("console_login_filter", _ctx([_filter(pattern, group)]))
    assert result.status == status and words in result.message


def test_trail_filter_must_cover_every_change() -> None:
    partial = _filter("{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }")
    result = run_check("trail_config_filter", _ctx([partial]))
    assert result.status == "fail" and "misses some" in result.message
    full = _filter(
        "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || "
        "($.eventName = StartLogging) || ($.eventName = StopLogging) }"
    )
    assert run_check("trail_config_filter", _ctx([full])).status == "pass"


@pytest.mark.parametrize(
    ("alarm", "status", "words"),
    [
        (_alarm(), "pass", "fires on 3 failed sign-ins"),
        (_alarm(Threshold=5.0), "fail", "would not fire for 3 event(s)"),
        (_alarm(Statistic="Average"), "fail", "statistic Average"),
        (_alarm(ComparisonOperator="LessThanThreshold"), "fail", "would not fire"),
        (
            _alarm(Threshold=0.0, ComparisonOperator="GreaterThanOrEqualToThreshold"),
            "fail",
            "with no events at all",
        ),
        (_alarm(EvaluationPeriods=3), "fail", "several breaching periods"),
        (_alarm(EvaluationPeriods=3, DatapointsToAlarm=1), "pass", "fires"),
        (_alarm(AlarmActions=[]), "fail", "does not notify"),
        (_alarm(MetricName="Other"), "fail", "no alarm watches CloudTrailMetrics/Fails"),
    ],
)
def test_login_alarm(alarm: dict, status: str, words: str) -> None:
    result = run_check("console_login_alarm", _ctx([_filter(GOOD_LOGIN)], [alarm]))
    assert result.status == status and words in result.message


SG_PATTERN = (
    '{"source": ["aws.ec2"], "detail-type": ["AWS API Call via CloudTrail"], '
    '"detail": {"eventName": ["AuthorizeSecurityGroupIngress"]}}'
)


@pytest.mark.parametrize(
    ("rule", "targets", "status", "words"),
    [
        (
            {"Name": "r", "EventPattern": SG_PATTERN, "State": "ENABLED"},
            [{"Arn": TOPIC}],
            "pass",
            "sends security-group",
        ),
        (
            {"Name": "r", "EventPattern": SG_PATTERN, "State": "DISABLED"},
            [{"Arn": TOPIC}],
            "fail",
            "is disabled",
        ),
        ({"Name": "r", "EventPattern": SG_PATTERN, "State": "ENABLED"}, [], "fail", "has no SNS target"),
        (
            {"Name": "r", "EventPattern": '{"source": ["aws.s3"]}', "State": "ENABLED"},
            [],
            "fail",
            "no rule matches",
        ),
        (
            {"Name": "r", "ScheduleExpression": "rate(5 minutes)", "State": "ENABLED"},
            [],
            "fail",
            "no rule matches",
        ),
    ],
)
def test_security_group_rule(rule: dict, targets: list, status: str, words: str) -> None:
    result = run_check("security_group_rule", _ctx([], rules=[rule], targets=targets))
    assert result.status == status and words in result.message


def test_alarm_fired() -> None:
    assert run_check("alarm_fired", _ctx([], [_alarm()])).status == "fail"
    assert run_check("alarm_fired", _ctx([], [_alarm(StateValue="ALARM")])).message == "alarm a is in ALARM"


def test_alarm_fired_from_history_since_configured() -> None:
    import datetime as dt

    configured = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    alarm = _alarm(AlarmConfigurationUpdatedTimestamp=configured)

    def history(at: dt.datetime) -> dict:
        return {"AlarmHistoryItems": [{"Timestamp": at, "HistorySummary": "Alarm updated from OK to ALARM"}]}

    ctx = _ctx([], [alarm])
    ctx.backend.clients["cloudwatch"].answers["describe_alarm_history"] = history(
        configured + dt.timedelta(minutes=3)
    )
    assert run_check("alarm_fired", ctx).message == "alarm a went into ALARM"
    ctx = _ctx([], [alarm])  # history of an earlier alarm with the same name does not count
    ctx.backend.clients["cloudwatch"].answers["describe_alarm_history"] = history(
        configured - dt.timedelta(days=1)
    )
    assert run_check("alarm_fired", ctx).status == "fail"


class FakeInbox:
    def __init__(self, items: list[Any]) -> None:
        self.items = items

    def messages(self) -> list[Any]:
        return self.items


def test_notification_arrived() -> None:
    assert run_check("notification_arrived", _ctx([])).status == "unavailable"
    assert run_check("notification_arrived", _ctx([], inbox=FakeInbox([]))).status == "fail"
    inbox = FakeInbox(
        [
            {"subject": "old", "message": "x", "timestamp": 1772400000000},
            {
                "Subject": 'ALARM: "a" in US East (N. Virginia)',
                "Message": "{}",
                "Timestamp": "2026-03-02T10:00:00Z",
            },
        ]
    )
    result = run_check("notification_arrived", _ctx([], inbox=inbox))
    assert result.status == "pass" and 'latest: ALARM: "a"' in result.message


def test_log_group_name() -> None:
    assert ca.log_group_name("arn:aws:logs:us-east-1:1:log-group:/aws/ct/x:*") == "/aws/ct/x"
    assert ca.log_group_name("arn:aws:logs:us-east-1:1:log-group:plain") == "plain"
    assert ca.log_group_name(None) is None and ca.log_group_name("arn:aws:s3:::b") is None
