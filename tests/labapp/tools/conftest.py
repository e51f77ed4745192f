"""Fixtures for the tool pages: small generated datasets, an app with a student, another student and an
instructor, and signed-in test clients."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from labapp import create_app
from labapp.accounts import create_user
from labapp.db import get_db
from simulator.cli import generate

PASSWORD = "correct-horse-battery"


def _generate(out: Path, *args: str) -> Path:
    result = CliRunner().invoke(
        generate,
        ["--out", str(out), "--duration", "3h", "--scale", "30", "--sources", "cloudtrail,flow", *args],
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory.mktemp("class-dataset"))


@pytest.fixture(scope="session")
def student_datasets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """STUDENT_DATASETS_DIR with one dataset for alice and a different one (other world) for bob."""
    root = tmp_path_factory.mktemp("student-datasets")
    _generate(root / "alice", "--student", "alice", "--seed", "3")
    _generate(root / "bob", "--student", "bob", "--seed", "4")
    return root


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("explorer-cache")


def read_events(dataset: Path) -> list[dict[str, Any]]:
    """Every CloudWatch Logs event of the dataset, read with plain Python: group, stream, timestamp, message."""
    out = []
    for path in sorted((dataset / "cloudwatch").glob("*/*/*.jsonl.gz")):
        group, stream = unquote(path.parent.parent.name), unquote(path.parent.name)
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                e = json.loads(line)
                out.append(
                    {"group": group, "stream": stream, "timestamp": e["timestamp"], "message": e["message"]}
                )
    return out


@pytest.fixture(scope="session")
def events(dataset: Path) -> list[dict[str, Any]]:
    return read_events(dataset)


def make_app(tmp_path: Path, **config: Any) -> Any:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": str(tmp_path / "lab.sqlite"),
            "BACKEND": "none",
            **config,
        },
        instance_path=str(tmp_path / "instance"),
    )
    with app.app_context():
        conn = get_db()
        create_user(conn, "alice", PASSWORD, "student", student_id="alice")
        create_user(conn, "bob", PASSWORD, "student", student_id="bob")
        create_user(conn, "teacher", PASSWORD, "instructor")
        conn.commit()
    return app


@pytest.fixture
def app(tmp_path: Path, dataset: Path, cache_dir: Path) -> Any:
    return make_app(tmp_path, DATASET_DIR=str(dataset), EXPLORER_CACHE_DIR=str(cache_dir), CSRF_ENABLED=False)


def sign_in(client: Any, username: str) -> Any:
    response = client.post("/auth/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.data[:500]
    return client


@pytest.fixture
def student(app: Any) -> Iterator[Any]:
    with app.test_client() as client:
        yield sign_in(client, "alice")


@pytest.fixture
def instructor(app: Any) -> Iterator[Any]:
    with app.test_client() as client:
        yield sign_in(client, "teacher")
