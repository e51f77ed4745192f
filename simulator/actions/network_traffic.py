"""Traffic-only actions (VPC flow logs, no API call): a port scan of our public addresses, inbound connections
to a port (accepted only when a security group admits them — the world's rules or a port the scenario opened
with authorize_security_group_ingress), and a large outbound transfer from an instance to an unknown address
(through the NAT gateway when the instance has no public IP, as simulator.baseline.flow_traffic.via_nat models).

Security groups are stateful; a rejected inbound packet gives only the inbound record
(https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html).
"""

from __future__ import annotations

import numpy as np

from simulator.actions import flows
from simulator.actions.base import ActionSpec, StepContext, StepResult, params_schema, register
from simulator.actions.records import Step
from simulator.baseline import flow_traffic
from simulator.baseline.flow_security import _cidr, sg_allows
from simulator.world import Instance
from simulator.world.ids import ip_int

UNKNOWN_HOST = "185.159.82.41"
PORTS = (
    21,
    22,
    23,
    25,
    53,
    80,
    110,
    135,
    139,
    143,
    443,
    445,
    993,
    1433,
    1521,
    2375,
    3306,
    3389,
    5432,
    5900,
    6379,
    8080,
    8443,
    9200,
    11211,
    27017,
)


def _target(ctx: StepContext, ref: str | None) -> Instance:
    for i in ctx.world.instances:
        if (ref in (i.id, i.tier)) if ref else (i.tier == "bastion"):
            return i
    raise ValueError(f"step {ctx.step_id}: unknown instance {ref!r}")


def _allowed(ctx: StepContext, eni: int, port: int, src: str, t_ms: int) -> bool:
    if sg_allows(
        ctx.world, np.array([eni]), np.array([6]), np.array([port]), np.array([ip_int(src)], dtype=np.uint32)
    )[0]:
        return True
    sg = str(ctx.world.enis.security_group_id[eni])
    for gid, _proto, p, cidr, opened in ctx.state.get("open_ports", []):
        base, mask = _cidr(cidr)
        if gid == sg and p == port and opened <= t_ms and (ip_int(src) & mask) == base:
            return True
    return False


def emit_port_scan(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    w = ctx.world
    inst = _target(ctx, params.get("target"))
    eni = flows.eni_index(w, inst.eni_id)
    ports = list(params.get("ports") or PORTS)
    ip = step.ip()
    t0 = ctx.time_ms / 1000
    gaps = ctx.rng.exponential(float(params["mean_gap_s"]), len(ports)).cumsum()
    accept = [
        _allowed(ctx, eni, p, ip, int((t0 + g) * 1000)) for p, g in zip(ports, gaps.tolist(), strict=True)
    ]
    starts = t0 + gaps
    c = flows.inbound(
        w,
        eni,
        ip,
        np.array(ports),
        ctx.rng.integers(40000, 65000, len(ports)),
        starts,
        starts + 0.2,
        np.full(len(ports), 44),
        np.full(len(ports), 44),
        np.array(accept),
    )
    facts = flows.inject(step, c)
    return step.result(
        source_ip=ip,
        target_instance=inst.id,
        ports_probed=len(ports),
        open_ports=[p for p, a in zip(ports, accept, strict=True) if a],
        **facts,
    )


register(
    ActionSpec(
        name="port_scan",
        summary="Probe many ports of one of our public instances (flow records ACCEPT/REJECT per security group).",
        description=(
            "One short TCP attempt per port from the actor's address to the target instance (default the "
            "bastion), recorded on its interface: REJECT where no rule admits it (inbound record only), ACCEPT "
            "with the reply where one does (including ports opened earlier in the scenario)."
        ),
        params=params_schema(
            {
                "target": {"type": "string", "description": "instance id or tier (default bastion)"},
                "ports": {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 1, "maximum": 65535},
                    "default": [],
                },
                "mean_gap_s": {"type": "number", "exclusiveMinimum": 0, "default": 0.4},
                "source_ip": {"type": "string", "format": "ipv4"},
            }
        ),
        sources=("flow",),
        techniques=("T1046",),
        facts={
            "source_ip": "scanner address",
            "target_instance": "instance scanned",
            "ports_probed": "ports tried",
            "open_ports": "ports that answered",
        },
        emit=emit_port_scan,
        actor_kinds=("outsider", "iam_user", "assumed_role", "root"),
    )
)


