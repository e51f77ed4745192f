"""S3 object actions: bulk download (data events, access-log lines and, from an instance, flow bytes through the
VPC's S3 gateway endpoint, traffic-path 7) and a server-side copy into a bucket of an outside account.

Request shapes: simulator.actions.s3_requests. REST.COPY.OBJECT_GET as the source bucket's access-log operation of
a cross-bucket copy [UNVERIFIED: recalled, not in the saved samples]; CopyObject requestParameters carry the
destination in bucketName and the source in x-amz-copy-source (S3 API reference, CopyObject).
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from simulator.actions import flows
from simulator.actions.base import ActionSpec, StepContext, StepResult, params_schema, register
from simulator.actions.records import Step, spread, tool_param
from simulator.actions.s3_requests import (
    DEFAULT_OUTSIDE,
    IP,
    S3Request,
    bucket_for,
    data_events_on,
    object_sizes,
)
from simulator.baseline.s3requests import vpc_endpoint_id


def emit_bulk_s3_download(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    b = bucket_for(ctx, params.get("bucket"))
    keys = list(b.keys)
    n = min(int(params["objects"]), len(keys))
    if n == 0:
        raise ValueError(f"step {ctx.step_id}: bucket {b.name} has no objects to download")
    picked = [str(keys[i]) for i in sorted(ctx.rng.choice(len(keys), size=n, replace=False).tolist())]
    sizes = object_sizes(ctx.rng, b.purpose, n)
    tool = params["tool"]
    inst = _instance(ctx, params.get("from_instance"))
    ip = inst.private_ip if inst else step.ip()
    # from an instance the request goes through the VPC's S3 gateway endpoint (same id as the baseline's)
    vpce = vpc_endpoint_id(ctx.world, inst.vpc_id) if inst else ""
    cmd = "s3.sync" if tool == "aws-cli" else "s3api.get-object"
    req = S3Request(step, b, tool, cmd, ip, vpce)
    t = ctx.time_ms
    prefix = ""
    for page in range(0, n, 1000):
        params_l = {
            "list-type": "2",
            "bucketName": b.name,
            "encoding-type": "url",
            "prefix": prefix,
            "Host": req.host,
        }
        req.send(
            t,
            "ListObjects",
            "REST.GET.BUCKET",
            "",
            "GET /?list-type=2&encoding-type=url HTTP/1.1",
            params_l,
            data=True,
            bytes_out=min(1000, n - page) * 310,
        )
        t += 400
    times = spread(step, t + 300, n, float(params["mean_gap_s"]), 20)
    for key, size, tt in zip(picked, sizes.tolist(), times, strict=True):
        obj = {"bucketName": b.name, "Host": req.host, "key": key}
        res = [
            {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{b.name}/{key}"},
            {"accountId": b.account_id, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{b.name}"},
        ]
        req.send(
            tt,
            "GetObject",
            "REST.GET.OBJECT",
            key,
            f"GET /{urllib.parse.quote(key, safe='/')} HTTP/1.1",
            obj,
            data=True,
            bytes_out=int(size),
            resources=res,
            object_size=int(size),
        )
    total = int(sizes.sum())
    facts: dict[str, Any] = {
        "source_ip": ip,
        "bucket": b.name,
        "objects": n,
        "bytes": total,
        "first_key": picked[0],
        "data_events": data_events_on(ctx, b),
        "access_logged": bool(b.access_log_bucket),
        "download_start": times[0],
        "download_end": times[-1],
    }
    if inst:
        e = flows.eni_index(ctx.world, inst.eni_id)
        s3_ip = f"52.216.{int(ctx.rng.integers(0, 256))}.{int(ctx.rng.integers(1, 255))}"
        conns = flows.fc.make(
            1,
            eni=e,
            local=ctx.world.enis.private_ip_int[e],
            remote=flows.ip_int(s3_ip),
            lport=int(ctx.rng.integers(32768, 61000)),
            rport=443,
            proto=flows.TCP,
            inbound=False,
            start=times[0] / 1000 - 0.5,
            end=times[-1] / 1000 + 0.5,
            fwd_pk=flows.fc.packets_for(n * 900),
            fwd_by=n * 900,
            rev_pk=flows.fc.packets_for(total),
            rev_by=total + n * 600,
            remote_svc=flows.vf.AWS_SERVICES.index("S3"),
            egress_path=7,
        )
        facts.update(flows.inject(step, conns), instance_id=inst.id)
    ctx.state.setdefault("downloads", []).append({"bucket": b.name, "bytes": total, "objects": n})
    return step.result(**facts)


def _instance(ctx: StepContext, instance: str | None):
    if not instance:
        return None
    for i in ctx.world.instances:
        if instance in (i.id, i.tier):
            return i
    raise ValueError(f"step {ctx.step_id}: unknown instance {instance!r}")


register(
    ActionSpec(
        name="bulk_s3_download",
        summary="Download many objects from a bucket (aws s3 sync): data events, access-log lines and flow bytes.",
        description=(
            "`ListObjects` then one `GetObject` per object, each written as an S3 **data event** (only when the "
            "bucket is in the trail's data-event selector and the trail is logging) and as a `REST.GET.OBJECT` "
            "server access log line (only when the bucket has access logging) with the same time, IP, requester, "
            "request id and bytes. From an instance (`from_instance`) the transfer also appears in the VPC flow "
            "logs towards S3 (traffic-path 7)."
        ),
        params=params_schema(
            {
                "bucket": {
                    "type": "string",
                    "description": "bucket name or purpose (default customer-records)",
                },
                "objects": {"type": "integer", "minimum": 1, "maximum": 5000, "default": 400},
                "mean_gap_s": {"type": "number", "exclusiveMinimum": 0, "default": 0.15},
                "from_instance": {
                    "type": "string",
                    "description": "instance id or tier the download runs on",
                },
                "tool": tool_param("aws-cli"),
                "source_ip": IP,
            }
        ),
        sources=("cloudtrail", "s3", "flow"),
        techniques=("T1530",),
        facts={
            "bucket": "bucket read",
            "objects": "objects downloaded",
            "bytes": "bytes downloaded",
            "first_key": "first object key",
            "download_start": "epoch ms of the first GetObject",
            "download_end": "epoch ms of the last GetObject",
            "data_events": "whether CloudTrail saw the reads",
            "access_logged": "whether the access log saw them",
        },
        emit=emit_bulk_s3_download,
    )
)


def emit_copy_to_external(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    b = bucket_for(ctx, params.get("bucket"))
    dest = params["destination_bucket"]
    granted = ctx.state.get("bucket_grants", {}).get(b.name, "*")
    dest_account = params.get("destination_account") or (granted if granted != "*" else DEFAULT_OUTSIDE)
    keys = list(b.keys)
    n = min(int(params["objects"]), len(keys))
    picked = [str(keys[i]) for i in sorted(ctx.rng.choice(len(keys), size=n, replace=False).tolist())]
    sizes = object_sizes(ctx.rng, b.purpose, n)
    req = S3Request(step, b, params["tool"], "s3.cp", step.ip())
    times = spread(step, ctx.time_ms, n, float(params["mean_gap_s"]), 50)
    for key, size, tt in zip(picked, sizes.tolist(), times, strict=True):
        p = {
            "bucketName": dest,
            "Host": f"{dest}.s3.amazonaws.com",
            "key": key,
            "x-amz-copy-source": f"{b.name}/{key}",
        }
        res = [
            {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{b.name}/{key}"},
            {"accountId": b.account_id, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{b.name}"},
            {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{dest}/{key}"},
            {"accountId": dest_account, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{dest}"},
        ]
        req.send(
            tt,
            "CopyObject",
            "REST.COPY.OBJECT_GET",
            key,
            f"PUT /{urllib.parse.quote(key, safe='/')} HTTP/1.1",
            p,
            data=True,
            bytes_out=0,
            resources=res,
            read_only=False,
            object_size=int(size),
        )
    return step.result(
        bucket=b.name,
        destination_bucket=dest,
        destination_account=dest_account,
        objects=n,
        bytes=int(sizes.sum()),
    )


register(
    ActionSpec(
        name="copy_to_external",
        summary="Copy objects server-side into a bucket owned by an outside account.",
        description=(
            "One `CopyObject` data event per object (destination bucket in `bucketName`, source in "
            "`x-amz-copy-source`, resources for both objects and buckets) plus a copy-source line in the source "
            "bucket's access log. No bytes cross our VPC: only S3 sees the exfiltration."
        ),
        params=params_schema(
            {
                "bucket": {"type": "string"},
                "destination_bucket": {"type": "string", "default": "backup-archive-7731"},
                "destination_account": {
                    "type": "string",
                    "pattern": r"^\d{12}$",
                    "description": "default: the account an earlier put_bucket_policy step granted",
                },
                "objects": {"type": "integer", "minimum": 1, "maximum": 5000, "default": 150},
                "mean_gap_s": {"type": "number", "exclusiveMinimum": 0, "default": 0.3},
                "tool": tool_param("aws-cli"),
                "source_ip": IP,
            }
        ),
        sources=("cloudtrail", "s3"),
        techniques=("T1537",),
        facts={
            "bucket": "source bucket",
            "destination_bucket": "outside bucket",
            "destination_account": "outside account",
            "objects": "objects copied",
            "bytes": "bytes copied",
        },
        emit=emit_copy_to_external,
    )
)
