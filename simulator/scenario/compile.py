"""Compilation: a scenario + (seed, student) -> ``ScenarioRun`` (injections, timeline, answer key, ...).

    run = prepare_scenario_run("departing-dba", seed=1, student="s042")
    run.config            RunConfig: the scenario's start/duration/scale/sources, seed, student, injections
    run.world_overrides   plain data for apply_world_overrides(world, overrides) (in every worker process)
    run.timeline          resolved steps: id, time, actor, action, records per source
    run.answer_key        question id -> expected answer, type, tolerance (questions.check_answer)
    run.detections        expected detections with their steps' times and CloudTrail event ids
    run.solution          the reference solution with this world's log group names
    run.log_gaps          logging the scenario turned off (simulator.actions.logstate.gaps)

Everything is a pure function of (scenario file, seed, student): no clock, no global randomness.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.actions import ACTIONS, StepContext, StepResult, defaults
from simulator.actions.logstate import gaps
from simulator.engine.context import Injection, RunConfig
from simulator.scenario.actors import resolve_actors
from simulator.scenario.errors import ScenarioError, ScenarioInvalid
from simulator.scenario.library import find_scenario
from simulator.scenario.load import load_scenario
from simulator.scenario.model import Scenario, StepSpec
from simulator.scenario.overrides import WORLD_BUCKET_PURPOSES, apply_world_overrides, new_bucket_name
from simulator.scenario.questions import AnswerError, GroundTruth, answer_entry
from simulator.scenario.semantic import BUCKET_PARAMS
from simulator.scenario.solutions import normalise_solution, resolve_placeholders
from simulator.scenario.timeexpr import After, parse_time, resolve_time
from simulator.scenario.variants import choose_params, resolve_actor_refs, variant_rng
from simulator.world import World, build_world

DEFAULT_STEP_GAP = "+1m"


def iso(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class TimelineEntry:
    step: str
    action: str
    actor: str
    actor_arn: str
    source_ip: str
    technique: str
    time_ms: int
    end_ms: int
    records: dict[str, int]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.step, "time": iso(self.time_ms), "end": iso(self.end_ms), "actor": self.actor,
                "actor_arn": self.actor_arn, "source_ip": self.source_ip, "action": self.action,
                "technique": self.technique, "records": dict(self.records), "note": self.note}


@dataclass(frozen=True)
class ScenarioRun:
    scenario: Scenario
    seed: int
    student: str | None
    config: RunConfig
    world_overrides: dict[str, Any]
    world: World = field(repr=False)
    timeline: tuple[TimelineEntry, ...]
    answer_key: dict[str, dict[str, Any]]
    detections: tuple[dict[str, Any], ...]
    solution: dict[str, Any]
    facts: dict[str, dict[str, Any]]
    actors: dict[str, dict[str, Any]]
    log_gaps: dict[str, Any]

    def summary(self) -> dict[str, Any]:
        """The scenario's ground truth for the dataset (scenario/scenario.json), JSON-ready."""
        s = self.scenario
        return {
            "id": s.id, "title": s.title, "difficulty": s.difficulty, "techniques": list(s.techniques),
            "topics": list(s.topics), "seed": self.seed, "student": self.student,
            "time_range": {"start": iso(s.start_ms), "end": iso(s.end_ms)},
            "world_overrides": self.world_overrides, "actors": self.actors,
            "timeline": [e.to_dict() for e in self.timeline], "detections": list(self.detections),
            "log_gaps": self.log_gaps, "solution": self.solution,
        }


def world_overrides_of(scenario: Scenario) -> dict[str, Any]:
    out = {k: v for k, v in scenario.world.items() if k in ("accounts", "buckets", "flow_logs")}
    if scenario.baseline.intensity != 1.0:
        out["intensity"] = scenario.baseline.intensity
    return out


def _bucket_name(world: World, scenario: Scenario, ref: str) -> str:
    if ref in scenario.world.get("buckets", {}) and ref not in WORLD_BUCKET_PURPOSES:
        spec = scenario.world["buckets"][ref]
        return new_bucket_name(ref, world.account(spec.get("account", "prod")).id)
    return next(b.name for b in world.buckets if b.purpose == ref)


def _resolve_refs(params: dict[str, Any], world: World, scenario: Scenario) -> dict[str, Any]:
    """Bucket references (a purpose or a new bucket's id) become this world's bucket names."""
    out = dict(params)
    for name in BUCKET_PARAMS:
        v = out.get(name)
        if isinstance(v, str):
            out[name] = _bucket_name(world, scenario, v)
        elif isinstance(v, list):
            out[name] = [_bucket_name(world, scenario, x) if isinstance(x, str) else x for x in v]
    return out


