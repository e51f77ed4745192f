"""Denied attempts: API calls refused by IAM before (or instead of) an escalation succeeds — what CIS's
unauthorized-API-calls filter counts (errorCode *UnauthorizedOperation or AccessDenied*).

Error shapes (cloudtrail-format.md §5; real Stratus/invictus records): EC2 answers
``Client.UnauthorizedOperation`` with an encoded authorization message; IAM/STS/Organizations ``AccessDenied``
with "User: <arn> is not authorized to perform: <svc>:<Action> on resource: ... because no identity-based policy
allows ..."; S3 ``AccessDenied`` / "Access Denied"; JSON services (KMS, Secrets Manager, CloudTrail)
``AccessDeniedException``. Every denied record has responseElements null and no resources (except S3). Refused S3
requests also appear in the bucket's server access log (HTTP 403, error code AccessDenied) when it has one, and
ListObjects is a data event (only in CloudTrail when the bucket has data events).
"""

from __future__ import annotations

from collections.abc import Callable

from simulator.actions.base import ActionSpec, StepContext, StepResult, params_schema, register
from simulator.actions.records import Step, spread, tool_param
from simulator.actions.s3_requests import S3Request, bucket_for

# call name -> (eventSource, eventName, readOnly, requestParameters builder)
CALLS: dict[str, tuple[str, str, bool, Callable[[StepContext], dict | None]]] = {
    "iam:AttachUserPolicy": (
        "iam.amazonaws.com",
        "AttachUserPolicy",
        False,
        lambda c: {"userName": c.actor.user_name, "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
    ),
    "iam:CreateAccessKey": (
        "iam.amazonaws.com",
        "CreateAccessKey",
        False,
        lambda c: {"userName": c.actor.user_name},
    ),
    "iam:ListUsers": ("iam.amazonaws.com", "ListUsers", True, lambda c: None),
    "iam:CreateUser": (
        "iam.amazonaws.com",
        "CreateUser",
        False,
        lambda c: {"path": "/", "userName": "svc-backup"},
    ),
    "sts:AssumeRole": ("sts.amazonaws.com", "AssumeRole", True, lambda c: None),
    "ec2:DescribeInstances": (
        "ec2.amazonaws.com",
        "DescribeInstances",
        True,
        lambda c: {"instancesSet": {}, "filterSet": {}},
    ),
    "ec2:GetPasswordData": (
        "ec2.amazonaws.com",
        "GetPasswordData",
        True,
        lambda c: {"instanceId": c.world.instances[0].id},
    ),
    "ec2:RunInstances": (
        "ec2.amazonaws.com",
        "RunInstances",
        False,
        lambda c: {
            "instancesSet": {"items": [{"imageId": "ami-0a1b2c3d4e5f60718", "minCount": 1, "maxCount": 1}]},
            "instanceType": "t3.micro",
            "blockDeviceMapping": {},
            "monitoring": {"enabled": False},
            "disableApiTermination": False,
            "disableApiStop": False,
        },
    ),
    "cloudtrail:StopLogging": (
        "cloudtrail.amazonaws.com",
        "StopLogging",
        False,
        lambda c: {"name": c.world.trail_for(c.actor.account_id).name},
    ),
    "cloudtrail:DeleteTrail": (
        "cloudtrail.amazonaws.com",
        "DeleteTrail",
        False,
        lambda c: {"name": c.world.trail_for(c.actor.account_id).name},
    ),
    "secretsmanager:GetSecretValue": (
        "secretsmanager.amazonaws.com",
        "GetSecretValue",
        True,
        lambda c: {"secretId": (c.world.secrets.get(c.actor.account_id) or ("anybank/prod/core-db",))[0]},
    ),
    "kms:Decrypt": (
        "kms.amazonaws.com",
        "Decrypt",
        True,
        lambda c: {"encryptionAlgorithm": "SYMMETRIC_DEFAULT"},
    ),
    "s3:GetBucketPolicy": (
        "s3.amazonaws.com",
        "GetBucketPolicy",
        True,
        lambda c: {"bucketName": _bucket(c), "Host": f"{_bucket(c)}.s3.amazonaws.com", "policy": ""},
    ),
    "s3:ListBucket": (
        "s3.amazonaws.com",
        "ListObjects",
        True,
        lambda c: {
            "list-type": "2",
            "bucketName": _bucket(c),
            "encoding-type": "url",
            "prefix": "",
            "Host": f"{_bucket(c)}.s3.amazonaws.com",
        },
    ),
    "organizations:LeaveOrganization": (
        "organizations.amazonaws.com",
        "LeaveOrganization",
        False,
        lambda c: None,
    ),
}


S3_OPS = {
    "GetBucketPolicy": ("REST.GET.BUCKETPOLICY", "GET /?policy HTTP/1.1"),
    "ListObjects": ("REST.GET.BUCKET", "GET /?list-type=2&encoding-type=url HTTP/1.1"),
}
CLI_S3 = {"GetBucketPolicy": "get-bucket-policy", "ListObjects": "list-objects-v2"}


def _bucket(ctx: StepContext) -> str:
    return next(b.name for b in ctx.world.buckets if b.purpose == "customer-records")


def emit_denied_attempts(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    calls = list(params["calls"])
    unknown = [c for c in calls if c not in CALLS]
    if unknown:
        raise ValueError(f"step {ctx.step_id}: unknown calls {unknown}; known: {', '.join(sorted(CALLS))}")
    plan = [c for c in calls for _ in range(int(params["repeat"]))]
    times = spread(step, ctx.time_ms, len(plan), float(params["mean_gap_s"]), 300)
    codes: dict[str, int] = {}
    for call, t in zip(plan, times, strict=True):
        source, name, ro, build = CALLS[call]
        resource = "*"
        p = build(ctx)
        if name == "AssumeRole":
            resource = (
                ctx.world.role("DBAAccess").arn
                if any(r.name == "DBAAccess" for r in ctx.world.roles)
                else "*"
            )
        err = step.denied(source, name, resource)
        if source == "s3.amazonaws.com":  # one request, one story: CloudTrail (if logged) and the access log
            op, uri = S3_OPS[name]
            b = bucket_for(ctx, _bucket(ctx))
            S3Request(step, b, params["tool"], f"s3api.{CLI_S3[name]}", step.ip()).send(
                t, name, op, "", uri, p, data=name == "ListObjects", bytes_out=243, status=403, error=err
            )
        else:
            step.api_call(t, source, name, p, None, tool=params["tool"], error=err, read_only=ro)
        codes[err[0]] = codes.get(err[0], 0) + 1
    return step.result(
        denied_calls=len(plan), error_codes=codes, denied_events=sorted({CALLS[c][1] for c in calls})
    )


register(
    ActionSpec(
        name="denied_attempts",
        summary="API calls refused by IAM (AccessDenied / Client.UnauthorizedOperation), e.g. probing before escalating.",
        description=(
            "One record per attempt with the service's denial: `Client.UnauthorizedOperation` plus an encoded "
            "message for EC2, `AccessDenied` for IAM/STS/Organizations/S3, `AccessDeniedException` for JSON "
            "services. Known calls: " + ", ".join(f"`{c}`" for c in sorted(CALLS)) + "."
        ),
        params=params_schema(
            {
                "calls": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "string", "enum": sorted(CALLS)},
                    "default": ["iam:AttachUserPolicy"],
                },
                "repeat": {"type": "integer", "minimum": 1, "maximum": 100, "default": 1},
                "mean_gap_s": {"type": "number", "exclusiveMinimum": 0, "default": 20.0},
                "tool": tool_param("aws-cli"),
                "source_ip": {"type": "string", "format": "ipv4"},
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1069.003", "T1087.004"),
        facts={
            "denied_calls": "refused calls",
            "error_codes": "errorCode -> count",
            "denied_events": "eventNames refused",
        },
        emit=emit_denied_attempts,
    )
)
