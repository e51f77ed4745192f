"""Readers for generated datasets shared by the `trailwatch generate --scenario` tests: every record of every
file with its label, so tests can compare the scenario-labelled records with what the steps produced."""

from __future__ import annotations

import gzip
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import orjson

LINE_SOURCES = ("flow", "alb", "s3")


@dataclass
class Dataset:
    root: Path
    manifest: dict
    labels: list[dict] = field(default_factory=list)

    @classmethod
    def read(cls, root: Path) -> Dataset:
        manifest = orjson.loads((root / "manifest.json").read_bytes())
        labels = [
            orjson.loads(line)
            for f in manifest["files"]
            if f["kind"] == "labels"
            for line in gzip.decompress((root / f["path"]).read_bytes()).splitlines()
        ]
        return cls(root, manifest, labels)

    def files(self, source: str, kind: str | None = None) -> list[dict]:
        return [f for f in self.manifest["files"] if f["source"] == source and f["kind"] == (kind or f["kind"])
                and f["kind"] != "labels"]

    def text_lines(self, path: str) -> list[bytes]:
        data = (self.root / path).read_bytes()
        if path.endswith(".gz"):
            data = gzip.decompress(data)
        return data.splitlines()

    def cloudtrail_records(self, kind: str = "s3") -> list[dict]:
        """Every CloudTrail record of the trail files (kind "s3") or the CloudWatch Logs copies ("cloudwatch")."""
        out = []
        for f in self.files("cloudtrail", kind):
            if kind == "s3":
                out.extend(orjson.loads(gzip.decompress((self.root / f["path"]).read_bytes()))["Records"])
            else:
                out.extend(orjson.loads(orjson.loads(line)["message"]) for line in self.text_lines(f["path"]))
        return out


def line_record(path: str, line: bytes) -> str:
    """The record text of one line (CloudWatch Logs files hold it as the event's message)."""
    if path.startswith("cloudwatch/"):
        return orjson.loads(line)["message"]
    return line.decode()


def check_line_labels(ds: Dataset, source: str) -> Counter:
    """Assert every record line of every file of a line source is labelled exactly once (headers never);
    returns the scenario lines as a Counter of (step, technique, record text)."""
    by_file: dict[str, list[dict]] = {}
    for x in ds.labels:
        if x["source"] == source:
            by_file.setdefault(x["file"], []).append(x)
    files = ds.files(source)
    assert set(by_file) == {f["path"] for f in files}, f"{source}: labelled files differ from written files"
    scenario: Counter = Counter()
    for f in files:
        first = 2 if f["kind"] == "s3" and source == "flow" else 1  # the flow-log S3 header is line 1
        covered = Counter()
        for x in by_file[f["path"]]:
            lo, hi = (x["line"], x["line"]) if "line" in x else (x["first_line"], x["last_line"])
            covered.update(range(lo, hi + 1))
        assert sorted(covered) == list(range(first, first + f["records"])), f"{f['path']}: lines not covered once"
        assert max(covered.values(), default=1) == 1, f"{f['path']}: a line is labelled twice"
        marked = [x for x in by_file[f["path"]] if x["label"] == "scenario"]
        if marked:
            lines = ds.text_lines(f["path"])
            assert len(lines) == f["records"] + first - 1
            for x in marked:
                scenario[(x["step"], x["technique"], line_record(f["path"], lines[x["line"] - 1]))] += 1
    return scenario


def injected_lines(injections, source: str) -> Counter:
    out: Counter = Counter()
    for i in injections:
        if i.source == source:
            line = i.payload["line"] if isinstance(i.payload, dict) else i.payload
            out[(i.step, i.technique, (line if isinstance(line, str) else line.decode()).rstrip("\n"))] += 1
    return out


def check_scenario_records(ds: Dataset, injections, sources: tuple[str, ...]) -> None:
    """The scenario-labelled records of the dataset are exactly the injected ones of the selected sources, and
    every record of every file is labelled exactly once."""
    if "cloudtrail" in sources:
        records = ds.cloudtrail_records()
        ids = [r["eventID"] for r in records]
        ct_labels = [x for x in ds.labels if x["source"] == "cloudtrail"]
        assert sorted(ids) == sorted(x["eventID"] for x in ct_labels), "CloudTrail labels differ from the records"
        assert len(set(ids)) == len(ids)
        labelled = sorted((x["step"], x["technique"], x["eventID"]) for x in ct_labels if x["label"] == "scenario")
        expected = sorted((i.step, i.technique, i.payload["eventID"]) for i in injections if i.source == "cloudtrail")
        assert labelled == expected
        by_id = {r["eventID"]: r for r in records}
        for i in injections:
            if i.source == "cloudtrail":
                assert by_id[i.payload["eventID"]]["eventName"] == i.payload["eventName"]
    for source in LINE_SOURCES:
        if source in sources:
            assert check_line_labels(ds, source) == injected_lines(injections, source), source
