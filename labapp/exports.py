"""Grade exports: one CSV for the class, and Gradescope results.json documents per lab.

CSV: one row per student (``username, student_id, name, email``, then one column per lab named
``<lab title> (<lab id>)`` holding the newest graded attempt's score, then ``total`` and
``max_total``), in the spirit of a gradebook import (shared/reference/grading-output-formats.md).
JSON: ``{"schema": "trailwatch-grades/1", "lab": id, "submissions": [{"student_id", "username",
"email", "attempt_id", "graded_at", "results": <Gradescope results.json>}]}``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from labapp.labs.content import Lab


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def grades_csv(
    students: Sequence[Mapping[str, Any]],
    labs: Sequence[Lab],
    latest: Mapping[tuple[int, str], Mapping[str, Any]],
) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "username",
            "student_id",
            "name",
            "email",
            *[f"{lab.title} ({lab.id})" for lab in labs],
            "total",
            "max_total",
        ]
    )
    for s in students:
        scores, total, max_total = [], 0.0, 0.0
        for lab in labs:
            attempt = latest.get((s["id"], lab.id))
            scores.append(_fmt(attempt["score"]) if attempt else "")
            if attempt:
                total += float(attempt["score"] or 0)
                max_total += float(attempt["max_score"] or 0)
        writer.writerow(
            [
                s["username"],
                s["student_id"] or "",
                s["display_name"],
                s["email"],
                *scores,
                _fmt(total),
                _fmt(max_total),
            ]
        )
    return out.getvalue()


def gradescope_json(
    lab: Lab, students: Sequence[Mapping[str, Any]], latest: Mapping[tuple[int, str], Mapping[str, Any]]
) -> dict[str, Any]:
    submissions = []
    for s in students:
        attempt = latest.get((s["id"], lab.id))
        if attempt is None:
            continue
        submissions.append(
            {
                "student_id": s["student_id"] or s["username"],
                "username": s["username"],
                "email": s["email"],
                "attempt_id": attempt["id"],
                "graded_at": attempt["created_at"],
                "results": attempt["result"],
            }
        )
    return {"schema": "trailwatch-grades/1", "lab": lab.id, "title": lab.title, "submissions": submissions}
