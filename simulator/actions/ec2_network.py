"""Network access changes: security-group ingress and network ACL entries.

EC2 Query-API shapes from the real records (Stratus ec2-security-group-open-port-22-ingress; invictus
AuthorizeSecurityGroupIngress, CreateRoute, DeleteRoute, CreateInternetGateway, Attach/Detach/DeleteInternetGateway):
lists wrapped as {"items": [...]}, empty lists as {}, responses {"requestId": <requestID>, "_return": true, ...}.
Network ACL entries (no sample) follow the same Query-API conventions with the CreateNetworkAclEntry parameter
names (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html) [UNVERIFIED shape].
Each change covers one CIS filter: security groups (3.10/4.10), NACLs (3.11/4.11), gateways (3.12/4.12),
route tables (3.13/4.13). An opened port is remembered in the scenario state so later inbound connections
(simulator.actions.network_traffic) are accepted.
"""

from __future__ import annotations

from typing import Any

from simulator.actions.base import ActionSpec, StepContext, StepResult, params_schema, register
from simulator.actions.ec2_common import IP, PROTO, ec2_call, resolve_vpc, security_group, stable_id
from simulator.actions.records import Step, tool_param


def emit_authorize_ingress(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    g = security_group(ctx, params.get("group"))
    port, cidr, proto = int(params["port"]), params["cidr"], params["protocol"]
    if params["request_style"] == "flat":  # `aws ec2 authorize-security-group-ingress --port 22 --cidr ...`
        req: dict[str, Any] = {
            "cidrIp": cidr,
            "fromPort": port,
            "groupId": g.id,
            "ipPermissions": {},
            "ipProtocol": proto,
            "toPort": port,
        }
    else:
        req = {
            "groupId": g.id,
            "ipPermissions": {
                "items": [
                    {
                        "ipProtocol": proto,
                        "fromPort": port,
                        "toPort": port,
                        "groups": {},
                        "ipRanges": {"items": [{"cidrIp": cidr}]},
                        "ipv6Ranges": {},
                        "prefixListIds": {},
                    }
                ]
            },
        }
    rule_id = step.resource_id("sgr")
    rules = {
        "securityGroupRuleSet": {
            "items": [
                {
                    "groupOwnerId": g.account_id,
                    "groupId": g.id,
                    "securityGroupRuleId": rule_id,
                    "isEgress": False,
                    "ipProtocol": proto,
                    "fromPort": port,
                    "toPort": port,
                    "cidrIpv4": cidr,
                }
            ]
        }
    }
    ec2_call(step, ctx.time_ms, "AuthorizeSecurityGroupIngress", req, rules, params)
    if not params.get("denied"):
        ctx.state.setdefault("open_ports", []).append([g.id, proto, port, cidr, ctx.time_ms])
    return step.result(group_id=g.id, group_name=g.name, port=port, cidr=cidr, rule_id=rule_id)


register(
    ActionSpec(
        name="authorize_security_group_ingress",
        summary="Open a port on a security group (default: SSH 22 from 0.0.0.0/0 on the bastion group).",
        description=(
            "One `AuthorizeSecurityGroupIngress` record in the simple CLI form (`cidrIp`, `fromPort`, `toPort`, "
            "`ipProtocol`, `groupId`, empty `ipPermissions`) or the structured form (`ipPermissions.items[]`), "
            "answered with the new `securityGroupRuleSet`. Later `inbound_connections` steps to that port are "
            "accepted in the flow logs."
        ),
        params=params_schema(
            {
                "group": {"type": "string", "description": "group id, name or name suffix (default bastion)"},
                "port": {"type": "integer", "minimum": 0, "maximum": 65535, "default": 22},
                "protocol": {"type": "string", "enum": ["tcp", "udp"], "default": "tcp"},
                "cidr": {"type": "string", "default": "0.0.0.0/0"},
                "request_style": {"type": "string", "enum": ["flat", "structured"], "default": "flat"},
                "tool": tool_param("aws-cli"),
                "denied": {"type": "boolean", "default": False},
                "source_ip": IP,
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1562.007",),
        facts={
            "group_id": "security group changed",
            "group_name": "its name",
            "port": "opened port",
            "cidr": "allowed source range",
            "rule_id": "new sgr- id",
        },
        emit=emit_authorize_ingress,
    )
)


def emit_modify_nacl(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    vpc = resolve_vpc(ctx, params.get("vpc"))
    acl = stable_id(ctx.world, "acl", vpc)
    op = params["operation"]
    rule = int(params["rule_number"])
    egress = bool(params["egress"])
    if op == "delete_entry":
        name, req = "DeleteNetworkAclEntry", {"networkAclId": acl, "ruleNumber": rule, "egress": egress}
    else:
        name = "CreateNetworkAclEntry" if op == "create_entry" else "ReplaceNetworkAclEntry"
        req = {
            "networkAclId": acl,
            "ruleNumber": rule,
            "egress": egress,
            "ruleAction": params["rule_action"],
            "icmpTypeCode": {},
            "portRange": {"from": int(params["port_from"]), "to": int(params["port_to"])},
            "aclProtocol": PROTO[params["protocol"]],
            "cidrBlock": params["cidr"],
        }
    ec2_call(step, ctx.time_ms, name, req, None, params)
    return step.result(network_acl_id=acl, vpc_id=vpc, event=name, rule_number=rule)


register(
    ActionSpec(
        name="modify_network_acl",
        summary="Add, replace or delete a network ACL entry (default: allow all inbound TCP from anywhere).",
        description=(
            "One `CreateNetworkAclEntry` / `ReplaceNetworkAclEntry` / `DeleteNetworkAclEntry` record on the VPC's "
            "network ACL, answered `{requestId, _return: true}`. In CIS's NACL-changes filter."
        ),
        params=params_schema(
            {
                "vpc": {"type": "string"},
                "operation": {
                    "type": "string",
                    "enum": ["create_entry", "replace_entry", "delete_entry"],
                    "default": "create_entry",
                },
                "rule_number": {"type": "integer", "minimum": 1, "maximum": 32766, "default": 90},
                "egress": {"type": "boolean", "default": False},
                "rule_action": {"type": "string", "enum": ["allow", "deny"], "default": "allow"},
                "protocol": {"type": "string", "enum": list(PROTO), "default": "tcp"},
                "port_from": {"type": "integer", "minimum": 0, "maximum": 65535, "default": 0},
                "port_to": {"type": "integer", "minimum": 0, "maximum": 65535, "default": 65535},
                "cidr": {"type": "string", "default": "0.0.0.0/0"},
                "tool": tool_param("aws-cli"),
                "denied": {"type": "boolean", "default": False},
                "source_ip": IP,
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1562.007",),
        facts={
            "network_acl_id": "ACL changed",
            "vpc_id": "its VPC",
            "event": "eventName",
            "rule_number": "entry",
        },
        emit=emit_modify_nacl,
    )
)
