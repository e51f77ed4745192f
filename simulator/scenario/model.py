"""The parsed scenario: typed, immutable views of a validated YAML file.

``Scenario`` keeps the source ``Document`` so later stages (compilation, answers) can still point at
file:line:column. Build one with ``simulator.scenario.load.load_scenario``; the fields mirror
scenarios/schema.json (see docs/authoring-scenarios.md for their meaning).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.scenario.yamlload import Document

INTENSITY_LEVELS = {"quiet": 0.5, "normal": 1.0, "busy": 2.0}
ACTOR_KINDS = {"user": "iam_user", "role": "assumed_role", "root": "root", "outsider": "outsider"}


@dataclass(frozen=True)
class Baseline:
    start: dt.datetime
    duration_seconds: int
    intensity: float = 1.0
    sources: tuple[str, ...] | None = None  # None: every source


@dataclass(frozen=True)
class ActorSpec:
    """How to find or make one actor. ``kind`` is user | role | root | outsider."""

    id: str
    kind: str
    selector: dict[str, Any]  # user: match fields; role: name/account/session_name; root: {"account"}; outsider: {...}
    origin: str  # usual | home | office | vpn | internet
    country: str | None = None
    ips: tuple[str, ...] = ()
    ip_count: int = 1
    tool: str | None = None
    user_agents: dict[str, str] = field(default_factory=dict)
    region: str | None = None
    timezone: str | None = None
    description: str = ""

    @property
    def action_kind(self) -> str:
        """The Actor.kind the action library uses (iam_user, assumed_role, root, outsider)."""
        return ACTOR_KINDS[self.kind]


@dataclass(frozen=True)
class StepSpec:
    index: int
    id: str
    action: str
    actor: str
    at: str | None
    jitter_seconds: int
    technique: str | None
    params: dict[str, Any]
    note: str = ""


@dataclass(frozen=True)
class QuestionSpec:
    index: int
    id: str
    prompt: str
    type: str  # text | set | number | time
    answer: dict[str, Any]
    tolerance: float | str | None = None
    points: float = 1.0
    hint: str = ""


@dataclass(frozen=True)
class DetectionSpec:
    index: int
    id: str
    steps: tuple[str, ...]
    description: str = ""
    within_seconds: int | None = None
    points: float = 1.0


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    story: str
    difficulty: str
    estimated_minutes: int | None
    techniques: tuple[str, ...]
    topics: tuple[str, ...]
    world: dict[str, Any]
    baseline: Baseline
    actors: dict[str, ActorSpec]
    timeline: tuple[StepSpec, ...]
    questions: tuple[QuestionSpec, ...]
    detections: tuple[DetectionSpec, ...]
    solution: dict[str, Any]
    document: Document = field(compare=False, repr=False)
    path: Path | None = None

    @property
    def file(self) -> str:
        return self.document.file

    def step(self, step_id: str) -> StepSpec:
        for s in self.timeline:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    @property
    def start_ms(self) -> int:
        return int(self.baseline.start.timestamp() * 1000)

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.baseline.duration_seconds * 1000
