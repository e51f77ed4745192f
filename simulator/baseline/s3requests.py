"""The shared S3 request stream ``s3_requests``: every S3 API request of one window, one row each.

``generate_s3_requests(ctx) -> S3Requests`` is called lazily as ``ctx.s3_requests``. SIM-CT renders
CloudTrail S3 data events from it (buckets with ``data_events``), ``S3AccessSource`` renders server
access log lines (buckets with ``access_log_bucket``), and the flow source adds the bytes of requests
made from inside the VPC (``eni >= 0``) — one request, one story: same time, IP and identity.

Columns (numpy arrays of equal length, sorted by ``time_ms``; object arrays hold str, "" = none):
  time_ms          int64 epoch ms of the request
  bucket           int, index into world.buckets
  key              object key ("" for bucket-level operations)
  prefix           ListObjects prefix ("" otherwise)
  operation        index into OPERATIONS (CloudTrail eventName, access-log operation, HTTP method)
  principal_type   index into PRINCIPAL_TYPES: IAMUser, AssumedRole, AWSService, Anonymous
  user             index into world.users (-1 = not a user)
  role             index into world.roles (-1 = not a role session)
  session_name     role session name (instance id for instance roles), ""
  service          AWS service principal for AWSService requests, ""
  arn              requester ARN (user ARN or arn:aws:sts::<acct>:assumed-role/<role>/<session>), ""
  access_key_id    AKIA… (user long-term key) or ASIA… (session credentials), ""
  tool             console, aws-cli, boto3, sdk-java, browser
  mfa              bool, console session signed in with MFA
  source_ip        requester address as S3 sees it (private IP for requests through the VPC gateway endpoint)
  user_agent       exact user agent
  vpc_endpoint_id  vpce-… for requests through the gateway endpoint, ""
  eni              index into world.enis of the requesting interface (-1 = outside the VPC)
  http_status      int; error_code / error_message ("" on success), e.g. AccessDenied / "Access Denied"
  bytes_sent       response body bytes (0 → "-" in access logs); bytes_received request body bytes
  object_size      object size (-1 = not applicable)
  total_time_ms, turn_around_ms
  request_id       16 upper-case alphanumerics (x-amz-request-id); host_id base64 x-amz-id-2
  signature_version SigV4 or ""; auth_type AuthHeader, QueryString or ""; cipher_suite; tls_version
  endpoint         Host header, e.g. <bucket>.s3.amazonaws.com
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from dataclasses import fields as dc_fields
from zoneinfo import ZoneInfo

import numpy as np

from simulator.baseline import s3requests_humans as humans
from simulator.engine.context import WindowContext
from simulator.world import World

# (CloudTrail eventName, access-log operation, HTTP method)
OPERATIONS: tuple[tuple[str, str, str], ...] = (
    ("GetObject", "REST.GET.OBJECT", "GET"),
    ("PutObject", "REST.PUT.OBJECT", "PUT"),
    ("HeadObject", "REST.HEAD.OBJECT", "HEAD"),
    ("DeleteObject", "REST.DELETE.OBJECT", "DELETE"),
    ("ListObjects", "REST.GET.BUCKET", "GET"),  # ListObjectsV2 (list-type=2) is logged as ListObjects
)
GET, PUT, HEAD, DELETE, LIST = range(5)
PRINCIPAL_TYPES = ("IAMUser", "AssumedRole", "AWSService", "Anonymous")
IAM_USER, ASSUMED_ROLE, AWS_SERVICE, ANONYMOUS = range(4)
_ALNUM_UPPER = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))


@dataclass
class S3Requests:
    time_ms: np.ndarray
    bucket: np.ndarray
    key: np.ndarray
    prefix: np.ndarray
    operation: np.ndarray
    principal_type: np.ndarray
    user: np.ndarray
    role: np.ndarray
    session_name: np.ndarray
    service: np.ndarray
    arn: np.ndarray
    access_key_id: np.ndarray
    tool: np.ndarray
    mfa: np.ndarray
    source_ip: np.ndarray
    user_agent: np.ndarray
    vpc_endpoint_id: np.ndarray
    eni: np.ndarray
    http_status: np.ndarray
    error_code: np.ndarray
    error_message: np.ndarray
    bytes_sent: np.ndarray
    bytes_received: np.ndarray
    object_size: np.ndarray
    total_time_ms: np.ndarray
    turn_around_ms: np.ndarray
    request_id: np.ndarray
    host_id: np.ndarray
    signature_version: np.ndarray
    auth_type: np.ndarray
    cipher_suite: np.ndarray
    tls_version: np.ndarray
    endpoint: np.ndarray

    def __len__(self) -> int:
        return int(self.time_ms.shape[0])

    def take(self, index: np.ndarray) -> S3Requests:
        return S3Requests(**{f.name: getattr(self, f.name)[index] for f in dc_fields(self)})


def vpc_endpoint_id(world: World, vpc_id: str) -> str:
    """The S3 gateway endpoint of a VPC (the world does not model endpoints; derived from the VPC id)."""
    import hashlib

    return "vpce-" + hashlib.blake2b(f"{world.seed}|{vpc_id}|s3".encode(), digest_size=9).hexdigest()[:17]


def session_access_key(salt: str) -> str:
    """An ASIA… temporary key id, stable for one credential session."""
    import hashlib

    d = hashlib.blake2b(salt.encode(), digest_size=16).digest()
    return "ASIA" + "".join("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[b % 32] for b in d)


def request_ids(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(x-amz-request-id: 16 upper alphanumerics, x-amz-id-2: base64 of 56 random bytes) per request."""
    chars = _ALNUM_UPPER[rng.integers(0, len(_ALNUM_UPPER), (n, 16))]
    rid = np.array(["".join(r) for r in chars], dtype=object)
    raw = rng.integers(0, 256, (n, 56), dtype=np.uint8)
    hid = np.array([base64.b64encode(r.tobytes()).decode() for r in raw], dtype=object)
    return rid, hid


