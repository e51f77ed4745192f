"""Who the records say made the call: learner (unknown keys), IAM users, assumed roles, root."""

from __future__ import annotations

import json
import re

import boto3
import pytest

from simulator.emulator import EmbeddedEmulator
from tests.simulator.emulator.helpers import (
    ACCOUNT,
    REGION,
    log_group_records,
    make_trail,
    named,
    unique,
    wait_for,
)

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


@pytest.fixture(scope="module")
def trail(aws):
    return make_trail(aws)


def _records(aws, trail, event_name, count=1):
    return named(
        wait_for(
            lambda: log_group_records(aws, trail["group"]), lambda rs: len(named(rs, event_name)) >= count
        ),
        event_name,
    )


def test_aws_endpoint_url_environment_works_with_boto3(emulator, monkeypatch):
    for key, value in emulator.environment().items():
        monkeypatch.setenv(key, value)
    identity = boto3.client("sts").get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/learner"
    assert identity["Account"] == ACCOUNT


def test_learner_has_administrator_access(aws):
    attached = aws("iam").list_attached_user_policies(UserName="learner")["AttachedPolicies"]
    assert attached == [
        {"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}
    ]
    keys = aws("iam").list_access_keys(UserName="learner")["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in keys] == [EmbeddedEmulator().learner_access_key_id()]


def test_assumed_role_session_shows_as_assumed_role(aws, trail):
    role = aws("iam").create_role(RoleName=unique("auditor"), AssumeRolePolicyDocument=TRUST)["Role"]
    creds = aws("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="night-shift")["Credentials"]
    session = aws(
        "ec2",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    session.create_security_group(GroupName=unique("from-role"), Description="by the role")
    record = _records(aws, trail, "CreateSecurityGroup")[0]
    identity = record["userIdentity"]
    assert identity == {
        "type": "AssumedRole",
        "principalId": f"{role['RoleId']}:night-shift",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{role['RoleName']}/night-shift",
        "accountId": ACCOUNT,
        "accessKeyId": creds["AccessKeyId"],
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": role["RoleId"],
                "arn": role["Arn"],
                "accountId": ACCOUNT,
                "userName": role["RoleName"],
            },
            "webIdFederationData": {},
            "attributes": {
                "creationDate": identity["sessionContext"]["attributes"]["creationDate"],
                "mfaAuthenticated": "false",
            },
        },
    }
    assert re.fullmatch(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", identity["sessionContext"]["attributes"]["creationDate"]
    )
    assert creds["AccessKeyId"].startswith("ASIA")


def test_assume_role_record_logs_credentials_without_the_secret(aws, trail):
    record = _records(aws, trail, "AssumeRole")[0]
    assert record["eventSource"] == "sts.amazonaws.com" and record["readOnly"] is True
    assert record["requestParameters"]["roleSessionName"] == "night-shift"
    creds = record["responseElements"]["credentials"]
    assert set(creds) == {"accessKeyId", "sessionToken", "expiration"}
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M", creds["expiration"])
    assert set(record["responseElements"]["assumedRoleUser"]) == {"assumedRoleId", "arn"}
    assert record["resources"] == [
        {"accountId": ACCOUNT, "type": "AWS::IAM::Role", "ARN": record["requestParameters"]["roleArn"]}
    ]


def test_iam_user_keys_are_that_user(aws, trail):
    iam = aws("iam")
    name = unique("dev")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    aws(
        "sns", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    ).create_topic(Name=unique("by-dev"))
    record = _records(aws, trail, "CreateTopic")[0]
    assert record["userIdentity"]["type"] == "IAMUser"
    assert record["userIdentity"]["userName"] == name
    assert record["userIdentity"]["accessKeyId"] == key["AccessKeyId"]
    assert record["userIdentity"]["principalId"] == iam.get_user(UserName=name)["User"]["UserId"]
    assert record["userIdentity"]["principalId"].startswith("AIDA")
    created = [
        r for r in _records(aws, trail, "CreateAccessKey") if r["requestParameters"]["userName"] == name
    ][0]
    assert list(created["responseElements"]["accessKey"]) == [
        "accessKeyId",
        "status",
        "userName",
        "createDate",
    ]
    assert re.fullmatch(
        r"[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} [AP]M",
        created["responseElements"]["accessKey"]["createDate"],
    )


def test_root_access_key_shows_as_root(aws, trail, emulator):
    emulator.identities.root_keys = frozenset({"AKIAROOTROOTROOTROOT"})
    try:
        aws("logs", aws_access_key_id="AKIAROOTROOTROOTROOT").create_log_group(
            logGroupName=unique("/by/root")
        )
    finally:
        emulator.identities.root_keys = frozenset()
    record = _records(aws, trail, "CreateLogGroup")[-1]
    assert record["userIdentity"] == {
        "type": "Root",
        "principalId": ACCOUNT,
        "arn": f"arn:aws:iam::{ACCOUNT}:root",
        "accountId": ACCOUNT,
        "accessKeyId": "AKIAROOTROOTROOTROOT",
    }
    assert record["awsRegion"] == REGION
