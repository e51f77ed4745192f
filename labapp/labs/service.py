"""What a lab page needs for one student, independent of Flask requests: their variant, lab 1's
record, the questions as shown, marking answers, running the step checks, an answers-only result.
Views, the submit page and instructor re-grades all go through here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from labapp import grading, progress
from labapp.backend import Backend
from labapp.labs.checks import CheckContext, run_check
from labapp.labs.content import Lab
from labapp.labs.dataset import DatasetError, annotated_record, dataset_dir_for
from labapp.labs.questions import CaseUnavailable, Variant, is_correct, key_entry, prompt_of, variant_for


def lab_variant(conn: sa.Connection, user: Mapping[str, Any], lab: Lab, config: Mapping[str, Any]) -> Variant:
    return variant_for(
        dict(user), lab, progress.assignment_of(conn, user["id"], lab.id), int(config["SCENARIO_SEED"])
    )


def lab_record(
    lab: Lab, user: Mapping[str, Any], config: Mapping[str, Any]
) -> tuple[str | None, dict[str, Any] | None, str]:
    """(file, record, error) of lab 1's annotated record from the learner's own dataset; only labs
    with record questions need it."""
    if not any(q.record_field for q in lab.questions):
        return None, None, ""
    folder = dataset_dir_for(user, config)
    if folder is None:
        return (
            None,
            None,
            "No dataset is configured. Generate one with `trailwatch generate --out data/default` "
            "and start the app with DATASET_DIR pointing at it.",
        )
    try:
        path, record = annotated_record(folder)
    except (DatasetError, OSError, ValueError) as exc:
        return None, None, str(exc)
    return path, record, ""


def question_views(lab: Lab, variant: Variant) -> list[dict[str, Any]]:
    """The questions as shown; ``problem`` is set when the question's case cannot be loaded."""
    views = []
    for q in lab.questions:
        problem = ""
        try:
            entry = key_entry(q, variant) if q.scenario_answer else None
        except CaseUnavailable as exc:
            entry, problem = None, str(exc)
        prompt, qtype = prompt_of(q, entry)
        views.append(
            {
                "id": q.id,
                "prompt": prompt,
                "type": qtype,
                "choices": q.choices,
                "points": q.points,
                "explanation": q.explanation,
                "problem": problem,
            }
        )
    return views


def save_answers(
    conn: sa.Connection,
    user: Mapping[str, Any],
    lab: Lab,
    config: Mapping[str, Any],
    submitted: Mapping[str, str | list[str]],
) -> int:
    """Mark and store the submitted answers (blank ones are skipped); returns how many were saved."""
    variant = lab_variant(conn, user, lab, config)
    _, record, _ = lab_record(lab, user, config)
    saved = 0
    for q in lab.questions:
        given = submitted.get(q.id)
        if given is None or given == "" or given == []:
            continue
        text = "\n".join(given) if isinstance(given, list) else str(given).strip()
        progress.save_answer(conn, user["id"], lab.id, q.id, text, is_correct(q, given, variant, record))
        saved += 1
    return saved


def remark_answers(conn: sa.Connection, user: Mapping[str, Any], lab: Lab, config: Mapping[str, Any]) -> None:
    """Mark stored answers again against the current key (after a new assignment or a re-grade)."""
    variant = lab_variant(conn, user, lab, config)
    _, record, _ = lab_record(lab, user, config)
    stored = progress.answers_of(conn, user["id"], lab.id)
    for q in lab.questions:
        row = stored.get(q.id)
        if row is None:
            continue
        given: str | list[str] = row["answer"].split("\n") if q.type == "multi" else row["answer"]
        progress.save_answer(
            conn, user["id"], lab.id, q.id, row["answer"], is_correct(q, given, variant, record)
        )


def run_checks(
    conn: sa.Connection,
    user: Mapping[str, Any],
    lab: Lab,
    config: Mapping[str, Any],
    step_id: str | None = None,
) -> dict[str, dict[str, str]]:
    """Run the lab's checks (or one step's), store the results, return step id -> result dict."""
    ctx = CheckContext(
        backend=Backend(dict(config)),
        config=config,
        user=user,
        lab_id=lab.id,
        answers=progress.answers_of(conn, user["id"], lab.id),
        question_ids=tuple(q.id for q in lab.questions),
        assignment=progress.assignment_of(conn, user["id"], lab.id),
    )
    out: dict[str, dict[str, str]] = {}
    stored = progress.steps_of(conn, user["id"], lab.id)
    for step in lab.steps:
        if step_id is not None and step.id != step_id:
            continue
        before = stored.get((lab.id, step.id))
        if step.sticky and before and before["first_passed_at"]:
            out[step.id] = {"status": "pass", "message": f"done at {before['first_passed_at']}", "hint": ""}
            continue
        result = run_check(step.check, ctx)
        progress.record_step(conn, user["id"], lab.id, step.id, result.status, result.message)
        out[step.id] = result.to_dict()
    return out


def answers_result(
    conn: sa.Connection, user: Mapping[str, Any], lab: Lab, config: Mapping[str, Any]
) -> dict[str, Any]:
    """Gradescope results for the lab's questions from the stored answers."""
    variant = lab_variant(conn, user, lab, config)
    tests = grading.answer_tests(question_views(lab, variant), progress.answers_of(conn, user["id"], lab.id))
    return grading.results_json(
        tests,
        {
            "lab_id": lab.id,
            "student_id": user.get("student_id") or user["username"],
            "scenario": variant.scenario_id,
            "seed": variant.seed,
            "variant": variant.key,
        },
    )
