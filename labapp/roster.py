"""Roster CSV import, all or nothing: every row is checked first; any error means nothing changes.

Format (UTF-8, comma-separated, header row required; column names case-insensitive):
``username`` (required), ``student_id`` (required; the id your gradebook uses, e.g. Gradescope's
SID), ``name``, ``email``, ``password`` (optional; at least 8 characters — when empty, a new student
gets a generated password shown once to the instructor). A username that already exists as a student
is updated (name, email, student id; password only when given); an instructor's name is refused.
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from labapp.accounts import MIN_PASSWORD, USERNAME_RE
from labapp.db import utc_now
from labapp.schema import users

REQUIRED = ("username", "student_id")
KNOWN = ("username", "student_id", "name", "email", "password")
MAX_ROWS = 5000


@dataclass(frozen=True)
class RosterRow:
    line: int
    username: str
    student_id: str
    name: str
    email: str
    password: str


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    generated: dict[str, str]  # username -> generated password (new students without one)


class RosterError(ValueError):
    """The roster cannot be imported; ``errors`` lists every problem as 'line N: ...'."""

    def __init__(self, filename: str, errors: list[str]) -> None:
        self.filename = filename
        self.errors = errors
        super().__init__(f"{filename}: {len(errors)} problem(s); nothing was imported")


def parse_roster(data: bytes, filename: str) -> list[RosterRow]:
    """Rows of a roster file; raises RosterError listing every problem found in the file itself."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterError(filename, [f"the file is not UTF-8 text (byte {exc.start})"]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise RosterError(
            filename, ["the file is empty; expected a header row such as username,student_id,name,email"]
        )
    header = [(f or "").strip().lower() for f in reader.fieldnames]
    errors = [f"line 1: missing column '{c}'" for c in REQUIRED if c not in header]
    errors += [f"line 1: unknown column '{c}' (known: {', '.join(KNOWN)})" for c in header if c not in KNOWN]
    if len(set(header)) != len(header):
        errors.append("line 1: a column name appears twice")
    if errors:
        raise RosterError(filename, errors)
    rows: list[RosterRow] = []
    seen_names: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    for raw in reader:
        line = reader.line_num
        if None in raw:
            errors.append(f"line {line}: more values than columns")
            continue
        values = {k.strip().lower(): (v or "").strip() for k, v in raw.items()}
        if not any(values.values()):
            continue  # blank line
        row = RosterRow(
            line,
            values["username"],
            values["student_id"],
            values.get("name", ""),
            values.get("email", ""),
            values.get("password", ""),
        )
        if not USERNAME_RE.match(row.username):
            errors.append(f"line {line}: username {row.username!r} is not valid (letters, digits, . _ @ -)")
        if not row.student_id:
            errors.append(f"line {line}: student_id is empty")
        if row.password and len(row.password) < MIN_PASSWORD:
            errors.append(
                f"line {line}: password for {row.username!r} is shorter than {MIN_PASSWORD} characters"
            )
        if row.email and "@" not in row.email:
            errors.append(f"line {line}: email {row.email!r} has no '@'")
        if row.username in seen_names:
            errors.append(
                f"line {line}: username {row.username!r} already on line {seen_names[row.username]}"
            )
        if row.student_id and row.student_id in seen_ids:
            errors.append(
                f"line {line}: student_id {row.student_id!r} already on line {seen_ids[row.student_id]}"
            )
        seen_names.setdefault(row.username, line)
        seen_ids.setdefault(row.student_id, line)
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise RosterError(filename, [f"more than {MAX_ROWS} students in one file"])
    if not rows and not errors:
        errors.append("the file has a header but no students")
    if errors:
        raise RosterError(filename, errors)
    return rows


def import_roster(conn: sa.Connection, rows: list[RosterRow], filename: str) -> ImportResult:
    """Check the rows against the database, then write them (caller commits; on RosterError nothing
    was written)."""
    existing = {r["username"]: dict(r) for r in conn.execute(sa.select(users)).mappings()}
    by_sid = {u["student_id"]: u["username"] for u in existing.values() if u["student_id"]}
    errors = []
    for row in rows:
        user = existing.get(row.username)
        if user is not None and user["role"] != "student":
            errors.append(f"line {row.line}: {row.username!r} is an instructor account")
        owner = by_sid.get(row.student_id)
        if owner is not None and owner != row.username:
            errors.append(f"line {row.line}: student_id {row.student_id!r} already belongs to {owner!r}")
    if errors:
        raise RosterError(filename, errors)
    created = updated = 0
    generated: dict[str, str] = {}
    now = utc_now()
    for row in rows:
        values: dict[str, Any] = {"display_name": row.name, "email": row.email, "student_id": row.student_id}
        if row.password:
            values["password_hash"] = generate_password_hash(row.password)
        if row.username in existing:
            conn.execute(users.update().where(users.c.username == row.username).values(**values))
            updated += 1
        else:
            if not row.password:
                generated[row.username] = secrets.token_urlsafe(9)
                values["password_hash"] = generate_password_hash(generated[row.username])
            conn.execute(
                users.insert().values(username=row.username, role="student", created_at=now, **values)
            )
            created += 1
    return ImportResult(created, updated, generated)
