"""``build_world``: assemble the seeded organisation (accounts, identities, network, buckets, trails, flow logs)."""

from __future__ import annotations

import hashlib
import uuid

import numpy as np

from simulator.world import ids
from simulator.world.calendar import holiday_calendars
from simulator.world.identities import SERVICE_PRINCIPALS, build_roles, build_users
from simulator.world.model import Account, Bucket, FlowLogConfig, Trail, World
from simulator.world.network import build_network
from simulator.world.useragents import build_pools

HOME_REGION = "us-east-1"
REGIONS = ("us-east-1", "us-west-2")
OFFICE_CIDRS = ("203.0.113.0/26",)  # HQ egress (documentation range: never a real third party)
VPN_CIDRS = ("198.51.100.0/27",)
# Consumer ISP blocks (/8) home addresses are drawn from: Comcast, Charter, Verizon, AT&T, BT, Virgin Media.
HOME_BLOCKS = (73, 24, 98, 108, 86, 81, 92, 71)
FLOW_CUSTOM_FORMAT = (
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} "
    "${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${subnet-id} ${instance-id} "
    "${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr} ${flow-direction} ${traffic-path}"
)


def world_seed(seed: int, student: str | None) -> int:
    """One integer that mixes the run seed with the student id (different students, different worlds)."""
    h = hashlib.blake2b(f"{seed}\x00{student or ''}".encode(), digest_size=8).digest()
    return int.from_bytes(h, "big")


def _keys(rng: np.random.Generator, purpose: str, n: int) -> tuple[str, ...]:
    out = []
    for _ in range(n):
        num = int(rng.integers(10_000_000, 99_999_999))
        y, m = int(rng.integers(2022, 2027)), int(rng.integers(1, 13))
        if purpose == "customer-records":
            out.append(f"customers/{num % 100:02d}/{num}/profile.json")
        elif purpose == "statements":
            out.append(f"statements/{y}/{m:02d}/{num}.pdf")
        elif purpose == "static-site":
            out.append(
                str(rng.choice(
                    [
                        "index.html",
                        "css/site.css",
                        "js/app.js",
                        "img/logo.svg",
                        "about.html",
                        "rates.html",
                        "contact.html",
                        f"img/banner-{num % 20}.jpg",
                    ]
                ))  # a plain str, not np.str_
            )
        else:
            out.append(f"builds/{y}{m:02d}/{ids.hex_id(rng, 12)}.zip")
    return tuple(dict.fromkeys(out))


