"""PatternSet gives exactly the per-pattern results, with its guards and shared parse."""

from __future__ import annotations

import gzip
import json

import orjson
import pytest

from grader.filterpattern import LogEvent, PatternSet, compile_pattern
from grader.filterpattern.patternset import guard_options
from tests.grader.filterpattern.corpus import SHARED, reference


def test_corpus_patterns_and_messages_agree() -> None:
    path = SHARED / "conformance" / "filter_patterns.json"
    if not path.is_file():
        pytest.skip(f"{path} not found: the shared conformance corpus is missing")
    corpus = json.loads(path.read_text(encoding="utf-8"))
    patterns = sorted({c["pattern"] for c in corpus})
    messages = sorted({c["message"] for c in corpus})
    pset = PatternSet(patterns)
    compiled = [compile_pattern(p) for p in patterns]
    for m in messages:
        assert pset.matches(LogEvent(m)) == [p.matches(LogEvent(m)) for p in compiled], m


def cis_texts() -> list[str]:
    controls = json.loads(reference("cis_patterns.json").read_text(encoding="utf-8"))
    out = []
    for c in controls:
        for text in c["pattern_by_version"].values():
            for t in text if isinstance(text, list) else [text]:
                try:
                    compile_pattern(t)
                except Exception:  # noqa: BLE001 - the published v6/v7 Organizations text is invalid
                    continue
                out.append(t)
    return sorted(set(out))


def test_cis_patterns_on_real_and_crafted_records() -> None:
    records = []
    for path in sorted(reference("samples/cloudtrail/invictus-ir_aws_dataset").glob("*.json.gz"))[:10]:
        with gzip.open(path, "rb") as fh:
            records += orjson.loads(fh.read())["Records"]
    crafted = [
        {
            "eventName": "ConsoleLogin",
            "additionalEventData": {"MFAUsed": "No"},
            "userIdentity": {"type": "IAMUser"},
            "responseElements": {"ConsoleLogin": "Success"},
        },
        {"eventName": "ConsoleLogin", "errorMessage": "Failed authentication"},
        {"userIdentity": {"type": "Root"}, "eventType": "AwsApiCall", "eventName": "ListBuckets"},
        {"errorCode": "Client.UnauthorizedOperation", "eventName": "RunInstances"},
        {"errorCode": "AccessDenied", "eventName": "HeadBucket", "sourceIPAddress": "1.2.3.4"},
        {"eventSource": "kms.amazonaws.com", "eventName": "ScheduleKeyDeletion"},
        {"eventName": "Create\u0054rail"},
    ]
    messages = [orjson.dumps(r).decode() for r in records + crafted] + ['{"eventName": "Create\\u0054rail"}']
    texts = cis_texts()
    pset = PatternSet(texts)
    compiled = [compile_pattern(t) for t in texts]
    total = 0
    for m in messages:
        expected = [p.matches(m) for p in compiled]
        total += sum(expected)
        assert pset.matches(m) == expected, m
    assert total >= len(crafted)


def test_guards_are_chosen_on_shared_selectors() -> None:
    pset = PatternSet(
        ["{ $.eventName = A || $.eventName = B }", "{ $.eventSource = s && $.eventName = C }", "ERROR"]
    )
    assert len(pset.guards) == 1  # both JSON patterns are guarded on $.eventName
    assert pset.always == [2]
    assert pset.matching('{"eventName": "C", "eventSource": "s"}') == [1]
    assert pset.matching("ERROR {}") == [2]


def test_no_guard_for_numeric_text_or_negations() -> None:
    assert guard_options(compile_pattern('{ $.a = "1" }').ast.expr) == []
    assert guard_options(compile_pattern("{ $.a != x }").ast.expr) == []
    assert guard_options(compile_pattern("{ $.a = x || $.b = y }").ast.expr) == []
