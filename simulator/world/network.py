"""VPCs, subnets, security groups, EC2 instances, DB hosts, NAT gateways, the ALB and the ENI table."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.world import ids
from simulator.world.model import (
    Account,
    AlbNode,
    DbHost,
    EniTable,
    Instance,
    LoadBalancer,
    NatGateway,
    SecurityGroup,
    Subnet,
    TargetGroup,
    Vpc,
)

# Public ranges AWS announces for us-east-1 EC2 (ip-ranges.json has these among many others).
EC2_PUBLIC_BLOCKS = (("54.80.0.0", 13), ("3.208.0.0", 12), ("44.192.0.0", 11), ("52.70.0.0", 15))
APP_PORT = 8080


@dataclass
class Network:
    vpcs: tuple[Vpc, ...]
    subnets: tuple[Subnet, ...]
    security_groups: tuple[SecurityGroup, ...]
    instances: tuple[Instance, ...]
    db_hosts: tuple[DbHost, ...]
    nat_gateways: tuple[NatGateway, ...]
    igw_ids: tuple[str, ...]
    alb: LoadBalancer
    enis: EniTable


def public_ip(rng: np.random.Generator, taken: set[str]) -> str:
    while True:
        base, plen = EC2_PUBLIC_BLOCKS[int(rng.integers(0, len(EC2_PUBLIC_BLOCKS)))]
        ip = ids.ip_str(ids.ip_in(rng, ids.ip_int(base), plen))
        if ip not in taken:
            taken.add(ip)
            return ip


def build_network(
    rng: np.random.Generator,
    prod: Account,
    dev: Account,
    region: str,
    scale: int,
    office_cidrs: tuple[str, ...],
    alb_log_bucket: str,
) -> Network:
    taken: set[str] = set()
    used_private: set[int] = set()
    azs = (f"{region}a", f"{region}b")
    vpcs, subnets, sgs, instances, dbs, nats, igws = [], [], [], [], [], [], []
    eni_rows: list[tuple] = []

    def private(subnet: Subnet) -> str:
        base, plen = subnet.cidr.split("/")
        while True:
            ip = ids.ip_in(rng, ids.ip_int(base), int(plen))
            if ip not in used_private:
                used_private.add(ip)
                return ids.ip_str(ip)

    def eni(
        acct: str, vpc: Vpc, sn: Subnet, kind: str, owner: str, tier: str, ip: str, pub: str, sg: str
    ) -> str:
        eid = ids.resource_id(rng, "eni")
        eni_rows.append(
            (eid, acct, region, vpc.id, sn.id, sn.az, kind, owner, tier, ip, ids.ip_int(ip), pub, sg)
        )
        return eid

    def sg(acct: Account, vpc: Vpc, name: str, ingress) -> SecurityGroup:
        g = SecurityGroup(ids.resource_id(rng, "sg"), name, vpc.id, acct.id, tuple(ingress))
        sgs.append(g)
        return g

    for acct, second_octet, name in ((prod, 10, "anybank-prod"), (dev, 20, "anybank-dev")):
        vpc = Vpc(ids.resource_id(rng, "vpc"), acct.id, region, f"10.{second_octet}.0.0/16", name)
        vpcs.append(vpc)
        igws.append(ids.resource_id(rng, "igw"))
        sn = {}
        for tier, third in (("public", 0), ("app", 10), ("db", 20)):
            for k, az in enumerate(azs):
                s = Subnet(
                    ids.resource_id(rng, "subnet"),
                    vpc.id,
                    acct.id,
                    region,
                    az,
                    f"10.{second_octet}.{third + k}.0/24",
                    tier,
                )
                subnets.append(s)
                sn[(tier, k)] = s
        sg_alb = sg(acct, vpc, f"{name}-alb", [("tcp", 443, 443, "0.0.0.0/0"), ("tcp", 80, 80, "0.0.0.0/0")])
        sg_bastion = sg(acct, vpc, f"{name}-bastion", [("tcp", 22, 22, c) for c in office_cidrs])
        sg_app = sg(
            acct, vpc, f"{name}-app", [("tcp", APP_PORT, APP_PORT, sg_alb.id), ("tcp", 22, 22, sg_bastion.id)]
        )
        sg_db = sg(acct, vpc, f"{name}-db", [("tcp", 5432, 5432, sg_app.id), ("tcp", 3306, 3306, sg_app.id)])
        for k, az in enumerate(azs if acct is prod else azs[:1]):
            s = sn[("public", k)]
            nid, ip = ids.resource_id(rng, "nat"), private(s)
            pub = public_ip(rng, taken)
            nats.append(
                NatGateway(
                    nid, vpc.id, s.id, az, eni(acct.id, vpc, s, "nat", nid, "nat", ip, pub, ""), ip, pub
                )
            )
        n_app = max(2, scale // 50) if acct is prod else 2
        role = "anybank-web-app-role" if acct is prod else "dev-app-role"
        specs = [("app", role, "m6i.large", sg_app, APP_PORT, "app", k % 2) for k in range(n_app)]
        if acct is prod:
            specs += [
                ("bastion", "anybank-bastion-role", "t3.micro", sg_bastion, 22, "public", 0),
                ("batch", "anybank-batch-role", "c6i.xlarge", sg_app, 0, "app", 1),
            ]
        image = "ami-0" + ids.hex_id(rng, 16)
        for tier, rname, itype, group, port, stier, k in specs:
            s = sn[(stier, k)]
            iid, ip = ids.resource_id(rng, "i"), private(s)
            pub = public_ip(rng, taken) if tier == "bastion" else ""
            e = eni(acct.id, vpc, s, "instance", iid, tier, ip, pub, group.id)
            instances.append(
                Instance(
                    iid,
                    acct.id,
                    region,
                    vpc.id,
                    s.id,
                    s.az,
                    e,
                    ip,
                    pub,
                    tier,
                    (group.id,),
                    rname,
                    itype,
                    image,
                    port,
                )
            )
        if acct is prod:
            for db_id, engine, port, k in (
                ("anybank-core-pg", "postgres", 5432, 0),
                ("anybank-core-pg-replica", "postgres", 5432, 1),
                ("anybank-legacy-mysql", "mysql", 3306, 0),
            ):
                s = sn[("db", k)]
                ip = private(s)
                e = eni(acct.id, vpc, s, "db", db_id, "db", ip, "", sg_db.id)
                dbs.append(DbHost(db_id, acct.id, region, vpc.id, s.id, s.az, e, ip, engine, port, sg_db.id))
            nodes = []
            for k, az in enumerate(azs):
                s = sn[("public", k)]
                ip, pub = private(s), public_ip(rng, taken)
                nodes.append(
                    AlbNode(
                        az,
                        s.id,
                        eni(acct.id, vpc, s, "alb", "anybank-web", "alb", ip, pub, sg_alb.id),
                        ip,
                        pub,
                    )
                )
            lb_hex = ids.hex_id(rng, 16)
            app_targets = [i for i in instances if i.account_id == prod.id and i.tier == "app"]
            tg = TargetGroup(
                "anybank-web-tg",
                f"arn:aws:elasticloadbalancing:{region}:{prod.id}:targetgroup/anybank-web-tg/{ids.hex_id(rng, 16)}",
                APP_PORT,
                "HTTP",
                tuple(i.id for i in app_targets),
                tuple(i.private_ip for i in app_targets),
            )
            alb = LoadBalancer(
                name="anybank-web",
                arn=f"arn:aws:elasticloadbalancing:{region}:{prod.id}:loadbalancer/app/anybank-web/{lb_hex}",
                log_id=f"app/anybank-web/{lb_hex}",
                dns_name=f"anybank-web-{int(rng.integers(10**8, 10**9))}.{region}.elb.amazonaws.com",
                account_id=prod.id,
                region=region,
                vpc_id=vpc.id,
                security_group_id=sg_alb.id,
                nodes=tuple(nodes),
                listener_ports=(80, 443),
                target_groups=(tg,),
                log_bucket=alb_log_bucket,
                log_prefix="web",
                domain="www.anybank.example",
            )
    cols = list(zip(*eni_rows, strict=True))
    arr = [np.array(c) for c in cols]
    arr[10] = np.array(cols[10], dtype=np.uint32)
    return Network(
        tuple(vpcs),
        tuple(subnets),
        tuple(sgs),
        tuple(instances),
        tuple(dbs),
        tuple(nats),
        tuple(igws),
        alb,
        EniTable(*arr),
    )
