"""VPC Flow Logs record format: fields, versions, custom formats, header line and line rendering.

Follows shared/reference/vpc-flow-logs-format.md (AWS: https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html):
- default format = the 14 version-2 fields; a custom format lists any subset in any order, written
  ``${field} ${field} ...``; the record's ``version`` is the highest version among the chosen fields;
- one space-separated line per record, ``-`` for anything not applicable, no quoting;
- NODATA / SKIPDATA records keep only version, account, interface, start, end and log-status (the
  per-interface metadata fields of newer versions are kept too, the flow fields become ``-``);
- S3 text files start with a header line of the field names in configured order (CloudWatch Logs
  events never carry it).

Records come in as a :class:`FlowBatch` (one numpy array per column) plus an :class:`EniTable`
(string pools of the per-interface attributes, indexed by ``FlowBatch.eni``); rendering is
fully vectorised by :mod:`simulator.formats.vpcflow_bytes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import fields as dc_fields
from functools import cached_property

import numpy as np

from simulator.formats import vpcflow_bytes as vb

# field -> flow-log version that introduced it (VPC flow logs; the v6 fields belong to Transit Gateway
# flow logs only and are rejected here).
FIELD_VERSIONS: dict[str, int] = {
    "version": 2, "account-id": 2, "interface-id": 2, "srcaddr": 2, "dstaddr": 2, "srcport": 2,
    "dstport": 2, "protocol": 2, "packets": 2, "bytes": 2, "start": 2, "end": 2, "action": 2,
    "log-status": 2,
    "vpc-id": 3, "subnet-id": 3, "instance-id": 3, "tcp-flags": 3, "type": 3, "pkt-srcaddr": 3,
    "pkt-dstaddr": 3,
    "region": 4, "az-id": 4, "sublocation-type": 4, "sublocation-id": 4,
    "pkt-src-aws-service": 5, "pkt-dst-aws-service": 5, "flow-direction": 5, "traffic-path": 5,
    "ecs-cluster-arn": 7, "ecs-cluster-name": 7, "ecs-container-instance-arn": 7,
    "ecs-container-instance-id": 7, "ecs-container-id": 7, "ecs-second-container-id": 7,
    "ecs-service-name": 7, "ecs-task-definition-arn": 7, "ecs-task-arn": 7, "ecs-task-id": 7,
    "reject-reason": 8,
}
TGW_ONLY_FIELDS = frozenset({
    "resource-type", "tgw-id", "tgw-attachment-id", "tgw-src-vpc-account-id", "tgw-dst-vpc-account-id",
    "tgw-src-vpc-id", "tgw-dst-vpc-id", "tgw-src-subnet-id", "tgw-dst-subnet-id", "tgw-src-eni",
    "tgw-dst-eni", "tgw-src-az-id", "tgw-dst-az-id", "tgw-pair-attachment-id", "packets-lost-no-route",
    "packets-lost-blackhole", "packets-lost-mtu-exceeded", "packets-lost-ttl-expired",
})
DEFAULT_FIELDS: tuple[str, ...] = (
    "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
    "packets", "bytes", "start", "end", "action", "log-status",
)
ALL_FIELDS: tuple[str, ...] = tuple(FIELD_VERSIONS)

ACTIONS = ("ACCEPT", "REJECT")
LOG_STATUSES = ("OK", "NODATA", "SKIPDATA")
OK, NODATA, SKIPDATA = 0, 1, 2
ACCEPT, REJECT = 0, 1
FLOW_DIRECTIONS = ("ingress", "egress")
INGRESS, EGRESS = 0, 1
# index 0 = "-" (address not in any AWS range); the rest per the AWS ip-ranges.json service names
AWS_SERVICES = (
    "-", "AMAZON", "AMAZON_APPFLOW", "AMAZON_CONNECT", "API_GATEWAY", "CHIME_MEETINGS", "CHIME_VOICECONNECTOR",
    "CLOUD9", "CLOUDFRONT", "CODEBUILD", "DYNAMODB", "EBS", "EC2", "EC2_INSTANCE_CONNECT", "GLOBALACCELERATOR",
    "KINESIS_VIDEO_STREAMS", "ROUTE53", "ROUTE53_HEALTHCHECKS", "ROUTE53_HEALTHCHECKS_PUBLISHING",
    "ROUTE53_RESOLVER", "S3", "WORKSPACES_GATEWAYS",
)
REJECT_REASONS = ("-", "BPA")
_FIELD_RE = re.compile(r"\$\{([a-z0-9-]+)\}")


def parse_log_format(log_format: str | None) -> tuple[str, ...]:
    """Field names of a ``--log-format`` string (``None``/empty → the default v2 format)."""
    if not log_format:
        return DEFAULT_FIELDS
    tokens = log_format.split()
    names: list[str] = []
    for pos, tok in enumerate(tokens, start=1):
        m = _FIELD_RE.fullmatch(tok)
        if m is None:
            raise ValueError(f"log format token {pos} {tok!r}: expected ${{field-name}}")
        name = m.group(1)
        if name in TGW_ONLY_FIELDS:
            raise ValueError(f"log format field {name!r} exists only in Transit Gateway flow logs")
        if name not in FIELD_VERSIONS:
            raise ValueError(f"log format field {name!r} is not a VPC flow log field")
        if name in names:
            raise ValueError(f"log format field {name!r} appears twice")
        names.append(name)
    return tuple(names)


def format_string(fields: tuple[str, ...]) -> str:
    """The ``${a} ${b}`` form AWS stores as the flow log's LogFormat."""
    return " ".join(f"${{{f}}}" for f in fields)


