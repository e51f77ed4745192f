"""IAM users (with behaviour profiles), roles and service principals of the organisation."""

from __future__ import annotations

import numpy as np
from faker import Faker

from simulator.world import ids
from simulator.world.model import Account, Profile, Role, User
from simulator.world.useragents import pick_personal

# job -> (share of employees, department, home account kind, api mix, tool weights, console MFA share)
JOBS: dict[str, tuple[float, str, str, tuple[tuple[str, float], ...], float]] = {
    "developer": (
        0.40,
        "Engineering",
        "dev",
        (("console", 0.25), ("aws-cli", 0.45), ("boto3", 0.15), ("terraform", 0.15)),
        0.8,
    ),
    "dba": (0.06, "Data Platform", "prod", (("console", 0.45), ("aws-cli", 0.45), ("boto3", 0.10)), 0.9),
    "analyst": (0.22, "Analytics", "prod", (("console", 0.55), ("aws-cli", 0.15), ("boto3", 0.30)), 0.7),
    "cloud-admin": (
        0.06,
        "Cloud Platform",
        "prod",
        (("console", 0.35), ("aws-cli", 0.35), ("terraform", 0.30)),
        1.0,
    ),
    "finance": (0.10, "Finance", "prod", (("console", 0.9), ("boto3", 0.1)), 0.6),
    "security": (0.08, "Security", "security", (("console", 0.5), ("aws-cli", 0.35), ("boto3", 0.15)), 1.0),
}
# (timezone, holiday calendar, Faker locale, share of staff)
SITES = (
    ("America/New_York", "US", "en_US", 0.6),
    ("Europe/London", "UK", "en_GB", 0.3),
    ("America/Chicago", "US", "en_US", 0.1),
)
# cross-account roles each job assumes from its home account (role name, target account kind)
JOB_ASSUMES: dict[str, tuple[tuple[str, str], ...]] = {
    "developer": (("DeveloperReadOnly", "prod"),),
    "dba": (("DBAAccess", "prod"),),
    "cloud-admin": (("CloudAdmin", "dev"), ("CloudAdmin", "security")),
    "security": (("SecurityAudit", "prod"), ("SecurityAudit", "dev")),
}
SERVICE_PRINCIPALS = (
    "config.amazonaws.com",
    "autoscaling.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "ec2.amazonaws.com",
    "lambda.amazonaws.com",
    "rds.amazonaws.com",
    "elasticloadbalancing.amazonaws.com",
    "logs.amazonaws.com",
    "ssm.amazonaws.com",
    "health.amazonaws.com",
    "secretsmanager.amazonaws.com",
    "delivery.logs.amazonaws.com",
)
SERVICE_LINKED = (
    ("AWSServiceRoleForConfig", "config.amazonaws.com"),
    ("AWSServiceRoleForAutoScaling", "autoscaling.amazonaws.com"),
    ("AWSServiceRoleForRDS", "rds.amazonaws.com"),
    ("AWSServiceRoleForElasticLoadBalancing", "elasticloadbalancing.amazonaws.com"),
)


def _username(first: str, last: str, taken: set[str]) -> str:
    base = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
    name, n = base, 2
    while name in taken:
        name, n = f"{base}{n}", n + 1
    taken.add(name)
    return name


def build_roles(rng: np.random.Generator, accounts: tuple[Account, ...]) -> tuple[Role, ...]:
    roles: list[Role] = []

    def add(acct: Account, name: str, kind: str, path: str = "/", service: str = "") -> None:
        arn = f"arn:aws:iam::{acct.id}:role{path}{name}"
        roles.append(Role(name, acct.id, arn, ids.iam_id(rng, "AROA", acct.id_tag), kind, path, service))

    for acct in accounts:
        for perm in ("AdministratorAccess", "ReadOnlyAccess"):
            sso = f"AWSReservedSSO_{perm}_{ids.hex_id(rng, 16)}"
            add(acct, sso, "sso", "/aws-reserved/sso.amazonaws.com/")
        add(acct, "OrganizationAccountAccessRole", "cross-account")
        for name, svc in SERVICE_LINKED:
            add(acct, name, "service-linked", f"/aws-service-role/{svc}/", svc)
        add(acct, "CloudTrail_CloudWatchLogs_Role", "cwl-delivery", service="cloudtrail.amazonaws.com")
        if acct.kind in ("prod", "dev"):
            add(acct, "ci-deploy", "ci")
            add(acct, "CloudAdmin", "cross-account")
            add(acct, "SecurityAudit", "cross-account")
        if acct.kind == "security":
            add(acct, "CloudAdmin", "cross-account")
    prod = next(a for a in accounts if a.kind == "prod")
    dev = next(a for a in accounts if a.kind == "dev")
    add(prod, "DeveloperReadOnly", "cross-account")
    add(prod, "DBAAccess", "cross-account")
    add(prod, "anybank-web-app-role", "instance", service="ec2.amazonaws.com")
    add(prod, "anybank-batch-role", "instance", service="ec2.amazonaws.com")
    add(prod, "anybank-bastion-role", "instance", service="ec2.amazonaws.com")
    add(prod, "anybank-statement-generator-role", "lambda", service="lambda.amazonaws.com")
    add(prod, "vpc-flow-logs-role", "flow-logs", service="vpc-flow-logs.amazonaws.com")
    add(dev, "dev-app-role", "instance", service="ec2.amazonaws.com")
    return tuple(roles)


