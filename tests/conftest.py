"""Fixtures shared across test packages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator.backends.config import BackendConfig


@pytest.fixture(scope="session")
def localstack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackendConfig]:
    """LocalStack 4.14.0 on a free port for the whole session (tests marked `localstack`)."""
    from tests.simulator.backends.localstack_runtime import INSTALLED_STAMP, MISSING, LocalStackProcess

    if not INSTALLED_STAMP.exists():
        pytest.skip(MISSING)
    runtime = LocalStackProcess(tmp_path_factory.mktemp("localstack")).start()
    try:
        yield BackendConfig("localstack", runtime.url)
    finally:
        runtime.stop()
