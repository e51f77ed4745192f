"""The notifications inbox: email-subscription messages from LIVE's inbox, shown to the learner.

Interface expected of the ``INBOX`` handle (passed in by ``trailwatch up``): a method
``messages()`` returning an iterable of messages, each a mapping or an object with attributes:
``subject`` (str, may be empty), ``body`` (what the mailbox shows) or ``message`` (str), ``received_at`` or ``timestamp``
(ISO 8601 str or epoch seconds/ms), and optionally ``topic_arn`` and ``endpoint`` (the email address).
Messages are shown newest first. Without a handle the page says no inbox is connected.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, jsonify, render_template
from werkzeug.wrappers import Response

from labapp.auth import login_required
from labapp.nav import NavEntry

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
NAV = NavEntry("Inbox", "inbox.index", order=30)


def _get(item: Any, *names: str) -> Any:
    for name in names:
        value = item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)
        if value is not None:
            return value
    return None


def _iso(value: Any) -> str:
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value
        return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value or "")


def _readable(body: str) -> str:
    """JSON bodies (alarm notifications, email-json documents) indented; other text unchanged."""
    if body.lstrip().startswith("{"):
        try:
            return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
        except ValueError:
            pass
    return body


def normalise(item: Any) -> dict[str, str]:
    return {
        "subject": str(_get(item, "subject", "Subject") or ""),
        "body": _readable(str(_get(item, "body", "message", "Message") or "")),
        "received_at": _iso(_get(item, "received_at", "timestamp", "Timestamp")),
        "topic_arn": str(_get(item, "topic_arn", "TopicArn") or ""),
        "endpoint": str(_get(item, "endpoint", "Endpoint") or ""),
    }


def inbox_messages(config: Mapping[str, Any]) -> list[dict[str, str]] | None:
    """The inbox's messages newest first, or None when no inbox is connected."""
    inbox = config.get("INBOX")
    if inbox is None:
        return None
    items = [normalise(m) for m in inbox.messages()]
    return sorted(items, key=lambda m: m["received_at"], reverse=True)


@bp.get("/")
@login_required
def index() -> str:
    return render_template("inbox/index.html", messages=inbox_messages(current_app.config))


@bp.get("/messages.json")
@login_required
def messages_json() -> Response:
    messages = inbox_messages(current_app.config)
    return jsonify({"connected": messages is not None, "messages": messages or []})
