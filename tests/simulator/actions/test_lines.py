"""Line records of the actions parse with independent parsers and tell one story with the CloudTrail records:
ALB lines with aws-log-parser, flow lines with flowlogs-reader (in each flow log's own field list), S3 access
lines with AWS's Athena regex (aws-log-parser 3.0.2 has no S3 log type); same time / IP / identity / request id
across sources."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from aws_log_parser import AwsLogParser, LogType
from flowlogs_reader import FlowRecord

from simulator.actions import perform
from simulator.actions.logstate import gaps
from simulator.formats import vpcflow as vf
from tests.simulator.actions.conftest import T0
from tests.simulator.test_s3_access_format import ATHENA_S3


def _flow_fields(world, fid):
    return vf.parse_log_format(next(f for f in world.flow_logs if f.id == fid).log_format)


def _parse_flows(world, injections):
    out = []
    for i in injections:
        if i.source == "flow":
            names = [n.replace("-", "_") for n in _flow_fields(world, i.payload["flow_log_id"])]
            out.append((i, FlowRecord.from_cwl_event({"message": i.payload["line"]}, fields=names)))
    return out


def test_web_attack_alb_lines_parse_and_match_the_flows(world, outsider):
    res = perform("web_attack", world=world, actor=outsider, time_ms=T0, params={"scan_requests": 20})
    lines = [i.payload for i in res.injections if i.source == "alb"]
    parsed = list(AwsLogParser(log_type=LogType.LoadBalancer).parse(lines))
    assert len(parsed) == len(lines) == res.facts["requests"]
    ip = outsider.source_ips[0]
    assert {p.client.ip for p in parsed} == {ip}
    exfil = [p for p in parsed if p.elb_status_code == 200 and p.sent_bytes > 1_000_000]
    assert len(exfil) == res.facts["exfiltration_requests"]
    assert sum(p.sent_bytes for p in exfil) == res.facts["exfiltration_bytes"]
    assert any(p.elb_status_code == 404 for p in parsed) and any(
        "UNION" in p.http_request.url for p in parsed
    )
    for inj, p in zip([i for i in res.injections if i.source == "alb"], parsed, strict=True):
        assert abs(p.timestamp.timestamp() * 1000 - inj.time_ms) < 1
    flows = _parse_flows(world, res.injections)
    node_ips = {n.private_ip for n in world.alb.nodes}
    client = [r for _, r in flows if r.srcaddr == ip]
    assert client and all(r.dstaddr in node_ips and r.dstport == 443 and r.action == "ACCEPT" for r in client)
    targets = set(world.alb.target_groups[0].target_ips)
    backend = [r for _, r in flows if r.srcaddr in node_ips and r.dstaddr in targets]
    assert backend and all(r.dstport == world.alb.target_groups[0].port for r in backend)
    sent_back = max(
        sum(
            r.bytes
            for _, r in flows
            if r.dstaddr == ip and r.srcaddr in node_ips and _.payload["flow_log_id"] == fid
        )
        for fid in {f.id for f in world.flow_logs}
    )
    assert sent_back >= res.facts["exfiltration_bytes"]


def test_bulk_download_tells_one_story(world, dba):
    res = perform(
        "bulk_s3_download",
        world=world,
        actor=dba,
        time_ms=T0,
        params={"objects": 30, "from_instance": "bastion"},
    )
    ct = [i.payload for i in res.injections if i.source == "cloudtrail"]
    s3 = [i.payload for i in res.injections if i.source == "s3"]
    assert len(ct) == len(s3) == 31  # ListObjects + 30 GetObject
    by_rid = {r["requestID"]: r for r in ct}
    total = 0
    for line in s3:
        m = ATHENA_S3.fullmatch(line)
        assert m, line
        g = m.groups()
        rec = by_rid[g[5]]
        assert rec["sourceIPAddress"] == g[3]
        assert rec["userIdentity"]["arn"] == g[4]
        t = dt.datetime.strptime(g[2], "%d/%b/%Y:%H:%M:%S %z")
        assert rec["eventTime"] == t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert rec["additionalEventData"]["x-amz-id-2"] == g[18]
        if g[6] == "REST.GET.OBJECT":
            assert rec["additionalEventData"]["bytesTransferredOut"] == float(g[11])
            assert rec["requestParameters"]["key"] == g[7]
            total += int(g[11])
    assert total == res.facts["bytes"]
    inst = next(i for i in world.instances if i.tier == "bastion")
    assert res.facts["source_ip"] == inst.private_ip == ct[0]["sourceIPAddress"]
    flows = _parse_flows(world, res.injections)
    assert flows and all(inst.private_ip in (r.srcaddr, r.dstaddr) for _, r in flows)


def test_bulk_download_respects_bucket_logging(world, dba):
    b = next(x for x in world.buckets if x.purpose == "artifacts")  # no data events, no access logging
    from simulator.actions.actors import user_actor

    dev = user_actor(world, next(u for u in world.users if u.account_id == b.account_id), "dev")
    res = perform(
        "bulk_s3_download", world=world, actor=dev, time_ms=T0, params={"bucket": b.name, "objects": 5}
    )
    assert res.injections == []
    assert res.facts["objects"] == 5 and not res.facts["data_events"] and not res.facts["access_logged"]


def test_stopped_trail_hides_the_download_from_cloudtrail_only(world, dba):
    state: dict = {}
    perform("stop_logging", world=world, actor=dba, time_ms=T0, state=state)
    res = perform(
        "bulk_s3_download", world=world, actor=dba, time_ms=T0 + 60_000, state=state, params={"objects": 10}
    )
    assert res.facts["records"] == {"s3": 11} and res.facts["cloudtrail_suppressed"] == 11
    start = perform("start_logging", world=world, actor=dba, time_ms=T0 + 600_000, state=state)
    assert start.facts["records"] == {"cloudtrail": 1}
    acct = dba.account_id
    assert gaps(state)["trails"][acct] == [[T0, T0 + 600_000, "all"]]


def test_security_group_opening_turns_rejects_into_accepts(world, dba, outsider):
    state: dict = {}
    before = perform("inbound_connections", world=world, actor=outsider, time_ms=T0, state=state)
    assert before.facts["accepted"] == 0 and before.facts["rejected"] == 3
    perform("authorize_security_group_ingress", world=world, actor=dba, time_ms=T0 + 900_000, state=state)
    after = perform("inbound_connections", world=world, actor=outsider, time_ms=T0 + 1_000_000, state=state)
    assert after.facts["accepted"] == 3
    recs = _parse_flows(world, after.injections)
    bastion = next(i for i in world.instances if i.tier == "bastion")
    inbound = [r for _, r in recs if r.dstport == 22]
    assert inbound and all(r.action == "ACCEPT" and r.dstaddr == bastion.private_ip for r in inbound)
    assert {r.srcaddr for r in inbound} <= set(outsider.source_ips)
    rej = _parse_flows(world, before.injections)
    assert all(r.action == "REJECT" for _, r in rej) and all(r.dstport == 22 for _, r in rej)


def test_deleted_flow_logs_write_nothing_after(world, dba, outsider):
    state: dict = {}
    perform("delete_flow_logs", world=world, actor=dba, time_ms=T0, state=state)
    res = perform("port_scan", world=world, actor=outsider, time_ms=T0 + 60_000, state=state)
    assert res.injections == [] and res.facts["ports_probed"] > 10


@pytest.mark.parametrize("target", ["batch", "bastion"])
def test_outbound_transfer_flows(world, outsider, target):
    res = perform(
        "outbound_transfer",
        world=world,
        actor=outsider,
        time_ms=T0,
        params={"source_instance": target, "bytes": 600_000_000},
    )
    recs = _parse_flows(world, res.injections)
    dest = res.facts["destination_ip"]
    assert recs and any(r.dstaddr == dest for _, r in recs)
    inst = next(i for i in world.instances if i.tier == target)
    for fid in {i.payload["flow_log_id"] for i, _ in recs}:
        up = sum(
            r.bytes
            for i, r in recs
            if i.payload["flow_log_id"] == fid and r.srcaddr == inst.private_ip and r.dstaddr == dest
        )
        assert up == pytest.approx(600_000_000, rel=0.01)


def test_detached_cloudwatch_logs_is_reported_as_a_gap(world, dba):
    state: dict = {}
    res = perform("update_trail", world=world, actor=dba, time_ms=T0, state=state)
    assert res.facts["records"] == {"cloudtrail": 1}
    assert gaps(state) == {"trails": {}, "flow_logs": {}, "cloudwatch": {dba.account_id: T0}}
    later = perform("stop_logging", world=world, actor=dba, time_ms=T0 + 60_000, state=state)
    assert later.facts["records"] == {"cloudtrail": 1}  # still delivered to the trail's S3 files


def test_gap_masks_for_the_engine(world, dba):
    from simulator.actions.logstate import delivered_by_flow_log, delivered_by_trail, delivered_to_cloudwatch

    state: dict = {}
    perform("stop_logging", world=world, actor=dba, time_ms=T0, state=state)
    perform("start_logging", world=world, actor=dba, time_ms=T0 + 600_000, state=state)
    perform(
        "put_event_selectors",
        world=world,
        actor=dba,
        time_ms=T0 + 900_000,
        state=state,
        params={"keep_data_events": True},
    )
    perform("update_trail", world=world, actor=dba, time_ms=T0 + 950_000, state=state)
    perform("delete_flow_logs", world=world, actor=dba, time_ms=T0 + 990_000, state=state)
    g = gaps(state)
    t = np.array([T0 - 1, T0, T0 + 1, T0 + 599_999, T0 + 600_000, T0 + 900_001, T0 + 900_001])
    mgmt = np.array([True, True, True, True, True, True, False])
    assert delivered_by_trail(g, dba.account_id, t, mgmt).tolist() == [
        True,
        True,
        False,
        False,
        True,
        False,
        True,
    ]
    assert delivered_by_trail(g, "000000000000", t).all()
    assert delivered_to_cloudwatch(g, dba.account_id, np.array([T0 + 950_000, T0 + 950_001])).tolist() == [
        True,
        False,
    ]
    fl = g["flow_logs"]
    first = min(fl, key=fl.get)
    assert delivered_by_flow_log(g, first, np.array([fl[first] - 1, fl[first]])).tolist() == [True, False]
