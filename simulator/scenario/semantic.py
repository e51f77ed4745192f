"""Semantic checks: what JSON Schema cannot say. Runs on the raw YAML data (even when the schema check
failed somewhere else) so one run reports every problem.

Checks (actor and world checks in semantic_world, question and detection checks in semantic_answers):
duplicate ids; actors (exactly one identity, known country, home IPs only for users); world
overrides (known bucket options, access logging only where AWS allows it, valid flow-log formats);
baseline times; steps (known action and actor, the actor kind the action accepts, params valid for the
action, unknown buckets, time expressions, step before the baseline start or after its end, references
to earlier steps); questions (known steps/actors/facts/record sources, type-compatible answers,
tolerances); detections (known steps); the reference solution (simulator.scenario.solutions).
"""

from __future__ import annotations

import math
from typing import Any

from simulator.actions import ACTIONS
from simulator.scenario.errors import ScenarioError, did_you_mean
from simulator.scenario.model import ACTOR_KINDS
from simulator.scenario.overrides import WORLD_BUCKET_PURPOSES
from simulator.scenario.schemacheck import validate_against
from simulator.scenario.semantic_answers import detection_errors, dicts, question_errors
from simulator.scenario.semantic_world import actor_errors, world_errors
from simulator.scenario.solutions import solution_errors
from simulator.scenario.timeexpr import (
    Absolute,
    After,
    DayClock,
    DayWindow,
    TimeSyntaxError,
    parse_duration,
    parse_instant,
    parse_time,
)
from simulator.scenario.variants import ACTOR_REF_FIELDS, CHOOSE, alternatives, is_actor_ref, is_choice
from simulator.scenario.yamlload import Document

BUCKET_PARAMS = ("bucket", "buckets")


def _unique(doc: Document, section: str, items: list[tuple[int, dict]]) -> list[ScenarioError]:
    out, seen = [], {}
    for i, item in items:
        ident = item.get("id")
        if isinstance(ident, str):
            if ident in seen:
                out.append(doc.error((section, i, "id"), f"duplicate id {ident!r} (also {section}[{seen[ident]}])"))
            seen.setdefault(ident, i)
    return out


def _baseline(doc: Document, data: dict) -> tuple[list[ScenarioError], int | None, int | None]:
    b = data.get("baseline")
    if not isinstance(b, dict):
        return [], None, None
    out, start, dur = [], None, None
    if isinstance(b.get("start"), str):
        try:
            t = parse_instant(b["start"])
            if t.second or t.microsecond:
                out.append(doc.error(("baseline", "start"), "the baseline must start on a whole minute"))
            start = int(t.timestamp() * 1000)
        except TimeSyntaxError as e:
            out.append(doc.error(("baseline", "start"), str(e)))
    if isinstance(b.get("duration"), str):
        try:
            dur = parse_duration(b["duration"]) * 1000
            if dur == 0:
                out.append(doc.error(("baseline", "duration"), "the baseline needs a positive duration"))
        except TimeSyntaxError:
            pass  # the schema reports it
    return out, start, dur


def _bucket_errors(doc: Document, path: tuple, params: dict, known: set[str]) -> list[ScenarioError]:
    out = []
    for name in BUCKET_PARAMS:
        if name not in params:
            continue
        value = params[name]
        options = value[CHOOSE] if is_choice(value) else [value]
        for k, option in enumerate(options):
            where = (*path, name, CHOOSE, k) if is_choice(value) else (*path, name)
            refs = option if isinstance(option, list) else [option]
            for j, ref in enumerate(refs):
                if isinstance(ref, str) and ref not in known:
                    sub = (*where, j) if isinstance(option, list) else where
                    out.append(doc.error(sub, f"unknown bucket {ref!r}" + did_you_mean(ref, known)
                                         + " (name a world bucket by purpose, or add it under world.buckets)"))
    return out


def _ref_stand_in(value: Any) -> Any:
    """Actor references validate as the text they become."""
    if is_actor_ref(value):
        return "actor-reference"
    if is_choice(value) and isinstance(value[CHOOSE], list):
        return {CHOOSE: [_ref_stand_in(v) for v in value[CHOOSE]]}
    return [_ref_stand_in(v) for v in value] if isinstance(value, list) else value


def _actor_ref_errors(doc: Document, path: tuple, params: dict, actors: dict) -> list[ScenarioError]:
    out = []

    def walk(value: Any, where: tuple) -> None:
        if is_actor_ref(value):
            if value["actor"] not in actors:
                out.append(doc.error((*where, "actor"), f"unknown actor {value['actor']!r}"
                                     + did_you_mean(str(value["actor"]), actors)))
            if value.get("field", "name") not in ACTOR_REF_FIELDS:
                out.append(doc.error((*where, "field"), f"actors have no field {value.get('field')!r}"
                                     + did_you_mean(str(value.get("field")), ACTOR_REF_FIELDS)))
        elif is_choice(value) and isinstance(value[CHOOSE], list):
            for i, v in enumerate(value[CHOOSE]):
                walk(v, (*where, CHOOSE, i))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, (*where, i))

    for k, v in params.items():
        walk(v, (*path, k))
    return out


