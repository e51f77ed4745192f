"""Locate ../shared (the read-only reference material) for the alarm tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"
MISSING = "../shared (reference material) is not available; conformance cases cannot run"


def load_conformance(name: str) -> list[Any]:
    """Cases from shared/conformance/<name>, or one placeholder that skips when shared/ is missing."""
    path = SHARED / "conformance" / name
    if not path.is_file():
        return [pytest.param(None, id="shared-missing", marks=pytest.mark.skip(reason=MISSING))]
    return [pytest.param(case, id=case["id"]) for case in orjson.loads(path.read_bytes())]
