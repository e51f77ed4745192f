"""Delivery helpers and trail selection without a server."""

from __future__ import annotations

import datetime as dt
import gzip

import orjson
import pytest

from simulator.emulator.delivery import DeliveryQueue, log_file_body, log_group_location, s3_object_key
from simulator.emulator.record import RecordedCall
from simulator.emulator.server import EmbeddedEmulator
from simulator.emulator.trails import TrailTarget, receiving_trails, selectors_take


def _target(**kw) -> TrailTarget:
    base = dict(
        account_id="123456789012",
        home_region="us-east-1",
        name="t",
        arn="arn:t",
        bucket="b",
        s3_key_prefix=None,
        log_group_arn=None,
        multi_region=False,
        include_global=True,
        logging=True,
        event_selectors=(),
        advanced_selectors=(),
    )
    base.update(kw)
    return TrailTarget(**base)


def _call(
    read_only=False,
    management=True,
    source="ec2.amazonaws.com",
    name="RunInstances",
    region="us-east-1",
    object_arn=None,
    data_type="AWS::S3::Object",
) -> RecordedCall:
    record = {
        "eventSource": source,
        "eventName": name,
        "eventType": "AwsApiCall",
        "eventCategory": "Management" if management else "Data",
        "userIdentity": {},
    }
    return RecordedCall(
        record,
        "123456789012",
        region,
        read_only,
        management,
        source,
        None if management else data_type,
        object_arn,
    )


def test_object_key_layout_and_prefix():
    when = dt.datetime(2026, 3, 2, 6, 5, 59, tzinfo=dt.UTC)
    assert s3_object_key(_target(), "us-east-1", when, "A" * 16) == (
        "AWSLogs/123456789012/CloudTrail/us-east-1/2026/03/02/"
        "123456789012_CloudTrail_us-east-1_20260302T0605Z_AAAAAAAAAAAAAAAA.json.gz"
    )
    assert s3_object_key(_target(s3_key_prefix="/audit/"), "eu-west-1", when, "b" * 16).startswith(
        "audit/AWSLogs/123456789012/CloudTrail/eu-west-1/2026/03/02/"
    )


def test_log_file_body_is_gzip_records_and_deterministic():
    body = log_file_body([b'{"a":1}', b'{"b":2}'])
    assert orjson.loads(gzip.decompress(body)) == {"Records": [{"a": 1}, {"b": 2}]}
    assert body == log_file_body([b'{"a":1}', b'{"b":2}'])


def test_log_group_arn_parsing():
    assert log_group_location("arn:aws:logs:us-east-1:123456789012:log-group:/ct/lab:*") == (
        "us-east-1",
        "123456789012",
        "/ct/lab",
    )
    assert log_group_location("arn:aws:logs:eu-west-1:1:log-group:plain") == ("eu-west-1", "1", "plain")
    assert log_group_location("arn:aws:s3:::bucket") is None


def test_default_selectors_take_management_only():
    assert selectors_take(_target(), _call())
    assert not selectors_take(_target(), _call(management=False, object_arn="arn:aws:s3:::b/k"))


@pytest.mark.parametrize(
    ("rw", "read_only", "taken"),
    [
        ("All", True, True),
        ("ReadOnly", True, True),
        ("ReadOnly", False, False),
        ("WriteOnly", True, False),
        ("WriteOnly", False, True),
    ],
)
def test_read_write_type(rw, read_only, taken):
    target = _target(event_selectors=({"ReadWriteType": rw, "IncludeManagementEvents": True},))
    assert selectors_take(target, _call(read_only=read_only)) is taken


def test_excluded_management_sources_and_data_prefixes():
    target = _target(
        event_selectors=(
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "ExcludeManagementEventSources": ["kms.amazonaws.com"],
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::secrets/"]}],
            },
        )
    )
    assert not selectors_take(target, _call(source="kms.amazonaws.com", name="Decrypt", read_only=True))
    assert selectors_take(
        target, _call(management=False, source="s3.amazonaws.com", object_arn="arn:aws:s3:::secrets/x")
    )
    assert not selectors_take(
        target, _call(management=False, source="s3.amazonaws.com", object_arn="arn:aws:s3:::public/x")
    )


