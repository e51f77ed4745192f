"""The live-backend reader against moto's server: resources created with boto3, then graded."""

from __future__ import annotations

import json
import socket
import urllib.request

import boto3
import pytest

from grader.grading import grade, read_live_backend
from tests.grader.grading.conftest import lost_points


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def moto_endpoint(monkeypatch):
    from moto.server import ThreadedMotoServer

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    # moto keeps its backends per process: start every test from an empty account
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=10).close()
    try:
        yield url
    finally:
        server.stop()


def _deploy(endpoint: str, solution: dict, *, subscribe: bool = True) -> None:
    kw = {"endpoint_url": endpoint, "region_name": "us-east-1"}
    logs, cw, sns, events = (boto3.client(n, **kw) for n in ("logs", "cloudwatch", "sns", "events"))
    groups = {f["logGroupName"] for f in solution["metric_filters"]}
    for g in sorted(groups):
        logs.create_log_group(logGroupName=g)
    for f in solution["metric_filters"]:
        logs.put_metric_filter(**f)
    arns = {t["Name"]: sns.create_topic(Name=t["Name"])["TopicArn"] for t in solution["topics"]}
    if subscribe:
        for s in solution["subscriptions"]:
            sns.subscribe(
                TopicArn=arns[s["TopicArn"].rsplit(":", 1)[-1]],
                Protocol="sqs",
                Endpoint="arn:aws:sqs:us-east-1:123456789012:soc-inbox",
            )
    for a in solution["alarms"]:
        cw.put_metric_alarm(**{**a, "AlarmActions": [arns[x.rsplit(":", 1)[-1]] for x in a["AlarmActions"]]})
    for r in solution["rules"]:
        events.put_rule(Name=r["Name"], EventPattern=r["EventPattern"], State=r["State"])
    for t in solution["targets"]:
        events.put_targets(
            Rule=t["Rule"],
            Targets=[{"Id": x["Id"], "Arn": arns[x["Arn"].rsplit(":", 1)[-1]]} for x in t["Targets"]],
        )


def test_live_backend_reader_grades_the_reference(moto_endpoint, lab, lab_answers):
    _deploy(moto_endpoint, lab.scenario["solution"])
    sub = read_live_backend(moto_endpoint, "us-east-1")
    assert sub.account_id == "123456789012"
    assert sorted(i.name for i in sub.of("metric_filters")) == ["cloudtrail-changes", "console-auth-failures"]
    assert sorted(i.name for i in sub.of("alarms")) == ["cloudtrail-changes", "sign-in-burst"]
    assert [i.body["Rule"] for i in sub.of("targets")] == ["new-access-key"]
    assert json.loads(sub.of("rules")[0].body["EventPattern"])["detail"]["eventName"] == ["CreateAccessKey"]
    results = grade(lab, sub, answers=lab_answers)
    assert lost_points(results) == {}, [t["output"] for t in results["tests"] if t["score"] < t["max_score"]]
    assert results["extra_data"]["account_id"] == "123456789012"


def test_live_backend_without_subscriptions(moto_endpoint, lab, lab_answers):
    _deploy(moto_endpoint, lab.scenario["solution"], subscribe=False)
    results = grade(lab, read_live_backend(moto_endpoint, "us-east-1"), answers=lab_answers)
    assert set(lost_points(results)) == {
        "Notification: sign-in-burst",
        "Notification: trail-stopped",
        "Notification: new-access-key",
    }


def test_cli_grade_from_endpoint(moto_endpoint, lab):
    from click.testing import CliRunner

    from trailwatch.cli import main

    _deploy(moto_endpoint, lab.scenario["solution"])
    r = CliRunner().invoke(
        main, ["grade", "--dataset", str(lab.root), "--endpoint", moto_endpoint, "--format", "csv"]
    )
    assert r.exit_code == 0, r.output
    row = r.output.splitlines()[1].split(",")
    assert float(row[3]) == float(row[4]) - 3 * 2  # everything but the three unanswered questions
