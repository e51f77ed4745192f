"""Shared fixtures for the action tests: one world, actors drawn from it, the reference samples."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from simulator.actions.actors import outsider_actor, role_actor, root_actor, user_actor
from simulator.world import build_world

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"
SAMPLES = SHARED / "reference" / "samples" / "cloudtrail"
T0 = 1772460000000  # 2026-03-02T14:00:00Z, inside the default run (starts 06:00Z)


@pytest.fixture(scope="session")
def world():
    return build_world(7, None, 120)


@pytest.fixture()
def dba(world):
    u = next(x for x in world.users if x.job == "dba")
    return user_actor(world, u, "insider", source_ips=("71.99.108.53",))


@pytest.fixture()
def admin(world):
    u = next(x for x in world.users if x.job == "cloud-admin" and x.account_id == world.account("prod").id)
    return user_actor(world, u, "admin")


@pytest.fixture()
def root(world):
    return root_actor(world, world.account("prod").id, ("185.220.101.34",))


@pytest.fixture()
def ci_role(world):
    r = world.role("ci-deploy", world.account("prod").id)
    return role_actor(world, r, "jenkins-deploy-4711", ("45.155.205.99",), "ci")


@pytest.fixture()
def outsider(world):
    return outsider_actor(
        world,
        ("45.155.205.233", "45.155.205.234"),
        {
            "scanner": "Mozilla/5.0 zgrab/0.x",
            "sqlmap": "sqlmap/1.7.2#stable (https://sqlmap.org)",
            "curl": "curl/8.4.0",
        },
    )


def _samples() -> list[dict]:
    if not SAMPLES.exists():
        pytest.skip(f"shared reference samples missing at {SAMPLES}")
    out: list[dict] = []
    for f in sorted((SAMPLES / "stratus-red-team_detonation-logs").glob("*.json")):
        out.extend(json.loads(f.read_text()))
    for f in sorted((SAMPLES / "invictus-ir_aws_dataset").glob("*.json.gz")):
        out.extend(json.loads(gzip.decompress(f.read_bytes()))["Records"])
    for f in sorted((SAMPLES / "awsdocs_examples").glob("*.json")):
        try:
            d = json.loads(f.read_text())
        except json.JSONDecodeError:
            continue  # doc fragments
        recs = d.get("Records", [d]) if isinstance(d, dict) else d
        out.extend(r for r in recs if isinstance(r, dict) and "eventName" in r)
    return out


@pytest.fixture(scope="session")
def samples() -> list[dict]:
    return _samples()
