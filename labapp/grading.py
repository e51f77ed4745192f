"""Attempts and scores: Gradescope-shaped results (shared/reference/grading-output-formats.md) built
from a student's answers, merged with GRADER's detection results when ``grader.grading`` exists.

Every submission, quiz save and re-grade is stored as a new row of ``attempts``; nothing is
overwritten. The result JSON follows the Gradescope results.json spec
(https://gradescope-autograders.readthedocs.io/en/latest/specs/): top-level ``score``, ``tests[]``
with ``name``, ``number``, ``score``, ``max_score``, ``status``, ``output``; our metadata in ``extra_data``.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa

from labapp.db import utc_now
from labapp.schema import attempts

SCHEMA = "trailwatch-grade/1"


def answer_tests(
    questions: list[dict[str, Any]], saved: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """One Gradescope test per question. ``questions``: dicts with id, prompt, points.
    Feedback says right or wrong, never the answer."""
    tests = []
    for i, q in enumerate(questions, start=1):
        row = saved.get(q["id"])
        ok = bool(row and row["correct"])
        tests.append(
            {
                "name": q["prompt"],
                "number": f"Q{i}",
                "score": q["points"] if ok else 0.0,
                "max_score": q["points"],
                "status": "passed" if ok else "failed",
                "output": "Correct." if ok else ("Not answered." if row is None else "Not correct yet."),
                "tags": ["question"],
                "extra_data": {"question_id": q["id"]},
            }
        )
    return tests


def results_json(tests: list[dict[str, Any]], extra: Mapping[str, Any], output: str = "") -> dict[str, Any]:
    """A complete Gradescope results.json with an explicit total."""
    return {
        "score": round(sum(float(t["score"]) for t in tests), 4),
        "output": output,
        "tests": tests,
        "extra_data": {"schema": SCHEMA, **extra},
    }


def max_score(result: Mapping[str, Any]) -> float:
    return round(sum(float(t.get("max_score", 0)) for t in result.get("tests", [])), 4)


def grader_available() -> bool:
    """True when GRADER's package (grader.grading) is installed."""
    try:
        return importlib.util.find_spec("grader.grading") is not None
    except ModuleNotFoundError:
        return False


class SubmissionRejected(ValueError):
    """An uploaded submission the grader cannot use; the message names the file and field."""


def grade_detections(
    *,
    endpoint: str | None,
    region: str,
    scenario_id: str,
    seed: int,
    student: str,
    submission: Mapping[str, Any] | None,
    answers: Mapping[str, Any],
    cache_dir: str | None = None,
) -> tuple[dict[str, Any] | None, str]:
    """(GRADER's result, note) for the student's detections and answers on their scenario variant.

    Uses grader.grading (docs in its package docstring): the submission comes from the upload
    (``submission_from_data``) or, without one, from the live backend (``read_live_backend``); the
    dataset is regenerated for (scenario, seed, student) and cached (``open_dataset``); ``grade``
    returns the Gradescope-shaped result. Result None with a note when the grader is missing or the
    backend cannot be read; a bad upload raises SubmissionRejected.
    """
    if not grader_available():
        return None, "Detections were not graded: the grader (grader.grading) is not installed."
    from grader.grading import (
        BackendError,
        GradingInputError,
        grade,
        open_dataset,
        read_live_backend,
        submission_from_data,
    )

    try:
        if submission is not None:
            sub = submission_from_data(dict(submission), "uploaded submission")
        elif endpoint is None:
            return None, "Detections were not graded: no backend to read them from and no file uploaded."
        else:
            sub = read_live_backend(endpoint, region)
    except BackendError as exc:
        return None, f"Detections were not graded: {exc}"
    except GradingInputError as exc:
        if submission is not None:
            raise SubmissionRejected(str(exc)) from None
        return None, f"Detections were not graded: {exc}"
    try:
        dataset = open_dataset(
            scenario=scenario_id,
            seed=seed,
            student=student,
            submission=sub,
            cache=Path(cache_dir) if cache_dir else None,
        )
        return grade(dataset, sub, answers=dict(answers), student=student), ""
    except GradingInputError as exc:  # e.g. the scenario no longer compiles
        return None, f"Detections were not graded: {exc}"


def record_attempt(
    conn: sa.Connection,
    user_id: int,
    lab_id: str,
    kind: str,
    result: Mapping[str, Any] | None,
    *,
    submission: Any = None,
    message: str = "",
) -> int:
    """Store one attempt (not committed). ``result`` None records an error attempt with ``message``."""
    values: dict[str, Any] = {
        "user_id": user_id,
        "lab_id": lab_id,
        "created_at": utc_now(),
        "kind": kind,
        "message": message,
        "submission_json": orjson.dumps(submission).decode() if submission is not None else None,
    }
    if result is None:
        values.update(status="error", score=None, max_score=None, results_json="{}")
    else:
        values.update(
            status="graded",
            score=float(result.get("score", 0)),
            max_score=max_score(result),
            results_json=orjson.dumps(result).decode(),
        )
    return int(conn.execute(attempts.insert().values(**values)).inserted_primary_key[0])


def attempts_of(conn: sa.Connection, user_id: int, lab_id: str | None = None) -> list[dict[str, Any]]:
    """A user's attempts, newest first, with ``result`` decoded."""
    query = sa.select(attempts).where(attempts.c.user_id == user_id)
    if lab_id is not None:
        query = query.where(attempts.c.lab_id == lab_id)
    rows = conn.execute(query.order_by(attempts.c.id.desc())).mappings()
    return [dict(r, result=orjson.loads(r["results_json"])) for r in rows]


def get_attempt(conn: sa.Connection, attempt_id: int) -> dict[str, Any] | None:
    row = conn.execute(sa.select(attempts).where(attempts.c.id == attempt_id)).mappings().first()
    return dict(row, result=orjson.loads(row["results_json"])) if row else None


def latest_graded(conn: sa.Connection) -> dict[tuple[int, str], dict[str, Any]]:
    """(user id, lab id) -> the newest graded attempt (what grade exports use)."""
    out: dict[tuple[int, str], dict[str, Any]] = {}
    rows = conn.execute(
        sa.select(attempts).where(attempts.c.status == "graded").order_by(attempts.c.id)
    ).mappings()
    for r in rows:
        out[(r["user_id"], r["lab_id"])] = dict(r, result=orjson.loads(r["results_json"]))
    return out
