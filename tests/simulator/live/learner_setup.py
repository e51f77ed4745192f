"""What a learner builds with boto3 in the must-show labs: a trail to CloudWatch Logs with its IAM role,
an SNS topic with SQS and email subscribers, CIS metric filters and alarms, an EventBridge rule."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# CIS AWS Foundations Benchmark 1.4.0, control 4.10 (security group changes) and 4.6 (console sign-in
# failures); https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html
SG_CHANGES_PATTERN = (
    "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || "
    "($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || "
    "($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }"
)
CONSOLE_FAILURES_PATTERN = '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'
SG_RULE_PATTERN = {
    "source": ["aws.ec2"],
    "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {
        "eventSource": ["ec2.amazonaws.com"],
        "eventName": [
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "CreateSecurityGroup",
            "DeleteSecurityGroup",
        ],
    },
}
TRUST_CLOUDTRAIL = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


@dataclass
class LearnerLab:
    trail: str
    bucket: str
    log_group: str
    log_group_arn: str
    role_arn: str
    topic_arn: str
    queue_url: str
    email: str


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def queue_subscriber(aws: Callable[..., Any], topic_arn: str, name: str) -> str:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    aws("sns").subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
    return url


def build_trail_and_topic(aws: Callable[..., Any], log_group: str | None = None) -> LearnerLab:
    name = unique("lab-trail")
    bucket = f"{name}-logs"
    group = log_group or f"/lab/cloudtrail/{name}"
    iam = aws("iam")
    role_name = unique("CloudTrail_CloudWatchLogs_Role")
    role_arn = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(TRUST_CLOUDTRAIL))[
        "Role"
    ]["Arn"]
    iam.put_role_policy(
        RoleName=role_name,
        PolicyName="cloudtrail-to-logs",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                        "Resource": "*",
                    }
                ],
            }
        ),
    )
    aws("s3").create_bucket(Bucket=bucket)
    logs = aws("logs")
    if not logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]:
        logs.create_log_group(logGroupName=group)
    group_arn = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["arn"]
    ct = aws("cloudtrail")
    ct.create_trail(
        Name=name, S3BucketName=bucket, CloudWatchLogsLogGroupArn=group_arn, CloudWatchLogsRoleArn=role_arn
    )
    ct.start_logging(Name=name)
    sns = aws("sns")
    topic_arn = sns.create_topic(Name=unique("security-alerts"))["TopicArn"]
    queue_url = queue_subscriber(aws, topic_arn, unique("alerts-q"))
    email = f"{unique('soc')}@anybank.example"
    sns.subscribe(TopicArn=topic_arn, Protocol="email", Endpoint=email)
    return LearnerLab(name, bucket, group, group_arn, role_arn, topic_arn, queue_url, email)


def metric_filter_and_alarm(
    aws: Callable[..., Any],
    lab: LearnerLab,
    pattern: str,
    metric: str,
    alarm: str,
    threshold: float = 1,
    period: int = 300,
) -> None:
    aws("logs").put_metric_filter(
        logGroupName=lab.log_group,
        filterName=f"{metric}Filter",
        filterPattern=pattern,
        metricTransformations=[{"metricName": metric, "metricNamespace": "CISBenchmark", "metricValue": "1"}],
    )
    aws("cloudwatch").put_metric_alarm(
        AlarmName=alarm,
        MetricName=metric,
        Namespace="CISBenchmark",
        Statistic="Sum",
        Period=period,
        EvaluationPeriods=1,
        Threshold=threshold,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        TreatMissingData="notBreaching",
        AlarmActions=[lab.topic_arn],
    )


def receive_all(aws: Callable[..., Any], queue_url: str) -> list[dict[str, Any]]:
    out = []
    sqs = aws("sqs")
    while True:
        got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
            "Messages", []
        )
        if not got:
            return out
        for m in got:
            out.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
