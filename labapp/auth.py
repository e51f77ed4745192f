"""Sign in, sign out, change password; the ``login_required``/``instructor_required`` guards."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response

from labapp.accounts import AccountError, authenticate, get_user, set_password
from labapp.db import get_db

bp = Blueprint("auth", __name__, url_prefix="/auth")
F = TypeVar("F", bound=Callable[..., Any])


@bp.before_app_request
def load_logged_in_user() -> None:
    user_id = session.get("user_id")
    g.user = get_user(get_db(), user_id) if user_id is not None else None


def login_required(view: F) -> F:
    """Send anonymous visitors to the sign-in page (JSON endpoints get 401)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.user is None:
            if request.accept_mimetypes.best == "application/json" or request.path.endswith(".json"):
                abort(401)
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def instructor_required(view: F) -> F:
    """Signed in as an instructor, else 403."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.user["role"] != "instructor":
            abort(403, "This page is for instructors.")
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths (no //host, no scheme) are followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/login", methods=("GET", "POST"))
def login() -> str | Response:
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        user = authenticate(get_db(), username, password)
        if user is None:
            flash("Unknown username or wrong password.", "error")
            return render_template("auth/login.html", username=username), 401
        next_url = _safe_next(request.form.get("next"))
        session.clear()  # a fresh session (and CSRF token) after sign-in
        session["user_id"] = user["id"]
        default = url_for("instructor.dashboard" if user["role"] == "instructor" else "labs.index")
        return redirect(next_url or default)
    return render_template("auth/login.html", username="", next=_safe_next(request.args.get("next")))


@bp.post("/logout")
def logout() -> Response:
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=("GET", "POST"))
@login_required
def password() -> str | Response:
    if request.method == "POST":
        current = request.form.get("current", "")
        new = request.form.get("new", "")
        if not check_password_hash(g.user["password_hash"], current):
            flash("The current password is wrong.", "error")
        elif new != request.form.get("confirm", ""):
            flash("The two new passwords differ.", "error")
        else:
            try:
                set_password(get_db(), g.user["id"], new)
            except AccountError as exc:
                flash(str(exc), "error")
            else:
                get_db().commit()
                flash("Password changed.", "info")
                return redirect(url_for("index"))
    return render_template("auth/password.html")
