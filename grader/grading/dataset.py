"""A generated dataset as the grader reads it: manifest, CloudWatch Logs events, labels, scenario truth.

Layout: docs/datasets.md (``manifest.json``, ``cloudwatch/<group>/<stream>/<window>.jsonl.gz`` holding
GetLogEvents-shaped lines, ``labels/<source>/*.jsonl.gz``) plus, for scenario datasets,
``scenario/scenario.json`` (timeline, expected detections, reference solution) and
``scenario/answer_key.json``. Log events are read lazily per log group and kept for the life of the
object, so several submissions graded against one dataset share the work.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson

from grader.filterpattern import LogEvent
from grader.grading.errors import GradingInputError

_SCENARIO_MARK = b'"label":"scenario"'
_FIELD = re.compile(r"[^ \t]+")


def fast_fields(message: str) -> list[tuple[int, str]] | None:
    """``grader.filterpattern.event.split_fields`` for lines without quotes or brackets (flow logs),
    about ten times faster; None when the general splitter is needed."""
    if '"' in message or "[" in message:
        return None
    if not message or "\t" in message or "  " in message or message[0] == " " or message[-1] == " ":
        return [(m.start(), m.group()) for m in _FIELD.finditer(message)]
    parts = message.split(" ")
    out, pos = [], 0
    for part in parts:
        out.append((pos, part))
        pos += len(part) + 1
    return out


@dataclass(frozen=True)
class Label:
    """A scenario record's label (benign records have no Label)."""

    scenario: str
    step: str
    technique: str


@dataclass
class GroupEvents:
    """Every event of one log group: time-ordered ``LogEvent`` s and where each came from."""

    name: str
    source: str  # "cloudtrail" | "flow"
    events: list[LogEvent]
    origins: list[tuple[str, int]]  # (file relative to the dataset, 1-based line)


