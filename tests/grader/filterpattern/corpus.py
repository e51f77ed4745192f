"""Load the shared conformance corpora as pytest parameters (skipped, loudly, if they are missing)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"


def cases(name: str) -> list:
    path = SHARED / "conformance" / name
    if not path.is_file():
        reason = f"{path} not found: the shared conformance corpus is missing (expected at ../shared)"
        return [pytest.param(None, id=f"missing-{name}", marks=pytest.mark.skip(reason=reason))]
    return [pytest.param(case, id=case["id"]) for case in json.loads(path.read_text(encoding="utf-8"))]


def reference(name: str) -> Path:
    path = SHARED / "reference" / name
    if not path.exists():
        pytest.skip(f"{path} not found: the shared reference material is missing (expected at ../shared)")
    return path
