"""Records flow only while a trail is logging, honouring its selectors, prefix and region."""

from __future__ import annotations

import time

from tests.simulator.emulator.helpers import (
    ACCOUNT,
    bucket_records,
    log_group_records,
    make_trail,
    named,
    unique,
    wait_for,
)


def _settle(emulator) -> None:
    """Wait until everything submitted so far has been delivered (delay 0.2 s).

    The background flusher normally has done it by then; on a loaded machine it may be late, so whatever is
    still pending is delivered now (a forced flush delivers only records the trail took)."""
    time.sleep(emulator.delivery.delay + 0.3)
    emulator.delivery.flush(force=True)


def test_stop_logging_is_recorded_and_stops_delivery(aws, emulator):
    trail = make_trail(aws)
    ec2 = aws("ec2")
    ec2.create_security_group(GroupName=unique("before"), Description="before stop")
    aws("cloudtrail").stop_logging(Name=trail["name"])
    ec2.create_security_group(GroupName=unique("after"), Description="after stop")
    _settle(emulator)
    names = [r["eventName"] for r in log_group_records(aws, trail["group"])]
    assert names == ["StartLogging", "CreateSecurityGroup", "StopLogging"]
    s3_names = sorted(r["eventName"] for _, r in bucket_records(aws, trail["bucket"]))
    assert s3_names == ["CreateSecurityGroup", "StartLogging", "StopLogging"]


def test_start_logging_again_resumes(aws, emulator):
    trail = make_trail(aws, start=False)
    aws("sns").create_topic(Name=unique("quiet"))
    aws("cloudtrail").start_logging(Name=trail["name"])
    aws("sns").create_topic(Name=unique("loud"))
    records = wait_for(lambda: log_group_records(aws, trail["group"]), lambda rs: len(rs) >= 2)
    _settle(emulator)
    records = log_group_records(aws, trail["group"])
    assert [r["eventName"] for r in records][:2] == ["StartLogging", "CreateTopic"]
    assert records[1]["requestParameters"]["name"].startswith("loud")


def test_delete_trail_stops_delivery(aws, emulator):
    trail = make_trail(aws)
    aws("cloudtrail").delete_trail(Name=trail["name"])
    aws("sns").create_topic(Name=unique("gone"))
    _settle(emulator)
    names = [r["eventName"] for r in log_group_records(aws, trail["group"])]
    assert names[:2] == ["StartLogging", "DeleteTrail"]
    assert "CreateTopic" not in names


def test_write_only_selector_drops_read_events(aws, emulator):
    trail = make_trail(aws, start=False)
    aws("cloudtrail").put_event_selectors(
        TrailName=trail["name"],
        EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}],
    )
    aws("cloudtrail").start_logging(Name=trail["name"])
    aws("ec2").describe_vpcs()
    aws("sns").create_topic(Name=unique("written"))
    _settle(emulator)
    records = log_group_records(aws, trail["group"])
    assert "DescribeVpcs" not in [r["eventName"] for r in records]
    assert all(r["readOnly"] is False for r in records)
    assert named(records, "CreateTopic")


