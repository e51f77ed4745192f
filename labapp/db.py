"""The database: one SQLAlchemy engine per app, one connection per request, and the CLI commands.

SQLite in the instance folder by default (``DATABASE``); ``DATABASE_URL`` (e.g.
``postgresql+psycopg://user:pw@host/db``) wins when set. Migrations run at start-up
(``AUTO_MIGRATE``) and with ``flask --app labapp init-db``.
"""

from __future__ import annotations

import datetime as dt
import getpass
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app, g
from flask.cli import with_appcontext

from labapp import migrations

_EXTENSION = "labapp.engine"


def utc_now() -> str:
    """The current time as ISO 8601 UTC with seconds (how every timestamp is stored)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def database_url(config: dict[str, Any]) -> str:
    """``DATABASE_URL`` when set, else a SQLite URL for the ``DATABASE`` path."""
    url = config.get("DATABASE_URL")
    if url:
        # plain postgresql:// (the usual form of the variable) means psycopg 3, the driver we ship
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://") :]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return str(url)
    return f"sqlite:///{config['DATABASE']}"


def make_engine(url: str) -> sa.Engine:
    """An engine; SQLite gets foreign keys switched on for every connection."""
    engine = sa.create_engine(url, future=True)
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _fk_on(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


def get_engine(app: Flask | None = None) -> sa.Engine:
    """The app's engine (created by ``init_app``)."""
    engine: sa.Engine = (app or current_app).extensions[_EXTENSION]
    return engine


def get_db() -> sa.Connection:
    """The request's connection; writers call ``commit()`` on it."""
    if "db" not in g:
        g.db = get_engine().connect()
    conn: sa.Connection = g.db
    return conn


def close_db(_exc: BaseException | None = None) -> None:
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()  # rolls back anything not committed


def init_app(app: Flask) -> None:
    """Create the engine, run pending migrations (unless AUTO_MIGRATE is off), register CLI commands."""
    engine = make_engine(database_url(app.config))
    app.extensions[_EXTENSION] = engine
    if app.config.get("AUTO_MIGRATE", True):
        migrations.upgrade(engine)
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
    app.cli.add_command(create_instructor_command)
    app.cli.add_command(create_student_command)


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Apply pending schema migrations."""
    applied = migrations.upgrade(get_engine())
    version = migrations.current_version(get_engine())
    click.echo(
        f"applied migrations {applied}; schema at version {version}"
        if applied
        else f"schema already at version {version}"
    )


@click.command("create-instructor")
@click.argument("username")
@click.option("--password", help="Password (prompted for when omitted).")
@click.option("--name", "display_name", default="", help="Display name.")
@with_appcontext
def create_instructor_command(username: str, password: str | None, display_name: str) -> None:
    """Create an instructor account (the first one, or another)."""
    from labapp.accounts import AccountError, create_user

    if password is None:
        password = getpass.getpass("Password: ")
    try:
        user_id = create_user(get_db(), username, password, "instructor", display_name=display_name)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    get_db().commit()
    click.echo(f"instructor {username!r} created (id {user_id})")


@click.command("create-student")
@click.argument("username")
@click.option("--password", help="Password (prompted for when omitted).")
@click.option(
    "--student-id", default=None, help="The student's id in your gradebook (default: the username)."
)
@click.option("--name", "display_name", default="", help="Display name.")
@with_appcontext
def create_student_command(
    username: str, password: str | None, student_id: str | None, display_name: str
) -> None:
    """Create one student account (a whole class: the roster upload)."""
    from labapp.accounts import AccountError, create_user

    if password is None:
        password = getpass.getpass("Password: ")
    try:
        user_id = create_user(
            get_db(),
            username,
            password,
            "student",
            display_name=display_name,
            student_id=student_id or username,
        )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    get_db().commit()
    click.echo(f"student {username!r} created (id {user_id})")
