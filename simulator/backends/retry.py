"""Retries with capped exponential backoff and full jitter for throttling, 5xx and dropped connections.

The backoff is AWS's recommended "full jitter" (sleep = random(0, min(cap, base * 2**attempt))), from the
AWS Architecture Blog post "Exponential Backoff and Jitter" and the SDKs' standard retry mode
(https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
`failure_message` turns the errors that retrying cannot fix (wrong endpoint, missing or rejected
credentials) into one line naming the backend.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

T = TypeVar("T")

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "ProvisionedThroughputExceededException",
        "BandwidthLimitExceeded",
        "RequestThrottled",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
TRANSIENT_CODES = frozenset(
    {
        "RequestTimeout",
        "RequestTimeoutException",
        "InternalError",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
    }
)
CREDENTIAL_CODES = frozenset(
    {
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "ExpiredTokenException",
        "AuthFailure",
        "InvalidSignatureException",
        "AccessDenied",
        "AccessDeniedException",
    }
)
_NETWORK_ERRORS = (EndpointConnectionError, ConnectionClosedError, ConnectTimeoutError, ReadTimeoutError)


def error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def http_status(exc: BaseException) -> int:
    if isinstance(exc, ClientError):
        return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    return 0


def is_retryable(exc: BaseException) -> bool:
    """Throttling, any 5xx, 429 and dropped or timed-out connections are worth another try."""
    if isinstance(exc, _NETWORK_ERRORS):
        return True
    if isinstance(exc, ClientError):
        code = error_code(exc)
        status = http_status(exc)
        return code in THROTTLING_CODES or code in TRANSIENT_CODES or status >= 500 or status == 429
    return False


def is_ambiguous(exc: BaseException) -> bool:
    """The request may have been applied although it failed (5xx, timeouts, dropped connections)."""
    if isinstance(exc, (ConnectionClosedError, ReadTimeoutError)):
        return True
    return isinstance(exc, ClientError) and http_status(exc) >= 500


@dataclass
class Backoff:
    """Retry policy: `attempts` tries in all, sleeping full-jitter exponential delays in between."""

    attempts: int = 8
    base: float = 0.1
    cap: float = 20.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=lambda: random.Random())
    retries: int = 0  # retries performed (for the summary)

    def delay(self, attempt: int) -> float:
        return self.rng.uniform(0, min(self.cap, self.base * 2**attempt))

    def run(self, call: Callable[[], T], before_retry: Callable[[BaseException], None] | None = None) -> T:
        """`call()` until it succeeds or fails with a non-retryable error or `attempts` are used up.

        `before_retry(exc)` runs after the sleep and before the next try (delivery re-reads the backend there).
        """
        for attempt in range(self.attempts):
            try:
                return call()
            except Exception as exc:
                if not is_retryable(exc) or attempt == self.attempts - 1:
                    raise
                self.retries += 1
                self.sleep(self.delay(attempt))
                if before_retry is not None:
                    before_retry(exc)
        raise AssertionError("unreachable")


def failure_message(exc: BaseException, where: str) -> str | None:
    """One line for errors no retry can fix, or None when `exc` is not one of them."""
    if isinstance(exc, EndpointConnectionError):
        return f"cannot reach {where}: nothing answers at {exc.kwargs.get('endpoint_url', '?')}"
    if isinstance(exc, ConnectTimeoutError):
        return f"cannot reach {where}: connection timed out ({exc.kwargs.get('endpoint_url', '?')})"
    if isinstance(exc, ProfileNotFound):
        return f"AWS profile {exc.kwargs.get('profile', '?')!r} not found (~/.aws/config, ~/.aws/credentials)"
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return (
            f"no AWS credentials for {where} (use --profile, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)"
        )
    if isinstance(exc, ClientError) and error_code(exc) in CREDENTIAL_CODES:
        message = exc.response.get("Error", {}).get("Message", "")
        return f"{where} rejected the credentials: {error_code(exc)}: {message}".rstrip(": ")
    return None
