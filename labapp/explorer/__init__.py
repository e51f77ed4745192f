"""Log explorer: browse the learner's log groups and S3 log files; query them with a Logs Insights subset
(run on DuckDB) or a filter pattern (FilterLogEvents semantics from grader.filterpattern).

Routes (all GET, read-only, signed-in users):
  /explorer/                 query page (mode, q, group..., start, end, after)
  /explorer/s3               S3 browser (bucket, prefix)
  /explorer/s3/object        one S3 object (bucket, key)
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from flask import Blueprint, abort, render_template, request
from markupsafe import Markup

from grader.filterpattern import InvalidFilterPattern
from labapp.auth import login_required
from labapp.explorer.datasets import dataset_for_request, open_store
from labapp.explorer.insights_ast import InsightsSyntaxError
from labapp.explorer.query import format_ts, run_filter_pattern, run_insights
from labapp.explorer.s3files import buckets, list_prefix, read_object, s3_objects
from labapp.explorer.store import DatasetError
from labapp.explorer.svg import histogram_svg
from labapp.nav import NavEntry

bp = Blueprint("explorer", __name__, url_prefix="/explorer")
NAV = NavEntry("Log explorer", "explorer.index", order=60)

DEFAULT_QUERY = "fields @timestamp, @message\n| sort @timestamp desc\n| limit 20"
MAX_SHOWN_ROWS = 1_000


def parse_time(text: str) -> int:
    """Epoch ms of an ISO 8601 UTC time (``2026-03-02T06:00``, seconds and ``Z`` optional)."""
    t = text.strip().replace(" ", "T")
    if t.endswith("Z"):
        t = t[:-1]
    dt = datetime.fromisoformat(t)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp() * 1000)


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def pretty_message(message: str) -> str:
    if message.startswith("{"):
        try:
            return orjson.dumps(orjson.loads(message), option=orjson.OPT_INDENT_2).decode()
        except orjson.JSONDecodeError:
            pass
    return message


@bp.app_template_filter("tw_pretty_message")
def _pretty_filter(message: str) -> str:
    return pretty_message(message)


def _store_or_page(template: str, **ctx: Any) -> Any:
    choice = dataset_for_request()
    if choice.path is None:
        return None, choice, render_template(template, store=None, choice=choice, **ctx)
    try:
        return open_store(choice), choice, None
    except DatasetError as exc:
        return (
            None,
            choice,
            render_template(template, store=None, choice=choice, dataset_error=str(exc), **ctx),
        )


@bp.get("/")
@login_required
def index() -> Any:
    store, choice, page = _store_or_page("explorer/index.html", form={}, result=None)
    if page is not None:
        return page
    assert store is not None
    mode = request.args.get("mode", "insights")
    if mode not in ("insights", "pattern"):
        abort(400, "mode must be insights or pattern")
    all_groups = list(store.groups)
    chosen = [g for g in request.args.getlist("group") if g in store.groups]
    if not chosen:
        chosen = [g for g, info in store.groups.items() if info.source == "cloudtrail"] or all_groups
    first = min((g.first_ts for g in store.groups.values() if g.first_ts is not None), default=0)
    last = max((g.last_ts for g in store.groups.values() if g.last_ts is not None), default=0) + 1000
    default_start = parse_time(store.time_range["start"]) if store.time_range.get("start") else first
    default_end = parse_time(store.time_range["end"]) if store.time_range.get("end") else last
    default_end = max(default_end, last)
    form = {
        "mode": mode,
        "q": request.args.get("q", DEFAULT_QUERY if mode == "insights" else ""),
        "groups": chosen,
        "start": request.args.get("start", iso(default_start)),
        "end": request.args.get("end", iso(default_end)),
    }
    result = error = None
    pattern_error = None
    ran = "q" in request.args
    if ran:
        try:
            start_ms, end_ms = parse_time(form["start"]), parse_time(form["end"])
            if end_ms <= start_ms:
                raise ValueError("the end of the time range must be after its start")
        except ValueError as exc:
            error = {"message": f"Time range: {exc}", "pointer": None}
        else:
            try:
                if mode == "insights":
                    result = run_insights(store, form["q"], chosen, start_ms, end_ms)
                else:
                    result = run_filter_pattern(
                        store, form["q"], chosen, start_ms, end_ms, request.args.get("after", "")
                    )
            except InsightsSyntaxError as exc:
                line, col = exc.line_col
                error = {"message": exc.message, "line": line, "column": col, "pointer": exc.pointer()}
            except InvalidFilterPattern as exc:
                pattern_error = {"code": exc.code, "message": exc.message}
    histogram = None
    if result is not None:
        histogram = histogram_svg(
            result.histogram, parse_time(form["start"]), parse_time(form["end"]), result.bin_ms
        )
    return render_template(
        "explorer/index.html",
        store=store,
        choice=choice,
        form=form,
        result=result,
        shown_rows=MAX_SHOWN_ROWS,
        error=error,
        pattern_error=pattern_error,
        histogram=histogram,
        format_ts=format_ts,
        all_groups=all_groups,
    )


@bp.get("/s3")
@login_required
def s3() -> Any:
    choice = dataset_for_request()
    if choice.path is None:
        return render_template("explorer/s3.html", choice=choice, objects=None)
    objects = s3_objects(choice.path)
    bucket = request.args.get("bucket", "")
    prefix = request.args.get("prefix", "")
    listing = list_prefix(objects, bucket, prefix) if bucket else None
    if bucket and listing is not None and not listing.folders and not listing.objects:
        abort(404, f"Nothing under s3://{bucket}/{prefix}")
    return render_template(
        "explorer/s3.html", choice=choice, objects=objects, buckets=buckets(objects), listing=listing
    )


@bp.get("/s3/object")
@login_required
def s3_object() -> Any:
    choice = dataset_for_request()
    if choice.path is None:
        abort(404, "No dataset is configured.")
    objects = s3_objects(choice.path)
    obj = objects.get((request.args.get("bucket", ""), request.args.get("key", "")))
    if obj is None:
        abort(404, "No such S3 object in this dataset.")
    content = read_object(choice.path, obj)
    return render_template("explorer/s3_object.html", choice=choice, content=content)


@bp.app_template_global("tw_svg")
def _svg(markup: Markup) -> Markup:
    return markup
