"""Checks of lab 2's event steps: the EventBridge rule (tested with our event-pattern engine against a
probe AuthorizeSecurityGroupIngress record), an alarm having fired, the notification in the inbox."""

from __future__ import annotations

from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from grader.eventbridge import cloudtrail_to_eventbridge, compile_event_pattern
from grader.eventbridge.errors import InvalidEventPattern
from labapp.inbox import inbox_messages
from labapp.labs import probes
from labapp.labs.checks import CheckContext, CheckResult, check, failed, passed
from labapp.labs.checks_alerting import alarms, email_topics


@check("security_group_rule")
def security_group_rule(ctx: CheckContext) -> CheckResult:
    events = ctx.client("events")
    rules = events.list_rules().get("Rules", [])
    if not rules:
        return failed(
            "no EventBridge rule exists", "Create one with `aws events put-rule --event-pattern ...`."
        )
    event = cloudtrail_to_eventbridge(probes.authorize_ingress())
    matching, disabled = [], []
    for rule in rules:
        if not rule.get("EventPattern"):
            continue
        try:
            pattern = compile_event_pattern(rule["EventPattern"])
        except InvalidEventPattern:
            continue
        if event is not None and pattern.matches(event):
            (matching if rule.get("State") == "ENABLED" else disabled).append(rule)
    if not matching:
        if disabled:
            return failed(
                f"rule {disabled[0]['Name']} matches but is disabled", "`aws events enable-rule --name ...`"
            )
        return failed(
            "no rule matches an AuthorizeSecurityGroupIngress call",
            'Match detail-type "AWS API Call via CloudTrail", source aws.ec2 and the eventName.',
        )
    for rule in matching:
        targets = events.list_targets_by_rule(Rule=rule["Name"]).get("Targets", [])
        if {t["Arn"] for t in targets} & email_topics(ctx):
            return passed(f"rule {rule['Name']} sends security-group changes to the email topic")
    return failed(
        f"rule {matching[0]['Name']} matches but has no SNS target with an email subscription",
        "`aws events put-targets --rule ... --targets Id=1,Arn=<topic arn>`",
    )


@check("alarm_fired")
def alarm_fired(ctx: CheckContext) -> CheckResult:
    in_alarm = [a for a in alarms(ctx) if a.get("StateValue") == "ALARM"]
    if in_alarm:
        return passed(f"alarm {in_alarm[0]['AlarmName']} is in ALARM")
    # an alarm that fired and went back to OK shows in its history; plain moto has no
    # DescribeAlarmHistory (Trailwatch's live monitor adds it), so a failing call just means "no history".
    # Only items since the alarm was (re)configured count: history outlives a deleted alarm.
    cw = ctx.client("cloudwatch")
    for alarm in alarms(ctx):
        try:
            items = cw.describe_alarm_history(AlarmName=alarm["AlarmName"], HistoryItemType="StateUpdate")
        except (ClientError, ResponseParserError):
            break
        since = alarm.get("AlarmConfigurationUpdatedTimestamp")
        for h in items.get("AlarmHistoryItems", []):
            if "to ALARM" in h.get("HistorySummary", "") and (
                since is None or h.get("Timestamp", since) >= since
            ):
                return passed(f"alarm {alarm['AlarmName']} went into ALARM")
    if not alarms(ctx):
        return failed("no alarm exists yet", "Finish the alarm steps first.")
    return failed(
        "no alarm has fired yet", "Run the trigger commands above, then wait a minute for the period to end."
    )


@check("notification_arrived")
def notification_arrived(ctx: CheckContext) -> CheckResult:
    messages = inbox_messages(ctx.config)
    if messages is None:
        return CheckResult("unavailable", "no inbox is connected", "The inbox comes with `trailwatch up`.")
    if not messages:
        return failed("the inbox is empty", "Wait for the alarm or the rule to publish to your topic.")
    latest = messages[0]
    return passed(f"{len(messages)} message(s) in the inbox; latest: {latest['subject'] or '(no subject)'}")
