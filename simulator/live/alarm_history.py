"""Alarm history kept for the emulator, and the DescribeAlarmHistory API moto lacks.

moto 5.2.5 stores no alarm history and has no DescribeAlarmHistory action; the live monitor writes the
items our alarm engine produces (ConfigurationUpdate, StateUpdate, Action; grader.alarms.notify) here and
``install_describe_alarm_history`` adds the action to moto's CloudWatch responses, with AWS's parameters:
AlarmName, AlarmTypes, HistoryItemType, StartDate, EndDate, MaxRecords (default 100), NextToken and ScanBy
(default TimestampDescending).
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult

_MAX_RECORDS = 100


def _parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


class AlarmHistoryStore:
    """History items per (account, region), oldest first, as grader.alarms.notify builds them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def add(self, account: str, region: str, items: list[dict[str, Any]]) -> None:
        with self._lock:
            self._items.setdefault((account, region), []).extend(items)

    def items(self, account: str, region: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._items.get((account, region), ()))

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        with self._lock:
            return {f"{a}/{r}": list(v) for (a, r), v in self._items.items()}

    def load(self, data: dict[str, list[dict[str, Any]]]) -> None:
        with self._lock:
            for key, items in data.items():
                account, region = key.split("/", 1)
                self._items[(account, region)] = list(items)

    def query(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        items = self.items(account, region)
        name = params.get("AlarmName")
        types = params.get("AlarmTypes") or []
        item_type = params.get("HistoryItemType")
        start, end = params.get("StartDate"), params.get("EndDate")
        out = []
        for item in items:
            when = _parse_time(item["Timestamp"])
            if name and item["AlarmName"] != name:
                continue
            if types and item["AlarmType"] not in types:
                continue
            if item_type and item["HistoryItemType"] != item_type:
                continue
            if start is not None and when < _aware(start) or end is not None and when > _aware(end):
                continue
            out.append({**item, "Timestamp": when})
        if (params.get("ScanBy") or "TimestampDescending") == "TimestampDescending":
            out.reverse()
        offset = int(params.get("NextToken") or 0)
        limit = int(params.get("MaxRecords") or _MAX_RECORDS)
        page = out[offset : offset + limit]
        result: dict[str, Any] = {"AlarmHistoryItems": page}
        if offset + limit < len(out):
            result["NextToken"] = str(offset + limit)
        return result


def _aware(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = _parse_time(value)
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, dt.UTC)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


_store_lock = threading.Lock()
_active: AlarmHistoryStore | None = None


def install_describe_alarm_history(store: AlarmHistoryStore) -> None:
    """Serve DescribeAlarmHistory from ``store`` (the most recently installed store answers)."""
    global _active
    with _store_lock:
        _active = store
    if getattr(CloudWatchResponse, "_trailwatch_history", False):
        return

    def describe_alarm_history(self: CloudWatchResponse) -> ActionResult:
        params = {
            key: self._get_param(key)
            for key in (
                "AlarmName",
                "HistoryItemType",
                "StartDate",
                "EndDate",
                "MaxRecords",
                "NextToken",
                "ScanBy",
            )
        }
        params["AlarmTypes"] = self._get_param("AlarmTypes", [])
        current = _active or AlarmHistoryStore()
        return ActionResult(current.query(self.current_account, self.region, params))

    CloudWatchResponse.describe_alarm_history = describe_alarm_history  # type: ignore[attr-defined]
    CloudWatchResponse._trailwatch_history = True  # type: ignore[attr-defined]
