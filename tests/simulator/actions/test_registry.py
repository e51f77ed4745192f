"""The action registry: every spec is well formed, its parameter schema is valid JSON Schema whose defaults
validate, and every action is deterministic and labels each record with its step."""

from __future__ import annotations

import jsonschema
import numpy as np
import orjson
import pytest

from simulator.actions import ACTIONS, ActionSpec, perform
from simulator.actions.base import SOURCES, defaults
from tests.simulator.actions.conftest import T0


def test_registry_has_the_first_actions():
    assert {"console_login", "stop_logging", "brute_force", "start_logging"} <= set(ACTIONS)


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_spec_is_well_formed(name):
    spec: ActionSpec = ACTIONS[name]
    assert spec.name == name
    assert spec.summary and "\n" not in spec.summary
    assert spec.description
    assert spec.sources and set(spec.sources) <= set(SOURCES)
    assert spec.techniques and all(t.startswith("T") for t in spec.techniques)
    jsonschema.Draft202012Validator.check_schema(spec.params)
    jsonschema.validate(defaults(spec, {}) | _required_examples(spec), spec.params)


REQUIRED_EXAMPLES = {"user_name": "svc-backup", "role_name": "DBAAccess"}


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_every_parameter_and_fact_is_documented(name):
    spec = ACTIONS[name]
    for param, prop in spec.params["properties"].items():
        assert prop.get("description"), f"{name}.{param} has no description"
    assert spec.facts and all(spec.facts.values())


def _required_examples(spec: ActionSpec) -> dict:
    return {k: REQUIRED_EXAMPLES[k] for k in spec.params.get("required", ())}


def test_bad_spec_rejected():
    with pytest.raises(ValueError, match="snake_case"):
        ActionSpec(
            "StopLogging",
            "s",
            "d",
            {"type": "object", "additionalProperties": False},
            ("cloudtrail",),
            ("T1",),
            {},
            lambda c, p: None,
        )
    with pytest.raises(ValueError, match="unknown sources"):
        ActionSpec(
            "x",
            "s",
            "d",
            {"type": "object", "additionalProperties": False},
            ("syslog",),
            ("T1",),
            {},
            lambda c, p: None,
        )


def _run(name, world, actor, params=None, seed=3):
    return perform(
        name,
        world=world,
        actor=actor,
        time_ms=T0,
        params=params,
        seed=seed,
        scenario_id="sc",
        step_id="s1",
        technique="T9999",
    )


def _bytes(res) -> bytes:
    return orjson.dumps(
        [(i.source, i.time_ms, i.payload, i.scenario, i.step, i.technique) for i in res.injections],
        option=orjson.OPT_SORT_KEYS,
    )


@pytest.mark.parametrize("name", ["console_login", "stop_logging", "brute_force"])
def test_deterministic_and_labelled(world, dba, name):
    a, b = _run(name, world, dba), _run(name, world, dba)
    assert _bytes(a) == _bytes(b)
    assert _bytes(_run(name, world, dba, seed=4)) != _bytes(a)
    assert a.injections
    for inj in a.injections:
        assert (inj.scenario, inj.step, inj.technique) == ("sc", "s1", "T9999")
        assert inj.time_ms >= T0
    assert a.end_ms == max(i.time_ms for i in a.injections)
    assert a.facts["time"] == min(i.time_ms for i in a.injections)


def test_outsider_cannot_call_apis(world, outsider):
    with pytest.raises(ValueError, match="outsider"):
        _run("stop_logging", world, outsider)


def test_rng_is_the_only_randomness(world, dba):
    r1 = perform("brute_force", world=world, actor=dba, time_ms=T0, rng=np.random.default_rng(11))
    r2 = perform("brute_force", world=world, actor=dba, time_ms=T0, rng=np.random.default_rng(11))
    assert _bytes(r1) == _bytes(r2)
