"""Alarm charts: the learner's filter evaluated over the dataset gives the per-period series plain Python
counts; the engine's transitions become contiguous state bands; the SVG draws them with the threshold."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from grader.alarms import put_metric_alarm_request
from labapp.alarms.chart import alarm_svg
from labapp.alarms.evaluate import evaluate_view

FILTER = {
    "filterName": "sts-calls",
    "logGroupName": "",
    "filterPattern": '{ $.eventSource = "sts.amazonaws.com" }',
    "metricTransformations": [{"metricName": "StsCalls", "metricNamespace": "Lab", "metricValue": "1"}],
}


def _alarm(threshold: float) -> dict[str, Any]:
    described = {
        "AlarmName": "sts-burst",
        "AlarmArn": "arn:aws:cloudwatch:us-east-1:111111111111:alarm:sts-burst",
        "StateValue": "OK",
        "MetricName": "StsCalls",
        "Namespace": "Lab",
        "Statistic": "Sum",
        "Dimensions": [],
        "Period": 300,
        "EvaluationPeriods": 1,
        "Threshold": threshold,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "notBreaching",
        "AlarmActions": [],
    }
    request = put_metric_alarm_request(described)
    assert "StateValue" not in request and "AlarmArn" not in request
    return request


def test_series_bands_and_svg(dataset: Path, events: list[dict[str, Any]]) -> None:
    manifest = json.loads((dataset / "manifest.json").read_text())
    start = datetime.fromisoformat(manifest["time_range"]["start"].replace("Z", "+00:00")).timestamp()
    end = datetime.fromisoformat(manifest["time_range"]["end"].replace("Z", "+00:00")).timestamp()
    group = next(e["group"] for e in events if e["group"].startswith("aws-cloudtrail-logs-"))
    mine = [e for e in events if e["group"] == group]
    per_period = Counter(
        int((e["timestamp"] / 1000 - start) // 300)
        for e in mine
        if json.loads(e["message"])["eventSource"] == "sts.amazonaws.com"
    )
    assert per_period, "the group should hold STS calls"
    threshold = float(sorted(per_period.values())[len(per_period) // 2] + 1)

    def events_for(name: str, _filter: dict[str, Any]) -> tuple[list[tuple[int, str]], str] | None:
        if name != group:
            return None
        return [(e["timestamp"], e["message"]) for e in sorted(mine, key=lambda e: e["timestamp"])], "dataset"

    filters = [
        dict(FILTER, logGroupName=group),
        dict(
            FILTER,
            filterName="other",
            metricTransformations=[{"metricName": "Else", "metricNamespace": "Lab", "metricValue": "1"}],
        ),
    ]
    view = evaluate_view(_alarm(threshold), filters, events_for, (start, end), "test")
    assert view.problem is None
    assert [f["filterName"] for f in view.filters] == ["sts-calls"]
    n_periods = int((end - start) // 300)
    assert view.points == [
        (start + k * 300, float(per_period[k]) if k in per_period else None) for k in range(n_periods)
    ]
    # bands tile the timeline and follow the transitions
    assert view.bands[0].start == start and view.bands[-1].end == end
    assert all(
        a.end == b.start and a.state != b.state for a, b in zip(view.bands, view.bands[1:], strict=False)
    )
    assert [t["to"] for t in view.transitions] == [b.state for b in view.bands[1:]]
    states = {b.state for b in view.bands}
    assert "ALARM" in states and "OK" in states  # the threshold sits inside the series' range
    svg = str(alarm_svg(view))
    assert svg.startswith("<svg") and 'class="threshold"' in svg
    assert svg.count('class="band-ALARM"') == sum(1 for b in view.bands if b.state == "ALARM")


def test_alarm_without_a_feeding_filter_says_so() -> None:
    view = evaluate_view(_alarm(1), [], lambda name, f: None, (0.0, 3600.0), "none")
    assert any("None of your metric filters" in n for n in view.notes)
    assert all(v is None for _, v in view.points)
    assert {b.state for b in view.bands} <= {"INSUFFICIENT_DATA", "OK"}


def test_invalid_alarm_definition_is_reported() -> None:
    bad = dict(_alarm(1), ComparisonOperator="Bigger")
    view = evaluate_view(bad, [], lambda name, f: None, (0.0, 3600.0), "bad")
    assert view.problem is not None and "at 'comparisonOperator'" in view.problem
