"""EC2 compute: launching instances (e.g. GPU miners in an unusual region), terminating / stopping instances,
and sharing an EBS snapshot with an outside account.

Shapes from the real records: RunInstances (invictus success and Client.VcpuLimitExceeded failure: instancesSet
items with imageId/minCount/maxCount, instanceType, blockDeviceMapping {}, monitoring, disableApiTermination,
clientToken; response reservation with instancesSet items), TerminateInstances (instancesSet; currentState 32
shutting-down / previousState 16 running), StopInstances (currentState 64 stopping), ModifySnapshotAttribute
(Stratus ec2-share-ebs-snapshot: attributeType CREATE_VOLUME_PERMISSION, createVolumePermission.add.items[userId];
response {requestId, _return}), CreateSnapshot (invictus). A region other than the world's has no flow logs, so
miners there show only in CloudTrail.
"""

from __future__ import annotations

import uuid
from typing import Any

from simulator.actions.base import ActionSpec, StepContext, StepResult, params_schema, register
from simulator.actions.records import Step, spread, tool_param

EC2 = "ec2.amazonaws.com"
IP = {"type": "string", "format": "ipv4"}
VCPU_MSG = (
    "You have requested more vCPU capacity than your current vCPU limit of {n} allows for the instance bucket "
    "that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request "
    "to request an adjustment to this limit."
)


def _token(step: Step) -> str:
    return str(uuid.UUID(bytes=step.rng.integers(0, 256, 16, dtype="uint8").tobytes(), version=4)).upper()


