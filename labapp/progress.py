"""Per-student state: step check results, saved answers, scenario assignments (all keyed by user id)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from labapp.db import utc_now
from labapp.schema import answers, assignments, step_progress


def record_step(
    conn: sa.Connection, user_id: int, lab_id: str, step_id: str, status: str, detail: str
) -> None:
    """Store the latest result of a step's check (not committed); remembers when it first passed."""
    now = utc_now()
    key = (
        (step_progress.c.user_id == user_id)
        & (step_progress.c.lab_id == lab_id)
        & (step_progress.c.step_id == step_id)
    )
    row = conn.execute(sa.select(step_progress.c.first_passed_at).where(key)).first()
    first = row[0] if row else None
    if status == "pass" and first is None:
        first = now
    values = {"status": status, "detail": detail, "checked_at": now, "first_passed_at": first}
    if row is None:
        conn.execute(step_progress.insert().values(user_id=user_id, lab_id=lab_id, step_id=step_id, **values))
    else:
        conn.execute(step_progress.update().where(key).values(**values))


def steps_of(
    conn: sa.Connection, user_id: int, lab_id: str | None = None
) -> dict[tuple[str, str], dict[str, Any]]:
    """(lab id, step id) -> stored row for one user."""
    query = sa.select(step_progress).where(step_progress.c.user_id == user_id)
    if lab_id is not None:
        query = query.where(step_progress.c.lab_id == lab_id)
    return {(r["lab_id"], r["step_id"]): dict(r) for r in conn.execute(query).mappings()}


def save_answer(
    conn: sa.Connection, user_id: int, lab_id: str, question_id: str, answer: str, correct: bool
) -> None:
    key = (
        (answers.c.user_id == user_id) & (answers.c.lab_id == lab_id) & (answers.c.question_id == question_id)
    )
    values = {"answer": answer, "correct": correct, "answered_at": utc_now()}
    if conn.execute(sa.select(answers.c.user_id).where(key)).first() is None:
        conn.execute(
            answers.insert().values(user_id=user_id, lab_id=lab_id, question_id=question_id, **values)
        )
    else:
        conn.execute(answers.update().where(key).values(**values))


def answers_of(conn: sa.Connection, user_id: int, lab_id: str) -> dict[str, dict[str, Any]]:
    rows = conn.execute(
        sa.select(answers).where((answers.c.user_id == user_id) & (answers.c.lab_id == lab_id))
    )
    return {r["question_id"]: dict(r) for r in rows.mappings()}


def assignment_of(conn: sa.Connection, user_id: int, lab_id: str) -> dict[str, Any] | None:
    row = (
        conn.execute(
            sa.select(assignments).where(
                (assignments.c.user_id == user_id) & (assignments.c.lab_id == lab_id)
            )
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def assign(conn: sa.Connection, user_id: int, lab_id: str, scenario_id: str, seed: int, variant: str) -> None:
    """Give a student a scenario variant for a lab (replaces an earlier assignment; not committed)."""
    conn.execute(
        assignments.delete().where((assignments.c.user_id == user_id) & (assignments.c.lab_id == lab_id))
    )
    conn.execute(
        assignments.insert().values(
            user_id=user_id,
            lab_id=lab_id,
            scenario_id=scenario_id,
            seed=seed,
            variant=variant,
            assigned_at=utc_now(),
        )
    )
