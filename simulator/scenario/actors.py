"""Actor resolution: world selectors ("a DBA", "the CI role", "root of prod") and outsiders -> ``Actor``.

Selection is a pure function of (world, scenario, seed, student): each actor id draws from its own rng,
and two actors never resolve to the same person. Internet addresses of outsiders (or of stolen
credentials used from outside) come from blocks the regional internet registries delegate to the
country, taken from ipverse/country-ip-blocks (country/<cc>/ipv4-aggregated.txt, commit 51bcbfa), and
avoid the consumer blocks the world draws employees' home IPs from.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator.actions.base import Actor
from simulator.scenario.errors import ScenarioError, did_you_mean
from simulator.scenario.model import ActorSpec, Scenario
from simulator.scenario.timeexpr import Clock
from simulator.world import World, ids
from simulator.world.sessions import temporary_key

# country -> delegated IPv4 blocks (ipverse/country-ip-blocks, see module docstring)
COUNTRY_BLOCKS: dict[str, tuple[str, ...]] = {
    "BR": ("45.168.0.0/18", "45.185.64.0/18", "45.165.192.0/18"),
    "DE": ("46.80.0.0/12", "37.80.0.0/12", "2.160.0.0/12", "49.12.0.0/15"),
    "NL": ("77.160.0.0/12", "31.136.0.0/14", "62.184.0.0/14", "5.132.0.0/17"),
    "US": ("23.112.0.0/12", "23.24.0.0/14", "23.94.0.0/15", "12.0.0.0/8"),
}
COUNTRY_TIMEZONES = {"BR": "America/Sao_Paulo", "DE": "Europe/Berlin", "NL": "Europe/Amsterdam", "US": "America/Chicago"}
# User agents of tools outsiders use against the web app and the network (exact strings these tools send).
OUTSIDER_AGENTS = {
    "curl": "curl/8.5.0",
    "python-requests": "python-requests/2.31.0",
    "sqlmap": "sqlmap/1.8#stable (https://sqlmap.org)",
    "nikto": "Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000001)",
    "masscan": "masscan/1.3 (https://github.com/robertdavidgraham/masscan)",
}
ACCOUNT_KINDS = ("prod", "dev", "security")
DEFAULT_HQ_TIMEZONE = "America/New_York"


class ActorError(ValueError):
    """A selector that the world cannot satisfy; ``path`` is where in the actor spec."""

    def __init__(self, path: tuple, message: str) -> None:
        super().__init__(message)
        self.path = path


def _account_id(world: World, kind: str | None, default: str = "prod") -> str:
    return world.account(kind or default).id


def _matches(user, sel: dict[str, Any], world: World) -> bool:
    p = user.profile
    checks = {
        "job": lambda v: user.job == v,
        "department": lambda v: user.department.lower() == str(v).lower(),
        "name": lambda v: user.name == v,
        "account": lambda v: user.account_id == world.account(v).id,
        "mfa": lambda v: p.mfa == v,
        "human": lambda v: user.is_human == v,
        "timezone": lambda v: p.timezone == v,
        "tool": lambda v: v in dict(p.tools),
    }
    return all(checks[k](v) for k, v in sel.items())


def _internet_ips(rng: np.random.Generator, country: str | None, n: int) -> tuple[str, ...]:
    blocks = COUNTRY_BLOCKS[country] if country else tuple(b for v in COUNTRY_BLOCKS.values() for b in v)
    out: list[str] = []
    while len(out) < n:
        base, plen = blocks[int(rng.integers(0, len(blocks)))].split("/")
        ip = ids.ip_str(ids.ip_in(rng, ids.ip_int(base), int(plen), low=16))
        if ip not in out:
            out.append(ip)
    return tuple(out)


def _fresh_agents(world: World, rng: np.random.Generator) -> dict[str, str]:
    """A machine nobody in the organisation uses: one agent per tool from the world pools."""
    return {t: pool[int(rng.integers(0, len(pool)))] for t, pool in world.user_agents.items()}


def _origin_ips(spec: ActorSpec, world: World, rng: np.random.Generator, home: tuple[str, ...],
                usual: tuple[str, ...]) -> tuple[str, ...]:
    if spec.ips:
        return spec.ips
    origin = spec.origin
    if origin == "internet":
        return _internet_ips(rng, spec.country, spec.ip_count)
    if origin == "home":
        if not home:
            raise ActorError(("from",), f"actor {spec.id!r} has no home IPs (service users and roles work from the "
                                        "office or the VPC); use from: office, vpn or internet")
        return home
    if origin == "office":
        return world.office_egress_ips
    if origin == "vpn":
        return world.vpn_egress_ips
    return usual


def _pick_user(spec: ActorSpec, world: World, rng: np.random.Generator, taken: set[str]):
    sel = spec.selector
    matching = [u for u in world.users if _matches(u, sel, world)]
    free = [u for u in matching if u.name not in taken]
    if not free:
        shown = ", ".join(f"{k}: {v}" for k, v in sel.items()) or "(any)"
        if "name" in sel:
            names = [u.name for u in world.users if not u.is_human]
            raise ActorError(("user", "name"), f"no world user is named {sel['name']!r}"
                             + did_you_mean(str(sel["name"]), names) + " (employee names differ per student; "
                             "select employees by job, department, mfa, account)")
        why = "all of them are already other actors" if matching else f"among {len(world.users)} users"
        raise ActorError(("user",), f"no world user matches {{{shown}}} ({why}); loosen the selector or raise world.scale")
    return free[int(rng.integers(0, len(free)))]


def resolve_actor(spec: ActorSpec, world: World, rng: np.random.Generator, taken: set[str],
                  run_start_s: int) -> tuple[Actor, Clock]:
    """One actor and the clock (time zone, working hours) its day-based step times use."""
    sel = spec.selector
    region = spec.region or world.home_region
    if spec.kind == "user":
        user = _pick_user(spec, world, rng, taken)
        taken.add(user.name)
        office_first = user.profile.office_share >= 0.5 or not user.home_ips
        usual = (*world.office_egress_ips[:1], *user.home_ips) if office_first else (*user.home_ips,
                                                                                      *world.office_egress_ips[:1])
        ips = _origin_ips(spec, world, rng, user.home_ips, usual)
        agents = _fresh_agents(world, rng) if spec.origin == "internet" else dict(user.user_agents)
        agents.update(spec.user_agents)
        actor = Actor(spec.id, "iam_user", user.account_id, user, None, user.name, user.arn, user.principal_id,
                      user.access_key_id, ips, agents, region)
        p = user.profile
        zone = spec.timezone or (COUNTRY_TIMEZONES.get(spec.country or "", p.timezone) if spec.origin == "internet"
                                 else p.timezone)
        return actor, Clock(zone, p.work_start, p.work_end)
    if spec.kind == "role":
        acct = _account_id(world, sel.get("account"))
        roles = [r for r in world.roles if r.account_id == acct
                 and (r.name == sel["name"] or r.name.startswith(sel["name"] + "_"))]
        if not roles:
            names = sorted({r.name.rsplit("_", 1)[0] if r.kind == "sso" else r.name for r in world.roles
                            if r.account_id == acct})
            raise ActorError(("role", "name"), f"no role {sel['name']!r} in the {sel.get('account', 'prod')} account"
                             + did_you_mean(sel["name"], names))
        role = roles[0]
        session = sel.get("session_name") or (f"jenkins-build-{int(rng.integers(1000, 9999))}" if role.kind == "ci"
                                              else f"botocore-session-{run_start_s - int(rng.integers(600, 7200))}")
        nat = tuple(n.public_ip for n in world.nat_gateways if n.public_ip)
        usual = nat if role.kind in ("ci", "instance", "lambda") and nat else world.office_egress_ips
        ips = _origin_ips(spec, world, rng, (), usual)
        agents = _fresh_agents(world, rng)
        agents.update(spec.user_agents)
        actor = Actor(spec.id, "assumed_role", role.account_id, None, role, session,
                      f"arn:aws:sts::{role.account_id}:assumed-role/{role.name}/{session}",
                      f"{role.principal_id}:{session}", temporary_key(f"{role.arn}|{session}|{spec.id}"), ips,
                      agents, region)
        return actor, Clock(spec.timezone or DEFAULT_HQ_TIMEZONE)
    if spec.kind == "root":
        acct = world.account(sel["account"])
        ips = _origin_ips(spec, world, rng, (), world.office_egress_ips)
        agents = _fresh_agents(world, rng)
        agents.update(spec.user_agents)
        actor = Actor(spec.id, "root", acct.id, None, None, acct.name, f"arn:aws:iam::{acct.id}:root",
                      acct.root_principal_id, ids.iam_id(rng, "AKIA", acct.id_tag), ips, agents, region)
        return actor, Clock(spec.timezone or DEFAULT_HQ_TIMEZONE)
    ips = spec.ips or _internet_ips(rng, spec.country, spec.ip_count)
    agents = _fresh_agents(world, rng)
    agents.update(OUTSIDER_AGENTS)
    if spec.tool in OUTSIDER_AGENTS:
        agents["http"] = OUTSIDER_AGENTS[spec.tool]
    agents.update(spec.user_agents)
    actor = Actor(spec.id, "outsider", world.account("prod").id, None, None, sel.get("name") or spec.id, "", "", "",
                  ips, agents, region)
    zone = spec.timezone or COUNTRY_TIMEZONES.get(spec.country or "", "UTC")
    return actor, Clock(zone)


def resolve_actors(scenario: Scenario, world: World, rng_for) -> tuple[dict[str, Actor], dict[str, Clock],
                                                                        list[ScenarioError]]:
    """Every actor of the scenario; ``rng_for(actor_id)`` gives each its own generator."""
    actors: dict[str, Actor] = {}
    clocks: dict[str, Clock] = {}
    errors: list[ScenarioError] = []
    taken: set[str] = set()
    for aid, spec in scenario.actors.items():
        try:
            actors[aid], clocks[aid] = resolve_actor(spec, world, rng_for(aid), taken, scenario.start_ms // 1000)
        except ActorError as e:
            errors.append(scenario.document.error(("actors", aid, *e.path), str(e)))
    return actors, clocks, errors