def emit_inbound_connections(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    w = ctx.world
    inst = _target(ctx, params.get("target"))
    if not inst.public_ip:
        raise ValueError(f"step {ctx.step_id}: instance {inst.id} has no public IP to connect to")
    eni = flows.eni_index(w, inst.eni_id)
    n = int(params["sessions"])
    port = int(params["port"])
    ips = ctx.actor.source_ips
    t = (
        ctx.time_ms / 1000
        + np.concatenate([[0.0], ctx.rng.exponential(float(params["mean_gap_s"]), n - 1)]).cumsum()
    )
    dur = ctx.rng.uniform(params["min_duration_s"], params["max_duration_s"], n)
    src = [ips[k % len(ips)] for k in range(n)]
    acc = np.array(
        [_allowed(ctx, eni, port, s, int(tt * 1000)) for s, tt in zip(src, t.tolist(), strict=True)]
    )
    up = ctx.rng.integers(20_000, 400_000, n)
    down = ctx.rng.integers(80_000, int(params["max_bytes_out"]), n)
    parts = [
        flows.inbound(
            w,
            eni,
            s,
            port,
            [int(ctx.rng.integers(40000, 65000))],
            [tt],
            [tt + (d if a else 2.0)],
            [u if a else 120],
            [dn],
            np.array([a]),
        )
        for s, tt, d, a, u, dn in zip(
            src, t.tolist(), dur.tolist(), acc.tolist(), up.tolist(), down.tolist(), strict=True
        )
    ]
    facts = flows.inject(step, flows.fc.Conns.concat(parts))
    return step.result(
        source_ip=src[0],
        source_ips=sorted(set(src)),
        target_instance=inst.id,
        port=port,
        sessions=n,
        accepted=int(acc.sum()),
        rejected=int((~acc).sum()),
        first_accepted_time=int(t[acc][0] * 1000) if acc.any() else None,
        **facts,
    )


register(
    ActionSpec(
        name="inbound_connections",
        summary="Connect from the internet to a port of a public instance (e.g. SSH to the bastion).",
        description=(
            "`sessions` TCP sessions from the actor's IPs to `port` on the target's public address, recorded on "
            "its interface in every flow log of the VPC: ACCEPT with both directions and real byte counts when a "
            "security-group rule admits the source (the world's rules, or one the scenario opened before), "
            "otherwise a REJECTed inbound record."
        ),
        params=params_schema(
            {
                "target": {"type": "string", "description": "instance id or tier (default bastion)"},
                "port": {"type": "integer", "minimum": 1, "maximum": 65535, "default": 22},
                "sessions": {"type": "integer", "minimum": 1, "maximum": 500, "default": 3},
                "mean_gap_s": {"type": "number", "exclusiveMinimum": 0, "default": 90.0},
                "min_duration_s": {"type": "number", "minimum": 0, "default": 30.0},
                "max_duration_s": {"type": "number", "minimum": 1, "default": 900.0},
                "max_bytes_out": {"type": "integer", "minimum": 100_000, "default": 3_000_000},
                "source_ip": {"type": "string", "format": "ipv4"},
            }
        ),
        sources=("flow",),
        techniques=("T1133", "T1021.004"),
        facts={
            "source_ips": "client addresses",
            "target_instance": "instance reached",
            "accepted": "sessions accepted",
            "rejected": "sessions rejected",
            "first_accepted_time": "epoch ms of the first accepted session",
            "flow_records": "flow records written",
        },
        emit=emit_inbound_connections,
        actor_kinds=("outsider", "iam_user", "assumed_role", "root"),
    )
)


def emit_outbound_transfer(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    w = ctx.world
    inst = _target(ctx, params.get("source_instance") or "batch")
    eni = flows.eni_index(w, inst.eni_id)
    # default: an outsider sends to their own address, anyone else to an unknown hosting address
    dest = params.get("destination_ip") or (
        ctx.actor.source_ips[0] if ctx.actor.kind == "outsider" else UNKNOWN_HOST
    )
    nbytes = int(params["bytes"])
    start = ctx.time_ms / 1000
    end = start + max(5.0, nbytes / float(params["rate_bytes_per_s"]))
    e = np.array([eni])
    if inst.public_ip:
        c = flows.fc.make(
            1,
            eni=eni,
            local=w.enis.private_ip_int[eni],
            remote=ip_int(dest),
            lport=int(ctx.rng.integers(32768, 61000)),
            rport=int(params["port"]),
            proto=flows.TCP,
            inbound=False,
            start=start,
            end=end,
            fwd_pk=flows.fc.packets_for(nbytes, 1400),
            fwd_by=nbytes,
            rev_pk=flows.fc.packets_for(nbytes // 40),
            rev_by=nbytes // 40,
            egress_path=8,
        )
    else:
        c = flow_traffic.via_nat(
            w,
            e,
            np.array([ip_int(dest)], dtype=np.uint32),
            np.array([int(params["port"])]),
            flows.TCP,
            np.array([start]),
            np.array([end]),
            np.array([nbytes]),
            np.array([nbytes // 40]),
            0,
            ctx.rng,
        )
    facts = flows.inject(step, c)
    return step.result(
        source_ip=inst.private_ip,
        source_instance=inst.id,
        source_private_ip=inst.private_ip,
        destination_ip=dest,
        bytes=nbytes,
        port=int(params["port"]),
        transfer_start=int(start * 1000),
        transfer_end=int(end * 1000),
        **facts,
    )


register(
    ActionSpec(
        name="outbound_transfer",
        summary="A large upload from one of our instances to an unknown internet address (flow logs only).",
        description=(
            "One long TCP connection from the instance (default the batch host) to `destination_ip`, cut into "
            "capture intervals by every flow log of the VPC; through the NAT gateway (both legs, with "
            "pkt-srcaddr/pkt-dstaddr in custom formats) when the instance has no public IP."
        ),
        params=params_schema(
            {
                "source_instance": {"type": "string", "description": "instance id or tier (default batch)"},
                "destination_ip": {
                    "type": "string",
                    "format": "ipv4",
                    "description": "default: an outsider actor's own IP, else an unknown hosting address",
                },
                "port": {"type": "integer", "minimum": 1, "maximum": 65535, "default": 443},
                "bytes": {"type": "integer", "minimum": 1000, "default": 4_500_000_000},
                "rate_bytes_per_s": {"type": "number", "exclusiveMinimum": 0, "default": 12_000_000},
            }
        ),
        sources=("flow",),
        techniques=("T1048", "T1041"),
        facts={
            "source_instance": "instance sending",
            "destination_ip": "receiving address",
            "bytes": "bytes sent",
            "transfer_start": "epoch ms",
            "transfer_end": "epoch ms",
            "flow_records": "flow records written",
        },
        emit=emit_outbound_transfer,
        actor_kinds=("outsider", "iam_user", "assumed_role", "root"),
    )
)
