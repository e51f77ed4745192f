"""Connections → flow records of one flow log: capture intervals, directions, TCP flags, NODATA/SKIPDATA.

AWS (https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html, flow-logs-basics):
- a record covers one 5-tuple on one interface during one aggregation interval; traffic is
  aggregated for up to 10 minutes (600 s) or 1 minute (60 s) as configured, but interfaces of Nitro
  instances always aggregate at 1 minute or less — all the world's instance types are Nitro;
- every record of an interface in one interval carries that interval's capture start/end (seconds;
  a few seconds inside the interval, as in AWS's examples);
- the reply direction is its own record; a rejected inbound packet gives only the inbound record;
- tcp-flags are OR-ed over the interval: SYN 2 / SYN-ACK 18 when the connection opened in it, FIN 1
  when it closed in it, 0 in between; other protocols 0;
- an interface with no traffic in an interval yields NODATA; rarely an interval is SKIPDATA;
- a flow log with traffic type ACCEPT or REJECT keeps only those records.
"""

from __future__ import annotations

import numpy as np

from simulator.baseline.flow_conns import TCP, Conns
from simulator.formats import vpcflow as vf
from simulator.world import FlowLogConfig, World

NITRO_INTERVAL = 60
SKIPDATA_P = 0.0005


def interval_seconds(world: World, cfg: FlowLogConfig) -> np.ndarray:
    """Aggregation interval per ENI (60 for instance interfaces, the configured value otherwise)."""
    return np.where(world.enis.kind == "instance", min(NITRO_INTERVAL, cfg.aggregation_interval),
                    cfg.aggregation_interval).astype(np.int64)


def _capture_bounds(eni: np.ndarray, k: np.ndarray, iv: np.ndarray, ws: int, we: int) -> tuple[np.ndarray, np.ndarray]:
    lo = np.maximum(k * iv, ws)
    hi = np.minimum((k + 1) * iv, we) - 1
    j1 = (eni * 7919 + k * 104_729) % 4
    j2 = (eni * 31 + k * 17) % 3
    start = np.minimum(lo + j1, hi)
    return start, np.maximum(hi - j2, start)


