"""Seed the default lab world into the emulator's moto backends, in-process (no API calls, so no records).

What ``trailwatch up`` puts in place before the learner starts (from ``simulator.world.build_world``), all in
the emulator's account (the learner's account; ``up`` runs the emulator as the world's prod account):
- the world's S3 buckets (log archive, flow-log, ALB and access-log buckets, the data buckets), empty;
- its VPCs, subnets and security groups (with their ingress rules) under the world's own ids, so records,
  flow logs and the emulator agree;
- the VPC flow logs with their CloudWatch Logs groups (or S3 destinations) and the delivery role;
- the ALB (ELBv2 application load balancer) with its target groups and listeners;
- the IAM users of the learner's account with their access keys (the world's key ids), besides the learner
  user the emulator creates.
Trails are not seeded: creating one is the learner's first lab task.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock

from moto.ec2.models import ec2_backends
from moto.elbv2.models import elbv2_backends
from moto.iam.models import iam_backends
from moto.logs.models import logs_backends
from moto.s3.models import s3_backends

from simulator.world.model import World

FLOW_LOGS_ROLE = "trailwatch-flow-logs-delivery"
_FLOW_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


@dataclass
class SeedSummary:
    account_id: str
    buckets: int = 0
    vpcs: int = 0
    subnets: int = 0
    security_groups: int = 0
    flow_logs: int = 0
    log_groups: int = 0
    users: int = 0
    load_balancers: int = 0


@contextmanager
def _fixed_id(target: str, value: str) -> Iterator[None]:
    """Make moto's next generated id (``target`` = module path of its random_*_id) be ``value``."""
    with mock.patch(target, return_value=value):
        yield


def seed_world(world: World, account_id: str, region: str | None = None) -> SeedSummary:
    """Create the world's resources in ``account_id`` (idempotent: what exists is left alone)."""
    region = region or world.home_region
    summary = SeedSummary(account_id)
    s3 = s3_backends[account_id]["aws"]
    for bucket in world.buckets:
        if bucket.name not in s3.buckets:
            s3.create_bucket(bucket.name, bucket.region)
            summary.buckets += 1
    ec2 = ec2_backends[account_id][region]
    mine = {acct.id for acct in world.accounts}
    for vpc in world.vpcs:
        if vpc.region != region or vpc.account_id not in mine or vpc.id in ec2.vpcs:
            continue
        with _fixed_id("moto.ec2.models.vpcs.random_vpc_id", vpc.id):
            ec2.create_vpc(vpc.cidr, tags=[{"Key": "Name", "Value": vpc.name}])
        summary.vpcs += 1
    for subnet in world.subnets:
        if subnet.vpc_id not in ec2.vpcs or any(subnet.id in zone for zone in ec2.subnets.values()):
            continue
        with _fixed_id("moto.ec2.models.subnets.random_subnet_id", subnet.id):
            ec2.create_subnet(subnet.vpc_id, subnet.cidr, availability_zone=subnet.az)
        ec2.create_tags([subnet.id], {"Name": f"{subnet.tier}-{subnet.az}"})
        summary.subnets += 1
    for group in world.security_groups:
        if group.vpc_id not in ec2.vpcs or ec2.get_security_group_from_id(group.id) is not None:
            continue
        with _fixed_id("moto.ec2.models.security_groups.random_security_group_id", group.id):
            ec2.create_security_group(group.name, f"{group.name} (AnyBank)", vpc_id=group.vpc_id)
        summary.security_groups += 1
        for protocol, low, high, source in group.ingress:
            if source.startswith("sg-"):
                ec2.authorize_security_group_ingress(
                    group.id,
                    protocol,
                    str(low),
                    str(high),
                    [],
                    source_groups=[{"GroupId": source}],
                    vpc_id=group.vpc_id,
                )
            else:
                ec2.authorize_security_group_ingress(
                    group.id, protocol, str(low), str(high), [{"CidrIp": source}], vpc_id=group.vpc_id
                )
    iam = iam_backends[account_id]["aws"]
    role_arn = f"arn:aws:iam::{account_id}:role/{FLOW_LOGS_ROLE}"
    if FLOW_LOGS_ROLE not in {r.name for r in iam.roles.values()}:
        iam.create_role(FLOW_LOGS_ROLE, json.dumps(_FLOW_TRUST), "/", None, "flow logs delivery", [], None)
    logs = logs_backends[account_id][region]
    existing = {f.id for f in ec2.flow_logs.values()} if hasattr(ec2, "flow_logs") else set()
    for fl in world.flow_logs:
        if fl.region != region or fl.resource_id not in ec2.vpcs or fl.id in existing:
            continue
        if fl.destination == "cloud-watch-logs":
            if fl.log_group not in logs.groups:
                logs.create_log_group(fl.log_group, {})
                summary.log_groups += 1
            kwargs: dict[str, Any] = {
                "log_destination_type": "cloud-watch-logs",
                "log_destination": None,
                "log_group_name": fl.log_group,
            }
        else:
            arn = f"arn:aws:s3:::{fl.bucket}" + (f"/{fl.prefix}" if fl.prefix else "")
            kwargs = {"log_destination_type": "s3", "log_destination": arn, "log_group_name": None}
        with _fixed_id("moto.ec2.models.flow_logs.random_flow_log_id", fl.id):
            ec2.create_flow_logs(
                "VPC",
                [fl.resource_id],
                fl.traffic_type,
                role_arn if fl.destination == "cloud-watch-logs" else None,
                log_format=fl.log_format,
                max_aggregation_interval=fl.aggregation_interval,
                **kwargs,
            )
        summary.flow_logs += 1
    for user in world.users:
        if user.account_id != account_id or user.name in iam.users:
            continue
        iam.create_user(region, user.name)
        iam.users[user.name].id = user.principal_id
        key = iam.create_access_key(user.name)
        iam.access_keys.pop(key.access_key_id, None)
        key.access_key_id = user.access_key_id
        iam.access_keys[key.access_key_id] = key
        summary.users += 1
    summary.load_balancers += _seed_alb(world, account_id, region)
    return summary


def _seed_alb(world: World, account_id: str, region: str) -> int:
    alb = world.alb
    ec2 = ec2_backends[account_id][region]
    elb = elbv2_backends[account_id][region]
    if (
        alb.region != region
        or alb.vpc_id not in ec2.vpcs
        or any(lb.name == alb.name for lb in elb.load_balancers.values())
    ):
        return 0
    subnets = [node.subnet_id for node in alb.nodes]
    lb = elb.create_load_balancer(alb.name, [alb.security_group_id], subnets, loadbalancer_type="application")
    lb.attrs["access_logs.s3.enabled"] = "true"
    lb.attrs["access_logs.s3.bucket"] = alb.log_bucket
    lb.attrs["access_logs.s3.prefix"] = alb.log_prefix
    for tg in alb.target_groups:
        # targets are not registered: the world's instances are not seeded (moto would need them running)
        elb.create_target_group(
            tg.name, protocol=tg.protocol, port=str(tg.port), vpc_id=alb.vpc_id, target_type="instance"
        )
    first = next(iter(elb.target_groups.values()), None)
    for port in alb.listener_ports:
        actions = [{"Type": "forward", "TargetGroupArn": first.arn}] if first else []
        elb.create_listener(lb.arn, "HTTP", str(port), "", None, actions)
    return 1
