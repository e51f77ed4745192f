"""S3 bucket configuration actions: bucket policy (public or an outside account), ACL granting AllUsers, removal of
the bucket's public access block — each a management event plus an access-log line when the bucket logs access.

Shapes: real PutBucketPolicy / DeleteBucketPolicy records (invictus: bucketPolicy object, bucketName, Host,
policy "", additionalEventData, resources [bucket]); PutBucketAcl as the AWS S3 example (bucketName,
AccessControlPolicy, host [..], acl [""]); CloudTrail names the bucket-level public-access-block APIs
Get/Put/DeleteBucketPublicAccessBlock (as the real GetBucketPublicAccessBlock records). Access-log operations:
https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html (REST.PUT.BUCKETPOLICY, REST.PUT.ACL,
REST.DELETE.PUBLIC_ACCESS_BLOCK). CIS's S3-bucket-policy-changes filter lists PutBucketPolicy and PutBucketAcl,
not the public access block.
"""

from __future__ import annotations

from typing import Any

from simulator.actions.base import ActionSpec, StepContext, StepResult, params_schema, register
from simulator.actions.records import Step, tool_param
from simulator.actions.s3_requests import IP, S3, S3Request, bucket_for
from simulator.baseline.s3access import canonical_user_id
from simulator.world import Bucket


def _config_call(
    ctx: StepContext,
    params: dict,
    event: str,
    op: str,
    sub: str,
    uri_method: str,
    extra_params: dict,
    body_bytes: int,
) -> tuple[Step, Bucket]:
    step = Step(ctx)
    b = bucket_for(ctx, params.get("bucket"))
    cli = {"DeleteBucketPublicAccessBlock": "delete-public-access-block"}.get(event, "-".join(_words(event)))
    req = S3Request(step, b, params["tool"], f"s3api.{cli}", step.ip())
    if (
        event == "PutBucketAcl"
    ):  # the AWS S3 example's shape: bucketName, AccessControlPolicy, host [..], acl [""]
        p = {"bucketName": b.name, **extra_params, "host": [f"{b.name}.s3.amazonaws.com"], sub: [""]}
    else:
        p = {**extra_params, "bucketName": b.name, "Host": f"{b.name}.s3.amazonaws.com", sub: ""}
    err = step.denied(S3, event) if params.get("denied") else None
    req.send(
        ctx.time_ms,
        event,
        op,
        "",
        f"{uri_method} /?{sub} HTTP/1.1",
        p,
        data=False,
        bytes_in=body_bytes,
        read_only=False,
        status=403 if err else (204 if uri_method == "DELETE" else 200),
        error=err,
    )
    return step, b


def _words(name: str) -> list[str]:
    out, cur = [], ""
    for ch in name:
        if ch.isupper() and cur:
            out.append(cur.lower())
            cur = ""
        cur += ch
    return [*out, cur.lower()]


def emit_put_bucket_policy(ctx: StepContext, params: dict) -> StepResult:
    principal: Any = (
        "*" if params["grant"] == "public" else {"AWS": f"arn:aws:iam::{params['grantee_account']}:root"}
    )
    b = bucket_for(ctx, params.get("bucket"))
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowGet",
                "Effect": "Allow",
                "Principal": principal,
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [f"arn:aws:s3:::{b.name}", f"arn:aws:s3:::{b.name}/*"],
            }
        ],
    }
    step, b = _config_call(
        ctx,
        params,
        "PutBucketPolicy",
        "REST.PUT.BUCKETPOLICY",
        "policy",
        "PUT",
        {"bucketPolicy": policy},
        330,
    )
    grantee = params["grantee_account"] if params["grant"] == "account" else "*"
    if not params.get("denied"):
        ctx.state.setdefault("bucket_grants", {})[b.name] = grantee
    return step.result(bucket=b.name, grant=params["grant"], grantee_account=grantee)