def format_version(fields: tuple[str, ...]) -> int:
    """Version written in each record: the highest version among the chosen fields (2 for default)."""
    return max(FIELD_VERSIONS[f] for f in fields)


def header_line(fields: tuple[str, ...]) -> bytes:
    """First line of every plain-text S3 flow-log object: the field names in configured order."""
    return (" ".join(fields) + "\n").encode("ascii")


@dataclass(frozen=True)
class EniTable:
    """Per-interface attributes as string pools; FlowBatch.eni indexes into them."""

    interface_id: tuple[str, ...]
    account_id: tuple[str, ...]
    vpc_id: tuple[str, ...]
    subnet_id: tuple[str, ...]
    instance_id: tuple[str, ...]  # "-" for requester-managed interfaces (ALB, NAT gateway, endpoints)
    region: tuple[str, ...]
    az_id: tuple[str, ...]
    sublocation_type: tuple[str, ...]
    sublocation_id: tuple[str, ...]

    def __post_init__(self) -> None:
        n = len(self.interface_id)
        for f in dc_fields(self):
            if len(getattr(self, f.name)) != n:
                raise ValueError(f"EniTable.{f.name} has {len(getattr(self, f.name))} entries, expected {n}")

    @cached_property
    def matrices(self) -> dict[str, np.ndarray]:
        return {f.name.replace("_", "-"): vb.pool_matrix(getattr(self, f.name)) for f in dc_fields(self)}


@dataclass
class FlowBatch:
    """Columnar flow records (all arrays the same length). Addresses are uint32 IPv4."""

    eni: np.ndarray  # int32 index into EniTable
    srcaddr: np.ndarray
    dstaddr: np.ndarray
    srcport: np.ndarray
    dstport: np.ndarray
    protocol: np.ndarray
    packets: np.ndarray
    bytes: np.ndarray
    start: np.ndarray  # unix seconds
    end: np.ndarray
    action: np.ndarray  # ACCEPT / REJECT
    log_status: np.ndarray  # OK / NODATA / SKIPDATA
    tcp_flags: np.ndarray  # int, -1 renders "-"
    pkt_srcaddr: np.ndarray
    pkt_dstaddr: np.ndarray
    pkt_src_aws_service: np.ndarray  # index into AWS_SERVICES
    pkt_dst_aws_service: np.ndarray
    flow_direction: np.ndarray  # INGRESS / EGRESS
    traffic_path: np.ndarray  # 1..8, -1 renders "-" (always "-" on ingress)
    reject_reason: np.ndarray  # index into REJECT_REASONS

    def __len__(self) -> int:
        return int(self.eni.shape[0])

    def take(self, index: np.ndarray | slice) -> FlowBatch:
        return FlowBatch(**{f.name: getattr(self, f.name)[index] for f in dc_fields(self)})

    @staticmethod
    def concat(batches: list[FlowBatch]) -> FlowBatch:
        return FlowBatch(
            **{f.name: np.concatenate([getattr(b, f.name) for b in batches]) for f in dc_fields(FlowBatch)}
        )

    def validate(self) -> None:
        n = len(self)
        for f in dc_fields(self):
            if getattr(self, f.name).shape != (n,):
                raise ValueError(f"FlowBatch.{f.name} has shape {getattr(self, f.name).shape}, expected ({n},)")
        if n and (self.start > self.end).any():
            i = int(np.argmax(self.start > self.end))
            raise ValueError(f"FlowBatch row {i}: start {self.start[i]} > end {self.end[i]}")


