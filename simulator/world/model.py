"""Frozen dataclasses of the simulated organisation (see simulator/world/__init__.py for the overview).

Attribute names here are a public interface used by every log source; do not rename them.
Columnar lookups (``EniTable``) hold numpy arrays so generators can sample vectorised.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Account:
    """One AWS account of the organisation. ``kind`` is "prod", "dev" or "security" (log archive)."""

    id: str
    kind: str
    name: str  # account alias, e.g. "anybank-prod"
    email: str
    id_tag: str  # 4 chars shared by the IAM unique ids of this account
    root_principal_id: str


@dataclass(frozen=True)
class Profile:
    """How one human uses AWS: when, from where, with which tools, and what they call."""

    timezone: str  # IANA name, e.g. "America/New_York"
    holiday_calendar: str  # "US" or "UK"
    work_start: float  # local hour the working day starts
    work_end: float
    sessions_per_hour: float  # mean working sessions started per working hour
    weekend_factor: float  # multiplier on the rate at weekends
    tools: tuple[tuple[str, float], ...]  # (tool, weight); tools: console, aws-cli, boto3, terraform
    mfa: bool  # signs in to the console with MFA
    office_share: float  # probability a session comes from the office egress, else home/VPN
    api_mix: str  # key into simulator.baseline.cloudtrail_catalog.MIXES
    assume_roles: tuple[str, ...]  # role ARNs the user routinely assumes (CLI chains)


@dataclass(frozen=True)
class User:
    """An IAM user (human or service user) with its behaviour profile."""

    index: int  # position in World.users, also the identity index used in activity streams
    name: str  # IAM user name
    display_name: str
    email: str
    department: str
    job: str  # developer, dba, analyst, cloud-admin, finance, security, service
    account_id: str
    arn: str
    principal_id: str  # AIDA...
    access_key_id: str  # AKIA... (long-term key used by CLI/SDK tools)
    home_ips: tuple[str, ...]
    user_agents: tuple[tuple[str, str], ...]  # (tool, exact user agent) this person's machines send
    profile: Profile
    is_human: bool = True


@dataclass(frozen=True)
class Role:
    """An IAM role. ``kind``: sso, ci, instance, lambda, service-linked, cross-account, cwl-delivery."""

    name: str
    account_id: str
    arn: str
    principal_id: str  # AROA...
    kind: str
    path: str = "/"
    service: str = ""  # for service-linked/instance/lambda roles: the trusted service principal


@dataclass(frozen=True)
class Vpc:
    id: str
    account_id: str
    region: str
    cidr: str
    name: str


@dataclass(frozen=True)
class Subnet:
    id: str
    vpc_id: str
    account_id: str
    region: str
    az: str
    cidr: str
    tier: str  # public, app, db


@dataclass(frozen=True)
class SecurityGroup:
    id: str
    name: str
    vpc_id: str
    account_id: str
    ingress: tuple[tuple[str, int, int, str], ...]  # (protocol, from_port, to_port, source cidr or sg id)


@dataclass(frozen=True)
class Instance:
    """An EC2 instance (web/app/bastion/batch) with its primary ENI."""

    id: str
    account_id: str
    region: str
    vpc_id: str
    subnet_id: str
    az: str
    eni_id: str
    private_ip: str
    public_ip: str  # "" when none
    tier: str  # app, bastion, batch
    security_group_ids: tuple[str, ...]
    role_name: str  # instance-profile role ("" when none)
    instance_type: str
    image_id: str
    app_port: int  # port the service listens on (0 when none)


@dataclass(frozen=True)
class DbHost:
    """An RDS-like database host (an ENI in a db subnet)."""

    id: str  # DB instance identifier
    account_id: str
    region: str
    vpc_id: str
    subnet_id: str
    az: str
    eni_id: str
    private_ip: str
    engine: str  # postgres or mysql
    port: int  # 5432 or 3306
    security_group_id: str


@dataclass(frozen=True)
class NatGateway:
    id: str
    vpc_id: str
    subnet_id: str
    az: str
    eni_id: str
    private_ip: str
    public_ip: str


@dataclass(frozen=True)
class AlbNode:
    """One ALB node (one per AZ): the ENI that appears in flow logs and the public IP clients reach."""

    az: str
    subnet_id: str
    eni_id: str
    private_ip: str
    public_ip: str


@dataclass(frozen=True)
class TargetGroup:
    name: str
    arn: str
    port: int
    protocol: str
    target_instance_ids: tuple[str, ...]
    target_ips: tuple[str, ...]


@dataclass(frozen=True)
class LoadBalancer:
    """The internet-facing ALB in front of the bank's web app."""

    name: str
    arn: str
    log_id: str  # "app/<name>/<16 hex>", the ELB field of the access log
    dns_name: str
    account_id: str
    region: str
    vpc_id: str
    security_group_id: str
    nodes: tuple[AlbNode, ...]
    listener_ports: tuple[int, ...]
    target_groups: tuple[TargetGroup, ...]
    log_bucket: str
    log_prefix: str  # "" when none
    domain: str  # public host name clients use, e.g. "www.anybank.example"


