"""The instructor area: class progress, roster import, scenario assignment, scenario preview,
grade exports (CSV, Gradescope JSON) and re-grading. Every view requires the instructor role."""

from __future__ import annotations

import functools
from typing import Any

import orjson
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from labapp import grading, progress
from labapp.accounts import get_user, list_students
from labapp.auth import instructor_required
from labapp.db import get_db, utc_now
from labapp.exports import grades_csv, gradescope_json
from labapp.labs import service
from labapp.labs.content import all_labs, get_lab
from labapp.nav import NavEntry
from labapp.roster import RosterError, import_roster, parse_roster
from labapp.schema import roster_imports
from labapp.submit import grade_lab

bp = Blueprint("instructor", __name__, url_prefix="/instructor")
NAV = [
    NavEntry("Class", "instructor.dashboard", roles=("instructor",), order=20),
    NavEntry("Roster", "instructor.roster", roles=("instructor",), order=21),
    NavEntry("Scenarios", "instructor.scenarios", roles=("instructor",), order=22),
]


@functools.cache
def _scenario_ids() -> tuple[str, ...]:
    from simulator.scenario import list_scenarios

    return tuple(e.id for e in list_scenarios() if not e.error)


@functools.lru_cache(maxsize=32)
def _preview_run(scenario_id: str, seed: int, student: str | None) -> object:
    """A compiled scenario (pure function of its arguments, so cached)."""
    from simulator.scenario import prepare_scenario_run

    return prepare_scenario_run(scenario_id, seed=seed, student=student)


def _student_or_404(user_id: int) -> dict:
    user = get_user(get_db(), user_id)
    if user is None or user["role"] != "student":
        abort(404, "No such student.")
    return user


@bp.get("/")
@instructor_required
def dashboard() -> str:
    conn = get_db()
    students = list_students(conn)
    labs = all_labs()
    latest = grading.latest_graded(conn)
    rows = []
    for s in students:
        steps = progress.steps_of(conn, s["id"])
        cells = []
        for lab in labs:
            passed = sum(1 for st in lab.steps if steps.get((lab.id, st.id), {}).get("status") == "pass")
            attempt = latest.get((s["id"], lab.id))
            cells.append({"lab": lab, "passed": passed, "total": len(lab.steps), "attempt": attempt})
        rows.append({"student": s, "cells": cells})
    replay = current_app.config.get("REPLAY_CONTROLLER")
    return render_template(
        "instructor/dashboard.html",
        rows=rows,
        labs=labs,
        replay=replay,
        scenario_ids=_scenario_ids(),
        default_seed=current_app.config["SCENARIO_SEED"],
    )


@bp.route("/roster", methods=("GET", "POST"))
@instructor_required
def roster() -> str | tuple[str, int]:
    if request.method == "GET":
        return render_template("instructor/roster.html", errors=None, result=None)
    upload = request.files.get("roster")
    if upload is None or not upload.filename:
        return render_template(
            "instructor/roster.html", errors=["Choose a CSV file to upload."], result=None
        ), 400
    data = upload.read()
    limit = int(current_app.config["MAX_UPLOAD_BYTES"])
    conn = get_db()
    try:
        if len(data) > limit:
            raise RosterError(upload.filename, [f"the file is {len(data)} bytes; the limit is {limit}"])
        rows = parse_roster(data, upload.filename)
        result = import_roster(conn, rows, upload.filename)
        conn.execute(
            roster_imports.insert().values(
                filename=upload.filename,
                imported_by=g.user["id"],
                created=result.created,
                updated=result.updated,
                imported_at=utc_now(),
            )
        )
        conn.commit()
    except RosterError as exc:
        conn.rollback()
        return render_template(
            "instructor/roster.html", errors=exc.errors, filename=exc.filename, result=None
        ), 400
    except IntegrityError:
        conn.rollback()
        return render_template(
            "instructor/roster.html",
            filename=upload.filename,
            result=None,
            errors=["two students would end up with the same username or student_id"],
        ), 400
    return render_template("instructor/roster.html", errors=None, result=result, filename=upload.filename)


@bp.get("/students/<int:user_id>")
@instructor_required
def student(user_id: int) -> str:
    user = _student_or_404(user_id)
    conn = get_db()
    labs = []
    steps = progress.steps_of(conn, user_id)
    for lab in all_labs():
        labs.append(
            {
                "lab": lab,
                "steps": [(s, steps.get((lab.id, s.id))) for s in lab.steps],
                "answers": progress.answers_of(conn, user_id, lab.id),
                "questions": service.question_views(
                    lab, service.lab_variant(conn, user, lab, current_app.config)
                ),
                "assignment": progress.assignment_of(conn, user_id, lab.id),
            }
        )
    return render_template(
        "instructor/student.html",
        student=user,
        labs=labs,
        attempts=grading.attempts_of(conn, user_id),
        scenario_ids=_scenario_ids(),
        default_seed=current_app.config["SCENARIO_SEED"],
    )


