"""IAM credentials for persistence: access keys and console passwords for (other) users, and new users with an
attached policy and a key.

Shapes from the real records (Stratus iam-backdoor-user, iam-create-admin-user, iam-create-user-login-profile,
iam-update-user-login-profile): IAM is global (us-east-1, host iam.amazonaws.com), IAM dates read
"Jul 10, 2023 12:24:29 PM", the secret and the password are never logged.
"""

from __future__ import annotations

from typing import Any

from simulator.actions.base import ActionSpec, StepContext, StepResult, params_schema, register
from simulator.actions.iam_common import ADMIN, DENIED, IP, JOB, iam_call, resolve_user
from simulator.actions.records import Step, spread, tool_param
from simulator.formats.cloudtrail import iam_create_date
from simulator.world import ids as wids


def emit_create_access_key(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    user = resolve_user(ctx, params.get("target_user"), params.get("target_user_job"))
    tag = next(a.id_tag for a in ctx.world.accounts if a.id == ctx.actor.account_id)
    key = wids.iam_id(ctx.rng, "AKIA", tag)
    t = ctx.time_ms
    resp = {
        "accessKey": {
            "accessKeyId": key,
            "status": "Active",
            "userName": user,
            "createDate": iam_create_date(t // 1000),
        }
    }
    arn = f"arn:aws:iam::{ctx.actor.account_id}:user/{user}"
    iam_call(step, t, "CreateAccessKey", {"userName": user}, resp, params, arn)
    if not params.get("denied"):
        ctx.state.setdefault("access_keys", {})[key] = user
    return step.result(
        access_key_id="" if params.get("denied") else key,
        target_user=user,
        for_other_user=user != ctx.actor.user_name,
        denied=bool(params.get("denied")),
    )


register(
    ActionSpec(
        name="create_access_key",
        summary="Create an access key for a user (yourself or someone else) to keep access.",
        description=(
            "One `CreateAccessKey` record (requestParameters `userName`; responseElements `accessKey` with the "
            "new `AKIA…` id, `status: Active`, `createDate` — the secret is never logged). A key for another user "
            "is a classic backdoor that the CIS filters do not cover."
        ),
        params=params_schema(
            {
                "target_user": {"type": "string", "description": "default: the actor"},
                "target_user_job": JOB,
                "tool": tool_param("aws-cli"),
                "denied": DENIED,
                "source_ip": IP,
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1098.001",),
        facts={
            "access_key_id": "the new key id",
            "target_user": "user the key belongs to",
            "for_other_user": "key created for someone else",
        },
        emit=emit_create_access_key,
    )
)


def emit_login_profile(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    user = resolve_user(ctx, params.get("target_user"), params.get("target_user_job"))
    t = ctx.time_ms
    arn = f"arn:aws:iam::{ctx.actor.account_id}:user/{user}"
    if params["update"]:
        iam_call(step, t, "UpdateLoginProfile", {"userName": user}, None, params, arn)
    else:
        req = {"passwordResetRequired": False, "userName": user}
        resp = {
            "loginProfile": {
                "passwordResetRequired": False,
                "userName": user,
                "createDate": iam_create_date(t // 1000),
            }
        }
        iam_call(step, t, "CreateLoginProfile", req, resp, params, arn)
    return step.result(target_user=user, updated=params["update"])


register(
    ActionSpec(
        name="create_login_profile",
        summary="Give a user a console password (CreateLoginProfile) or change it (UpdateLoginProfile).",
        description=(
            "`CreateLoginProfile` (requestParameters `passwordResetRequired`, `userName`; response `loginProfile`) "
            "or, with `update`, `UpdateLoginProfile` (`userName`, response null). The password is never logged."
        ),
        params=params_schema(
            {
                "target_user": {"type": "string"},
                "target_user_job": JOB,
                "update": {"type": "boolean", "default": False},
                "tool": tool_param("aws-cli"),
                "denied": DENIED,
                "source_ip": IP,
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1098.001",),
        facts={"target_user": "user whose console password was set"},
        emit=emit_login_profile,
    )
)


def emit_create_user(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    name = params["user_name"]
    acct = ctx.actor.account_id
    tag = next(a.id_tag for a in ctx.world.accounts if a.id == acct)
    uid = wids.iam_id(ctx.rng, "AIDA", tag)
    times = spread(step, ctx.time_ms, 3, 1.5, 300)
    arn = f"arn:aws:iam::{acct}:user/{name}"
    resp = {
        "user": {
            "path": "/",
            "userName": name,
            "userId": uid,
            "arn": arn,
            "createDate": iam_create_date(times[0] // 1000),
        }
    }
    iam_call(step, times[0], "CreateUser", {"path": "/", "userName": name}, resp, params)
    ctx.state.setdefault("created_users", {})[name] = uid
    facts: dict[str, Any] = {"new_user": name, "new_user_arn": arn}
    if params["attach_policy_arn"]:
        iam_call(
            step,
            times[1],
            "AttachUserPolicy",
            {"userName": name, "policyArn": params["attach_policy_arn"]},
            None,
            params,
        )
        facts["policy_arn"] = params["attach_policy_arn"]
    if params["with_access_key"]:
        key = wids.iam_id(ctx.rng, "AKIA", tag)
        iam_call(
            step,
            times[2],
            "CreateAccessKey",
            {"userName": name},
            {
                "accessKey": {
                    "accessKeyId": key,
                    "status": "Active",
                    "userName": name,
                    "createDate": iam_create_date(times[2] // 1000),
                }
            },
            params,
        )
        ctx.state.setdefault("access_keys", {})[key] = name
        facts["access_key_id"] = key
    return step.result(**facts)


register(
    ActionSpec(
        name="create_user",
        summary="Create a new IAM user, optionally with an attached policy and an access key (admin backdoor).",
        description=(
            "`CreateUser` (requestParameters `path`, `userName`; response `user` with `AIDA…` id and ARN), then "
            "optionally `AttachUserPolicy` and `CreateAccessKey` — Stratus' iam-create-admin-user sequence."
        ),
        params=params_schema(
            {
                "user_name": {"type": "string", "pattern": r"^[\w+=,.@-]{1,64}$"},
                "attach_policy_arn": {"type": "string", "default": ADMIN},
                "with_access_key": {"type": "boolean", "default": True},
                "tool": tool_param("aws-cli"),
                "source_ip": IP,
            },
            ("user_name",),
        ),
        sources=("cloudtrail",),
        techniques=("T1136.003", "T1098.003"),
        facts={
            "new_user": "name of the created user",
            "new_user_arn": "its ARN",
            "policy_arn": "policy attached",
            "access_key_id": "key created for it",
        },
        emit=emit_create_user,
    )
)
