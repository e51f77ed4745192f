"""The CIS behaviour report agrees with the published patterns (shared/reference/cis_patterns.json):
every control's canonical pattern passes its own control, and the Security Hub mode is exact-string."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.filterpattern import compile_pattern
from grader.grading.cis import Candidate, check_control, cis_report, controls
from grader.grading.cis_corpus import corpus

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference" / "cis_patterns.json"


@pytest.fixture(scope="module")
def published() -> list[dict]:
    if not SHARED.is_file():
        pytest.skip(f"reference material missing: {SHARED}")
    return json.loads(SHARED.read_text())


def test_packaged_controls_match_the_reference(published):
    mine = {c["id"]: c for c in controls()}
    assert list(mine) == [c["id"] for c in published]
    for c in published:
        assert mine[c["id"]]["pattern"] == c["pattern"]
        assert mine[c["id"]]["securityhub_pattern"] == c["securityhub_pattern"]
    assert set(corpus()) == set(mine)


def test_every_canonical_pattern_covers_its_own_control(published):
    for c in published:
        result = check_control(c["id"], [Candidate("canonical", compile_pattern(c["pattern"]), True)])
        assert result.status == "covered", (c["id"], result)
        assert result.caught == result.total > 0


def test_every_version_of_a_pattern_catches_the_events(published):
    # older versions: still catch what they list; the known historical differences are asserted explicitly
    for c in published:
        for version, patterns in c["pattern_by_version"].items():
            for text in patterns if isinstance(patterns, list) else [patterns]:
                try:
                    pattern = compile_pattern(text)
                except Exception:
                    continue  # e.g. the v1.3.0 `$eventName` typo copy: AWS rejects it too
                r = check_control(c["id"], [Candidate(version, pattern, True)])
                if c["id"] == "security-group-changes" and version < "5.0.0":
                    assert r.status == "partial" and r.missed == ["ModifySecurityGroupRules"], (version, r)
                elif c["id"] == "unauthorized-api-calls" and version in ("1.2.0", "1.3.0", "1.4.0", "1.5.0"):
                    assert r.status == "noisy", (
                        version,
                        r,
                    )  # no exclusions (1.2.0) or the OR-chain bug (1.3-1.5)
                else:
                    assert r.status == "covered", (c["id"], version, r)


def test_a_pattern_for_one_control_does_not_cover_the_others(published):
    sg = next(c for c in published if c["id"] == "security-group-changes")
    report = cis_report([Candidate("sg", compile_pattern(sg["pattern"]), True)])
    assert {r.id for r in report if r.status != "missing"} == {"security-group-changes"}


def test_unwired_noisy_and_partial():
    pattern = compile_pattern("{ $.eventName = StopLogging }")
    r = check_control("cloudtrail-config-changes", [Candidate("f", pattern, True)])
    assert r.status == "partial" and r.caught == 1 and "CreateTrail" in r.missed
    r = check_control(
        "cloudtrail-config-changes",
        [Candidate("f", compile_pattern('{ $.eventSource = "cloudtrail.amazonaws.com" }'), True)],
    )
    assert r.status == "noisy" and "DescribeTrails" in r.benign_matched
    canonical = next(c for c in controls() if c["id"] == "cloudtrail-config-changes")["pattern"]
    r = check_control("cloudtrail-config-changes", [Candidate("f", compile_pattern(canonical), False)])
    assert r.status == "unwired"


def test_filters_can_share_a_control():
    parts = [
        "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) }",
        "{ ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
    ]
    r = check_control(
        "cloudtrail-config-changes",
        [Candidate(str(i), compile_pattern(p), True) for i, p in enumerate(parts)],
    )
    assert r.status == "covered" and r.filters == ["0", "1"]


def test_strict_securityhub_is_exact_string(published):
    for c in published:
        if not c["securityhub_pattern"]:
            continue
        exact = cis_report(
            [Candidate("sh", compile_pattern(c["securityhub_pattern"]), True)], strict="securityhub"
        )
        assert next(r for r in exact if r.id == c["id"]).securityhub == "PASSED"
        spaced = c["securityhub_pattern"].replace("{", "{ ", 1)
        other = cis_report([Candidate("sh", compile_pattern(spaced), True)], strict="securityhub")
        assert (
            next(r for r in other if r.id == c["id"]).securityhub == "FAILED"
        )  # same behaviour, other string
        unwired = cis_report(
            [Candidate("sh", compile_pattern(c["securityhub_pattern"]), False)], strict="securityhub"
        )
        assert next(r for r in unwired if r.id == c["id"]).securityhub == "FAILED"
    orgs = cis_report([], strict="securityhub")[-1]
    assert orgs.id == "organizations-changes" and orgs.securityhub is None
