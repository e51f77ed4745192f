"""Request identification and decoding without a server: botocore's serializers produce the wire form,
the emulator must recover operation and parameters from it."""

from __future__ import annotations

import io

import botocore.session
import pytest
from botocore.awsrequest import AWSRequest
from botocore.serialize import create_serializer

from simulator.emulator.api_request import identify, parse_request
from simulator.emulator.naming import Renamer, lower_first
from simulator.emulator.request_decode import decode_query
from simulator.emulator.service_models import index_for_signing_name, service_index
from simulator.emulator.xml_body import xml_to_dict

SESSION = botocore.session.get_session()


def _environ(service: str, operation: str, params: dict, region: str = "us-east-1") -> dict:
    """A WSGI environ for what botocore would send for `operation(**params)`."""
    model = SESSION.get_service_model(service)
    op = model.operation_model(operation)
    wire = create_serializer(model.metadata["protocol"]).serialize_to_request(params, op)
    body = wire["body"] if isinstance(wire["body"], bytes) else str(wire["body"]).encode()
    if isinstance(wire["body"], dict):  # query protocols hand back a dict of form fields
        from urllib.parse import urlencode

        body = urlencode(wire["body"]).encode()
        wire["headers"]["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
    request = AWSRequest(
        method=wire["method"],
        url="http://127.0.0.1" + wire["url_path"],
        data=body,
        headers=wire["headers"],
        params=wire["query_string"],
    )
    prepared = request.prepare()
    path, _, query = prepared.url.split("127.0.0.1", 1)[1].partition("?")
    signing = model.metadata.get("signingName", model.metadata["endpointPrefix"])
    environ = {
        "REQUEST_METHOD": wire["method"],
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_AUTHORIZATION": f"AWS4-HMAC-SHA256 Credential=test/20260101/{region}/{signing}/aws4_request, "
        "SignedHeaders=host, Signature=0",
        "HTTP_HOST": "127.0.0.1:4566",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in prepared.headers.items():
        if name.lower() == "content-type":
            environ["CONTENT_TYPE"] = value
        elif name.lower() not in ("content-length", "authorization"):
            environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        (
            "ec2",
            "AuthorizeSecurityGroupIngress",
            {
                "GroupId": "sg-1",
                "IpPermissions": [
                    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
                ],
            },
        ),
        (
            "iam",
            "AttachUserPolicy",
            {"UserName": "bob", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
        ),
        (
            "sns",
            "Subscribe",
            {"TopicArn": "arn:aws:sns:us-east-1:1:t", "Protocol": "email", "Endpoint": "a@b.c"},
        ),
        ("cloudtrail", "PutEventSelectors", {"TrailName": "t", "EventSelectors": [{"ReadWriteType": "All"}]}),
        (
            "logs",
            "PutMetricFilter",
            {
                "logGroupName": "g",
                "filterName": "f",
                "filterPattern": "x",
                "metricTransformations": [{"metricName": "m", "metricNamespace": "n", "metricValue": "1"}],
            },
        ),
        ("s3", "PutBucketAcl", {"Bucket": "b", "ACL": "private"}),
        ("s3", "PutObject", {"Bucket": "b", "Key": "dir/file.txt", "Body": b"x"}),
        ("s3", "CopyObject", {"Bucket": "b", "Key": "k", "CopySource": "src/k"}),
        ("s3", "ListObjectsV2", {"Bucket": "b"}),
        ("lambda", "GetFunction", {"FunctionName": "fn"}),
    ],
)
def test_operation_is_identified(service, operation, params):
    environ = _environ(service, operation, params)
    body = environ["wsgi.input"].read()
    call = identify(parse_request(environ, body))
    assert call is not None
    assert call.operation.name == operation
    assert call.index.model.service_name == service


def test_query_flattening_is_reversed():
    op = service_index("ec2").by_name["AuthorizeSecurityGroupIngress"]
    form = {
        "Action": "AuthorizeSecurityGroupIngress",
        "GroupId": "sg-1",
        "IpPermissions.1.IpProtocol": "tcp",
        "IpPermissions.1.FromPort": "22",
        "IpPermissions.1.IpRanges.1.CidrIp": "10.0.0.0/8",
        "IpPermissions.1.IpRanges.2.CidrIp": "1.2.3.4/32",
    }
    assert decode_query(op, form, ec2=True) == {
        "GroupId": "sg-1",
        "IpPermissions": [
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "IpRanges": [{"CidrIp": "10.0.0.0/8"}, {"CidrIp": "1.2.3.4/32"}],
            }
        ],
    }


def test_query_protocol_lists_use_member_and_maps_use_entry():
    op = service_index("sns").by_name["CreateTopic"]
    form = {
        "Name": "t",
        "Attributes.entry.1.key": "DisplayName",
        "Attributes.entry.1.value": "Alerts",
        "Tags.member.1.Key": "env",
        "Tags.member.1.Value": "lab",
    }
    assert decode_query(op, form, ec2=False) == {
        "Name": "t",
        "Attributes": {"DisplayName": "Alerts"},
        "Tags": [{"Key": "env", "Value": "lab"}],
    }


def test_ec2_names_and_item_lists():
    op = service_index("ec2").by_name["DescribeInstances"]
    renamer = Renamer(ec2=True, timestamp_style="epoch_millis")
    params = {"InstanceIds": ["i-1"], "Filters": [{"Name": "instance-state-name", "Values": ["running"]}]}
    assert renamer.structure(op.input_shape, params, top_level=True) == {
        "instancesSet": {"items": [{"instanceId": "i-1"}]},
        "filterSet": {
            "items": [{"name": "instance-state-name", "valueSet": {"items": [{"value": "running"}]}}]
        },
    }


def test_sensitive_members_are_left_out():
    op = service_index("iam").by_name["CreateLoginProfile"]
    renamer = Renamer(ec2=False, timestamp_style="java")
    out = renamer.structure(
        op.input_shape, {"UserName": "bob", "Password": "hunter2", "PasswordResetRequired": False}
    )
    assert out == {"userName": "bob", "passwordResetRequired": False}


def test_lower_first_keeps_the_rest():
    assert [lower_first(n) for n in ("S3BucketName", "TrailARN", "IsMultiRegionTrail")] == [
        "s3BucketName",
        "trailARN",
        "isMultiRegionTrail",
    ]


def test_signing_name_monitoring_is_cloudwatch():
    index = index_for_signing_name("monitoring")
    assert index is not None and index.model.service_name == "cloudwatch"
    assert index.event_source == "monitoring.amazonaws.com"
    assert index_for_signing_name("no-such-service") is None


def test_xml_body_keeps_namespace_like_cloudtrail():
    body = (
        b'<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        b"<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>"
    )
    assert xml_to_dict(body) == {
        "CreateBucketConfiguration": {
            "LocationConstraint": "eu-west-1",
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
        }
    }
    assert xml_to_dict(b"<not xml") == {}


def test_unsigned_unknown_requests_are_not_calls():
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": "", "wsgi.input": io.BytesIO(b"")}
    assert identify(parse_request(environ, b"")) is None
