"""Investigation questions: where each answer comes from, computing it from the ground truth, checking it.

Answer sources (never typed in by hand):
  {actor: insider, field: arn}                       a resolved actor (arn, name, access_key_id, source_ip, ...)
  {step: exfil, fact: objects}                       a fact the step's action reported
  {step: exfil, field: time}                         when the step started (``end``: its last record)
  {steps: [a, b], records: cloudtrail, field: sourceIPAddress, pick: distinct}
                                                     values read from the records the steps produced
Answer types: text (case-insensitive; an ARN and its name both count), set (same members),
number (with an absolute or percentage tolerance), time (ISO 8601, with a duration tolerance).
The answer key entry is JSON-ready; ``check_answer(entry, given)`` is what the grader applies.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.actions.base import Actor, StepResult
from simulator.engine.context import Injection
from simulator.formats.alb import FIELDS as ALB_FIELDS
from simulator.formats.s3access import FIELD_NAMES as S3_FIELDS
from simulator.formats.vpcflow import FIELD_VERSIONS, parse_log_format
from simulator.scenario.model import QuestionSpec
from simulator.scenario.timeexpr import parse_duration, parse_instant

ACTOR_FIELDS = ("arn", "name", "access_key_id", "principal_id", "account_id", "source_ip", "source_ips", "region")
STEP_FIELDS = ("time", "end")
PICKS = ("first", "last", "distinct", "count", "sum", "min", "max")
DEFAULT_PICK = {"text": "first", "time": "first", "set": "distinct", "number": "count"}
# field names of line-log records (AWS's names, as in simulator.formats)
LINE_FIELDS = {"s3": S3_FIELDS, "alb": ALB_FIELDS, "flow": tuple(FIELD_VERSIONS)}
_TOKEN = re.compile(r'"[^"]*"|\[[^\]]*\]|\S+')


class AnswerError(ValueError):
    """The answer cannot be computed for this variant (e.g. a fact of the wrong shape)."""


@dataclass
class GroundTruth:
    actors: Mapping[str, Actor]
    results: Mapping[str, StepResult]
    step_times: Mapping[str, int]
    flow_formats: Mapping[str, str | None] | None = None  # flow log id -> log_format (world.flow_logs)


def line_fields(source: str, payload: Any, flow_formats: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The named fields of one line-log record (S3 access, ALB, or a flow record ``{flow_log_id, line}``)."""
    if source == "flow":
        names = parse_log_format((flow_formats or {}).get(payload["flow_log_id"]))
        return dict(zip(names, payload["line"].split(), strict=False))
    names = S3_FIELDS if source == "s3" else ALB_FIELDS
    tokens = [tok[1:-1] if tok[:1] in '"[' else tok for tok in _TOKEN.findall(str(payload))]
    return dict(zip(names, tokens, strict=False))


def _actor_value(actor: Actor, field: str) -> Any:
    return {
        "arn": actor.arn or actor.user_name, "name": actor.user_name, "access_key_id": actor.access_key_id,
        "principal_id": actor.principal_id, "account_id": actor.account_id, "source_ip": actor.source_ips[0],
        "source_ips": list(actor.source_ips), "region": actor.region,
    }[field]


def _dig(payload: Any, field: str) -> Any:
    cur = payload
    for part in field.split("."):
        if not isinstance(cur, Mapping) or part not in cur:
            return None
        cur = cur[part]
    return cur


def _records(truth: GroundTruth, steps: Sequence[str], source: str) -> list[Injection]:
    out = [i for s in steps for i in truth.results[s].injections if i.source == source]
    return sorted(out, key=lambda i: i.time_ms)


def _field(r: Injection, field: str, truth: GroundTruth) -> Any:
    if field == "time":
        return r.time_ms
    if r.source == "cloudtrail":
        return _dig(r.payload, field)
    value = line_fields(r.source, r.payload, truth.flow_formats).get(field)
    return None if value == "-" else value


def _from_records(truth: GroundTruth, answer: Mapping[str, Any], qtype: str) -> Any:
    steps = answer.get("steps") or [answer["step"]]
    recs = _records(truth, steps, answer["records"])
    pick = answer.get("pick") or DEFAULT_PICK[qtype]
    field = answer.get("field")
    if pick == "count":
        return len(recs) if field is None else sum(1 for r in recs if _field(r, field, truth) is not None)
    if not recs:
        raise AnswerError(f"steps {', '.join(steps)} produced no {answer['records']} records")
    values = [v for r in recs if (v := _field(r, field or "time", truth)) is not None]
    if not values:
        raise AnswerError(f"no {answer['records']} record of {', '.join(steps)} has a field {field!r}")
    if pick == "first":
        return values[0]
    if pick == "last":
        return values[-1]
    if pick == "distinct":
        return sorted({str(v) for v in values})
    numbers = [float(v) for v in values]
    if pick == "sum":
        return sum(numbers)
    return min(numbers) if pick == "min" else max(numbers)


