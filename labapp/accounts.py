"""User accounts: create, look up, authenticate. Passwords are stored only as werkzeug hashes."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from labapp.db import utc_now
from labapp.schema import users

ROLES = ("student", "instructor")
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 8


class AccountError(ValueError):
    """A user cannot be created or changed as asked; the message is shown to the person."""


def check_username(username: str) -> None:
    if not USERNAME_RE.match(username):
        raise AccountError(
            f"username {username!r} is not valid: use 1-64 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        )


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password must have at least {MIN_PASSWORD} characters")


def create_user(
    conn: sa.Connection,
    username: str,
    password: str,
    role: str,
    *,
    display_name: str = "",
    email: str = "",
    student_id: str | None = None,
) -> int:
    """Insert a user (not committed); raises AccountError for a bad or taken name or a short password."""
    check_username(username)
    check_password(password)
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if get_user_by_username(conn, username) is not None:
        raise AccountError(f"username {username!r} is already taken")
    result = conn.execute(
        users.insert().values(
            username=username,
            password_hash=generate_password_hash(password),
            role=role,
            display_name=display_name,
            email=email,
            student_id=student_id,
            created_at=utc_now(),
        )
    )
    return int(result.inserted_primary_key[0])


def get_user(conn: sa.Connection, user_id: int) -> dict[str, Any] | None:
    row = conn.execute(sa.select(users).where(users.c.id == user_id)).mappings().first()
    return dict(row) if row else None


def get_user_by_username(conn: sa.Connection, username: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(users).where(users.c.username == username)).mappings().first()
    return dict(row) if row else None


def authenticate(conn: sa.Connection, username: str, password: str) -> dict[str, Any] | None:
    """The user when the password is right, else None (same answer for an unknown name)."""
    user = get_user_by_username(conn, username)
    if user is None or not check_password_hash(user["password_hash"], password):
        return None
    return user


def set_password(conn: sa.Connection, user_id: int, password: str) -> None:
    check_password(password)
    conn.execute(
        users.update().where(users.c.id == user_id).values(password_hash=generate_password_hash(password))
    )


def list_students(conn: sa.Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        sa.select(users).where(users.c.role == "student").order_by(users.c.username)
    ).mappings()
    return [dict(r) for r in rows]
