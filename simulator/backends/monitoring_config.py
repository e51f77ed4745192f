"""Read the learner's monitoring configuration back from any backend, as the grader sees it.

One paginated sweep per API: metric filters (DescribeMetricFilters), metric and composite alarms
(DescribeAlarms), SNS topics with their subscriptions, EventBridge rules with pattern and targets, and
trails with their logging status. Values are the API's own shapes (dicts as boto3 returns them, minus
`ResponseMetadata`), so grader code can feed them straight to grader/ engines. A service the backend
does not offer (CloudTrail on LocalStack community) is listed under `unavailable` instead of failing.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from simulator.backends.config import BackendConfig
from simulator.backends.retry import error_code, http_status

_UNAVAILABLE = {"InternalFailure", "NotImplemented", "UnknownOperationException", "InvalidAction"}


def _pages(client: Any, op: str, key: str, **kwargs: Any) -> list[dict]:
    return [item for page in client.get_paginator(op).paginate(**kwargs) for item in page.get(key, [])]


def _metric_filters(cfg: BackendConfig, session: Any) -> list[dict]:
    return _pages(cfg.client("logs", session), "describe_metric_filters", "metricFilters")


def _alarms(cfg: BackendConfig, session: Any) -> dict[str, list[dict]]:
    cw = cfg.client("cloudwatch", session)
    out: dict[str, list[dict]] = {"MetricAlarms": [], "CompositeAlarms": []}
    for page in cw.get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm", "CompositeAlarm"]):
        out["MetricAlarms"] += page.get("MetricAlarms", [])
        out["CompositeAlarms"] += page.get("CompositeAlarms", [])
    return out


def _topics(cfg: BackendConfig, session: Any) -> list[dict]:
    sns = cfg.client("sns", session)
    subs = _pages(sns, "list_subscriptions", "Subscriptions")
    topics = []
    for t in _pages(sns, "list_topics", "Topics"):
        arn = t["TopicArn"]
        topics.append(
            {
                "TopicArn": arn,
                "Attributes": sns.get_topic_attributes(TopicArn=arn).get("Attributes", {}),
                "Subscriptions": [s for s in subs if s.get("TopicArn") == arn],
            }
        )
    return topics


def _rules(cfg: BackendConfig, session: Any) -> list[dict]:
    events = cfg.client("events", session)
    rules = []
    for bus in [{"Name": "default"}]:  # labs use the default bus
        for rule in _pages(events, "list_rules", "Rules", EventBusName=bus["Name"]):
            rule = dict(rule)
            rule["Targets"] = _pages(
                events, "list_targets_by_rule", "Targets", Rule=rule["Name"], EventBusName=bus["Name"]
            )
            rules.append(rule)
    return rules


def _trails(cfg: BackendConfig, session: Any) -> list[dict]:
    ct = cfg.client("cloudtrail", session)
    trails = []
    for trail in ct.describe_trails(includeShadowTrails=False).get("trailList", []):
        status = ct.get_trail_status(Name=trail["TrailARN"])
        status.pop("ResponseMetadata", None)
        trails.append({**trail, "Status": status})
    return trails


READERS = {
    "metric_filters": _metric_filters,
    "alarms": _alarms,
    "topics": _topics,
    "rules": _rules,
    "trails": _trails,
}


def read_monitoring_config(cfg: BackendConfig) -> dict[str, Any]:
    """{"metric_filters": [...], "alarms": {...}, "topics": [...], "rules": [...], "trails": [...],
    "unavailable": {name: reason}} for the backend `cfg` points at."""
    session = cfg.session()
    out: dict[str, Any] = {"unavailable": {}}
    for name, reader in READERS.items():
        try:
            out[name] = reader(cfg, session)
        except ClientError as exc:
            code = error_code(exc)
            if code in _UNAVAILABLE or http_status(exc) == 501:
                out["unavailable"][name] = f"{code}: {exc.response.get('Error', {}).get('Message', '')}"
                out[name] = None
            else:
                raise
    return out
