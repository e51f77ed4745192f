"""`trailwatch generate --scenario`: world overrides in every process, logging gaps in the baseline, injected
records merged into the baseline's files, the scenario's ground truth in the dataset, and for every shipped
scenario: its labelled records are exactly the records its steps produced."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from simulator.engine.run import _STATE, _init_worker
from simulator.scenario import prepare_scenario_run
from simulator.scenario.library import scenario_files
from simulator.world import build_world
from tests.simulator.scenario_datasets import Dataset, check_scenario_records
from trailwatch.cli import main

TINY_GAPS = """\
id: tiny-gaps
title: Tiny gaps
story: The root user blinds CloudWatch Logs, then drops management events from the trail.
difficulty: beginner
world:
  scale: 10
  buckets:
    static-site: {data_events: true}
    payroll-exports: {account: prod, data_events: true, access_logging: true, objects: 50}
baseline: {start: 2026-03-02T14:00:00Z, duration: 3h, sources: [cloudtrail, s3]}
actors:
  admin: {root: prod}
timeline:
  - {id: detach, action: update_trail, actor: admin, at: +20m}
  - {id: selectors, action: put_event_selectors, actor: admin, at: +40m, params: {keep_data_events: true}}
"""


def invoke(*args: str):
    return CliRunner().invoke(main, ["generate", *args])


def ms(event_time: str) -> int:
    return int(dt.datetime.fromisoformat(event_time.replace("Z", "+00:00")).timestamp() * 1000)


def scenario_sources(srun) -> tuple[str, ...]:
    """What a scenario writes: its injections' sources, plus the sources whose logging it switches off."""
    used = {i.source for i in srun.config.injections}
    if any(srun.log_gaps.get("trails", {}).values()) or srun.log_gaps.get("cloudwatch"):
        used.add("cloudtrail")
    if srun.log_gaps.get("flow_logs"):
        used.add("flow")
    return tuple(s for s in ("cloudtrail", "flow", "alb", "s3") if s in used) or ("cloudtrail",)


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """(scenario ref) -> (ScenarioRun, Dataset), generated once per session with the sources it writes."""
    cache: dict[str, tuple] = {}

    def get(ref: str):
        if ref not in cache:
            srun = prepare_scenario_run(ref, seed=1, student=None)
            sources = scenario_sources(srun)
            out = tmp_path_factory.mktemp(Path(ref).stem)
            r = invoke("--out", str(out), "--scenario", ref, "--sources", ",".join(sources))
            assert r.exit_code == 0, r.output
            cache[ref] = (srun, sources, Dataset.read(out), r.output)
        return cache[ref]

    return get


# --- command line -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [["--start", "2026-03-02T06:00:00Z"], ["--duration", "1d"], ["--scale", "50"]])
def test_scenario_fixes_start_duration_and_scale(tmp_path, extra):
    r = invoke("--out", str(tmp_path / "d"), "--scenario", "departing-dba", *extra)
    assert r.exit_code == 2
    assert f"{extra[0]} cannot be combined with --scenario" in r.output
    assert not (tmp_path / "d").exists()


def test_unknown_scenario_is_a_usage_error_with_a_suggestion(tmp_path):
    r = invoke("--out", str(tmp_path / "d"), "--scenario", "departing-dbb")
    assert r.exit_code == 2
    assert "did you mean 'departing-dba'?" in r.output


def test_invalid_scenario_prints_every_error_and_exits_1(tmp_path):
    bad = TINY_GAPS.replace("action: update_trail", "action: update_trial").replace(
        "actor: admin, at: +40m", "actor: nobody, at: +40m")
    path = tmp_path / "bad.yaml"
    path.write_text(bad)
    r = CliRunner().invoke(main, ["generate", "--out", str(tmp_path / "d"), "--scenario", str(path)])
    assert r.exit_code == 1
    errors = [line for line in r.output.splitlines() if line.startswith(str(path))]
    assert len(errors) >= 2, r.output
    line = bad.splitlines().index(next(ln for ln in bad.splitlines() if "update_trial" in ln)) + 1
    assert any(f":{line}:" in e and "timeline[0].action" in e and "did you mean 'update_trail'" in e for e in errors)
    assert any("nobody" in e for e in errors)


# --- world overrides, determinism, manifest, logging gaps (a small custom scenario) -----------------------


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    (root / "tiny-gaps.yaml").write_text(TINY_GAPS)
    outs = []
    for jobs in ("1", "2"):
        out = root / f"jobs{jobs}"
        r = invoke("--out", str(out), "--scenario", str(root / "tiny-gaps.yaml"), "--jobs", jobs)
        assert r.exit_code == 0, r.output
        outs.append((out, r.output))
    srun = prepare_scenario_run(root / "tiny-gaps.yaml", seed=1, student=None)
    return srun, outs


