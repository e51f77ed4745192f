"""IAM privilege escalation through policies: managed policies attached, inline policies written, a new default
policy version, a role's trust policy rewritten to trust an outside account.

Shapes from the real records (Stratus iam-create-admin-user, iam-backdoor-role; invictus AttachRolePolicy,
PutRolePolicy): policy documents are JSON strings, these calls answer null. CreatePolicyVersion (no sample):
requestParameters {policyArn, policyDocument, setAsDefault}, response {policyVersion {versionId,
isDefaultVersion, createDate}} (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html).
CIS's IAM-policy-changes filter lists Attach*/Put*/CreatePolicyVersion, not UpdateAssumeRolePolicy.
"""

from __future__ import annotations

import json

from simulator.actions.base import ActionSpec, StepContext, StepResult, params_schema, register
from simulator.actions.iam_common import ADMIN, DENIED, IP, iam_call, policy_document, resolve_user
from simulator.actions.records import Step, tool_param
from simulator.formats.cloudtrail import iam_create_date

_TARGET = {"type": "string", "enum": ["user", "role", "group"], "default": "user"}


def _target(ctx: StepContext, kind: str, name: str | None) -> str:
    if kind == "user":
        return resolve_user(ctx, name)
    if not name:
        raise ValueError(f"step {ctx.step_id}: target_name is required for a {kind}")
    if kind == "role" and name not in {r.name for r in ctx.world.roles}:
        raise ValueError(f"step {ctx.step_id}: unknown role {name!r}")
    return name


def emit_attach_policy(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    kind = params["target_type"]
    name = _target(ctx, kind, params.get("target_name"))
    event = {"user": "AttachUserPolicy", "role": "AttachRolePolicy", "group": "AttachGroupPolicy"}[kind]
    req = {f"{kind}Name": name, "policyArn": params["policy_arn"]}
    res = f"arn:aws:iam::{ctx.actor.account_id}:{kind}/{name}"
    iam_call(step, ctx.time_ms, event, req, None, params, res)
    return step.result(
        target=name,
        target_type=kind,
        policy_arn=params["policy_arn"],
        event=event,
        denied=bool(params.get("denied")),
    )


register(
    ActionSpec(
        name="attach_policy",
        summary="Attach a managed policy (default AdministratorAccess) to a user, role or group.",
        description=(
            "`AttachUserPolicy` / `AttachRolePolicy` / `AttachGroupPolicy` with requestParameters "
            "`<kind>Name` and `policyArn`, responseElements null. In CIS's IAM-policy-changes filter. With `denied` "
            "the call fails with `AccessDenied` (counted by the unauthorized-API-calls filter)."
        ),
        params=params_schema(
            {
                "target_type": _TARGET,
                "target_name": {"type": "string", "description": "default: the actor"},
                "policy_arn": {"type": "string", "default": ADMIN},
                "tool": tool_param("aws-cli"),
                "denied": DENIED,
                "source_ip": IP,
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1098.003",),
        facts={"target": "user/role/group name", "policy_arn": "attached policy", "event": "eventName"},
        emit=emit_attach_policy,
    )
)


def emit_put_inline_policy(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    kind = params["target_type"]
    name = _target(ctx, kind, params.get("target_name"))
    event = {"user": "PutUserPolicy", "role": "PutRolePolicy", "group": "PutGroupPolicy"}[kind]
    req = {
        f"{kind}Name": name,
        "policyDocument": policy_document(params["actions"]),
        "policyName": params["policy_name"],
    }
    iam_call(
        step, ctx.time_ms, event, req, None, params, f"arn:aws:iam::{ctx.actor.account_id}:{kind}/{name}"
    )
    return step.result(target=name, target_type=kind, policy_name=params["policy_name"], event=event)


register(
    ActionSpec(
        name="put_inline_policy",
        summary='Write an inline policy (default Action "*") onto a user, role or group.',
        description=(
            "`PutUserPolicy` / `PutRolePolicy` / `PutGroupPolicy` (requestParameters `<kind>Name`, `policyDocument` "
            "as a JSON string, `policyName`; response null), as in the real PutRolePolicy records."
        ),
        params=params_schema(
            {
                "target_type": _TARGET,
                "target_name": {"type": "string"},
                "policy_name": {"type": "string", "default": "inline-policy"},
                "actions": {"type": ["string", "array"], "default": "*"},
                "tool": tool_param("aws-cli"),
                "denied": DENIED,
                "source_ip": IP,
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1098.003",),
        facts={"target": "name", "policy_name": "inline policy name", "event": "eventName"},
        emit=emit_put_inline_policy,
    )
)


def emit_create_policy_version(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    arn = params.get("policy_arn") or f"arn:aws:iam::{ctx.actor.account_id}:policy/{params['policy_name']}"
    version = f"v{int(params['version_number'])}"
    t = ctx.time_ms
    req = {"policyArn": arn, "policyDocument": policy_document("*"), "setAsDefault": True}
    resp = {
        "policyVersion": {
            "versionId": version,
            "isDefaultVersion": True,
            "createDate": iam_create_date(t // 1000),
        }
    }
    iam_call(step, t, "CreatePolicyVersion", req, resp, params, arn)
    return step.result(policy_arn=arn, version_id=version)


register(
    ActionSpec(
        name="create_policy_version",
        summary="Escalate by writing a new admin version of a customer-managed policy and making it the default.",
        description=(
            'One `CreatePolicyVersion` record with `setAsDefault: true` and an `Action: "*"` document — the '
            "CloudGoat/Rhino privilege-escalation path. In CIS's IAM-policy-changes filter."
        ),
        params=params_schema(
            {
                "policy_arn": {"type": "string"},
                "policy_name": {"type": "string", "default": "dba-self-service"},
                "version_number": {"type": "integer", "minimum": 2, "maximum": 5, "default": 2},
                "tool": tool_param("aws-cli"),
                "denied": DENIED,
                "source_ip": IP,
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1098.003", "T1484"),
        facts={"policy_arn": "policy changed", "version_id": "new default version"},
        emit=emit_create_policy_version,
    )
)


def emit_update_assume_role_policy(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    role = _target(ctx, "role", params["role_name"])
    outside = params["trusted_account"]
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{outside}:root"},
                "Action": "sts:AssumeRole",
            },
        ],
    }
    iam_call(
        step,
        ctx.time_ms,
        "UpdateAssumeRolePolicy",
        {"policyDocument": json.dumps(doc, indent=2), "roleName": role},
        None,
        params,
        f"arn:aws:iam::{ctx.actor.account_id}:role/{role}",
    )
    return step.result(role_name=role, trusted_account=outside)


register(
    ActionSpec(
        name="update_assume_role_policy",
        summary="Backdoor a role's trust policy so an outside account can assume it.",
        description=(
            "One `UpdateAssumeRolePolicy` record (requestParameters `policyDocument` string + `roleName`, response "
            "null), as in Stratus' iam-backdoor-role. Not in any CIS filter."
        ),
        params=params_schema(
            {
                "role_name": {"type": "string"},
                "trusted_account": {"type": "string", "pattern": r"^\d{12}$", "default": "193672423079"},
                "tool": tool_param("aws-cli"),
                "denied": DENIED,
                "source_ip": IP,
            },
            ("role_name",),
        ),
        sources=("cloudtrail",),
        techniques=("T1098.003",),
        facts={"role_name": "backdoored role", "trusted_account": "outside account now trusted"},
        emit=emit_update_assume_role_policy,
    )
)
