"""Fixtures for the backend tests: an embedded emulator per module, a small dataset, AWS env isolation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from moto.moto_api._internal.models import moto_api_backend

from simulator.backends.config import BackendConfig
from simulator.emulator import EmbeddedEmulator
from tests.simulator.backends.helpers import standard_dataset


@pytest.fixture(autouse=True)
def _isolated_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No real profile, config file or instance metadata can leak into a test (and no network)."""
    empty = tmp_path_factory.mktemp("aws-config") / "none"
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


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


@pytest.fixture
def embedded(emulator: EmbeddedEmulator) -> Iterator[BackendConfig]:
    """The embedded backend, emptied before each test (moto state is process-wide)."""
    moto_api_backend.reset()
    emulator.learner = None
    from simulator.emulator.learner import ensure_learner

    emulator.learner = ensure_learner(emulator.account_id, emulator.learner_user)
    yield BackendConfig("embedded", emulator.endpoint_url)


@pytest.fixture
def dataset_dir(tmp_path: Path) -> Path:
    return standard_dataset(tmp_path / "dataset")
