"""Where AWS writes ALB access logs: one gzip object per load balancer node every 5 minutes.

Key (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html):
``[<prefix>/]AWSLogs/<account>/elasticloadbalancing/<region>/<yyyy>/<mm>/<dd>/
<account>_elasticloadbalancing_<region>_app.<lb-name>.<lb-id>_<end-time>_<ip-address>_<random-string>.log.gz``
- end-time ``YYYYMMDDTHHmmZ`` is the end of the 5-minute interval (``20140215T2340Z`` covers 23:35–23:40);
- ip-address is the node that handled the requests (public for an internet-facing LB, as in real
  names such as ``..._20250301T1005Z_44.218.101.212_16w3taku.log``);
- random-string: 8 lower-case letters/digits; entries one per line, no header line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from simulator.delivery.vpcflow import gzip_bytes
from simulator.formats import alb as fa

INTERVAL_US = 300 * 1_000_000
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def random_string(salt: str, node_ip: str, end_s: int) -> str:
    """8 lower-case alphanumerics, derived deterministically from the run's salt."""
    digest = hashlib.blake2b(f"{salt}|{node_ip}|{end_s}".encode(), digest_size=8).digest()
    return "".join(_ALNUM[b % 36] for b in digest)


def s3_key(
    account_id: str, region: str, elb: str, end_s: int, node_ip: str, random: str, prefix: str = ""
) -> str:
    """Object key for the interval ending at ``end_s`` (a multiple of 300) written by one node."""
    if end_s % 300:
        raise ValueError(f"end time {end_s} is not on a 5-minute boundary")
    kind, name, lb_id = elb.split("/")
    if kind != "app":
        raise ValueError(f"not an application load balancer id: {elb!r}")
    t = dt.datetime.fromtimestamp(end_s, dt.UTC)
    file = (
        f"{account_id}_elasticloadbalancing_{region}_app.{name}.{lb_id}_{t:%Y%m%dT%H%MZ}_{node_ip}_{random}.log.gz"
    )
    head = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
    return f"{head}AWSLogs/{account_id}/elasticloadbalancing/{region}/{t:%Y/%m/%d}/{file}"


@dataclass(frozen=True)
class AlbObject:
    key: str
    body: bytes
    records: int
    row_index: np.ndarray  # which AlbEntries rows went into this object, in line order


def s3_objects(
    entries: fa.AlbEntries,
    pools: fa.AlbPools,
    node: np.ndarray,
    node_ips: tuple[str, ...],
    *,
    account_id: str,
    region: str,
    prefix: str,
    salt: str,
    n_fields: int = 33,
) -> Iterator[AlbObject]:
    """Group entries by (5-minute interval of their ``time``, node) and render each group."""
    if len(entries) == 0:
        return
    slot = entries.time_us // INTERVAL_US
    order = np.lexsort((entries.time_us, node, slot))
    keys = slot[order] * 1024 + node[order]
    # render every entry once (pools are encoded once per window), then cut the text per object
    text = fa.render_lines(entries.take(order), pools, n_fields)
    ends = np.flatnonzero(np.frombuffer(text, dtype=np.uint8) == 10) + 1
    bounds = np.flatnonzero(np.diff(keys)) + 1
    for lo, hi in zip(np.r_[0, bounds].tolist(), np.r_[bounds, len(order)].tolist(), strict=True):
        idx = order[lo:hi]
        end_s = int((slot[idx[0]] + 1) * 300)
        ip = node_ips[int(node[idx[0]])]
        key = s3_key(account_id, region, pools.elb, end_s, ip, random_string(salt, ip, end_s), prefix)
        body = gzip_bytes(text[int(ends[lo - 1]) if lo else 0 : int(ends[hi - 1])])
        yield AlbObject(key=key, body=body, records=hi - lo, row_index=idx)
