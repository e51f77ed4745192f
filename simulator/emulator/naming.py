"""Rename botocore-shaped values the way CloudTrail writes them in requestParameters/responseElements.

Two styles, both driven by the botocore shapes:
- most services: member names with the first letter lower-cased (`S3BucketName` -> `s3BucketName`,
  `TrailARN` -> `trailARN`), lists as JSON arrays, maps unchanged;
- EC2: the XML element names of the EC2 API (`groupId`, `ipPermissions`, `groups`, `ipRanges`),
  every list wrapped as `{"items": [...]}` and an empty list written as `{}`; top-level lists
  whose query name is capitalised become `<name>Set` (`Filter` -> `filterSet`), lists of scalars
  become items of one-key objects (`{"items": [{"instanceId": "i-..."}]}`).
Members botocore marks `sensitive` (passwords, secret keys, plaintext) are left out, as CloudTrail
does not log secrets (real CreateAccessKey/CreateLoginProfile records carry no secret).
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from botocore.model import Shape

from simulator.emulator import ec2_layout
from simulator.formats import cloudtrail as ct_format

# (structure shape, member) pairs EC2 writes as plain JSON arrays (CreateSecurityGroup/RunInstances
# tagSpecificationSet items carry `"tags": [{"key","value"}]`).
EC2_PLAIN_LISTS = {("TagSpecification", "Tags")}
EC2_PLAIN_LIST_KEYS = {("TagSpecification", "Tags"): "tags"}


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def java_date(value: dt.datetime, comma: bool) -> str:
    """AWS's Java-locale timestamp text: `Jul 10, 2023 12:23:05 PM` (IAM) or with `, ` after the year (STS)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    epoch = value.timestamp()
    return ct_format.sts_expiration(epoch) if comma else ct_format.iam_create_date(epoch)


class Renamer:
    """Turns botocore values into CloudTrail values for one service."""

    def __init__(self, ec2: bool, timestamp_style: str, operation: str = "") -> None:
        self.ec2 = ec2
        self.timestamp_style = timestamp_style
        self.operation = operation

    def timestamp(self, value: Any) -> Any:
        if not isinstance(value, dt.datetime):
            return value
        if self.timestamp_style == "epoch_millis":
            return int(value.timestamp() * 1000)
        if self.timestamp_style == "iso":
            return ct_format.event_time(value.timestamp())
        return java_date(value, comma=self.timestamp_style == "java_comma")

    def value(self, shape: Shape, value: Any, item_key: str | None = None) -> Any:
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, value) if isinstance(value, dict) else value
        if kind == "list":
            if not isinstance(value, list):
                return value
            items = [self.value(shape.member, v) for v in value]
            if not self.ec2:
                return items
            if shape.member.type_name not in ("structure", "list", "map"):
                key = item_key or self._scalar_item_key(shape)
                items = [{key: v} for v in items]
            return {"items": items} if items else {}
        if kind == "map":
            if not isinstance(value, dict):
                return value
            return {k: self.value(shape.value, v) for k, v in value.items()}
        if kind == "timestamp":
            return self.timestamp(value)
        if kind == "blob" and isinstance(value, bytes | bytearray):
            return base64.b64encode(value).decode("ascii")
        return value

    def _scalar_item_key(self, shape: Shape) -> str:
        loc = shape.serialization.get("name") or shape.member.serialization.get("name") or "item"
        if loc == "item":
            loc = shape.member.serialization.get("name", "item")
        return lower_first(loc)

    def member_key(self, name: str, member: Shape, top_level: bool) -> str:
        if not self.ec2:
            return lower_first(name)
        if top_level and member.type_name == "list":
            named = ec2_layout.list_name(self.operation, name)
            if named:
                return named
        loc = member.serialization.get("name")
        if loc == "return":  # EC2's <return>true</return>, logged as `_return`
            return "_return"
        if member.type_name == "list" and loc and loc[0].isupper():
            return lower_first(loc) + "Set"
        if loc and loc[0].islower():
            return loc
        return lower_first(loc or name)

    def structure(self, shape: Shape, value: dict[str, Any], top_level: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            if name not in value or member.serialization.get("location") == "statusCode":
                continue
            if member.metadata.get("sensitive"):
                continue
            if self.ec2 and (shape.name, name) in EC2_PLAIN_LISTS:
                out[EC2_PLAIN_LIST_KEYS[(shape.name, name)]] = (
                    [self.value(member.member, v) for v in value[name]]
                    if isinstance(value[name], list)
                    else value[name]
                )
                continue
            key = self.member_key(name, member, top_level)
            item_key = ec2_layout.ITEM_KEYS.get((self.operation, name)) if self.ec2 and top_level else None
            out[key] = self.value(member, value[name], item_key)
        return out
