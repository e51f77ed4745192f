"""Read a learner's detections from a live backend (the embedded emulator, LocalStack, moto, AWS) with boto3.

Calls: logs DescribeMetricFilters, cloudwatch DescribeAlarms (metric alarms), sns ListTopics and
ListSubscriptions (a SubscriptionArn of ``PendingConfirmation`` does not deliver), events ListEventBuses,
ListRules and ListTargetsByRule per bus. Every call is paginated. The backend's account (from the topic,
alarm or rule ARNs, else STS GetCallerIdentity) replaces the dataset's account when matching ARNs.
Credentials: the usual boto3 chain; when none is configured, the emulators' ``test``/``test`` keys.
"""

from __future__ import annotations

import os
from typing import Any

from grader.alarms import put_metric_alarm_request
from grader.grading.errors import BackendError
from grader.grading.submission import Submission


def _clients(endpoint: str, region: str) -> dict[str, Any]:
    import boto3
    from botocore.config import Config

    config = Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5, read_timeout=60)
    kwargs: dict[str, Any] = {"endpoint_url": endpoint, "region_name": region, "config": config}
    session = boto3.session.Session()
    if session.get_credentials() is None and not os.environ.get("AWS_PROFILE"):
        kwargs.update(aws_access_key_id="test", aws_secret_access_key="test")
    return {name: session.client(name, **kwargs) for name in ("logs", "cloudwatch", "sns", "events", "sts")}


def _pages(client: Any, op: str, key: str, **params: Any) -> list[dict[str, Any]]:
    if client.can_paginate(op):
        return [item for page in client.get_paginator(op).paginate(**params) for item in page.get(key, [])]
    out, token = [], None
    while True:
        page = getattr(client, op)(**params, **({"NextToken": token} if token else {}))
        out.extend(page.get(key, []))
        token = page.get("NextToken")
        if not token:
            return out


def read_live_backend(endpoint: str, region: str) -> Submission:
    """The submission as the backend holds it right now."""
    from botocore.exceptions import BotoCoreError, ClientError

    origin = endpoint
    sub = Submission(origin, region=region)
    try:
        c = _clients(endpoint, region)
        for f in _pages(c["logs"], "describe_metric_filters", "metricFilters"):
            body = {
                k: f[k]
                for k in ("logGroupName", "filterName", "filterPattern", "metricTransformations")
                if k in f
            }
            body.setdefault("filterPattern", "")
            sub.add(
                "metric_filters",
                body,
                f"{origin}: metric filter {f.get('filterName')!r} on {f.get('logGroupName')}",
            )
        accounts: set[str] = set()
        for a in _pages(c["cloudwatch"], "describe_alarms", "MetricAlarms"):
            body = put_metric_alarm_request(a)
            if "AlarmArn" in a:
                accounts.add(a["AlarmArn"].split(":")[4])
            sub.add("alarms", body, f"{origin}: alarm {a['AlarmName']!r}")
        for t in _pages(c["sns"], "list_topics", "Topics"):
            arn = t["TopicArn"]
            accounts.add(arn.split(":")[4])
            sub.add("topics", {"Name": arn.rsplit(":", 1)[-1], "TopicArn": arn}, f"{origin}: topic {arn}")
        for s in _pages(c["sns"], "list_subscriptions", "Subscriptions"):
            body = {k: s[k] for k in ("TopicArn", "Protocol", "Endpoint", "SubscriptionArn") if k in s}
            sub.add("subscriptions", body, f"{origin}: subscription {s.get('SubscriptionArn')}")
        buses = [b["Name"] for b in _pages(c["events"], "list_event_buses", "EventBuses")] or ["default"]
        for bus in buses:
            for r in _pages(c["events"], "list_rules", "Rules", EventBusName=bus):
                body = {k: r[k] for k in ("Name", "EventPattern", "State", "EventBusName") if k in r}
                accounts.add(r["Arn"].split(":")[4]) if "Arn" in r else None
                sub.add("rules", body, f"{origin}: rule {r['Name']!r} on bus {bus}")
                targets = _pages(
                    c["events"], "list_targets_by_rule", "Targets", Rule=r["Name"], EventBusName=bus
                )
                if targets:
                    sub.add(
                        "targets",
                        {"Rule": r["Name"], "Targets": [{"Id": t["Id"], "Arn": t["Arn"]} for t in targets]},
                        f"{origin}: targets of rule {r['Name']!r}",
                    )
        if not accounts:
            accounts.add(c["sts"].get_caller_identity()["Account"])
        sub.account_id = sorted(accounts)[0]
    except (BotoCoreError, ClientError) as e:
        raise BackendError(origin, f"cannot read the backend: {e}") from None
    return sub
