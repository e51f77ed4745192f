"""Lab 2 done the way a learner does it with the CLI, as boto3 calls (shared by the emulator and browser tests)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

LOGIN_PATTERN = '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'
TRAIL_PATTERN = (
    "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || "
    "($.eventName = StartLogging) || ($.eventName = StopLogging) }"
)
SG_PATTERN = {
    "source": ["aws.ec2"],
    "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventSource": ["ec2.amazonaws.com"], "eventName": ["AuthorizeSecurityGroupIngress"]},
}


def make_steps(aws: Callable[[str], Any]) -> dict[str, Callable[[], None]]:
    """step id -> a function doing that step (in lab order)."""
    acct = aws("sts").get_caller_identity()["Account"]
    topic_arn = f"arn:aws:sns:us-east-1:{acct}:lab-alerts"

    def trail() -> None:
        aws("s3").create_bucket(Bucket=f"lab-trail-{acct}")
        aws("logs").create_log_group(logGroupName="lab-cloudtrail")
        aws("iam").create_role(
            RoleName="lab-cloudtrail-to-logs",
            AssumeRolePolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "sts:AssumeRole",
                            "Principal": {"Service": "cloudtrail.amazonaws.com"},
                        }
                    ],
                }
            ),
        )
        aws("cloudtrail").create_trail(
            Name="lab-trail",
            S3BucketName=f"lab-trail-{acct}",
            IsMultiRegionTrail=True,
            CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{acct}:log-group:lab-cloudtrail:*",
            CloudWatchLogsRoleArn=f"arn:aws:iam::{acct}:role/lab-cloudtrail-to-logs",
        )
        aws("cloudtrail").start_logging(Name="lab-trail")

    def topic() -> None:
        aws("sns").create_topic(Name="lab-alerts")
        aws("sns").subscribe(TopicArn=topic_arn, Protocol="email", Endpoint="you@lab.trailwatch.test")

    def metric_filter(name: str, pattern: str, metric: str) -> Callable[[], None]:
        return lambda: aws("logs").put_metric_filter(
            logGroupName="lab-cloudtrail",
            filterName=name,
            filterPattern=pattern,
            metricTransformations=[
                {"metricName": metric, "metricNamespace": "CloudTrailMetrics", "metricValue": "1"}
            ],
        )

    def alarm(name: str, metric: str, threshold: float) -> Callable[[], None]:
        return lambda: aws("cloudwatch").put_metric_alarm(
            AlarmName=name,
            Namespace="CloudTrailMetrics",
            MetricName=metric,
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=threshold,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            TreatMissingData="notBreaching",
            AlarmActions=[topic_arn],
        )

    def sg_rule() -> None:
        aws("events").put_rule(Name="security-group-changes", EventPattern=json.dumps(SG_PATTERN))
        aws("events").put_targets(Rule="security-group-changes", Targets=[{"Id": "alerts", "Arn": topic_arn}])

    return {
        "trail": trail,
        "topic": topic,
        "signin-filter": metric_filter("console-signin-failures", LOGIN_PATTERN, "ConsoleSignInFailureCount"),
        "signin-alarm": alarm("console-signin-failures", "ConsoleSignInFailureCount", 3),
        "sg-rule": sg_rule,
        "trail-filter": metric_filter(
            "cloudtrail-config-changes", TRAIL_PATTERN, "CloudTrailConfigChangeCount"
        ),
        "trail-alarm": alarm("cloudtrail-config-changes", "CloudTrailConfigChangeCount", 1),
    }


def trigger_trail_change(aws: Callable[[str], Any]) -> None:
    aws("cloudtrail").stop_logging(Name="lab-trail")
    aws("cloudtrail").start_logging(Name="lab-trail")