def _actor_summary(actor) -> dict[str, Any]:
    return {"kind": actor.kind, "name": actor.user_name, "arn": actor.arn, "account_id": actor.account_id,
            "source_ips": list(actor.source_ips), "region": actor.region,
            "job": actor.user.job if actor.user else None, "role": actor.role.name if actor.role else None}


def _run_steps(scenario: Scenario, world: World, seed: int, student: str | None, actors, clocks,
               errors: list[ScenarioError]) -> tuple[dict[str, StepResult], dict[str, int], dict]:
    doc = scenario.document
    results: dict[str, StepResult] = {}
    times: dict[str, int] = {}
    ends: dict[str, int] = {}
    state: dict = {}
    previous_end = scenario.start_ms
    for step in scenario.timeline:
        if step.actor not in actors:
            continue  # the actor could not be resolved (already reported)
        where = ("timeline", step.index, "at") if step.at else ("timeline", step.index)
        spec_t = parse_time(step.at or DEFAULT_STEP_GAP)
        if isinstance(spec_t, After) and spec_t.step is not None and spec_t.step not in ends:
            continue  # the anchor step failed (already reported)
        try:
            t = resolve_time(spec_t, run_start_ms=scenario.start_ms, run_end_ms=scenario.end_ms,
                             previous_end_ms=previous_end, step_end_ms=ends, clock=clocks[step.actor],
                             jitter_s=step.jitter_seconds, rng=variant_rng(scenario.id, seed, student, "time", step.id))
        except ValueError as e:
            errors.append(doc.error(where, str(e)))
            continue
        if not scenario.start_ms <= t < scenario.end_ms:
            rel = "before the baseline start" if t < scenario.start_ms else "after the baseline end"
            errors.append(doc.error(where, f"step {step.id!r} falls {rel} ({iso(t)}; the baseline runs "
                                           f"{iso(scenario.start_ms)} .. {iso(scenario.end_ms)})"))
            continue
        result = _emit(step, scenario, world, seed, student, actors, t, state, errors)
        if result is None:
            continue
        late = [i for i in result.injections if not scenario.start_ms <= i.time_ms < scenario.end_ms]
        if late:
            last = max(i.time_ms for i in late)
            errors.append(doc.error(("timeline", step.index), f"step {step.id!r} writes records until {iso(last)}, "
                                    f"but they must end before the baseline ends at {iso(scenario.end_ms)}; "
                                    "start it earlier or lengthen the baseline"))
            continue
        results[step.id], times[step.id] = result, t
        ends[step.id] = previous_end = max(result.end_ms, t)
    return results, times, state


def _emit(step: StepSpec, scenario: Scenario, world: World, seed: int, student: str | None, actors, t: int,
          state: dict, errors: list[ScenarioError]) -> StepResult | None:
    spec = ACTIONS[step.action]
    params = choose_params(step.params, variant_rng(scenario.id, seed, student, "params", step.id))
    try:
        params = resolve_actor_refs(params, actors)
    except KeyError:
        return None  # a referenced actor could not be resolved (already reported)
    params = defaults(spec, _resolve_refs(params, world, scenario))
    ctx = StepContext(world=world, scenario_id=scenario.id, step_id=step.id, technique=step.technique or "",
                      actor=actors[step.actor], time_ms=t, rng=variant_rng(scenario.id, seed, student, "step", step.id),
                      state=state, params=params)
    try:
        return spec.emit(ctx, params)
    except (ValueError, LookupError) as e:  # the action refuses this step (unknown trail, nothing to delete, ...)
        msg = e.args[0] if e.args and isinstance(e.args[0], str) else str(e)
        errors.append(scenario.document.error(("timeline", step.index), f"action {step.action!r} failed: {msg}"))
        return None
    except Exception as e:  # a defect in the action: still name the step, and keep the type for the bug report
        errors.append(scenario.document.error(("timeline", step.index), f"action {step.action!r} crashed: "
                                              f"{type(e).__name__}: {e}"))
        return None


def _detections(scenario: Scenario, results: dict[str, StepResult], times: dict[str, int]) -> tuple[dict, ...]:
    out = []
    for d in scenario.detections:
        injections = [i for s in d.steps if s in results for i in results[s].injections]
        counts: dict[str, int] = {}
        for i in injections:
            counts[i.source] = counts.get(i.source, 0) + 1
        first = min((i.time_ms for i in injections), default=min((times[s] for s in d.steps if s in times), default=0))
        out.append({
            "id": d.id, "description": d.description, "steps": list(d.steps), "points": d.points,
            "within_seconds": d.within_seconds, "first_record": iso(first) if first else None,
            "records": dict(sorted(counts.items())),
            "event_ids": sorted(i.payload["eventID"] for i in injections
                                if i.source == "cloudtrail" and isinstance(i.payload, dict) and "eventID" in i.payload),
        })
    return tuple(out)


