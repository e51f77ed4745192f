"""Compilation: injections, timeline, answers from ground truth, determinism, per-student variants."""

import dataclasses

import orjson
import pytest

from simulator.engine.context import RunConfig
from simulator.scenario.compile import compile_scenario, dataset_files, prepare_scenario_run
from simulator.scenario.errors import ScenarioInvalid
from simulator.scenario.load import parse_scenario
from simulator.scenario.questions import check_answer

from .conftest import MINI, compiled, replace_once


def _payloads(run):
    return [(i.source, i.time_ms, orjson.dumps(i.payload), i.step, i.technique) for i in run.config.injections]


def test_run_config_carries_the_scenario():
    run = compiled()
    c = run.config
    assert (c.seed, c.student, c.scale, c.duration_seconds) == (1, None, 100, 2 * 86400)
    assert c.start.isoformat() == "2026-03-02T06:00:00+00:00"
    assert run.world_overrides == {"buckets": {"customer-records": {"data_events": True, "access_logging": True}}}
    start = c.start_ms
    assert all(start <= i.time_ms < start + c.duration_seconds * 1000 for i in c.injections)
    assert {i.scenario for i in c.injections} == {"mini-dba"}
    assert {i.step for i in c.injections} == {"login", "stop", "exfil", "restart"}


def test_base_config_keeps_engine_settings():
    s = compiled().scenario
    run = compile_scenario(s, seed=3, student=None, base=RunConfig(jobs=2, sources=("cloudtrail",)))
    assert run.config.jobs == 2 and run.config.sources == ("cloudtrail",) and run.config.seed == 3


def test_timeline_is_resolved_in_order_with_record_counts():
    run = compiled()
    steps = [e.step for e in run.timeline]
    assert steps == ["login", "stop", "exfil", "restart"]
    t = {e.step: e for e in run.timeline}
    assert t["stop"].time_ms - t["login"].end_ms in range(3 * 60_000, 5 * 60_000 + 1)  # +4m, jitter 1m
    assert 0 <= t["exfil"].time_ms - (t["stop"].end_ms + 10 * 60_000) < 1000  # whole seconds, never earlier
    assert 0 <= t["restart"].time_ms - (t["exfil"].end_ms + 30 * 60_000) < 1000
    assert t["login"].records == {"cloudtrail": 1}
    # the trail is stopped during the download: only the access log sees it
    assert "cloudtrail" not in t["exfil"].records and t["exfil"].records["s3"] > 0
    counts = {}
    for i in run.config.injections:
        counts.setdefault(i.step, {}).setdefault(i.source, 0)
        counts[i.step][i.source] += 1
    assert counts == {e.step: e.records for e in run.timeline}
    assert run.log_gaps["trails"][run.actors["insider"]["account_id"]][0][:2] == [t["stop"].time_ms,
                                                                               t["restart"].time_ms]


def test_answers_come_from_the_ground_truth():
    run = compiled()
    key, facts, insider = run.answer_key, run.facts, run.actors["insider"]
    assert key["who"]["value"] == insider["arn"]
    assert check_answer(key["who"], insider["name"].upper()) and check_answer(key["who"], insider["arn"])
    stop = next(e for e in run.timeline if e.step == "stop")
    assert key["when"]["value_ms"] == stop.time_ms and key["when"]["tolerance_seconds"] == 300
    assert key["objects"]["value"] == facts["exfil"]["objects"]
    assert key["first-call"]["value"] == "ConsoleLogin"
    assert key["ip"]["value"] == [facts["exfil"]["source_ip"]]


def test_detections_reference_their_steps_records():
    run = compiled()
    (d,) = run.detections
    stop_ids = [i.payload["eventID"] for i in run.config.injections if i.step == "stop"]
    assert d["steps"] == ["stop"] and d["event_ids"] == stop_ids and d["within_seconds"] == 900


def test_reference_solution_gets_this_worlds_log_group():
    run = compiled()
    prod = run.world.account("prod").id
    mf = run.solution["metric_filters"][0]
    assert mf["logGroupName"] == run.world.trail_for(prod).log_group
    assert run.solution["alarms"][0]["AlarmActions"] == ["arn:aws:sns:${AWS::Region}:${AWS::AccountId}:security-alerts"]
    pattern = orjson.loads(run.solution["rules"][0]["EventPattern"])
    assert pattern["detail"] == {"eventName": ["StopLogging"]}


def test_deterministic_for_the_same_inputs():
    a = compile_scenario(compiled().scenario, seed=1, student="s7")
    b = prepare_scenario_run(MINI, seed=1, student="s7")
    assert _payloads(a) == _payloads(b)
    assert a.answer_key == b.answer_key and dataset_files(a) == dataset_files(b)


def test_students_get_different_variants_and_answers_follow():
    runs = {s: compiled(1, s) for s in ("alice", "bob", "carol")}
    insiders = {r.actors["insider"]["arn"] for r in runs.values()}
    times = {r.answer_key["when"]["value"] for r in runs.values()}
    assert len(insiders) == 3 and len(times) == 3
    for r in runs.values():
        assert r.answer_key["who"]["value"] == r.actors["insider"]["arn"]
        assert r.actors["insider"]["job"] == "dba"
    alice, bob = runs["alice"], runs["bob"]
    assert not check_answer(alice.answer_key["who"], bob.actors["insider"]["name"])
    assert compiled(2, "alice").answer_key["who"] != alice.answer_key["who"]


def test_choose_params_vary_per_student(mini_text):
    text = replace_once(mini_text, "params: {bucket: customer-records}",
                        "params: {bucket: {choose: [customer-records, statements]}}")
    s = parse_scenario(text)
    buckets = {compile_scenario(s, seed=1, student=f"s{i}").facts["exfil"]["bucket"].split("-")[1] for i in range(12)}
    assert buckets == {"customer", "statements"}


