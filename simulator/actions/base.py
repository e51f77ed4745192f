"""The action interface every scenario step goes through (shared with SCN-LANG, see notes/scenario-design.md).

An action is a pure function ``emit(ctx, params) -> StepResult``: given one resolved step (who, when, the
world, a seeded rng, the scenario's shared state) it returns every record AWS would write for it across the
log sources (CloudTrail, VPC flow, ALB and S3 server access logs) as labelled ``Injection`` objects, plus
facts that investigation questions can ask about (counts, bytes, bucket, IPs, first API call, ids).

    ACTIONS: dict[str, ActionSpec]        name -> spec (filled by the family modules on import)
    register(spec) -> spec                add one spec; names are unique snake_case verbs
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from simulator.actions.paramdocs import describe, more_facts
from simulator.engine.context import Injection
from simulator.world import Role, User, World

SOURCES = ("cloudtrail", "flow", "alb", "s3")
ACTOR_KINDS = ("iam_user", "assumed_role", "root", "outsider")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass
class Actor:
    """A resolved scenario actor (built by SCN-LANG from world selectors or outsider definitions)."""

    id: str  # the scenario's actor id, e.g. "insider"
    kind: str  # "iam_user" | "assumed_role" | "root" | "outsider"
    account_id: str
    user: User | None  # world user when drawn from the world
    role: Role | None
    user_name: str
    arn: str
    principal_id: str
    access_key_id: str
    source_ips: tuple[str, ...]  # the IPs this actor acts from
    user_agents: dict[str, str]  # tool -> UA string (console, aws-cli, boto3, ...)
    region: str

    def __post_init__(self) -> None:
        if self.kind not in ACTOR_KINDS:
            raise ValueError(
                f"actor {self.id!r}: kind must be one of {', '.join(ACTOR_KINDS)}, got {self.kind!r}"
            )
        if not self.source_ips:
            raise ValueError(f"actor {self.id!r}: needs at least one source IP")


@dataclass
class StepContext:
    """One resolved scenario step, as SCN-LANG hands it to an action."""

    world: World
    scenario_id: str
    step_id: str
    technique: str
    actor: Actor
    time_ms: int  # when the step starts (already jittered)
    rng: np.random.Generator  # keyed by (scenario, seed, student, step id)
    state: dict  # shared across the scenario's steps (created key ids, opened SG ids, console sessions ...)
    params: dict  # validated params with defaults applied


@dataclass
class StepResult:
    injections: list[Injection]
    facts: dict[str, Any]
    end_ms: int  # when the step's last record happens (the next relative step starts after it)


@dataclass(frozen=True)
class ActionSpec:
    name: str
    summary: str  # one line
    description: str  # Markdown for the generated docs: what AWS records, in which logs
    params: dict  # JSON Schema of the parameters (type object, additionalProperties false, defaults)
    sources: tuple[str, ...]  # log sources it can write
    techniques: tuple[str, ...]  # default ATT&CK technique ids
    facts: dict[str, str]  # facts it reports: name -> description
    emit: Callable[[StepContext, dict], StepResult] = field(compare=False)
    actor_kinds: tuple[str, ...] = ("iam_user", "assumed_role", "root")  # which actors can perform it

    def __post_init__(self) -> None:
        if not _NAME_RE.match(self.name):
            raise ValueError(f"action name {self.name!r} must be snake_case")
        bad = [s for s in self.sources if s not in SOURCES]
        if bad:
            raise ValueError(f"action {self.name}: unknown sources {bad}")
        p = self.params
        if p.get("type") != "object" or p.get("additionalProperties") is not False:
            raise ValueError(
                f"action {self.name}: params schema must be an object with additionalProperties false"
            )
        for k in p.get("required", ()):
            if k not in p.get("properties", {}):
                raise ValueError(f"action {self.name}: required parameter {k!r} is not a property")


ACTIONS: dict[str, ActionSpec] = {}


def register(spec: ActionSpec) -> ActionSpec:
    """Add an action; parameters without a description get theirs from simulator.actions.paramdocs."""
    if spec.name in ACTIONS:
        raise ValueError(f"action {spec.name!r} registered twice")
    spec = replace(
        spec,
        params=describe(spec.name, spec.params),
        facts=more_facts(spec.name, spec.facts),
        emit=_checked(spec.name, spec.actor_kinds, spec.emit),
    )
    ACTIONS[spec.name] = spec
    return spec


def _checked(name: str, kinds: tuple[str, ...], emit: Callable[[StepContext, dict], StepResult]):
    """``emit`` refusing actors of a kind the action cannot have (e.g. an outsider calling an AWS API)."""

    def run(ctx: StepContext, params: dict) -> StepResult:
        a = ctx.actor
        if a.kind not in kinds:
            raise ValueError(
                f"step {ctx.step_id}: action {name} needs an actor of kind {' or '.join(kinds)}; "
                f"actor {a.id!r} is {'an' if a.kind[0] in 'aeiou' else 'a'} {a.kind}"
            )
        return emit(ctx, params)

    run.__doc__ = emit.__doc__
    run.__wrapped__ = emit  # type: ignore[attr-defined]
    return run


def params_schema(properties: dict[str, dict], required: tuple[str, ...] = ()) -> dict:
    """An action's parameter schema; every action also accepts ``tool`` and ``source_ip``/``region`` overrides
    where it declares them itself."""
    out: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = list(required)
    return out


def defaults(spec: ActionSpec, params: dict | None) -> dict:
    """``params`` with the schema defaults filled in (top level only)."""
    out = {k: v["default"] for k, v in spec.params.get("properties", {}).items() if "default" in v}
    out.update(params or {})
    return out
