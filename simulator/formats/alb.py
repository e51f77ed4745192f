"""Application Load Balancer access log entries: every field, in order, with AWS's placeholders and quoting.

Source: shared/reference/alb-access-log-format.md and
https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
- 33 space-separated fields (``FIELDS``): the 29 of the 2023 documentation, ``conn_trace_id``
  (``TID_`` + 32 hex, as in real 2025 lines) and the three request-transform fields appended in 2025
  (``"-"`` when no transform ran). AWS appends new fields at the end and tells readers to ignore
  unknown trailing fields; ``render_lines(..., n_fields=29|30|33)`` emits an older generation.
- quoted fields: request, user_agent, trace_id, domain_name, chosen_cert_arn, actions_executed,
  redirect_url, error_reason, target:port_list, target_status_code_list, classification,
  classification_reason, transformed_host, transformed_uri, request_transform_status; ``"-"`` when absent.
- bare ``-`` for absent bare fields; ``-1`` for the three processing times when the request was not
  dispatched; times are ISO 8601 UTC with microseconds.

Records come in as :class:`AlbEntries` (columns; strings as indices into pools).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import fields as dc_fields

import numpy as np

from simulator.formats import vpcflow_bytes as vb

FIELDS: tuple[str, ...] = (
    "type", "time", "elb", "client:port", "target:port", "request_processing_time",
    "target_processing_time", "response_processing_time", "elb_status_code", "target_status_code",
    "received_bytes", "sent_bytes", "request", "user_agent", "ssl_cipher", "ssl_protocol",
    "target_group_arn", "trace_id", "domain_name", "chosen_cert_arn", "matched_rule_priority",
    "request_creation_time", "actions_executed", "redirect_url", "error_reason", "target:port_list",
    "target_status_code_list", "classification", "classification_reason", "conn_trace_id",
    "transformed_host", "transformed_uri", "request_transform_status",
)
QUOTED = frozenset({
    "request", "user_agent", "trace_id", "domain_name", "chosen_cert_arn", "actions_executed",
    "redirect_url", "error_reason", "target:port_list", "target_status_code_list", "classification",
    "classification_reason", "transformed_host", "transformed_uri", "request_transform_status",
})
TYPES = ("http", "https", "h2", "grpcs", "ws", "wss")
METHODS = ("GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "-")
HTTP_VERSIONS = ("HTTP/1.1", "HTTP/2.0", "HTTP/1.0", "-")
# OpenSSL names as ALB logs them; index 0 is the placeholder for plain-HTTP listeners
SSL_CIPHERS = (
    "-", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305",
    "ECDHE-RSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
)
SSL_PROTOCOLS = ("-", "TLSv1.2", "TLSv1.3", "TLSv1.1", "TLSv1")
# actions_executed values: the documented actions in the order the LB ran them
ACTIONS = (
    "-", "forward", "redirect", "fixed-response", "authenticate", "authenticate,forward", "authenticate,redirect",
    "authenticate,fixed-response", "waf", "waf,forward", "waf,redirect", "waf,fixed-response",
    "waf,authenticate,forward", "waf-failed,forward",
)
CLASSIFICATIONS = ("-", "Acceptable", "Ambiguous", "Severe")
NO_RULE = -9999  # matched_rule_priority rendered as bare "-"


@dataclass
class AlbEntries:
    """Columnar ALB log entries (one row per request), all arrays the same length.

    Pools (``urls``, ``user_agents``, ``redirect_urls``, ``error_reasons``, ``domains``, ``certs``,
    ``target_groups``, ``classification_reasons``) are tuples of strings; index 0 of each optional
    pool must be ``"-"``.
    """

    time_us: np.ndarray  # int64, when the LB generated the response (epoch µs)
    created_us: np.ndarray  # int64, when the LB received the request
    type: np.ndarray  # index into TYPES
    client_ip: np.ndarray  # uint32
    client_port: np.ndarray
    target_ip: np.ndarray  # uint32; ignored where target_port < 0
    target_port: np.ndarray  # -1: not dispatched → "-"
    request_processing_ms: np.ndarray  # int, -1 → "-1"
    target_processing_ms: np.ndarray
    response_processing_ms: np.ndarray
    elb_status: np.ndarray
    target_status: np.ndarray  # -1 → "-"
    received_bytes: np.ndarray
    sent_bytes: np.ndarray
    method: np.ndarray  # index into METHODS
    url: np.ndarray  # index into urls
    http_version: np.ndarray  # index into HTTP_VERSIONS
    user_agent: np.ndarray  # index into user_agents (0 = "-")
    ssl_cipher: np.ndarray  # index into SSL_CIPHERS
    ssl_protocol: np.ndarray  # index into SSL_PROTOCOLS
    target_group: np.ndarray  # index into target_groups (0 = "-")
    trace_epoch: np.ndarray  # int: the 8-hex time part of the X-Amzn-Trace-Id root (request arrival, s)
    trace_hi: np.ndarray  # uint64: 16 of the 24 random hex digits of the X-Amzn-Trace-Id root
    trace_lo: np.ndarray  # uint32: the last 8
    domain: np.ndarray  # index into domains (0 = "-")
    cert: np.ndarray  # index into certs (0 = "-")
    rule_priority: np.ndarray  # int; NO_RULE → "-"
    actions: np.ndarray  # index into ACTIONS
    redirect_url: np.ndarray  # index into redirect_urls (0 = "-")
    error_reason: np.ndarray  # index into error_reasons (0 = "-")
    classification: np.ndarray  # index into CLASSIFICATIONS
    classification_reason: np.ndarray  # index into classification_reasons (0 = "-")
    conn_hi: np.ndarray  # uint64 halves of the 32-hex conn_trace_id
    conn_lo: np.ndarray

    def __len__(self) -> int:
        return int(self.time_us.shape[0])

    def take(self, index: np.ndarray | slice) -> AlbEntries:
        return AlbEntries(**{f.name: getattr(self, f.name)[index] for f in dc_fields(self)})


@dataclass(frozen=True)
class AlbPools:
    """String pools the AlbEntries indices point into, plus the LB identity."""

    elb: str  # "app/<name>/<16 hex>"
    urls: tuple[str, ...]  # "https://host:443/path?query" exactly as the client sent it
    user_agents: tuple[str, ...]
    redirect_urls: tuple[str, ...]
    error_reasons: tuple[str, ...]
    domains: tuple[str, ...]
    certs: tuple[str, ...]
    target_groups: tuple[str, ...]
    classification_reasons: tuple[str, ...]


def _iso_us(epoch_us: np.ndarray) -> list[np.ndarray]:
    """ISO 8601 UTC with microseconds (``2018-07-02T22:23:00.186641Z``): distinct seconds formatted once."""
    secs = vb.unique_pool(epoch_us // 1_000_000,
                          lambda s: dt.datetime.fromtimestamp(s, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    return [secs, vb.const(b"."), vb.zero_padded(epoch_us % 1_000_000, 6), vb.const(b"Z")]


def _seconds(ms: np.ndarray) -> list[np.ndarray]:
    """Seconds with millisecond precision (``0.086``), ``-1`` when not applicable."""
    return [vb.unique_pool(ms, lambda m: "-1" if m < 0 else f"{m // 1000}.{m % 1000:03d}")]


def _ip_port(ip: np.ndarray, port: np.ndarray, absent: np.ndarray | None = None) -> list[np.ndarray]:
    """``ip:port``, or ``-`` on rows where ``absent``."""
    pieces = [vb.ipv4_matrix(ip, absent), vb.const(b":"), vb.int_matrix(np.where(port < 0, 0, port))]
    if absent is not None and absent.any():
        pieces[1] = vb.blank(np.broadcast_to(pieces[1], (len(ip), 1)), absent)
        pieces[2] = vb.blank(pieces[2], absent)
    return pieces


def _quoted(pieces: list[np.ndarray]) -> list[np.ndarray]:
    return [vb.const(b'"'), *pieces, vb.const(b'"')]


def _pool(strings: tuple[str, ...], index: np.ndarray) -> list[np.ndarray]:
    return [vb.pool_matrix(strings, allow_spaces=True)[index]]


def render_lines(e: AlbEntries, pools: AlbPools, n_fields: int = 33) -> bytes:
    """All entries as newline-terminated lines with the first ``n_fields`` fields.

    33 = today's format; older generations AWS wrote: 25 (through error_reason), 29 (through
    classification_reason, 2023 documentation), 30 (conn_trace_id). Vectorised: every field is a
    padded byte matrix (simulator.formats.vpcflow_bytes); no per-entry Python work.
    """
    if not 25 <= n_fields <= len(FIELDS):
        raise ValueError(f"n_fields must be between 25 and {len(FIELDS)}, got {n_fields}")
    n = len(e)
    if n == 0:
        return b""
    no_target = e.target_port < 0
    target = _ip_port(e.target_ip, e.target_port, no_target)
    target_status = [vb.int_matrix(e.target_status)]
    listed_status = [vb.int_matrix(np.where(no_target, -1, e.target_status))]
    fields: list[list[np.ndarray]] = [
        _pool(TYPES, e.type), _iso_us(e.time_us), [vb.pool_matrix((pools.elb,))[np.zeros(n, dtype=np.intp)]],
        _ip_port(e.client_ip, e.client_port), target, _seconds(e.request_processing_ms),
        _seconds(e.target_processing_ms), _seconds(e.response_processing_ms), [vb.int_matrix(e.elb_status)],
        target_status, [vb.int_matrix(e.received_bytes)], [vb.int_matrix(e.sent_bytes)],
        _quoted([*_pool(METHODS, e.method), vb.const(b" "), *_pool(pools.urls, e.url), vb.const(b" "),
                 *_pool(HTTP_VERSIONS, e.http_version)]),
        _quoted(_pool(pools.user_agents, e.user_agent)), _pool(SSL_CIPHERS, e.ssl_cipher),
        _pool(SSL_PROTOCOLS, e.ssl_protocol), _pool(pools.target_groups, e.target_group),
        _quoted([vb.const(b"Root=1-"), vb.hex_matrix(e.trace_epoch, 8), vb.const(b"-"), vb.hex_matrix(e.trace_hi, 16),
                 vb.hex_matrix(e.trace_lo, 8)]),
        _quoted(_pool(pools.domains, e.domain)), _quoted(_pool(pools.certs, e.cert)),
        [vb.unique_pool(e.rule_priority, lambda r: "-" if r == NO_RULE else str(r))], _iso_us(e.created_us),
        _quoted(_pool(ACTIONS, e.actions)), _quoted(_pool(pools.redirect_urls, e.redirect_url)),
        _quoted(_pool(pools.error_reasons, e.error_reason)), _quoted(target), _quoted(listed_status),
        _quoted(_pool(CLASSIFICATIONS, e.classification)),
        _quoted(_pool(pools.classification_reasons, e.classification_reason)),
        [vb.const(b"TID_"), vb.hex_matrix(e.conn_hi, 16), vb.hex_matrix(e.conn_lo, 16)],
        [vb.const(b'"-"')], [vb.const(b'"-"')], [vb.const(b'"-"')],
    ]
    pieces: list[np.ndarray] = []
    for k, f in enumerate(fields[:n_fields]):
        if k:
            pieces.append(vb.const(b" "))
        pieces.extend(f)
    pieces.append(vb.const(b"\n"))
    return vb.join_rows(pieces)[0]
