"""Fixtures for the lab app: an app on a temporary SQLite file with one instructor and two students,
a client, a CSRF-aware sign-in helper (flaskr's AuthActions), and an embedded emulator."""

from __future__ import annotations

import importlib.util
import re
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from labapp import create_app
from labapp.accounts import create_user
from labapp.db import get_db

PASSWORD = "correct-horse"
_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def make_app(tmp_path: Path, **config: Any) -> Flask:
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE": str(tmp_path / "labapp.sqlite"),
        "BACKEND": "none",
        "CHECK_POLL_SECONDS": 0,
    }
    settings.update(config)
    return create_app(settings, instance_path=str(tmp_path / "instance"))


def seed_users(app: Flask) -> dict[str, int]:
    with app.app_context():
        conn = get_db()
        ids = {
            "prof": create_user(conn, "prof", PASSWORD, "instructor", display_name="Prof. Ada"),
            "alice": create_user(
                conn,
                "alice",
                PASSWORD,
                "student",
                display_name="Alice",
                student_id="s001",
                email="alice@example.edu",
            ),
            "bob": create_user(
                conn,
                "bob",
                PASSWORD,
                "student",
                display_name="Bob",
                student_id="s002",
                email="bob@example.edu",
            ),
        }
        conn.commit()
    return ids


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A migrated database with the three users, made once (password hashing is slow on purpose)."""
    folder = tmp_path_factory.mktemp("seed")
    ids = seed_users(make_app(folder))
    return folder / "labapp.sqlite", ids


@pytest.fixture
def app(tmp_path: Path, seeded_database: tuple[Path, dict[str, int]]) -> Flask:
    template, ids = seeded_database
    shutil.copyfile(template, tmp_path / "labapp.sqlite")
    app = make_app(tmp_path)
    app.config["USER_IDS"] = dict(ids)
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class AuthActions:
    """Sign in and out through the real forms, CSRF token included."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def token(self) -> str:
        page = self.client.get("/auth/login").get_data(as_text=True)
        match = _TOKEN.search(page)
        assert match, "no csrf meta tag on the page"
        return match.group(1)

    def login(self, username: str = "alice", password: str = PASSWORD) -> Any:
        return self.client.post(
            "/auth/login", data={"username": username, "password": password, "csrf_token": self.token()}
        )

    def logout(self) -> Any:
        return self.client.post("/auth/logout", data={"csrf_token": self.token()})

    def post(self, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        """POST with this session's CSRF token added."""
        payload = dict(data or {})
        payload["csrf_token"] = self.token()
        return self.client.post(url, data=payload, **kw)


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture(scope="session")
def emulator_session() -> Iterator[Any]:
    from simulator.emulator import EmbeddedEmulator

    with EmbeddedEmulator(port=0, delivery_delay=0.05) as emu:
        yield emu


@pytest.fixture
def emulator(emulator_session: Any) -> Any:
    """The session's emulator with moto's state wiped (moto keeps state per process) and the learner re-seeded."""
    from simulator.emulator.learner import ensure_learner

    request = urllib.request.Request(f"{emulator_session.endpoint_url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    emulator_session.learner = ensure_learner(emulator_session.account_id, emulator_session.learner_user)
    if importlib.util.find_spec("simulator.live") is not None:
        # the live monitor's alarm history outlives moto's reset in this process: start from an empty one
        from simulator.live.alarm_history import AlarmHistoryStore, install_describe_alarm_history

        install_describe_alarm_history(AlarmHistoryStore())
    return emulator_session


def aws(emulator: Any, service: str) -> Any:
    """A boto3 client as the learner's CLI would make it (credentials test/test)."""
    import boto3

    return boto3.client(
        service,
        endpoint_url=emulator.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
