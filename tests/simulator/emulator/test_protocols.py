"""One operation per wire protocol: the service and operation are identified from the request and
requestParameters/responseElements are shaped as in real records."""

from __future__ import annotations

import json
import re

import pytest

from tests.simulator.emulator.helpers import ACCOUNT, log_group_records, make_trail, named, unique, wait_for


@pytest.fixture(scope="module")
def trail(aws):
    return make_trail(aws)


def _one(aws, trail, event_name):
    records = wait_for(lambda: log_group_records(aws, trail["group"]), lambda rs: bool(named(rs, event_name)))
    found = named(records, event_name)
    assert found, f"no {event_name} record"
    return found[-1]


def test_query_protocol_iam_create_user(aws, trail):
    name = unique("analyst")
    created = aws("iam").create_user(UserName=name, Path="/")["User"]
    assert re.fullmatch(r"AIDA[A-Z2-7]{17}", created["UserId"])
    assert aws("iam").get_user(UserName=name)["User"]["UserId"] == created["UserId"]
    record = _one(aws, trail, "CreateUser")
    assert record["eventSource"] == "iam.amazonaws.com" and record["awsRegion"] == "us-east-1"
    assert record["requestParameters"] == {"path": "/", "userName": name}
    user = record["responseElements"]["user"]
    assert list(user) == ["path", "userName", "userId", "arn", "createDate"]
    assert user["arn"] == f"arn:aws:iam::{ACCOUNT}:user/{name}"
    assert user["userId"] == created["UserId"]


def test_query_protocol_iam_error_uses_the_exception_name(aws, trail):
    with pytest.raises(aws("iam").exceptions.NoSuchEntityException):
        aws("iam").get_role(RoleName="no-such-role")
    record = _one(aws, trail, "GetRole")
    # real records: errorCode NoSuchEntityException (wire code NoSuchEntity)
    assert record["errorCode"] == "NoSuchEntityException"
    assert "no-such-role" in record["errorMessage"] and record["responseElements"] is None


def test_rest_xml_error_is_recorded(aws, trail):
    bucket = unique("no-policy")
    aws("s3").create_bucket(Bucket=bucket)
    with pytest.raises(aws("s3").exceptions.ClientError):
        aws("s3").get_bucket_policy(Bucket=bucket)
    record = _one(aws, trail, "GetBucketPolicy")
    assert record["errorCode"] == "NoSuchBucketPolicy"
    assert record["errorMessage"] == "The bucket policy does not exist"
    assert "resources" not in record and record["responseElements"] is None


