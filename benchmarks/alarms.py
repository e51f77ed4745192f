"""Alarm evaluation and metric-filter publishing throughput.

    .venv/bin/python benchmarks/alarms.py [PERIODS]

Prints evaluations per second for :func:`evaluate_alarm` over a random per-period series (default 100,000
periods, 3-of-5 alarm with actions), for :func:`evaluate_alarm_on_store` over one day of minute-by-minute
evaluations of a 5-minute alarm, and log events per second for :func:`metric_filter_datapoints` with a CIS
root-usage metric filter (when grader.filterpattern is installed).
"""

from __future__ import annotations

import random
import sys
import time

from grader.alarms import evaluate_alarm, evaluate_alarm_on_store
from grader.metrics import MetricStore, metric_filter_datapoints

ALARM = {
    "AlarmName": "bench",
    "Namespace": "Bench",
    "MetricName": "m",
    "Statistic": "Sum",
    "Period": 60,
    "EvaluationPeriods": 5,
    "DatapointsToAlarm": 3,
    "Threshold": 10,
    "ComparisonOperator": "GreaterThanThreshold",
    "TreatMissingData": "missing",
    "AlarmActions": ["arn:aws:sns:us-east-1:111111111111:t"],
    "OKActions": ["arn:aws:sns:us-east-1:111111111111:t"],
}


def main() -> None:
    periods = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = random.Random(1)
    series = [rng.choice([None, 1.0, 5.0, 20.0, 30.0]) for _ in range(periods)]
    t = time.perf_counter()
    tl = evaluate_alarm(ALARM, series)
    dt = time.perf_counter() - t
    print(
        f"evaluate_alarm: {periods:,} evaluations in {dt:.2f}s = {periods / dt:,.0f}/s ({len(tl.transitions):,} transitions)"
    )

    store = MetricStore()
    for i in range(86_400 // 7):
        store.put("Bench", "m", rng.random() * 4, i * 7.0)
    day = {**ALARM, "Period": 300, "EvaluationPeriods": 1, "DatapointsToAlarm": 1, "Threshold": 150}
    t = time.perf_counter()
    tl = evaluate_alarm_on_store(day, store, 0, 86_400)
    dt = time.perf_counter() - t
    print(
        f"evaluate_alarm_on_store: {len(tl.entries):,} minute evaluations in {dt:.2f}s = {len(tl.entries) / dt:,.0f}/s"
    )

    try:
        from grader.filterpattern import LogEvent, MetricFilter
    except ImportError:
        print("metric_filter_datapoints: skipped (grader.filterpattern not installed)")
        return
    mf = MetricFilter(
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
        [{"metricName": "RootAccountUsageCount", "metricNamespace": "CISBenchmark", "metricValue": "1"}],
    )
    kinds = [
        '{"userIdentity":{"type":"Root"},"eventType":"AwsApiCall"}',
        '{"userIdentity":{"type":"IAMUser"}}',
    ]
    events = [LogEvent(kinds[0 if i % 50 == 0 else 1], 1_700_000_000_000 + i * 100) for i in range(200_000)]
    t = time.perf_counter()
    got = metric_filter_datapoints(mf, events)
    dt = time.perf_counter() - t
    print(
        f"metric_filter_datapoints: {len(events):,} events in {dt:.2f}s = {len(events) / dt:,.0f}/s ({len(got):,} minutes)"
    )


if __name__ == "__main__":
    main()
