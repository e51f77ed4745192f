"""Alarm charts: for each of the learner's metric alarms, the metric per period with the threshold line and
coloured state bands over the scenario timeline, the transitions listed, and the backend's own history.

Alarms and metric filters come from the configured backend (labapp.backend); the metric data comes from our
engines evaluating those filters over the learner's dataset (or, for a log group the dataset lacks, over
the backend's events), so the page works offline. Route: GET /alarms/ (signed-in users).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, current_app, render_template

from grader.alarms import put_metric_alarm_request
from grader.filterpattern import AwsError, compile_pattern
from labapp.alarms.chart import STATE_TEXT, alarm_svg
from labapp.alarms.evaluate import AlarmView, evaluate_view
from labapp.alarms.sources import LearnerResources, backend_events, read_resources
from labapp.auth import login_required
from labapp.backend import Backend
from labapp.explorer.datasets import dataset_for_request, open_store
from labapp.explorer.query import sql_prefilter
from labapp.explorer.store import DatasetError, EventStore
from labapp.nav import NavEntry

bp = Blueprint("alarms", __name__, url_prefix="/alarms")
NAV = NavEntry("Alarms", "alarms.index", order=62)


def fmt_time(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _events_from(store: EventStore | None, backend: Backend | None) -> Any:
    def events_for(group: str, metric_filter: dict[str, Any]) -> tuple[list[tuple[int, str]], str] | None:
        if store is not None and group in store.groups:
            where = f"gid = {store.group_ids[group]}"
            if not any("defaultValue" in t for t in metric_filter.get("metricTransformations", [])):
                try:
                    needed = sql_prefilter(compile_pattern(metric_filter.get("filterPattern", "")).ast)
                except AwsError:
                    needed = None
                if needed is not None:  # a non-matching event publishes nothing without a defaultValue
                    where += f" AND (contains(message, '\\u') OR {needed})"
            cur = store.cursor()
            try:
                rows = cur.execute(
                    f"SELECT ts, message FROM events WHERE {where} ORDER BY ts, rowid"
                ).fetchall()
            finally:
                cur.close()
            where_from = (
                "dataset" if " AND " not in where else "dataset; events the pattern cannot match skipped"
            )
            return [(int(t), m) for t, m in rows], where_from
        if backend is not None and backend.kind != "none":
            try:
                events = backend_events(backend, group)
            except Exception:  # noqa: BLE001 - a missing group on the backend means no data
                return None
            return (events, "backend") if events else None
        return None

    return events_for


def resources_for_request() -> LearnerResources:
    """The learner's alarms and filters (tests may inject ``ALARM_RESOURCES``: a callable returning them)."""
    injected = current_app.config.get("ALARM_RESOURCES")
    if callable(injected):
        return injected()
    return read_resources(Backend(current_app.config))


@bp.get("/")
@login_required
def index() -> Any:
    choice = dataset_for_request()
    store, dataset_error = None, None
    if choice.path is not None:
        try:
            store = open_store(choice)
        except DatasetError as exc:
            dataset_error = str(exc)
    resources = resources_for_request()
    backend = Backend(current_app.config)
    time_range = None
    if store is not None and store.time_range.get("start"):
        start = datetime.fromisoformat(store.time_range["start"].replace("Z", "+00:00")).timestamp()
        end = datetime.fromisoformat(store.time_range["end"].replace("Z", "+00:00")).timestamp()
        time_range = (start, end)
    views: list[tuple[AlarmView, Any, str | None]] = []
    events_for = _events_from(store, backend)
    for described in resources.alarms:
        request_ = put_metric_alarm_request(described)
        view = evaluate_view(
            request_, resources.metric_filters, events_for, time_range, str(store.path) if store else ""
        )
        svg = alarm_svg(view) if view.problem is None else None
        views.append((view, svg, described.get("StateValue")))
    return render_template(
        "alarms/index.html",
        choice=choice,
        store=store,
        dataset_error=dataset_error,
        resources=resources,
        views=views,
        fmt_time=fmt_time,
        state_text=STATE_TEXT,
        has_inbox="inbox.index" in current_app.view_functions,
    )