def _rows_from_alb(ctx: WindowContext) -> list[dict]:
    """GetObject by the app instance for every ALB request whose answer needs an S3 object."""
    world = ctx.world
    alb = ctx.alb_requests
    if alb is None or len(alb) == 0:
        return []
    sel = np.flatnonzero(alb.s3_bucket >= 0)
    tg = world.alb.target_groups[0]
    rows = []
    e = alb.entries
    for i in sel.tolist():
        inst_id = tg.target_instance_ids[int(alb.target[i])]
        inst = next(x for x in world.instances if x.id == inst_id)
        bucket = world.buckets[int(alb.s3_bucket[i])]
        size = int(e.sent_bytes[i]) - 420 if bucket.purpose == "statements" else 1800 + int(e.sent_bytes[i]) % 2400
        # the app fetches the object while it handles the request (kept inside this window)
        at = min(int(e.created_us[i] // 1000) + max(0, int(e.request_processing_ms[i])) + 2, ctx.end_ms - 1)
        rows.append(humans.instance_row(world, inst, at, bucket, GET, str(alb.s3_key[i]), max(size, 200)))
    return rows


def generate_s3_requests(ctx: WindowContext) -> S3Requests:
    """All S3 requests of the window (see module docstring)."""
    world = ctx.world
    rows = _rows_from_alb(ctx)
    rows += humans.batch_rows(ctx, ZoneInfo("America/New_York"))
    rows += humans.human_rows(ctx)
    rows += humans.anonymous_rows(ctx)
    return _to_columns(ctx, world, rows)


_DEFAULTS = {
    "key": "", "prefix": "", "user": -1, "role": -1, "session_name": "", "service": "", "arn": "", "access_key_id": "",
    "mfa": False, "vpc_endpoint_id": "", "eni": -1, "http_status": 200, "error_code": "", "error_message": "",
    "bytes_sent": 0, "bytes_received": 0, "object_size": -1, "signature_version": "SigV4", "auth_type": "AuthHeader",
    "cipher_suite": "ECDHE-RSA-AES128-GCM-SHA256", "tls_version": "TLSv1.2",
}
_INT_COLS = {"time_ms", "bucket", "operation", "principal_type", "user", "role", "eni", "http_status", "bytes_sent",
             "bytes_received", "object_size", "total_time_ms", "turn_around_ms"}


def _to_columns(ctx: WindowContext, world: World, rows: list[dict]) -> S3Requests:
    rng = ctx.rng("s3.ids")
    n = len(rows)
    rows.sort(key=lambda r: (r["time_ms"], r["bucket"], r.get("key", "")))
    total = rng.lognormal(np.log(18), 0.7, n).astype(np.int64) + 1
    cols: dict[str, np.ndarray] = {}
    for f in dc_fields(S3Requests):
        if f.name in ("request_id", "host_id", "total_time_ms", "turn_around_ms"):
            continue
        vals = [r.get(f.name, _DEFAULTS.get(f.name)) for r in rows]
        if f.name in _INT_COLS:
            cols[f.name] = np.array(vals, dtype=np.int64)
        elif f.name == "mfa":
            cols[f.name] = np.array(vals, dtype=bool)
        else:
            cols[f.name] = np.array(vals, dtype=object)
    big = cols.get("bytes_sent", np.zeros(0)) // 200_000
    cols["total_time_ms"] = total + big
    cols["turn_around_ms"] = np.maximum(1, (total * rng.uniform(0.5, 0.95, n)).astype(np.int64))
    cols["request_id"], cols["host_id"] = request_ids(rng, n)
    if n == 0:
        cols = {k: (np.zeros(0, dtype=np.int64) if k in _INT_COLS else np.zeros(0, dtype=object)) for k in cols}
        cols["mfa"] = np.zeros(0, dtype=bool)
        cols["request_id"] = cols["host_id"] = np.zeros(0, dtype=object)
        cols["total_time_ms"] = cols["turn_around_ms"] = np.zeros(0, dtype=np.int64)
    return S3Requests(**cols)


def utc(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC)
