"""CloudTrail record format: key order, value conventions, identity blocks, file envelope and names.

Reusable by every producer of CloudTrail records (the baseline, the scenario layer, an embedded-emulator
bridge). Source: shared/reference/cloudtrail-format.md (§1 key order merged from 2,900 real records,
§3 userIdentity, §8 file names) and the real invictus-ir samples.

    render_record(record: dict) -> bytes      # compact JSON in AWS key order (unknown keys go last)
    order_record(record: dict) -> dict        # the same ordering as a dict
    event_time(epoch_seconds) -> "2026-03-02T06:00:01Z"   (no fractional seconds)
    iam_user_identity / assumed_role_identity / root_identity / aws_service_identity /
    aws_account_identity / service_event_identity   -> userIdentity dicts in real key order
    sts_expiration(epoch) -> "Jul 10, 2023, 12:09:47 PM";  iam_create_date(epoch) -> "Jul 10, 2023 12:23:05 PM"
    event_version(event_source) -> "1.08" / "1.09"
    envelope(records: list[bytes]) -> b'{"Records":[...]}'
    log_file_name(account, region, delivered_epoch, unique16) / log_file_key(...)
    validate_record(record) -> list of problems (empty = looks like a real CloudTrail record)
"""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import orjson

KEY_ORDER = (
    "eventVersion",
    "userIdentity",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "errorMessage",
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "requestID",
    "eventID",
    "readOnly",
    "resources",
    "eventType",
    "apiVersion",
    "managementEvent",
    "recipientAccountId",
    "sharedEventID",
    "serviceEventDetails",
    "vpcEndpointId",
    "vpcEndpointAccountId",
    "eventCategory",
    "addendum",
    "tlsDetails",
    "sessionCredentialFromConsole",
    "edgeDeviceDetails",
)
IDENTITY_ORDER = (
    "type",
    "principalId",
    "arn",
    "accountId",
    "accessKeyId",
    "userName",
    "sessionContext",
    "invokedBy",
    "identityProvider",
    "onBehalfOf",
    "credentialId",
)
SESSION_CONTEXT_ORDER = (
    "sessionIssuer",
    "webIdFederationData",
    "attributes",
    "sourceIdentity",
    "ec2RoleDelivery",
)
_RANK = {k: i for i, k in enumerate(KEY_ORDER)}
_ID_RANK = {k: i for i, k in enumerate(IDENTITY_ORDER)}
_SC_RANK = {k: i for i, k in enumerate(SESSION_CONTEXT_ORDER)}

# Per-service eventVersion: in the real 2023 files cloudtrail.amazonaws.com wrote 1.09, every other service 1.08.
EVENT_VERSION_BY_SOURCE = {"cloudtrail.amazonaws.com": "1.09"}
DEFAULT_EVENT_VERSION = "1.08"
ACCESS_KEY_REDACTED = ""  # console sign-in records carry an empty accessKeyId (AWS userIdentity page)


def event_version(event_source: str) -> str:
    return EVENT_VERSION_BY_SOURCE.get(event_source, DEFAULT_EVENT_VERSION)


