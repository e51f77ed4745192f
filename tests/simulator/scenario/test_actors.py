import functools
import ipaddress

import pytest

from simulator.scenario.actors import COUNTRY_BLOCKS, OUTSIDER_AGENTS, ActorError, resolve_actor
from simulator.scenario.model import ActorSpec
from simulator.scenario.variants import variant_rng
from simulator.world import build_world
from simulator.world.build import HOME_BLOCKS


@functools.cache
def _world():
    return build_world(2, "act", 120)


def _resolve(spec: ActorSpec, taken=None, key="a"):
    return resolve_actor(spec, _world(), variant_rng("t", 1, None, key), set() if taken is None else taken, 1_772_000_000)


def test_user_selector_matches_every_field():
    actor, clock = _resolve(ActorSpec("dev", "user", {"job": "developer", "mfa": False}, "usual"))
    assert actor.kind == "iam_user" and actor.user.job == "developer" and not actor.user.profile.mfa
    assert clock.timezone == actor.user.profile.timezone and actor.arn == actor.user.arn


def test_two_actors_never_share_a_person():
    taken: set[str] = set()
    names = {_resolve(ActorSpec(f"a{i}", "user", {"job": "dba"}, "usual"), taken, f"a{i}")[0].user_name
             for i in range(3)}
    assert len(names) == 3


def test_no_match_is_an_actor_error():
    with pytest.raises(ActorError, match="no world user matches"):
        _resolve(ActorSpec("x", "user", {"job": "dba", "department": "Finance"}, "usual"))
    with pytest.raises(ActorError, match="no world user is named 'svc-jenkin'; did you mean 'svc-jenkins'"):
        _resolve(ActorSpec("x", "user", {"name": "svc-jenkin"}, "usual"))


def test_origins():
    w = _world()
    home, _ = _resolve(ActorSpec("h", "user", {"job": "dba"}, "home"))
    assert home.source_ips == home.user.home_ips
    office, _ = _resolve(ActorSpec("o", "user", {"job": "dba"}, "office"))
    assert office.source_ips == w.office_egress_ips
    with pytest.raises(ActorError, match="no home IPs"):
        _resolve(ActorSpec("s", "user", {"name": "svc-jenkins"}, "home"))


def test_internet_ips_come_from_the_country_and_not_from_home_blocks():
    actor, clock = _resolve(ActorSpec("x", "user", {"name": "svc-jenkins"}, "internet", country="NL", ip_count=3))
    nets = [ipaddress.ip_network(b) for b in COUNTRY_BLOCKS["NL"]]
    assert len(actor.source_ips) == 3
    for ip in actor.source_ips:
        assert any(ipaddress.ip_address(ip) in n for n in nets)
        assert int(ip.split(".")[0]) not in HOME_BLOCKS
    assert actor.user_agents != dict(actor.user.user_agents)  # the thief's machine, not the victim's
    assert clock.timezone == "Europe/Amsterdam"


def test_role_root_and_outsider():
    ci, _ = _resolve(ActorSpec("ci", "role", {"name": "ci-deploy", "account": "dev"}, "usual"))
    w = _world()
    assert ci.kind == "assumed_role" and ci.role.name == "ci-deploy" and ci.account_id == w.account("dev").id
    assert ci.arn.startswith(f"arn:aws:sts::{ci.account_id}:assumed-role/ci-deploy/jenkins-build-")
    assert ci.access_key_id.startswith("ASIA") and ci.principal_id.startswith(ci.role.principal_id + ":")
    sso, _ = _resolve(ActorSpec("adm", "role", {"name": "AWSReservedSSO_AdministratorAccess"}, "usual"))
    assert sso.role.kind == "sso"
    with pytest.raises(ActorError, match="did you mean 'ci-deploy'"):
        _resolve(ActorSpec("ci", "role", {"name": "ci-deploi"}, "usual"))
    root, _ = _resolve(ActorSpec("r", "root", {"account": "prod"}, "usual"))
    assert root.kind == "root" and root.arn == f"arn:aws:iam::{w.account('prod').id}:root"
    out, clock = _resolve(ActorSpec("web", "outsider", {}, "internet", country="BR", tool="sqlmap"))
    assert out.kind == "outsider" and out.user_agents["http"] == OUTSIDER_AGENTS["sqlmap"]
    assert clock.timezone == "America/Sao_Paulo"


def test_resolution_is_a_function_of_its_keys():
    spec = ActorSpec("x", "user", {"job": "analyst"}, "internet", country="DE")
    assert _resolve(spec)[0] == _resolve(spec)[0]
    assert _resolve(spec, key="b")[0].source_ips != _resolve(spec)[0].source_ips