def emit_run_instances(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    region = params.get("region") or ctx.actor.region
    itype, count, image = params["instance_type"], int(params["count"]), params["image_id"]
    subnet = step.resource_id("subnet")
    vpc = step.resource_id("vpc")
    req = {
        "instancesSet": {"items": [{"imageId": image, "minCount": count, "maxCount": count}]},
        "instanceType": itype,
        "blockDeviceMapping": {},
        "monitoring": {"enabled": False},
        "subnetId": subnet,
        "disableApiTermination": False,
        "disableApiStop": False,
        "clientToken": _token(step),
    }
    t = ctx.time_ms
    errors = 0
    if params["vcpu_limit_first"]:
        rid = step.uuid()
        step.api_call(
            t,
            EC2,
            "RunInstances",
            req,
            None,
            tool=params["tool"],
            region=region,
            request_id=rid,
            error=("Client.VcpuLimitExceeded", VCPU_MSG.format(n=0)),
        )
        errors += 1
        t += 4000 + int(ctx.rng.integers(0, 20000))
        count = max(1, count // 2)
        req = dict(
            req,
            instancesSet={"items": [{"imageId": image, "minCount": count, "maxCount": count}]},
            clientToken=_token(step),
        )
    rid = step.uuid()
    az = f"{region}{'abc'[int(ctx.rng.integers(0, 3))]}"
    ids = [step.resource_id("i") for _ in range(count)]
    items = []
    for k, iid in enumerate(ids):
        ip = f"172.31.{int(ctx.rng.integers(0, 64))}.{int(ctx.rng.integers(4, 250))}"
        items.append(
            {
                "instanceId": iid,
                "imageId": image,
                "instanceState": {"code": 0, "name": "pending"},
                "privateDnsName": f"ip-{ip.replace('.', '-')}.{region}.compute.internal",
                "amiLaunchIndex": k,
                "productCodes": {},
                "instanceType": itype,
                "launchTime": t,
                "placement": {"availabilityZone": az, "tenancy": "default"},
                "monitoring": {"state": "disabled"},
                "subnetId": subnet,
                "vpcId": vpc,
                "privateIpAddress": ip,
                "stateReason": {"code": "pending", "message": "pending"},
                "architecture": "x86_64",
                "rootDeviceType": "ebs",
                "rootDeviceName": "/dev/xvda",
                "blockDeviceMapping": {},
                "virtualizationType": "hvm",
                "hypervisor": "xen",
                "clientToken": req["clientToken"],
                "sourceDestCheck": True,
                "ebsOptimized": False,
                "enaSupport": True,
            }
        )
    resp = {
        "requestId": rid,
        "reservationId": step.resource_id("r"),
        "ownerId": ctx.actor.account_id,
        "groupSet": {},
        "instancesSet": {"items": items},
    }
    if params.get("denied"):
        step.api_call(
            t,
            EC2,
            "RunInstances",
            req,
            None,
            tool=params["tool"],
            region=region,
            request_id=rid,
            error=step.denied(EC2, "RunInstances"),
        )
        return step.result(region=region, instance_type=itype, instance_ids=[], count=0, denied=True)
    step.api_call(t, EC2, "RunInstances", req, resp, tool=params["tool"], region=region, request_id=rid)
    ctx.state.setdefault("launched_instances", []).extend(ids)
    return step.result(
        region=region,
        instance_type=itype,
        instance_ids=ids,
        count=len(ids),
        image_id=image,
        failed_attempts=errors,
    )


register(
    ActionSpec(
        name="run_instances",
        summary="Launch instances (default: GPU p3.2xlarge miners in a region the bank does not use).",
        description=(
            "One `RunInstances` record (optionally preceded by a `Client.VcpuLimitExceeded` failure, as real "
            "miners hit the vCPU quota first) with the reservation and one `instancesSet` item per instance. "
            "No flow logs exist in an unused region, so only CloudTrail shows the miners."
        ),
        params=params_schema(
            {
                "instance_type": {"type": "string", "default": "p3.2xlarge"},
                "count": {"type": "integer", "minimum": 1, "maximum": 50, "default": 4},
                "region": {"type": "string", "default": "ap-southeast-2"},
                "image_id": {"type": "string", "default": "ami-0a1b2c3d4e5f60718"},
                "vcpu_limit_first": {"type": "boolean", "default": True},
                "tool": tool_param("boto3"),
                "denied": {"type": "boolean", "default": False},
                "source_ip": IP,
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1496", "T1578.002"),
        facts={
            "region": "region launched in",
            "instance_type": "type",
            "instance_ids": "launched instance ids",
            "count": "instances launched",
            "failed_attempts": "RunInstances failures before",
        },
        emit=emit_run_instances,
    )
)

STATES = {
    "terminate": ("TerminateInstances", {"code": 32, "name": "shutting-down"}),
    "stop": ("StopInstances", {"code": 64, "name": "stopping"}),
}


def _instances(ctx: StepContext, refs: list[str], count: int) -> list[str]:
    mine = [i for i in ctx.world.instances if i.account_id == ctx.actor.account_id]
    if refs:
        out: list[str] = []
        for r in refs:  # an id, or a tier: one instance of that tier drawn per student
            hit = [i.id for i in mine if r in (i.id, i.tier) and i.id not in out]
            if not hit:
                raise ValueError(
                    f"step {ctx.step_id}: unknown instance {r!r} in account {ctx.actor.account_id}"
                )
            out.append(hit[0] if r.startswith("i-") else hit[int(ctx.rng.integers(0, len(hit)))])
        return out
    apps = [i.id for i in mine if i.tier in ("app", "batch")] or [i.id for i in mine]
    pick = ctx.rng.choice(len(apps), size=min(count, len(apps)), replace=False)
    return [apps[int(k)] for k in sorted(pick.tolist())]


def emit_instances_state(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    name, new_state = STATES[params["operation"]]
    ids = _instances(ctx, list(params.get("instances") or []), int(params["count"]))
    req: dict[str, Any] = {"instancesSet": {"items": [{"instanceId": i} for i in ids]}}
    if name == "StopInstances":
        req["force"] = False
    rid = step.uuid()
    resp = {
        "requestId": rid,
        "instancesSet": {
            "items": [
                {"instanceId": i, "currentState": new_state, "previousState": {"code": 16, "name": "running"}}
                for i in ids
            ]
        },
    }
    err = step.denied(EC2, name) if params.get("denied") else None
    step.api_call(ctx.time_ms, EC2, name, req, resp, tool=params["tool"], error=err, request_id=rid)
    return step.result(instance_ids=ids, event=name, denied=bool(err))


register(
    ActionSpec(
        name="change_instance_state",
        summary="Terminate or stop instances (default: one random app instance terminated).",
        description=(
            "One `TerminateInstances` (`currentState` 32 shutting-down) or `StopInstances` (64 stopping) record "
            "listing the instances in `instancesSet.items`, as in the real samples."
        ),
        params=params_schema(
            {
                "operation": {"type": "string", "enum": list(STATES), "default": "terminate"},
                "instances": {
                    "type": "array",
                    "items": {"type": "string"},
                    "default": [],
                    "description": "instance ids or tiers (default: random app instances)",
                },
                "count": {"type": "integer", "minimum": 1, "maximum": 20, "default": 1},
                "tool": tool_param("console"),
                "denied": {"type": "boolean", "default": False},
                "source_ip": IP,
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1485", "T1529"),
        facts={"instance_ids": "instances affected", "event": "eventName"},
        emit=emit_instances_state,
    )
)


def emit_share_snapshot(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    t1, t2 = spread(step, ctx.time_ms, 2, 40.0, 5000)
    vol = step.resource_id("vol")
    snap = step.resource_id("snap")
    rid = step.uuid()
    step.api_call(
        t1,
        EC2,
        "CreateSnapshot",
        {"volumeId": vol},
        {
            "requestId": rid,
            "snapshotId": snap,
            "volumeId": vol,
            "status": "pending",
            "startTime": t1,
            "ownerId": ctx.actor.account_id,
            "volumeSize": "100",
            "encrypted": False,
        },
        tool=params["tool"],
        request_id=rid,
    )
    rid = step.uuid()
    step.api_call(
        t2,
        EC2,
        "ModifySnapshotAttribute",
        {
            "attributeType": "CREATE_VOLUME_PERMISSION",
            "createVolumePermission": {"add": {"items": [{"userId": params["target_account"]}]}},
            "snapshotId": snap,
        },
        {"requestId": rid, "_return": True},
        tool=params["tool"],
        request_id=rid,
    )
    return step.result(snapshot_id=snap, volume_id=vol, target_account=params["target_account"])


register(
    ActionSpec(
        name="share_ebs_snapshot",
        summary="Snapshot a volume and share the snapshot with an outside account.",
        description=(
            "`CreateSnapshot` then `ModifySnapshotAttribute` adding `createVolumePermission` for the outside "
            "account (Stratus ec2-share-ebs-snapshot). Not in any CIS filter."
        ),
        params=params_schema(
            {
                "target_account": {"type": "string", "pattern": r"^\d{12}$", "default": "193672423079"},
                "tool": tool_param("aws-cli"),
                "source_ip": IP,
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1537",),
        facts={
            "snapshot_id": "shared snapshot",
            "volume_id": "source volume",
            "target_account": "account it was shared with",
        },
        emit=emit_share_snapshot,
    )
)
