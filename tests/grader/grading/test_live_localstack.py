"""Grading a learner's detections read live from LocalStack 4.14.0 (issue 5: the grading tests pass
against LocalStack too). LocalStack stores filters, alarms, topics and rules but evaluates none of them
correctly; the grader reads the configuration and replays the dataset through our own engines."""

from __future__ import annotations

import pytest

from grader.grading import grade, read_live_backend
from simulator.backends.config import BackendConfig
from tests.grader.grading.conftest import lost_points
from tests.grader.grading.test_live import _deploy

pytestmark = pytest.mark.localstack


@pytest.fixture
def localstack_env(localstack: BackendConfig, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    logs = localstack.client("logs")
    for group in logs.describe_log_groups().get("logGroups", []):  # one session-wide LocalStack
        logs.delete_log_group(logGroupName=group["logGroupName"])
    events = localstack.client("events")
    for rule in events.list_rules().get("Rules", []):
        ids = [t["Id"] for t in events.list_targets_by_rule(Rule=rule["Name"]).get("Targets", [])]
        if ids:
            events.remove_targets(Rule=rule["Name"], Ids=ids)
        events.delete_rule(Name=rule["Name"])
    cw = localstack.client("cloudwatch")
    names = [a["AlarmName"] for a in cw.describe_alarms().get("MetricAlarms", [])]
    if names:
        cw.delete_alarms(AlarmNames=names)
    sns = localstack.client("sns")
    for sub in sns.list_subscriptions().get("Subscriptions", []):
        sns.unsubscribe(SubscriptionArn=sub["SubscriptionArn"])
    for topic in sns.list_topics().get("Topics", []):
        sns.delete_topic(TopicArn=topic["TopicArn"])
    assert localstack.endpoint
    return localstack.endpoint


def test_reference_solution_read_from_localstack_scores_full_marks(localstack_env, lab, lab_answers):
    _deploy(localstack_env, lab.scenario["solution"])
    sub = read_live_backend(localstack_env, "us-east-1")
    assert sorted(i.name for i in sub.of("metric_filters")) == ["cloudtrail-changes", "console-auth-failures"]
    results = grade(lab, sub, answers=lab_answers)
    assert lost_points(results) == {}, [t["output"] for t in results["tests"] if t["score"] < t["max_score"]]


def test_missing_subscriptions_read_from_localstack_lose_the_notification_points(localstack_env, lab, lab_answers):
    _deploy(localstack_env, lab.scenario["solution"], subscribe=False)
    results = grade(lab, read_live_backend(localstack_env, "us-east-1"), answers=lab_answers)
    assert set(lost_points(results)) == {
        "Notification: sign-in-burst",
        "Notification: trail-stopped",
        "Notification: new-access-key",
    }
