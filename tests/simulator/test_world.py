"""The organisation model: deterministic per (seed, student, scale), internally consistent."""

from __future__ import annotations

import datetime as dt
import ipaddress

import numpy as np
import pytest

from simulator.world import build_world
from simulator.world.calendar import easter, uk_holidays, us_holidays
from simulator.world.sessions import instance_credentials


@pytest.fixture(scope="module")
def world():
    return build_world(1, None, 200)


def test_same_inputs_same_world(world):
    again = build_world(1, None, 200)
    assert again.users == world.users
    assert again.roles == world.roles
    assert again.accounts == world.accounts
    assert np.array_equal(again.enis.private_ip, world.enis.private_ip)


def test_students_get_different_worlds(world):
    other = build_world(1, "student-42", 200)
    assert {a.id for a in other.accounts}.isdisjoint({a.id for a in world.accounts})
    assert {u.name for u in other.users if u.is_human} != {u.name for u in world.users if u.is_human}
    assert set(other.enis.public_ip) - {""} != set(world.enis.public_ip) - {""}
    assert {ip for u in other.users for ip in u.home_ips} != {ip for u in world.users for ip in u.home_ips}


def test_scale_sets_employee_count():
    small = build_world(3, None, 20)
    assert sum(u.is_human for u in small.users) == 20
    assert len({u.name for u in small.users}) == len(small.users)
    with pytest.raises(ValueError, match="scale"):
        build_world(3, None, 0)


def test_accounts_and_identities(world):
    assert [a.kind for a in world.accounts] == ["prod", "dev", "security"]
    assert all(len(a.id) == 12 and a.id.isdigit() for a in world.accounts)
    jobs = {u.job for u in world.users}
    assert {"developer", "dba", "analyst", "cloud-admin", "finance", "security", "service"} <= jobs
    for u in world.users:
        assert u.principal_id.startswith("AIDA") and len(u.principal_id) == 21
        assert u.access_key_id.startswith("AKIA") and len(u.access_key_id) == 21
        assert u.arn == f"arn:aws:iam::{u.account_id}:user/{u.name}"
    kinds = {r.kind for r in world.roles}
    assert {"sso", "ci", "instance", "lambda", "service-linked", "cross-account"} <= kinds
    assert any(r.name.startswith("AWSReservedSSO_AdministratorAccess_") for r in world.roles)
    for r in world.roles:
        assert r.principal_id.startswith("AROA")
        assert r.arn == f"arn:aws:iam::{r.account_id}:role{r.path}{r.name}"


def test_network_is_consistent(world):
    subnets = {s.id: s for s in world.subnets}
    for inst in world.instances:
        assert ipaddress.ip_address(inst.private_ip) in ipaddress.ip_network(subnets[inst.subnet_id].cidr)
        k = world.enis.index_of(inst.eni_id)
        assert world.enis.private_ip[k] == inst.private_ip and world.enis.owner_id[k] == inst.id
        assert int(world.enis.private_ip_int[k]) == int(ipaddress.ip_address(inst.private_ip))
    for db in world.db_hosts:
        assert subnets[db.subnet_id].tier == "db" and db.port in (5432, 3306)
    alb = world.alb
    assert len(alb.nodes) == 2 and all(n.public_ip for n in alb.nodes)
    tg = alb.target_groups[0]
    apps = {i.id: i.private_ip for i in world.instances if i.account_id == alb.account_id and i.tier == "app"}
    assert dict(zip(tg.target_instance_ids, tg.target_ips, strict=True)) == apps
    assert alb.log_id.startswith("app/anybank-web/") and alb.log_bucket == world.bucket(alb.log_bucket).name
    assert len(set(world.enis.eni_id)) == len(world.enis)
    assert len(set(world.enis.private_ip)) == len(world.enis)


def test_buckets_trails_and_flow_logs(world):
    purposes = {b.purpose for b in world.buckets}
    assert {
        "customer-records",
        "statements",
        "static-site",
        "access-logs",
        "alb-logs",
        "cloudtrail-logs",
    } <= purposes
    data = [b for b in world.buckets if b.data_events]
    assert data and all(b.access_log_bucket for b in data)
    assert [b.index for b in world.buckets] == list(range(len(world.buckets)))
    assert {t.account_id for t in world.trails} == {a.id for a in world.accounts}
    prod = world.trail_for(world.account("prod").id)
    assert set(prod.data_event_buckets) == {b.name for b in data}
    assert {f.destination for f in world.flow_logs} == {"s3", "cloud-watch-logs"}
    assert {f.aggregation_interval for f in world.flow_logs} == {60, 600}
    assert any(f.log_format is None for f in world.flow_logs) and any(f.log_format for f in world.flow_logs)
    assert all(f.id.startswith("fl-") for f in world.flow_logs)


def test_holiday_calendars():
    assert dt.date(2026, 11, 26) in us_holidays(2026)  # Thanksgiving, 4th Thursday
    assert dt.date(2026, 7, 3) in us_holidays(2026)  # July 4th 2026 is a Saturday -> observed Friday
    assert easter(2026) == dt.date(2026, 4, 5)
    assert {dt.date(2026, 4, 3), dt.date(2026, 4, 6), dt.date(2026, 12, 28)} <= uk_holidays(2026)


def test_instance_credentials_rotate(world):
    inst = world.instances[0]
    c1, k1 = instance_credentials(world, inst.id, 1_772_431_200)
    c2, k2 = instance_credentials(world, inst.id, c1 + 10)
    assert (c1, k1) == (c2, k2) and k1.startswith("ASIA") and len(k1) == 20
    c3, k3 = instance_credentials(world, inst.id, c1 + 3 * 3600)
    assert c3 == c1 + 3 * 3600 and k3 != k1
