"""Canonical and benign CloudTrail records for each CIS monitoring control (behaviour, not strings).

For every control in cis_controls.json: ``positives`` are the events the control exists to catch (each
event name the benchmark lists, with its eventSource; for the unauthorized-calls control the error codes;
for root usage a root API call and a root console sign-in), ``negatives`` are look-alike benign events it
must pass (reads of the same service, a sign-in with MFA, root activity performed by an AWS service, a
denied HeadBucket and a denial on S3 log delivery, which the benchmark excludes). Cases whose outcome
depends on CloudWatch's undocumented ``&&``/``||`` precedence are deliberately not in the corpus.
Record shape: shared/reference/cloudtrail-format.md (AWS key order, IAM user identity).
"""

from __future__ import annotations

from typing import Any

ACCOUNT = "123456789012"
_N = 0


def record(event_source: str, event_name: str, **extra: Any) -> dict[str, Any]:
    """A CloudTrail management event by an IAM user; ``extra`` replaces or adds top-level fields."""
    global _N
    _N += 1
    rec: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLEEXAMPLE01",
            "arn": f"arn:aws:iam::{ACCOUNT}:user/alice",
            "accountId": ACCOUNT,
            "accessKeyId": "AKIAEXAMPLEEXAMPLE01",
            "userName": "alice",
        },
        "eventTime": "2026-03-02T10:00:00Z",
        "eventSource": event_source,
        "eventName": event_name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.amzn.2",
        "requestParameters": None,
        "responseElements": None,
        "requestID": f"00000000-0000-4000-8000-{_N:012d}",
        "eventID": f"10000000-0000-4000-8000-{_N:012d}",
        "readOnly": event_name.startswith(("Describe", "Get", "List", "Lookup", "Head")),
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    rec.update(extra)
    return rec


def _console(mfa: str, outcome: str, **extra: Any) -> dict[str, Any]:
    ok = outcome == "Success"
    return record(
        "signin.amazonaws.com",
        "ConsoleLogin",
        eventType="AwsConsoleSignIn",
        readOnly=False,
        responseElements={"ConsoleLogin": outcome},
        additionalEventData={
            "LoginTo": "https://console.aws.amazon.com/console/home",
            "MobileVersion": "No",
            "MFAUsed": mfa,
        },
        **({} if ok else {"errorMessage": "Failed authentication"}),
        **extra,
    )


ROOT = {"type": "Root", "principalId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root", "accountId": ACCOUNT}


def _names(source: str, names: str) -> list[dict[str, Any]]:
    return [record(source, n) for n in names.split()]


