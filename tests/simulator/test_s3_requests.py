"""The shared S3 request stream: columns, who calls, when, and consistency with the ALB stream."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import numpy as np
import orjson
import pytest

from simulator.baseline import s3requests as sr
from simulator.baseline.s3access import S3AccessSource
from simulator.engine.context import Injection, RunConfig, WindowContext
from simulator.engine.run import route_injections
from simulator.world import build_world


@pytest.fixture(scope="module")
def world():
    return build_world(seed=13, student=None, scale=200)


def _ctx(world, tmp, hour=15, injections=()):
    cfg = RunConfig(seed=13, start=dt.datetime(2026, 3, 3, hour, 0, tzinfo=dt.UTC), duration_seconds=3600,
                    injections=tuple(injections))
    return WindowContext(world, cfg, 0, tmp, route_injections(cfg).get(0, {}))


def test_columns_are_documented_and_aligned(world, tmp_path):
    req = _ctx(world, tmp_path).s3_requests
    names = [f.name for f in dataclasses.fields(sr.S3Requests)]
    for name in names:
        assert re.search(rf"^  {name}\b", sr.__doc__, re.M) or name in sr.__doc__, name
        assert getattr(req, name).shape == (len(req),)
    assert (np.diff(req.time_ms) >= 0).all()
    assert all(re.fullmatch(r"[0-9A-Z]{16}", x) for x in req.request_id)
    assert len(set(req.request_id.tolist())) == len(req)


def test_instance_requests_follow_the_alb_and_use_the_endpoint(world, tmp_path):
    ctx = _ctx(world, tmp_path)
    req, alb = ctx.s3_requests, ctx.alb_requests
    inside = req.eni >= 0
    assert inside.sum() == (alb.s3_bucket >= 0).sum() > 0
    assert (req.principal_type[inside] == sr.ASSUMED_ROLE).all()
    assert all(v.startswith("vpce-") and len(v) == 22 for v in req.vpc_endpoint_id[inside])
    assert (req.source_ip[inside] == world.enis.private_ip[req.eni[inside]]).all()
    assert all(a.startswith("ASIA") and len(a) == 20 for a in req.access_key_id[inside])
    assert all(arn.endswith("/" + s) for arn, s in zip(req.arn[inside], req.session_name[inside], strict=True))


def test_staff_only_in_working_hours_with_some_errors(world, tmp_path):
    night = _ctx(world, tmp_path / "n", hour=4).s3_requests  # 23:00 New York, 04:00 London
    assert not (night.principal_type == sr.IAM_USER).any()
    day = _ctx(world, tmp_path / "d", hour=15).s3_requests
    staff = day.principal_type == sr.IAM_USER
    assert staff.sum() > 20
    assert (day.user[staff] >= 0).all()
    assert set(day.tool[staff].tolist()) <= {"console", "aws-cli", "boto3"}
    errors = day.error_code[staff] != ""
    assert errors.mean() < 0.15
    console = staff & (day.tool == "console")
    download = console & (day.operation == sr.GET)
    assert all("S3Console" in ua for ua in day.user_agent[console & ~download])
    assert all(a == "QueryString" for a in day.auth_type[download]) and download.any()
    assert all(ua.startswith("Mozilla/5.0") for ua in day.user_agent[download])


def test_nightly_statement_run(world, tmp_path):
    req = _ctx(world, tmp_path, hour=7).s3_requests  # 02:00 New York
    puts = (req.operation == sr.PUT) & (req.session_name != "")
    assert puts.sum() > 100
    assert all(k.startswith("statements/") and k.endswith(".pdf") for k in req.key[puts])


def test_injected_access_record(world, tmp_path):
    bucket = next(b for b in world.buckets if b.access_log_bucket)
    t = dt.datetime(2026, 3, 3, 15, 30, tzinfo=dt.UTC)
    line = (f"{'a' * 64} {bucket.name} [03/Mar/2026:15:30:00 +0000] 198.51.100.9 arn:aws:iam::1:user/x "
            f"ABCDEFGHIJKLMNOP REST.GET.OBJECT k \"GET /k HTTP/1.1\" 200 - 10 10 5 4 \"-\" \"curl/8\" - "
            f"aG9zdA== SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader {bucket.name}.s3.amazonaws.com TLSv1.2 - -")
    inj = Injection("s3", int(t.timestamp() * 1000), line, "exfil", "s3", "T1530")
    out = S3AccessSource(world).render_window(_ctx(world, tmp_path, injections=[inj]))
    lab = [orjson.loads(x) for x in out.labels if b"scenario" in x]
    assert len(lab) == 1
    # merged into the baseline's object of that bucket and 15-minute slot, in time order
    text = (tmp_path / lab[0]["file"]).read_text().splitlines()
    assert text[lab[0]["line"] - 1] == line and len(text) > 1
    assert lab[0]["file"].startswith(f"s3/{bucket.access_log_bucket}/{bucket.access_log_prefix}")
    stamps = [dt.datetime.strptime(x.split(" ")[2][1:], "%d/%b/%Y:%H:%M:%S") for x in text]
    assert stamps == sorted(stamps)
    benign = [orjson.loads(x) for x in out.labels if b"benign" in x and lab[0]["file"].encode() in x]
    covered = sorted(n for b in benign for n in range(b["first_line"], b["last_line"] + 1))
    assert covered == [n for n in range(1, len(text) + 1) if n != lab[0]["line"]]
