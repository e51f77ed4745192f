"""Windows, per-window randomness, injection routing, dataset directory handling, labels, CloudWatch writer."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import numpy as np
import orjson
import pytest

from simulator.delivery.cloudwatch import encode_events, log_file_path, write_log_events
from simulator.engine import Injection, RunConfig, WindowContext, run
from simulator.engine import sources as sources_mod
from simulator.engine.labels import event_label, line_label, line_range_label
from simulator.engine.run import prepare_out_dir, route_injections
from simulator.world import build_world

START = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def world():
    return build_world(1, None, 30)


def test_windows_cover_duration():
    cfg = RunConfig(start=START, duration_seconds=5400)
    assert cfg.n_windows == 2
    w = build_world(1, None, 5)
    last = WindowContext(w, cfg, 1, None)
    assert last.start_ms == cfg.start_ms + 3_600_000
    assert last.end_ms == cfg.start_ms + 5_400_000
    assert last.stamp == "20260302T0700Z"


def test_rng_is_keyed_by_name_and_window(world):
    cfg = RunConfig(start=START)
    a, b = WindowContext(world, cfg, 3, None), WindowContext(world, cfg, 3, None)
    assert np.array_equal(a.rng("x").integers(0, 1 << 30, 8), b.rng("x").integers(0, 1 << 30, 8))
    assert not np.array_equal(a.rng("x").integers(0, 1 << 30, 8), a.rng("y").integers(0, 1 << 30, 8))
    c = WindowContext(world, cfg, 4, None)
    assert not np.array_equal(a.rng("x").integers(0, 1 << 30, 8), c.rng("x").integers(0, 1 << 30, 8))
    other = WindowContext(world, RunConfig(start=START, student="s2"), 3, None)
    assert not np.array_equal(a.rng("x").integers(0, 1 << 30, 8), other.rng("x").integers(0, 1 << 30, 8))


def test_injections_are_routed_to_their_window():
    t0 = int(START.timestamp() * 1000)
    cfg = RunConfig(
        start=START,
        duration_seconds=7200,
        injections=(
            Injection("cloudtrail", t0 + 3_700_000, {}, "sc", "s1", "T1"),
            Injection("cloudtrail", t0 + 100_000, {}, "sc", "s0", "T1"),
        ),
    )
    routed = route_injections(cfg)
    assert [i.step for i in routed[0]["cloudtrail"]] == ["s0"]
    assert [i.step for i in routed[1]["cloudtrail"]] == ["s1"]
    bad = RunConfig(
        start=START,
        duration_seconds=3600,
        injections=(Injection("cloudtrail", cfg.start_ms + 3_600_000, {}, "sc", "late", "T1"),),
    )
    with pytest.raises(ValueError, match="sc/late"):
        route_injections(bad)


def test_out_dir_refuses_foreign_content(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="no manifest.json"):
        prepare_out_dir(tmp_path)
    assert (tmp_path / "notes.txt").exists()


def test_previous_dataset_is_replaced(tmp_path):
    cfg = RunConfig(start=START, duration_seconds=1800, scale=10, sources=("cloudtrail",))
    run(cfg, tmp_path)
    stale = tmp_path / "s3" / "stale.txt"
    stale.write_text("x")
    run(cfg, tmp_path)
    assert not stale.exists() and (tmp_path / "manifest.json").exists()


def test_unavailable_source_is_skipped(tmp_path, monkeypatch):
    monkeypatch.setitem(sources_mod.REGISTRY, "flow", "simulator.baseline.no_such_module:Nothing")
    res = run(
        RunConfig(start=START, duration_seconds=1800, scale=10, sources=("cloudtrail", "flow")), tmp_path
    )
    assert res.unavailable == ("flow",)
    assert set(res.records) == {"cloudtrail"} and res.records["cloudtrail"] > 0
    assert res.manifest["parameters"]["sources"] == ["cloudtrail"]


def test_label_shapes():
    assert orjson.loads(event_label("cloudtrail", "e1")) == {
        "source": "cloudtrail",
        "eventID": "e1",
        "label": "benign",
    }
    assert orjson.loads(event_label("cloudtrail", "e2", "insider", "s3", "T1562.008")) == {
        "source": "cloudtrail",
        "eventID": "e2",
        "label": "scenario",
        "scenario": "insider",
        "step": "s3",
        "technique": "T1562.008",
    }
    assert list(orjson.loads(line_label("alb", "s3/b/k", 7))) == ["source", "file", "line", "label"]
    assert orjson.loads(line_range_label("flow", "f", 2, 9))["last_line"] == 9


def test_cloudwatch_writer(tmp_path):
    msgs = [b'{"a":"x\\"y"}', "plain \u00e9", b"tab\there"]
    entry = write_log_events(
        tmp_path, "/aws/vpc/flowlogs/x", "eni-1-all", "20260302T0600Z", [30, 10, 20], msgs, source="flow"
    )
    assert entry.path == "cloudwatch/%2Faws%2Fvpc%2Fflowlogs%2Fx/eni-1-all/20260302T0600Z.jsonl.gz"
    assert entry.path == log_file_path("/aws/vpc/flowlogs/x", "eni-1-all", "20260302T0600Z")
    lines = gzip.decompress((tmp_path / entry.path).read_bytes()).splitlines()
    events = [json.loads(x) for x in lines]
    assert [e["timestamp"] for e in events] == [10, 20, 30]
    assert [e["message"] for e in events] == ["plain \u00e9", "tab\there", '{"a":"x\\"y"}']
    assert list(events[0]) == ["timestamp", "message"]
    assert entry.records == 3 and entry.log_group == "/aws/vpc/flowlogs/x" and entry.kind == "cloudwatch"
    with pytest.raises(ValueError, match="2 timestamps for 3 messages"):
        write_log_events(tmp_path, "g", "s", "p", [1, 2], msgs, source="x")


def test_encode_events_is_stable_for_equal_timestamps():
    out = encode_events([5, 5, 5], [b"c", b"a", b"b"])
    assert [json.loads(x)["message"] for x in out.splitlines()] == ["c", "a", "b"]