def build_world(seed: int, student: str | None = None, scale: int = 200) -> World:
    """Build the organisation for (seed, student); same inputs give an identical world."""
    if scale < 1:
        raise ValueError(f"scale must be >= 1, got {scale}")
    ws = world_seed(seed, student)
    rng = np.random.default_rng(ws)
    accounts = []
    for kind in ("prod", "dev", "security"):
        aid = ids.account_id(rng)
        tag = ids.account_tag(rng)
        accounts.append(Account(aid, kind, f"anybank-{kind}", f"aws-{kind}@anybank.example", tag, aid))
    accounts_t = tuple(accounts)
    prod, dev, sec = accounts_t
    pools = build_pools()
    roles = build_roles(rng, accounts_t)

    def home_ip() -> str:
        return ids.ip_str(ids.ip_in(rng, HOME_BLOCKS[int(rng.integers(0, len(HOME_BLOCKS)))] << 24, 8, 256))

    users = build_users(rng, ws % (2**31), accounts_t, roles, scale, pools, home_ip)

    b = {
        "trail": f"anybank-cloudtrail-logs-{sec.id}",
        "flow": f"anybank-vpc-flow-logs-{sec.id}",
        "access": f"anybank-s3-access-logs-{prod.id}",
        "alb": f"anybank-alb-logs-{prod.id}",
    }
    net = build_network(rng, prod, dev, HOME_REGION, scale, OFFICE_CIDRS, b["alb"])
    kms = {
        a.id: f"arn:aws:kms:{HOME_REGION}:{a.id}:key/{uuid.UUID(bytes=rng.bytes(16), version=4)}"
        for a in accounts_t
    }
    n_keys = max(50, scale * 3)
    specs = [
        (
            f"anybank-customer-records-{prod.id}",
            prod,
            "customer-records",
            True,
            b["access"],
            "customer-records/",
            n_keys,
        ),
        (f"anybank-statements-{prod.id}", prod, "statements", True, b["access"], "statements/", n_keys),
        (f"anybank-static-site-{prod.id}", prod, "static-site", False, b["access"], "static-site/", 20),
        (f"anybank-artifacts-{dev.id}", dev, "artifacts", False, "", "", 60),
        (b["access"], prod, "access-logs", False, "", "", 0),
        (b["alb"], prod, "alb-logs", False, "", "", 0),
        (b["trail"], sec, "cloudtrail-logs", False, "", "", 0),
        (b["flow"], sec, "flow-logs", False, "", "", 0),
    ]
    buckets = tuple(
        Bucket(
            i,
            name,
            acct.id,
            HOME_REGION,
            purpose,
            data_ev,
            target,
            prefix,
            _keys(rng, purpose, n) if n else (),
            kms[acct.id] if purpose in ("customer-records", "statements") else "",
        )
        for i, (name, acct, purpose, data_ev, target, prefix, n) in enumerate(specs)
    )
    data_buckets = tuple(x.name for x in buckets if x.data_events)
    trails = []
    for a in accounts_t:
        name = f"anybank-{a.kind}-trail"
        group = f"aws-cloudtrail-logs-{a.id}-{ids.hex_id(rng, 8)}"
        trails.append(
            Trail(
                name=name,
                arn=f"arn:aws:cloudtrail:{HOME_REGION}:{a.id}:trail/{name}",
                account_id=a.id,
                home_region=HOME_REGION,
                s3_bucket=b["trail"],
                s3_prefix="",
                log_group=group,
                log_group_arn=f"arn:aws:logs:{HOME_REGION}:{a.id}:log-group:{group}:*",
                cwl_role_arn=f"arn:aws:iam::{a.id}:role/CloudTrail_CloudWatchLogs_Role",
                data_event_buckets=tuple(n for n in data_buckets if a.id == prod.id),
            )
        )
    prod_vpc = next(v for v in net.vpcs if v.account_id == prod.id)
    dev_vpc = next(v for v in net.vpcs if v.account_id == dev.id)
    flow_logs = (
        FlowLogConfig(
            ids.resource_id(rng, "fl"), prod.id, HOME_REGION, prod_vpc.id, "s3", b["flow"], "", "", None, 600
        ),
        FlowLogConfig(
            ids.resource_id(rng, "fl"),
            prod.id,
            HOME_REGION,
            prod_vpc.id,
            "cloud-watch-logs",
            "",
            "",
            "/aws/vpc/flowlogs/anybank-prod",
            FLOW_CUSTOM_FORMAT,
            60,
        ),
        FlowLogConfig(
            ids.resource_id(rng, "fl"),
            dev.id,
            HOME_REGION,
            dev_vpc.id,
            "cloud-watch-logs",
            "",
            "",
            "/aws/vpc/flowlogs/anybank-dev",
            None,
            600,
        ),
    )
    secrets = {
        prod.id: tuple(
            f"arn:aws:secretsmanager:{HOME_REGION}:{prod.id}:secret:{n}-{ids.alnum(rng, 6)}"
            for n in ("anybank/prod/core-db", "anybank/prod/legacy-db", "anybank/prod/payments-api-key")
        ),
        dev.id: tuple(
            f"arn:aws:secretsmanager:{HOME_REGION}:{dev.id}:secret:{n}-{ids.alnum(rng, 6)}"
            for n in ("anybank/dev/core-db",)
        ),
        sec.id: (),
    }
    office_ips = tuple(
        ids.ip_str(ids.ip_int("203.0.113.0") + int(k)) for k in rng.choice(np.arange(2, 62), 4, replace=False)
    )
    vpn_ips = tuple(
        ids.ip_str(ids.ip_int("198.51.100.0") + int(k))
        for k in rng.choice(np.arange(2, 30), 2, replace=False)
    )
    return World(
        seed=seed,
        student=student,
        scale=scale,
        name="AnyBank",
        domain="anybank.example",
        home_region=HOME_REGION,
        regions=REGIONS,
        accounts=accounts_t,
        users=users,
        roles=roles,
        service_principals=SERVICE_PRINCIPALS,
        vpcs=net.vpcs,
        subnets=net.subnets,
        security_groups=net.security_groups,
        instances=net.instances,
        db_hosts=net.db_hosts,
        nat_gateways=net.nat_gateways,
        internet_gateway_ids=net.igw_ids,
        alb=net.alb,
        enis=net.enis,
        buckets=buckets,
        trails=tuple(trails),
        flow_logs=flow_logs,
        office_cidrs=OFFICE_CIDRS,
        office_egress_ips=office_ips,
        vpn_cidrs=VPN_CIDRS,
        vpn_egress_ips=vpn_ips,
        user_agents=pools,
        holidays=holiday_calendars(),
        kms_keys=kms,
        secrets=secrets,
    )
