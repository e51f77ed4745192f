"""The scenario action library: what one attack (or benign) step writes to every log source.

Interface (shared with the scenario language, notes/scenario-design.md):

    from simulator.actions import ACTIONS, ActionSpec, StepContext, Actor, StepResult
    spec = ACTIONS["stop_logging"]
    result = spec.emit(ctx, params)          # params: validated against spec.params, defaults applied
    result.injections  -> [Injection(source, time_ms, payload, scenario, step, technique, account_id, region)]
    result.facts       -> {"time": ..., "source_ip": ..., "first_event": ..., action-specific facts}
    result.end_ms      -> when the step's last record happens

``perform(name, ...)`` builds the StepContext and applies parameter defaults (tests, previews).
Families (one module each): signin, sts, iam_credentials, iam_policies, trail (CloudTrail and flow-log
tampering), aws_config, ec2_network (security groups, NACLs), ec2_routing (routes, gateways, peering),
ec2_compute, s3_objects, s3_config, kms_secrets, web (ALB), network_traffic (flows only), denied; helpers:
base (interface), records (Step recorder, identities, one API call), flows, s3_requests, iam_common,
ec2_common, logstate, actors. ``simulator.actions.logstate.gaps(state)`` lists the logging gaps the
scenario caused (StopLogging ... StartLogging, DeleteFlowLogs) for the engine.
"""

from __future__ import annotations

import numpy as np

from simulator.actions import (  # noqa: F401  (importing registers the actions)
    aws_config,
    denied,
    ec2_compute,
    ec2_network,
    ec2_routing,
    iam_credentials,
    iam_policies,
    kms_secrets,
    network_traffic,
    s3_config,
    s3_objects,
    signin,
    sts,
    trail,
    web,
)
from simulator.actions.base import ACTIONS, ActionSpec, Actor, StepContext, StepResult, defaults, register
from simulator.world import World

__all__ = ["ACTIONS", "ActionSpec", "Actor", "StepContext", "StepResult", "defaults", "perform", "register"]


def perform(
    name: str,
    *,
    world: World,
    actor: Actor,
    time_ms: int,
    params: dict | None = None,
    state: dict | None = None,
    rng: np.random.Generator | None = None,
    scenario_id: str = "adhoc",
    step_id: str = "step",
    technique: str | None = None,
    seed: int = 0,
) -> StepResult:
    """Run one action outside a scenario (defaults applied; no schema validation)."""
    if name not in ACTIONS:
        raise KeyError(f"unknown action {name!r}")
    spec = ACTIONS[name]
    full = defaults(spec, params)
    ctx = StepContext(
        world=world,
        scenario_id=scenario_id,
        step_id=step_id,
        technique=technique or spec.techniques[0],
        actor=actor,
        time_ms=time_ms,
        rng=rng if rng is not None else np.random.default_rng(seed),
        state=state if state is not None else {},
        params=full,
    )
    return spec.emit(ctx, full)
