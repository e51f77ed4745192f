"""Logging tampering: StopLogging / StartLogging, DeleteTrail, UpdateTrail, PutEventSelectors (CloudTrail) and
DeleteFlowLogs (EC2), each changing what later records the scenario may deliver (simulator.actions.logstate).

Shapes from the real records in shared/reference/samples/cloudtrail/ (Stratus cloudtrail-stop, cloudtrail-delete,
cloudtrail-event-selectors, vpc-remove-flow-logs; invictus StartLogging, CreateTrail, DeleteFlowLogs):
requestParameters {"name": <trail>} and responseElements null for Stop/Start/DeleteTrail; PutEventSelectors
echoes the selectors with the trailARN; DeleteFlowLogs uses the EC2 "DeleteFlowLogsRequest/FlowLogId{tag,content}"
body. UpdateTrail's response echoes the trail configuration like CreateTrail's. CIS 3.5/4.5 watches
Create/Update/DeleteTrail and Start/StopLogging, not PutEventSelectors nor DeleteFlowLogs.
"""

from __future__ import annotations

from typing import Any

from simulator.actions.base import ActionSpec, StepContext, StepResult, params_schema, register
from simulator.actions.logstate import cloudwatch_detached, flow_log_deleted, trail_off, trail_on
from simulator.actions.records import Step, tool_param
from simulator.world import Trail

CT = "cloudtrail.amazonaws.com"
TECH = ("T1562.008",)
TRAIL_PARAM = {"type": "string", "description": "trail name (default: the actor's account trail)"}


def _trail(ctx: StepContext, name: str | None) -> Trail:
    if not name:
        return ctx.world.trail_for(ctx.actor.account_id)
    for t in ctx.world.trails:
        if name in (t.name, t.arn):
            return t
    raise ValueError(
        f"step {ctx.step_id}: unknown trail {name!r}; trails: {', '.join(t.name for t in ctx.world.trails)}"
    )


def _trail_ref(trail: Trail, tool: str) -> str:
    """The console sends the trail ARN, the CLI and SDKs usually the name."""
    return trail.arn if tool == "console" else trail.name


def _simple(event: str, effect: str):
    def emit(ctx: StepContext, params: dict) -> StepResult:
        step = Step(ctx)
        trail = _trail(ctx, params.get("trail"))
        tool = params["tool"]
        if effect == "on":
            trail_on(ctx.state, trail.account_id, ctx.time_ms)
        step.api_call(
            ctx.time_ms,
            CT,
            event,
            {"name": _trail_ref(trail, tool)},
            None,
            tool=tool,
            region=trail.home_region,
            recipient=trail.account_id,
        )
        if effect == "off":
            trail_off(ctx.state, trail.account_id, ctx.time_ms)
        return step.result(trail=trail.name, trail_arn=trail.arn, logging=effect == "on")

    return emit


for _name, _event, _effect, _summary in (
    (
        "stop_logging",
        "StopLogging",
        "off",
        "Stop a CloudTrail trail (nothing is delivered until StartLogging).",
    ),
    ("start_logging", "StartLogging", "on", "Start a stopped trail again (e.g. to hide the gap)."),
    ("delete_trail", "DeleteTrail", "off", "Delete a CloudTrail trail (its deliveries end)."),
):
    register(
        ActionSpec(
            name=_name,
            summary=_summary,
            description=(
                f'One `{_event}` record (`cloudtrail.amazonaws.com`, requestParameters `{{"name": <trail>}}`, '
                "responseElements null) in the trail's home region. "
                + (
                    "The trail's CloudTrail records after it are not delivered (the scenario's later records of "
                    "that account are dropped and the gap is reported to the engine)."
                    if _effect == "off"
                    else "Delivery resumes from this record on."
                )
            ),
            params=params_schema(
                {
                    "trail": TRAIL_PARAM,
                    "tool": tool_param("aws-cli"),
                    "source_ip": {"type": "string", "format": "ipv4"},
                }
            ),
            sources=("cloudtrail",),
            techniques=TECH,
            facts={"trail": "trail name", "trail_arn": "trail ARN", "time": "epoch ms of the call"},
            emit=_simple(_event, _effect),
        )
    )


