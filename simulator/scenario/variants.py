"""Per-student variants: every random choice of a scenario is keyed by (scenario, seed, student, purpose).

The world itself is already per student (``build_world(seed, student)``: names, IPs, account ids, bucket
and key names). On top of it the scenario draws, per student: which employee is the insider, outsiders'
IPs, jittered and windowed step times, and any parameter written as ``{choose: [a, b, c]}``. Because
each purpose has its own stream, adding a step or an actor does not reshuffle the others.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

CHOOSE = "choose"
ACTOR_REF_FIELDS = ("name", "arn", "account_id", "access_key_id", "principal_id", "source_ip")


def variant_rng(scenario_id: str, seed: int, student: str | None, *purpose: str) -> np.random.Generator:
    """A generator that depends only on its arguments."""
    text = "\x00".join((scenario_id, str(seed), student or "", *purpose))
    key = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=16).digest(), "big")
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(key)))


def is_choice(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {CHOOSE}


def alternatives(params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every concrete params mapping a step can resolve to (for validation); one when nothing is chosen.

    Each ``choose`` is expanded on its own (the others at their first option), so n choices give at most
    1 + sum(len - 1) mappings, not their product.
    """
    base = {k: (v[CHOOSE][0] if is_choice(v) and v[CHOOSE] else v) for k, v in params.items()}
    out = [base]
    for k, v in params.items():
        if is_choice(v):
            for option in v[CHOOSE][1:]:
                out.append({**base, k: option})
    return out


def choose_params(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Resolve each top-level ``{choose: [...]}`` to one option (in key order, one draw each)."""
    out: dict[str, Any] = {}
    for k in sorted(params):
        v = params[k]
        out[k] = v[CHOOSE][int(rng.integers(0, len(v[CHOOSE])))] if is_choice(v) else v
    return {k: out[k] for k in params}


def is_actor_ref(value: Any) -> bool:
    """``{actor: victim}`` or ``{actor: victim, field: arn}``: a value taken from a resolved actor."""
    return isinstance(value, dict) and "actor" in value and set(value) <= {"actor", "field"}


def actor_ref_value(ref: dict[str, Any], actors: dict[str, Any]) -> str:
    a = actors[ref["actor"]]
    field = ref.get("field", "name")
    return {"name": a.user_name, "arn": a.arn or a.user_name, "account_id": a.account_id,
            "access_key_id": a.access_key_id, "principal_id": a.principal_id, "source_ip": a.source_ips[0]}[field]


def resolve_actor_refs(params: dict[str, Any], actors: dict[str, Any]) -> dict[str, Any]:
    """Replace actor references (top level, or inside a list) with the actors' values."""
    def one(v: Any) -> Any:
        if is_actor_ref(v):
            return actor_ref_value(v, actors)
        return [one(x) for x in v] if isinstance(v, list) else v
    return {k: one(v) for k, v in params.items()}
