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
    rid = np.ascontiguousarray(chars).view("<U16").reshape(n).astype(object)
    raw = rng.integers(0, 256, (n, 56), dtype=np.uint8)
    return rid, _base64_rows(raw)


_BASE64 = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", dtype=np.uint8)


def _base64_rows(raw: np.ndarray) -> np.ndarray:
    """base64.b64encode of each 56-byte row, vectorised: 18 whole 3-byte groups, then the 2-byte tail
    encoded with a zero fill byte and one "=" of padding (RFC 4648 section 4)."""
    n = raw.shape[0]
    padded = np.zeros((n, 57), dtype=np.uint32)
    padded[:, :56] = raw
    groups = padded.reshape(n, 19, 3)
    v = (groups[..., 0] << 16) | (groups[..., 1] << 8) | groups[..., 2]
    sextets = np.stack([(v >> 18) & 63, (v >> 12) & 63, (v >> 6) & 63, v & 63], axis=-1).reshape(n, 76)
    text = _BASE64[sextets]
    text[:, -1] = ord("=")
    return np.ascontiguousarray(text).view("S76").reshape(n).astype("U76").astype(object)


def _alb_block(ctx: WindowContext) -> dict[str, np.ndarray]:
    """GetObject by the app instance for every ALB request whose answer needs an S3 object (as columns)."""
    world = ctx.world
    alb = ctx.alb_requests
    if alb is None or len(alb) == 0:
        return {}
    sel = np.flatnonzero(alb.s3_bucket >= 0)
    e = alb.entries
    sent = e.sent_bytes[sel]
    bucket = alb.s3_bucket[sel]
    statements = np.array([b.purpose == "statements" for b in world.buckets], dtype=bool)[bucket]
    size = np.maximum(np.where(statements, sent - 420, 1800 + sent % 2400), 200)
    # the app fetches the object while it handles the request (kept inside this window)
    at = np.minimum(e.created_us[sel] // 1000 + np.maximum(0, e.request_processing_ms[sel]) + 2, ctx.end_ms - 1)
    by_id = {x.id: x for x in world.instances}
    targets = [by_id[i] for i in world.alb.target_groups[0].target_instance_ids]
    return humans.instance_block(world, targets, alb.target[sel], at, bucket, GET, alb.s3_key[sel], size)


def generate_s3_requests(ctx: WindowContext) -> S3Requests:
    """All S3 requests of the window (see module docstring)."""
    batch = humans.batch_block(ctx, ZoneInfo("America/New_York"))
    rows = humans.human_rows(ctx) + humans.anonymous_rows(ctx)
    return _to_columns(ctx, [_alb_block(ctx), batch, _rows_block(rows)])


_DEFAULTS = {
    "key": "", "prefix": "", "user": -1, "role": -1, "session_name": "", "service": "", "arn": "", "access_key_id": "",
    "mfa": False, "vpc_endpoint_id": "", "eni": -1, "http_status": 200, "error_code": "", "error_message": "",
    "bytes_sent": 0, "bytes_received": 0, "object_size": -1, "signature_version": "SigV4", "auth_type": "AuthHeader",
    "cipher_suite": "ECDHE-RSA-AES128-GCM-SHA256", "tls_version": "TLSv1.2",
}
_INT_COLS = {"time_ms", "bucket", "operation", "principal_type", "user", "role", "eni", "http_status", "bytes_sent",
             "bytes_received", "object_size", "total_time_ms", "turn_around_ms"}
_DRAWN = ("request_id", "host_id", "total_time_ms", "turn_around_ms")  # drawn per request once the rows are sorted
_BLOCK_FIELDS = tuple(f.name for f in dc_fields(S3Requests) if f.name not in _DRAWN)


def _column(name: str, values) -> np.ndarray:
    if name in _INT_COLS:
        return np.asarray(values, dtype=np.int64)
    return np.asarray(values, dtype=bool if name == "mfa" else object)


def _rows_block(rows: list[dict]) -> dict[str, np.ndarray]:
    """Row dicts (missing columns take _DEFAULTS) as columns."""
    if not rows:
        return {}
    block = {}
    for name in _BLOCK_FIELDS:
        default = _DEFAULTS.get(name)
        block[name] = _column(name, [r.get(name, default) for r in rows])
    return block


def filled_block(n: int, **columns) -> dict[str, np.ndarray]:
    """A block of n requests: the given columns (arrays, or one value for all) and _DEFAULTS for the rest."""
    block = {}
    for name in _BLOCK_FIELDS:
        value = columns[name] if name in columns else _DEFAULTS[name]
        block[name] = _column(name, value) if isinstance(value, np.ndarray) else _column(name, [value] * n)
    return block


def _to_columns(ctx: WindowContext, blocks: list[dict[str, np.ndarray]]) -> S3Requests:
    """Blocks in order, sorted by (time, bucket, key) (stable), plus the per-request drawn columns."""
    rng = ctx.rng("s3.ids")
    blocks = [b for b in blocks if b]
    if blocks:
        cols = {name: np.concatenate([b[name] for b in blocks]) for name in _BLOCK_FIELDS}
        key_rank = np.unique(cols["key"], return_inverse=True)[1].reshape(-1)
        order = np.lexsort((key_rank, cols["bucket"], cols["time_ms"]))
        cols = {name: col[order] for name, col in cols.items()}
    else:
        cols = {name: _column(name, []) for name in _BLOCK_FIELDS}
    n = len(cols["time_ms"])
    total = rng.lognormal(np.log(18), 0.7, n).astype(np.int64) + 1
    cols["total_time_ms"] = total + cols["bytes_sent"] // 200_000
    cols["turn_around_ms"] = np.maximum(1, (total * rng.uniform(0.5, 0.95, n)).astype(np.int64))
    cols["request_id"], cols["host_id"] = request_ids(rng, n)
    return S3Requests(**cols)


def utc(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC)
