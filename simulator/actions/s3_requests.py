"""The S3 request model shared by the S3 actions: one request, one story.

Each request has one time, source IP, identity, request id and x-amz-id-2, written as a CloudTrail event (data
events only when the bucket is in the trail's data-event selector and the trail is logging) and as a server
access log line when the bucket has access logging — as the baseline's shared S3 stream does.
Shapes: cloudtrail-format.md §7 and simulator.baseline.cloudtrail_data (requestParameters bucketName/Host/key,
additionalEventData with SignatureVersion, CipherSuite, bytesTransferredIn/Out as floats, AuthenticationMethod,
x-amz-id-2; bracketed user agent); access-log fields: simulator.formats.s3access.
"""

from __future__ import annotations

import numpy as np

from simulator.actions.base import StepContext
from simulator.actions.records import S3_TLS, Step
from simulator.baseline.s3access import canonical_user_id
from simulator.formats import s3access as fs
from simulator.world import Bucket

S3 = "s3.amazonaws.com"
IP = {"type": "string", "format": "ipv4"}
CIPHER = "ECDHE-RSA-AES128-GCM-SHA256"
DEFAULT_OUTSIDE = "193672423079"  # an account outside the organisation (Stratus' sample value)


def bucket_for(ctx: StepContext, name: str | None, purpose: str = "customer-records") -> Bucket:
    w = ctx.world
    if name:
        for b in w.buckets:
            if name in (b.name, b.purpose):
                return b
        raise ValueError(
            f"step {ctx.step_id}: unknown bucket {name!r}; buckets: {', '.join(b.name for b in w.buckets)}"
        )
    return next(b for b in w.buckets if b.purpose == purpose)


def data_events_on(ctx: StepContext, b: Bucket) -> bool:
    return b.data_events and b.name in ctx.world.trail_for(b.account_id).data_event_buckets


def s3_agent(step: Step, tool: str, command: str) -> str:
    return step.agent(tool).replace("{command}", command)


class S3Request:
    """One S3 request rendered to CloudTrail (if logged) and the access log (if on)."""

    def __init__(self, step: Step, bucket: Bucket, tool: str, command: str, ip: str, vpce: str = "") -> None:
        self.step, self.bucket, self.tool, self.ip, self.vpce = step, bucket, tool, ip, vpce
        self.agent = s3_agent(step, tool, command)
        self.host = f"{bucket.name}.s3.amazonaws.com"
        self.owner = canonical_user_id(step.world, bucket.account_id)

    def send(
        self,
        t_ms: int,
        event: str,
        operation: str,
        key: str,
        uri: str,
        params: dict,
        *,
        data: bool,
        bytes_out: int = 0,
        bytes_in: int = 0,
        read_only: bool = True,
        resources: list | None = None,
        status: int = 200,
        error: tuple[str, str] | None = None,
        object_size: int = -1,
    ) -> None:
        step, b = self.step, self.bucket
        rid, xid = step.s3_request_id(), step.amz_id2()
        ctx = step.ctx
        if not data or data_events_on(ctx, b):
            extra = {
                "SignatureVersion": "SigV4",
                "CipherSuite": CIPHER,
                "bytesTransferredIn": float(bytes_in),
                "AuthenticationMethod": "AuthHeader",
                "x-amz-id-2": xid,
                "bytesTransferredOut": float(bytes_out),
            }
            rec = step.api_call(
                t_ms,
                S3,
                event,
                params,
                None,
                tool=self.tool,
                region=b.region,
                error=error,
                read_only=read_only,
                additional=extra,
                recipient=b.account_id,
                management=not data,
                request_id=rid,
                ip=self.ip,
                resources=resources
                or [{"accountId": b.account_id, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{b.name}"}],
            )
            if rec is not None:
                rec["userAgent"] = self.agent if self.tool != "console" else rec["userAgent"]
                if self.tool != "console" and not rec["userAgent"].startswith("["):
                    rec["userAgent"] = f"[{rec['userAgent']}]"
                if self.vpce:
                    rec["vpcEndpointId"] = self.vpce
        if b.access_log_bucket:
            line = fs.render_record(
                fs.AccessRecord(
                    bucket_owner=self.owner,
                    bucket=b.name,
                    time_ms=t_ms,
                    remote_ip=self.ip,
                    requester=step.actor.arn,
                    request_id=rid,
                    operation=operation,
                    key=key,
                    request_uri=uri,
                    http_status=status,
                    error_code=error[0] if error else "",
                    bytes_sent=bytes_out,
                    object_size=object_size,
                    total_time_ms=int(20 + bytes_out / 400_000 * 1000) if bytes_out else 12,
                    turn_around_ms=9,
                    referer="-",
                    user_agent=self.agent,
                    version_id="-",
                    host_id=xid,
                    signature_version="SigV4",
                    cipher_suite=CIPHER,
                    authentication_type="AuthHeader",
                    host_header=self.host,
                    tls_version=S3_TLS[0],
                    access_point_arn="-",
                    acl_required="-",
                )
            )
            step.add("s3", t_ms, line, b.account_id, b.region)


def object_sizes(rng: np.random.Generator, purpose: str, n: int) -> np.ndarray:
    median = {"customer-records": 14_000, "statements": 180_000}.get(purpose, 60_000)
    return np.maximum(400, rng.lognormal(np.log(median), 0.6, n)).astype(np.int64)
