"""Numbered schema migrations, applied in order inside one transaction each.

Each module ``mNNNN_<name>.py`` here has ``NAME`` and ``upgrade(conn)``; the table
``schema_migrations(version, name, applied_at)`` records which ran. ``upgrade(engine)`` brings any
database (empty, or at an older version) to the newest schema; the same code runs on SQLite and
PostgreSQL because every migration is written with SQLAlchemy Core.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import re
from dataclasses import dataclass
from types import ModuleType

import sqlalchemy as sa

_MODULE = re.compile(r"^m(\d{4})_\w+$")
_meta = sa.MetaData()
schema_migrations = sa.Table(
    "schema_migrations",
    _meta,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("applied_at", sa.String(32), nullable=False),
)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    module: ModuleType


def available() -> list[Migration]:
    """Every migration shipped in this package, by version (versions must be 1, 2, 3, ... without gaps)."""
    found: list[Migration] = []
    for info in pkgutil.iter_modules(__path__):
        match = _MODULE.match(info.name)
        if match:
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append(Migration(int(match.group(1)), module.NAME, module))
    found.sort(key=lambda m: m.version)
    expected = list(range(1, len(found) + 1))
    if [m.version for m in found] != expected:
        raise RuntimeError(f"migration versions must be {expected}, found {[m.version for m in found]}")
    return found


def current_version(engine: sa.Engine) -> int:
    """The newest applied migration (0 for an empty database)."""
    if not sa.inspect(engine).has_table("schema_migrations"):
        return 0
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.max(schema_migrations.c.version))).scalar() or 0)


def upgrade(engine: sa.Engine) -> list[int]:
    """Apply every pending migration; returns the versions applied (empty when already current)."""
    _meta.create_all(engine, tables=[schema_migrations])
    done = current_version(engine)
    applied: list[int] = []
    for migration in available():
        if migration.version <= done:
            continue
        with engine.begin() as conn:
            migration.module.upgrade(conn)
            conn.execute(
                schema_migrations.insert().values(
                    version=migration.version,
                    name=migration.name,
                    applied_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                )
            )
        applied.append(migration.version)
    return applied
