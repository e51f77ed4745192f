"""VPC flow baseline: traffic correlates with the world (ENIs, security groups, ALB and S3 requests)."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import numpy as np
import orjson
import pytest

from simulator.baseline import flow_records, flow_traffic
from simulator.baseline.flow import FlowSource, az_id
from simulator.engine.context import RunConfig, WindowContext
from simulator.engine.run import run
from simulator.formats import vpcflow as vf
from simulator.world import build_world


@pytest.fixture(scope="module")
def world():
    return build_world(seed=7, student=None, scale=100)


def _ctx(world, tmp: Path, hour: int = 15, student: str | None = None) -> WindowContext:
    cfg = RunConfig(seed=7, student=student, start=dt.datetime(2026, 3, 3, hour, 0, tzinfo=dt.UTC), duration_seconds=3600)
    return WindowContext(world, cfg, 0, tmp)


def _records(world, ctx, cfg) -> vf.FlowBatch:
    ws, we = ctx.start_ms // 1000, ctx.end_ms // 1000
    conns = flow_traffic.vpc_connections(world, cfg.resource_id, ctx.alb_requests, ctx.s3_requests, ws, we, ctx.rng)
    return flow_records.to_records(world, cfg, conns, ws, we, ctx.rng(f"flow.records.{cfg.id}"))


def _prod_cwl(world):
    return next(f for f in world.flow_logs if f.destination == "cloud-watch-logs" and f.resource_id == world.alb.vpc_id)


def test_s3_requests_from_instances_show_as_flows_at_the_same_time(world, tmp_path):
    ctx = _ctx(world, tmp_path)
    b = _records(world, ctx, _prod_cwl(world))
    s3 = ctx.s3_requests
    inside = np.flatnonzero(s3.eni >= 0)
    assert len(inside) > 10
    ok = b.log_status == vf.OK
    for i in inside.tolist():
        e, t = int(s3.eni[i]), int(s3.time_ms[i]) // 1000
        # the record of the 60-second capture interval (Nitro) that contains the request
        hit = ok & (b.eni == e) & (b.dstport == 443) & (b.traffic_path == 7) & (b.start // 60 == t // 60)
        assert hit.any(), (s3.source_ip[i], t)
        assert (b.srcaddr[hit] == world.enis.private_ip_int[e]).all()
        assert (b.pkt_dst_aws_service[hit] == vf.AWS_SERVICES.index("S3")).all()


def test_alb_sessions_show_on_node_interfaces_and_reach_targets(world, tmp_path):
    ctx = _ctx(world, tmp_path)
    b = _records(world, ctx, _prod_cwl(world))
    alb = ctx.alb_requests
    node_enis = [world.enis.index_of(n.eni_id) for n in world.alb.nodes]
    ingress = (b.flow_direction == vf.INGRESS) & np.isin(b.eni, node_enis) & np.isin(b.dstport, (80, 443))
    clients = set(b.srcaddr[ingress].tolist())
    assert set(alb.entries.client_ip.tolist()) <= clients
    tg = world.alb.target_groups[0]
    target_enis = [world.enis.index_of(next(i.eni_id for i in world.instances if i.id == t)) for t in tg.target_instance_ids]
    to_app = (b.flow_direction == vf.INGRESS) & np.isin(b.eni, target_enis) & (b.dstport == tg.port)
    assert set(b.srcaddr[to_app].tolist()) <= {world.enis.private_ip_int[e] for e in node_enis}
    assert to_app.sum() > 0


def test_rejects_only_where_security_groups_deny(world, tmp_path):
    ctx = _ctx(world, tmp_path)
    b = _records(world, ctx, _prod_cwl(world))
    rej = (b.action == vf.REJECT) & (b.log_status == vf.OK)
    assert rej.sum() > 20
    assert set(world.enis.kind[b.eni[rej]].tolist()) <= {"alb", "instance"}
    assert (world.enis.public_ip[b.eni[rej]] != "").all()
    assert (b.flow_direction[rej] == vf.INGRESS).all()
    alb_eni = world.enis.kind[b.eni] == "alb"
    assert not (rej & alb_eni & (b.protocol == 6) & np.isin(b.dstport, (80, 443))).any()
    bastion = world.enis.tier[b.eni] == "bastion"
    scan_22 = rej & bastion & (b.dstport == 22)
    office = {int.from_bytes(bytes(map(int, ip.split("."))), "big") for ip in world.office_egress_ips}
    assert not set(b.srcaddr[scan_22].tolist()) & office


def test_intervals_nitro_nodata_flags(world, tmp_path):
    ctx = _ctx(world, tmp_path, hour=8)
    s3_log = next(f for f in world.flow_logs if f.destination == "s3")
    b = _records(world, ctx, s3_log)
    inst = world.enis.kind[b.eni] == "instance"
    span = b.end - b.start
    assert (span[inst] < 60).all() and (span >= 0).all() and (span < s3_log.aggregation_interval).all()
    assert (span[~inst] > 60).any()
    assert set(np.unique(b.tcp_flags[(b.protocol == 6) & (b.log_status == vf.OK)]).tolist()) <= {0, 1, 2, 3, 18, 19}
    assert (b.tcp_flags[(b.protocol != 6) & (b.log_status == vf.OK)] == 0).all()
    vpc = np.flatnonzero(world.enis.vpc_id == s3_log.resource_id)
    assert set(np.unique(b.eni).tolist()) == set(vpc.tolist())
    # the quiet dev VPC has intervals without traffic: NODATA records
    dev = next(f for f in world.flow_logs if f.resource_id != world.alb.vpc_id)
    b = _records(world, ctx, dev)
    nodata = b.log_status == vf.NODATA
    assert nodata.any()
    enis = vf.EniTable(**{k: tuple(v) for k, v in FlowSource(world).enis.__dict__.items() if k != "matrices"})
    lines = vf.render_lines(b.take(np.flatnonzero(nodata)[:5]), enis).decode().splitlines()
    for line in lines:
        t = line.split(" ")
        assert t[3:10] == ["-"] * 7 and t[12:] == ["-", "NODATA"]


def test_source_writes_labelled_files_and_is_deterministic(world, tmp_path):
    out1 = FlowSource(world).render_window(_ctx(world, tmp_path / "a"))
    out2 = FlowSource(world).render_window(_ctx(world, tmp_path / "b"))
    assert [f.sha256 for f in out1.files] == [f.sha256 for f in out2.files]
    assert out1.records == sum(f.records for f in out1.files) > 1000
    for f, label in zip(out1.files, out1.labels, strict=True):
        lab = orjson.loads(label)
        lines = gzip.decompress((tmp_path / "a" / f.path).read_bytes()).decode().splitlines()
        assert lab["file"] == f.path and lab["label"] == "benign" and lab["last_line"] == len(lines)
        if f.kind == "s3":
            assert lab["first_line"] == 2 and lines[0].startswith("version ")
        else:
            assert lab["first_line"] == 1
            ev = [orjson.loads(x) for x in lines]
            assert [e["timestamp"] for e in ev] == sorted(e["timestamp"] for e in ev)
            assert f.log_stream.endswith("-all") and all(e["message"].split(" ")[2] + "-all" == f.log_stream for e in ev)
    other = FlowSource(world).render_window(_ctx(world, tmp_path / "c", student="s2"))
    assert [f.sha256 for f in other.files] != [f.sha256 for f in out1.files]


def test_cloudwatch_fast_path_equals_shared_writer(world, tmp_path):
    from simulator.delivery import cloudwatch
    from simulator.delivery import vpcflow as dv

    ctx = _ctx(world, tmp_path)
    cfg = _prod_cwl(world)
    b = _records(world, ctx, cfg)
    src = FlowSource(world)
    fields = src.fields[cfg.id]
    slow = {s: cloudwatch.encode_events(ts, lines) for s, ts, lines in dv.cloudwatch_events(b, src.enis, fields)}
    fast = {s: blob for s, blob, _ in dv.cloudwatch_jsonl(b, src.enis, fields)}
    assert slow == fast and len(fast) > 3


def test_az_ids_are_stable_per_account(world):
    a = az_id(world, "111111111111", "us-east-1a")
    assert a == az_id(world, "111111111111", "us-east-1a") and a.startswith("use1-az")
    assert az_id(world, "111111111111", "us-east-1b") != a


def test_engine_run_flow_alb_s3(tmp_path):
    cfg = RunConfig(seed=2, start=dt.datetime(2026, 3, 4, 14, 0, tzinfo=dt.UTC), duration_seconds=7200, scale=40,
                    sources=("flow", "alb", "s3"))
    res = run(cfg, tmp_path / "ds")
    assert not res.unavailable and all(res.records[s] > 0 for s in ("flow", "alb", "s3"))
    manifest = orjson.loads((tmp_path / "ds" / "manifest.json").read_bytes())
    assert manifest
    labelled = {}
    for path in (tmp_path / "ds" / "labels").rglob("*.jsonl.gz"):
        for line in gzip.decompress(path.read_bytes()).splitlines():
            lab = orjson.loads(line)
            labelled[lab["file"]] = labelled.get(lab["file"], 0) + lab["last_line"] - lab["first_line"] + 1
    data_files = [p for p in (tmp_path / "ds").rglob("*") if p.is_file() and p.parts[len(tmp_path.parts) + 1] in ("s3", "cloudwatch")]
    for p in data_files:
        rel = p.relative_to(tmp_path / "ds").as_posix()
        raw = p.read_bytes()
        text = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        n = text.count(b"\n") - (1 if "vpcflowlogs" in rel else 0)
        assert labelled.get(rel) == n, rel


def test_security_group_evaluation(world):
    from simulator.baseline.flow_security import sg_allows

    def ip(text: str) -> int:
        return int.from_bytes(bytes(map(int, text.split("."))), "big")

    node = world.enis.index_of(world.alb.nodes[0].eni_id)
    bastion = world.enis.index_of(next(i.eni_id for i in world.instances if i.tier == "bastion"))
    app = world.enis.index_of(next(i.eni_id for i in world.instances if i.tier == "app" and i.vpc_id == world.alb.vpc_id))
    db = world.enis.index_of(world.db_hosts[0].eni_id)
    cases = [
        (node, 6, 443, ip("8.8.4.4"), True), (node, 6, 22, ip("8.8.4.4"), False), (node, 1, 0, ip("8.8.4.4"), False),
        (bastion, 6, 22, ip(world.office_egress_ips[0]), True), (bastion, 6, 22, ip("8.8.4.4"), False),
        (app, 6, 8080, int(world.enis.private_ip_int[node]), True), (app, 6, 8080, ip("8.8.4.4"), False),
        (db, 6, world.db_hosts[0].port, int(world.enis.private_ip_int[app]), True),
        (db, 6, world.db_hosts[0].port, int(world.enis.private_ip_int[node]), False),
    ]
    got = sg_allows(world, np.array([c[0] for c in cases]), np.array([c[1] for c in cases]),
                    np.array([c[2] for c in cases]), np.array([c[3] for c in cases], dtype=np.uint32))
    assert got.tolist() == [c[4] for c in cases]


def test_every_accepted_inbound_connection_is_allowed_by_its_security_group(world, tmp_path):
    from simulator.baseline.flow_security import sg_allows

    ctx = _ctx(world, tmp_path)
    c = flow_traffic.vpc_connections(world, world.alb.vpc_id, ctx.alb_requests, ctx.s3_requests,
                                     ctx.start_ms // 1000, ctx.end_ms // 1000, ctx.rng)
    has_sg = world.enis.security_group_id[c.eni] != ""
    sel = c.inbound & has_sg
    allowed = sg_allows(world, c.eni[sel], c.proto[sel], c.lport[sel], c.remote[sel])
    assert ((c.action[sel] == vf.ACCEPT) == allowed).all()


def test_traffic_type_filter(world, tmp_path):
    import dataclasses

    ctx = _ctx(world, tmp_path)
    base = _prod_cwl(world)
    for tt, keep in (("REJECT", vf.REJECT), ("ACCEPT", vf.ACCEPT)):
        b = _records(world, ctx, dataclasses.replace(base, traffic_type=tt))
        ok = b.log_status == vf.OK
        assert ok.any() and (b.action[ok] == keep).all()


def test_injected_flow_records_are_written_and_labelled(world, tmp_path):
    from simulator.engine.context import Injection
    from simulator.engine.run import route_injections

    s3_log = next(f for f in world.flow_logs if f.destination == "s3")
    t0 = int(dt.datetime(2026, 3, 3, 15, 7, tzinfo=dt.UTC).timestamp())
    line = f"2 {s3_log.account_id} eni-0123456789abcdef0 10.10.0.9 198.51.100.77 44321 4444 6 90 800000 {t0} {t0 + 50} ACCEPT OK"
    inj = Injection("flow", t0 * 1000 + 50_000, line, "exfil", "s1", "T1048")
    cfg = RunConfig(seed=7, start=dt.datetime(2026, 3, 3, 15, 0, tzinfo=dt.UTC), duration_seconds=3600, injections=(inj,))
    ctx = WindowContext(world, cfg, 0, tmp_path, route_injections(cfg)[0])
    out = FlowSource(world).render_window(ctx)
    labels = [orjson.loads(x) for x in out.labels if b'"scenario"' in x]
    assert len(labels) == 1 and labels[0]["technique"] == "T1048"
    # merged into the baseline object of its flow log and 5-minute slot (by end time), in start order
    no = labels[0]["line"]
    text = gzip.decompress((tmp_path / labels[0]["file"]).read_bytes()).decode().splitlines()
    assert text[0] == "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
    assert text[no - 1] == line and "_20260303T1505Z_" in labels[0]["file"] and len(text) > 100
    starts = [int(x.split(" ")[10]) for x in text[1:]]
    assert starts == sorted(starts)
    benign = [orjson.loads(x) for x in out.labels if b'"benign"' in x and labels[0]["file"].encode() in x]
    covered = sorted(n for b in benign for n in range(b["first_line"], b["last_line"] + 1))
    assert covered == [n for n in range(2, len(text) + 1) if n != no]


def test_dataset_flow_objects_read_back_by_flowlogs_reader(world, tmp_path):
    import boto3
    from flowlogs_reader import S3FlowLogsReader
    from moto import mock_aws

    out = FlowSource(world).render_window(_ctx(world, tmp_path, hour=15))
    s3_files = [f for f in out.files if f.kind == "s3"]
    bucket = s3_files[0].path.split("/")[1]
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=bucket)
        for f in s3_files:
            s3.put_object(Bucket=bucket, Key=f.path.split("/", 2)[2], Body=(tmp_path / f.path).read_bytes())
        reader = S3FlowLogsReader(bucket, start_time=dt.datetime(2026, 3, 3, 14, 0), end_time=dt.datetime(2026, 3, 3, 17, 0),
                                  boto_client=s3)
        records = list(reader)
    assert reader.skipped_records == 0
    assert len(records) == sum(f.records for f in s3_files) > 1000
    statuses = {r.log_status for r in records}
    assert "OK" in statuses and {r.version for r in records} == {2}


def test_skipdata_intervals_lose_records(world, tmp_path, monkeypatch):
    monkeypatch.setattr(flow_records, "SKIPDATA_P", 0.2)
    ctx = _ctx(world, tmp_path)
    cfg = _prod_cwl(world)
    full = flow_records.to_records(world, cfg, flow_traffic.vpc_connections(
        world, cfg.resource_id, ctx.alb_requests, ctx.s3_requests, ctx.start_ms // 1000, ctx.end_ms // 1000, ctx.rng),
        ctx.start_ms // 1000, ctx.end_ms // 1000, ctx.rng("x"))
    skip = full.log_status == vf.SKIPDATA
    assert skip.sum() > 10
    ivs = flow_records.interval_seconds(world, cfg)
    monkeypatch.setattr(flow_records, "SKIPDATA_P", 0.0)
    none = _records(world, ctx, cfg)
    assert not (none.log_status == vf.SKIPDATA).any()
    ok = full.log_status == vf.OK
    assert ok.sum() < (none.log_status == vf.OK).sum()
    # every SKIPDATA interval still had traffic (it is not a NODATA interval)
    codes = full.eni * (1 << 40) + full.start // ivs[full.eni]
    assert np.isin(codes[skip], codes[ok]).mean() > 0.9
