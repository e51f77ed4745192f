"""What a replay sends and when: a dataset's events on one timeline, mapped onto the clock.

``load_replay(DIR)`` reads a dataset written by ``trailwatch generate`` (docs/datasets.md; files checked by
simulator.backends.dataset) into one time-ordered list of items: every CloudWatch Logs event (CloudTrail
records, flow-log lines) and, optionally, every S3 object (placed at the delivery stamp in its key). Attack
steps come from ``scenario/scenario.json`` when the dataset has one, else from the CloudTrail labels
(records labelled ``scenario``, grouped by step).

``TimeMap`` maps dataset time onto replay time: the baseline runs ``speed`` times faster, the attack steps
(plus a margin: 60 s before, 300 s after, so an alarm with a 5-minute period sees a whole period of the
attack) run in real time, so alarms with 1- and 5-minute periods see the step's events spread as they were.

``retime`` rewrites an item for its replay time: a CloudTrail record's ``eventTime`` (the message and the
event timestamp), a flow-log line's ``start``/``end`` (fields 11 and 12 of the default and the world's
custom format) shift by the same amount; other messages keep their text and get the new timestamp.
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from simulator.backends.dataset import Dataset, load_dataset, read_stream_events

BEFORE_STEP_S = 60
AFTER_STEP_S = 300
_EVENT_TIME = re.compile(rb'"eventTime":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"')
_KEY_STAMP = re.compile(r"_(\d{8}T\d{4})Z_")


@dataclass(frozen=True, slots=True)
class ReplayItem:
    t_ms: int  # dataset time
    kind: str  # "log" or "s3"
    group: str = ""  # log group, or bucket for s3
    stream: str = ""  # log stream, or key for s3
    message: str = ""  # log message
    path: Path | None = None  # s3 object file


@dataclass(frozen=True)
class AttackStep:
    step: str
    start_ms: int
    end_ms: int


@dataclass
class ReplayPlan:
    dataset: Dataset
    items: list[ReplayItem]
    steps: list[AttackStep]
    start_ms: int = field(default=0)
    end_ms: int = field(default=0)


def _iso_ms(text: str) -> int:
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def _steps_from_summary(root: Path) -> list[AttackStep] | None:
    path = root / "scenario" / "scenario.json"
    if not path.is_file():
        return None
    summary = orjson.loads(path.read_bytes())
    return [AttackStep(e["step"], _iso_ms(e["time"]), _iso_ms(e["end"])) for e in summary.get("timeline", [])]


def _steps_from_labels(root: Path, items: list[ReplayItem]) -> list[AttackStep]:
    step_of: dict[str, str] = {}
    for path in sorted((root / "labels" / "cloudtrail").glob("*.jsonl.gz")):
        for line in gzip.decompress(path.read_bytes()).splitlines():
            label = orjson.loads(line)
            if label.get("label") == "scenario" and "eventID" in label:
                step_of[label["eventID"]] = str(label.get("step"))
    if not step_of:
        return []
    spans: dict[str, list[int]] = {}
    for item in items:
        if item.kind != "log" or '"eventID"' not in item.message:
            continue
        doc = orjson.loads(item.message)
        step = step_of.get(doc.get("eventID", ""))
        if step is not None:
            spans.setdefault(step, []).append(item.t_ms)
    return sorted((AttackStep(s, min(v), max(v)) for s, v in spans.items()), key=lambda a: a.start_ms)


def _s3_time(key: str, fallback: int) -> int:
    m = _KEY_STAMP.search(key)
    if not m:
        return fallback
    return int(dt.datetime.strptime(m.group(1), "%Y%m%dT%H%M").replace(tzinfo=dt.UTC).timestamp() * 1000)


def load_replay(root: Path, include_s3: bool = True, lead_in_s: int | None = None) -> ReplayPlan:
    """Every event of the dataset at ``root`` in time order, with its attack steps; ``lead_in_s`` keeps only
    the baseline from that long before the first attack step on."""
    dataset = load_dataset(root)
    items: list[ReplayItem] = []
    for stream in dataset.streams:
        events = read_stream_events(stream)
        items.extend(
            ReplayItem(ts, "log", stream.group, stream.stream, msg)
            for ts, msg in zip(events.timestamps, events.messages, strict=True)
        )
    first = min((i.t_ms for i in items), default=0)
    if include_s3:
        items.extend(
            ReplayItem(_s3_time(o.key, first), "s3", o.bucket, o.key, path=o.path) for o in dataset.objects
        )
    items.sort(key=lambda i: (i.t_ms, i.kind, i.group, i.stream))
    steps = _steps_from_summary(root)
    if steps is None:
        steps = _steps_from_labels(root, items)
    if lead_in_s is not None and steps:
        cut = steps[0].start_ms - lead_in_s * 1000
        items = [i for i in items if i.t_ms >= cut]
    plan = ReplayPlan(dataset, items, steps)
    if items:
        plan.start_ms, plan.end_ms = items[0].t_ms, items[-1].t_ms
    return plan


class TimeMap:
    """Dataset milliseconds -> replay seconds after the start: attack windows 1:1, the rest / speed."""

    def __init__(self, origin_ms: int, steps: list[AttackStep], speed: float) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be > 0, got {speed}")
        self.origin_ms = origin_ms
        self.speed = speed
        windows: list[list[int]] = []
        for s in sorted(steps, key=lambda a: a.start_ms):
            lo, hi = s.start_ms - BEFORE_STEP_S * 1000, s.end_ms + AFTER_STEP_S * 1000
            if windows and lo <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], hi)
            else:
                windows.append([lo, hi])
        self.windows = [(lo, hi) for lo, hi in windows]
        # breakpoints of the piecewise-linear map: (dataset ms, replay seconds)
        xs, ys, rates = [origin_ms], [0.0], []
        for lo, hi in self.windows:
            for edge, rate_before in ((lo, 1 / speed), (hi, 1.0)):
                if edge > xs[-1]:
                    ys.append(ys[-1] + (edge - xs[-1]) / 1000 * rate_before)
                    xs.append(edge)
                    rates.append(rate_before)
        self._xs, self._ys, self._rates = xs, ys, rates

    def in_attack(self, t_ms: int) -> bool:
        return any(lo <= t_ms <= hi for lo, hi in self.windows)

    def _rate_after(self, i: int) -> float:
        # past the last breakpoint (always the end of an attack window, or the origin) the baseline runs
        return self._rates[i] if i < len(self._rates) else 1 / self.speed

    def seconds(self, t_ms: int) -> float:
        """Replay seconds from the origin to dataset time ``t_ms``."""
        i = max(0, bisect_right(self._xs, t_ms) - 1)
        return self._ys[i] + (t_ms - self._xs[i]) / 1000 * self._rate_after(i)

    def dataset_ms(self, seconds: float) -> int:
        """The dataset time reached ``seconds`` after the origin (inverse of ``seconds``)."""
        i = max(0, bisect_right(self._ys, seconds) - 1)
        rate = self._rate_after(i)
        return int(self._xs[i] + (seconds - self._ys[i]) / rate * 1000)


def _iso_second(ms: int) -> bytes:
    return dt.datetime.fromtimestamp(ms // 1000, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()


def retime(item: ReplayItem, new_ms: int) -> tuple[int, str]:
    """(timestamp, message) of a log item replayed at ``new_ms``."""
    message = item.message
    shift_s = (new_ms - item.t_ms) // 1000
    if message.startswith("{") and '"eventTime"' in message:
        raw = message.encode()
        m = _EVENT_TIME.search(raw)
        if m:
            old = _iso_ms(m.group(1).decode())
            stamped = old + (new_ms - item.t_ms)
            raw = raw[: m.start(1)] + _iso_second(stamped) + raw[m.end(1) :]
            return stamped // 1000 * 1000, raw.decode()
        return new_ms, message
    fields = message.split(" ")
    if len(fields) >= 14 and fields[0].isdigit() and fields[10].isdigit() and fields[11].isdigit():
        fields[10] = str(int(fields[10]) + shift_s)
        fields[11] = str(int(fields[11]) + shift_s)
        return new_ms, " ".join(fields)
    return new_ms, message