@dataclass(frozen=True)
class Bucket:
    """An S3 bucket with its logging configuration and a pool of object keys."""

    index: int  # position in World.buckets (the bucket index used in activity streams)
    name: str
    account_id: str
    region: str
    purpose: str  # customer-records, statements, static-site, cloudtrail-logs, access-logs, alb-logs, flow-logs, artifacts
    data_events: bool  # covered by the trail's S3 data-event selector
    access_log_bucket: str  # target bucket of server access logging, "" when off
    access_log_prefix: str
    keys: tuple[str, ...]  # object keys that exist (sampled by request generators)
    kms_key_arn: str  # "" for SSE-S3


@dataclass(frozen=True)
class Trail:
    """A multi-region trail of one account, delivering to the log-archive bucket and to CloudWatch Logs."""

    name: str
    arn: str
    account_id: str
    home_region: str
    s3_bucket: str
    s3_prefix: str  # "" when none
    log_group: str
    log_group_arn: str
    cwl_role_arn: str
    data_event_buckets: tuple[str, ...]


@dataclass(frozen=True)
class FlowLogConfig:
    """A VPC flow log. ``log_format`` None means the default (version 2) format."""

    id: str  # fl-...
    account_id: str
    region: str
    resource_id: str  # vpc id
    destination: str  # "s3" or "cloud-watch-logs"
    bucket: str  # for s3
    prefix: str
    log_group: str  # for cloud-watch-logs
    log_format: str | None
    aggregation_interval: int  # 60 or 600 seconds
    traffic_type: str = "ALL"


@dataclass(frozen=True, eq=False)
class EniTable:
    """Columnar view of every ENI (instances, ALB nodes, NAT gateways, DB hosts), index-aligned numpy arrays."""

    eni_id: np.ndarray  # str
    account_id: np.ndarray  # str
    region: np.ndarray  # str
    vpc_id: np.ndarray  # str
    subnet_id: np.ndarray  # str
    az: np.ndarray  # str
    kind: np.ndarray  # str: instance, alb, nat, db
    owner_id: np.ndarray  # str: instance id / lb name / nat id / db id
    tier: np.ndarray  # str: app, bastion, batch, alb, nat, db
    private_ip: np.ndarray  # str
    private_ip_int: np.ndarray  # uint32
    public_ip: np.ndarray  # str, "" when none
    security_group_id: np.ndarray  # str, "" for NAT

    def __len__(self) -> int:
        return len(self.eni_id)

    def index_of(self, eni_id: str) -> int:
        return int(np.flatnonzero(self.eni_id == eni_id)[0])


@dataclass(frozen=True, eq=False)
class World:
    """The whole organisation. Built once per run by ``build_world``; shared read-only by all sources."""

    seed: int
    student: str | None
    scale: int
    name: str  # "AnyBank"
    domain: str  # "anybank.example"
    home_region: str
    regions: tuple[str, ...]
    accounts: tuple[Account, ...]
    users: tuple[User, ...]
    roles: tuple[Role, ...]
    service_principals: tuple[str, ...]
    vpcs: tuple[Vpc, ...]
    subnets: tuple[Subnet, ...]
    security_groups: tuple[SecurityGroup, ...]
    instances: tuple[Instance, ...]
    db_hosts: tuple[DbHost, ...]
    nat_gateways: tuple[NatGateway, ...]
    internet_gateway_ids: tuple[str, ...]
    alb: LoadBalancer
    enis: EniTable
    buckets: tuple[Bucket, ...]
    trails: tuple[Trail, ...]
    flow_logs: tuple[FlowLogConfig, ...]
    office_cidrs: tuple[str, ...]
    office_egress_ips: tuple[str, ...]
    vpn_cidrs: tuple[str, ...]
    vpn_egress_ips: tuple[str, ...]
    user_agents: dict[str, tuple[str, ...]]  # tool -> pool of exact user-agent strings
    holidays: dict[str, frozenset[dt.date]]  # calendar ("US", "UK") -> dates off
    kms_keys: dict[str, str] = field(default_factory=dict)  # account id -> default CMK ARN
    secrets: dict[str, tuple[str, ...]] = field(default_factory=dict)  # account id -> secret ARNs

    def account(self, kind: str) -> Account:
        """The account of the given kind ("prod", "dev", "security")."""
        for a in self.accounts:
            if a.kind == kind:
                return a
        raise KeyError(kind)

    def bucket(self, name: str) -> Bucket:
        for b in self.buckets:
            if b.name == name:
                return b
        raise KeyError(name)

    def role(self, name: str, account_id: str | None = None) -> Role:
        for r in self.roles:
            if r.name == name and (account_id is None or r.account_id == account_id):
                return r
        raise KeyError(name)

    def trail_for(self, account_id: str) -> Trail:
        for t in self.trails:
            if t.account_id == account_id:
                return t
        raise KeyError(account_id)