def test_same_bytes_for_one_and_two_jobs(tiny):
    _, [(one, _), (two, _)] = tiny
    assert (one / "manifest.json").read_bytes() == (two / "manifest.json").read_bytes()
    manifest = orjson.loads((one / "manifest.json").read_bytes())
    for f in manifest["files"]:
        assert hashlib.sha256((two / f["path"]).read_bytes()).hexdigest() == f["sha256"]


def test_world_overrides_reach_every_worker(tiny, tmp_path):
    srun, [(one, _), _] = tiny
    config = dataclasses.replace(srun.config, world_overrides=srun.world_overrides)
    _init_worker(config, tmp_path, ("s3",))  # as a pool worker does, without the parent's world
    try:
        world = _STATE["world"]
    finally:
        _STATE.clear()
    site = next(b for b in world.buckets if b.purpose == "static-site")
    assert site.data_events  # the override turned data events on ...
    assert not next(b for b in build_world(1, None, 10).buckets if b.purpose == "static-site").data_events
    payroll = next(b for b in world.buckets if b.purpose == "payroll-exports")  # ... and added a bucket
    assert payroll.access_log_bucket and payroll.name in world.trail_for(payroll.account_id).data_event_buckets
    manifest = Dataset.read(one).manifest
    assert manifest["parameters"]["sources"] == ["cloudtrail", "s3"]


def test_manifest_lists_the_scenario_and_its_files(tiny):
    srun, [(one, output), _] = tiny
    ds = Dataset.read(one)
    block = ds.manifest["scenario"]
    assert {k: block[k] for k in ("id", "title", "seed", "student")} == {
        "id": "tiny-gaps", "title": "Tiny gaps", "seed": 1, "student": None}
    assert block["records"] == {"detach": {"cloudtrail": 1}, "selectors": {"cloudtrail": 1}}
    listed = {f["path"]: f for f in ds.manifest["files"] if f["kind"] == "scenario"}
    assert set(listed) == {"scenario/scenario.json", "scenario/answer_key.json"}
    for path, f in listed.items():
        assert hashlib.sha256((one / path).read_bytes()).hexdigest() == f["sha256"]
    assert orjson.loads((one / "scenario/scenario.json").read_bytes())["id"] == "tiny-gaps"
    assert "scenario records" in output and "selectors" in output and "put_event_selectors" in output


def test_rerun_replaces_stale_scenario_files(tiny, tmp_path):
    srun, [(one, _), _] = tiny
    out = tmp_path / "d"
    (out / "scenario").mkdir(parents=True)
    (out / "manifest.json").write_text("{}")
    (out / "scenario" / "stale.json").write_text("{}")
    assert invoke("--out", str(out), "--duration", "30m", "--scale", "5", "--sources", "cloudtrail").exit_code == 0
    assert not (out / "scenario").exists()


def test_cloudwatch_copies_end_when_the_log_group_is_detached(tiny):
    srun, [(one, _), _] = tiny
    ds = Dataset.read(one)
    account, detached = next(iter(srun.log_gaps["cloudwatch"].items()))
    s3_copies = [r for r in ds.cloudtrail_records() if r["recipientAccountId"] == account]
    cwl = [r for r in ds.cloudtrail_records("cloudwatch") if r["recipientAccountId"] == account]
    assert any(ms(r["eventTime"]) > detached + 3_600_000 for r in s3_copies)  # the S3 files go on
    assert cwl and all(ms(r["eventTime"]) <= detached for r in cwl)
    assert any(ms(r["eventTime"]) > detached for r in ds.cloudtrail_records("cloudwatch")
               if r["recipientAccountId"] != account)  # other accounts' trails are untouched


def test_management_events_stop_after_the_selectors_drop_them(tiny):
    srun, [(one, _), _] = tiny
    ds = Dataset.read(one)
    account, [[off, on, scope]] = next((a, s) for a, s in srun.log_gaps["trails"].items() if s)
    assert scope == "management" and on is None
    mine = [r for r in ds.cloudtrail_records() if r["recipientAccountId"] == account]
    late = [r for r in mine if ms(r["eventTime"]) > off]
    assert late and all(r.get("managementEvent") is False for r in late)  # data events are still delivered
    assert any(r.get("managementEvent") is not False and ms(r["eventTime"]) <= off for r in mine)
    check_scenario_records(ds, srun.config.injections, ("cloudtrail", "s3"))


# --- shipped scenarios ----------------------------------------------------------------------------------------


