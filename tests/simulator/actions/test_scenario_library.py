"""The shipped scenario library (scenarios/*.yaml): every scenario validates and compiles for several students,
variants differ, every expected detection is caught by the reference solution on the step's own records
(run through the grader's filter-pattern and EventBridge engines), and — through the engine — the records
labelled with a scenario step are exactly the records that step produced."""

from __future__ import annotations

import dataclasses
import gzip
from collections import Counter, defaultdict
from pathlib import Path

import orjson
import pytest

from grader.eventbridge import cloudtrail_to_eventbridge, compile_event_pattern
from grader.filterpattern import LogEvent, compile_pattern
from simulator.engine import run
from simulator.scenario.compile import prepare_scenario_run
from simulator.scenario.library import scenario_files

ROOT = Path(__file__).resolve().parents[3]
FILES = sorted((ROOT / "scenarios").glob("*.yaml"))
IDS = [f.stem for f in FILES]
EXPECTED = {
    "departing-dba",
    "console-brute-force",
    "root-account-usage",
    "iam-privilege-escalation",
    "ec2-instance-deleted",
    "sg-open-ssh",
    "logging-tampering",
    "s3-data-exposure",
    "web-app-attack",
    "ci-credentials-mining",
    "network-and-kms-changes",
    "quiet-week",
}


@pytest.fixture(scope="module")
def runs():
    return {f.stem: prepare_scenario_run(f, seed=3, student=None) for f in FILES}


def test_library_is_complete():
    assert set(IDS) >= EXPECTED
    assert {p.stem for p in scenario_files()} >= EXPECTED


@pytest.mark.parametrize("sid", IDS)
def test_validates_and_compiles_for_students(sid, runs):
    r = runs[sid]
    assert r.scenario.id == sid
    assert r.scenario.story and r.scenario.difficulty and r.scenario.topics
    for student in ("s-anna", "s-bob"):
        other = prepare_scenario_run(ROOT / "scenarios" / f"{sid}.yaml", seed=3, student=student)
        assert set(other.answer_key) == set(r.answer_key)
    if sid != "quiet-week":
        assert r.scenario.techniques and r.scenario.questions and r.scenario.detections and r.timeline
        assert r.answer_key and all(e.records for e in r.timeline)


@pytest.mark.parametrize("sid", [s for s in IDS if s != "quiet-week"])
def test_variants_differ_and_answers_follow(sid, runs):
    a = prepare_scenario_run(ROOT / "scenarios" / f"{sid}.yaml", seed=3, student="s-anna")
    b = prepare_scenario_run(ROOT / "scenarios" / f"{sid}.yaml", seed=3, student="s-bob")
    va = {k: v["value"] for k, v in a.answer_key.items()}
    vb = {k: v["value"] for k, v in b.answer_key.items()}
    assert va != vb
    assert [e.time_ms for e in a.timeline] != [e.time_ms for e in b.timeline]
    again = prepare_scenario_run(ROOT / "scenarios" / f"{sid}.yaml", seed=3, student="s-anna")
    assert {k: v["value"] for k, v in again.answer_key.items()} == va


def _log_group(world, inj) -> str | None:
    if inj.source == "cloudtrail":
        return world.trail_for(inj.payload["recipientAccountId"]).log_group
    if inj.source == "flow":
        fl = next(f for f in world.flow_logs if f.id == inj.payload["flow_log_id"])
        return fl.log_group if fl.destination == "cloud-watch-logs" else None
    return None


def _message(inj) -> str:
    if inj.source == "cloudtrail":
        from simulator.formats.cloudtrail import render_record

        return render_record(inj.payload).decode()
    return inj.payload["line"]