def test_new_bucket_is_resolved_to_its_world_name(mini_text):
    text = replace_once(mini_text, "    customer-records: {data_events: true, access_logging: true}",
                        "    payroll: {objects: 25, data_events: true, access_logging: true, key_prefix: pay/}")
    text = replace_once(text, "params: {bucket: customer-records}", "params: {bucket: payroll}")
    run = compile_scenario(parse_scenario(text), seed=1, student=None)
    prod = run.world.account("prod").id
    assert run.facts["exfil"]["bucket"] == f"anybank-payroll-{prod}"
    assert run.facts["exfil"]["objects"] <= 25


def test_world_dependent_errors_surface_at_compile(mini_text):
    text = replace_once(mini_text, "user: {job: dba}", "user: {job: dba, name: nobody}")
    with pytest.raises(ScenarioInvalid) as e:
        compile_scenario(parse_scenario(text, "w.yaml"), seed=1, student=None)
    (err,) = e.value.errors
    assert err.field == "actors.insider.user.name" and "no world user is named 'nobody'" in err.message


def test_step_records_past_the_end_are_reported(mini_text):
    # the download takes seconds: started 5 s before the end, its records cannot all fit
    text = replace_once(mini_text, "    at: +10m\n", "    at: 2026-03-04T05:59:55Z\n")
    text = replace_once(text, "    at: +30m after exfil\n", "    at: 2026-03-03T00:00:00Z\n")
    with pytest.raises(ScenarioInvalid) as e:
        compile_scenario(parse_scenario(text), seed=1, student=None)
    (err,) = e.value.errors
    assert err.field == "timeline[2]" and "but they must end before the baseline ends at 2026-03-04T06:00:00Z" in \
        err.message
    late = replace_once(mini_text, "at: +30m after exfil", "at: +3d after exfil")
    with pytest.raises(ScenarioInvalid, match="step 'restart' falls after the baseline end"):
        compile_scenario(parse_scenario(late), seed=1, student=None)


def test_dataset_files_are_json():
    files = dataset_files(compiled())
    assert sorted(files) == ["scenario/answer_key.json", "scenario/scenario.json"]
    summary = orjson.loads(files["scenario/scenario.json"])
    assert [s["step"] for s in summary["timeline"]] == ["login", "stop", "exfil", "restart"]
    assert orjson.loads(files["scenario/answer_key.json"])["answers"]["who"]["type"] == "text"


def test_the_engine_accepts_the_injections():
    from simulator.engine.run import route_injections

    run = compiled()
    routed = route_injections(run.config)
    assert sum(len(v) for w in routed.values() for v in w.values()) == len(run.config.injections)


def test_placeholder_for_a_missing_log_group_is_reported(mini_text):
    text = replace_once(mini_text, "${Trailwatch::CloudTrailLogGroup}", "${Trailwatch::FlowLogGroup::security}")
    with pytest.raises(ScenarioInvalid, match="security account has no flow log delivered to CloudWatch Logs"):
        compile_scenario(parse_scenario(text), seed=1, student=None)


def test_benign_only_scenario_compiles_to_no_injections():
    text = """
id: quiet-week
title: A quiet week
story: Nothing happened. Did your alarms stay quiet?
difficulty: beginner
baseline: {start: 2026-03-02T06:00:00Z, duration: 1d, intensity: busy}
timeline: []
"""
    run = compile_scenario(parse_scenario(text), seed=1, student="x")
    assert run.config.injections == () and run.timeline == () and run.answer_key == {}
    assert run.world_overrides == {"intensity": 2.0}


def test_an_action_crash_is_reported_at_its_step(mini_text, monkeypatch):
    from simulator.actions import ACTIONS

    spec = ACTIONS["start_logging"]

    def boom(ctx, params):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(ACTIONS, "start_logging", dataclasses.replace(spec, emit=boom))
    with pytest.raises(ScenarioInvalid) as e:
        compile_scenario(parse_scenario(mini_text, "m.yaml"), seed=1, student=None)
    (err,) = e.value.errors
    assert err.field == "timeline[3]" and err.message == "action 'start_logging' crashed: ZeroDivisionError: division by zero"


def test_params_can_reference_actors(mini_text):
    text = replace_once(mini_text, "    from: home\n", "    from: home\n  colleague:\n    user: {job: dba}\n")
    text = replace_once(text, "questions:\n", """  - id: persist
    action: create_access_key
    actor: insider
    at: +2m
    params: {target_user: {actor: colleague}}
questions:
""")
    s = parse_scenario(text)
    for student in ("a", "b"):
        run = compile_scenario(s, seed=1, student=student)
        assert run.facts["persist"]["target_user"] == run.actors["colleague"]["name"]
        assert run.actors["colleague"]["name"] != run.actors["insider"]["name"]


def test_identical_across_processes_and_hash_seeds():
    import os
    import subprocess
    import sys

    code = ("import hashlib, orjson; from simulator.scenario import prepare_scenario_run, dataset_files; "
            f"r = prepare_scenario_run({str(MINI)!r}, seed=4, student='p'); "
            "h = hashlib.sha256(b''.join(orjson.dumps([i.source, i.time_ms, i.payload, i.step]) "
            "for i in r.config.injections)); [h.update(v) for v in dataset_files(r).values()]; print(h.hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(digests) == 1


def test_write_dataset_files(tmp_path):
    from simulator.scenario import write_dataset_files

    run = compiled()
    entries = write_dataset_files(run, tmp_path)
    assert [e.path for e in entries] == ["scenario/scenario.json", "scenario/answer_key.json"]
    for e in entries:
        assert (tmp_path / e.path).read_bytes() == dataset_files(run)[e.path] and e.kind == "scenario"
