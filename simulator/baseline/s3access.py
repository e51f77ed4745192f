"""Log source "s3": S3 server access logs for buckets with access logging on, from ``ctx.s3_requests``.

Every request row of a logged bucket becomes one access-log record with the same time, remote IP,
requester and request id as the CloudTrail data event SIM-CT renders from the same row. Requests
use virtual-hosted-style addressing (Host ``<bucket>.s3.amazonaws.com``), so the Request-URI holds
only the key (``GET /statements/2025/03/1234.pdf HTTP/1.1``), as in real logs. The bucket owner is
the owning account's canonical user id (64 hex, derived per account).
Injected lines (``ctx.injected("s3")``, payload = a formatted access-log line) go into the log object of
their bucket and delivery slot, in time order, labelled with their step (simulator.delivery.s3access).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import urllib.parse

import numpy as np

from simulator.baseline import s3requests as sr
from simulator.delivery import s3access as ds
from simulator.engine.context import WindowContext
from simulator.engine.labels import mixed_labels
from simulator.engine.output import WindowOutput, write_s3_object
from simulator.formats import s3access as fs
from simulator.world import World


def canonical_user_id(world: World, account_id: str) -> str:
    """64-hex canonical user id of an account (stable per world)."""
    return hashlib.sha256(f"{world.seed}|{world.student}|canonical|{account_id}".encode()).hexdigest()


def request_uri(op: int, key: str, prefix: str, presigned: str = "") -> str:
    """Request-URI of a virtual-hosted-style request (``presigned``: the query string of a presigned URL)."""
    method = sr.OPERATIONS[op][2]
    if op == sr.LIST:
        q = f"prefix={urllib.parse.quote(prefix, safe='')}&" if prefix else ""
        return f"{method} /?list-type=2&{q}encoding-type=url HTTP/1.1"
    query = f"?{presigned}" if presigned else ""
    return f"{method} /{urllib.parse.quote(key, safe='/')}{query} HTTP/1.1"


def presigned_query(req: sr.S3Requests, i: int, region: str) -> str:
    """SigV4 query parameters of a presigned GET, laid out as in real access-log lines (slashes kept)."""
    t = dt.datetime.fromtimestamp(int(req.time_ms[i]) // 1000 - 2, dt.UTC)
    sig = hashlib.sha256(f"{req.request_id[i]}|{req.access_key_id[i]}".encode()).hexdigest()
    return (f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={req.access_key_id[i]}/{t:%Y%m%d}/{region}/s3/aws4_request"
            f"&X-Amz-Date={t:%Y%m%dT%H%M%SZ}&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature={sig}")


def requester(req: sr.S3Requests, i: int) -> str:
    pt = int(req.principal_type[i])
    if pt == sr.ANONYMOUS:
        return "-"
    if pt == sr.AWS_SERVICE:
        return f"svc:{req.service[i]}"
    return str(req.arn[i])


def access_records(world: World, req: sr.S3Requests, rows: np.ndarray) -> list[fs.AccessRecord]:
    out = []
    for i in rows.tolist():
        b = world.buckets[int(req.bucket[i])]
        anonymous = int(req.principal_type[i]) == sr.ANONYMOUS
        out.append(fs.AccessRecord(
            bucket_owner=canonical_user_id(world, b.account_id), bucket=b.name, time_ms=int(req.time_ms[i]),
            remote_ip=str(req.source_ip[i]), requester=requester(req, i), request_id=str(req.request_id[i]),
            operation=sr.OPERATIONS[int(req.operation[i])][1], key=str(req.key[i]),
            request_uri=request_uri(int(req.operation[i]), str(req.key[i]), str(req.prefix[i]),
                                    presigned_query(req, i, b.region) if req.auth_type[i] == "QueryString" else ""),
            http_status=int(req.http_status[i]), error_code=str(req.error_code[i]),
            bytes_sent=int(req.bytes_sent[i]), object_size=int(req.object_size[i]),
            total_time_ms=int(req.total_time_ms[i]), turn_around_ms=int(req.turn_around_ms[i]),
            referer=f"https://{world.alb.domain}/" if anonymous else "-", user_agent=str(req.user_agent[i]),
            version_id="-", host_id=str(req.host_id[i]), signature_version=str(req.signature_version[i]),
            cipher_suite=str(req.cipher_suite[i]), authentication_type=str(req.auth_type[i]),
            host_header=str(req.endpoint[i]), tls_version=str(req.tls_version[i]), access_point_arn="-",
            acl_required="-",
        ))
    return out


class S3AccessSource:
    """Writes ``s3/<target bucket>/<prefix>YYYY-mm-DD-HH-MM-SS-<unique>`` objects with line-range labels."""

    name = "s3"

    def __init__(self, world: World) -> None:
        self.world = world
        self.logged = [b for b in world.buckets if b.access_log_bucket]

    def render_window(self, ctx: WindowContext) -> WindowOutput:
        req: sr.S3Requests = ctx.s3_requests
        out = WindowOutput()
        salt = f"{ctx.config.seed}|{ctx.config.student}|s3access|{ctx.index}"
        injected = self._injected_by_bucket(ctx)
        for b in self.logged:
            rows = np.flatnonzero(req.bucket == b.index)
            records = access_records(self.world, req, rows)
            for obj in ds.log_objects(records, req.time_ms[rows], b.name, b.access_log_bucket, b.access_log_prefix,
                                      salt, injected.get(b.name, ())):
                entry = write_s3_object(ctx.out_dir, obj.bucket, obj.key, obj.body, records=obj.records, source="s3")
                out.files.append(entry)
                out.labels.extend(object_labels(entry.path, obj))
                out.records += obj.records
        return out

    def _injected_by_bucket(self, ctx: WindowContext) -> dict[str, list]:
        """Injected lines per source bucket: (time ms, line bytes, Injection), in time order."""
        by_bucket: dict[str, list] = {}
        for j in sorted(ctx.injected("s3"), key=lambda x: x.time_ms):
            line = (j.payload if isinstance(j.payload, str) else j.payload.decode()).rstrip("\n")
            bucket = self.world.bucket(line.split(" ")[1])
            if not bucket.access_log_bucket:
                raise ValueError(f"injected s3 access record for bucket {bucket.name} which has no access logging")
            by_bucket.setdefault(bucket.name, []).append((j.time_ms, line.encode(), j))
        return by_bucket


def object_labels(path: str, obj: ds.AccessLogObject) -> list[bytes]:
    """Benign line ranges around the injected lines, each injected line labelled with its step."""
    return mixed_labels("s3", path, 1, obj.records, obj.injected)