def raw_answer(q: QuestionSpec, truth: GroundTruth) -> Any:
    a = q.answer
    if "actor" in a:
        return _actor_value(truth.actors[a["actor"]], a.get("field", "arn"))
    if "records" in a:
        return _from_records(truth, a, q.type)
    step = a["step"]
    if "fact" in a:
        facts = truth.results[step].facts
        if a["fact"] not in facts:
            raise AnswerError(f"step {step!r} did not report fact {a['fact']!r} in this variant")
        return facts[a["fact"]]
    return truth.step_times[step] if a.get("field", "time") == "time" else truth.results[step].end_ms


def _iso(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _to_ms(value: Any) -> int:
    if isinstance(value, bool):
        raise AnswerError(f"{value!r} is not a time")
    if isinstance(value, (int, float)):
        return int(value) if value > 10**11 else int(value * 1000)  # epoch ms or seconds
    return int(parse_instant(str(value)).timestamp() * 1000)


def arn_name(value: str) -> str:
    """The name at the end of an ARN (``arn:aws:iam::1:user/bob`` -> ``bob``); other text unchanged."""
    if not value.startswith("arn:"):
        return value
    tail = value.split(":", 5)[-1]
    return tail.rsplit("/", 1)[-1] if "/" in tail else tail


def answer_entry(q: QuestionSpec, truth: GroundTruth) -> dict[str, Any]:
    """The answer key entry of one question for one variant (AnswerError when the value does not fit the type)."""
    try:
        return _entry(q, truth)
    except AnswerError:
        raise
    except (ValueError, TypeError) as e:
        raise AnswerError(f"question {q.id!r}: the answer does not fit type {q.type}: {e}") from None


def _entry(q: QuestionSpec, truth: GroundTruth) -> dict[str, Any]:
    value = raw_answer(q, truth)
    entry: dict[str, Any] = {"id": q.id, "type": q.type, "prompt": q.prompt, "points": q.points}
    if q.hint:
        entry["hint"] = q.hint
    if q.type == "text":
        if isinstance(value, (list, tuple, dict)):
            raise AnswerError(f"question {q.id!r}: the answer is a list; use type: set or a pick")
        text = str(value)
        entry["value"] = text
        entry["accept"] = sorted({text, arn_name(text)})
    elif q.type == "set":
        items = value if isinstance(value, (list, tuple)) else [value]
        entry["value"] = sorted({str(v) for v in items})
    elif q.type == "number":
        if isinstance(value, (list, tuple)):
            value = len(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AnswerError(f"question {q.id!r}: the answer {value!r} is not a number")
        entry["value"] = value
        tol = q.tolerance if q.tolerance is not None else 0
        if isinstance(tol, str) and tol.endswith("%"):
            entry["tolerance"] = abs(value) * float(tol[:-1]) / 100
            entry["tolerance_text"] = tol
        else:
            entry["tolerance"] = float(tol)
    else:
        ms = _to_ms(value)
        entry["value"] = _iso(ms)
        entry["value_ms"] = ms
        entry["tolerance_seconds"] = parse_duration(q.tolerance) if q.tolerance is not None else 60
    return entry


def _norm(text: Any) -> str:
    return str(text).strip().casefold()


def check_answer(entry: Mapping[str, Any], given: Any) -> bool:
    """Whether a learner's answer matches the key entry (type rules in the module docstring)."""
    t = entry["type"]
    try:
        if t == "text":
            g = _norm(given)
            accepted = {_norm(a) for a in entry["accept"]}
            # an ARN answer to a name question counts by its name; an ARN question needs the same ARN or name
            return g in accepted or (not str(entry["value"]).startswith("arn:")
                                     and _norm(arn_name(str(given).strip())) in accepted)
        if t == "set":
            items = given if isinstance(given, (list, tuple, set)) else str(given).replace(",", " ").split()
            return {_norm(x) for x in items} == {_norm(x) for x in entry["value"]}
        if t == "number":
            if isinstance(given, bool):
                return False
            g = float(str(given).replace(",", "")) if isinstance(given, str) else float(given)
            return abs(g - float(entry["value"])) <= float(entry["tolerance"]) + 1e-9
        return abs(_to_ms(given) - int(entry["value_ms"])) <= int(entry["tolerance_seconds"]) * 1000
    except (TypeError, ValueError, AnswerError):
        return False
