"""Secrets and keys: harvesting Secrets Manager secrets (ListSecrets + GetSecretValue) and scheduling a KMS key
for deletion (or disabling it).

Shapes: real GetSecretValue / ListSecrets records (Stratus secretsmanager-retrieve-secrets; invictus):
requestParameters {secretId} (ListSecrets {filters?, maxResults}), responseElements null, readOnly true.
ScheduleKeyDeletion / DisableKey (no sample): requestParameters {keyId, pendingWindowInDays}, responseElements
{keyId, deletionDate, keyState "PendingDeletion", pendingWindowInDays} per the API reference
(https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html), resources [AWS::KMS::Key].
CIS 3.7/4.7 watches DisableKey and ScheduleKeyDeletion on kms.amazonaws.com.
"""

from __future__ import annotations

import hashlib
from typing import Any

from simulator.actions.base import ActionSpec, StepContext, StepResult, params_schema, register
from simulator.actions.records import Step, spread, tool_param
from simulator.baseline.cloudtrail_catalog import _version_id as secret_version_id
from simulator.formats.cloudtrail import event_version, iam_user_identity, sts_expiration
from simulator.world.sessions import temporary_key

SM = "secretsmanager.amazonaws.com"
KMS = "kms.amazonaws.com"
IP = {"type": "string", "format": "ipv4"}


