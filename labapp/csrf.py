"""CSRF protection for every state-changing request (synchroniser token kept in the session).

Each session gets one random token; templates put it in forms with ``{{ csrf_field() }}`` and
scripts send it as the ``X-CSRFToken`` header (base.html exposes it in a ``<meta>``). Any POST,
PUT, PATCH or DELETE without the matching token is refused with 400 before the view runs.
``WTF_CSRF``-style opt-out for tests: ``CSRF_ENABLED = False``.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, current_app, request, session
from markupsafe import Markup, escape

SESSION_KEY = "_csrf_token"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRFToken"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csrf_token() -> str:
    """This session's token (created on first use)."""
    token = session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return str(token)


def csrf_field() -> Markup:
    """A hidden form input carrying the token."""
    return Markup(f'<input type="hidden" name="{FORM_FIELD}" value="{escape(csrf_token())}">')


def _check() -> None:
    if request.method not in UNSAFE_METHODS or not current_app.config.get("CSRF_ENABLED", True):
        return
    expected = session.get(SESSION_KEY)
    sent = request.form.get(FORM_FIELD) or request.headers.get(HEADER) or ""
    if not expected or not hmac.compare_digest(str(expected), str(sent)):
        abort(400, "The form's security token is missing or out of date. Reload the page and try again.")


def init_app(app: Flask) -> None:
    app.before_request(_check)
    app.jinja_env.globals.update(csrf_token=csrf_token, csrf_field=csrf_field)
