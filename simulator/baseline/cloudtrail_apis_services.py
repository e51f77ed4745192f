"""API catalog part 2: KMS, Secrets Manager, SSM, RDS, CloudTrail, CloudWatch, Cost Explorer and other services."""

from __future__ import annotations

import datetime as dt

from simulator.baseline.cloudtrail_catalog import (
    CE_FILTER,
    THROTTLE,
    Api,
    Env,
    Variant,
    _api,
    _const,
    _none,
    _version_id,
)


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    y, m = day.year, day.month - back
    while m < 1:
        y, m = y - 1, m + 12
    return dt.date(y, m, 1)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _cost_and_usage(e: Env) -> list[Variant]:
    day = e.day or dt.date(2026, 1, 1)
    period = {"End": _next_month(day).isoformat(), "Start": _month_start(day, 1).isoformat()}
    return [
        Variant(
            {
                "Filter": CE_FILTER,
                "Granularity": "MONTHLY",
                "GroupBy": [{"Key": "SERVICE", "Type": "DIMENSION"}],
                "Metrics": ["UnblendedCost"],
                "TimePeriod": period,
            }
        )
    ]


def _cost_forecast(e: Env) -> list[Variant]:
    day = e.day or dt.date(2026, 1, 1)
    period = {"End": _next_month(day).isoformat(), "Start": day.isoformat()}
    return [
        Variant(
            {
                "Filter": CE_FILTER,
                "Granularity": "MONTHLY",
                "Metric": "NET_UNBLENDED_COST",
                "TimePeriod": period,
            }
        )
    ]


