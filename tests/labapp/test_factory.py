from __future__ import annotations

import os
from pathlib import Path

import pytest

from labapp import TOOL_BLUEPRINTS, create_app
from labapp.nav import NavEntry

from .conftest import make_app


def test_testing_config_is_used(tmp_path: Path) -> None:
    app = make_app(tmp_path, EMULATOR_ENDPOINT="http://127.0.0.1:9")
    assert app.testing
    assert app.config["EMULATOR_ENDPOINT"] == "http://127.0.0.1:9"
    assert app.config["DATABASE"] == str(tmp_path / "labapp.sqlite")


def test_defaults_documented_in_docstring() -> None:
    import labapp
    from labapp import DEFAULTS

    for key in [*DEFAULTS, "SECRET_KEY", "DATABASE"]:
        if key.startswith("SESSION_COOKIE"):
            continue
        assert key in labapp.__doc__, f"config key {key} is not documented"


def test_secret_key_created_once_in_instance_folder(tmp_path: Path) -> None:
    instance = tmp_path / "inst"
    first = create_app({"TESTING": True, "DATABASE": str(tmp_path / "a.db")}, instance_path=str(instance))
    second = create_app({"TESTING": True, "DATABASE": str(tmp_path / "a.db")}, instance_path=str(instance))
    key_file = instance / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()


def test_instance_config_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    instance = tmp_path / "inst"
    instance.mkdir()
    (instance / "config.py").write_text(
        f"SECRET_KEY = 'from-file'\nDATABASE = {str(tmp_path / 'f.db')!r}\nCHECK_POLL_SECONDS = 30\n"
    )
    monkeypatch.setenv("TRAILWATCH_CHECK_POLL_SECONDS", "5")
    monkeypatch.setenv("TRAILWATCH_BACKEND", "none")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app(instance_path=str(instance))
    assert app.config["SECRET_KEY"] == "from-file"
    assert app.config["CHECK_POLL_SECONDS"] == 5  # environment wins over the file, parsed as JSON
    assert app.config["BACKEND"] == "none"
    assert os.path.exists(tmp_path / "f.db")


def test_handles_from_up_are_kept(tmp_path: Path) -> None:
    inbox, monitor, replay = object(), object(), object()
    app = make_app(tmp_path, INBOX=inbox, LIVE_MONITOR=monitor, REPLAY_CONTROLLER=replay)
    assert app.config["INBOX"] is inbox and app.config["LIVE_MONITOR"] is monitor
    assert app.config["REPLAY_CONTROLLER"] is replay


def test_core_blueprints_and_nav(app) -> None:
    assert {"auth", "labs", "inbox", "submit", "instructor"} <= set(app.blueprints)
    labels = [e.label for e in app.extensions["labapp.nav"]]
    assert labels[:2] == ["Labs", "Class"]


def test_tool_blueprints_are_optional(tmp_path: Path) -> None:
    assert TOOL_BLUEPRINTS == ("labapp.explorer", "labapp.patterns", "labapp.alarms")
    app = make_app(tmp_path, EXTRA_BLUEPRINTS=("tests.labapp.extra_area",))
    assert "extra" in app.blueprints
    assert any(isinstance(e, NavEntry) and e.endpoint == "extra.index" for e in app.extensions["labapp.nav"])


def test_extra_area_appears_in_nav(tmp_path: Path) -> None:
    from .conftest import AuthActions, seed_users

    app = make_app(tmp_path, EXTRA_BLUEPRINTS=("tests.labapp.extra_area",))
    seed_users(app)
    client = app.test_client()
    AuthActions(client).login("alice")
    page = client.get("/extra/").get_data(as_text=True)
    assert 'href="/extra/"' in page and "Extra tool" in page


def test_first_accounts_are_created_once_and_can_sign_in(tmp_path: Path) -> None:
    from labapp import ensure_first_accounts
    from labapp.accounts import authenticate
    from labapp.db import get_db

    app = make_app(tmp_path)
    path = ensure_first_accounts(app)
    assert path is not None and path.parent == Path(app.instance_path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    creds = dict(line.split(": ", 1) for line in path.read_text().splitlines())
    with app.app_context():
        for role in ("instructor", "student"):
            username, password = creds[role].replace("username ", "").split("  password ")
            user = authenticate(get_db(), username, password)
            assert user is not None and user["role"] == role
    before = path.read_text()
    assert ensure_first_accounts(app) == path  # a restart keeps the same accounts
    assert path.read_text() == before
    path.unlink()
    assert ensure_first_accounts(app) is None  # accounts exist: nothing new is created


def test_no_first_accounts_when_users_exist(app) -> None:
    from labapp import ensure_first_accounts

    assert ensure_first_accounts(app) is None