def corpus() -> dict[str, dict[str, list[dict[str, Any]]]]:
    """control id -> {"positives": [...], "negatives": [...]}"""
    ec2, iam = "ec2.amazonaws.com", "iam.amazonaws.com"
    return {
        "unauthorized-api-calls": {
            "positives": [
                record(
                    ec2,
                    "RunInstances",
                    errorCode="Client.UnauthorizedOperation",
                    errorMessage="You are not authorized to perform this operation.",
                ),
                record(
                    "secretsmanager.amazonaws.com",
                    "GetSecretValue",
                    errorCode="AccessDenied",
                    errorMessage="User is not authorized to perform: secretsmanager:GetSecretValue",
                ),
                record("kms.amazonaws.com", "Decrypt", errorCode="AccessDeniedException"),
            ],
            "negatives": [
                record(ec2, "RunInstances"),
                record(iam, "GetUser", errorCode="NoSuchEntityException"),
                record("s3.amazonaws.com", "HeadBucket", errorCode="AccessDenied"),
                record(
                    "s3.amazonaws.com",
                    "PutObject",
                    errorCode="AccessDenied",
                    sourceIPAddress="delivery.logs.amazonaws.com",
                ),
            ],
        },
        "console-signin-without-mfa": {
            "positives": [_console("No", "Success")],
            "negatives": [_console("Yes", "Success"), record(iam, "GetUser")],
        },
        "root-account-usage": {
            "positives": [
                record(iam, "CreateUser", userIdentity=ROOT),
                _console("Yes", "Success", userIdentity=ROOT),
            ],
            "negatives": [
                record(iam, "CreateUser"),
                record(
                    "s3.amazonaws.com",
                    "GetBucketAcl",
                    userIdentity={**ROOT, "invokedBy": "support.amazonaws.com"},
                ),
                record("kms.amazonaws.com", "RotateKey", userIdentity=ROOT, eventType="AwsServiceEvent"),
            ],
        },
        "iam-policy-changes": {
            "positives": _names(
                iam,
                "DeleteGroupPolicy DeleteRolePolicy DeleteUserPolicy PutGroupPolicy PutRolePolicy "
                "PutUserPolicy CreatePolicy DeletePolicy CreatePolicyVersion DeletePolicyVersion "
                "AttachRolePolicy DetachRolePolicy AttachUserPolicy DetachUserPolicy "
                "AttachGroupPolicy DetachGroupPolicy",
            ),
            "negatives": _names(
                iam, "GetPolicy GetPolicyVersion ListAttachedRolePolicies ListPolicies GetUser"
            ),
        },
        "cloudtrail-config-changes": {
            "positives": _names(
                "cloudtrail.amazonaws.com", "CreateTrail UpdateTrail DeleteTrail StartLogging StopLogging"
            ),
            "negatives": _names(
                "cloudtrail.amazonaws.com", "DescribeTrails GetTrailStatus LookupEvents ListTrails"
            ),
        },
        "console-auth-failures": {
            "positives": [_console("No", "Failure")],
            "negatives": [_console("No", "Success"), _console("Yes", "Success")],
        },
        "cmk-disable-or-deletion": {
            "positives": _names("kms.amazonaws.com", "DisableKey ScheduleKeyDeletion"),
            "negatives": _names("kms.amazonaws.com", "Decrypt EnableKey DescribeKey GenerateDataKey"),
        },
        "s3-bucket-policy-changes": {
            "positives": _names(
                "s3.amazonaws.com",
                "PutBucketAcl PutBucketPolicy PutBucketCors PutBucketLifecycle "
                "PutBucketReplication DeleteBucketPolicy DeleteBucketCors "
                "DeleteBucketLifecycle DeleteBucketReplication",
            ),
            "negatives": _names(
                "s3.amazonaws.com", "GetBucketPolicy GetBucketAcl ListBuckets GetBucketLocation"
            ),
        },
        "aws-config-changes": {
            "positives": _names(
                "config.amazonaws.com",
                "StopConfigurationRecorder DeleteDeliveryChannel PutDeliveryChannel PutConfigurationRecorder",
            ),
            "negatives": _names(
                "config.amazonaws.com",
                "DescribeConfigurationRecorders DescribeDeliveryChannels StartConfigurationRecorder",
            ),
        },
        "security-group-changes": {
            "positives": _names(
                ec2,
                "AuthorizeSecurityGroupIngress AuthorizeSecurityGroupEgress "
                "RevokeSecurityGroupIngress RevokeSecurityGroupEgress CreateSecurityGroup "
                "DeleteSecurityGroup ModifySecurityGroupRules",
            ),
            "negatives": _names(ec2, "DescribeSecurityGroups DescribeSecurityGroupRules DescribeInstances"),
        },
        "nacl-changes": {
            "positives": _names(
                ec2,
                "CreateNetworkAcl CreateNetworkAclEntry DeleteNetworkAcl DeleteNetworkAclEntry "
                "ReplaceNetworkAclEntry ReplaceNetworkAclAssociation",
            ),
            "negatives": _names(ec2, "DescribeNetworkAcls DescribeSubnets"),
        },
        "network-gateway-changes": {
            "positives": _names(
                ec2,
                "CreateCustomerGateway DeleteCustomerGateway AttachInternetGateway "
                "CreateInternetGateway DeleteInternetGateway DetachInternetGateway",
            ),
            "negatives": _names(ec2, "DescribeInternetGateways DescribeCustomerGateways"),
        },
        "route-table-changes": {
            "positives": _names(
                ec2,
                "CreateRoute CreateRouteTable ReplaceRoute ReplaceRouteTableAssociation "
                "DeleteRouteTable DeleteRoute DisassociateRouteTable",
            ),
            "negatives": _names(ec2, "DescribeRouteTables AssociateAddress"),
        },
        "vpc-changes": {
            "positives": _names(
                ec2,
                "CreateVpc DeleteVpc ModifyVpcAttribute AcceptVpcPeeringConnection "
                "CreateVpcPeeringConnection DeleteVpcPeeringConnection RejectVpcPeeringConnection "
                "AttachClassicLinkVpc DetachClassicLinkVpc DisableVpcClassicLink EnableVpcClassicLink",
            ),
            "negatives": _names(ec2, "DescribeVpcs DescribeVpcAttribute DescribeVpcPeeringConnections"),
        },
        "organizations-changes": {
            "positives": _names(
                "organizations.amazonaws.com",
                "AcceptHandshake AttachPolicy CreateAccount CreateOrganizationalUnit CreatePolicy "
                "DeclineHandshake DeleteOrganization DeleteOrganizationalUnit DeletePolicy DetachPolicy "
                "DisablePolicyType EnablePolicyType InviteAccountToOrganization LeaveOrganization "
                "MoveAccount RemoveAccountFromOrganization UpdatePolicy UpdateOrganizationalUnit",
            ),
            "negatives": _names(
                "organizations.amazonaws.com", "DescribeOrganization ListAccounts ListPolicies"
            ),
        },
    }
