"""Vectorised pieces of the ALB and S3 request streams, checked against plain per-request Python."""

from __future__ import annotations

import base64
import datetime as dt
import string

import numpy as np
import pytest

from simulator.baseline import alb_site as site_mod
from simulator.baseline import alb_urls
from simulator.baseline import s3requests as sr
from simulator.baseline import s3requests_humans as humans
from simulator.engine.context import RunConfig, WindowContext
from simulator.world import build_world


@pytest.fixture(scope="module")
def world():
    return build_world(seed=21, student=None, scale=200)


@pytest.fixture(scope="module")
def ctx(world, tmp_path_factory):
    cfg = RunConfig(seed=21, start=dt.datetime(2026, 3, 4, 16, 0, tzinfo=dt.UTC), duration_seconds=3600)
    return WindowContext(world, cfg, 0, tmp_path_factory.mktemp("alb"))


def test_first_seen_keys_matches_dict_interning():
    rng = np.random.default_rng(5)
    keys = rng.integers(0, 4, size=(2000, 3))
    distinct, index = alb_urls._first_seen_keys(keys)
    seen: dict[tuple, int] = {}
    expected = [seen.setdefault(tuple(row), len(seen)) for row in keys.tolist()]
    assert index.tolist() == expected
    assert [tuple(r) for r in distinct.tolist()] == list(seen)
    empty, none = alb_urls._first_seen_keys(np.zeros((0, 3), dtype=np.int64))
    assert empty.shape == (0, 3) and none.shape == (0,)


def test_every_url_is_what_its_request_asks_for(world, ctx):
    alb = ctx.alb_requests
    e, pools = alb.entries, alb.pools
    host = world.alb.domain
    urls = [pools.urls[i] for i in e.url.tolist()]
    kinds = alb.client_kind
    assert len(urls) == len(alb) > 500
    for url, kind, status in zip(urls, kinds.tolist(), e.elb_status.tolist(), strict=True):
        if kind == alb_urls.CUSTOMER:
            assert url.startswith(f"https://{host}:443/")
        elif kind == alb_urls.CRAWLER:
            path = url.removeprefix(f"https://{host}:443")
            assert path == "/robots.txt" or path in site_mod.PUBLIC_PAGES
        elif status == 301:  # a scanner on the plain-HTTP listener is redirected to HTTPS
            assert url.startswith("http://") and ":80/" in url
        elif status == 400:
            assert url.startswith("http://") and url.endswith(":80-")
    # the API rule and the redirect target follow from the URL string
    api = np.array([u.startswith(f"https://{host}:443/api/") for u in urls])
    assert ((e.rule_priority == 10) == api).all()
    redirects = [pools.redirect_urls[i] for i in e.redirect_url.tolist()]
    for url, target, status in zip(urls, redirects, e.elb_status.tolist(), strict=True):
        if status == 301:
            ip_path = url.removeprefix("http://").replace(":80", ":443", 1)
            assert target == "https://" + ip_path
        else:
            assert target == "-"


def test_s3_objects_behind_statement_and_profile_pages(world, ctx):
    alb = ctx.alb_requests
    e, pools = alb.entries, alb.pools
    reads = np.flatnonzero(alb.s3_bucket >= 0)
    assert len(reads) > 0
    assert (e.elb_status[reads] == 200).all()
    for i in reads.tolist():
        bucket = world.buckets[int(alb.s3_bucket[i])]
        url, key = pools.urls[int(e.url[i])], str(alb.s3_key[i])
        assert key in bucket.keys
        if bucket.purpose == "statements":
            assert url.endswith("/statements/" + key.rsplit("/", 1)[-1])
        else:
            assert bucket.purpose == "customer-records" and url.endswith("/profile")


def test_api_rule_can_be_read_off_template_heads():
    # request_urls decides the API rule from a template's literal head: it must be at least "/api/" long
    for _method, template, *_ in site_mod.PAGE_KINDS:
        head = template.split("{")[0]
        if "{" in template:
            assert len(head) >= len(alb_urls.API_PREFIX), template
        assert {f for _, f, _, _ in string.Formatter().parse(template) if f} <= {"acct", "page", "asset", "stmt"}


def test_instance_block_is_the_instance_role_through_the_endpoint(world):
    by_id = {x.id: x for x in world.instances}
    instances = [by_id[i] for i in world.alb.target_groups[0].target_instance_ids]
    bucket = next(b for b in world.buckets if b.purpose == "statements")
    rng = np.random.default_rng(2)
    n = 40
    which = rng.integers(0, len(instances), n)
    at = np.sort(rng.integers(1_772_600_000_000, 1_772_700_000_000, n))
    keys = np.array([bucket.keys[k] for k in rng.integers(0, len(bucket.keys), n)], dtype=object)
    size = rng.integers(200, 90_000, n)
    for op, moved, still in ((humans.GET, "bytes_sent", "bytes_received"), (humans.PUT, "bytes_received", "bytes_sent")):
        block = humans.instance_block(world, instances, which, at, np.full(n, bucket.index), op, keys, size)
        assert set(block) == set(sr._BLOCK_FIELDS)
        for j in range(n):
            inst = instances[which[j]]
            role = world.roles[block["role"][j]]
            assert (role.name, role.account_id) == (inst.role_name, inst.account_id)
            assert block["arn"][j] == f"arn:aws:sts::{inst.account_id}:assumed-role/{inst.role_name}/{inst.id}"
            assert block["session_name"][j] == inst.id and block["source_ip"][j] == inst.private_ip
            assert world.enis.eni_id[block["eni"][j]] == inst.eni_id
            assert block["vpc_endpoint_id"][j] == sr.vpc_endpoint_id(world, inst.vpc_id)
            period = int(at[j]) // 21_600_000
            assert block["access_key_id"][j] == sr.session_access_key(
                f"{world.seed}|{world.student}|{inst.id}|{period}")
            assert block["endpoint"][j] == f"{bucket.name}.s3.amazonaws.com"
            assert block["principal_type"][j] == humans.ASSUMED_ROLE and block["operation"][j] == op
            assert block[moved][j] == size[j] == block["object_size"][j] and block[still][j] == 0
        assert (block["user_agent"] == world.user_agents["sdk-java"][0]).all()
        assert (block["time_ms"] == at).all() and block["key"].tolist() == keys.tolist()


def test_request_ids_are_base64_of_56_bytes():
    raw = np.random.default_rng(8).integers(0, 256, (300, 56), dtype=np.uint8)
    assert sr._base64_rows(raw).tolist() == [base64.b64encode(r.tobytes()).decode() for r in raw]
    rid, hid = sr.request_ids(np.random.default_rng(1), 0)
    assert rid.shape == hid.shape == (0,)


def test_stream_is_sorted_by_time_bucket_key_keeping_the_producer_order(world, ctx):
    req = ctx.s3_requests
    triples = list(zip(req.time_ms.tolist(), req.bucket.tolist(), req.key.tolist(), strict=True))
    assert triples == sorted(triples)