def to_records(world: World, cfg: FlowLogConfig, c: Conns, ws: int, we: int, rng: np.random.Generator,
               busy: np.ndarray | None = None) -> vf.FlowBatch:
    """All records of flow log ``cfg`` for the window [ws, we) seconds.

    ``busy``: further (eni << 40 | interval) codes that carry traffic (a scenario's injected records), so they
    get no NODATA.
    """
    ivs = interval_seconds(world, cfg)
    vpc_enis = np.flatnonzero(world.enis.vpc_id == cfg.resource_id)
    mine = np.isin(c.eni, vpc_enis)
    if not mine.all():
        c = Conns(**{f: getattr(c, f)[mine] for f in c.__dataclass_fields__})
    iv = ivs[c.eni]
    s = np.clip(c.start, ws, we - 1e-6)
    e = np.clip(c.end, s, we - 1e-6)
    k0 = np.floor(s / iv).astype(np.int64)
    k1 = np.floor(e / iv).astype(np.int64)
    nseg = k1 - k0 + 1
    r = np.repeat(np.arange(len(c)), nseg)
    k = k0[r] + (np.arange(len(r)) - np.repeat(np.cumsum(nseg) - nseg, nseg))
    ivr = iv[r]
    a = np.maximum(c.start[r], k * ivr)
    b = np.minimum(c.end[r], (k + 1) * ivr)
    dur = np.maximum(c.end[r] - c.start[r], 1e-3)
    frac = np.clip((b - a) / dur, 1e-6, 1.0)
    fwd_pk = np.maximum(1, np.rint(c.fwd_pk[r] * frac)).astype(np.int64)
    fwd_by = np.maximum(fwd_pk * 40, np.rint(c.fwd_by[r] * frac)).astype(np.int64)
    rev_pk = np.maximum(1, np.rint(c.rev_pk[r] * frac)).astype(np.int64)
    rev_by = np.maximum(rev_pk * 40, np.rint(c.rev_by[r] * frac)).astype(np.int64)
    tcp = c.proto[r] == TCP
    opened = k == np.floor(c.start[r] / ivr)
    closed = (k == np.floor(c.end[r] / ivr)) & (c.end[r] < we)
    reject = c.action[r] == vf.REJECT
    f_flags = np.where(tcp, np.where(opened | reject, 2, 0) | np.where(closed & ~reject, 1, 0), 0)
    r_flags = np.where(tcp, np.where(opened, 18, 0) | np.where(closed, 1, 0), 0)
    eni = c.eni[r]
    cs, ce = _capture_bounds(eni, k, ivr, ws, we)
    inb = c.inbound[r]

    def side(fwd: bool, sel: np.ndarray) -> vf.FlowBatch:
        from_remote = inb[sel] if fwd else ~inb[sel]
        rr = r[sel]
        src = np.where(from_remote, c.remote[rr], c.local[rr])
        dst = np.where(from_remote, c.local[rr], c.remote[rr])
        return vf.FlowBatch(
            eni=eni[sel], srcaddr=src, dstaddr=dst,
            srcport=np.where(from_remote, c.rport[rr], c.lport[rr]), dstport=np.where(from_remote, c.lport[rr], c.rport[rr]),
            protocol=c.proto[rr], packets=(fwd_pk if fwd else rev_pk)[sel], bytes=(fwd_by if fwd else rev_by)[sel],
            start=cs[sel], end=ce[sel], action=c.action[rr], log_status=np.zeros(len(rr), dtype=np.int64),
            tcp_flags=(f_flags if fwd else r_flags)[sel],
            pkt_srcaddr=np.where(from_remote, c.pkt_remote[rr], c.pkt_local[rr]),
            pkt_dstaddr=np.where(from_remote, c.pkt_local[rr], c.pkt_remote[rr]),
            pkt_src_aws_service=np.where(from_remote, c.remote_svc[rr], c.local_svc[rr]),
            pkt_dst_aws_service=np.where(from_remote, c.local_svc[rr], c.remote_svc[rr]),
            flow_direction=np.where(from_remote, vf.INGRESS, vf.EGRESS),
            traffic_path=np.where(from_remote, -1, c.egress_path[rr]), reject_reason=np.zeros(len(rr), dtype=np.int64),
        )

    all_rows = np.ones(len(r), dtype=bool)
    parts = [side(True, all_rows), side(False, ~reject & (c.rev_pk[r] > 0))]
    if cfg.traffic_type.upper() != "ALL":
        want = vf.ACCEPT if cfg.traffic_type.upper() == "ACCEPT" else vf.REJECT
        parts = [p.take(p.action == want) for p in parts]
    status, skipped = _nodata(vpc_enis, ivs, eni, k, ws, we, rng, busy)
    if len(skipped):  # a SKIPDATA interval really lost some of its records
        parts = [p.take(~(np.isin(p.eni * (1 << 40) + p.start // ivs[p.eni], skipped) & (rng.random(len(p)) < 0.5)))
                 for p in parts]
    return vf.FlowBatch.concat([*parts, status])


def _nodata(vpc_enis: np.ndarray, ivs: np.ndarray, eni: np.ndarray, k: np.ndarray, ws: int, we: int,
            rng: np.random.Generator, extra_busy: np.ndarray | None = None) -> tuple[vf.FlowBatch, np.ndarray]:
    """NODATA for (interface, interval) pairs without traffic; SKIPDATA for a rare few with traffic.

    Returns the status records and the (eni << 40 | interval) codes of the SKIPDATA intervals.
    """
    rows_e, rows_k = [], []
    for e in vpc_enis.tolist():
        iv = int(ivs[e])
        ks = np.arange(ws // iv, -(-we // iv), dtype=np.int64)
        rows_e.append(np.full(len(ks), e))
        rows_k.append(ks)
    all_e, all_k = np.concatenate(rows_e), np.concatenate(rows_k)
    seen = np.unique(eni * (1 << 40) + k)
    code = all_e * (1 << 40) + all_k
    busy = np.isin(code, seen)
    skip = busy & (rng.random(len(code)) < SKIPDATA_P)
    sel = ~busy | skip
    if extra_busy is not None and len(extra_busy):
        sel &= ~np.isin(code, extra_busy) | skip
    e, kk = all_e[sel], all_k[sel]
    cs, ce = _capture_bounds(e, kk, ivs[e], ws, we)
    n = len(e)
    z = np.zeros(n, dtype=np.int64)
    return vf.FlowBatch(
        eni=e, srcaddr=z.astype(np.uint32), dstaddr=z.astype(np.uint32), srcport=z, dstport=z, protocol=z, packets=z,
        bytes=z, start=cs, end=ce, action=z, log_status=np.where(busy[sel], vf.SKIPDATA, vf.NODATA), tcp_flags=z,
        pkt_srcaddr=z.astype(np.uint32), pkt_dstaddr=z.astype(np.uint32), pkt_src_aws_service=z, pkt_dst_aws_service=z,
        flow_direction=z, traffic_path=z - 1, reject_reason=z,
    ), code[skip]
