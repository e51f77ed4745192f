"""The labs area: the list of labs, a lab page with its live checks and questions, the checks' JSON."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from labapp import grading, progress
from labapp.auth import login_required
from labapp.db import get_db, utc_now
from labapp.labs import service
from labapp.labs.content import Lab, all_labs, get_lab
from labapp.labs.dataset import FIELD_NOTES
from labapp.nav import NavEntry

bp = Blueprint("labs", __name__, url_prefix="/labs")
NAV = NavEntry("Labs", "labs.index", order=10)


def _lab_or_404(lab_id: str) -> Lab:
    lab = get_lab(lab_id)
    if lab is None:
        abort(404, f"There is no lab {lab_id!r}.")
    return lab


@bp.get("/")
@login_required
def index() -> str:
    done = progress.steps_of(get_db(), g.user["id"])
    rows = []
    for lab in all_labs():
        passed = sum(1 for s in lab.steps if done.get((lab.id, s.id), {}).get("status") == "pass")
        rows.append({"lab": lab, "passed": passed, "total": len(lab.steps)})
    return render_template("labs/index.html", rows=rows)


@bp.get("/<lab_id>")
@login_required
def lab_page(lab_id: str) -> str:
    lab = _lab_or_404(lab_id)
    conn = get_db()
    config = current_app.config
    variant = service.lab_variant(conn, g.user, lab, config)
    record_file, record, record_error = service.lab_record(lab, g.user, config)
    return render_template(
        "labs/lab.html",
        lab=lab,
        variant=variant,
        steps_state=progress.steps_of(conn, g.user["id"], lab.id),
        questions=service.question_views(lab, variant),
        saved=progress.answers_of(conn, g.user["id"], lab.id),
        record=record,
        record_file=record_file,
        record_error=record_error,
        field_notes=FIELD_NOTES,
        poll_seconds=int(config["CHECK_POLL_SECONDS"]),
        attempts=grading.attempts_of(conn, g.user["id"], lab.id)[:5],
    )


@bp.get("/<lab_id>/checks.json")
@login_required
def checks_json(lab_id: str) -> Response:
    lab = _lab_or_404(lab_id)
    step = request.args.get("step")
    if step is not None and lab.step(step) is None:
        abort(404, f"Lab {lab.id} has no step {step!r}.")
    conn = get_db()
    results = service.run_checks(conn, g.user, lab, current_app.config, step)
    conn.commit()
    return jsonify({"lab": lab.id, "checked_at": utc_now(), "steps": results})


@bp.post("/<lab_id>/answers")
@login_required
def save_answers(lab_id: str) -> Response:
    lab = _lab_or_404(lab_id)
    conn = get_db()
    submitted: dict[str, str | list[str]] = {}
    for q in lab.questions:
        values = request.form.getlist(f"q-{q.id}")
        if values:
            submitted[q.id] = values if q.type == "multi" else values[0]
    saved = service.save_answers(conn, g.user, lab, current_app.config, submitted)
    if lab.quiz:
        result = service.answers_result(conn, g.user, lab, current_app.config)
        grading.record_attempt(conn, g.user["id"], lab.id, "quiz", result, submission=submitted)
        flash(f"Knowledge check scored: {result['score']:g} of {grading.max_score(result):g}.", "info")
    else:
        flash(f"{saved} answer(s) saved." if saved else "No answers given.", "info" if saved else "error")
    conn.commit()
    return redirect(url_for("labs.lab_page", lab_id=lab.id) + "#questions")
