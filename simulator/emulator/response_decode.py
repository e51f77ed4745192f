"""Parse a moto response with botocore's own response parsers: the output structure of a
successful call, or the error code and message of a failed one, for every protocol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.model import OperationModel
from botocore.parsers import ResponseParserError, create_parser


@dataclass(frozen=True)
class ParsedResponse:
    """What a response said: output members (botocore names) or error code/message."""

    output: dict[str, Any] | None
    error_code: str | None
    error_message: str | None
    request_id: str | None
    body: bytes = b""


def _request_id(headers: dict[str, str], parsed: dict[str, Any]) -> str | None:
    meta = parsed.get("ResponseMetadata", {}) if isinstance(parsed, dict) else {}
    return meta.get("RequestId") or headers.get("x-amzn-requestid") or headers.get("x-amz-request-id")


def parse_response(
    protocol: str, op: OperationModel, status: int, headers: dict[str, str], body: bytes
) -> ParsedResponse:
    """Decode one response (headers with lower-case names)."""
    parser = create_parser(protocol)
    response = {"status_code": status, "headers": headers, "body": body}
    if op.has_streaming_output:
        response["body"] = b""
    try:
        parsed = parser.parse(response, op.output_shape)
    except (ResponseParserError, ValueError, KeyError, TypeError):
        parsed = {}
    request_id = _request_id(headers, parsed)
    if status >= 300:
        error = parsed.get("Error", {}) if isinstance(parsed, dict) else {}
        code = error.get("Code") or f"HTTP{status}"
        message = error.get("Message") or None
        return ParsedResponse(None, str(code), message, request_id, body)
    output = {k: v for k, v in parsed.items() if k != "ResponseMetadata"} if isinstance(parsed, dict) else {}
    return ParsedResponse(output, None, None, request_id, body)
