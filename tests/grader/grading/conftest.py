"""Fixtures: the small grading-lab scenario's dataset (seconds to generate) and helpers to grade variants
of its reference solution. Datasets go to a per-session cache unless TRAILWATCH_CACHE points elsewhere."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
LAB = FIXTURES / "grading-lab.yaml"


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    env = os.environ.get("TRAILWATCH_CACHE")
    return Path(env) if env else tmp_path_factory.mktemp("trailwatch-cache")


@pytest.fixture(scope="session")
def lab(cache_dir: Path):
    from grader.grading import open_dataset

    return open_dataset(scenario=str(LAB), seed=1, student=None, cache=cache_dir)


@pytest.fixture(scope="session")
def lab_answers(lab) -> dict[str, Any]:
    return {qid: entry["value"] for qid, entry in lab.answer_key["answers"].items()}


@pytest.fixture
def reference(lab) -> dict[str, Any]:
    """A fresh copy of the lab's reference solution (submission-file shape, log groups resolved)."""
    return copy.deepcopy(lab.scenario["solution"])


def lost_points(results: dict[str, Any]) -> dict[str, float]:
    """Test name (without its description) -> points lost."""
    return {
        t["name"].split(" (")[0]: t["max_score"] - t["score"]
        for t in results["tests"]
        if t["score"] < t["max_score"]
    }


def output_of(results: dict[str, Any], name: str) -> str:
    return next(t["output"] for t in results["tests"] if t["name"].split(" (")[0] == name)
