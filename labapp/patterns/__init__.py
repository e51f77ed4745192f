"""Pattern tester: paste a filter pattern, pick sample events from a log group (or paste messages), see which
match and what metric value each publishes, with AWS's exact error text and a caret for a bad pattern.

Routes (signed-in users): GET /patterns/ shows the form; POST /patterns/ (CSRF-protected) runs the test.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from labapp.auth import login_required
from labapp.explorer.datasets import dataset_for_request, open_store
from labapp.explorer.insights_sql import sql_str
from labapp.explorer.store import DatasetError, EventStore
from labapp.nav import NavEntry
from labapp.patterns.tester import MAX_SAMPLES, test_pattern

bp = Blueprint("patterns", __name__, url_prefix="/patterns")
NAV = NavEntry("Pattern tester", "patterns.index", order=61)


def sample_messages(store: EventStore, group: str, contains: str, count: int) -> list[str]:
    """The first ``count`` events of ``group`` (time order) whose message contains ``contains``."""
    where = f"gid = {store.group_ids[group]}"
    if contains:
        where += f" AND contains(message, {sql_str(contains)})"
    cur = store.cursor()
    try:
        rows = cur.execute(
            f"SELECT message FROM events WHERE {where} ORDER BY ts, rowid LIMIT {int(count)}"
        ).fetchall()
    finally:
        cur.close()
    return [r[0] for r in rows]


@bp.route("/", methods=("GET", "POST"))
@login_required
def index() -> Any:
    choice = dataset_for_request()
    store, dataset_error = None, None
    if choice.path is not None:
        try:
            store = open_store(choice)
        except DatasetError as exc:
            dataset_error = str(exc)
    f = request.form if request.method == "POST" else request.args
    groups = list(store.groups) if store else []
    default_group = next(
        (g for g in groups if store and store.groups[g].source == "cloudtrail"), groups[0] if groups else ""
    )
    form = {
        "pattern": f.get(
            "pattern", '{ ($.eventName = "ConsoleLogin") && ($.errorMessage = "Failed authentication") }'
        ),
        "source": f.get("source", "group" if store else "paste"),
        "group": f.get("group", default_group),
        "contains": f.get("contains", ""),
        "count": f.get("count", str(MAX_SAMPLES)),
        "messages": f.get("messages", ""),
        "metric_value": f.get("metric_value", "1"),
        "default_value": f.get("default_value", ""),
    }
    result, input_error = None, None
    if request.method == "POST":
        count = int(form["count"]) if form["count"].isdigit() else MAX_SAMPLES
        count = min(max(count, 1), MAX_SAMPLES)
        if form["source"] == "group" and store is not None and form["group"] in store.groups:
            messages = sample_messages(store, form["group"], form["contains"], count)
            if not messages:
                input_error = "No events in that log group contain the text given; change or clear it."
        else:
            messages = [m for m in form["messages"].splitlines() if m.strip()]
            if not messages:
                input_error = "Paste at least one log event message (one per line)."
            elif len(messages) > MAX_SAMPLES:
                input_error = f"Only the first {MAX_SAMPLES} messages are tested (TestMetricFilter's limit)."
        default = None
        if form["default_value"].strip():
            try:
                default = float(form["default_value"])
            except ValueError:
                input_error = "Default value must be a number (or empty)."
        if messages:
            result = test_pattern(form["pattern"], messages, form["metric_value"].strip() or "1", default)
    return render_template(
        "patterns/index.html",
        choice=choice,
        store=store,
        dataset_error=dataset_error,
        groups=groups,
        form=form,
        result=result,
        input_error=input_error,
        max_samples=MAX_SAMPLES,
    )
