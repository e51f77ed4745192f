"""Backoff policy and one-line messages for errors retrying cannot fix."""

from __future__ import annotations

import random

import pytest
from botocore.exceptions import (
    ConnectionClosedError,
    EndpointConnectionError,
    NoCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

from simulator.backends.retry import Backoff, failure_message, is_ambiguous, is_retryable
from tests.simulator.backends.fakes import client_error


@pytest.mark.parametrize(
    ("code", "status", "retry"),
    [
        ("ThrottlingException", 400, True),
        ("Throttling", 400, True),
        ("SlowDown", 503, True),
        ("TooManyRequestsException", 429, True),
        ("InternalError", 500, True),
        ("ServiceUnavailableException", 503, True),
        ("Anything", 502, True),
        ("ValidationException", 400, False),
        ("ResourceNotFoundException", 400, False),
        ("AccessDenied", 403, False),
    ],
)
def test_retryable_errors(code: str, status: int, retry: bool):
    assert is_retryable(client_error(code, status)) is retry


def test_network_errors_are_retryable_and_ambiguity():
    assert is_retryable(EndpointConnectionError(endpoint_url="http://x"))
    assert is_retryable(ReadTimeoutError(endpoint_url="http://x"))
    assert is_ambiguous(ConnectionClosedError(endpoint_url="http://x"))
    assert not is_ambiguous(EndpointConnectionError(endpoint_url="http://x"))  # never connected: not applied
    assert is_ambiguous(client_error("InternalFailure", 500))
    assert not is_ambiguous(client_error("ThrottlingException", 400))


def test_backoff_is_capped_exponential_full_jitter():
    policy = Backoff(base=0.5, cap=4.0, rng=random.Random(1))
    for attempt in range(10):
        bound = min(4.0, 0.5 * 2**attempt)
        samples = [policy.delay(attempt) for _ in range(200)]
        assert all(0 <= s <= bound for s in samples)
        assert max(samples) > bound * 0.8  # full jitter reaches the bound


def test_run_retries_then_succeeds_and_counts():
    slept: list[float] = []
    policy = Backoff(sleep=slept.append, rng=random.Random(2))
    outcomes = [client_error("ThrottlingException", 400), client_error("InternalError", 500), "ok"]

    def call():
        item = outcomes.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    assert policy.run(call) == "ok"
    assert policy.retries == 2 and len(slept) == 2


def test_run_does_not_retry_client_mistakes():
    policy = Backoff(sleep=lambda s: pytest.fail("slept"))
    with pytest.raises(Exception, match="ValidationException"):
        policy.run(lambda: (_ for _ in ()).throw(client_error("ValidationException", 400)))


def test_failure_messages_name_the_backend():
    where = "the localstack backend at http://127.0.0.1:1"
    assert failure_message(EndpointConnectionError(endpoint_url="http://127.0.0.1:1/"), where) == (
        f"cannot reach {where}: nothing answers at http://127.0.0.1:1/"
    )
    assert "no AWS credentials for AWS" in failure_message(
        NoCredentialsError(), "AWS (default credentials, region us-east-1)"
    )
    assert failure_message(ProfileNotFound(profile="sandbox"), where).startswith(
        "AWS profile 'sandbox' not found"
    )
    msg = failure_message(client_error("UnrecognizedClientException", 400), "AWS")
    assert msg == "AWS rejected the credentials: UnrecognizedClientException: UnrecognizedClientException"
    assert failure_message(client_error("ThrottlingException", 400), where) is None
