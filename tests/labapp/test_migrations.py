from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from labapp import migrations
from labapp.db import make_engine
from labapp.schema import metadata

from .conftest import make_app


def _columns(engine: sa.Engine) -> dict[str, set[str]]:
    inspector = sa.inspect(engine)
    return {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}


def test_upgrade_from_empty_matches_schema(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    assert migrations.current_version(engine) == 0
    applied = migrations.upgrade(engine)
    assert applied == [m.version for m in migrations.available()] and applied[0] == 1
    assert migrations.current_version(engine) == applied[-1]
    expected = {name: {c.name for c in table.columns} for name, table in metadata.tables.items()}
    expected["schema_migrations"] = {"version", "name", "applied_at"}
    assert _columns(engine) == expected


def test_upgrade_is_idempotent(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrations.upgrade(engine)
    assert migrations.upgrade(engine) == []
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT version, name FROM schema_migrations")).all()
    assert rows == [(1, "initial schema")]


def test_versions_are_contiguous() -> None:
    versions = [m.version for m in migrations.available()]
    assert versions == list(range(1, len(versions) + 1))


def test_foreign_keys_enforced_on_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrations.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1


def test_init_db_command(tmp_path: Path) -> None:
    app = make_app(tmp_path, AUTO_MIGRATE=False)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init-db"])
    assert first.exit_code == 0 and "applied migrations [1]" in first.output
    second = runner.invoke(args=["init-db"])
    assert "already at version 1" in second.output
