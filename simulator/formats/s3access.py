"""Amazon S3 server access log records: field order, quoting and ``-`` placeholders.

Source: shared/reference/s3-access-log-format.md and
https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html
Fields in order: bucket owner, bucket, ``[06/Feb/2019:00:00:38 +0000]``, remote IP, requester, request
id, operation, key (URL-encoded) , ``"request-URI"``, HTTP status, error code, bytes sent, object
size, total time, turn-around time, ``"referer"``, ``"user-agent"``, version id, host id, signature
version, cipher suite, authentication type, host header, TLS version, access point ARN, aclRequired.
Any field may be ``-``; bytes sent is ``-`` when zero. We emit the 26-field generation (through
aclRequired) that AWS's Athena DDL reads.

Log object names (simple prefix, the default): ``<TargetPrefix>YYYY-mm-DD-HH-MM-SS-<UniqueString>``
with the delivery time in UTC and 16 upper-case hex characters (as in the real samples); the objects
are plain text, not gzip.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import dataclass

FIELD_NAMES: tuple[str, ...] = (
    "bucket_owner", "bucket", "time", "remote_ip", "requester", "request_id", "operation", "key",
    "request_uri", "http_status", "error_code", "bytes_sent", "object_size", "total_time",
    "turn_around_time", "referer", "user_agent", "version_id", "host_id", "signature_version",
    "cipher_suite", "authentication_type", "host_header", "tls_version", "access_point_arn", "acl_required",
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def log_time(epoch_ms: int) -> str:
    """``[06/Feb/2019:00:00:38 +0000]`` (second precision, always +0000)."""
    t = dt.datetime.fromtimestamp(epoch_ms // 1000, dt.UTC)
    return f"[{t.day:02d}/{_MONTHS[t.month - 1]}/{t.year}:{t:%H:%M:%S} +0000]"


def encode_key(key: str) -> str:
    """The Key field: URL-encoded, spaces as ``+`` (``Screen+Shot+2019...png``), slashes kept."""
    return urllib.parse.quote_plus(key, safe="/") if key else "-"


@dataclass(frozen=True)
class AccessRecord:
    """One access log record with every field already decided (strings; '' or None become '-')."""

    bucket_owner: str
    bucket: str
    time_ms: int
    remote_ip: str
    requester: str
    request_id: str
    operation: str
    key: str
    request_uri: str  # e.g. "GET /bucket/key HTTP/1.1" (rendered quoted), "" → bare "-"
    http_status: int
    error_code: str
    bytes_sent: int
    object_size: int  # < 0 → "-"
    total_time_ms: int
    turn_around_ms: int  # < 0 → "-"
    referer: str
    user_agent: str
    version_id: str
    host_id: str
    signature_version: str
    cipher_suite: str
    authentication_type: str
    host_header: str
    tls_version: str
    access_point_arn: str
    acl_required: str


def _d(v: str | None) -> str:
    return v if v else "-"


def render_record(r: AccessRecord) -> str:
    """One line (no newline)."""
    parts = (
        _d(r.bucket_owner), _d(r.bucket), log_time(r.time_ms), _d(r.remote_ip), _d(r.requester),
        _d(r.request_id), _d(r.operation), encode_key(r.key),
        f'"{r.request_uri}"' if r.request_uri else "-",
        str(r.http_status) if r.http_status > 0 else "-", _d(r.error_code),
        str(r.bytes_sent) if r.bytes_sent > 0 else "-",
        str(r.object_size) if r.object_size >= 0 else "-",
        str(r.total_time_ms) if r.total_time_ms >= 0 else "-",
        str(r.turn_around_ms) if r.turn_around_ms >= 0 else "-",
        f'"{_d(r.referer)}"', f'"{_d(r.user_agent)}"', _d(r.version_id), _d(r.host_id),
        _d(r.signature_version), _d(r.cipher_suite), _d(r.authentication_type), _d(r.host_header),
        _d(r.tls_version), _d(r.access_point_arn), _d(r.acl_required),
    )
    return " ".join(parts)


def render_lines(records: list[AccessRecord]) -> bytes:
    """Records as newline-terminated lines."""
    return "".join(render_record(r) + "\n" for r in records).encode("utf-8")


def log_object_key(target_prefix: str, delivery_epoch_s: int, unique: str) -> str:
    """``<TargetPrefix>YYYY-mm-DD-HH-MM-SS-<UniqueString>`` (simple prefix format, delivery time UTC)."""
    if len(unique) != 16 or any(c not in "0123456789ABCDEF" for c in unique):
        raise ValueError(f"unique string must be 16 upper-case hex characters, got {unique!r}")
    t = dt.datetime.fromtimestamp(delivery_epoch_s, dt.UTC)
    return f"{target_prefix}{t:%Y-%m-%d-%H-%M-%S}-{unique}"