def test_no_baseline_record_of_a_stopped_trail_until_start_logging(generated):
    srun, _, ds, _ = generated("departing-dba")
    [(account, [[off, on, scope]])] = [(a, s) for a, s in srun.log_gaps["trails"].items() if s]
    assert scope == "all" and on is not None
    records = [r for r in ds.cloudtrail_records() if r["recipientAccountId"] == account]
    inside = [r for r in records if off < ms(r["eventTime"]) < on]
    assert inside == []
    assert [r for r in ds.cloudtrail_records("cloudwatch")
            if r["recipientAccountId"] == account and off < ms(r["eventTime"]) < on] == []
    resumed = [r for r in records if on <= ms(r["eventTime"]) < on + 3_600_000]
    assert any(r["eventName"] == "StartLogging" for r in resumed)
    assert any(r["eventName"] != "StartLogging" for r in resumed)  # the baseline comes back
    assert any(off - 3_600_000 < ms(r["eventTime"]) <= off for r in records)


def test_injected_access_log_lines_share_the_baseline_objects(generated):
    srun, _, ds, _ = generated("departing-dba")
    scenario_files_ = {x["file"] for x in ds.labels if x["source"] == "s3" and x["label"] == "scenario"}
    n_lines = sum(1 for i in srun.config.injections if i.source == "s3")
    assert n_lines > 50 and len(scenario_files_) * 10 < n_lines  # batched per delivery slot, not one per line
    benign_in_same = {x["file"] for x in ds.labels if x["source"] == "s3" and x["label"] == "benign"}
    assert scenario_files_ & benign_in_same  # merged with the baseline's lines of that slot
    for path in scenario_files_:
        lines = ds.text_lines(path)
        times = [dt.datetime.strptime(ln.split(b" ")[2][1:].decode(), "%d/%b/%Y:%H:%M:%S") for ln in lines]
        assert times == sorted(times), path


def test_deleted_flow_logs_and_trails_write_nothing_after(generated):
    srun, _, ds, _ = generated("logging-tampering")
    world = srun.world
    deleted = srun.log_gaps["flow_logs"]
    assert deleted
    for fl in world.flow_logs:
        if fl.id not in deleted:
            continue
        starts = []
        for f in ds.files("flow"):
            if (fl.destination == "s3" and f"_{fl.id}_" in f["path"]) or (
                    fl.destination != "s3" and f.get("log_group") == fl.log_group):
                lines = ds.text_lines(f["path"])[1 if f["kind"] == "s3" else 0:]
                if f["kind"] == "cloudwatch":
                    lines = [orjson.loads(ln)["message"].encode() for ln in lines]
                starts.extend(int(ln.split(b" ")[10]) for ln in lines)
        assert starts, fl.id
        assert max(starts) * 1000 < deleted[fl.id]
    for account, spans in srun.log_gaps["trails"].items():
        for off, on, _ in spans:
            assert on is None
            assert not [r for r in ds.cloudtrail_records() if r["recipientAccountId"] == account
                        and ms(r["eventTime"]) > off]


def test_injected_flows_merge_into_baseline_objects_without_nodata(generated):
    srun, _, ds, _ = generated("sg-open-ssh")
    marked = {}
    for x in ds.labels:
        if x["source"] == "flow" and x["label"] == "scenario":
            marked.setdefault(x["file"], []).append(x["line"])
    assert marked
    benign_files = {x["file"] for x in ds.labels if x["source"] == "flow" and x["label"] == "benign"}
    assert set(marked) <= benign_files  # every injected line sits in a baseline object
    for path, numbers in marked.items():
        lines = ds.text_lines(path)
        rows = [ln.split(b" ") for ln in lines[1:]]
        starts = [int(r[10]) for r in rows]
        assert starts == sorted(starts), path  # in the baseline's order (capture start, then interface)
        injected = {(lines[n - 1].split(b" ")[2], int(lines[n - 1].split(b" ")[10])) for n in numbers}
        nodata = {(r[2], int(r[10])) for r in rows if r[13] == b"NODATA"}
        intervals = {(eni, start // 60) for eni, start in injected}
        assert not {(eni, start // 60) for eni, start in nodata} & intervals, path


@pytest.mark.slow
@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.stem)
def test_every_shipped_scenario_labels_exactly_its_steps_records(generated, path):
    srun, sources, ds, output = generated(path.stem)
    assert ds.manifest["scenario"]["id"] == srun.scenario.id
    assert ds.manifest["parameters"]["sources"] == list(sources)
    check_scenario_records(ds, srun.config.injections, sources)
    labelled = sum(1 for x in ds.labels if x["label"] == "scenario")
    assert labelled == sum(n for per in ds.manifest["scenario"]["records"].values() for n in per.values())
    expected = {}
    for i in srun.config.injections:
        if i.source in sources:
            expected.setdefault(i.step, {}).setdefault(i.source, 0)
            expected[i.step][i.source] += 1
    assert ds.manifest["scenario"]["records"] == expected
    assert f"Scenario {srun.scenario.id}" in output

