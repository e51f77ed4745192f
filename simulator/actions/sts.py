"""STS: AssumeRole by the actor (success or AccessDenied), with the role owner's copy for cross-account roles.

Shapes from real AssumeRole records (invictus, Stratus organizations-leave): requestParameters {roleArn,
roleSessionName, durationSeconds}, responseElements {credentials {accessKeyId ASIA…, sessionToken, expiration
"Jul 10, 2023, 12:09:47 PM"}, assumedRoleUser {assumedRoleId, arn}}, resources [AWS::IAM::Role], readOnly true;
the denied form has requestParameters null and "User: <arn> is not authorized to perform: sts:AssumeRole on
resource: <role arn>". Cross-account: the role-owning account receives a copy with an AWSAccount identity and
both copies share a sharedEventID (cloudtrail-format.md §3).
"""

from __future__ import annotations

from simulator.actions.base import ActionSpec, StepContext, StepResult, params_schema, register
from simulator.actions.records import Step, tool_param
from simulator.baseline.cloudtrail_special import session_token
from simulator.formats.cloudtrail import aws_account_identity, sts_expiration
from simulator.world.sessions import temporary_key

STS = "sts.amazonaws.com"


class _Tokens:
    """Adapter so cloudtrail_special.session_token draws from the step rng."""

    def __init__(self, rng) -> None:
        self.ids = type("Ids", (), {"rng": rng})()


def emit_assume_role(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    w = ctx.world
    acct = params.get("role_account") or ctx.actor.account_id
    if acct in ("prod", "dev", "security"):
        acct = w.account(acct).id
    try:
        role = w.role(params["role_name"], acct)
    except KeyError:
        raise ValueError(
            f"step {ctx.step_id}: unknown role {params['role_name']!r} in account {acct}"
        ) from None
    session = params.get("session_name") or f"botocore-session-{ctx.time_ms // 1000}"
    t = ctx.time_ms
    duration = int(params["duration_seconds"])
    tool = params["tool"]
    if params["denied"]:
        msg = f"User: {ctx.actor.arn} is not authorized to perform: sts:AssumeRole on resource: {role.arn}"
        step.api_call(
            t, STS, "AssumeRole", None, None, tool=tool, error=("AccessDenied", msg), read_only=True
        )
        return step.result(role_arn=role.arn, denied=True)
    key = temporary_key(f"{role.arn}|{session}|{t}")
    assumed = f"arn:aws:sts::{role.account_id}:assumed-role/{role.name}/{session}"
    req = {"roleArn": role.arn, "roleSessionName": session, "durationSeconds": duration}
    resp = {
        "credentials": {
            "accessKeyId": key,
            "sessionToken": session_token(_Tokens(ctx.rng)),
            "expiration": sts_expiration(t // 1000 + duration),
        },
        "assumedRoleUser": {"assumedRoleId": f"{role.principal_id}:{session}", "arn": assumed},
    }
    res = [{"accountId": role.account_id, "type": "AWS::IAM::Role", "ARN": role.arn}]
    rec = step.api_call(t, STS, "AssumeRole", req, resp, tool=tool, read_only=True, resources=res)
    if role.account_id != ctx.actor.account_id and rec is not None:
        shared = step.uuid()
        rec["sharedEventID"] = shared
        copy = dict(
            rec,
            userIdentity=aws_account_identity(ctx.actor.principal_id, ctx.actor.account_id),
            eventID=step.uuid(),
            recipientAccountId=role.account_id,
        )
        step.cloudtrail(t, copy)
    ctx.state.setdefault("role_sessions", {})[f"{role.name}/{session}"] = {
        "created": t // 1000,
        "access_key_id": key,
    }
    return step.result(
        role_arn=role.arn,
        session_name=session,
        assumed_role_arn=assumed,
        access_key_id=key,
        cross_account=role.account_id != ctx.actor.account_id,
        denied=False,
    )


register(
    ActionSpec(
        name="assume_role",
        summary="Assume an IAM role (same or another account), or be refused.",
        description=(
            "`AssumeRole` (`sts.amazonaws.com`, readOnly true) in the caller's account; for a role in another "
            "account the role owner receives a copy with an `AWSAccount` identity and a shared `sharedEventID`. "
            "With `denied` the record carries `errorCode: AccessDenied` and no response."
        ),
        params=params_schema(
            {
                "role_name": {"type": "string"},
                "role_account": {
                    "type": "string",
                    "pattern": r"^(\d{12}|prod|dev|security)$",
                    "description": "account id or kind (default: the actor's account)",
                },
                "session_name": {"type": "string"},
                "duration_seconds": {"type": "integer", "minimum": 900, "default": 3600},
                "denied": {"type": "boolean", "default": False},
                "tool": tool_param("aws-cli"),
                "source_ip": {"type": "string", "format": "ipv4"},
            },
            ("role_name",),
        ),
        sources=("cloudtrail",),
        techniques=("T1078.004", "T1550.001"),
        facts={
            "role_arn": "role assumed",
            "session_name": "role session name",
            "assumed_role_arn": "session ARN",
            "access_key_id": "temporary ASIA key",
            "cross_account": "role in another account",
        },
        emit=emit_assume_role,
        actor_kinds=("iam_user", "assumed_role"),
    )
)