@dataclass
class Dataset:
    root: Path
    manifest: dict[str, Any]
    scenario: dict[str, Any] | None = None
    answer_key: dict[str, Any] | None = None
    _groups: dict[str, GroupEvents] = field(default_factory=dict, repr=False)
    _ct_labels: dict[str, Label] | None = field(default=None, repr=False)
    _line_labels: dict[tuple[str, int], Label] | None = field(default=None, repr=False)
    _event_names: dict[str, set[str]] = field(default_factory=dict, repr=False)
    memo: dict[str, Any] = field(default_factory=dict, repr=False)  # per-dataset results shared by gradings

    # --- manifest views ---------------------------------------------------------------------
    @property
    def start_ms(self) -> int:
        return _iso_ms(self.manifest["time_range"]["start"])

    @property
    def end_ms(self) -> int:
        return _iso_ms(self.manifest["time_range"]["end"])

    @property
    def region(self) -> str:
        return str(self.manifest.get("world", {}).get("home_region", "us-east-1"))

    @property
    def accounts(self) -> list[dict[str, Any]]:
        return list(self.manifest.get("world", {}).get("accounts", []))

    @property
    def home_account(self) -> str:
        """The account a submission deploys into (${AWS::AccountId}): the production account."""
        for a in self.accounts:
            if a.get("kind") == "prod":
                return str(a["id"])
        return str(self.accounts[0]["id"]) if self.accounts else "111111111111"

    @property
    def log_groups(self) -> dict[str, str]:
        """Log group name -> source, in manifest order."""
        return {g["name"]: g["source"] for g in self.manifest.get("log_groups", [])}

    def log_group_for(self, kind: str, account_kind: str = "prod") -> str | None:
        """The CloudTrail (``kind='cloudtrail'``) or flow log group of an account kind."""
        acct = next((a for a in self.accounts if a.get("kind") == account_kind), None)
        if acct is None:
            return None
        if kind == "cloudtrail":
            for t in self.manifest.get("world", {}).get("trails", []):
                if t.get("account_id") == acct["id"] and t.get("log_group"):
                    return str(t["log_group"])
            return None
        alias = acct.get("alias", "")
        return next((n for n, s in self.log_groups.items() if s == "flow" and n.endswith("/" + alias)), None)

    @property
    def detections(self) -> list[dict[str, Any]]:
        return list((self.scenario or {}).get("detections", []))

    @property
    def scenario_id(self) -> str | None:
        return (self.scenario or {}).get("id")

    # --- events -----------------------------------------------------------------------------
    def group(self, name: str) -> GroupEvents:
        """All events of a log group, time-ordered (loaded once)."""
        if name in self._groups:
            return self._groups[name]
        source = self.log_groups.get(name)
        if source is None:
            raise KeyError(name)
        base = self.root / "cloudwatch" / quote(name, safe="")
        rows: list[tuple[int, str, str, int]] = []
        if base.is_dir():
            for path in sorted(base.glob("*/*.jsonl.gz")):
                rel = path.relative_to(self.root).as_posix()
                with gzip.open(path, "rb") as fh:
                    data = fh.read()
                for n, line in enumerate(data.split(b"\n"), 1):
                    if not line:
                        continue
                    try:
                        row = orjson.loads(line)
                        rows.append((int(row["timestamp"]), row["message"], rel, n))
                    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as e:
                        raise GradingInputError(rel, f"line {n}: not a log event ({e})") from None
        rows.sort(key=lambda r: r[0])
        events = [LogEvent(m, ts) for ts, m, _, _ in rows]
        if source != "cloudtrail":
            for ev in events:
                ev._fields = fast_fields(ev.message)  # None keeps the engine's own splitter
        g = GroupEvents(name, source, events, [(f, n) for _, _, f, n in rows])
        self._groups[name] = g
        return g

    def cloudtrail_groups(self) -> list[str]:
        return [n for n, s in self.log_groups.items() if s == "cloudtrail"]

    def event_names(self, group: str, selector: str = "eventName") -> set[str]:
        """Distinct values of a top-level CloudTrail field in a group (for did-you-mean feedback)."""
        key = f"{group}\0{selector}"
        if key not in self._event_names:
            out: set[str] = set()
            for ev in self.group(group).events:
                doc = ev.json
                if doc is not None and isinstance(doc.get(selector), str):
                    out.add(doc[selector])
            self._event_names[key] = out
        return self._event_names[key]

    # --- labels -----------------------------------------------------------------------------
    def _load_labels(self) -> None:
        ct: dict[str, Label] = {}
        lines: dict[tuple[str, int], Label] = {}
        labels_dir = self.root / "labels"
        for path in sorted(labels_dir.glob("*/*.jsonl.gz")) if labels_dir.is_dir() else []:
            with gzip.open(path, "rb") as fh:
                for raw in fh:
                    if _SCENARIO_MARK not in raw:
                        continue
                    row = orjson.loads(raw)
                    label = Label(row.get("scenario", ""), row.get("step", ""), row.get("technique", ""))
                    if "eventID" in row:
                        ct[row["eventID"]] = label
                    elif "file" in row:
                        first = row.get("line", row.get("first_line"))
                        last = row.get("line", row.get("last_line", first))
                        for n in range(int(first), int(last) + 1):
                            lines[(row["file"], n)] = label
        self._ct_labels, self._line_labels = ct, lines

    def label_of(self, group: GroupEvents, index: int) -> Label | None:
        """The scenario label of one event of a group, None when benign."""
        if self._ct_labels is None:
            self._load_labels()
        assert self._ct_labels is not None and self._line_labels is not None
        if group.source == "cloudtrail":
            doc = group.events[index].json
            event_id = doc.get("eventID") if doc else None
            return self._ct_labels.get(event_id) if isinstance(event_id, str) else None
        return self._line_labels.get(group.origins[index])

    def scenario_record_count(self) -> int:
        if self._ct_labels is None:
            self._load_labels()
        return len(self._ct_labels or {}) + len(self._line_labels or {})


def _iso_ms(text: str) -> int:
    import datetime as dt

    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def _read_json(path: Path) -> Any:
    try:
        return orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as e:
        raise GradingInputError(str(path), f"not valid JSON ({e})") from None


def load_dataset(root: str | Path) -> Dataset:
    """Open a generated dataset folder (raises GradingInputError naming what is missing)."""
    root = Path(root)
    manifest_path = root / "manifest.json"
    if not manifest_path.is_file():
        raise GradingInputError(
            str(root), "not a trailwatch dataset (no manifest.json); run `trailwatch generate`"
        )
    manifest = _read_json(manifest_path)
    for key in ("time_range", "log_groups"):
        if key not in manifest:
            raise GradingInputError(str(manifest_path), f"missing {key!r}")
    scenario = answer_key = None
    if (root / "scenario" / "scenario.json").is_file():
        scenario = _read_json(root / "scenario" / "scenario.json")
    if (root / "scenario" / "answer_key.json").is_file():
        answer_key = _read_json(root / "scenario" / "answer_key.json")
    return Dataset(root, manifest, scenario, answer_key)
