"""Migration 0001: the first schema (users, assignments, step progress, answers, attempts, roster imports).

Frozen: later schema changes get a new numbered migration; this file never changes once released.
"""

from __future__ import annotations

import sqlalchemy as sa

NAME = "initial schema"


def upgrade(conn: sa.Connection) -> None:
    """Create the version-1 tables."""
    metadata = sa.MetaData()
    sa.Table(
        "users",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),  # "student" | "instructor"
        sa.Column("display_name", sa.String(128), nullable=False, server_default=""),
        sa.Column("email", sa.String(255), nullable=False, server_default=""),
        sa.Column(
            "student_id", sa.String(64), nullable=True, unique=True
        ),  # the roster's id (Gradescope SID)
        sa.Column("created_at", sa.String(32), nullable=False),
    )

    sa.Table(
        "assignments",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("lab_id", sa.String(64), nullable=False),
        sa.Column("scenario_id", sa.String(64), nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("variant", sa.String(64), nullable=False),  # the `student` key of the scenario variant
        sa.Column("assigned_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("user_id", "lab_id", name="uq_assignments_user_lab"),
    )

    sa.Table(
        "step_progress",
        metadata,
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("lab_id", sa.String(64), primary_key=True),
        sa.Column("step_id", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),  # "pass" | "fail" | "unavailable"
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
        sa.Column("checked_at", sa.String(32), nullable=False),
        sa.Column("first_passed_at", sa.String(32), nullable=True),
    )

    sa.Table(
        "answers",
        metadata,
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("lab_id", sa.String(64), primary_key=True),
        sa.Column("question_id", sa.String(64), primary_key=True),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("answered_at", sa.String(32), nullable=False),
    )

    attempts = sa.Table(
        "attempts",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("lab_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),  # "submit" | "regrade" | "quiz"
        sa.Column("status", sa.String(16), nullable=False),  # "graded" | "error"
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("max_score", sa.Float, nullable=True),
        sa.Column("results_json", sa.Text, nullable=False, server_default="{}"),  # Gradescope results.json
        sa.Column("submission_json", sa.Text, nullable=True),  # what was graded (an upload), if any
        sa.Column("message", sa.Text, nullable=False, server_default=""),
    )
    sa.Index("ix_attempts_user_lab", attempts.c.user_id, attempts.c.lab_id)

    sa.Table(
        "roster_imports",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("imported_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created", sa.Integer, nullable=False),
        sa.Column("updated", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.String(32), nullable=False),
    )
    metadata.create_all(conn)
