"""Convenience constructors of ``Actor`` from the world (used by tests and available to the scenario layer):
an IAM user as they are, the root user of an account, a session of a role, an outsider without credentials.
"""

from __future__ import annotations

from simulator.actions.base import Actor
from simulator.world import Role, User, World
from simulator.world.sessions import temporary_key


def user_actor(
    world: World,
    user: User,
    actor_id: str = "actor",
    source_ips: tuple[str, ...] | None = None,
    region: str | None = None,
) -> Actor:
    return Actor(
        id=actor_id,
        kind="iam_user",
        account_id=user.account_id,
        user=user,
        role=None,
        user_name=user.name,
        arn=user.arn,
        principal_id=user.principal_id,
        access_key_id=user.access_key_id,
        source_ips=source_ips or user.home_ips,
        user_agents=dict(user.user_agents),
        region=region or world.home_region,
    )


def root_actor(
    world: World,
    account_id: str,
    source_ips: tuple[str, ...],
    actor_id: str = "root",
    user_agents: dict[str, str] | None = None,
    access_key_id: str = "",
) -> Actor:
    acct = next(a for a in world.accounts if a.id == account_id)
    return Actor(
        id=actor_id,
        kind="root",
        account_id=account_id,
        user=None,
        role=None,
        user_name=acct.name,
        arn=f"arn:aws:iam::{account_id}:root",
        principal_id=acct.root_principal_id,
        access_key_id=access_key_id,
        source_ips=source_ips,
        user_agents=user_agents or {t: pool[0] for t, pool in world.user_agents.items()},
        region=world.home_region,
    )


def role_actor(
    world: World,
    role: Role,
    session_name: str,
    source_ips: tuple[str, ...],
    actor_id: str = "role",
    user_agents: dict[str, str] | None = None,
    user: User | None = None,
) -> Actor:
    return Actor(
        id=actor_id,
        kind="assumed_role",
        account_id=role.account_id,
        user=user,
        role=role,
        user_name=session_name,
        arn=f"arn:aws:sts::{role.account_id}:assumed-role/{role.name}/{session_name}",
        principal_id=f"{role.principal_id}:{session_name}",
        access_key_id=temporary_key(f"{role.arn}|{session_name}"),
        source_ips=source_ips,
        user_agents=user_agents
        or (dict(user.user_agents) if user else {t: pool[0] for t, pool in world.user_agents.items()}),
        region=world.home_region,
    )


def outsider_actor(
    world: World,
    source_ips: tuple[str, ...],
    user_agents: dict[str, str],
    actor_id: str = "outsider",
    account_id: str | None = None,
) -> Actor:
    """Someone on the internet (scanner, web attacker): no AWS identity; account_id = the target account."""
    return Actor(
        id=actor_id,
        kind="outsider",
        account_id=account_id or world.account("prod").id,
        user=None,
        role=None,
        user_name=actor_id,
        arn="",
        principal_id="",
        access_key_id="",
        source_ips=source_ips,
        user_agents=user_agents,
        region=world.home_region,
    )
