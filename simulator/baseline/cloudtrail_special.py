"""Records with per-event bodies, built as dicts: AssumeRole (caller and role-owner copies, AWS service
principals), console sign-in (success/failure, MFA), EC2 authorization failures, AwsServiceEvent.

Shapes: cloudtrail-format.md §3 (cross-account copies with AWSAccount identity and sharedEventID), §6
(ConsoleLogin: no requestID, readOnly false, failure = errorMessage only, MFAIdentifier when MFA used), §5
and the real AssumeRole/ConsoleLogin records in shared/reference/samples/cloudtrail/invictus-ir_aws_dataset.
"""

from __future__ import annotations

import base64
from typing import Any

from simulator.baseline.cloudtrail_render import TLS_CLIENTS, Actor, EventSink
from simulator.formats.cloudtrail import aws_account_identity, event_time, sts_expiration, tls_details
from simulator.world import Role

STS_VERSION = "1.08"
LOGIN_TO = "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_{}"


def session_token(sink: EventSink) -> str:
    raw = sink.ids.rng.integers(0, 256, size=330, dtype="uint8").tobytes()
    return "IQoJb3JpZ2luX2Vj" + base64.b64encode(raw).decode()


def assume_role(
    sink: EventSink,
    t: int,
    caller: Actor,
    role: Role,
    session_name: str,
    access_key: str,
    duration: int = 3600,
    region: str = "us-east-1",
) -> None:
    """AssumeRole as the caller's account records it, plus the role owner's copy when cross-account."""
    cross = caller.account_id != role.account_id
    request_id = sink.ids.uuid().decode()
    shared = sink.ids.uuid().decode() if cross or caller.invoked_by else None
    assumed_arn = f"arn:aws:sts::{role.account_id}:assumed-role/{role.name}/{session_name}"
    body: dict[str, Any] = {
        "requestParameters": {
            "roleArn": role.arn,
            "roleSessionName": session_name,
            "durationSeconds": duration,
        },
        "responseElements": {
            "credentials": {
                "accessKeyId": access_key,
                "sessionToken": session_token(sink),
                "expiration": sts_expiration(t + duration),
            },
            "assumedRoleUser": {"assumedRoleId": f"{role.principal_id}:{session_name}", "arn": assumed_arn},
        },
        "requestID": request_id,
    }
    service = caller.invoked_by if caller.ident.get("type") == "AWSService" else None
    copies = [(caller.ident, caller.account_id if not service else role.account_id)]
    if cross and not service:
        copies.append((aws_account_identity(caller.ident["principalId"], caller.account_id), role.account_id))
    for ident, recipient in copies:
        rec: dict[str, Any] = {
            "eventVersion": STS_VERSION,
            "userIdentity": ident,
            "eventTime": event_time(t),
            "eventSource": "sts.amazonaws.com",
            "eventName": "AssumeRole",
            "awsRegion": region,
            "sourceIPAddress": caller.ip,
            "userAgent": caller.agent.replace("{command}", "sts.assume-role"),
            **body,
            "eventID": sink.ids.uuid().decode(),
            "readOnly": True,
            "resources": [{"accountId": role.account_id, "type": "AWS::IAM::Role", "ARN": role.arn}],
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": recipient,
        }
        if shared:
            rec["sharedEventID"] = shared
        rec["eventCategory"] = "Management"
        if not service and caller.tls >= 0:
            v, c = TLS_CLIENTS[caller.tls]
            rec["tlsDetails"] = tls_details(v, c, f"sts.{region}.amazonaws.com")
        sink.add_dict(t, rec, ordered=True)


