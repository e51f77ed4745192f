"""Helpers shared by the EC2 network actions: ids the world does not model (NACLs, route tables), security group,
VPC and internet-gateway lookup, and the Query-API call wrapper (response {"requestId": <requestID>, "_return":
true, ...}; Client.UnauthorizedOperation when denied), as the real EC2 records show.
"""

from __future__ import annotations

import hashlib
from typing import Any

from simulator.actions.base import StepContext
from simulator.actions.records import Step
from simulator.world import SecurityGroup, World

EC2 = "ec2.amazonaws.com"
IP = {"type": "string", "format": "ipv4"}
PROTO = {"tcp": "6", "udp": "17", "all": "-1"}


def stable_id(world: World, prefix: str, *parts: str) -> str:
    """An id the world does not model (NACLs, route tables) that stays the same for one world."""
    h = hashlib.blake2b(
        "|".join((str(world.seed), str(world.student), prefix, *parts)).encode(), digest_size=9
    ).hexdigest()
    return f"{prefix}-{h[:17]}"


def security_group(ctx: StepContext, ref: str | None) -> SecurityGroup:
    groups = [g for g in ctx.world.security_groups if g.account_id == ctx.actor.account_id]
    if not ref:
        ref = "bastion"
    for g in groups:
        if ref in (g.id, g.name) or g.name.endswith("-" + ref):
            return g
    raise ValueError(
        f"step {ctx.step_id}: unknown security group {ref!r}; groups: {', '.join(g.name for g in groups)}"
    )


def resolve_vpc(ctx: StepContext, ref: str | None) -> str:
    vpcs = [v for v in ctx.world.vpcs if v.account_id == ctx.actor.account_id]
    for v in vpcs:
        if not ref or ref in (v.id, v.name):
            return v.id
    raise ValueError(f"step {ctx.step_id}: unknown VPC {ref!r}")


def vpc_gateway(world: World, vpc_id: str) -> str:
    """The VPC's internet gateway (the world lists one per VPC, in VPC order)."""
    return world.internet_gateway_ids[[v.id for v in world.vpcs].index(vpc_id)]


def ec2_call(
    step: Step, t: int, name: str, req: dict, resp_extra: dict | None, params: dict, with_return: bool = True
) -> dict | None:
    """One EC2 call answered {"requestId": <requestID>, ("_return": true,) ...}; AccessDenied-style when denied."""
    rid = step.uuid()
    if params.get("denied"):
        return step.api_call(
            t, EC2, name, req, None, tool=params["tool"], error=step.denied(EC2, name), request_id=rid
        )
    resp: dict[str, Any] = {"requestId": rid}
    if with_return:
        resp["_return"] = True
    resp.update(resp_extra or {})
    return step.api_call(t, EC2, name, req, resp, tool=params["tool"], request_id=rid)