_CFG = {
    "bucket": {"type": "string", "description": "bucket name or purpose (default customer-records)"},
    "tool": tool_param("aws-cli"),
    "denied": {"type": "boolean", "default": False},
    "source_ip": IP,
}

register(
    ActionSpec(
        name="put_bucket_policy",
        summary="Replace a bucket policy to make the bucket public or readable by an outside account.",
        description=(
            "One `PutBucketPolicy` management event (requestParameters `bucketPolicy` as an object, `bucketName`, "
            '`Host`, `policy: ""`; resources [bucket]) and a `REST.PUT.BUCKETPOLICY` access-log line when the '
            "bucket logs access. In CIS's S3-bucket-policy-changes filter."
        ),
        params=params_schema(
            {
                **_CFG,
                "grant": {"type": "string", "enum": ["public", "account"], "default": "public"},
                "grantee_account": {"type": "string", "pattern": r"^\d{12}$", "default": "193672423079"},
            }
        ),
        sources=("cloudtrail", "s3"),
        techniques=("T1537", "T1530"),
        facts={"bucket": "bucket changed", "grant": "public or account", "grantee_account": "who got access"},
        emit=emit_put_bucket_policy,
    )
)


def emit_put_bucket_acl(ctx: StepContext, params: dict) -> StepResult:
    b = bucket_for(ctx, params.get("bucket"))
    owner = canonical_user_id(ctx.world, b.account_id)
    acl = {
        "AccessControlPolicy": {
            "AccessControlList": {
                "Grant": [
                    {
                        "Grantee": {
                            "xsi:type": "CanonicalUser",
                            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
                            "ID": owner,
                        },
                        "Permission": "FULL_CONTROL",
                    },
                    {
                        "Grantee": {
                            "xsi:type": "Group",
                            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
                            "URI": "http://acs.amazonaws.com/groups/global/AllUsers",
                        },
                        "Permission": "READ",
                    },
                ]
            },
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
            "Owner": {"ID": owner},
        }
    }
    step, b = _config_call(ctx, params, "PutBucketAcl", "REST.PUT.ACL", "acl", "PUT", acl, 610)
    return step.result(bucket=b.name, grantee="AllUsers")


register(
    ActionSpec(
        name="put_bucket_acl",
        summary="Grant READ on a bucket to AllUsers through its ACL.",
        description=(
            "One `PutBucketAcl` management event (requestParameters `AccessControlPolicy` with an AllUsers READ "
            'grant, `bucketName`, `Host`, `acl: ""`) and a `REST.PUT.ACL` access-log line. In CIS\'s '
            "S3-bucket-policy-changes filter."
        ),
        params=params_schema(dict(_CFG)),
        sources=("cloudtrail", "s3"),
        techniques=("T1530",),
        facts={"bucket": "bucket changed", "grantee": "AllUsers"},
        emit=emit_put_bucket_acl,
    )
)


def emit_delete_public_access_block(ctx: StepContext, params: dict) -> StepResult:
    # CloudTrail names the bucket-level API DeleteBucketPublicAccessBlock, as the real GetBucketPublicAccessBlock
    step, b = _config_call(
        ctx,
        params,
        "DeleteBucketPublicAccessBlock",
        "REST.DELETE.PUBLIC_ACCESS_BLOCK",
        "publicAccessBlock",
        "DELETE",
        {},
        0,
    )
    return step.result(bucket=b.name)


register(
    ActionSpec(
        name="delete_public_access_block",
        summary="Remove a bucket's Block Public Access configuration (the step before making it public).",
        description=(
            'One `DeleteBucketPublicAccessBlock` management event (`bucketName`, `Host`, `publicAccessBlock: ""`) and a '
            "`REST.DELETE.PUBLIC_ACCESS_BLOCK` access-log line. Not in any CIS filter."
        ),
        params=params_schema(dict(_CFG)),
        sources=("cloudtrail", "s3"),
        techniques=("T1562.007",),
        facts={"bucket": "bucket changed"},
        emit=emit_delete_public_access_block,
    )
)