def emit_get_secret_value(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    acct = ctx.actor.account_id
    secrets = list(ctx.world.secrets.get(acct, ()))
    wanted = params.get("secrets") or []
    if wanted:
        chosen = [s for s in secrets if any(w in s for w in wanted)]
        if len(chosen) < len(wanted):
            raise ValueError(f"step {ctx.step_id}: unknown secrets {wanted}; account {acct} has {secrets}")
    else:
        chosen = secrets
    if not chosen:
        raise ValueError(f"step {ctx.step_id}: account {acct} has no secrets")
    times = spread(step, ctx.time_ms, len(chosen) * int(params["rounds"]) + 1, 2.0, 150)
    tool = params["tool"]
    step.api_call(times[0], SM, "ListSecrets", {"maxResults": 100}, None, tool=tool, read_only=True)
    denied = set(params.get("denied_secrets") or [])
    got = []
    for k, t in enumerate(times[1:]):
        s = chosen[k % len(chosen)]
        err = step.denied(SM, "GetSecretValue", s) if any(d in s for d in denied) else None
        step.api_call(t, SM, "GetSecretValue", {"secretId": s}, None, tool=tool, read_only=True, error=err)
        if err is None:
            got.append(s)
            _decrypt_for_secret(step, t, tool, s)
    return step.result(
        secrets_read=sorted(set(got)), secret_reads=len(got), denied_reads=len(times) - 1 - len(got)
    )


def _decrypt_for_secret(step: Step, t_ms: int, tool: str, secret_arn: str) -> None:
    """The kms:Decrypt Secrets Manager makes with the caller's forwarded credentials (real invictus record shape:
    the caller's identity with a session and ``invokedBy``, source IP and agent = the service, AWS's own VPC
    endpoint, no tlsDetails)."""
    a = step.actor
    ident = step.identity(tool, t_ms // 1000)
    if "sessionContext" not in ident and a.kind == "iam_user":
        ident = iam_user_identity(
            a.account_id,
            a.user_name,
            a.principal_id,
            temporary_key(f"fas|{a.arn}|{t_ms // 1000}"),
            session_creation=t_ms // 1000,
        )
    ident["invokedBy"] = SM
    key = step.world.kms_keys[a.account_id]
    vpce = (
        "vpce-"
        + hashlib.blake2b(f"{step.world.seed}|kms|{a.account_id}".encode(), digest_size=9).hexdigest()[:17]
    )
    rec: dict[str, Any] = {
        "eventVersion": event_version(KMS),
        "userIdentity": ident,
        "eventSource": KMS,
        "eventName": "Decrypt",
        "awsRegion": step.region(KMS),
        "sourceIPAddress": SM,
        "userAgent": SM,
        "requestParameters": {
            "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
            "encryptionContext": {"SecretARN": secret_arn, "SecretVersionId": secret_version_id(secret_arn)},
        },
        "responseElements": None,
        "requestID": step.uuid(),
        "eventID": step.uuid(),
        "readOnly": True,
        "resources": [{"accountId": a.account_id, "type": "AWS::KMS::Key", "ARN": key}],
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": a.account_id,
        "vpcEndpointId": vpce,
        "eventCategory": "Management",
    }
    step.cloudtrail(t_ms, rec)


register(
    ActionSpec(
        name="get_secret_value",
        summary="Harvest Secrets Manager secrets: ListSecrets, then GetSecretValue on each (some may be denied).",
        description=(
            "`ListSecrets` then one `GetSecretValue` (`secretId` = the secret ARN, response null) per secret and "
            "round, each successful read followed by the `kms:Decrypt` Secrets Manager makes on the caller's behalf "
            "(`invokedBy: secretsmanager.amazonaws.com`); secrets matched by `denied_secrets` fail with "
            "`AccessDeniedException`. No CIS filter covers it."
        ),
        params=params_schema(
            {
                "secrets": {
                    "type": "array",
                    "items": {"type": "string"},
                    "default": [],
                    "description": "substrings of secret names (default: every secret of the account)",
                },
                "denied_secrets": {"type": "array", "items": {"type": "string"}, "default": []},
                "rounds": {"type": "integer", "minimum": 1, "maximum": 20, "default": 1},
                "tool": tool_param("aws-cli"),
                "source_ip": IP,
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1555.006",),
        facts={
            "secrets_read": "secret ARNs read",
            "secret_reads": "successful reads",
            "denied_reads": "refused reads",
        },
        emit=emit_get_secret_value,
    )
)


def emit_schedule_key_deletion(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    acct = ctx.actor.account_id
    key = params.get("key_arn") or ctx.world.kms_keys[acct]
    days = int(params["pending_window_days"])
    t = ctx.time_ms
    res = [{"accountId": acct, "type": "AWS::KMS::Key", "ARN": key}]
    err = step.denied(KMS, "ScheduleKeyDeletion", key) if params.get("denied") else None
    if params["operation"] == "disable":
        step.api_call(
            t, KMS, "DisableKey", {"keyId": key}, None, tool=params["tool"], resources=res, error=err
        )
        return step.result(key_arn=key, event="DisableKey")
    deletion = (
        t // 86_400_000 + days + 1
    ) * 86_400  # AWS rounds the deletion date up to the next midnight UTC
    step.api_call(
        t,
        KMS,
        "ScheduleKeyDeletion",
        {"keyId": key, "pendingWindowInDays": days},
        {
            "keyId": key,
            "deletionDate": sts_expiration(deletion),
            "keyState": "PendingDeletion",
            "pendingWindowInDays": days,
        },
        tool=params["tool"],
        resources=res,
        error=err,
    )
    return step.result(
        key_arn=key, event="ScheduleKeyDeletion", pending_window_days=days, deletion_date=deletion * 1000
    )


register(
    ActionSpec(
        name="schedule_key_deletion",
        summary="Schedule a customer-managed KMS key for deletion (or disable it).",
        description=(
            "One `ScheduleKeyDeletion` (`keyId`, `pendingWindowInDays`; response with `deletionDate` and "
            "`keyState: PendingDeletion`) or `DisableKey` record on `kms.amazonaws.com` — what CIS's "
            "CMK-disable/deletion filter catches."
        ),
        params=params_schema(
            {
                "key_arn": {"type": "string", "description": "default: the account's CMK"},
                "operation": {
                    "type": "string",
                    "enum": ["schedule_deletion", "disable"],
                    "default": "schedule_deletion",
                },
                "pending_window_days": {"type": "integer", "minimum": 7, "maximum": 30, "default": 7},
                "tool": tool_param("aws-cli"),
                "denied": {"type": "boolean", "default": False},
                "source_ip": IP,
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1485",),
        facts={
            "key_arn": "key affected",
            "event": "eventName",
            "deletion_date": "epoch ms the key would be deleted",
        },
        emit=emit_schedule_key_deletion,
    )
)
