"""Fixtures for the emulator tests: a started EmbeddedEmulator per module and boto3 clients for it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto.moto_api._internal.models import moto_api_backend

from simulator.emulator import EmbeddedEmulator
from tests.simulator.emulator.helpers import REGION


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmbeddedEmulator]:
    moto_api_backend.reset()
    emu = EmbeddedEmulator(port=0, delivery_delay=0.2)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()
        moto_api_backend.reset()


@pytest.fixture(scope="module")
def aws(emulator: EmbeddedEmulator) -> Callable[..., Any]:
    """`aws("ec2")` -> a boto3 client for the emulator with the default `test` credentials."""

    def client(service: str, **kwargs: Any) -> Any:
        params = {
            "endpoint_url": emulator.endpoint_url,
            "region_name": REGION,
            "aws_access_key_id": "test",
            "aws_secret_access_key": "test",
        }
        params.update(kwargs)
        return boto3.client(service, **params)

    return client
