"""Probe CloudTrail records the checks run the learner's patterns against.

Shapes follow shared/reference/cloudtrail-format.md (§6 console sign-in: failure has
``errorMessage: "Failed authentication"`` and ``responseElements.ConsoleLogin: "Failure"``, no
errorCode; EC2 names as the EC2 API writes them). Values are made up; the account is the emulator's.
"""

from __future__ import annotations

from typing import Any

import orjson

ACCOUNT = "123456789012"
REGION = "us-east-1"
_USER = {
    "type": "IAMUser",
    "principalId": "AIDAPROBEPROBEPROBE01",
    "arn": f"arn:aws:iam::{ACCOUNT}:user/test",
    "accountId": ACCOUNT,
    "accessKeyId": "AKIAPROBEPROBEPROBE1",
    "userName": "test",
}


def _base(event_source: str, event_name: str, n: int, **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": dict(_USER),
        "eventTime": "2026-03-02T10:00:00Z",
        "eventSource": event_source,
        "eventName": event_name,
        "awsRegion": REGION,
        "sourceIPAddress": "203.0.113.7",
        "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.debian.12",
        "requestParameters": None,
        "responseElements": None,
        "requestID": f"00000000-0000-4000-8000-{n:012d}",
        "eventID": f"11111111-0000-4000-8000-{n:012d}",
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    record.update(extra)
    return record


def console_login(success: bool) -> dict[str, Any]:
    record = _base("signin.amazonaws.com", "ConsoleLogin", 1 if success else 2)
    identity = {k: v for k, v in _USER.items() if k != "arn" or success}
    identity["accessKeyId"] = ""
    record.update(
        userIdentity=identity, eventType="AwsConsoleSignIn", userAgent="Mozilla/5.0 (X11; Linux x86_64)"
    )
    record.pop("requestID")
    record["responseElements"] = {"ConsoleLogin": "Success" if success else "Failure"}
    record["additionalEventData"] = {
        "LoginTo": "https://console.aws.amazon.com/console/home",
        "MobileVersion": "No",
        "MFAUsed": "No",
    }
    if not success:
        record["errorMessage"] = "Failed authentication"
    return record


def trail_call(event_name: str, n: int) -> dict[str, Any]:
    params = {"name": "management-events"}
    return _base(
        "cloudtrail.amazonaws.com",
        event_name,
        10 + n,
        requestParameters=params,
        readOnly=event_name.startswith(("Describe", "Get", "List", "Lookup")),
    )


TRAIL_CHANGES = ("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging")


def authorize_ingress() -> dict[str, Any]:
    params = {
        "groupId": "sg-0123456789abcdef0",
        "ipPermissions": {
            "items": [
                {
                    "ipProtocol": "tcp",
                    "fromPort": 22,
                    "toPort": 22,
                    "groups": {},
                    "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]},
                    "ipv6Ranges": {},
                    "prefixListIds": {},
                }
            ]
        },
    }
    return _base(
        "ec2.amazonaws.com",
        "AuthorizeSecurityGroupIngress",
        30,
        requestParameters=params,
        responseElements={"requestId": "22222222-0000-4000-8000-000000000030", "_return": True},
    )


def describe_instances() -> dict[str, Any]:
    return _base(
        "ec2.amazonaws.com",
        "DescribeInstances",
        31,
        readOnly=True,
        requestParameters={"instancesSet": {}, "filterSet": {}},
    )


def message(record: dict[str, Any]) -> str:
    """The CloudWatch Logs message a trail writes for a record (the record as compact JSON)."""
    return orjson.dumps(record).decode("utf-8")
