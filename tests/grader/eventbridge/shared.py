"""Locate ../shared (the read-only reference material) for the EventBridge tests."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"
MISSING = "../shared (reference material) is not available; EventBridge conformance cases cannot run"
SAMPLES = SHARED / "reference" / "samples" / "cloudtrail"


def require_shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(MISSING)
    return SHARED


def event_pattern_cases() -> list[Any]:
    """Every case of shared/conformance/event_patterns.json as a pytest param (id = case id)."""
    path = SHARED / "conformance" / "event_patterns.json"
    if not path.is_file():
        return [pytest.param(None, id="shared-missing", marks=pytest.mark.skip(reason=MISSING))]
    cases = json.loads(path.read_text(encoding="utf-8"))
    return [pytest.param(case, id=case["id"]) for case in cases]


def awsdocs_records() -> list[tuple[str, dict[str, Any]]]:
    """(file name, record) for every strict-JSON CloudTrail record in awsdocs_examples/."""
    out = []
    for path in sorted((SAMPLES / "awsdocs_examples").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue  # a few doc snippets are fragments, not JSON
        records = (
            data["Records"] if isinstance(data, dict) and isinstance(data.get("Records"), list) else [data]
        )
        out.extend((path.name, r) for r in records if isinstance(r, dict) and "eventTime" in r)
    return out


def invictus_records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for path in sorted((SAMPLES / "invictus-ir_aws_dataset").glob("*.json.gz")):
        records.extend(json.loads(gzip.decompress(path.read_bytes()))["Records"])
    return records
