"""Shared helpers for the scenario-language tests: the fixture scenario, cached compilations, YAML edits."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from simulator.scenario.compile import ScenarioRun, compile_scenario
from simulator.scenario.load import load_scenario

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini-dba.yaml"


@functools.cache
def compiled(seed: int = 1, student: str | None = None) -> ScenarioRun:
    return compile_scenario(load_scenario(MINI), seed=seed, student=student)


@pytest.fixture
def mini_text() -> str:
    return MINI.read_text()


@pytest.fixture
def write(tmp_path: Path):
    def _write(text: str, name: str = "s.yaml") -> Path:
        p = tmp_path / name
        p.write_text(text)
        return p
    return _write


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)
