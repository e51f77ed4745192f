"""Semantic checks of questions and expected detections (part of simulator.scenario.semantic).

Questions: one answer form, known steps/actors/facts/record sources and fields, type-compatible picks and
tolerances. Detections: known steps.
"""

from __future__ import annotations

from typing import Any

from simulator.actions import ACTIONS
from simulator.scenario.errors import ScenarioError, did_you_mean
from simulator.scenario.questions import ACTOR_FIELDS, LINE_FIELDS, STEP_FIELDS
from simulator.scenario.yamlload import Document

# Facts every action reports through simulator.actions.records.Step.result, besides its own ``facts``.
COMMON_FACTS = {
    "actor": "the caller's ARN (or name)", "actor_name": "the caller's user or session name",
    "account_id": "the caller's account", "source_ip": "the IP the step came from",
    "time": "epoch ms of the step's first record", "end_time": "epoch ms of its last record",
    "records": "records written per log source", "first_event": "eventName of its first CloudTrail record",
    "event_names": "distinct eventNames", "event_count": "CloudTrail records written",
    "cloudtrail_suppressed": "CloudTrail records not delivered because logging was off",
}


def dicts(value: Any) -> list[tuple[int, dict]]:
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list) else []


def question_errors(doc: Document, data: dict) -> list[ScenarioError]:
    out: list[ScenarioError] = []
    steps = {s["id"]: ACTIONS.get(s.get("action")) for _, s in dicts(data.get("timeline")) if isinstance(s.get("id"), str)}
    actors = data.get("actors") if isinstance(data.get("actors"), dict) else {}
    for i, q in dicts(data.get("questions")):
        a, qtype = q.get("answer"), q.get("type")
        path = ("questions", i, "answer")
        if not isinstance(a, dict):
            continue
        forms = [k for k in ("actor", "fact", "records") if k in a]
        if "actor" in a and ("step" in a or "steps" in a):
            forms.append("step")
        if len(forms) > 1 or (not forms and "step" not in a):
            out.append(doc.error(path, "an answer is one of {actor, field}, {step, fact}, {step, field: time|end} or "
                                       "{step(s), records, field, pick}"))
            continue
        if "actor" in a:
            if a["actor"] not in actors:
                out.append(doc.error((*path, "actor"), f"unknown actor {a['actor']!r}" + did_you_mean(str(a["actor"]), actors)))
            if a.get("field", "arn") not in ACTOR_FIELDS:
                out.append(doc.error((*path, "field"), f"actors have no field {a.get('field')!r}"
                                     + did_you_mean(str(a.get("field")), ACTOR_FIELDS)))
            continue
        refs = a.get("steps") if isinstance(a.get("steps"), list) else [a.get("step")]
        if "steps" in a and "step" in a:
            out.append(doc.error(path, "give step or steps, not both"))
        if "steps" in a and "records" not in a:
            out.append(doc.error((*path, "steps"), "several steps only combine through records; use step"))
        bad = False
        for j, ref in enumerate(refs):
            where = (*path, "steps", j) if "steps" in a else (*path, "step")
            if ref not in steps:
                out.append(doc.error(where, f"unknown step {ref!r}" + did_you_mean(str(ref), steps)))
                bad = True
        if bad:
            continue
        specs = [steps[r] for r in refs]
        if "fact" in a:
            spec = specs[0]
            if spec is not None and a["fact"] not in spec.facts and a["fact"] not in COMMON_FACTS:
                hint = did_you_mean(str(a["fact"]), [*spec.facts, *COMMON_FACTS])
                if not hint and spec.facts:
                    hint = "; it reports: " + ", ".join(spec.facts) + " (and the facts every action reports)"
                out.append(doc.error((*path, "fact"), f"action {spec.name!r} does not report fact {a['fact']!r}"
                                     + hint))
        elif "records" in a:
            for ref, spec in zip(refs, specs, strict=False):
                if spec is not None and a["records"] not in spec.sources:
                    out.append(doc.error((*path, "records"), f"step {ref!r} ({spec.name}) writes no {a['records']} "
                                         f"records; it writes: {', '.join(spec.sources)}"))
            names = LINE_FIELDS.get(a["records"])
            if names and isinstance(a.get("field"), str) and a["field"] not in (*names, "time"):
                out.append(doc.error((*path, "field"), f"{a['records']} records have no field {a['field']!r}"
                                     + did_you_mean(a["field"], names)))
            if a.get("pick") in ("sum", "min", "max") and qtype not in ("number", "time"):
                out.append(doc.error((*path, "pick"), f"pick {a['pick']!r} gives a number; use type number"))
            if a.get("pick") == "count" and qtype != "number":
                out.append(doc.error((*path, "pick"), "pick 'count' gives a number; use type number"))
        else:
            if a.get("field", "time") not in STEP_FIELDS:
                out.append(doc.error((*path, "field"), "a step's own fields are time and end; for record fields add "
                                     "records: <source>" + did_you_mean(str(a.get("field")), STEP_FIELDS)))
            elif qtype not in ("time", None):
                out.append(doc.error(("questions", i, "type"), "a step's time answers a time question; use type: time"))
        if "pick" in a and "records" not in a:
            out.append(doc.error((*path, "pick"), "pick applies to records"))
    for i, q in dicts(data.get("questions")):
        tol, qtype = q.get("tolerance"), q.get("type")
        if tol is None:
            continue
        path = ("questions", i, "tolerance")
        if qtype in ("text", "set"):
            out.append(doc.error(path, f"{qtype} questions take no tolerance"))
        elif qtype == "time" and not isinstance(tol, str):
            out.append(doc.error(path, "a time tolerance is a duration such as 5m"))
        elif qtype == "time" and tol.endswith("%"):
            out.append(doc.error(path, "a time tolerance is a duration such as 5m, not a percentage"))
        elif qtype == "number" and isinstance(tol, str) and not tol.endswith("%"):
            out.append(doc.error(path, "a number tolerance is a number or a percentage such as 5%"))
    return out


def detection_errors(doc: Document, data: dict) -> list[ScenarioError]:
    out = []
    steps = {s["id"] for _, s in dicts(data.get("timeline")) if isinstance(s.get("id"), str)}
    for i, d in dicts(data.get("detections")):
        for j, ref in enumerate(d.get("steps") or []):
            if isinstance(ref, str) and ref not in steps:
                out.append(doc.error(("detections", i, "steps", j), f"unknown step {ref!r}" + did_you_mean(ref, steps)))
    return out
