"""The app on PostgreSQL (DATABASE_URL): migrations from empty, accounts, roster import that changes
nothing on error, attempts and exports. Starts and stops its own server."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from labapp import migrations
from labapp.db import database_url, make_engine
from labapp.schema import metadata

from .conftest import PASSWORD, AuthActions, make_app, seed_users
from .postgres_server import PostgresServer


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    try:
        server = PostgresServer().start()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(postgres: PostgresServer, request: pytest.FixtureRequest) -> str:
    name = "t_" + request.node.name.lower().replace("[", "_").replace("]", "")[:40]
    admin = sa.create_engine(postgres.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return postgres.url(name)


def test_database_url_selects_psycopg() -> None:
    assert database_url({"DATABASE_URL": "postgres://u@h/db"}) == "postgresql+psycopg://u@h/db"
    assert database_url({"DATABASE_URL": "postgresql://u@h/db"}) == "postgresql+psycopg://u@h/db"
    assert database_url({"DATABASE_URL": None, "DATABASE": "/x.db"}) == "sqlite:////x.db"


def test_migrations_from_empty_on_postgres(pg_url: str) -> None:
    engine = make_engine(database_url({"DATABASE_URL": pg_url}))
    assert engine.dialect.name == "postgresql"
    assert migrations.upgrade(engine) == [1] and migrations.upgrade(engine) == []
    inspector = sa.inspect(engine)
    tables = set(inspector.get_table_names())
    assert tables == {*metadata.tables, "schema_migrations"}
    for name, table in metadata.tables.items():
        assert {c["name"] for c in inspector.get_columns(name)} == {c.name for c in table.columns}
    engine.dispose()


def test_app_on_postgres(pg_url: str, tmp_path: Path) -> None:
    app = make_app(tmp_path, DATABASE_URL=pg_url)
    seed_users(app)
    client = app.test_client()
    auth = AuthActions(client)
    assert auth.login("prof", "wrong-password").status_code == 401
    assert auth.login("prof", PASSWORD).headers["Location"] == "/instructor/"
    bad = auth.post(
        "/instructor/roster",
        {"roster": (io.BytesIO(b"username,student_id\ncarol,s3\ncarol,s4\n"), "r.csv")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400
    good = auth.post(
        "/instructor/roster",
        {"roster": (io.BytesIO(b"username,student_id,password\ncarol,s3,carol-pass-1\n"), "r.csv")},
        content_type="multipart/form-data",
    )
    assert "1 student(s) created" in good.get_data(as_text=True)
    auth.logout()
    auth.login("carol", "carol-pass-1")
    auth.post("/labs/knowledge-check/answers", {"q-config": "AWS Config"})
    assert auth.client.get("/labs/monitoring-and-alerting/checks.json").status_code == 200
    auth.logout()
    auth.login("prof")
    csv_text = client.get("/instructor/grades.csv").get_data(as_text=True)
    assert "carol,s3,,,,,,,1,1,12" in csv_text
    with app.app_context():
        from labapp.db import get_engine

        assert get_engine().dialect.name == "postgresql"
        get_engine().dispose()
