"""Per-operation corrections where real CloudTrail records differ from the generic botocore-derived shape.

Each fix cites the real record it reproduces (shared/reference/samples/cloudtrail/):
- EC2 security-group rule calls always carry `ipPermissions` (`{}` when the flat form was used) and
  every IpPermission lists `groups`, `ipRanges`, `ipv6Ranges`, `prefixListIds` (empty = `{}`);
  flat-form key order is groupId, ipPermissions, ipProtocol, fromPort, toPort, cidrIp
  (invictus AuthorizeSecurityGroupIngress x2, Stratus ec2-security-group-open-port-22-ingress).
- classic EC2 Describe* calls always carry their id lists and `filterSet` (`ec2_layout.LAYOUT`, invictus).
- RunInstances puts imageId/minCount/maxCount(/keyName) inside `instancesSet.items[0]` (invictus).
- Authorize* responses: `_return: true` and rules ordered groupOwnerId, groupId, securityGroupRuleId,
  description, isEgress, ipProtocol, fromPort, toPort, cidrIpv4 (invictus, Stratus); CreateSecurityGroup:
  requestId, _return, groupId (invictus); ipRanges items cidrIp before description.
- IAM CreateAccessKey orders the key as accessKeyId, status, userName, createDate (invictus).
- IAM CreateLoginProfile: passwordResetRequired first in request and response (invictus). Other IAM and
  KMS records do not keep one key order between calls of the same API in the real samples, so the
  botocore member order stands.
- Secrets that botocore does not mark sensitive: EC2 CreateKeyPair `keyMaterial` is written as
  `<sensitiveDataRemoved>` (AWS log-file-examples).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from simulator.emulator import ec2_layout

_SG_RULE_OPS = (
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
)
_SG_FLAT_ORDER = (
    "groupId",
    "groupName",
    "ipPermissions",
    "ipProtocol",
    "fromPort",
    "toPort",
    "cidrIp",
    "sourceSecurityGroupName",
    "sourceSecurityGroupOwnerId",
)
_PERMISSION_ORDER = ("ipProtocol", "fromPort", "toPort", "groups", "ipRanges", "ipv6Ranges", "prefixListIds")
_PERMISSION_LISTS = ("groups", "ipRanges", "ipv6Ranges", "prefixListIds")


def _ordered(value: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    out = {k: value[k] for k in order if k in value}
    out.update((k, v) for k, v in value.items() if k not in out)
    return out


def _ordered_items(value: Any, order: tuple[str, ...]) -> Any:
    if isinstance(value, dict) and isinstance(value.get("items"), list):
        return {"items": [_ordered(i, order) if isinstance(i, dict) else i for i in value["items"]]}
    return value


def _sg_rule(params: dict[str, Any]) -> dict[str, Any]:
    params.setdefault("ipPermissions", {})
    perms = params["ipPermissions"]
    if isinstance(perms, dict) and perms.get("items"):
        fixed = []
        for perm in perms["items"]:
            for key in _PERMISSION_LISTS:
                perm.setdefault(key, {})
            perm["ipRanges"] = _ordered_items(perm["ipRanges"], ("cidrIp", "description"))
            perm["ipv6Ranges"] = _ordered_items(perm["ipv6Ranges"], ("cidrIpv6", "description"))
            fixed.append(_ordered(perm, _PERMISSION_ORDER))
        params["ipPermissions"] = {"items": fixed}
    return _ordered(params, _SG_FLAT_ORDER)


def _run_instances(params: dict[str, Any]) -> dict[str, Any]:
    item = {k: params.pop(k) for k in ("imageId", "minCount", "maxCount", "keyName") if k in params}
    return {"instancesSet": {"items": [item]}, **params}


def _create_login_profile_request(params: dict[str, Any]) -> dict[str, Any]:
    return _ordered(params, ("passwordResetRequired", "userName"))


_REQUEST_FIXES: dict[tuple[str, str], Callable[[dict[str, Any]], dict[str, Any]]] = {
    **{("ec2", op): _sg_rule for op in _SG_RULE_OPS},
    ("ec2", "RunInstances"): _run_instances,
    ("iam", "CreateLoginProfile"): _create_login_profile_request,
}


_RULE_ORDER = (
    "groupOwnerId",
    "groupId",
    "securityGroupRuleId",
    "description",
    "isEgress",
    "ipProtocol",
    "fromPort",
    "toPort",
    "cidrIpv4",
    "cidrIpv6",
    "prefixListId",
    "referencedGroupInfo",
)


def _sg_rule_response(resp: dict[str, Any], account_id: str) -> dict[str, Any]:
    rules = resp.get("securityGroupRuleSet")
    if isinstance(rules, dict) and isinstance(rules.get("items"), list):
        items = []
        for rule in rules["items"]:
            rule = {"groupOwnerId": account_id, **rule}
            if rule.get("tagSet") == {}:
                del rule["tagSet"]
            items.append(_ordered(rule, _RULE_ORDER))
        resp["securityGroupRuleSet"] = {"items": items}
    resp.setdefault("_return", True)
    return _ordered(resp, ("requestId", "_return", "securityGroupRuleSet"))


def _create_sg_response(resp: dict[str, Any], account_id: str) -> dict[str, Any]:
    resp.setdefault("_return", True)
    return _ordered(resp, ("requestId", "_return", "groupId", "securityGroupArn", "tagSet"))


def _create_access_key(resp: dict[str, Any], account_id: str) -> dict[str, Any]:
    if isinstance(resp.get("accessKey"), dict):
        resp["accessKey"] = _ordered(resp["accessKey"], ("accessKeyId", "status", "userName", "createDate"))
    return resp


def _create_login_profile(resp: dict[str, Any], account_id: str) -> dict[str, Any]:
    if isinstance(resp.get("loginProfile"), dict):
        resp["loginProfile"] = _ordered(
            resp["loginProfile"], ("passwordResetRequired", "userName", "createDate")
        )
    return resp


def _create_role(resp: dict[str, Any], account_id: str) -> dict[str, Any]:
    role = resp.get("role")
    if isinstance(role, dict) and role.get("roleLastUsed") == {}:
        resp["role"] = {k: v for k, v in role.items() if k != "roleLastUsed"}  # moto-only member
    return resp


def _create_key_pair(resp: dict[str, Any], account_id: str) -> dict[str, Any]:
    if "keyMaterial" in resp:
        resp["keyMaterial"] = "<sensitiveDataRemoved>"
    return resp


_RESPONSE_FIXES: dict[tuple[str, str], Callable[[dict[str, Any], str], dict[str, Any]]] = {
    **{
        ("ec2", op): _sg_rule_response
        for op in ("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress")
    },
    ("ec2", "CreateSecurityGroup"): _create_sg_response,
    ("iam", "CreateAccessKey"): _create_access_key,
    ("iam", "CreateLoginProfile"): _create_login_profile,
    ("iam", "CreateRole"): _create_role,
    ("ec2", "CreateKeyPair"): _create_key_pair,
}


def fix_request(service: str, operation: str, params: dict[str, Any] | None) -> dict[str, Any] | None:
    if service == "ec2":
        params = ec2_layout.apply_layout(operation, params)
    fix = _REQUEST_FIXES.get((service, operation))
    if fix is None:
        return params
    return fix(dict(params or {}))


def fix_response(
    service: str, operation: str, resp: dict[str, Any] | None, account_id: str
) -> dict[str, Any] | None:
    fix = _RESPONSE_FIXES.get((service, operation))
    if fix is None or resp is None:
        return resp
    return fix(dict(resp), account_id)


_UNKNOWN_TRAIL = re.compile(r"^Unknown trail: (?P<name>[^ ]+) for the user: (?P<acct>\d+)$")


def fix_error_message(service: str, code: str, message: str, region: str, account_id: str) -> str:
    """Error texts as real records carry them: CloudTrail names the unknown trail by ARN
    (invictus StopLogging/StartLogging/DeleteTrail TrailNotFoundException; moto uses the bare name)."""
    if service == "cloudtrail" and code == "TrailNotFoundException":
        m = _UNKNOWN_TRAIL.match(message)
        if m and not m.group("name").startswith("arn:"):
            arn = f"arn:aws:cloudtrail:{region}:{m.group('acct')}:trail/{m.group('name')}"
            return f"Unknown trail: {arn} for the user: {m.group('acct')}"
    return message
