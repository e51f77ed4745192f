"""The API calls the baseline makes: event source/name, readOnly, request-parameter shapes, resources and
the errors each call can hit. Shapes copy the real records in
shared/reference/samples/cloudtrail/invictus-ir_aws_dataset (EC2 ``{"items": [...]}`` sets, S3 ``Host`` and
empty sub-resource keys, SSM/KMS/Secrets Manager parameters) and cloudtrail-format.md §5, §7.

This module holds the types (Env, Variant, Api), builders and error tables; the API lists themselves are in
cloudtrail_apis_infra.py (EC2, IAM, STS, S3) and cloudtrail_apis_services.py (everything else).
``build_catalog()`` returns {"<service>.<EventName>": Api}.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from simulator.world import World

S3 = "s3.amazonaws.com"
# event source prefix -> aws-cli command group (the `command/<group>.<operation>` part of CLI user agents)
CLI_SERVICE = {"s3": "s3api", "monitoring": "cloudwatch", "elasticloadbalancing": "elbv2"}


@dataclass(frozen=True)
class Env:
    """What parameter builders may use: one account and region of the world."""

    world: World
    account_id: str
    region: str
    day: dt.date | None = None  # the UTC day of the call, for APIs whose parameters carry dates (Api.dated)

    @property
    def instances(self) -> list[str]:
        return [i.id for i in self.world.instances if i.account_id == self.account_id] or ["i-0" + "0" * 16]

    @property
    def vpcs(self) -> list[str]:
        return [v.id for v in self.world.vpcs if v.account_id == self.account_id]

    @property
    def sgs(self) -> list[str]:
        return [g.id for g in self.world.security_groups if g.account_id == self.account_id]

    @property
    def buckets(self) -> list[str]:
        return [b.name for b in self.world.buckets if b.account_id == self.account_id]

    @property
    def dbs(self) -> list[str]:
        return [d.id for d in self.world.db_hosts if d.account_id == self.account_id]

    @property
    def users(self) -> list[str]:
        return [u.name for u in self.world.users if u.account_id == self.account_id][:25]

    @property
    def roles(self) -> list[str]:
        return [r.name for r in self.world.roles if r.account_id == self.account_id]

    @property
    def params(self) -> list[str]:
        return [
            f"/anybank/{k}/{n}"
            for k in ("prod", "dev")
            for n in ("db/host", "db/port", "api/base-url", "feature-flags")
        ]


def _items(key: str, values: list[str]) -> dict:
    return {"items": [{key: v} for v in values]}


def _filter(name: str, values: list[str]) -> dict:
    return {"items": [{"name": name, "valueSet": {"items": [{"value": v} for v in values]}}]}


def _s3_host(bucket: str, region: str) -> str:
    return f"{bucket}.s3.{region}.amazonaws.com"


@dataclass(frozen=True)
class Variant:
    """One concrete request: parameters, resources and (for configuration lookups) a fixed error."""

    params: dict | None
    resources: list | None = None
    error: tuple[str, str] | None = None
    bytes_out: int = 0  # S3: additionalEventData.bytesTransferredOut


@dataclass(frozen=True)
class Api:
    key: str
    source: str
    name: str
    read_only: bool
    variants: Callable[[Env], list[Variant]]
    errors: tuple[tuple[str, str, float], ...] = ()  # (code, message, probability) random errors
    api_version: str | None = None
    global_service: bool = False  # recorded in us-east-1 whatever the client's region
    dated: bool = False  # parameters depend on the day (variants are built per day)
    cli: str = field(default="")  # aws-cli command (service.operation) for the CLI user agent

    @property
    def is_s3(self) -> bool:
        return self.source == S3


def _none(env: Env) -> list[Variant]:
    return [Variant(None)]


def _const(params: dict) -> Callable[[Env], list[Variant]]:
    return lambda env: [Variant(params)]


def _bucket_cfg(sub: str, missing: tuple[str, str] | None, has: Callable[[str], bool], out: int = 0):
    def build(env: Env) -> list[Variant]:
        out_v = []
        for b in env.buckets:
            res = [{"accountId": env.account_id, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{b}"}]
            params = {"bucketName": b, "Host": _s3_host(b, env.region), sub: ""}
            out_v.append(Variant(params, res, None if has(b) else missing, out if has(b) else 300))
        return out_v

    return build


# Throttling, the commonest error in the real sample (3.5 %): JSON-protocol services answer
# ThrottlingException / "Rate exceeded" (real SSM records), Query-protocol services Throttling, EC2 its own code.
CE_FILTER = {
    "Not": {
        "Or": [
            {"Dimensions": {"Key": "RECORD_TYPE", "Values": ["Credit"]}},
            {"Dimensions": {"Key": "RECORD_TYPE", "Values": ["Refund"]}},
        ]
    }
}
THROTTLE = ("ThrottlingException", "Rate exceeded", 0.03)
JSON_THROTTLE = ("ThrottlingException", "Rate exceeded", 0.015)
QUERY_THROTTLE = ("Throttling", "Rate exceeded", 0.015)
EC2_THROTTLE = ("Client.RequestLimitExceeded", "Request limit exceeded.", 0.015)
DEFAULT_ERRORS = {
    "kms": (JSON_THROTTLE,),
    "secretsmanager": (JSON_THROTTLE,),
    "logs": (JSON_THROTTLE,),
    "cloudtrail": (JSON_THROTTLE,),
    "iam": (QUERY_THROTTLE,),
    "rds": (QUERY_THROTTLE,),
    "monitoring": (QUERY_THROTTLE,),
    "elasticloadbalancing": (QUERY_THROTTLE,),
    "autoscaling": (QUERY_THROTTLE,),
}


def _ec2(name: str, build: Callable[[Env], list[Variant]], ro: bool = True, errors=()) -> Api:
    return Api(f"ec2.{name}", "ec2.amazonaws.com", name, ro, build, (EC2_THROTTLE, *errors))


def _api(svc: str, name: str, build, ro: bool = True, errors=None, **kw) -> Api:
    errs = DEFAULT_ERRORS.get(svc, ()) if errors is None else errors
    return Api(f"{svc}.{name}", f"{svc}.amazonaws.com", name, ro, build, errs, **kw)


def build_catalog() -> dict[str, Api]:
    from simulator.baseline.cloudtrail_apis_infra import infra_apis
    from simulator.baseline.cloudtrail_apis_services import service_apis

    apis = infra_apis() + service_apis()
    out = {a.key: a for a in apis}
    for a in out.values():
        if not a.cli:
            svc = a.source.split(".")[0]
            object.__setattr__(a, "cli", f"{CLI_SERVICE.get(svc, svc)}.{_kebab(a.name)}")
    return out


def _version_id(secret_arn: str) -> str:
    """A stable upper-case UUID (Secrets Manager version ids are written upper-case in real records)."""
    import hashlib
    import uuid

    return str(
        uuid.UUID(bytes=hashlib.blake2b(secret_arn.encode(), digest_size=16).digest(), version=4)
    ).upper()


def _kebab(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if (
            ch.isupper()
            and i
            and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower()))
        ):
            out.append("-")
        out.append(ch.lower())
    return "".join(out)
