"""Same inputs give byte-identical datasets whatever --jobs; different students get different data."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from simulator.engine import ALL_SOURCES, RunConfig, run
from simulator.engine.context import DEFAULT_START


def digest_tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def config(**kw) -> RunConfig:
    base = dict(seed=11, start=DEFAULT_START, duration_seconds=3 * 3600, scale=25, sources=ALL_SOURCES)
    base.update(kw)
    return RunConfig(**base)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    a, b = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    ra = run(config(jobs=1), a)
    rb = run(config(jobs=2), b)
    return a, b, ra, rb


def test_runs_are_byte_identical_across_jobs(two_runs):
    a, b, ra, rb = two_runs
    da, db = digest_tree(a), digest_tree(b)
    assert da == db and len(da) > 10
    assert (a / "manifest.json").read_bytes() == (b / "manifest.json").read_bytes()


def test_manifest_sha256_matches_files(two_runs):
    a, _, ra, _ = two_runs
    listed = {f["path"]: f["sha256"] for f in json.loads((a / "manifest.json").read_text())["files"]}
    on_disk = digest_tree(a)
    on_disk.pop("manifest.json")
    assert listed == on_disk


def _cloudtrail(root: Path) -> list[dict]:
    return [
        r
        for p in sorted(root.glob("s3/**/*.json.gz"))
        if "CloudTrail" in p.name
        for r in json.loads(gzip.decompress(p.read_bytes()))["Records"]
    ]


def test_students_differ_in_identities_ips_and_times(two_runs, tmp_path):
    a, _, _, _ = two_runs
    run(config(student="student-7", sources=("cloudtrail",)), tmp_path)
    mine, theirs = _cloudtrail(a), _cloudtrail(tmp_path)
    assert mine and theirs

    def field(recs, f):
        return {f(r) for r in recs}

    assert field(mine, lambda r: r["recipientAccountId"]).isdisjoint(
        field(theirs, lambda r: r["recipientAccountId"])
    )
    principals = lambda r: r["userIdentity"].get("principalId")  # noqa: E731
    assert (field(mine, principals) - {None}).isdisjoint(field(theirs, principals) - {None})
    humans = lambda r: r["userIdentity"].get("userName", "svc-")  # noqa: E731
    mine_h = {u for u in field(mine, humans) if not u.startswith("svc-")}
    assert mine_h and mine_h.isdisjoint(field(theirs, humans))
    ips = lambda r: r["sourceIPAddress"] if r["sourceIPAddress"][0].isdigit() else None  # noqa: E731
    common_ips = field(mine, ips) & field(theirs, ips) - {None}
    assert len(common_ips) < 0.2 * len(field(mine, ips)), common_ips
    times = lambda r: (r["eventTime"], r["eventName"])  # noqa: E731
    assert len(field(mine, times) & field(theirs, times)) < 0.2 * len(field(mine, times))


def test_a_source_does_not_depend_on_which_other_sources_run(two_runs, tmp_path):
    a, _, _, _ = two_runs
    run(config(sources=("cloudtrail",)), tmp_path)
    alone = {k: v for k, v in digest_tree(tmp_path).items() if k != "manifest.json"}
    together = {k: v for k, v in digest_tree(a).items() if k in alone}
    assert alone and together == alone
