"""CloudWatch over AWS JSON 1.0 (what newer botocore and the aws CLI send) works and is recorded."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import boto3
import botocore.session
import pytest

from tests.simulator.emulator.helpers import REGION, log_group_records, make_trail, named, wait_for


@pytest.fixture(scope="module")
def trail(aws):
    return make_trail(aws)


@pytest.fixture(scope="module")
def json_cloudwatch(emulator, tmp_path_factory):
    """A boto3 CloudWatch client whose model says `json`, as botocore >= 1.40 has it."""
    loader = botocore.session.get_session().get_component("data_loader")
    model = loader.load_service_model("cloudwatch", "service-2")
    model["metadata"].update(
        protocol="json",
        protocols=["json"],
        jsonVersion="1.0",
        targetPrefix="GraniteServiceVersion20100801",
        awsQueryCompatible={},
    )
    root = tmp_path_factory.mktemp("models")
    folder = root / "cloudwatch" / model["metadata"]["apiVersion"]
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps(model))
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, str(root))
    client = boto3.Session(botocore_session=session).client(
        "cloudwatch",
        endpoint_url=emulator.endpoint_url,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    seen = []
    client.meta.events.register("before-send", lambda request, **_: seen.append(dict(request.headers)))
    return client, seen


def test_json_cloudwatch_calls_succeed_and_are_recorded(json_cloudwatch, aws, trail):
    client, seen = json_cloudwatch
    client.put_metric_alarm(
        AlarmName="json-alarm",
        MetricName="SecurityGroupEventCount",
        Namespace="CloudTrailMetrics",
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    assert seen[-1]["X-Amz-Target"] == b"GraniteServiceVersion20100801.PutMetricAlarm"
    alarms = client.describe_alarms(AlarmNames=["json-alarm"])["MetricAlarms"]
    assert [a["AlarmName"] for a in alarms] == ["json-alarm"]
    assert alarms[0]["StateUpdatedTimestamp"].year >= 2024  # timestamps survive the translation
    records = wait_for(
        lambda: log_group_records(aws, trail["group"]), lambda rs: bool(named(rs, "DescribeAlarms"))
    )
    put = named(records, "PutMetricAlarm")[0]
    assert put["eventSource"] == "monitoring.amazonaws.com"
    assert put["requestParameters"]["alarmName"] == "json-alarm"
    assert put["requestParameters"]["threshold"] == 1.0


def test_json_cloudwatch_errors_keep_their_code(json_cloudwatch, aws, trail):
    client, _ = json_cloudwatch
    with pytest.raises(client.exceptions.ResourceNotFound):
        client.set_alarm_state(AlarmName="no-such-alarm", StateValue="OK", StateReason="test")
    records = wait_for(
        lambda: log_group_records(aws, trail["group"]), lambda rs: bool(named(rs, "SetAlarmState"))
    )
    failed = named(records, "SetAlarmState")[0]
    assert failed["errorCode"] == "ResourceNotFound" and failed["responseElements"] is None


@pytest.mark.skipif(shutil.which("aws") is None, reason="the aws CLI is not installed")
def test_the_aws_cli_works_against_the_endpoint(emulator, aws, trail):
    env = {**os.environ, **emulator.environment()}
    run = subprocess.run(
        [
            "aws",
            "cloudwatch",
            "put-metric-alarm",
            "--alarm-name",
            "cli-alarm",
            "--metric-name",
            "m",
            "--namespace",
            "n",
            "--statistic",
            "Sum",
            "--period",
            "60",
            "--evaluation-periods",
            "1",
            "--threshold",
            "1",
            "--comparison-operator",
            "GreaterThanThreshold",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    records = wait_for(
        lambda: log_group_records(aws, trail["group"]),
        lambda rs: any(r["userAgent"].startswith("aws-cli/") for r in named(rs, "PutMetricAlarm")),
    )
    cli = [r for r in named(records, "PutMetricAlarm") if r["userAgent"].startswith("aws-cli/")]
    assert cli and cli[0]["userIdentity"]["userName"] == "learner"
