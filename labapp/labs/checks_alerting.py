"""Checks of lab 2 (and lab 3's detection step): trail → CloudWatch Logs, SNS email topic, metric
filters tested against probe records with our filter-pattern engine, alarms that would fire.
The event steps (EventBridge rule, alarm fired, notification) are in checks_events.
"""

from __future__ import annotations

import operator
from typing import Any

from grader.filterpattern import InvalidFilterPattern, compile_pattern
from labapp.labs import probes
from labapp.labs.checks import CheckContext, CheckResult, check, failed, passed

_COMPARE = {
    "GreaterThanOrEqualToThreshold": operator.ge,
    "GreaterThanThreshold": operator.gt,
    "LessThanThreshold": operator.lt,
    "LessThanOrEqualToThreshold": operator.le,
}


def log_group_name(arn: str | None) -> str | None:
    """``arn:aws:logs:r:acct:log-group:NAME:*`` -> NAME."""
    if not arn or ":log-group:" not in arn:
        return None
    name = arn.split(":log-group:", 1)[1]
    return name[:-2] if name.endswith(":*") else name


def _trails(ctx: CheckContext) -> list[dict[str, Any]]:
    return ctx.memo("trails", lambda: ctx.client("cloudtrail").describe_trails().get("trailList", []))


def _trail_groups(ctx: CheckContext) -> set[str]:
    return {g for t in _trails(ctx) if (g := log_group_name(t.get("CloudWatchLogsLogGroupArn")))}


def email_topics(ctx: CheckContext) -> set[str]:
    def compute() -> set[str]:
        sns = ctx.client("sns")
        subs = sns.list_subscriptions().get("Subscriptions", [])
        return {s["TopicArn"] for s in subs if s.get("Protocol") in ("email", "email-json")}

    return ctx.memo("email_topics", compute)


def _metric_filters(ctx: CheckContext) -> list[dict[str, Any]]:
    def compute() -> list[dict[str, Any]]:
        logs = ctx.client("logs")
        out: list[dict[str, Any]] = []
        for page in logs.get_paginator("describe_log_groups").paginate():
            for group in page.get("logGroups", []):
                out += logs.describe_metric_filters(logGroupName=group["logGroupName"]).get(
                    "metricFilters", []
                )
        return out

    return ctx.memo("metric_filters", compute)


def alarms(ctx: CheckContext) -> list[dict[str, Any]]:
    return ctx.memo("alarms", lambda: ctx.client("cloudwatch").describe_alarms().get("MetricAlarms", []))


@check("trail_to_cloudwatch")
def trail_to_cloudwatch(ctx: CheckContext) -> CheckResult:
    trails = _trails(ctx)
    if not trails:
        return failed(
            "no trail exists", "Create one with `aws cloudtrail create-trail` (see the commands above)."
        )
    status = {t["TrailARN"]: ctx.client("cloudtrail").get_trail_status(Name=t["TrailARN"]) for t in trails}
    logging = [t for t in trails if status[t["TrailARN"]].get("IsLogging")]
    if not logging:
        return failed(
            f"trail {trails[0]['Name']} exists but is not logging",
            "A new trail records nothing until you run `aws cloudtrail start-logging`.",
        )
    sending = [t for t in logging if log_group_name(t.get("CloudWatchLogsLogGroupArn"))]
    if not sending:
        return failed(
            f"trail {logging[0]['Name']} is logging but does not send to CloudWatch Logs",
            "Give the trail a log group with `aws cloudtrail update-trail "
            "--cloud-watch-logs-log-group-arn ... --cloud-watch-logs-role-arn ...`.",
        )
    logs = ctx.client("logs")
    for trail in sending:
        group = log_group_name(trail["CloudWatchLogsLogGroupArn"])
        found = logs.describe_log_groups(logGroupNamePrefix=group).get("logGroups", [])
        if any(g["logGroupName"] == group for g in found):
            return passed(f"trail {trail['Name']} is logging and sends to log group {group}")
    return failed(
        f"the trail's log group {log_group_name(sending[0]['CloudWatchLogsLogGroupArn'])} does not exist",
        "Create it with `aws logs create-log-group --log-group-name ...`.",
    )


@check("sns_email_subscription")
def sns_email_subscription(ctx: CheckContext) -> CheckResult:
    topics = ctx.client("sns").list_topics().get("Topics", [])
    if not topics:
        return failed("no SNS topic exists", "Create one with `aws sns create-topic --name ...`.")
    with_email = email_topics(ctx)
    if not with_email:
        return failed(
            f"{len(topics)} topic(s) but none has an email subscription",
            "Subscribe the lab inbox address: `aws sns subscribe --protocol email --notification-endpoint ...`.",
        )
    return passed(f"topic {sorted(with_email)[0].rsplit(':', 1)[-1]} has an email subscription")


