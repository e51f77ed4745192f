"""Let clients speak AWS JSON 1.0 to services moto only serves over the query protocol.

Newer botocore (e.g. the one inside the aws CLI 1.43 / v2) calls CloudWatch with
`X-Amz-Target: GraniteServiceVersion20100801.<Operation>` and a JSON body, because CloudWatch's
model now lists `["smithy-rpc-v2-cbor", "json", "query"]`; moto 5.2 answers that with a 500
("Unsupported protocol [json] for service cloudwatch"). This bridge re-serialises the JSON input
as a query request with botocore's own query serializer, lets the wrapped app (recorder + moto)
answer it, and turns the XML answer back into JSON with botocore's query parser. Errors keep
their code through the `x-amzn-query-error` header that awsQueryCompatible clients read.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

import orjson
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from simulator.emulator.service_models import service_index

# X-Amz-Target prefix -> botocore service (query model in this venv)
BRIDGED_TARGETS = {"GraniteServiceVersion20100801": "cloudwatch"}

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.timestamp()
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    return value


def _read_body(environ: dict[str, Any]) -> bytes:
    length = environ.get("CONTENT_LENGTH")
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    return stream.read(int(length)) if length else stream.read()


class QueryProtocolBridge:
    """WSGI middleware translating AWS JSON 1.0 calls to query for `BRIDGED_TARGETS`."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        prefix, _, name = environ.get("HTTP_X_AMZ_TARGET", "").rpartition(".")
        service = BRIDGED_TARGETS.get(prefix)
        index = service_index(service) if service else None
        op = index.by_name.get(name) if index else None
        if op is None:
            return self.app(environ, start_response)
        body = _read_body(environ)
        try:
            params = orjson.loads(body) if body.strip() else {}
        except orjson.JSONDecodeError:
            params = None
        if not isinstance(params, dict):
            return self._respond(
                start_response,
                400,
                {"__type": "SerializationException", "message": "Request body is not a JSON object"},
                {},
            )
        wire = create_serializer("query").serialize_to_request(params, op)
        form = urlencode(wire["body"]).encode()
        inner = dict(environ)
        inner.pop("HTTP_X_AMZ_TARGET", None)
        inner.update(
            {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": "/",
                "QUERY_STRING": "",
                "CONTENT_TYPE": "application/x-www-form-urlencoded; charset=utf-8",
                "CONTENT_LENGTH": str(len(form)),
                "wsgi.input": io.BytesIO(form),
            }
        )
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
            captured["status"] = int(status.split(" ", 1)[0])
            captured["headers"] = {k.lower(): v for k, v in headers}
            return lambda data: None

        result = self.app(inner, capture)
        try:
            xml = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status = captured.get("status", 500)
        headers = captured.get("headers", {})
        parsed = create_parser("query").parse(
            {"status_code": status, "headers": headers, "body": xml}, op.output_shape
        )
        request_id = parsed.get("ResponseMetadata", {}).get("RequestId") or headers.get(
            "x-amzn-requestid", ""
        )
        extra = {"x-amzn-RequestId": request_id} if request_id else {}
        if status >= 300:
            error = parsed.get("Error", {})
            code = str(error.get("Code") or "InternalFailure")
            extra["x-amzn-query-error"] = f"{code};{'Receiver' if status >= 500 else 'Sender'}"
            return self._respond(
                start_response, status, {"__type": code, "message": error.get("Message", "")}, extra
            )
        output = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
        return self._respond(start_response, status, _jsonable(output), extra)

    @staticmethod
    def _respond(
        start_response: Callable[..., Any], status: int, payload: dict[str, Any], extra: dict[str, str]
    ) -> Iterable[bytes]:
        data = orjson.dumps(payload)
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 500: "Internal Server Error"}.get(
            status, ""
        )
        headers = [("Content-Type", "application/x-amz-json-1.0"), ("Content-Length", str(len(data)))]
        headers += list(extra.items())
        start_response(f"{status} {reason}".strip(), headers)
        return [data]