def event_time(epoch_seconds: float) -> str:
    """UTC, second precision, trailing Z: 2023-07-10T11:55:32Z."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(epoch_seconds)))


def _java_time(epoch_seconds: float, comma: bool) -> str:
    t = dt.datetime.fromtimestamp(int(epoch_seconds), dt.UTC)
    hour = t.hour % 12 or 12
    sep = ", " if comma else " "
    return f"{t.strftime('%b')} {t.day}, {t.year}{sep}{hour}:{t.minute:02d}:{t.second:02d} {'AM' if t.hour < 12 else 'PM'}"


def sts_expiration(epoch_seconds: float) -> str:
    """STS style (comma after the year): "Jul 10, 2023, 12:09:47 PM"."""
    return _java_time(epoch_seconds, True)


def iam_create_date(epoch_seconds: float) -> str:
    """IAM style (no comma after the year): "Jul 10, 2023 12:23:05 PM"."""
    return _java_time(epoch_seconds, False)


def _ordered(d: dict, rank: dict[str, int]) -> dict:
    n = len(rank)
    return dict(sorted(d.items(), key=lambda kv: rank.get(kv[0], n)))


def order_record(record: dict[str, Any]) -> dict[str, Any]:
    """A copy of record with top-level, userIdentity and sessionContext keys in AWS order."""
    out = _ordered(record, _RANK)
    ui = out.get("userIdentity")
    if isinstance(ui, dict):
        ui = _ordered(ui, _ID_RANK)
        sc = ui.get("sessionContext")
        if isinstance(sc, dict):
            ui["sessionContext"] = _ordered(sc, _SC_RANK)
        out["userIdentity"] = ui
    return out


def render_record(record: dict[str, Any]) -> bytes:
    """Compact JSON of one record in AWS key order."""
    return orjson.dumps(order_record(record))


def envelope(records: list[bytes]) -> bytes:
    """The delivered file body: {"Records":[r1,r2,...]} (compact, as real files are)."""
    return b'{"Records":[' + b",".join(records) + b"]}"


def log_file_name(account_id: str, region: str, delivered_epoch: float, unique: str) -> str:
    """<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 alphanumerics>.json.gz."""
    if len(unique) != 16 or not unique.isalnum():
        raise ValueError(f"unique string must be 16 alphanumerics, got {unique!r}")
    stamp = time.strftime("%Y%m%dT%H%MZ", time.gmtime(int(delivered_epoch)))
    return f"{account_id}_CloudTrail_{region}_{stamp}_{unique}.json.gz"


def log_file_key(account_id: str, region: str, delivered_epoch: float, unique: str, prefix: str = "") -> str:
    """AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<file name> (date of delivery), with optional prefix."""
    day = time.strftime("%Y/%m/%d", time.gmtime(int(delivered_epoch)))
    key = f"AWSLogs/{account_id}/CloudTrail/{region}/{day}/{log_file_name(account_id, region, delivered_epoch, unique)}"
    return f"{prefix.strip('/')}/{key}" if prefix else key


def cloudwatch_stream(account_id: str, region: str) -> str:
    """CloudTrail's log stream name in the trail's log group."""
    return f"{account_id}_CloudTrail_{region}"


# --- userIdentity builders (key order as in real records) -----------------------------------------------


def session_attributes(creation_epoch: float, mfa: bool) -> dict[str, str]:
    """Real 2023 files put creationDate before mfaAuthenticated; mfaAuthenticated is a string."""
    return {"creationDate": event_time(creation_epoch), "mfaAuthenticated": "true" if mfa else "false"}


def iam_user_identity(
    account_id: str,
    user_name: str,
    principal_id: str,
    access_key_id: str | None,
    session_creation: float | None = None,
    mfa: bool = False,
    invoked_by: str | None = None,
) -> dict[str, Any]:
    """IAMUser; with session_creation it is a console/temporary session (empty sessionIssuer)."""
    ident: dict[str, Any] = {
        "type": "IAMUser",
        "principalId": principal_id,
        "arn": f"arn:aws:iam::{account_id}:user/{user_name}",
        "accountId": account_id,
    }
    if access_key_id is not None:
        ident["accessKeyId"] = access_key_id
    ident["userName"] = user_name
    if session_creation is not None:
        ident["sessionContext"] = {
            "sessionIssuer": {},
            "webIdFederationData": {},
            "attributes": session_attributes(session_creation, mfa),
        }
    if invoked_by:
        ident["invokedBy"] = invoked_by
    return ident


def assumed_role_identity(
    account_id: str,
    role_name: str,
    role_path: str,
    role_principal_id: str,
    session_name: str,
    access_key_id: str,
    creation_epoch: float,
    mfa: bool = False,
    ec2_role_delivery: str | None = None,
    invoked_by: str | None = None,
    source_identity: str | None = None,
) -> dict[str, Any]:
    sc: dict[str, Any] = {
        "sessionIssuer": {
            "type": "Role",
            "principalId": role_principal_id,
            "arn": f"arn:aws:iam::{account_id}:role{role_path}{role_name}",
            "accountId": account_id,
            "userName": role_name,
        },
        "webIdFederationData": {},
        "attributes": session_attributes(creation_epoch, mfa),
    }
    if source_identity:
        sc["sourceIdentity"] = source_identity
    if ec2_role_delivery:
        sc["ec2RoleDelivery"] = ec2_role_delivery
    ident: dict[str, Any] = {
        "type": "AssumedRole",
        "principalId": f"{role_principal_id}:{session_name}",
        "arn": f"arn:aws:sts::{account_id}:assumed-role/{role_name}/{session_name}",
        "accountId": account_id,
        "accessKeyId": access_key_id,
        "sessionContext": sc,
    }
    if invoked_by:
        ident["invokedBy"] = invoked_by
    return ident


def root_identity(
    account_id: str,
    access_key_id: str = ACCESS_KEY_REDACTED,
    alias: str | None = None,
    session_creation: float | None = None,
    mfa: bool = False,
) -> dict[str, Any]:
    ident: dict[str, Any] = {
        "type": "Root",
        "principalId": account_id,
        "arn": f"arn:aws:iam::{account_id}:root",
        "accountId": account_id,
        "accessKeyId": access_key_id,
    }
    if alias:
        ident["userName"] = alias
    if session_creation is not None:
        ident["sessionContext"] = {
            "sessionIssuer": {},
            "webIdFederationData": {},
            "attributes": session_attributes(session_creation, mfa),
        }
    return ident


def aws_service_identity(invoked_by: str) -> dict[str, str]:
    """A service calling with its own credentials, e.g. ec2.amazonaws.com assuming an instance role."""
    return {"type": "AWSService", "invokedBy": invoked_by}


def aws_account_identity(principal_id: str, account_id: str) -> dict[str, str]:
    """The caller as the role-owning account sees a cross-account AssumeRole."""
    return {"type": "AWSAccount", "principalId": principal_id, "accountId": account_id}


def service_event_identity(account_id: str, invoked_by: str) -> dict[str, str]:
    """AwsServiceEvent records: no type (42 real records)."""
    return {"accountId": account_id, "invokedBy": invoked_by}


def tls_details(version: str, cipher: str, host: str) -> dict[str, str]:
    return {"tlsVersion": version, "cipherSuite": cipher, "clientProvidedHostHeader": host}


def s3_user_agent(agent: str) -> str:
    """S3 writes the user agent in square brackets."""
    return agent if agent.startswith("[") else f"[{agent}]"


# --- validation (for records built outside the baseline, e.g. injected scenario records) ---------------

REQUIRED = (
    "eventVersion",
    "userIdentity",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "eventID",
    "eventType",
    "recipientAccountId",
)
EVENT_TYPES = {
    "AwsApiCall",
    "AwsServiceEvent",
    "AwsConsoleAction",
    "AwsConsoleSignIn",
    "AwsCloudTrailInsight",
    "AwsVpceEvent",
}
EVENT_CATEGORIES = {"Management", "Data", "NetworkActivity", "Insight"}
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def validate_record(record: dict[str, Any]) -> list[str]:
    """Problems that would make a record unlike anything CloudTrail writes (empty list = fine)."""
    problems = [f"missing {k}" for k in REQUIRED if k not in record]
    problems += [f"unknown top-level field {k!r}" for k in record if k not in _RANK]
    t = record.get("eventTime")
    if isinstance(t, str) and not _TIME.fullmatch(t):
        problems.append(f"eventTime {t!r} is not YYYY-MM-DDTHH:MM:SSZ (no fractional seconds)")
    for k in ("readOnly", "managementEvent"):
        if k in record and not isinstance(record[k], bool):
            problems.append(f"{k} must be a JSON boolean, got {record[k]!r}")
    if "sessionCredentialFromConsole" in record and record["sessionCredentialFromConsole"] != "true":
        problems.append('sessionCredentialFromConsole must be the string "true" (omit it otherwise)')
    for k in ("requestParameters", "responseElements"):
        if k in record and record[k] is not None and not isinstance(record[k], dict):
            problems.append(f"{k} must be an object or null")
    if "eventType" in record and record["eventType"] not in EVENT_TYPES:
        problems.append(f"eventType {record['eventType']!r} is not one of {sorted(EVENT_TYPES)}")
    if "eventCategory" in record and record["eventCategory"] not in EVENT_CATEGORIES:
        problems.append(f"eventCategory {record['eventCategory']!r} is not one of {sorted(EVENT_CATEGORIES)}")
    ui = record.get("userIdentity")
    if not isinstance(ui, dict):
        problems.append("userIdentity must be an object")
    else:
        attrs = (ui.get("sessionContext") or {}).get("attributes") or {}
        if "mfaAuthenticated" in attrs and attrs["mfaAuthenticated"] not in ("true", "false"):
            problems.append(
                'userIdentity.sessionContext.attributes.mfaAuthenticated must be "true" or "false"'
            )
        c = attrs.get("creationDate")
        if c is not None and not (isinstance(c, str) and _TIME.fullmatch(c)):
            problems.append(f"creationDate {c!r} is not YYYY-MM-DDTHH:MM:SSZ")
    return problems
