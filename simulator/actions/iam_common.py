"""Helpers shared by the IAM actions: user resolution (a name, or a user with some job drawn per student), the
call wrapper with the identity-policy denial, policy documents as the JSON strings IAM records carry.
"""

from __future__ import annotations

import json
from typing import Any

from simulator.actions.base import StepContext
from simulator.actions.records import Step

IAM = "iam.amazonaws.com"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
IP = {"type": "string", "format": "ipv4"}
JOB = {
    "type": "string",
    "enum": ["developer", "dba", "analyst", "cloud-admin", "finance", "security", "service"],
    "description": "pick another user of the actor's account with this job (varies per student)",
}
DENIED = {"type": "boolean", "default": False, "description": "the call is refused (AccessDenied)"}


def policy_document(actions: str | list[str] = "*", resource: str = "*", pretty: bool = False) -> str:
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}],
    }
    return json.dumps(doc, indent=2) if pretty else json.dumps(doc, separators=(",", ":"))


def resolve_user(ctx: StepContext, name: str | None, job: str | None = None) -> str:
    """A user name: the given one, else a user with that job in the actor's account (not the actor), else the actor."""
    if not name and job:
        pool = sorted(
            u.name
            for u in ctx.world.users
            if u.job == job and u.account_id == ctx.actor.account_id and u.name != ctx.actor.user_name
        )
        if not pool:
            raise ValueError(f"step {ctx.step_id}: no other {job} user in account {ctx.actor.account_id}")
        return pool[int(ctx.rng.integers(0, len(pool)))]
    if not name:
        return ctx.actor.user_name
    known = {u.name for u in ctx.world.users} | set(ctx.state.get("created_users", {}))
    if name not in known:
        raise ValueError(f"step {ctx.step_id}: unknown IAM user {name!r}")
    return name


def iam_call(
    step: Step, t: int, name: str, req: dict, resp: Any, params: dict, resource: str = "*"
) -> dict | None:
    err = step.denied(IAM, name, resource) if params.get("denied") else None
    return step.api_call(t, IAM, name, req, resp, tool=params["tool"], error=err)