def test_query_protocol_cloudwatch_uses_monitoring_event_source(aws, trail):
    aws("cloudwatch").put_metric_alarm(
        AlarmName="sg-changes",
        MetricName="SecurityGroupEventCount",
        Namespace="CloudTrailMetrics",
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    record = _one(aws, trail, "PutMetricAlarm")
    assert record["eventSource"] == "monitoring.amazonaws.com"
    assert record["requestParameters"]["alarmName"] == "sg-changes"
    assert record["requestParameters"]["threshold"] == 1.0
    assert record["responseElements"] is None


def test_gzip_compressed_query_body_is_identified(aws, trail):
    # botocore gzips PutMetricData bodies over 10 KB (request compression)
    data = [{"MetricName": f"m{i}", "Value": float(i), "Unit": "Count"} for i in range(400)]
    aws("cloudwatch").put_metric_data(Namespace="Lab/Big", MetricData=data[:200])
    aws("cloudwatch").put_metric_alarm(
        AlarmName="after-big-put",
        MetricName="m1",
        Namespace="Lab/Big",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    records = wait_for(
        lambda: log_group_records(aws, trail["group"]),
        lambda rs: any(
            r["requestParameters"] and r["requestParameters"].get("alarmName") == "after-big-put"
            for r in named(rs, "PutMetricAlarm")
        ),
    )
    puts = [r for r in named(records, "PutMetricData") if r["requestParameters"]["namespace"] == "Lab/Big"]
    assert len(puts) == 1
    assert len(puts[0]["requestParameters"]["metricData"]) == 200


def test_query_protocol_password_is_not_logged(aws, trail):
    name = unique("console-user")
    aws("iam").create_user(UserName=name)
    aws("iam").create_login_profile(UserName=name, Password="Sup3r-Secret-pw!", PasswordResetRequired=True)
    record = [
        r
        for r in named(
            wait_for(
                lambda: log_group_records(aws, trail["group"]),
                lambda rs: bool(named(rs, "CreateLoginProfile")),
            ),
            "CreateLoginProfile",
        )
    ][0]
    assert record["requestParameters"] == {"passwordResetRequired": True, "userName": name}
    assert list(record["responseElements"]["loginProfile"]) == [
        "passwordResetRequired",
        "userName",
        "createDate",
    ]
    assert "Sup3r-Secret-pw!" not in json.dumps(record)


def test_ec2_protocol_create_security_group(aws, trail):
    name = unique("web")
    group_id = aws("ec2").create_security_group(GroupName=name, Description="web tier")["GroupId"]
    record = _one(aws, trail, "CreateSecurityGroup")
    assert record["requestParameters"] == {"groupName": name, "groupDescription": "web tier"}
    assert list(record["responseElements"])[:3] == ["requestId", "_return", "groupId"]
    assert record["responseElements"]["groupId"] == group_id


def test_ec2_describe_writes_its_empty_sets_like_real_records(aws, trail):
    aws("ec2").describe_vpcs()
    aws("ec2").describe_subnets(Filters=[{"Name": "vpc-id", "Values": ["vpc-1"]}])
    assert _one(aws, trail, "DescribeVpcs")["requestParameters"] == {"vpcSet": {}, "filterSet": {}}
    assert _one(aws, trail, "DescribeSubnets")["requestParameters"] == {
        "subnetSet": {},
        "filterSet": {"items": [{"name": "vpc-id", "valueSet": {"items": [{"value": "vpc-1"}]}}]},
    }


def test_ec2_flow_log_calls_use_the_wrapped_form(aws, trail):
    ec2 = aws("ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    flow_id = ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="cloud-watch-logs",
        LogGroupName="/vpc/flow",
        DeliverLogsPermissionArn=f"arn:aws:iam::{ACCOUNT}:role/flow-logs",
        MaxAggregationInterval=600,
    )["FlowLogIds"][0]
    ec2.delete_flow_logs(FlowLogIds=[flow_id])
    created = _one(aws, trail, "CreateFlowLogs")
    request = created["requestParameters"]["CreateFlowLogsRequest"]
    assert request["ResourceId"] == {"tag": 1, "content": vpc}
    assert request["MaxAggregationInterval"] == 600 and request["ResourceType"] == "VPC"
    response = created["responseElements"]["CreateFlowLogsResponse"]
    assert response["flowLogIdSet"] == {"item": flow_id}
    deleted = _one(aws, trail, "DeleteFlowLogs")
    # the exact shape of the real Stratus vpc-remove-flow-logs record
    assert deleted["requestParameters"] == {
        "DeleteFlowLogsRequest": {"FlowLogId": {"tag": 1, "content": flow_id}}
    }
    assert deleted["responseElements"] == {
        "DeleteFlowLogsResponse": {
            "xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/",
            "requestId": deleted["requestID"],
            "unsuccessful": "",
        }
    }


def test_json_protocol_cloudtrail_and_logs(aws, trail):
    record = _one(aws, trail, "StartLogging")
    assert record["eventSource"] == "cloudtrail.amazonaws.com"
    assert record["requestParameters"] == {"name": trail["name"]}
    assert record["responseElements"] is None
    group = unique("/app/audit")
    aws("logs").create_log_group(logGroupName=group, tags={"team": "blue"})
    created = _one(aws, trail, "CreateLogGroup")
    assert created["requestParameters"] == {"logGroupName": group, "tags": {"team": "blue"}}
    assert created["apiVersion"] == "20140328"
    keys = list(created)
    assert keys.index("eventType") < keys.index("apiVersion") < keys.index("managementEvent")


def test_json_protocol_error_is_recorded(aws, trail):
    with pytest.raises(aws("cloudtrail").exceptions.TrailNotFoundException):
        aws("cloudtrail").stop_logging(Name="no-such-trail")
    record = [r for r in named(log_group_records(aws, trail["group"]), "StopLogging") if "errorCode" in r]
    record = record or named(
        wait_for(
            lambda: log_group_records(aws, trail["group"]),
            lambda rs: any("errorCode" in r for r in named(rs, "StopLogging")),
        ),
        "StopLogging",
    )
    failed = [r for r in record if "errorCode" in r][0]
    assert failed["errorCode"] == "TrailNotFoundException"
    # as in the real invictus records: the trail is named by ARN
    assert failed["errorMessage"] == (
        f"Unknown trail: arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/no-such-trail for the user: {ACCOUNT}"
    )
    assert failed["requestParameters"] == {"name": "no-such-trail"} and failed["responseElements"] is None


def test_json_protocol_eventbridge_and_kms(aws, trail):
    pattern = json.dumps({"source": ["aws.ec2"]})
    aws("events").put_rule(Name="sg-watch", EventPattern=pattern)
    rule = _one(aws, trail, "PutRule")
    assert rule["eventSource"] == "events.amazonaws.com"
    assert rule["requestParameters"] == {"name": "sg-watch", "eventPattern": pattern}
    assert rule["responseElements"]["ruleArn"].endswith(":rule/sg-watch")
    aws("kms").create_key(Description="lab key")
    key = _one(aws, trail, "CreateKey")
    assert key["eventSource"] == "kms.amazonaws.com"
    assert key["responseElements"]["keyMetadata"]["description"] == "lab key"


def test_rest_json_protocol_lambda(aws, trail):
    aws("lambda").list_functions()
    record = _one(aws, trail, "ListFunctions20150331")
    assert record["eventSource"] == "lambda.amazonaws.com" and record["readOnly"] is True
    assert record["responseElements"] is None


def test_rest_xml_protocol_s3_bucket_calls(aws, trail):
    bucket = unique("evidence")
    s3 = aws("s3")
    s3.create_bucket(Bucket=bucket)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Deny",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    s3.get_bucket_acl(Bucket=bucket)
    created = [
        r
        for r in named(log_group_records(aws, trail["group"]), "CreateBucket")
        if r["requestParameters"].get("bucketName") == bucket
    ]
    put = _one(aws, trail, "PutBucketPolicy")
    assert put["requestParameters"] == {
        "bucketPolicy": policy,
        "bucketName": bucket,
        "Host": f"{bucket}.s3.amazonaws.com",
        "policy": "",
    }
    assert put["resources"] == [
        {"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"}
    ]
    assert put["responseElements"] is None and put["userAgent"].startswith("[")
    assert set(put["additionalEventData"]) == {
        "SignatureVersion",
        "bytesTransferredIn",
        "AuthenticationMethod",
        "x-amz-id-2",
        "bytesTransferredOut",
    }
    assert len(put["requestID"]) == 16 and put["requestID"].isupper()
    acl = _one(aws, trail, "GetBucketAcl")
    assert acl["requestParameters"] == {"bucketName": bucket, "Host": f"{bucket}.s3.amazonaws.com", "acl": ""}
    assert acl["readOnly"] is True
    created = created or [
        r
        for r in named(log_group_records(aws, trail["group"]), "CreateBucket")
        if r["requestParameters"].get("bucketName") == bucket
    ]
    assert created and "resources" not in created[0]


def test_s3_virtual_host_style_is_identified(aws, trail, emulator):
    from botocore.config import Config

    bucket = unique("vhost")
    aws("s3").create_bucket(Bucket=bucket)
    port = emulator.port
    vhost = aws(
        "s3",
        endpoint_url=f"http://s3.amazonaws.com:{port}",
        config=Config(s3={"addressing_style": "virtual"}, retries={"max_attempts": 1}),
    )

    def to_local(request, **_):
        # keep the virtual-hosted Host header, connect to the emulator
        host = request.url.split("/")[2]
        request.headers["Host"] = host
        request.url = request.url.replace(host, f"127.0.0.1:{port}", 1)

    vhost.meta.events.register("before-send.s3", to_local)
    vhost.get_bucket_versioning(Bucket=bucket)
    record = _one(aws, trail, "GetBucketVersioning")
    assert record["requestParameters"] == {
        "bucketName": bucket,
        "Host": f"{bucket}.s3.amazonaws.com",
        "versioning": "",
    }