def test_lambda_and_sns_data_resources():
    target = _target(
        event_selectors=(
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": False,
                "DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}],
            },
        )
    )
    invoke = _call(
        management=False,
        source="lambda.amazonaws.com",
        name="Invoke",
        object_arn="arn:aws:lambda:us-east-1:1:function:f",
        data_type="AWS::Lambda::Function",
    )
    publish = _call(
        management=False,
        source="sns.amazonaws.com",
        name="Publish",
        object_arn="arn:aws:sns:us-east-1:1:t",
        data_type="AWS::SNS::Topic",
    )
    assert selectors_take(target, invoke) and not selectors_take(target, publish)
    assert not selectors_take(target, _call())  # IncludeManagementEvents false


def test_advanced_selectors():
    target = _target(
        advanced_selectors=(
            {
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Management"]},
                    {"Field": "readOnly", "Equals": ["false"]},
                    {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]},
                ]
            },
        )
    )
    assert selectors_take(target, _call())
    assert not selectors_take(target, _call(read_only=True))
    assert not selectors_take(target, _call(source="kms.amazonaws.com"))


def test_stop_logging_keeps_its_own_record_then_nothing():
    before = {"arn:t": _target(logging=True)}
    after = {"arn:t": _target(logging=False)}
    assert receiving_trails(before, after, _call(name="StopLogging"), "cloudtrail") == [before["arn:t"]]
    assert receiving_trails(after, after, _call(), "ec2") == []


def test_regions_and_global_events():
    home = _target()
    assert receiving_trails({}, {"arn:t": home}, _call(region="eu-west-1"), "ec2") == []
    multi = _target(multi_region=True)
    assert receiving_trails({}, {"arn:t": multi}, _call(region="eu-west-1"), "ec2") == [multi]
    no_global = _target(include_global=False)
    assert receiving_trails({}, {"arn:t": no_global}, _call(source="iam.amazonaws.com"), "iam") == []


def test_queue_delivers_only_when_due():
    now = [100.0]
    queue = DeliveryQueue(delay=5.0, clock=lambda: now[0])
    queue.submit([_target(bucket=None)], "us-east-1", 0, b"{}")
    assert queue.flush() == 0
    now[0] = 105.0
    assert queue.flush() == 1 and queue.delivered == 1


def test_emulator_argument_errors_are_clear():
    with pytest.raises(ValueError, match="delivery_delay must be >= 0"):
        EmbeddedEmulator(delivery_delay=-1)


def test_port_in_use_is_a_clear_error():
    with EmbeddedEmulator(port=0, delivery_delay=0.1) as first:
        with pytest.raises(RuntimeError, match=f"cannot listen on 127.0.0.1:{first.port}"):
            EmbeddedEmulator(port=first.port).start()
        with pytest.raises(RuntimeError, match="already running"):
            first.start()
    first.stop()  # a second stop is harmless
    assert not first.running


def test_stop_delivers_what_is_pending():
    import boto3
    from moto.logs.models import logs_backends
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()
    emu = EmbeddedEmulator(port=0, delivery_delay=300)
    try:
        with emu:

            def client(service):
                return boto3.client(
                    service,
                    endpoint_url=emu.endpoint_url,
                    region_name="us-east-1",
                    aws_access_key_id="test",
                    aws_secret_access_key="test",
                )

            client("s3").create_bucket(Bucket="pending-bucket")
            client("logs").create_log_group(logGroupName="/pending/ct")
            arn = client("logs").describe_log_groups(logGroupNamePrefix="/pending/ct")["logGroups"][0]["arn"]
            client("cloudtrail").create_trail(
                Name="pending-trail",
                S3BucketName="pending-bucket",
                CloudWatchLogsLogGroupArn=arn,
                CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/ct",
            )
            client("cloudtrail").start_logging(Name="pending-trail")
            client("sns").create_topic(Name="pending-topic")
            group = logs_backends["123456789012"]["us-east-1"].groups["/pending/ct"]
            assert not group.streams  # the 300 s delay has not passed
        assert emu.delivery.delivered == 2  # StartLogging and CreateTopic, flushed by stop()
        events = [e.message for stream in group.streams.values() for e in stream.events]
        assert len(events) == 2 and '"eventName":"CreateTopic"' in events[1]
    finally:
        moto_api_backend.reset()
