"""VPC flow records of a step: connections (simulator.baseline.flow_conns) cut into every covering flow log's
records by the baseline's own code (simulator.baseline.flow_records: capture intervals, both directions,
TCP flags, the log's format) and injected as ``{"flow_log_id", "line"}`` payloads (simulator.baseline.flow).

Only OK records of the step's own connections are injected (the interval's NODATA rows belong to the
baseline); a deleted flow log (simulator.actions.logstate) gets no records after its deletion.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from simulator.actions.logstate import flow_logged
from simulator.actions.records import Step
from simulator.baseline import flow_conns as fc
from simulator.baseline import flow_records
from simulator.baseline.flow import eni_table
from simulator.formats import vpcflow as vf
from simulator.world import World
from simulator.world.ids import ip_int

TCP, UDP = fc.TCP, fc.UDP


@lru_cache(maxsize=8)
def _enis(world: World) -> vf.EniTable:
    return eni_table(world)


def eni_index(world: World, eni_id: str) -> int:
    return world.enis.index_of(eni_id)


def public_eni(world: World, public_ip: str) -> int:
    """The ENI that owns a public address (instance, ALB node or NAT gateway)."""
    hits = np.flatnonzero(world.enis.public_ip == public_ip)
    if len(hits) == 0:
        raise ValueError(f"no interface of the world has public IP {public_ip}")
    return int(hits[0])


def inbound(
    world: World,
    eni: int,
    remote_ip: str,
    lport,
    rports,
    starts,
    ends,
    bytes_in,
    bytes_out,
    accept=True,
    proto: int = TCP,
) -> fc.Conns:
    """Connections from the internet to one of our interfaces (as that interface records them)."""
    n = len(starts)
    b_in = np.asarray(bytes_in, dtype=np.int64)
    b_out = np.asarray(bytes_out, dtype=np.int64)
    return fc.make(
        n,
        eni=eni,
        local=world.enis.private_ip_int[eni],
        remote=ip_int(remote_ip),
        lport=lport,
        rport=np.asarray(rports),
        proto=proto,
        inbound=True,
        start=np.asarray(starts, dtype=float),
        end=np.asarray(ends, dtype=float),
        fwd_pk=fc.packets_for(b_in, 600),
        fwd_by=b_in,
        rev_pk=np.where(accept, fc.packets_for(b_out), 0),
        rev_by=np.where(accept, b_out, 0),
        action=np.where(accept, vf.ACCEPT, vf.REJECT),
        egress_path=8 if world.enis.kind[eni] == "instance" else 2,
    )


def internal(world: World, a_eni: int, b_eni: int, b_port: int, a_ports, starts, ends, fwd, rev) -> fc.Conns:
    """A conversation between two of our interfaces (seen on both)."""
    n = len(starts)
    f, r = np.asarray(fwd, dtype=np.int64), np.asarray(rev, dtype=np.int64)
    return fc.both_sides(
        n,
        a_eni=a_eni,
        a_ip=world.enis.private_ip_int[a_eni],
        b_eni=b_eni,
        b_ip=world.enis.private_ip_int[b_eni],
        a_port=np.asarray(a_ports),
        b_port=b_port,
        proto=TCP,
        start=np.asarray(starts, dtype=float),
        end=np.asarray(ends, dtype=float),
        fwd_pk=fc.packets_for(f) + 1,
        fwd_by=f,
        rev_pk=fc.packets_for(r) + 1,
        rev_by=r,
        a_path=1,
        b_path=1,
    )


def inject(step: Step, conns: fc.Conns) -> dict[str, int]:
    """Turn connections into flow records of every flow log that covers their VPC; returns {"flow_records": n}."""
    world = step.world
    if len(conns) == 0:
        return {"flow_records": 0}
    vpcs = {str(world.enis.vpc_id[e]) for e in np.unique(conns.eni).tolist()}
    ws = int(math.floor(float(conns.start.min()) / 600) * 600)
    we = int(math.ceil(float(conns.end.max()) / 600) * 600) + 600
    total = 0
    for fl in world.flow_logs:
        if fl.resource_id not in vpcs:
            continue
        batch = flow_records.to_records(world, fl, conns, ws, we, step.rng)
        batch = batch.take(batch.log_status == vf.OK)
        fields = vf.parse_log_format(fl.log_format)
        lines = vf.render_lines(batch, _enis(world), fields).decode().splitlines()
        for line, start in zip(lines, batch.start.tolist(), strict=True):
            t_ms = int(start) * 1000
            if not flow_logged(step.ctx.state, fl.id, t_ms):
                continue
            step.add("flow", t_ms, {"flow_log_id": fl.id, "line": line}, fl.account_id, fl.region)
            total += 1
    return {"flow_records": total}
