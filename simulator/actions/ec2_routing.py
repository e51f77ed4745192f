"""Routing changes: routes, internet gateways and VPC peering requests (CIS gateway, route-table and VPC controls).

Shapes from the real records (invictus CreateRoute, DeleteRoute, CreateInternetGateway, Attach/Detach/
DeleteInternetGateway); CreateVpcPeeringConnection from the EC2 API reference (no real sample).
"""

from __future__ import annotations

from typing import Any

from simulator.actions.base import ActionSpec, StepContext, StepResult, params_schema, register
from simulator.actions.ec2_common import IP, ec2_call, resolve_vpc, stable_id, vpc_gateway
from simulator.actions.records import Step, tool_param


def emit_modify_route(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    vpc = resolve_vpc(ctx, params.get("vpc"))
    rtb = stable_id(ctx.world, "rtb", vpc, params["table"])
    op = params["operation"]
    dest = params["destination"]
    req: dict[str, Any] = {"routeTableId": rtb, "destinationCidrBlock": dest}
    name = {"create": "CreateRoute", "replace": "ReplaceRoute", "delete": "DeleteRoute"}[op]
    target = params.get("target") or ""
    if op != "delete":
        if target.startswith("i-"):
            req["instanceId"] = target
        elif target.startswith("nat-"):
            req["natGatewayId"] = target
        else:
            req["gatewayId"] = target or vpc_gateway(ctx.world, vpc)
    ec2_call(step, ctx.time_ms, name, req, None, params)
    return step.result(
        route_table_id=rtb,
        vpc_id=vpc,
        event=name,
        destination=dest,
        target=req.get("gatewayId") or req.get("instanceId") or req.get("natGatewayId") or "",
    )


register(
    ActionSpec(
        name="modify_route_table",
        summary="Create, replace or delete a route (e.g. send the private subnets' 0.0.0.0/0 to an attacker instance).",
        description=(
            "One `CreateRoute` / `ReplaceRoute` / `DeleteRoute` record (`routeTableId`, `destinationCidrBlock`, "
            "and `gatewayId` / `instanceId` / `natGatewayId`), answered `{requestId, _return: true}` as in the real "
            "samples. In CIS's route-table-changes filter."
        ),
        params=params_schema(
            {
                "vpc": {"type": "string"},
                "table": {"type": "string", "enum": ["public", "app", "db"], "default": "app"},
                "operation": {
                    "type": "string",
                    "enum": ["create", "replace", "delete"],
                    "default": "replace",
                },
                "destination": {"type": "string", "default": "0.0.0.0/0"},
                "target": {
                    "type": "string",
                    "description": "igw-/nat-/i- id (default: the VPC's internet gateway)",
                },
                "tool": tool_param("aws-cli"),
                "denied": {"type": "boolean", "default": False},
                "source_ip": IP,
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1562.007",),
        facts={
            "route_table_id": "table changed",
            "event": "eventName",
            "destination": "route destination",
            "target": "next hop",
        },
        emit=emit_modify_route,
    )
)


def emit_internet_gateway(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    vpc = resolve_vpc(ctx, params.get("vpc"))
    op = params["operation"]
    t = ctx.time_ms
    facts: dict[str, Any] = {"vpc_id": vpc}
    if op == "create_and_attach":
        igw = step.resource_id("igw")
        ec2_call(
            step,
            t,
            "CreateInternetGateway",
            {},
            {
                "internetGateway": {
                    "internetGatewayId": igw,
                    "ownerId": ctx.actor.account_id,
                    "attachmentSet": {},
                    "tagSet": {},
                    "association": {},
                }
            },
            params,
            with_return=False,
        )
        ec2_call(
            step,
            t + 2000 + int(ctx.rng.integers(0, 3000)),
            "AttachInternetGateway",
            {"internetGatewayId": igw, "vpcId": vpc},
            None,
            params,
        )
    else:
        igw = params.get("gateway_id") or vpc_gateway(ctx.world, vpc)
        ec2_call(step, t, "DetachInternetGateway", {"internetGatewayId": igw, "vpcId": vpc}, None, params)
        if op == "detach_and_delete":
            ec2_call(
                step,
                t + 1500 + int(ctx.rng.integers(0, 3000)),
                "DeleteInternetGateway",
                {"internetGatewayId": igw},
                None,
                params,
            )
    facts["gateway_id"] = igw
    return step.result(**facts)


register(
    ActionSpec(
        name="modify_internet_gateway",
        summary="Create and attach a new internet gateway, or detach (and delete) the VPC's gateway.",
        description=(
            "`CreateInternetGateway` + `AttachInternetGateway`, or `DetachInternetGateway` (+ "
            "`DeleteInternetGateway`), shaped like the real records. In CIS's network-gateway-changes filter."
        ),
        params=params_schema(
            {
                "vpc": {"type": "string"},
                "operation": {
                    "type": "string",
                    "enum": ["create_and_attach", "detach", "detach_and_delete"],
                    "default": "create_and_attach",
                },
                "gateway_id": {"type": "string"},
                "tool": tool_param("aws-cli"),
                "denied": {"type": "boolean", "default": False},
                "source_ip": IP,
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1562.007",),
        facts={"gateway_id": "igw- id", "vpc_id": "VPC"},
        emit=emit_internet_gateway,
    )
)


def emit_vpc_peering(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    vpc = resolve_vpc(ctx, params.get("vpc"))
    peer_owner = params["peer_account"]
    peer_vpc = stable_id(ctx.world, "vpc", "peer", peer_owner)
    pcx = step.resource_id("pcx")
    cidr = next(v.cidr for v in ctx.world.vpcs if v.id == vpc)
    region = ctx.actor.region
    resp = {
        "vpcPeeringConnection": {
            "vpcPeeringConnectionId": pcx,
            "requesterVpcInfo": {
                "ownerId": ctx.actor.account_id,
                "vpcId": vpc,
                "cidrBlock": cidr,
                "region": region,
            },
            "accepterVpcInfo": {"ownerId": peer_owner, "vpcId": peer_vpc, "region": region},
            "status": {"code": "initiating-request", "message": f"Initiating Request to {peer_owner}"},
            "tagSet": {},
        }
    }
    ec2_call(
        step,
        ctx.time_ms,
        "CreateVpcPeeringConnection",
        {"vpcId": vpc, "peerVpcId": peer_vpc, "peerOwnerId": peer_owner},
        resp,
        params,
        with_return=False,
    )
    return step.result(vpc_id=vpc, peering_connection_id=pcx, peer_account=peer_owner, peer_vpc_id=peer_vpc)


register(
    ActionSpec(
        name="create_vpc_peering",
        summary="Request a VPC peering connection from a production VPC to a VPC in an outside account.",
        description=(
            "One `CreateVpcPeeringConnection` record (`vpcId`, `peerVpcId`, `peerOwnerId`; response with the new "
            "`pcx-` connection in `initiating-request`) [shape from the EC2 API reference, no real sample]. In "
            "CIS's VPC-changes filter."
        ),
        params=params_schema(
            {
                "vpc": {"type": "string"},
                "peer_account": {"type": "string", "pattern": r"^\d{12}$", "default": "588243120971"},
                "tool": tool_param("aws-cli"),
                "denied": {"type": "boolean", "default": False},
                "source_ip": IP,
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1599", "T1562.007"),
        facts={
            "vpc_id": "our VPC",
            "peering_connection_id": "pcx- id",
            "peer_account": "outside account",
            "peer_vpc_id": "its VPC",
        },
        emit=emit_vpc_peering,
    )
)
