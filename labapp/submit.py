"""Submissions: grade a lab now (live checks + answers + GRADER's detection grading when installed),
keep every attempt, show score, per-check results and feedback.

An optional upload (a JSON submission file, e.g. exported metric filters and alarms) is passed to
the grader instead of reading the live backend; a bad upload gets a clear message and stores nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from labapp import grading, progress
from labapp.auth import login_required
from labapp.db import get_db
from labapp.labs import service
from labapp.labs.content import Lab, all_labs, get_lab
from labapp.nav import NavEntry

bp = Blueprint("submit", __name__, url_prefix="/submit")
NAV = NavEntry("Submit & grades", "submit.index", roles=("student",), order=40)


class UploadError(ValueError):
    """The uploaded submission cannot be used; the message says why."""


def read_upload(data: bytes, filename: str, limit: int) -> dict[str, Any]:
    """Parse an uploaded submission: a JSON object no larger than ``limit`` bytes."""
    if len(data) > limit:
        raise UploadError(f"{filename}: the file is {len(data)} bytes; the limit is {limit}")
    try:
        parsed = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise UploadError(f"{filename}: not valid JSON ({exc})") from None
    if not isinstance(parsed, dict):
        raise UploadError(f"{filename}: the submission must be a JSON object, not {type(parsed).__name__}")
    return parsed


def check_tests(results: Mapping[str, Mapping[str, str]], lab: Lab) -> list[dict[str, Any]]:
    """One Gradescope test per live step check (1 point each)."""
    tests = []
    for i, step in enumerate(lab.steps, start=1):
        r = results.get(step.id, {"status": "unavailable", "message": "not checked", "hint": ""})
        ok = r["status"] == "pass"
        tests.append(
            {
                "name": step.title,
                "number": f"S{i}",
                "score": 1.0 if ok else 0.0,
                "max_score": 1.0,
                "status": "passed" if ok else "failed",
                "output": r["message"] + (f"\nHint: {r['hint']}" if r.get("hint") and not ok else ""),
                "tags": ["step"],
                "extra_data": {"step_id": step.id, "check_status": r["status"]},
            }
        )
    return tests


def grade_lab(
    conn: sa.Connection,
    user: Mapping[str, Any],
    lab: Lab,
    config: Mapping[str, Any],
    submission: dict[str, Any] | None,
) -> tuple[dict[str, Any], str]:
    """The full result for one student and lab, and a note for the learner; raises
    grading.SubmissionRejected for an upload the grader cannot use."""
    checks = service.run_checks(conn, user, lab, config)
    answers = service.answers_result(conn, user, lab, config)
    variant = service.lab_variant(conn, user, lab, config)
    # questions on the lab's own case are graded by the grader (with the detections); others here
    own = {
        q.id: q.scenario_answer for q in lab.questions if q.scenario_answer and ":" not in q.scenario_answer
    }
    answer_tests = answers["tests"]
    note = ""
    detection_tests: list[dict[str, Any]] = []
    if variant.scenario_id:
        saved = progress.answers_of(conn, user["id"], lab.id)
        given = {key: saved[qid]["answer"] for qid, key in own.items() if qid in saved}
        result, note = grading.grade_detections(
            endpoint=config.get("EMULATOR_ENDPOINT") if config.get("BACKEND") == "embedded" else None,
            region=str(config["AWS_REGION"]),
            scenario_id=variant.scenario_id,
            seed=variant.seed,
            student=variant.key,
            submission=submission,
            answers=given,
            cache_dir=config.get("GRADING_CACHE_DIR"),
        )
        if result is not None:
            detection_tests = [
                dict(t, number=f"G{t.get('number', i)}") for i, t in enumerate(result["tests"], 1)
            ]
            answer_tests = [t for t in answer_tests if t["extra_data"]["question_id"] not in own]
    tests = check_tests(checks, lab) + answer_tests + detection_tests
    return grading.results_json(tests, answers["extra_data"] | {"lab_id": lab.id}, note), note


@bp.get("/")
@login_required
def index() -> str:
    conn = get_db()
    labs = [lab for lab in all_labs() if lab.gradable or lab.quiz]
    history = grading.attempts_of(conn, g.user["id"])
    return render_template("submit/index.html", labs=labs, history=history)


@bp.post("/<lab_id>")
@login_required
def submit(lab_id: str) -> Response | tuple[str, int]:
    lab = get_lab(lab_id)
    if lab is None or not lab.gradable:
        abort(404, f"Lab {lab_id!r} cannot be submitted.")
    submission = None
    upload = request.files.get("submission")
    if upload is not None and upload.filename:
        try:
            submission = read_upload(
                upload.read(), upload.filename, int(current_app.config["MAX_UPLOAD_BYTES"])
            )
        except UploadError as exc:
            flash(str(exc), "error")
            labs = [lab for lab in all_labs() if lab.gradable or lab.quiz]
            return render_template(
                "submit/index.html", labs=labs, history=grading.attempts_of(get_db(), g.user["id"])
            ), 400
    conn = get_db()
    try:
        result, note = grade_lab(conn, g.user, lab, current_app.config, submission)
    except grading.SubmissionRejected as exc:
        conn.rollback()
        flash(f"{upload.filename}: {exc}", "error")
        labs = [lab for lab in all_labs() if lab.gradable or lab.quiz]
        return render_template(
            "submit/index.html", labs=labs, history=grading.attempts_of(conn, g.user["id"])
        ), 400
    attempt_id = grading.record_attempt(
        conn, g.user["id"], lab.id, "submit", result, submission=submission, message=note
    )
    conn.commit()
    return redirect(url_for("submit.attempt", attempt_id=attempt_id))


@bp.get("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int) -> str:
    row = grading.get_attempt(get_db(), attempt_id)
    # a student may only see their own attempts; 404 (not 403) so ids of others are not confirmed
    if row is None or (g.user["role"] != "instructor" and row["user_id"] != g.user["id"]):
        abort(404, "No such attempt.")
    return render_template("submit/attempt.html", attempt=row, lab=get_lab(row["lab_id"]))