@pytest.mark.parametrize("sid", [s for s in IDS if s != "quiet-week"])
def test_reference_solution_catches_every_expected_detection(sid, runs):
    r = runs[sid]
    sol = r.solution
    filters = [
        (f["logGroupName"], f["metricTransformations"][0]["metricName"], compile_pattern(f["filterPattern"]))
        for f in sol.get("metric_filters", [])
    ]
    alarms = {a["MetricName"]: a for a in sol.get("alarms", [])}
    notified_topics = {s["TopicArn"] for s in sol.get("subscriptions", [])}
    rules = {x["Name"]: compile_event_pattern(x["EventPattern"]) for x in sol.get("rules", [])}
    targeted = {
        t["Rule"] for t in sol.get("targets", []) if any(x["Arn"] in notified_topics for x in t["Targets"])
    }
    by_step = defaultdict(list)
    for inj in r.config.injections:
        by_step[inj.step].append(inj)
    for det in r.scenario.detections:
        caught = False
        sums: Counter = Counter()
        for step in det.steps:
            for inj in by_step[step]:
                group = _log_group(r.world, inj)
                if group is None:
                    continue
                ev = LogEvent(_message(inj), inj.time_ms)
                for g, metric, pat in filters:
                    a = alarms.get(metric)
                    if (
                        g == group
                        and a
                        and pat.matches(ev)
                        and any(x in notified_topics for x in a["AlarmActions"])
                    ):
                        sums[(metric, inj.time_ms // (a["Period"] * 1000))] += 1
                if inj.source == "cloudtrail":
                    evt = cloudtrail_to_eventbridge(inj.payload)
                    caught |= evt is not None and any(rules[n].matches(evt) for n in targeted)
        caught |= any(n >= alarms[m]["Threshold"] for (m, _), n in sums.items())
        assert caught, f"{sid}: detection {det.id} is not caught by the reference solution"


def _read_lines(out: Path, path: str) -> list[str]:
    data = (out / path).read_bytes()
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    lines = data.decode().splitlines()
    if path.startswith("cloudwatch/"):
        return [orjson.loads(x)["message"] for x in lines]
    return lines


@pytest.mark.parametrize("sid", [s for s in IDS if s != "quiet-week"])
def test_labelled_records_are_exactly_the_steps_records(sid, runs, tmp_path):
    """Through the engine, hour by hour where the scenario injects: labels <-> injections one to one."""
    r = runs[sid]
    hours: dict[int, list] = defaultdict(list)
    for inj in r.config.injections:
        hours[inj.time_ms // 3_600_000].append(inj)
    assert hours
    for hour, injs in sorted(hours.items()):
        cfg = dataclasses.replace(
            r.config,
            start=r.config.start.fromtimestamp(hour * 3600, r.config.start.tzinfo),
            duration_seconds=3600,
            injections=tuple(injs),
            sources=tuple(sorted({i.source for i in injs})),
            jobs=1,
        )
        out = tmp_path / str(hour)
        run(cfg, out)
        labelled: dict[str, list] = defaultdict(list)
        for f in sorted((out / "labels").rglob("*.jsonl.gz")):
            for line in gzip.decompress(f.read_bytes()).splitlines():
                lab = orjson.loads(line)
                if lab["label"] == "scenario":
                    assert lab["scenario"] == sid
                    labelled[lab["source"]].append(lab)
        for source in {i.source for i in injs}:
            mine = [i for i in injs if i.source == source]
            got = labelled[source]
            assert len(got) == len(mine), (sid, source)
            if source == "cloudtrail":
                assert {(x["eventID"], x["step"]) for x in got} == {
                    (i.payload["eventID"], i.step) for i in mine
                }
                continue
            want = Counter(
                (i.step, i.payload["line"] if isinstance(i.payload, dict) else i.payload) for i in mine
            )
            seen = Counter()
            cache: dict[str, list[str]] = {}
            for x in got:
                lines = cache.setdefault(x["file"], _read_lines(out, x["file"]))
                seen[(x["step"], lines[x["line"] - 1])] += 1
            assert seen == want, (sid, source)
        assert sum(len(v) for v in labelled.values()) == len(injs)
