"""ALB baseline: the web traffic mix, time-of-day rhythm, determinism and injected lines."""

from __future__ import annotations

import datetime as dt
import gzip

import numpy as np
import orjson
import pytest

from simulator.baseline.alb import AlbSource
from simulator.baseline.alb_requests import CRAWLER, CUSTOMER, SCANNER
from simulator.engine.context import Injection, RunConfig, WindowContext
from simulator.engine.run import route_injections
from simulator.formats import alb as fa
from simulator.world import build_world


@pytest.fixture(scope="module")
def world():
    return build_world(seed=11, student=None, scale=200)


def _ctx(world, tmp, hour=15, student=None, injections=()):
    cfg = RunConfig(seed=11, student=student, start=dt.datetime(2026, 3, 3, hour, 0, tzinfo=dt.UTC),
                    duration_seconds=3600, injections=tuple(injections))
    return WindowContext(world, cfg, 0, tmp, route_injections(cfg).get(0, {}))


def test_traffic_mix(world, tmp_path):
    r = _ctx(world, tmp_path).alb_requests
    e = r.entries
    n = len(r)
    assert n > 3000
    status = e.elb_status
    assert 0.8 < np.isin(status, (200, 201, 301, 302, 304)).mean() < 0.995
    assert 0 < (status >= 500).mean() < 0.01
    assert (status == 404).any() and (status == 301).any()
    kinds = np.bincount(r.client_kind, minlength=3)
    assert kinds[CUSTOMER] > kinds[CRAWLER] > 0 and kinds[SCANNER] > 0
    dispatched = e.target_port >= 0
    tgt = e.target_processing_ms[dispatched & (e.target_processing_ms >= 0)]
    assert np.median(tgt) < np.percentile(tgt, 99) / 4  # long right tail (lognormal)
    assert set(np.unique(e.type).tolist()) >= {fa.TYPES.index("h2"), fa.TYPES.index("https"), fa.TYPES.index("http")}
    # not dispatched → no target, -1 processing times
    nd = ~dispatched
    assert (e.request_processing_ms[nd] == -1).all() and (e.target_status[nd] == -1).all()
    assert (e.time_us >= e.created_us).all() and (np.diff(e.time_us) >= 0).all()
    # crawlers come from their published ranges with their own agents
    ua = np.array(r.pools.user_agents)[e.user_agent[r.client_kind == CRAWLER]]
    assert all("bot" in a.lower() for a in ua)


def test_night_is_quieter_than_day(world, tmp_path):
    night = len(_ctx(world, tmp_path / "n", hour=8).alb_requests)  # 03:00 New York
    day = len(_ctx(world, tmp_path / "d", hour=16).alb_requests)  # 11:00 New York
    assert day > 5 * night


def test_deterministic_and_student_specific(world, tmp_path):
    a = AlbSource(world).render_window(_ctx(world, tmp_path / "a"))
    b = AlbSource(world).render_window(_ctx(world, tmp_path / "b"))
    c = AlbSource(world).render_window(_ctx(world, tmp_path / "c", student="bob"))
    assert [f.sha256 for f in a.files] == [f.sha256 for f in b.files]
    assert [f.sha256 for f in a.files] != [f.sha256 for f in c.files]


def test_injected_line_is_merged_in_time_order_and_labelled(world, tmp_path):
    t = dt.datetime(2026, 3, 3, 15, 12, 30, tzinfo=dt.UTC)
    line = (f'https {t:%Y-%m-%dT%H:%M:%S}.000000Z {world.alb.log_id} 203.0.113.99:5555 10.10.10.10:8080 0.000 0.010 '
            f'0.000 200 200 300 900000 "GET https://{world.alb.domain}:443/api/v1/export?all=1 HTTP/1.1" "curl/8.5.0" '
            f'ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 - "Root=1-00000000-000000000000000000000000" "-" "-" 0 '
            f'{t:%Y-%m-%dT%H:%M:%S}.000000Z "forward" "-" "-" "-" "-" "-" "-" TID_{"0" * 32} "-" "-" "-"')
    inj = Injection("alb", int(t.timestamp() * 1000), line, "insider", "s2", "T1530")
    ctx = _ctx(world, tmp_path, injections=[inj])
    out = AlbSource(world).render_window(ctx)
    labels = [orjson.loads(x) for x in out.labels]
    scen = [lb for lb in labels if lb["label"] == "scenario"]
    assert len(scen) == 1 and scen[0]["scenario"] == "insider"
    lines = gzip.decompress((tmp_path / scen[0]["file"]).read_bytes()).decode().splitlines()
    assert lines[scen[0]["line"] - 1] == line
    times = [ln.split(" ")[1] for ln in lines]
    assert times == sorted(times)
    covered = sum(lb["last_line"] - lb["first_line"] + 1 for lb in labels if lb["file"] == scen[0]["file"]
                  and lb["label"] == "benign")
    assert covered + 1 == len(lines)
    assert out.records == len(ctx.alb_requests) + 1


def test_scanners_come_from_routable_addresses():
    from simulator.baseline.alb_site import public_ipv4

    ips = public_ipv4(np.random.default_rng(0), 200_000)
    first = ips >> np.uint32(24)
    assert not np.isin(first, (0, 10, 127)).any() and (first < 224).all()
    assert not ((ips >> np.uint32(16)) == (192 << 8 | 168)).any()
    assert not ((ips >> np.uint32(20)) == (172 << 4 | 1)).any()
