"""The seeded organisation ("AnyBank") every log source draws from.

Interface (stable; other sources depend on these names):

    from simulator.world import build_world, World
    world = build_world(seed=1, student=None, scale=200)   # deterministic for (seed, student, scale)

``World`` (frozen; see simulator/world/model.py for every field):
  accounts (Account: id, kind "prod"|"dev"|"security", name alias), ``world.account("prod")``;
  home_region "us-east-1", regions;
  users (User: index, name, arn, principal_id AIDA…, access_key_id AKIA…, job, department, home_ips,
        user_agents ((tool, agent), …), profile: Profile with timezone, work hours, tools, mfa, api_mix, assume_roles);
  roles (Role: name, account_id, arn, principal_id AROA…, kind sso|ci|instance|lambda|service-linked|
        cross-account|cwl-delivery|flow-logs, path, service), ``world.role(name, account_id)``;
  service_principals; vpcs, subnets (tier public|app|db), security_groups (ingress rules);
  instances (Instance: id, eni_id, private_ip, public_ip "" when none, tier app|bastion|batch, role_name,
        app_port, security_group_ids); db_hosts (DbHost: engine postgres|mysql, port 5432|3306, eni_id, private_ip);
  nat_gateways (eni_id, private_ip, public_ip); internet_gateway_ids;
  alb (LoadBalancer: name, arn, log_id "app/<name>/<hex>", dns_name, domain, nodes (AlbNode: az, eni_id,
        private_ip, public_ip), target_groups (TargetGroup: name, arn, port, target_instance_ids, target_ips),
        log_bucket, log_prefix, listener_ports);
  enis (EniTable: index-aligned numpy arrays eni_id, account_id, region, vpc_id, subnet_id, az, kind
        instance|alb|nat|db, owner_id, tier, private_ip, private_ip_int (uint32), public_ip, security_group_id);
  buckets (Bucket: index, name, account_id, region, purpose, data_events, access_log_bucket ("" = off),
        access_log_prefix, keys, kms_key_arn), ``world.bucket(name)``;
  trails (Trail per account: name, arn, s3_bucket, s3_prefix, log_group, cwl_role_arn, data_event_buckets),
        ``world.trail_for(account_id)``;
  flow_logs (FlowLogConfig: id fl-…, account_id, region, resource_id (vpc), destination "s3"|"cloud-watch-logs",
        bucket, prefix, log_group, log_format (None = default v2), aggregation_interval 60|600);
  office_cidrs/office_egress_ips, vpn_cidrs/vpn_egress_ips; user_agents (tool -> pool);
  holidays ("US"/"UK" -> dates); kms_keys (account -> key ARN); secrets (account -> secret ARNs).
"""

from simulator.world.build import build_world, world_seed
from simulator.world.model import (
    Account,
    AlbNode,
    Bucket,
    DbHost,
    EniTable,
    FlowLogConfig,
    Instance,
    LoadBalancer,
    NatGateway,
    Profile,
    Role,
    SecurityGroup,
    Subnet,
    TargetGroup,
    Trail,
    User,
    Vpc,
    World,
)

__all__ = [
    "Account",
    "AlbNode",
    "Bucket",
    "DbHost",
    "EniTable",
    "FlowLogConfig",
    "Instance",
    "LoadBalancer",
    "NatGateway",
    "Profile",
    "Role",
    "SecurityGroup",
    "Subnet",
    "TargetGroup",
    "Trail",
    "User",
    "Vpc",
    "World",
    "build_world",
    "world_seed",
]