@bp.post("/assign")
@instructor_required
def assign() -> Response | tuple[str, int]:
    conn = get_db()
    lab = get_lab(request.form.get("lab_id", ""))
    scenario_id = request.form.get("scenario_id", "")
    errors = []
    if lab is None:
        errors.append("Choose a lab.")
    if scenario_id not in _scenario_ids():
        errors.append(f"Unknown scenario {scenario_id!r}.")
    try:
        seed = int(request.form.get("seed", current_app.config["SCENARIO_SEED"]))
        if not 0 <= seed < 2**31:
            raise ValueError
    except ValueError:
        errors.append("The seed must be a whole number from 0 to 2147483647.")
    raw_ids = request.form.getlist("user_id")
    if request.form.get("all_students"):
        raw_ids = [str(s["id"]) for s in list_students(conn)]
    students = [get_user(conn, int(i)) for i in raw_ids if i.isdigit()]
    students = [s for s in students if s and s["role"] == "student"]
    if not students:
        errors.append("Choose at least one student.")
    if errors:
        for e in errors:
            flash(e, "error")
        return redirect(request.referrer or url_for("instructor.dashboard"))
    fixed_variant = request.form.get("variant", "").strip()
    for s in students:
        progress.assign(
            conn, s["id"], lab.id, scenario_id, seed, fixed_variant or s["student_id"] or s["username"]
        )
        service.remark_answers(conn, s, lab, current_app.config)
    conn.commit()
    flash(f"Assigned {scenario_id} (seed {seed}) for {lab.title} to {len(students)} student(s).", "info")
    return redirect(request.referrer or url_for("instructor.dashboard"))


@bp.post("/regrade")
@instructor_required
def regrade() -> Response:
    conn = get_db()
    user = _student_or_404(int(request.form.get("user_id", "0") or 0))
    lab = get_lab(request.form.get("lab_id", ""))
    if lab is None or not (lab.gradable or lab.quiz):
        abort(404, "That lab is not graded.")
    service.remark_answers(conn, user, lab, current_app.config)
    if lab.quiz:
        result, note = service.answers_result(conn, user, lab, current_app.config), ""
    else:
        result, note = grade_lab(conn, user, lab, current_app.config, None)
    attempt_id = grading.record_attempt(conn, user["id"], lab.id, "regrade", result, message=note)
    conn.commit()
    flash(
        f"Re-graded {user['username']} on {lab.title}: {result['score']:g} of {grading.max_score(result):g}.",
        "info",
    )
    return redirect(url_for("submit.attempt", attempt_id=attempt_id))


@bp.get("/scenarios")
@instructor_required
def scenarios() -> str:
    from simulator.scenario import list_scenarios

    return render_template("instructor/scenarios.html", entries=list_scenarios())


@bp.get("/scenarios/<scenario_id>")
@instructor_required
def scenario_preview(scenario_id: str) -> str:
    if scenario_id not in _scenario_ids():
        abort(404, f"No scenario {scenario_id!r}.")
    from simulator.scenario import ScenarioInvalid

    try:
        seed = int(request.args.get("seed", current_app.config["SCENARIO_SEED"]))
        if not 0 <= seed < 2**63:
            raise ValueError
    except ValueError:
        abort(400, "The seed must be a whole number from 0 to 2^63-1.")
    student = request.args.get("student", "").strip() or None
    try:
        run: Any = _preview_run(scenario_id, seed, student)
    except ScenarioInvalid as exc:
        abort(400, f"Scenario {scenario_id} cannot be compiled: {exc}")
    return render_template(
        "instructor/scenario.html",
        run=run,
        seed=seed,
        student=student or "",
        timeline=[e.to_dict() for e in run.timeline],
        show_answers=bool(request.args.get("answers")),
    )


@bp.get("/grades.csv")
@instructor_required
def grades_export_csv() -> Response:
    conn = get_db()
    body = grades_csv(list_students(conn), all_labs(), grading.latest_graded(conn))
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="trailwatch-grades.csv"'},
    )


@bp.get("/grades/<lab_id>.json")
@instructor_required
def grades_export_json(lab_id: str) -> Response:
    lab = get_lab(lab_id)
    if lab is None:
        abort(404, f"There is no lab {lab_id!r}.")
    conn = get_db()
    doc = gradescope_json(lab, list_students(conn), grading.latest_graded(conn))
    return Response(
        orjson.dumps(doc, option=orjson.OPT_INDENT_2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="trailwatch-{lab.id}-gradescope.json"'},
    )