def _filter_check(
    ctx: CheckContext, positives: list[dict[str, Any]], negatives: list[dict[str, Any]], what: str
) -> tuple[CheckResult, list[dict[str, Any]]]:
    filters = _metric_filters(ctx)
    if not filters:
        return failed("no metric filter exists yet", f"Create a metric filter that counts {what}."), []
    good, broad, partial, invalid = [], [], [], []
    for f in filters:
        try:
            pattern = compile_pattern(f.get("filterPattern", ""))
        except InvalidFilterPattern as exc:
            invalid.append(f"{f['filterName']}: {exc}")
            continue
        hits = sum(pattern.matches(probes.message(r)) for r in positives)
        wrong = sum(pattern.matches(probes.message(r)) for r in negatives)
        if hits == len(positives) and not wrong:
            good.append(f)
        elif hits == len(positives):
            broad.append(f)
        elif hits:
            partial.append(f)
    trail_groups = _trail_groups(ctx)
    on_trail = [f for f in good if f["logGroupName"] in trail_groups]
    if on_trail:
        f = on_trail[0]
        return passed(f"filter {f['filterName']} on {f['logGroupName']} counts {what}"), on_trail
    if good:
        return failed(
            f"filter {good[0]['filterName']} matches, but it is on {good[0]['logGroupName']}, "
            "not on the trail's log group",
            "A metric filter only sees the log group it is attached to.",
        ), []
    if broad:
        return failed(
            f"filter {broad[0]['filterName']} also counts events it should not",
            "Make the pattern more specific (for sign-ins: only failed ones).",
        ), []
    if partial:
        return failed(
            f"filter {partial[0]['filterName']} misses some of {what}",
            "Test the pattern against sample events; every listed event name must match.",
        ), []
    if invalid:
        return failed(f"invalid filter pattern: {invalid[0]}"), []
    return failed(
        f"no metric filter counts {what}", "Check the pattern's field names: $.eventName, $.errorMessage."
    ), []


def _alarm_check(ctx: CheckContext, filters: list[dict[str, Any]], events: int, what: str) -> CheckResult:
    if not filters:
        return failed(f"first create the metric filter for {what}", "The alarm watches the filter's metric.")
    metrics = {
        (t["metricNamespace"], t["metricName"]): t
        for f in filters
        for t in f.get("metricTransformations", [])
    }
    watching = [a for a in alarms(ctx) if (a.get("Namespace"), a.get("MetricName")) in metrics]
    if not watching:
        names = ", ".join(f"{ns}/{name}" for ns, name in sorted(metrics))
        return failed(
            f"no alarm watches {names}", "The alarm's namespace and metric name must equal the filter's."
        )
    problems = []
    for alarm in watching:
        value = metrics[(alarm["Namespace"], alarm["MetricName"])].get("metricValue", "1")
        try:
            per_event = float(value)
        except ValueError:
            per_event = 1.0
        compare = _COMPARE.get(alarm.get("ComparisonOperator", ""))
        if alarm.get("Statistic") not in ("Sum", "SampleCount"):
            problems.append(
                (alarm, "uses the statistic " + str(alarm.get("Statistic")) + "; count events with Sum")
            )
        elif compare is None or not compare(events * per_event, alarm["Threshold"]):
            problems.append((alarm, f"would not fire for {events} event(s) in one period"))
        elif compare(0.0, alarm["Threshold"]):
            problems.append((alarm, "would be in alarm with no events at all"))
        elif (
            alarm.get("EvaluationPeriods", 1) > 1
            and alarm.get("DatapointsToAlarm", alarm["EvaluationPeriods"]) > 1
        ):
            problems.append((alarm, "needs several breaching periods in a row"))
        elif not set(alarm.get("AlarmActions", [])) & email_topics(ctx):
            problems.append((alarm, "does not notify an SNS topic with an email subscription"))
        else:
            return passed(f"alarm {alarm['AlarmName']} fires on {what} and notifies by email")
    alarm, why = problems[0]
    return failed(
        f"alarm {alarm['AlarmName']} {why}",
        "Compare with the lab text: statistic Sum, the threshold, one period, the topic as alarm action.",
    )


@check("console_login_filter")
def console_login_filter(ctx: CheckContext) -> CheckResult:
    return _filter_check(
        ctx, [probes.console_login(False)], [probes.console_login(True)], "failed console sign-ins"
    )[0]


@check("console_login_alarm")
def console_login_alarm(ctx: CheckContext) -> CheckResult:
    _, filters = _filter_check(ctx, [probes.console_login(False)], [probes.console_login(True)], "x")
    return _alarm_check(ctx, filters, 3, "3 failed sign-ins")


def _trail_probes() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    positives = [probes.trail_call(name, i) for i, name in enumerate(probes.TRAIL_CHANGES)]
    return positives, [probes.trail_call("DescribeTrails", 9)]


@check("trail_config_filter")
def trail_config_filter(ctx: CheckContext) -> CheckResult:
    return _filter_check(ctx, *_trail_probes(), "CloudTrail configuration changes")[0]


@check("trail_config_alarm")
def trail_config_alarm(ctx: CheckContext) -> CheckResult:
    _, filters = _filter_check(ctx, *_trail_probes(), "x")
    return _alarm_check(ctx, filters, 1, "a single CloudTrail configuration change")
