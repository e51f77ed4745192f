"""WSGI middleware around moto's app: every AWS API call that passes through becomes a CloudTrail record.

Requests to internal endpoints (moto's `/moto-api`, Trailwatch's `/_trailwatch`) pass through
unrecorded, and so do calls signed with Trailwatch's own delivery key (dataset delivery and replay are
not the learner's activity; docs/backends.md). Unknown credentials are rewritten to the default (learner) user's access key before moto
sees them, so moto's own answers (e.g. GetCallerIdentity) name the same user as the record.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from typing import Any

from simulator.backends.config import DELIVERY_ACCESS_KEY_ID
from simulator.emulator.api_request import identify, parse_request
from simulator.emulator.iam_ids import normalize_created_user
from simulator.emulator.recorder import CallRecorder

log = logging.getLogger(__name__)

INTERNAL_PREFIXES = ("/moto-api", "/_trailwatch", "/favicon.ico")
UNRECORDED_ACCESS_KEYS = frozenset({DELIVERY_ACCESS_KEY_ID})

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _read_body(environ: dict[str, Any]) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH")
    if length:
        try:
            return stream.read(int(length))
        except ValueError:
            return b""
    if environ.get("wsgi.input_terminated") or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", ""):
        return stream.read()
    return b""


class CloudTrailMiddleware:
    """Records every API call handled by `app` through `recorder`."""

    def __init__(self, app: WsgiApp, recorder: CallRecorder) -> None:
        self.app = app
        self.recorder = recorder

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(INTERNAL_PREFIXES):
            return self.app(environ, start_response)
        body = _read_body(environ)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        try:
            req = parse_request(environ, body)
            call = identify(req)
        except Exception:  # never let recording break the API itself
            log.exception("could not identify request %s %s", environ.get("REQUEST_METHOD"), path)
            call = None
        if call is None:
            return self.app(environ, start_response)
        self._substitute_unknown_key(environ, req.access_key)
        if req.access_key in UNRECORDED_ACCESS_KEYS:
            return self.app(environ, start_response)
        before = self.recorder.trails_before()
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
            captured.update(status=status, headers=headers, exc_info=exc_info)
            return lambda data: None  # moto's Flask app never uses write()

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status_line: str = captured.get("status", "500 INTERNAL SERVER ERROR")
        headers: list[tuple[str, str]] = list(captured.get("headers", []))
        status = int(status_line.split(" ", 1)[0])
        if status < 300 and call.index.model.service_name == "iam" and call.operation.name == "CreateUser":
            body = normalize_created_user(req.form.get("UserName", ""), body)
            headers = [(k, str(len(body)) if k.lower() == "content-length" else v) for k, v in headers]
        start_response(status_line, headers, captured.get("exc_info"))
        try:
            self.recorder.record(req, call, status, {k.lower(): v for k, v in headers}, body, before)
        except Exception:
            log.exception("could not record %s", call.operation.name)
        return [body]

    def _substitute_unknown_key(self, environ: dict[str, Any], access_key: str | None) -> None:
        if not access_key or self.recorder.identities.is_known(access_key):
            return
        default_key = self.recorder.identities.default_access_key()
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if default_key and f"Credential={access_key}/" in auth:
            environ["HTTP_AUTHORIZATION"] = auth.replace(
                f"Credential={access_key}/", f"Credential={default_key}/", 1
            )
