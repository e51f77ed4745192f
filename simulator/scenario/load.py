"""Reading a scenario file: YAML with positions -> schema check -> semantic checks -> ``Scenario``.

``load_scenario`` raises ``ScenarioInvalid`` carrying every error found (file:line:column, field, message);
``check_document`` returns them without raising (the CLI's ``validate``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simulator.actions import ACTIONS
from simulator.scenario.errors import ScenarioError, ScenarioInvalid
from simulator.scenario.model import (
    INTENSITY_LEVELS,
    ActorSpec,
    Baseline,
    DetectionSpec,
    QuestionSpec,
    Scenario,
    StepSpec,
)
from simulator.scenario.schemacheck import schema_errors
from simulator.scenario.semantic import semantic_errors
from simulator.scenario.timeexpr import parse_duration, parse_instant
from simulator.scenario.yamlload import Document, load_document


def read_document(path: Path) -> Document:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ScenarioInvalid([ScenarioError(str(path), 0, 0, "", f"cannot read the file: {e}")]) from None
    return load_document(text, str(path))


def check_document(doc: Document) -> list[ScenarioError]:
    """Schema and semantic errors of a parsed document (empty when it is valid)."""
    structural = schema_errors(doc)
    return sorted(dict.fromkeys(structural + semantic_errors(doc, schema_clean=not structural)))


def _actor(aid: str, spec: dict[str, Any]) -> ActorSpec:
    kind = next(k for k in ("user", "role", "root", "outsider") if k in spec)
    selector = {"account": spec["root"]} if kind == "root" else dict(spec[kind] or {})
    origin = "internet" if kind == "outsider" else spec.get("from", "usual")
    return ActorSpec(
        id=aid, kind=kind, selector=selector, origin=origin, country=spec.get("country"),
        ips=tuple(spec.get("ips", ())), ip_count=int(spec.get("ip_count", 1)), tool=spec.get("tool"),
        user_agents=dict(spec.get("user_agents", {})), region=spec.get("region"), timezone=spec.get("timezone"),
        description=spec.get("description", ""),
    )


def build_scenario(doc: Document, path: Path | None = None) -> Scenario:
    """The typed scenario of a document that passed ``check_document``."""
    d = doc.data
    b = d["baseline"]
    intensity = b.get("intensity", "normal")
    baseline = Baseline(
        start=parse_instant(b["start"]), duration_seconds=parse_duration(b["duration"]),
        intensity=INTENSITY_LEVELS[intensity] if isinstance(intensity, str) else float(intensity),
        sources=tuple(b["sources"]) if "sources" in b else None,
    )
    steps = tuple(
        StepSpec(index=i, id=s["id"], action=s["action"], actor=s["actor"], at=s.get("at"),
                 jitter_seconds=parse_duration(s.get("jitter", "0s")),
                 technique=s.get("technique") or (ACTIONS[s["action"]].techniques or (None,))[0],
                 params=dict(s.get("params") or {}), note=s.get("note", ""))
        for i, s in enumerate(d["timeline"])
    )
    questions = tuple(
        QuestionSpec(index=i, id=q["id"], prompt=q["prompt"], type=q["type"], answer=dict(q["answer"]),
                     tolerance=q.get("tolerance"), points=float(q.get("points", 1)), hint=q.get("hint", ""))
        for i, q in enumerate(d.get("questions", []))
    )
    detections = tuple(
        DetectionSpec(index=i, id=x["id"], steps=tuple(x["steps"]), description=x.get("description", ""),
                      within_seconds=parse_duration(x["within"]) if "within" in x else None,
                      points=float(x.get("points", 1)))
        for i, x in enumerate(d.get("detections", []))
    )
    est = d.get("estimated_time")
    return Scenario(
        id=d["id"], title=d["title"], story=d["story"], difficulty=d["difficulty"],
        estimated_minutes=parse_duration(est) // 60 if est else None, techniques=tuple(d.get("techniques", ())),
        topics=tuple(d.get("topics", ())), world=dict(d.get("world") or {}), baseline=baseline,
        actors={aid: _actor(aid, spec) for aid, spec in (d.get("actors") or {}).items()}, timeline=steps,
        questions=questions, detections=detections, solution=dict(d.get("solution") or {}), document=doc, path=path,
    )


def parse_scenario(text: str, file: str = "<string>") -> Scenario:
    """A scenario from YAML text (raises ScenarioInvalid with every error)."""
    doc = load_document(text, file)
    errors = check_document(doc)
    if errors:
        raise ScenarioInvalid(errors)
    return build_scenario(doc)


def load_scenario(path: str | Path) -> Scenario:
    """A scenario from a file (raises ScenarioInvalid with every error)."""
    p = Path(path)
    doc = read_document(p)
    errors = check_document(doc)
    if errors:
        raise ScenarioInvalid(errors)
    return build_scenario(doc, p)
