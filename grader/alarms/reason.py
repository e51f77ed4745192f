"""StateReason text and StateReasonData JSON for a metric alarm evaluation, worded as CloudWatch words them.

Recorded forms (shared/reference/alarm-semantics.md section 5, LocalStack's AWS-validated snapshots):

* ``Threshold Crossed: 1 datapoint [21.5 (26/10/23 16:42:00)] was greater than the threshold (2.0).`` — the
  short form, used when DatapointsToAlarm is not set;
* ``Threshold Crossed: 3 out of the last 3 datapoints [...] were greater than or equal to the threshold (7.0)
  (minimum 3 datapoints for OK -> ALARM transition).`` — the M-of-N form, used when DatapointsToAlarm is set;
  the minimum is M for OK -> ALARM and N - M + 1 for ALARM -> OK;
* ``... and 19 missing datapoints were treated as [NonBreaching] ...`` when the treatment filled periods;
* ``Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints were treated as
  [Breaching].`` and ``Insufficient Data: 1 datapoint was unknown.`` when nothing was received.

The listed datapoints are those satisfying the reported condition, newest first. StateReasonData lists the
real values used (``recentDatapoints``, oldest first) and the deciding datapoints (``evaluatedDatapoints``,
newest first: the newest M breaching ones for ALARM, the newest N - M + 1 non-breaching ones for OK; a filled
period has only ``timestamp``).
"""

from __future__ import annotations

from typing import Any

from grader.alarms.decide import Decision, Point
from grader.alarms.definition import MetricAlarm
from grader.alarms.formatting import iso_millis, java_double, reason_time

__all__ = ["state_reason", "state_reason_data"]

_PHRASES = {
    "GreaterThanThreshold": "greater than",
    "GreaterThanOrEqualToThreshold": "greater than or equal to",
    "LessThanThreshold": "less than",
    "LessThanOrEqualToThreshold": "less than or equal to",
}


def _n(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _treated(decision: Decision) -> str:
    label = "[Breaching]" if decision.fill_breaching else "[NonBreaching]"
    verb = "was" if decision.filled == 1 else "were"
    return f"{_n(decision.filled, 'missing datapoint', 'missing datapoints')} {verb} treated as {label}"


def _listed(decision: Decision, want_breaching: bool) -> list[Point]:
    pairs = zip(decision.evaluated, decision.breaching, strict=True)
    return [p for p, b in reversed(list(pairs)) if b == want_breaching]


def state_reason(alarm: MetricAlarm, decision: Decision) -> str:
    """The StateReason for a decision that sets a state."""
    n, m = alarm.evaluation_periods, alarm.m
    if decision.kind == "all_filled":
        return (
            f"Threshold Crossed: no datapoints were received for {_n(n, 'period', 'periods')} and "
            f"{_treated(decision)}."
        )
    if decision.kind == "insufficient":
        verb = "was" if n == 1 else "were"
        return f"Insufficient Data: {_n(n, 'datapoint', 'datapoints')} {verb} unknown."
    to_alarm = decision.state == "ALARM"
    listed = _listed(decision, want_breaching=to_alarm)
    values = ", ".join(f"{java_double(p.value)} ({reason_time(p.start)})" for p in listed)  # type: ignore[arg-type]
    bracket = f" [{values}]" if listed else ""
    verb = "was" if len(listed) == 1 else "were"
    relation = ("" if to_alarm else "not ") + _PHRASES[alarm.comparison_operator]
    threshold = f"the threshold ({java_double(alarm.threshold)})"
    fill = f" and {_treated(decision)}" if decision.filled else ""
    if alarm.datapoints_to_alarm is None:
        count = _n(len(listed), "datapoint", "datapoints")
        return f"Threshold Crossed: {count}{bracket} {verb} {relation} {threshold}{fill}."
    minimum = m if to_alarm else n - m + 1
    transition = "OK -> ALARM" if to_alarm else "ALARM -> OK"
    return (
        f"Threshold Crossed: {len(listed)} out of the last {_n(n, 'datapoint', 'datapoints')}{bracket} {verb} "
        f"{relation} {threshold}{fill} (minimum {_n(minimum, 'datapoint', 'datapoints')} for {transition} transition)."
    )


def _entry(point: Point, alarm: MetricAlarm) -> dict[str, Any]:
    entry: dict[str, Any] = {"timestamp": iso_millis(point.start)}
    if alarm.statistic is not None and point.sample_count is not None:
        entry["sampleCount"] = float(point.sample_count)
    entry["value"] = point.value
    return entry


def _deciding(alarm: MetricAlarm, decision: Decision) -> list[dict[str, Any]]:
    """Newest-first deciding datapoints, real and filled, up to M (ALARM) or N - M + 1 (OK)."""
    n, m = alarm.evaluation_periods, alarm.m
    to_alarm = decision.state == "ALARM"
    limit = m if to_alarm else n - m + 1
    if decision.kind in ("all_filled", "insufficient"):
        return [{"timestamp": iso_millis(s)} for s in decision.filled_starts[:limit]]
    entries: list[tuple[float, dict[str, Any]]] = [
        (p.start, _entry(p, alarm)) for p in _listed(decision, to_alarm)
    ]
    if decision.filled and decision.fill_breaching == to_alarm:
        entries += [(s, {"timestamp": iso_millis(s)}) for s in decision.filled_starts]
    entries.sort(key=lambda e: -e[0])
    return [e for _, e in entries[:limit]]


def state_reason_data(alarm: MetricAlarm, decision: Decision, query_time: float) -> dict[str, Any]:
    """StateReasonData as a dict (serialise compactly with orjson for the API's JSON string)."""
    data: dict[str, Any] = {"version": "1.0", "queryDate": iso_millis(query_time)}
    if decision.evaluated:
        data["startDate"] = iso_millis(min(p.start for p in decision.evaluated))
    if alarm.unit is not None:
        data["unit"] = alarm.unit
    if alarm.statistic is not None:
        data["statistic"] = alarm.statistic
    data["period"] = alarm.period
    data["recentDatapoints"] = [p.value for p in decision.evaluated]
    data["threshold"] = alarm.threshold
    data["evaluatedDatapoints"] = _deciding(alarm, decision)
    return data