def test_s3_data_events_only_with_a_data_selector(aws, emulator):
    plain = make_trail(aws)
    data = make_trail(aws, start=False)
    target = unique("data-bucket")
    aws("s3").create_bucket(Bucket=target)
    aws("cloudtrail").put_event_selectors(
        TrailName=data["name"],
        EventSelectors=[
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": [f"arn:aws:s3:::{target}/"]}],
            }
        ],
    )
    aws("cloudtrail").start_logging(Name=data["name"])
    aws("s3").put_object(Bucket=target, Key="secret/report.csv", Body=b"a,b\n")
    aws("s3").get_object(Bucket=target, Key="secret/report.csv")["Body"].read()
    _settle(emulator)
    with_data = log_group_records(aws, data["group"])
    puts = named(with_data, "PutObject")
    assert len(puts) == 1 and len(named(with_data, "GetObject")) == 1
    put = puts[0]
    assert put["eventCategory"] == "Data" and put["managementEvent"] is False and put["readOnly"] is False
    assert put["requestParameters"]["bucketName"] == target
    assert put["requestParameters"]["key"] == "secret/report.csv"
    assert put["resources"] == [
        {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{target}/secret/report.csv"},
        {"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{target}"},
    ]
    assert put["userAgent"].startswith("[") and put["userAgent"].endswith("]")
    assert not named(log_group_records(aws, plain["group"]), "PutObject")


def test_s3_key_prefix_is_honoured(aws, emulator):
    trail = make_trail(aws, S3KeyPrefix="org/audit")
    aws("sns").create_topic(Name=unique("prefixed"))
    _settle(emulator)
    keys = {k for k, _ in bucket_records(aws, trail["bucket"])}
    assert keys and all(k.startswith(f"org/audit/AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/") for k in keys)


def test_single_region_trail_ignores_other_regions(aws, emulator):
    trail = make_trail(aws)
    multi = make_trail(aws, IsMultiRegionTrail=True)
    aws("sns", region_name="eu-west-1").create_topic(Name=unique("far"))
    _settle(emulator)
    assert not named(log_group_records(aws, trail["group"]), "CreateTopic")
    far = named(log_group_records(aws, multi["group"]), "CreateTopic")
    assert len(far) == 1 and far[0]["awsRegion"] == "eu-west-1"
    streams = aws("logs").describe_log_streams(logGroupName=multi["group"])["logStreams"]
    assert f"{ACCOUNT}_CloudTrail_eu-west-1" in {s["logStreamName"] for s in streams}
    keys = {k for k, r in bucket_records(aws, multi["bucket"]) if r["eventName"] == "CreateTopic"}
    assert keys and all("/CloudTrail/eu-west-1/" in k for k in keys)


def test_internal_endpoints_are_not_recorded(aws, emulator):
    import urllib.request

    trail = make_trail(aws)
    urllib.request.urlopen(f"{emulator.endpoint_url}/moto-api/data.json").read()
    _settle(emulator)
    assert [r["eventName"] for r in log_group_records(aws, trail["group"])] == ["StartLogging"]


def test_sns_publish_is_a_data_event(aws, emulator):
    trail = make_trail(aws, start=False)
    topic = aws("sns").create_topic(Name=unique("alerts"))["TopicArn"]
    aws("cloudtrail").put_event_selectors(
        TrailName=trail["name"],
        AdvancedEventSelectors=[
            {"Name": "management", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
            {
                "Name": "topics",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::SNS::Topic"]},
                ],
            },
        ],
    )
    aws("cloudtrail").start_logging(Name=trail["name"])
    aws("sns").publish(TopicArn=topic, Message="hello")
    _settle(emulator)
    published = named(log_group_records(aws, trail["group"]), "Publish")
    assert len(published) == 1
    record = published[0]
    assert record["eventCategory"] == "Data" and record["managementEvent"] is False
    assert record["resources"] == [{"accountId": ACCOUNT, "type": "AWS::SNS::Topic", "ARN": topic}]


def test_concurrent_calls_are_each_delivered_once(aws, emulator):
    from concurrent.futures import ThreadPoolExecutor

    trail = make_trail(aws)
    names = [unique(f"parallel{i}") for i in range(24)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda n: aws("sns").create_topic(Name=n), names))
    _settle(emulator)
    in_logs = [
        r["requestParameters"]["name"] for r in named(log_group_records(aws, trail["group"]), "CreateTopic")
    ]
    in_s3 = [
        r["requestParameters"]["name"]
        for _, r in bucket_records(aws, trail["bucket"])
        if r["eventName"] == "CreateTopic"
    ]
    assert sorted(in_logs) == sorted(names)
    assert sorted(in_s3) == sorted(names)
