"""The Flask lab web app: guided labs with live checks, the inbox, submissions and the instructor view.

    from labapp import create_app
    app = create_app({"EMULATOR_ENDPOINT": emu.endpoint_url, "INBOX": inbox, "LIVE_MONITOR": monitor})

``create_app(test_config=None, instance_path=None)`` is the application factory (flaskr's layout:
one blueprint per area, templates/<area>/*.html, static/). Configuration is read, later wins, from:
built-in defaults → ``<instance>/config.py`` (optional) → environment variables
(``DATABASE_URL``, ``SECRET_KEY`` and any ``TRAILWATCH_<KEY>``, parsed as JSON when it parses) →
the ``test_config`` mapping. With ``TESTING`` true in ``test_config`` the instance file and the
environment are skipped, so tests never see a developer's settings.

Configuration keys
------------------
SECRET_KEY             signs the session cookie. When nothing sets it, a random key is created once
                       in ``<instance>/secret_key`` (mode 0600) and reused.
DATABASE               SQLite file used when DATABASE_URL is empty (default ``<instance>/labapp.sqlite``).
DATABASE_URL           SQLAlchemy URL of a shared database, e.g. ``postgresql://user:pw@host/db``
                       (``postgresql://`` and ``postgres://`` mean the psycopg 3 driver).
AUTO_MIGRATE           run pending schema migrations at start-up (default True; else
                       ``flask --app labapp init-db``).
BACKEND                where the live checks look: ``"embedded"`` (Trailwatch's emulator, the default),
                       ``"aws"`` (a real account through the normal boto3 credential chain) or
                       ``"none"`` (checks report "no backend configured").
EMULATOR_ENDPOINT      endpoint URL the checks' boto3 clients use for BACKEND "embedded"
                       (default ``http://127.0.0.1:4566``).
AWS_REGION             region of the checks' clients (default ``us-east-1``).
AWS_ACCESS_KEY_ID /    credentials for the emulator (default ``test``/``test``, which the emulator maps
AWS_SECRET_ACCESS_KEY  to the learner's IAM user); ignored for BACKEND "aws".
CHECK_TIMEOUT_SECONDS  connect/read timeout of one check's AWS calls (default 3).
CHECK_POLL_SECONDS     how often an open lab page re-runs its checks (default 10; 0 = only on demand).
DATASET_DIR            the class dataset written by ``trailwatch generate`` (manifest.json inside); lab 1
                       and the tools read it. None: lab 1 says which command makes one.
STUDENT_DATASETS_DIR   optional folder of per-student datasets, ``<dir>/<student_id or username>/``; a
                       student's own dataset is used instead of DATASET_DIR when it exists.
EXPLORER_CACHE_DIR     (log explorer) where its DuckDB files are cached (default ``<instance>/explorer-cache``).
ALARM_RESOURCES        (alarm charts, tests only) a callable returning the learner's alarms and filters.
SCENARIO_SEED          dataset seed used for scenario variants when an instructor assigns (default 1).
GRADING_CACHE_DIR      where the grader caches the regenerated datasets it grades against (default None:
                       the grader's own, ``$TRAILWATCH_CACHE`` or ``~/.cache/trailwatch``).
LIVE_MONITOR           handle of the live alarm monitor (simulator.live), passed in by ``trailwatch up``;
                       optional. Used for alarm states when present.
INBOX                  handle of the email-subscription inbox (simulator.live); the inbox page and the
                       lab-2 "notification arrived" check read it. See labapp/inbox.py for the interface.
REPLAY_CONTROLLER      handle of the ReplayController (simulator.live); optional; instructors watch and
                       steer it on /instructor/replay.
MAX_UPLOAD_BYTES       largest roster or submission upload accepted (default 1 MiB).
CSRF_ENABLED           CSRF protection on every POST/PUT/PATCH/DELETE (default True; see labapp/csrf.py).
EXTRA_BLUEPRINTS       more "module" names whose ``bp`` (and optional ``NAV``) to register.

Areas (blueprints)
------------------
auth (/auth), labs (/labs), inbox (/inbox), submit (/submit), instructor (/instructor), replay
(/instructor/replay); the tool
areas ``labapp.explorer``, ``labapp.patterns`` and ``labapp.alarms`` are registered automatically when
their modules exist (TOOL_BLUEPRINTS). A blueprint module adds its navigation entry by defining
``NAV = labapp.nav.NavEntry(label, endpoint, roles, order)``; templates extend base.html and fill
``title``, ``content`` and optionally ``head``, ``page_actions`` and ``scripts``.

First instructor: ``flask --app labapp create-instructor NAME`` (prompts for the password), or
``labapp.create_instructor(app, name, password)`` from Python (``trailwatch up`` can call it). One student
(self-study): ``flask --app labapp create-student NAME [--student-id ID]``; a class: the roster upload.
Run from the repository root, ``flask --app labapp`` uses ``./instance``, the same folder as ``trailwatch up``.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, g, redirect, render_template, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from labapp import csrf, db
from labapp.nav import add_nav_entry, nav_entries

__all__ = ["CORE_BLUEPRINTS", "TOOL_BLUEPRINTS", "create_app", "create_instructor"]

CORE_BLUEPRINTS = (
    "labapp.auth",
    "labapp.labs",
    "labapp.inbox",
    "labapp.submit",
    "labapp.instructor",
    "labapp.replay",
)
# built by the tools helper; registered when present
TOOL_BLUEPRINTS = ("labapp.explorer", "labapp.patterns", "labapp.alarms")

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,
    "AUTO_MIGRATE": True,
    "BACKEND": "embedded",
    "EMULATOR_ENDPOINT": "http://127.0.0.1:4566",
    "AWS_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "CHECK_TIMEOUT_SECONDS": 3,
    "CHECK_POLL_SECONDS": 10,
    "DATASET_DIR": None,
    "SCENARIO_SEED": 1,
    "GRADING_CACHE_DIR": None,
    "LIVE_MONITOR": None,
    "INBOX": None,
    "REPLAY_CONTROLLER": None,
    "MAX_UPLOAD_BYTES": 1024 * 1024,
    "CSRF_ENABLED": True,
    "EXTRA_BLUEPRINTS": (),
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
}


def _load_environment(app: Flask) -> None:
    for key in ("DATABASE_URL", "SECRET_KEY"):
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    app.config.from_prefixed_env("TRAILWATCH", loads=_loads)


def _loads(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def _secret_key(instance: Path) -> str:
    path = instance / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    return key


def _register(app: Flask, module_name: str, *, optional: bool = False) -> None:
    module = importlib.import_module(module_name)
    if optional and not hasattr(module, "bp"):
        return  # a tool package that is not finished yet (e.g. an empty folder)
    app.register_blueprint(module.bp)
    nav = getattr(module, "NAV", None)
    for entry in nav if isinstance(nav, list | tuple) else [nav] if nav else []:
        add_nav_entry(app, entry)


def create_app(test_config: dict[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    """Build the lab app (see the module docstring for every configuration key)."""
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    app.config.from_mapping(DEFAULTS, DATABASE=os.path.join(app.instance_path, "labapp.sqlite"))
    testing = bool(test_config and test_config.get("TESTING"))
    if not testing:
        app.config.from_pyfile("config.py", silent=True)
        _load_environment(app)
    if test_config:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(Path(app.instance_path))
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_UPLOAD_BYTES"]) + 64 * 1024

    db.init_app(app)
    csrf.init_app(app)
    for name in CORE_BLUEPRINTS:
        _register(app, name)
    for name in TOOL_BLUEPRINTS:
        if importlib.util.find_spec(name) is not None:
            _register(app, name, optional=True)
    for name in app.config["EXTRA_BLUEPRINTS"]:
        _register(app, name)

    app.jinja_env.globals["nav_entries"] = lambda: nav_entries(app)

    @app.route("/")
    def index() -> Response:
        if g.user is None:
            return redirect(url_for("auth.login"))
        return redirect(url_for("instructor.dashboard" if g.user["role"] == "instructor" else "labs.index"))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int]:
        return render_template("error.html", error=exc), exc.code or 500

    return app


FIRST_ACCOUNTS_FILE = "first-accounts.txt"


def ensure_first_accounts(app: Flask) -> Path | None:
    """On a lab with no accounts yet, create an instructor and a student with random passwords.

    The credentials are written once to ``<instance>/first-accounts.txt`` (mode 0600) so whoever
    started the lab can sign in; returns that file's path while it exists, else None.
    """
    import sqlalchemy as sa

    from labapp.accounts import create_user
    from labapp.schema import users

    path = Path(app.instance_path) / FIRST_ACCOUNTS_FILE
    with app.app_context():
        conn = db.get_db()
        if conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one() == 0:
            creds = {"instructor": secrets.token_urlsafe(9), "student": secrets.token_urlsafe(9)}
            create_user(conn, "instructor", creds["instructor"], "instructor", display_name="Instructor")
            create_user(conn, "student", creds["student"], "student", display_name="Student",
                        student_id="student")
            conn.commit()
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write("".join(f"{role}: username {role}  password {pw}\n" for role, pw in creds.items()))
    return path if path.exists() else None


def create_instructor(app: Flask, username: str, password: str, display_name: str = "") -> int:
    """Create an instructor account; raises labapp.accounts.AccountError when it cannot."""
    from labapp.accounts import create_user

    with app.app_context():
        conn = db.get_db()
        user_id = create_user(conn, username, password, "instructor", display_name=display_name)
        conn.commit()
        return user_id
