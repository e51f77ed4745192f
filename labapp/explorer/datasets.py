"""Which dataset a signed-in user's tools read, and the cached EventStore over it.

Every student reads their own dataset: ``STUDENT_DATASETS_DIR/<student_id or username>/`` when that folder
holds a ``manifest.json``, else the class dataset ``DATASET_DIR``. The choice comes only from the signed-in
user, never from the request, so a student cannot open another student's data. Instructors read the class
dataset, or a student's with ``?student=<username>``. The DuckDB cache lives in ``EXPLORER_CACHE_DIR``
(default ``<instance>/explorer-cache``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import abort, current_app, g, request

from labapp.explorer.store import EventStore


@dataclass(frozen=True)
class DatasetChoice:
    path: Path | None
    owner: str  # whose data: a username, or "class"
    viewing_other: bool  # an instructor looking at a student's data


def _student_dir(user: Any) -> Path | None:
    root = current_app.config.get("STUDENT_DATASETS_DIR")
    if not root:
        return None
    for key in (user["student_id"], user["username"]):
        if key and "/" not in str(key) and not str(key).startswith("."):
            candidate = Path(root) / str(key)
            if (candidate / "manifest.json").is_file():
                return candidate
    return None


def dataset_for_request() -> DatasetChoice:
    """The dataset the current request may read (404 for an instructor asking for an unknown student)."""
    user = g.user
    class_dir = current_app.config.get("DATASET_DIR")
    class_path = Path(class_dir) if class_dir else None
    if user["role"] == "instructor":
        wanted = request.args.get("student", "").strip()
        if wanted:
            from labapp.db import get_db
            from labapp.schema import users

            row = get_db().execute(users.select().where(users.c.username == wanted)).mappings().first()
            if row is None or row["role"] != "student":
                abort(404, f"No student named {wanted!r}.")
            return DatasetChoice(_student_dir(row) or class_path, wanted, True)
        return DatasetChoice(class_path, "class", False)
    return DatasetChoice(_student_dir(user) or class_path, user["username"], False)


def cache_dir() -> Path:
    configured = current_app.config.get("EXPLORER_CACHE_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "explorer-cache"


def open_store(choice: DatasetChoice) -> EventStore | None:
    """The EventStore of the chosen dataset, or None when no dataset is configured."""
    if choice.path is None:
        return None
    return EventStore.open(choice.path, cache_dir())