def _trail_config(trail: Trail, changes: dict[str, Any]) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "name": trail.name,
        "s3BucketName": trail.s3_bucket,
        "includeGlobalServiceEvents": True,
        "isMultiRegionTrail": True,
        "trailARN": trail.arn,
        "logFileValidationEnabled": True,
        "cloudWatchLogsLogGroupArn": trail.log_group_arn,
        "cloudWatchLogsRoleArn": trail.cwl_role_arn,
        "isOrganizationTrail": False,
    }
    if trail.s3_prefix:
        cfg["s3KeyPrefix"] = trail.s3_prefix
    cfg.update(changes)
    return {k: v for k, v in cfg.items() if v not in ("", None)}


UPDATE_CHANGES = {
    # Pacu detection__disruption "minimize": silently detach the CloudWatch Logs group, which kills every CIS filter
    "remove_cloudwatch_logs": (
        {"cloudWatchLogsLogGroupArn": "", "cloudWatchLogsRoleArn": ""},
        {"cloudWatchLogsLogGroupArn": None, "cloudWatchLogsRoleArn": None},
    ),
    "disable_global_events": ({"includeGlobalServiceEvents": False}, {"includeGlobalServiceEvents": False}),
    "single_region": ({"isMultiRegionTrail": False}, {"isMultiRegionTrail": False}),
    "disable_validation": ({"enableLogFileValidation": False}, {"logFileValidationEnabled": False}),
}