def compile_scenario(scenario: Scenario, *, seed: int, student: str | None,
                     base: RunConfig | None = None) -> ScenarioRun:
    """Resolve a loaded scenario for one (seed, student); raises ScenarioInvalid with every problem."""
    base = base or RunConfig()
    scale = int(scenario.world.get("scale", base.scale))
    overrides = world_overrides_of(scenario)
    world = apply_world_overrides(build_world(seed, student, scale), overrides)
    actors, clocks, errors = resolve_actors(
        scenario, world, lambda aid: variant_rng(scenario.id, seed, student, "actor", aid))
    results, times, state = _run_steps(scenario, world, seed, student, actors, clocks, errors)
    truth = GroundTruth(actors, results, times, {f.id: f.log_format for f in world.flow_logs})
    key: dict[str, dict[str, Any]] = {}
    for q in scenario.questions:
        refs = [q.answer.get("step")] if "step" in q.answer else list(q.answer.get("steps", []))
        if any(r not in results for r in refs if r) or ("actor" in q.answer and q.answer["actor"] not in actors):
            continue  # a step or actor it depends on failed (already reported)
        try:
            key[q.id] = answer_entry(q, truth)
        except AnswerError as e:
            errors.append(scenario.document.error(("questions", q.index, "answer"), str(e)))
    solution: dict[str, Any] = {}
    if scenario.solution:
        try:
            solution = resolve_placeholders(normalise_solution(scenario.solution), world)
        except KeyError as e:
            errors.append(scenario.document.error(("solution",), str(e.args[0])))
    if errors:
        raise ScenarioInvalid(errors)
    injections: list[Injection] = [i for s in scenario.timeline if s.id in results for i in results[s.id].injections]
    config = dataclasses.replace(
        base, seed=seed, student=student, start=scenario.baseline.start,
        duration_seconds=scenario.baseline.duration_seconds, scale=scale,
        sources=scenario.baseline.sources or base.sources, injections=tuple(injections),
        world_overrides=overrides, log_gaps=gaps(state))
    timeline = []
    for s in scenario.timeline:
        r = results[s.id]
        counts: dict[str, int] = {}
        for i in r.injections:
            counts[i.source] = counts.get(i.source, 0) + 1
        a = actors[s.actor]
        timeline.append(TimelineEntry(s.id, s.action, s.actor, a.arn or a.user_name, str(r.facts.get("source_ip",
                                      a.source_ips[0])), s.technique or "", times[s.id], r.end_ms,
                                      dict(sorted(counts.items())), s.note))
    return ScenarioRun(
        scenario=scenario, seed=seed, student=student, config=config, world_overrides=overrides, world=world,
        timeline=tuple(timeline), answer_key=key, detections=_detections(scenario, results, times),
        solution=solution,
        facts={sid: r.facts for sid, r in results.items()},
        actors={aid: _actor_summary(a) for aid, a in actors.items()}, log_gaps=gaps(state),
    )


def prepare_scenario_run(ref: str | Path, *, seed: int, student: str | None,
                         base: RunConfig | None = None) -> ScenarioRun:
    """Load a scenario by library id or path and compile it (see the module docstring)."""
    return compile_scenario(load_scenario(find_scenario(ref)), seed=seed, student=student, base=base)


def dataset_files(run: ScenarioRun) -> dict[str, bytes]:
    """The scenario's ground-truth files for the dataset (relative path -> bytes, deterministic JSON)."""
    import orjson

    dump = lambda value: orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n"  # noqa: E731
    return {
        "scenario/scenario.json": dump(run.summary()),
        "scenario/answer_key.json": dump({"scenario": run.scenario.id, "seed": run.seed, "student": run.student,
                                          "answers": run.answer_key}),
    }


def write_dataset_files(run: ScenarioRun, out_dir: Path) -> list:
    """Write ``dataset_files(run)`` under out_dir; returns their manifest FileEntry objects (kind "scenario")."""
    from simulator.engine.output import write_file

    counts = {"scenario/scenario.json": len(run.timeline), "scenario/answer_key.json": len(run.answer_key)}
    return [write_file(out_dir, rel, data, records=counts[rel], source="scenario", kind="scenario")
            for rel, data in dataset_files(run).items()]