def _step_time_errors(doc: Document, i: int, at: str, earlier: set[str], start: int | None,
                      dur: int | None) -> list[ScenarioError]:
    path = ("timeline", i, "at")
    try:
        spec = parse_time(at)
    except TimeSyntaxError as e:
        return [doc.error(path, str(e))]
    if isinstance(spec, After) and spec.step is not None and spec.step not in earlier:
        return [doc.error(path, f"unknown step {spec.step!r} (only earlier steps can be referenced)"
                          + did_you_mean(spec.step, earlier))]
    if start is None or dur is None:
        return []
    if isinstance(spec, Absolute) and not start <= spec.ms < start + dur:
        rel = "before the baseline start" if spec.ms < start else "after the baseline end"
        return [doc.error(path, f"step time {at!r} is {rel} ({doc.data['baseline']['start']} + "
                                f"{doc.data['baseline']['duration']})")]
    if isinstance(spec, (DayClock, DayWindow)):
        days = math.ceil(dur / 86_400_000) + 1  # a local day may straddle the UTC start
        if spec.day > days:
            return [doc.error(path, f"day {spec.day} is after the baseline end (the baseline covers "
                                    f"{math.ceil(dur / 86_400_000)} day(s))")]
    return []


def _step_errors(doc: Document, data: dict, start: int | None, dur: int | None) -> list[ScenarioError]:
    out: list[ScenarioError] = []
    actors = data.get("actors") if isinstance(data.get("actors"), dict) else {}
    buckets = set(WORLD_BUCKET_PURPOSES) | set((data.get("world") or {}).get("buckets") or {})
    earlier: set[str] = set()
    for i, step in dicts(data.get("timeline")):
        path = ("timeline", i)
        action = step.get("action")
        spec = ACTIONS.get(action) if isinstance(action, str) else None
        if isinstance(action, str) and spec is None:
            out.append(doc.error((*path, "action"), f"unknown action {action!r}" + did_you_mean(action, ACTIONS)
                                 + " (list them with: trailwatch scenario actions)"))
        actor = step.get("actor")
        if isinstance(actor, str):
            if actor not in actors:
                out.append(doc.error((*path, "actor"), f"unknown actor {actor!r}" + did_you_mean(actor, actors)))
            elif spec is not None and isinstance(actors[actor], dict):
                kinds = [ACTOR_KINDS[k] for k in ACTOR_KINDS if k in actors[actor]]
                if len(kinds) == 1 and kinds[0] not in spec.actor_kinds:
                    out.append(doc.error((*path, "actor"), f"action {action!r} cannot be done by an actor of kind {kinds[0]} "
                                         f"({actor!r}); it takes: {', '.join(spec.actor_kinds)}"))
        params = step.get("params", {})
        if spec is not None and isinstance(params, dict):
            for k, v in params.items():
                if is_choice(v) and (not isinstance(v[CHOOSE], list) or not v[CHOOSE]):
                    out.append(doc.error((*path, "params", k, CHOOSE), "choose needs a non-empty list of options"))
            out += _actor_ref_errors(doc, (*path, "params"), params, actors)
            seen: set[str] = set()
            for alt in alternatives({k: _ref_stand_in(v) for k, v in params.items()
                                     if not is_choice(v) or (isinstance(v[CHOOSE], list) and v[CHOOSE])}):
                for e in validate_against(spec.params, alt, doc, (*path, "params")):
                    if str(e) not in seen:
                        seen.add(str(e))
                        out.append(e)
            out += _bucket_errors(doc, (*path, "params"), params, buckets)
        if isinstance(step.get("at"), str):
            out += _step_time_errors(doc, i, step["at"], earlier, start, dur)
        if isinstance(step.get("id"), str):
            earlier.add(step["id"])
    return out


_SHAPE_ERRORS = (TypeError, AttributeError, KeyError, IndexError, ValueError)


def semantic_errors(doc: Document, *, schema_clean: bool = True) -> list[ScenarioError]:
    """Every semantic problem of a scenario document (see the module docstring).

    With ``schema_clean=False`` (the schema check already failed) a check that trips over malformed data
    is skipped: the schema errors describe that part, and the other checks still run.
    """
    data = doc.data

    def run(check, *args) -> list[ScenarioError]:
        try:
            return check(*args)
        except _SHAPE_ERRORS:
            if schema_clean:
                raise
            return []

    out: list[ScenarioError] = []
    for section in ("timeline", "questions", "detections"):
        out += run(_unique, doc, section, dicts(data.get(section)))
    if isinstance(data.get("actors"), dict):
        out += run(actor_errors, doc, data["actors"])
    if isinstance(data.get("world"), dict):
        out += run(world_errors, doc, data["world"])
    baseline = run(lambda: [_baseline(doc, data)]) or [([], None, None)]
    base_errors, start, dur = baseline[0]
    out += base_errors
    out += run(_step_errors, doc, data, start, dur)
    out += run(question_errors, doc, data)
    out += run(detection_errors, doc, data)
    if isinstance(data.get("solution"), dict):
        out += run(solution_errors, data["solution"], lambda p, m: doc.error(p, m))
    return out
