"""CIS AWS Foundations monitoring controls (15) checked by behaviour, with an optional Security Hub mode.

Behaviour: a control is *covered* when the learner's filters on a CloudTrail log group together catch
every canonical event of the control (cis_corpus) while each of those filters passes every benign
look-alike, and a filter's metric has an alarm whose action reaches an SNS topic with a subscriber (the
audit's last step). ``partial`` catches some canonical events; ``noisy`` catches them but also benign
ones; ``unwired`` catches them but nobody is notified.

``--strict securityhub`` adds what Security Hub's CloudWatch.1-14 controls report: PASSED only when a
filter's pattern is *exactly* the documented string ("fails if the exact metric filter is not used;
extra fields or terms are not allowed", cis-monitoring-controls.md), with the alarm and a subscribed
topic. Organizations changes have no Security Hub control.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import orjson

from grader.filterpattern import FilterPattern, LogEvent
from grader.grading.cis_corpus import corpus


@lru_cache(maxsize=1)
def controls() -> list[dict[str, Any]]:
    text = resources.files("grader.grading").joinpath("cis_controls.json").read_text(encoding="utf-8")
    return list(json.loads(text)["controls"])


@lru_cache(maxsize=1)
def _events() -> dict[str, tuple[list[LogEvent], list[LogEvent]]]:
    return {
        cid: (
            [LogEvent(orjson.dumps(r).decode()) for r in c["positives"]],
            [LogEvent(orjson.dumps(r).decode()) for r in c["negatives"]],
        )
        for cid, c in corpus().items()
    }


@dataclass(frozen=True)
class Candidate:
    """One learner filter as the CIS check sees it."""

    name: str
    pattern: FilterPattern
    notified: bool  # an alarm on its metric reaches a subscribed topic


@dataclass
class ControlResult:
    id: str
    title: str
    cis: dict[str, Any]
    status: str  # covered | unwired | noisy | partial | missing
    caught: int
    total: int
    filters: list[str] = field(default_factory=list)
    benign_matched: list[str] = field(default_factory=list)  # event names of benign look-alikes matched
    missed: list[str] = field(default_factory=list)
    securityhub: str | None = None  # PASSED | FAILED | None (no control / not requested)
    securityhub_control: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def _name(ev: LogEvent) -> str:
    doc = ev.json or {}
    extra = doc.get("errorCode") or (doc.get("additionalEventData") or {}).get("MFAUsed")
    return f"{doc.get('eventName')}" + (f" ({extra})" if extra else "")


def check_control(control_id: str, candidates: list[Candidate]) -> ControlResult:
    spec = next(c for c in controls() if c["id"] == control_id)
    positives, negatives = _events()[control_id]
    useful: list[Candidate] = []
    caught: set[int] = set()
    benign: list[str] = []
    for cand in candidates:
        hits = {i for i, ev in enumerate(positives) if cand.pattern.matches(ev)}
        if not hits:
            continue
        useful.append(cand)
        caught |= hits
        benign += [_name(ev) for ev in negatives if cand.pattern.matches(ev)]
    missed = [_name(ev) for i, ev in enumerate(positives) if i not in caught]
    if not caught:
        status = "missing"
    elif missed:
        status = "partial"
    elif benign:
        status = "noisy"
    elif not any(c.notified for c in useful):
        status = "unwired"
    else:
        status = "covered"
    return ControlResult(
        spec["id"],
        spec["title"],
        spec["cis"],
        status,
        len(caught),
        len(positives),
        [c.name for c in useful],
        sorted(set(benign)),
        missed,
        securityhub_control=spec.get("securityhub_control"),
    )


def securityhub_status(control: dict[str, Any], candidates: list[Candidate]) -> str | None:
    expected = control.get("securityhub_pattern")
    if not expected:
        return None
    ok = any(c.pattern.text == expected and c.notified for c in candidates)
    return "PASSED" if ok else "FAILED"


def cis_report(candidates: list[Candidate], *, strict: str | None = None) -> list[ControlResult]:
    """One result per control, in benchmark order."""
    out = []
    for spec in controls():
        result = check_control(spec["id"], candidates)
        if strict == "securityhub":
            result.securityhub = securityhub_status(spec, candidates)
        out.append(result)
    return out
