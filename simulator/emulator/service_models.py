"""Botocore service models for the emulator: which model answers a request.

Maps the SigV4 credential-scope service name (the signing name) to the botocore
service model, and builds per-service indexes (operation by query Action, by
X-Amz-Target, and compiled REST URI templates) once, on first use.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import botocore.session
from botocore.model import OperationModel, ServiceModel

# Signing names whose botocore service name differs (metadata.signingName/endpointPrefix).
_SIGNING_TO_SERVICE = {"monitoring": "cloudwatch", "email": "ses", "execute-api": "apigateway"}

_session_lock = threading.Lock()
_session: botocore.session.Session | None = None


def _botocore_session() -> botocore.session.Session:
    global _session
    with _session_lock:
        if _session is None:
            _session = botocore.session.get_session()
        return _session


@dataclass(frozen=True)
class RestRoute:
    """One REST operation's HTTP method and request-URI template, compiled."""

    operation: OperationModel
    method: str
    path_regex: re.Pattern[str]
    labels: tuple[str, ...]
    required_query: tuple[tuple[str, str | None], ...]
    required_headers: tuple[str, ...]
    score: int


@dataclass
class ServiceIndex:
    """Lookup tables for one botocore service model."""

    model: ServiceModel
    by_name: dict[str, OperationModel]
    routes: list[RestRoute]
    exception_names: dict[str, str]

    @property
    def protocol(self) -> str:
        return self.model.metadata["protocol"]

    @property
    def event_source(self) -> str:
        """`<endpointPrefix>.amazonaws.com`, the eventSource CloudTrail writes."""
        return f"{self.model.metadata['endpointPrefix']}.amazonaws.com"


def _compile_route(op: OperationModel) -> RestRoute:
    http = op.http
    uri = http["requestUri"]
    path, _, query = uri.partition("?")
    labels: list[str] = []
    pattern = ""
    pos = 0
    for m in re.finditer(r"\{([^}]+)\}", path):
        pattern += re.escape(path[pos : m.start()])
        name = m.group(1)
        greedy = name.endswith("+")
        labels.append(name.rstrip("+"))
        pattern += "(.+)" if greedy else "([^/]+)"
        pos = m.end()
    pattern += re.escape(path[pos:])
    # a trailing slash is optional on the wire (boto3 drops it for some templates)
    pattern = pattern.rstrip("/") if pattern not in ("/", re.escape("/")) else pattern
    regex = re.compile("^" + pattern + "/?$")
    required: list[tuple[str, str | None]] = []
    if query:
        for part in query.split("&"):
            key, eq, value = part.partition("=")
            required.append((key, value if eq else None))
    # required input members carried in headers or the query string also tell operations apart
    # (PutObject vs CopyObject: x-amz-copy-source; vs UploadPart: partNumber and uploadId)
    headers: list[str] = []
    shape = op.input_shape
    if shape is not None:
        for name in shape.required_members:
            ser = shape.members[name].serialization
            if ser.get("location") == "header":
                headers.append(ser.get("name", name).lower())
            elif ser.get("location") == "querystring":
                required.append((ser.get("name", name), None))
    static_chars = len(re.sub(r"\{[^}]+\}", "", path))
    score = static_chars + 1000 * (len(required) + len(headers)) - 10 * len(labels)
    return RestRoute(op, http["method"], regex, tuple(labels), tuple(required), tuple(headers), score)


@lru_cache(maxsize=64)
def service_index(service_name: str) -> ServiceIndex | None:
    """The index for a botocore service name, or None when botocore has no such model."""
    session = _botocore_session()
    try:
        model = session.get_service_model(service_name)
    except Exception:  # botocore raises UnknownServiceError / DataNotFoundError
        return None
    by_name = {name: model.operation_model(name) for name in model.operation_names}
    routes: list[RestRoute] = []
    if model.metadata["protocol"] in ("rest-json", "rest-xml"):
        routes = sorted((_compile_route(op) for op in by_name.values()), key=lambda r: -r.score)
    exception_names = {
        str(shape.metadata["error"]["code"]): shape.name
        for shape in model.error_shapes
        if shape.metadata.get("error", {}).get("code")
    }
    return ServiceIndex(model, by_name, routes, exception_names)


def index_for_signing_name(signing_name: str) -> ServiceIndex | None:
    """The service answering requests signed for `signing_name` (credential scope)."""
    return service_index(_SIGNING_TO_SERVICE.get(signing_name, signing_name))


def match_rest_route(
    index: ServiceIndex, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str]
) -> tuple[RestRoute, dict[str, str]] | None:
    """The most specific REST route for this method, path, query and headers (lower-case names),
    with its URI labels."""
    for route in index.routes:
        if route.method != method:
            continue
        m = route.path_regex.match(path)
        if m is None:
            continue
        if not all(k in query and (v is None or v in query[k]) for k, v in route.required_query):
            continue
        if not all(h in headers for h in route.required_headers):
            continue
        return route, dict(zip(route.labels, m.groups(), strict=True))
    return None