def build_users(
    rng: np.random.Generator,
    faker_seed: int,
    accounts: tuple[Account, ...],
    roles: tuple[Role, ...],
    scale: int,
    pools: dict[str, tuple[str, ...]],
    home_ip_factory,
) -> tuple[User, ...]:
    """``scale`` employees plus the service users (CI, backup, reporting)."""
    by_kind = {a.kind: a for a in accounts}
    fakers = {loc: Faker(loc) for _, _, loc, _ in SITES}
    for i, f in enumerate(fakers.values()):
        f.seed_instance(faker_seed + i)
    jobs = list(JOBS)
    job_p = np.array([JOBS[j][0] for j in jobs])
    job_p /= job_p.sum()
    site_p = np.array([s[3] for s in SITES])
    taken: set[str] = set()
    users: list[User] = []
    for i in range(scale):
        job = jobs[int(rng.choice(len(jobs), p=job_p))]
        share, dept, home_kind, tools, mfa_share = JOBS[job]
        tz, cal, loc, _ = SITES[int(rng.choice(len(SITES), p=site_p))]
        first, last = fakers[loc].first_name(), fakers[loc].last_name()
        name = _username(first, last, taken)
        acct = by_kind[home_kind]
        start = float(np.clip(rng.normal(8.8, 0.7), 7.0, 10.5))
        assumes = tuple(
            r.arn
            for rn, kind in JOB_ASSUMES.get(job, ())
            for r in roles
            if r.name == rn and r.account_id == by_kind[kind].id
        )
        profile = Profile(
            timezone=tz,
            holiday_calendar=cal,
            work_start=start,
            work_end=start + float(np.clip(rng.normal(8.5, 0.6), 7.0, 10.0)),
            sessions_per_hour=float(rng.gamma(2.0, 0.35)),
            weekend_factor=float(rng.choice([0.0, 0.02, 0.05, 0.15], p=[0.5, 0.25, 0.15, 0.1])),
            tools=tools,
            mfa=bool(rng.random() < mfa_share),
            office_share=float(rng.choice([0.2, 0.5, 0.8, 0.95])),
            api_mix=job,
            assume_roles=assumes,
        )
        n_home = int(rng.integers(1, 3))
        users.append(
            User(
                index=i,
                name=name,
                display_name=f"{first} {last}",
                email=f"{name}@anybank.example",
                department=dept,
                job=job,
                account_id=acct.id,
                arn=f"arn:aws:iam::{acct.id}:user/{name}",
                principal_id=ids.iam_id(rng, "AIDA", acct.id_tag),
                access_key_id=ids.iam_id(rng, "AKIA", acct.id_tag),
                home_ips=tuple(home_ip_factory() for _ in range(n_home)),
                user_agents=pick_personal(rng, pools, tuple(t for t, _ in tools)),
                profile=profile,
            )
        )
    service = (
        ("svc-jenkins", "Engineering", "ci", "dev", (("aws-cli", 1.0),)),
        ("svc-backup", "Data Platform", "backup", "prod", (("boto3", 1.0),)),
        ("svc-reporting", "Finance", "reporting", "prod", (("boto3", 1.0),)),
    )
    for name, dept, mix, kind, tools in service:
        acct = by_kind[kind]
        assumes = tuple(r.arn for r in roles if mix == "ci" and r.name == "ci-deploy")
        profile = Profile("UTC", "US", 0.0, 24.0, 0.0, 1.0, tools, False, 1.0, mix, assumes)
        users.append(
            User(
                index=len(users),
                name=name,
                display_name=name,
                email="",
                department=dept,
                job="service",
                account_id=acct.id,
                arn=f"arn:aws:iam::{acct.id}:user/{name}",
                principal_id=ids.iam_id(rng, "AIDA", acct.id_tag),
                access_key_id=ids.iam_id(rng, "AKIA", acct.id_tag),
                home_ips=(),
                user_agents=pick_personal(rng, pools, tuple(t for t, _ in tools)),
                profile=profile,
                is_human=False,
            )
        )
    return tuple(users)
