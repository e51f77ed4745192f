"""Checks of labs 1, 3 and 4: log files and log groups present in the backend, a scenario assigned,
the knowledge check submitted."""

from __future__ import annotations

from labapp.labs.checks import CheckContext, CheckResult, check, failed, passed


@check("cloudtrail_files_in_s3")
def cloudtrail_files_in_s3(ctx: CheckContext) -> CheckResult:
    s3 = ctx.client("s3")
    buckets = [b["Name"] for b in s3.list_buckets().get("Buckets", [])]
    for bucket in buckets:
        listing = s3.list_objects_v2(Bucket=bucket, Prefix="AWSLogs/", MaxKeys=50)
        keys = [o["Key"] for o in listing.get("Contents", []) if "/CloudTrail/" in o["Key"]]
        if keys:
            return passed(f"CloudTrail log files are in s3://{bucket}/ (e.g. {keys[0].rsplit('/', 1)[-1]})")
    return failed(
        "no CloudTrail log file found in any bucket",
        "The files appear a few minutes after a trail starts logging (or after the dataset is delivered).",
    )


def _group_with_events(ctx: CheckContext, prefix: str) -> str | None:
    logs = ctx.client("logs")
    for group in logs.describe_log_groups(logGroupNamePrefix=prefix).get("logGroups", []):
        streams = logs.describe_log_streams(logGroupName=group["logGroupName"], limit=5).get("logStreams", [])
        if streams:
            return str(group["logGroupName"])
    return None


@check("cloudtrail_logs_loaded")
def cloudtrail_logs_loaded(ctx: CheckContext) -> CheckResult:
    group = _group_with_events(ctx, "aws-cloudtrail-logs")
    if group:
        return passed(f"CloudTrail events are in log group {group}")
    return failed(
        "no CloudTrail log group with events yet",
        "Load your scenario's data (`trailwatch up` delivers it) and reload this page.",
    )


@check("flow_logs_loaded")
def flow_logs_loaded(ctx: CheckContext) -> CheckResult:
    group = _group_with_events(ctx, "/aws/vpc/flowlogs")
    if group:
        return passed(f"VPC flow log records are in log group {group}")
    s3 = ctx.client("s3")
    for bucket in [b["Name"] for b in s3.list_buckets().get("Buckets", [])]:
        listing = s3.list_objects_v2(Bucket=bucket, Prefix="AWSLogs/", MaxKeys=200)
        if any("/vpcflowlogs/" in o["Key"] for o in listing.get("Contents", [])):
            return passed(f"VPC flow log files are in s3://{bucket}/")
    return failed("no VPC flow logs found", "Load your scenario's data (`trailwatch up` delivers it).")


@check("scenario_assigned")
def scenario_assigned(ctx: CheckContext) -> CheckResult:
    if ctx.assignment:
        return passed(f"your case: {ctx.assignment['scenario_id']} (variant {ctx.assignment['variant']})")
    return passed("you work on the default case (your instructor has not assigned another)")


@check("quiz_answered")
def quiz_answered(ctx: CheckContext) -> CheckResult:
    missing = [q for q in ctx.question_ids if q not in ctx.answers]
    if missing:
        return failed(
            f"{len(missing)} of {len(ctx.question_ids)} questions unanswered",
            "Answer every question and press Save answers; your score is kept as an attempt.",
        )
    right = sum(1 for q in ctx.question_ids if ctx.answers[q]["correct"])
    return passed(f"submitted: {right} of {len(ctx.question_ids)} correct")
