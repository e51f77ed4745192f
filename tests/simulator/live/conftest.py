"""Fixtures for the live tests: an emulator with the live monitor, EventBridge router and inbox attached,
on a manual clock (alarm minutes pass when a test moves the clock), and boto3 clients for it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto.moto_api._internal.models import moto_api_backend

from simulator.emulator import EmbeddedEmulator
from simulator.live.clock import ManualClock
from simulator.live.services import LiveServices

REGION = "us-east-1"


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServices]:
    moto_api_backend.reset()
    services = LiveServices(EmbeddedEmulator(port=0, delivery_delay=0.05), clock=ManualClock())
    services.start()
    try:
        yield services
    finally:
        services.stop()
        moto_api_backend.reset()


def client_factory(endpoint: str) -> Callable[..., Any]:
    def client(service: str, **kwargs: Any) -> Any:
        params = {
            "endpoint_url": endpoint,
            "region_name": REGION,
            "aws_access_key_id": "test",
            "aws_secret_access_key": "test",
        }
        params.update(kwargs)
        return boto3.client(service, **params)

    return client


@pytest.fixture(scope="module")
def aws(live: LiveServices) -> Callable[..., Any]:
    """`aws("ec2")` -> a boto3 client with the default `test` credentials (the learner)."""
    return client_factory(live.emulator.endpoint_url)
