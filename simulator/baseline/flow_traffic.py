"""Traffic components of a VPC, as connection rows (simulator.baseline.flow_conns.Conns).

- web: each customer/crawler/scanner session of ``alb_requests`` is one client connection on the
  ALB node's interface (443, or 80 for plain HTTP); ALB nodes keep two persistent connections per
  target carrying those requests to the app port, seen on the node and on the target.
- database: every app instance keeps a connection pool to the DB hosts (5432 / 3306) whose volume
  follows the requests it served; the batch host talks to the primary.
- S3: requests from ``s3_requests`` made by an instance (``eni >= 0``) go through the VPC's gateway
  endpoint to an S3 address (traffic-path 7, Nitro), same second, same instance IP.
- AWS APIs and patching through the NAT gateway: SSM / CloudWatch agents poll AWS endpoints every
  minute; the nightly patch run downloads packages from the S3-hosted repositories. Each such
  connection shows on the instance (towards the public address, traffic-path 1) and as two legs on
  the NAT gateway interface (with pkt-srcaddr / pkt-dstaddr as AWS documents).
- DNS: instances use the Amazon-provided resolver, which flow logs do not record (AWS limitation);
  the batch host's third-party agent queries public resolvers over UDP 53 through the NAT gateway.
- scanning: the internet probes every public address all the time; security groups decide
  ACCEPT/REJECT (ALB: 80/443 open; the bastion: 22 from the office only).
- admin SSH: office → bastion (22) and bastion → app (22) during New York working hours.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np

from simulator.baseline import flow_conns as fc
from simulator.baseline.alb_site import public_ipv4
from simulator.baseline.flow_security import sg_allows
from simulator.formats import vpcflow as vf
from simulator.world import World

SVC_S3 = vf.AWS_SERVICES.index("S3")
SVC_AMAZON = vf.AWS_SERVICES.index("AMAZON")
S3_BLOCKS = ((52 << 24) | (216 << 16), 15)  # 52.216.0.0/15, an S3 us-east-1 range in ip-ranges.json
AWS_API_BLOCKS = ((52 << 24) | (46 << 16) | (128 << 8), 19)  # 52.46.128.0/19 (AMAZON, us-east-1)
PUBLIC_RESOLVERS = ((8 << 24) | (8 << 16) | (8 << 8) | 8, (1 << 24) | (1 << 16) | (1 << 8) | 1)
PATCH_HOUR_LOCAL = 3
SCAN_PORTS = np.array([22, 23, 80, 443, 445, 3389, 8080, 5900, 3306, 1433, 6379, 9200, 2375, 8443, 21, 25, 5432, 111])
SCAN_PORT_P = np.array([14, 8, 9, 9, 7, 8, 6, 3, 4, 3, 4, 3, 2, 3, 3, 3, 3, 2], dtype=float)
SCANS_PER_HOUR = 150.0
BASTION_SESSIONS_PER_HOUR = 1.2
NY = ZoneInfo("America/New_York")


def _in(block: tuple[int, int], rng: np.random.Generator, n: int) -> np.ndarray:
    base, plen = block
    return (base + rng.integers(1, (1 << (32 - plen)) - 1, n)).astype(np.uint32)


def _eph(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.integers(32768, 61000, n)


def web(world: World, vpc_id: str, alb, ws: float, we: float, rng: np.random.Generator) -> fc.Conns:
    lb = world.alb
    if alb is None or len(alb) == 0 or lb.vpc_id != vpc_id:
        return fc.empty()
    e = alb.entries
    node_eni = np.array([world.enis.index_of(nd.eni_id) for nd in lb.nodes])
    node_ip = np.array([world.enis.private_ip_int[i] for i in node_eni], dtype=np.uint32)
    # client side: one connection per session
    order = np.argsort(alb.session, kind="stable")
    s = alb.session[order]
    first = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    recv = np.add.reduceat(e.received_bytes[order], first) + 700
    sent = np.add.reduceat(e.sent_bytes[order], first) + 4500
    nreq = np.diff(np.r_[first, len(s)])
    start = np.minimum.reduceat(e.created_us[order], first) / 1e6 - 0.05
    end = np.maximum.reduceat(e.time_us[order], first) / 1e6 + rng.uniform(0.05, 15, len(first))
    o = order[first]
    node = alb.node[o]
    client = fc.make(
        len(first), eni=node_eni[node], local=node_ip[node], remote=e.client_ip[o], lport=np.where(e.type[o] == 0, 80, 443),
        rport=e.client_port[o], proto=fc.TCP, inbound=True, start=np.maximum(start, ws), end=np.minimum(end, we - 1e-3),
        fwd_pk=fc.packets_for(recv) + nreq, fwd_by=recv, rev_pk=fc.packets_for(sent) + nreq, rev_by=sent, egress_path=2,
    )
    # node → target: two keep-alive connections per (node, target)
    tg = lb.target_groups[0]
    t_eni = np.array([world.enis.index_of(next(i.eni_id for i in world.instances if i.id == t))
                      for t in tg.target_instance_ids])
    t_ip = np.array([world.enis.private_ip_int[i] for i in t_eni], dtype=np.uint32)
    sel = np.flatnonzero(alb.target >= 0)
    lane = np.arange(len(sel)) % 2
    key = (alb.node[sel] * len(t_eni) + alb.target[sel]) * 2 + lane
    uk, inv = np.unique(key, return_inverse=True)
    fwd = np.bincount(inv, e.received_bytes[sel] + 180, len(uk)).astype(np.int64)
    rev = np.bincount(inv, e.sent_bytes[sel] + 120, len(uk)).astype(np.int64)
    cnt = np.bincount(inv, minlength=len(uk))
    t_start = np.full(len(uk), np.inf)
    np.minimum.at(t_start, inv, e.created_us[sel] / 1e6)
    t_end = np.zeros(len(uk))
    np.maximum.at(t_end, inv, e.time_us[sel] / 1e6)
    nd, tgt = (uk // 2) // len(t_eni), (uk // 2) % len(t_eni)
    backend = fc.both_sides(
        len(uk), a_eni=node_eni[nd], a_ip=node_ip[nd], b_eni=t_eni[tgt], b_ip=t_ip[tgt], a_port=_eph(rng, len(uk)),
        b_port=tg.port, proto=fc.TCP, start=np.maximum(t_start - 0.01, ws), end=np.minimum(t_end + 0.01, we - 1e-3),
        fwd_pk=fc.packets_for(fwd) + cnt, fwd_by=fwd, rev_pk=fc.packets_for(rev) + cnt, rev_by=rev, a_path=1, b_path=1,
    )
    return fc.Conns.concat([client, backend])


def database(world: World, vpc_id: str, alb, ws: float, we: float, rng: np.random.Generator) -> fc.Conns:
    dbs = [d for d in world.db_hosts if d.vpc_id == vpc_id]
    apps = [i for i in world.instances if i.vpc_id == vpc_id and i.tier in ("app", "batch")]
    if not dbs or not apps:
        return fc.empty()
    tg_ids = world.alb.target_groups[0].target_instance_ids
    served = np.zeros(len(apps))
    if alb is not None and len(alb):
        counts = np.bincount(alb.target[alb.target >= 0], minlength=len(tg_ids))
        served = np.array([counts[tg_ids.index(a.id)] if a.id in tg_ids else 0 for a in apps], dtype=float)
    parts = []
    minutes = (we - ws) / 60
    for ai, app in enumerate(apps):
        for d in dbs:
            pool = 4 if d.id.endswith("pg") else (2 if d.engine == "postgres" else 1)
            if app.tier == "batch":
                pool = 2 if d is dbs[0] else 0
            if pool == 0:
                continue
            share = {4: 0.7, 2: 0.2, 1: 0.1}[pool] / pool
            q = served[ai] * share * rng.uniform(0.8, 1.2, pool)
            fwd = (q * 650 + minutes * 900).astype(np.int64)
            rev = (q * 3200 + minutes * 1100).astype(np.int64)
            a_eni, b_eni = world.enis.index_of(app.eni_id), world.enis.index_of(d.eni_id)
            parts.append(fc.both_sides(
                pool, a_eni=a_eni, a_ip=world.enis.private_ip_int[a_eni], b_eni=b_eni, b_ip=world.enis.private_ip_int[b_eni],
                a_port=_eph(rng, pool), b_port=d.port, proto=fc.TCP, start=np.full(pool, ws - 30.0), end=np.full(pool, we + 30.0),
                fwd_pk=fc.packets_for(fwd, 600), fwd_by=fwd, rev_pk=fc.packets_for(rev), rev_by=rev, a_path=1, b_path=1,
            ))
    return fc.Conns.concat(parts)


def s3_endpoint(world: World, vpc_id: str, s3, ws: float, we: float, rng: np.random.Generator) -> fc.Conns:
    if s3 is None or len(s3) == 0:
        return fc.empty()
    sel = np.flatnonzero(s3.eni >= 0)
    sel = sel[world.enis.vpc_id[s3.eni[sel]] == vpc_id]
    n = len(sel)
    if n == 0:
        return fc.empty()
    start = s3.time_ms[sel] / 1000 - 0.01
    up = s3.bytes_received[sel] + 900
    down = s3.bytes_sent[sel] + 650
    return fc.make(
        n, eni=s3.eni[sel], local=world.enis.private_ip_int[s3.eni[sel]], remote=_in(S3_BLOCKS, rng, n),
        lport=_eph(rng, n), rport=443, proto=fc.TCP, inbound=False, start=np.maximum(start, ws),
        end=np.minimum(start + s3.total_time_ms[sel] / 1000 + 0.05, we - 1e-3), fwd_pk=fc.packets_for(up),
        fwd_by=up, rev_pk=fc.packets_for(down), rev_by=down, remote_svc=SVC_S3, egress_path=7,
    )


def via_nat(world: World, inst_eni: np.ndarray, remote: np.ndarray, rport: np.ndarray, proto: int,
            start: np.ndarray, end: np.ndarray, up: np.ndarray, down: np.ndarray, svc: int,
            rng: np.random.Generator) -> fc.Conns:
    """Instance → internet through its AZ's NAT gateway: the instance row plus the NAT's two legs."""
    n = len(inst_eni)
    if n == 0:
        return fc.empty()
    nat_of = {}
    for e in np.unique(inst_eni).tolist():
        vpc, az = world.enis.vpc_id[e], world.enis.az[e]
        cands = [g for g in world.nat_gateways if g.vpc_id == vpc]
        g = next((g for g in cands if g.az == az), cands[0])
        nat_of[e] = world.enis.index_of(g.eni_id)
    nat_eni = np.array([nat_of[e] for e in inst_eni.tolist()], dtype=np.int64)
    inst_ip = world.enis.private_ip_int[inst_eni]
    nat_ip = world.enis.private_ip_int[nat_eni]
    sport = _eph(rng, n)
    pk_up, pk_down = fc.packets_for(up, 900), fc.packets_for(down)
    common = dict(proto=proto, start=start, end=end, fwd_pk=pk_up, fwd_by=up, rev_pk=pk_down, rev_by=down)
    on_inst = fc.make(n, eni=inst_eni, local=inst_ip, remote=remote, lport=sport, rport=rport, inbound=False,
                      remote_svc=svc, egress_path=1, **common)
    leg_in = fc.make(n, eni=nat_eni, local=nat_ip, remote=inst_ip, pkt_local=remote, pkt_remote=inst_ip, lport=rport,
                     rport=sport, inbound=True, local_svc=svc, egress_path=1, **common)
    leg_out = fc.make(n, eni=nat_eni, local=nat_ip, remote=remote, lport=rng.integers(1024, 65535, n), rport=rport,
                      inbound=False, remote_svc=svc, egress_path=2, **common)
    return fc.Conns.concat([on_inst, leg_in, leg_out])


def agents_and_patching(world: World, vpc_id: str, ws: float, we: float, rng: np.random.Generator) -> fc.Conns:
    insts = [i for i in world.instances if i.vpc_id == vpc_id]
    if not insts or not any(g.vpc_id == vpc_id for g in world.nat_gateways):
        return fc.empty()
    enis = np.array([world.enis.index_of(i.eni_id) for i in insts])
    per = rng.poisson(2 * (we - ws) / 60, len(enis))  # SSM + CloudWatch agent calls, ~2 a minute
    eni = np.repeat(enis, per)
    n = len(eni)
    start = rng.uniform(ws, we - 1, n)
    parts = [via_nat(world, eni, _in(AWS_API_BLOCKS, rng, n), np.full(n, 443), fc.TCP, start,
                     np.minimum(start + rng.exponential(2.0, n) + 0.05, we - 1e-3), rng.integers(1500, 6000, n),
                     rng.integers(2500, 9000, n), SVC_AMAZON, rng)]
    day = dt.datetime.fromtimestamp(ws, NY).date()
    run = dt.datetime(day.year, day.month, day.day, PATCH_HOUR_LOCAL, tzinfo=NY).timestamp()
    m = len(enis)
    p_start = run + rng.uniform(0, 900, m)
    hit = (p_start >= ws) & (p_start < we)
    if hit.any():
        k = int(hit.sum())
        ps = p_start[hit]
        parts.append(via_nat(world, enis[hit], _in(S3_BLOCKS, rng, k), np.full(k, 443), fc.TCP, ps,
                             np.minimum(ps + rng.uniform(20, 120, k), we - 1e-3), rng.integers(40_000, 400_000, k),
                             rng.integers(20_000_000, 180_000_000, k), SVC_S3, rng))
    batch = [world.enis.index_of(i.eni_id) for i in insts if i.tier == "batch"]
    if batch:
        q = rng.poisson((we - ws) / 20)
        qs = rng.uniform(ws, we - 1, q)
        parts.append(via_nat(world, np.full(q, batch[0]), np.array(PUBLIC_RESOLVERS, dtype=np.uint32)[rng.integers(0, 2, q)],
                             np.full(q, 53), fc.UDP, qs, qs + 0.03, rng.integers(60, 90, q), rng.integers(90, 300, q), 0, rng))
    return fc.Conns.concat(parts)


def scanning(world: World, vpc_id: str, ws: float, we: float, rng: np.random.Generator) -> fc.Conns:
    pub = np.flatnonzero((world.enis.vpc_id == vpc_id) & (world.enis.public_ip != "") & (world.enis.kind != "nat"))
    if len(pub) == 0:
        return fc.empty()
    per = rng.poisson(SCANS_PER_HOUR * (we - ws) / 3600, len(pub))
    eni = np.repeat(pub, per)
    n = len(eni)
    src = public_ipv4(rng, n)
    port = SCAN_PORTS[rng.choice(len(SCAN_PORTS), n, p=SCAN_PORT_P / SCAN_PORT_P.sum())]
    u = rng.random(n)
    proto = np.where(u < 0.9, fc.TCP, np.where(u < 0.96, fc.UDP, fc.ICMP))
    port = np.where(proto == fc.ICMP, 0, np.where(proto == fc.UDP, rng.choice([53, 123, 161, 1900, 5060], n), port))
    sport = np.where(proto == fc.ICMP, 0, rng.integers(1024, 65535, n))
    allowed = sg_allows(world, eni, proto, port, src)
    start = rng.uniform(ws, we - 1, n)
    tries = rng.integers(1, 3, n)
    size = np.where(proto == fc.ICMP, 84, np.where(proto == fc.UDP, rng.integers(40, 120, n), 44))
    return fc.make(
        n, eni=eni, local=world.enis.private_ip_int[eni], remote=src, lport=port, rport=sport, proto=proto, inbound=True,
        start=start, end=np.minimum(start + tries - 1, we - 1e-3), fwd_pk=tries + allowed, fwd_by=size * tries + 40 * allowed,
        rev_pk=np.where(allowed, 1, 0), rev_by=np.where(allowed, 44, 0), action=np.where(allowed, 0, 1), egress_path=2,
    )


def admin_ssh(world: World, vpc_id: str, ws: float, we: float, rng: np.random.Generator) -> fc.Conns:
    bastion = next((i for i in world.instances if i.vpc_id == vpc_id and i.tier == "bastion"), None)
    apps = [i for i in world.instances if i.vpc_id == vpc_id and i.tier == "app"]
    local = dt.datetime.fromtimestamp(ws, NY)
    if bastion is None or not apps or local.weekday() >= 5 or not 8 <= local.hour < 18:
        return fc.empty()
    n = rng.poisson(BASTION_SESSIONS_PER_HOUR * (we - ws) / 3600)
    if n == 0:
        return fc.empty()
    b = world.enis.index_of(bastion.eni_id)
    office = np.array([_ip(x) for x in world.office_egress_ips], dtype=np.uint32)[rng.integers(0, len(world.office_egress_ips), n)]
    start = rng.uniform(ws, we - 60, n)
    end = start + rng.uniform(120, 2400, n)
    up, down = rng.integers(20_000, 400_000, n), rng.integers(80_000, 3_000_000, n)
    inbound = fc.make(n, eni=b, local=world.enis.private_ip_int[b], remote=office, lport=22, rport=rng.integers(49152, 65535, n),
                      proto=fc.TCP, inbound=True, start=start, end=end, fwd_pk=fc.packets_for(up, 200), fwd_by=up,
                      rev_pk=fc.packets_for(down, 400), rev_by=down, egress_path=8)
    tgt = np.array([world.enis.index_of(apps[k].eni_id) for k in rng.integers(0, len(apps), n)])
    hop = fc.both_sides(n, a_eni=b, a_ip=world.enis.private_ip_int[b], b_eni=tgt, b_ip=world.enis.private_ip_int[tgt],
                        a_port=_eph(rng, n), b_port=22, proto=fc.TCP, start=start + 5, end=end - 5, fwd_pk=fc.packets_for(up, 200),
                        fwd_by=up, rev_pk=fc.packets_for(down, 400), rev_by=down, a_path=1, b_path=1)
    return fc.Conns.concat([inbound, hop])


def _ip(text: str) -> int:
    a, b, c, d = (int(x) for x in text.split("."))
    return (a << 24) | (b << 16) | (c << 8) | d


def vpc_connections(world: World, vpc_id: str, alb, s3, ws: float, we: float, rng_for) -> fc.Conns:
    """All connection rows of one VPC in [ws, we) seconds; ``rng_for(name)`` gives the window's streams."""
    return fc.Conns.concat([
        web(world, vpc_id, alb, ws, we, rng_for("flow.web")),
        database(world, vpc_id, alb, ws, we, rng_for("flow.db")),
        s3_endpoint(world, vpc_id, s3, ws, we, rng_for("flow.s3")),
        agents_and_patching(world, vpc_id, ws, we, rng_for("flow.nat")),
        scanning(world, vpc_id, ws, we, rng_for("flow.scan")),
        admin_ssh(world, vpc_id, ws, we, rng_for("flow.ssh")),
    ])
