"""What arrived on the wire: one HTTP request to the emulator, read from the WSGI environ,
and which AWS service and operation it calls (from botocore's service models)."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

from botocore.model import OperationModel

from simulator.emulator.service_models import ServiceIndex, index_for_signing_name, match_rest_route

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request")
_S3_VHOST = re.compile(
    r"^(?P<bucket>.+?)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$|^(?P<lbucket>[^.]+)\.localhost$"
)


@dataclass
class ApiRequest:
    """One HTTP request as the middleware saw it (headers with lower-case names)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    source_ip: str
    access_key: str | None = None
    scope_date: str | None = None
    region: str | None = None
    signing_name: str | None = None
    form: dict[str, str] = field(default_factory=dict)

    @property
    def user_agent(self) -> str:
        return self.headers.get("user-agent", "")

    @property
    def host(self) -> str:
        return self.headers.get("host", "")


def _headers_from_environ(environ: dict[str, Any]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = value
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    if environ.get("CONTENT_LENGTH"):
        headers["content-length"] = environ["CONTENT_LENGTH"]
    return headers


def parse_request(environ: dict[str, Any], body: bytes) -> ApiRequest:
    """Read method, path, query, headers, body and the SigV4 credential scope."""
    headers = _headers_from_environ(environ)
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    path = environ.get("PATH_INFO", "/") or "/"
    if isinstance(path, bytes):
        path = path.decode("utf-8", "replace")
    # werkzeug decodes PATH_INFO as latin-1; recover the UTF-8 text the client sent
    try:
        path = path.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    req = ApiRequest(
        method=environ.get("REQUEST_METHOD", "GET").upper(),
        path=path,
        query=query,
        headers=headers,
        body=body,
        source_ip=environ.get("REMOTE_ADDR", "127.0.0.1"),
    )
    credential = headers.get("authorization", "")
    m = _CREDENTIAL.search(credential)
    if m is None and "X-Amz-Credential" in query:
        m = re.match(r"([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request", unquote(query["X-Amz-Credential"][0]))
    if m is not None:
        req.access_key, req.scope_date, req.region, req.signing_name = m.groups()
    if headers.get("content-encoding", "") == "gzip" and body:
        # botocore gzips large CloudWatch PutMetricData bodies (request compression)
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError):
            pass
        req.body = body
    content_type = headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded") and body:
        parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        req.form = {k: v[0] for k, v in parsed.items()}
    elif "Action" in query:
        req.form = {k: v[0] for k, v in query.items()}
    return req


@dataclass(frozen=True)
class IdentifiedCall:
    """The service and operation a request calls, with what routing revealed."""

    index: ServiceIndex
    operation: OperationModel
    labels: dict[str, str]
    bucket: str | None = None

    @property
    def protocol(self) -> str:
        return self.index.protocol


def _s3_bucket_from_host(host: str) -> str | None:
    hostname = host.split(":", 1)[0]
    m = _S3_VHOST.match(hostname)
    if m is None:
        return None
    bucket = m.group("bucket") or m.group("lbucket")
    return bucket if bucket and bucket != "s3" else None


def identify(req: ApiRequest) -> IdentifiedCall | None:
    """The botocore operation this request calls, or None when it is not an AWS API call we know."""
    if req.signing_name is None:
        # unsigned STS federation calls are the only AWS APIs a lab sends without SigV4
        action = req.form.get("Action")
        if action in ("AssumeRoleWithSAML", "AssumeRoleWithWebIdentity"):
            req.signing_name, req.region = "sts", "us-east-1"
        else:
            return None
    signing_name = req.signing_name
    if signing_name == "elasticloadbalancing":
        # ELB classic and ELBv2 share the signing name; the query API version tells them apart
        signing_name = "elbv2" if req.form.get("Version") == "2015-12-01" else "elb"
    index = index_for_signing_name(signing_name)
    if index is None:
        return None
    protocol = index.protocol
    if protocol in ("query", "ec2"):
        action = req.form.get("Action")
        op = index.by_name.get(action) if action else None
        return IdentifiedCall(index, op, {}) if op else None
    if protocol == "json":
        target = req.headers.get("x-amz-target", "")
        name = target.rsplit(".", 1)[-1] if target else ""
        op = index.by_name.get(name)
        return IdentifiedCall(index, op, {}) if op else None
    path = req.path
    bucket = None
    if index.model.service_name == "s3":
        bucket = _s3_bucket_from_host(req.host)
        if bucket:
            path = "/" + bucket + (path if path != "/" else "")
    found = match_rest_route(index, req.method, path, req.query, req.headers)
    if found is None:
        return None
    route, labels = found
    if index.model.service_name == "s3":
        bucket = labels.get("Bucket")
    return IdentifiedCall(index, route.operation, labels, bucket)