def emit_update_trail(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    trail = _trail(ctx, params.get("trail"))
    tool = params["tool"]
    changes = params["changes"]
    req: dict[str, Any] = {"name": _trail_ref(trail, tool)}
    resp: dict[str, Any] = {}
    for c in changes:
        req.update(UPDATE_CHANGES[c][0])
        resp.update(UPDATE_CHANGES[c][1])
    if params.get("s3_bucket"):
        req["s3BucketName"] = resp["s3BucketName"] = params["s3_bucket"]
    step.api_call(
        ctx.time_ms,
        CT,
        "UpdateTrail",
        req,
        _trail_config(trail, resp),
        tool=tool,
        region=trail.home_region,
        recipient=trail.account_id,
    )
    if "remove_cloudwatch_logs" in changes:
        # CloudWatch Logs delivery ends; the S3 copy continues (recorded for the engine, see logstate.gaps)
        cloudwatch_detached(ctx.state, trail.account_id, ctx.time_ms)
    return step.result(trail=trail.name, trail_arn=trail.arn, changes=list(changes))


register(
    ActionSpec(
        name="update_trail",
        summary="Weaken a trail with UpdateTrail (detach CloudWatch Logs, drop global events, single region, ...).",
        description=(
            "One `UpdateTrail` record whose requestParameters carry only the changed settings and whose "
            "responseElements echo the resulting trail configuration. `remove_cloudwatch_logs` is the quiet "
            "variant that blinds every metric filter while S3 delivery goes on."
        ),
        params=params_schema(
            {
                "trail": TRAIL_PARAM,
                "tool": tool_param("aws-cli"),
                "changes": {
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": {"type": "string", "enum": sorted(UPDATE_CHANGES)},
                    "default": ["remove_cloudwatch_logs"],
                },
                "s3_bucket": {"type": "string", "description": "redirect delivery to this bucket"},
                "source_ip": {"type": "string", "format": "ipv4"},
            }
        ),
        sources=("cloudtrail",),
        techniques=TECH,
        facts={"trail": "trail name", "trail_arn": "trail ARN", "changes": "settings changed"},
        emit=emit_update_trail,
    )
)


def emit_put_event_selectors(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    trail = _trail(ctx, params.get("trail"))
    tool = params["tool"]
    mgmt = bool(params["include_management_events"])
    selectors = [
        {
            "readWriteType": params["read_write_type"],
            "includeManagementEvents": mgmt,
            "dataResources": []
            if not params["keep_data_events"]
            else [
                {
                    "type": "AWS::S3::Object",
                    "values": [f"arn:aws:s3:::{b}/" for b in trail.data_event_buckets],
                }
            ],
            "excludeManagementEventSources": [],
        }
    ]
    step.api_call(
        ctx.time_ms,
        CT,
        "PutEventSelectors",
        {"trailName": _trail_ref(trail, tool), "eventSelectors": selectors},
        {"trailARN": trail.arn, "eventSelectors": selectors},
        tool=tool,
        region=trail.home_region,
        recipient=trail.account_id,
    )
    if not mgmt:
        trail_off(
            ctx.state,
            trail.account_id,
            ctx.time_ms,
            "all" if not params["keep_data_events"] else "management",
        )
    return step.result(trail=trail.name, trail_arn=trail.arn, include_management_events=mgmt)


register(
    ActionSpec(
        name="put_event_selectors",
        summary="Replace a trail's event selectors, e.g. to stop recording management events.",
        description=(
            "One `PutEventSelectors` record (requestParameters `trailName` + `eventSelectors`, responseElements "
            "echo them with `trailARN`), shaped like Stratus' cloudtrail-event-selectors detonation. With "
            "`include_management_events: false` later management events of the account are not delivered. "
            "CIS's CloudTrail-changes filter does not list this event."
        ),
        params=params_schema(
            {
                "trail": TRAIL_PARAM,
                "tool": tool_param("aws-cli"),
                "include_management_events": {"type": "boolean", "default": False},
                "read_write_type": {
                    "type": "string",
                    "enum": ["All", "ReadOnly", "WriteOnly"],
                    "default": "ReadOnly",
                },
                "keep_data_events": {"type": "boolean", "default": False},
                "source_ip": {"type": "string", "format": "ipv4"},
            }
        ),
        sources=("cloudtrail",),
        techniques=TECH,
        facts={"trail": "trail name", "trail_arn": "trail ARN", "include_management_events": "new setting"},
        emit=emit_put_event_selectors,
    )
)


def emit_delete_flow_logs(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    wanted = params.get("flow_log_ids") or []
    logs = [f for f in ctx.world.flow_logs if f.account_id == ctx.actor.account_id]
    for fid in wanted:
        if fid not in {f.id for f in ctx.world.flow_logs}:
            raise ValueError(f"step {ctx.step_id}: unknown flow log {fid!r}")
    chosen = [f for f in ctx.world.flow_logs if f.id in wanted] if wanted else logs
    if not chosen:
        raise ValueError(f"step {ctx.step_id}: account {ctx.actor.account_id} has no flow logs to delete")
    t = ctx.time_ms
    for f in chosen:
        rid = step.uuid()
        step.api_call(
            t,
            "ec2.amazonaws.com",
            "DeleteFlowLogs",
            {"DeleteFlowLogsRequest": {"FlowLogId": {"tag": 1, "content": f.id}}},
            {
                "DeleteFlowLogsResponse": {
                    "xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/",
                    "requestId": rid,
                    "unsuccessful": "",
                }
            },
            tool=params["tool"],
            region=f.region,
            recipient=f.account_id,
            request_id=rid,
        )
        flow_log_deleted(ctx.state, f.id, t)
        t += 1000 + int(ctx.rng.integers(0, 4000))
    return step.result(flow_log_ids=[f.id for f in chosen], vpc_ids=sorted({f.resource_id for f in chosen}))


register(
    ActionSpec(
        name="delete_flow_logs",
        summary="Delete VPC flow logs (EC2 DeleteFlowLogs), ending their records.",
        description=(
            "One `DeleteFlowLogs` record per flow log (`ec2.amazonaws.com`, requestParameters "
            "`DeleteFlowLogsRequest.FlowLogId {tag, content}` as in the real samples). Flow records of the deleted "
            "flow logs after this moment are not written."
        ),
        params=params_schema(
            {
                "flow_log_ids": {
                    "type": "array",
                    "items": {"type": "string"},
                    "default": [],
                    "description": "default: every flow log of the actor's account",
                },
                "tool": tool_param("aws-cli"),
                "source_ip": {"type": "string", "format": "ipv4"},
            }
        ),
        sources=("cloudtrail",),
        techniques=TECH,
        facts={"flow_log_ids": "deleted flow logs", "vpc_ids": "VPCs that lost their flow logs"},
        emit=emit_delete_flow_logs,
    )
)