def console_login(
    sink: EventSink,
    t: int,
    account_id: str,
    user_name: str,
    principal_id: str,
    ip: str,
    agent: str,
    mfa: bool,
    success: bool,
) -> None:
    """A console sign-in of an IAM user (global service event, recorded in us-east-1)."""
    if success:
        ident: dict[str, Any] = {
            "type": "IAMUser",
            "principalId": principal_id,
            "arn": f"arn:aws:iam::{account_id}:user/{user_name}",
            "accountId": account_id,
            "userName": user_name,
        }
    else:
        ident = {
            "type": "IAMUser",
            "principalId": principal_id,
            "accountId": account_id,
            "accessKeyId": "",
            "userName": user_name,
        }
    rec: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": ident,
        "eventTime": event_time(t),
        "eventSource": "signin.amazonaws.com",
        "eventName": "ConsoleLogin",
        "awsRegion": "us-east-1",
        "sourceIPAddress": ip,
        "userAgent": agent,
    }
    if not success:
        rec["errorMessage"] = "Failed authentication"
    rec["requestParameters"] = None
    rec["responseElements"] = {"ConsoleLogin": "Success" if success else "Failure"}
    extra: dict[str, str] = {"LoginTo": LOGIN_TO.format(sink.ids.uuid().decode()[:8]), "MobileVersion": "No"}
    if mfa and success:
        extra["MFAIdentifier"] = f"arn:aws:iam::{account_id}:mfa/{user_name}"
    extra["MFAUsed"] = "Yes" if mfa and success else "No"
    rec["additionalEventData"] = extra
    rec.update(
        {
            "eventID": sink.ids.uuid().decode(),
            "readOnly": False,
            "eventType": "AwsConsoleSignIn",
            "managementEvent": True,
            "recipientAccountId": account_id,
            "eventCategory": "Management",
            "tlsDetails": tls_details("TLSv1.3", "TLS_AES_128_GCM_SHA256", "signin.aws.amazon.com"),
        }
    )
    sink.add_dict(t, rec, ordered=True)


def ec2_unauthorized(
    sink: EventSink, t: int, actor: Actor, api_name: str, params: dict | None, region: str
) -> None:
    """EC2's Client.UnauthorizedOperation with its encoded authorization message (one per event)."""
    blob = (
        base64.urlsafe_b64encode(sink.ids.rng.integers(0, 256, size=420, dtype="uint8").tobytes())
        .decode()
        .rstrip("=")
    )
    rec: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": actor.ident,
        "eventTime": event_time(t),
        "eventSource": "ec2.amazonaws.com",
        "eventName": api_name,
        "awsRegion": region,
        "sourceIPAddress": actor.ip,
        "userAgent": actor.agent.replace("{command}", "ec2." + api_name.lower()),
        "errorCode": "Client.UnauthorizedOperation",
        "errorMessage": f"You are not authorized to perform this operation. Encoded authorization failure message: {blob}",
        "requestParameters": params,
        "responseElements": None,
        "requestID": sink.ids.uuid().decode(),
        "eventID": sink.ids.uuid().decode(),
        "readOnly": api_name.startswith("Describe"),
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": actor.account_id,
        "eventCategory": "Management",
    }
    if actor.tls >= 0:
        v, c = TLS_CLIENTS[actor.tls]
        rec["tlsDetails"] = tls_details(v, c, f"ec2.{region}.amazonaws.com")
    if actor.console:
        rec["sessionCredentialFromConsole"] = "true"
    sink.add_dict(t, rec, ordered=True)


def access_denied(principal_arn: str, source: str, api_name: str, resource: str = "*") -> tuple[str, str]:
    """(errorCode, errorMessage) of an identity-policy denial, per protocol family (cloudtrail-format.md §5)."""
    prefix = source.split(".")[0]
    action = f"{prefix}:{api_name}"
    msg = (
        f"User: {principal_arn} is not authorized to perform: {action} on resource: {resource} "
        f"because no identity-based policy allows the {action} action"
    )
    if prefix == "s3":
        return "AccessDenied", "Access Denied"
    if prefix in ("iam", "sts", "organizations", "rds", "monitoring", "autoscaling", "elasticloadbalancing"):
        return "AccessDenied", msg
    return "AccessDeniedException", msg