_ENI_FIELDS = {
    "account-id", "interface-id", "vpc-id", "subnet-id", "instance-id", "region", "az-id",
    "sublocation-type", "sublocation-id",
}
_DASH = np.array([[vb.DASH]], dtype=np.uint8)


def _pool(names: tuple[str, ...]) -> np.ndarray:
    return vb.pool_matrix(names)


_POOLS = {
    "action": _pool(ACTIONS), "log-status": _pool(LOG_STATUSES), "flow-direction": _pool(FLOW_DIRECTIONS),
    "aws-service": _pool(AWS_SERVICES), "reject-reason": _pool(REJECT_REASONS), "type": _pool(("IPv4",)),
}


def _field_matrix(name: str, b: FlowBatch, enis: EniTable, version: int, nodata: np.ndarray) -> np.ndarray:
    n = len(b)
    if name in _ENI_FIELDS:
        return enis.matrices[name][b.eni]
    if name == "version":
        return np.broadcast_to(np.frombuffer(str(version).encode(), dtype=np.uint8), (n, len(str(version))))
    if name in ("start", "end"):
        return vb.int_matrix(getattr(b, name))
    if name == "log-status":
        return _POOLS["log-status"][b.log_status]
    if name.startswith("ecs-"):
        return np.broadcast_to(_DASH, (n, 1))
    any_nodata = bool(nodata.any())
    null = nodata if any_nodata else None
    if name in ("srcaddr", "dstaddr", "pkt-srcaddr", "pkt-dstaddr"):
        return vb.ipv4_matrix(getattr(b, name.replace("-", "_")), null)
    if name in ("srcport", "dstport", "protocol", "packets", "bytes", "tcp-flags", "traffic-path"):
        return vb.int_matrix(getattr(b, name.replace("-", "_")), null)
    if name in ("action", "flow-direction", "reject-reason", "type"):
        pool = _POOLS[name]
        codes = np.zeros(n, dtype=np.int64) if name == "type" else getattr(b, name.replace("-", "_"))
        out = pool[codes]
        if any_nodata:
            out = out.copy()
            out[nodata] = 0
            out[nodata, 0] = vb.DASH
        return out
    if name in ("pkt-src-aws-service", "pkt-dst-aws-service"):
        codes = getattr(b, name.replace("-", "_"))
        if any_nodata:
            codes = np.where(nodata, 0, codes)
        return _POOLS["aws-service"][codes]
    raise ValueError(f"unknown flow log field {name!r}")


def field_matrices(batch: FlowBatch, enis: EniTable, fields: tuple[str, ...]) -> list[np.ndarray]:
    """One padded uint8 matrix per field (see simulator.formats.vpcflow_bytes)."""
    version = format_version(fields)
    nodata = batch.log_status != OK
    return [_field_matrix(f, batch, enis, version, nodata) for f in fields]


def render_lines(batch: FlowBatch, enis: EniTable, fields: tuple[str, ...] = DEFAULT_FIELDS) -> bytes:
    """All records of ``batch`` as newline-terminated lines in the given field order."""
    if len(batch) == 0:
        return b""
    return vb.join_lines(field_matrices(batch, enis, fields))


def cloudwatch_stream_name(interface_id: str, traffic_type: str = "ALL") -> str:
    """Log stream of one interface in the flow log's group: ``<eni-id>-all`` / ``-accept`` / ``-reject``.

    AWS documents one stream per network interface; the traffic-type suffix is what current flow
    logs show (reported widely, e.g. ``eni-0abc-all``; marked UNVERIFIED in the reference).
    """
    tt = traffic_type.upper()
    if tt not in ("ALL", "ACCEPT", "REJECT"):
        raise ValueError(f"traffic type must be ALL, ACCEPT or REJECT, got {traffic_type!r}")
    return f"{interface_id}-{tt.lower()}"