def service_apis() -> list[Api]:
    return [
        _api("kms", "ListAliases", _none),
        _api(
            "kms",
            "DescribeKey",
            lambda e: [
                Variant(
                    {"keyId": e.world.kms_keys[e.account_id]},
                    [
                        {
                            "accountId": e.account_id,
                            "type": "AWS::KMS::Key",
                            "ARN": e.world.kms_keys[e.account_id],
                        }
                    ],
                )
            ],
        ),
        _api("secretsmanager", "ListSecrets", _none),
        _api(
            "secretsmanager",
            "DescribeSecret",
            lambda e: [Variant({"secretId": s}) for s in e.world.secrets[e.account_id]] or [Variant(None)],
        ),
        _api(
            "secretsmanager",
            "GetSecretValue",
            lambda e: [Variant({"secretId": s}) for s in e.world.secrets[e.account_id]] or [Variant(None)],
        ),
        _api("ssm", "DescribeParameters", _const({"maxResults": 50}), errors=(THROTTLE,)),
        _api(
            "ssm",
            "GetParameter",
            lambda e: [
                Variant(
                    {"name": p, "withDecryption": True},
                    [
                        {
                            "accountId": e.account_id,
                            "ARN": f"arn:aws:ssm:{e.region}:{e.account_id}:parameter{p}",
                        }
                    ],
                )
                for p in e.params
            ],
        ),
        _api(
            "ssm",
            "DescribeInstanceInformation",
            lambda e: [Variant({"filters": [{"key": "InstanceIds", "values": [i]}]}) for i in e.instances],
        ),
        _api(
            "ssm",
            "UpdateInstanceInformation",
            lambda e: [
                Variant(
                    {
                        "instanceId": i,
                        "agentVersion": "3.3.40.0",
                        "platformType": "Linux",
                        "agentName": "amazon-ssm-agent",
                    }
                )
                for i in e.instances
            ],
            ro=False,
        ),
        _api(
            "ssm",
            "ListInstanceAssociations",
            lambda e: [
                Variant(
                    {"instanceId": i, "maxResults": 20},
                    [
                        {
                            "accountId": e.account_id,
                            "ARN": f"arn:aws:ec2:{e.region}:{e.account_id}:instance/{i}",
                        }
                    ],
                )
                for i in e.instances
            ],
        ),
        _api(
            "kms",
            "Decrypt",
            lambda e: (
                [
                    Variant(
                        {
                            "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
                            "encryptionContext": {"SecretARN": s, "SecretVersionId": _version_id(s)},
                        },
                        [
                            {
                                "accountId": e.account_id,
                                "type": "AWS::KMS::Key",
                                "ARN": e.world.kms_keys[e.account_id],
                            }
                        ],
                    )
                    for s in e.world.secrets[e.account_id]
                ]
                or [Variant(None)]
            ),
        ),
        _api(
            "rds",
            "DescribeDBInstances",
            lambda e: [Variant(None)] + [Variant({"dBInstanceIdentifier": d}) for d in e.dbs],
        ),
        _api("rds", "DescribeDBSnapshots", _const({"includeShared": False, "includePublic": False})),
        _api("rds", "DescribeDBClusters", _const({"includeShared": True})),
        _api("rds", "DescribeEvents", _const({"duration": 1440})),
        _api(
            "rds",
            "CreateDBSnapshot",
            lambda e: (
                [Variant({"dBSnapshotIdentifier": f"manual-{d}", "dBInstanceIdentifier": d}) for d in e.dbs]
                or [Variant(None)]
            ),
            ro=False,
        ),
        _api("cloudtrail", "DescribeTrails", _const({"trailNameList": [], "includeShadowTrails": True})),
        _api(
            "cloudtrail", "GetTrailStatus", lambda e: [Variant({"name": e.world.trail_for(e.account_id).arn})]
        ),
        _api(
            "cloudtrail",
            "GetEventSelectors",
            lambda e: [Variant({"trailName": e.world.trail_for(e.account_id).arn})],
        ),
        _api("cloudtrail", "LookupEvents", _const({"maxResults": 50})),
        _api(
            "logs",
            "DescribeLogGroups",
            lambda e: [
                Variant({"logGroupNamePrefix": p})
                for p in ("/aws/vpc/flowlogs", "aws-cloudtrail-logs", "/aws/lambda/")
            ],
        ),
        _api(
            "logs",
            "FilterLogEvents",
            lambda e: [
                Variant(
                    {
                        "logGroupName": e.world.trail_for(e.account_id).log_group,
                        "limit": 100,
                        "interleaved": True,
                    }
                )
            ],
        ),
        _api("monitoring", "DescribeAlarms", _const({"maxRecords": 100})),
        _api("monitoring", "GetMetricData", _const({"maxDatapoints": 1440, "scanBy": "TimestampDescending"})),
        _api("lambda", "ListFunctions20150331", _const({"maxItems": 50}), cli="lambda.list-functions"),
        _api(
            "health",
            "DescribeEventAggregates",
            _const(
                {"filter": {"eventStatusCodes": ["open", "upcoming"]}, "aggregateField": "eventTypeCategory"}
            ),
        ),
        # Cost Explorer as the billing console calls it (real records): month-to-date and forecast periods
        _api("ce", "GetCostAndUsage", _cost_and_usage, dated=True),
        _api("ce", "GetCostForecast", _cost_forecast, dated=True),
        _api("athena", "StartQueryExecution", _const({"workGroup": "primary"}), ro=False),
        _api("athena", "GetQueryExecution", _none),
        _api("config", "DescribeConfigurationRecorders", _none),
        _api("guardduty", "ListDetectors", _none),
        _api("securityhub", "GetFindings", _const({"maxResults": 100})),
        _api("autoscaling", "DescribeAutoScalingGroups", _const({"maxRecords": 100})),
        _api(
            "elasticloadbalancing",
            "DescribeLoadBalancers",
            _const({"pageSize": 400}),
            api_version="2015-12-01",
        ),
        _api(
            "elasticloadbalancing",
            "DescribeTargetHealth",
            lambda e: (
                [Variant({"targetGroupArn": tg.arn}) for tg in e.world.alb.target_groups]
                if e.account_id == e.world.alb.account_id
                else [Variant(None)]
            ),
            api_version="2015-12-01",
        ),
    ]
