"""Feedback a learner can act on, computed from the evaluation (never revealing answers).

Each function returns plain sentences: typo'd event names with a did-you-mean from the dataset's real
values, thresholds the attack never reached (with the attack's largest value per period), alarms whose
topic has no subscriber, patterns that match many benign events, rules whose detail-type or source does
not match how EventBridge delivers CloudTrail events, filters on log groups the dataset does not have.
"""

from __future__ import annotations

import difflib
from typing import Any

import orjson

from grader.eventbridge import cloudtrail_to_eventbridge, delivered_to_rule
from grader.filterpattern.ast import And, Comparison, JsonPattern, Or, StringValue
from grader.grading.dataset import Dataset
from grader.grading.detections import DetectionOutcome, FalseAlarms, iso
from grader.grading.evaluate import AlarmRun, Evaluation, FilterRun
from grader.grading.rules import RuleRun


def did_you_mean(value: str, candidates: set[str] | list[str], cutoff: float = 0.75) -> str | None:
    found = difflib.get_close_matches(value, sorted(candidates), n=1, cutoff=cutoff)
    return found[0] if found and found[0] != value else None


def pattern_literals(ast: object, field: str) -> list[str]:
    """Exact string values a JSON pattern compares ``$.<field>`` with (``=`` only, no wildcards)."""
    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, JsonPattern):
            walk(node.expr)
        elif isinstance(node, (And, Or)):
            for item in node.items:
                walk(item)
        elif isinstance(node, Comparison) and node.op == "=" and isinstance(node.value, StringValue):
            segs = node.selector.segments
            if len(segs) == 1 and segs[0].value == field and "*" not in node.value.text:
                out.append(node.value.text)

    walk(ast)
    return out


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def detection_records(ds: Dataset, spec: dict[str, Any]) -> list[tuple[str, int]]:
    """(log group, event index) of a detection's records present in CloudWatch Logs."""
    steps, scenario = set(spec.get("steps", [])), ds.scenario_id
    out: list[tuple[str, int]] = []
    wanted = set(spec.get("event_ids", []))
    sources = set(spec.get("records", {}))
    for name, source in ds.log_groups.items():
        if source not in sources:
            continue
        group = ds.group(name)
        if source == "cloudtrail":
            for i, ev in enumerate(group.events):
                at = ev.message.find('"eventID":"')
                if at >= 0 and ev.message[at + 11 : at + 47] in wanted:
                    out.append((name, i))
        else:
            for i in range(len(group.events)):
                lab = ds.label_of(group, i)
                if lab is not None and lab.scenario == scenario and lab.step in steps:
                    out.append((name, i))
    return out


def _names_of(ds: Dataset, records: list[tuple[str, int]], field: str = "eventName") -> dict[str, int]:
    counts: dict[str, int] = {}
    for group, i in records:
        doc = ds.group(group).events[i].json
        if doc is not None and isinstance(doc.get(field), str):
            counts[doc[field]] = counts.get(doc[field], 0) + 1
    return counts


def _filter_typos(ev: Evaluation, f: FilterRun, attack_names: dict[str, int] | None) -> list[str]:
    """Event names the filter compares with that no event has, when a real name is close.

    With ``attack_names`` (a missed detection) only hints naming one of the attack's events count."""
    if f.group.source != "cloudtrail":
        return []
    real = ev.dataset.event_names(f.group.name)
    out = []
    for literal in pattern_literals(f.mf.pattern.ast, "eventName"):
        if literal in real:
            continue
        # against every name of the dataset only a near-identical spelling counts (a one- or two-letter slip);
        # legitimate names that simply never occur (AttachRolePolicy) must not get a hint
        hint = (
            did_you_mean(literal, set(attack_names))
            if attack_names is not None
            else did_you_mean(literal, real, cutoff=0.9)
        )
        if not hint:
            continue
        n = (attack_names or {}).get(hint, 0)
        what = f"matched 0 of the {_plural(n, hint + ' event')}" if n else "matched nothing"
        out.append(
            f"your filter `{f.mf.pattern.text}` ({f.item.name}) {what}: no event has the name "
            f"{literal}; did you mean {hint}?"
        )
    return out


def _rule_is_about(run: RuleRun, attack_names: dict[str, int], sources: set[str]) -> bool:
    raw = run.item.body.get("EventPattern")
    pattern = orjson.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(pattern, dict):
        return False
    detail = pattern.get("detail") if isinstance(pattern.get("detail"), dict) else {}
    names = (
        [n for n in detail.get("eventName", []) if isinstance(n, str)]
        if isinstance(detail.get("eventName"), list)
        else []
    )
    if names:
        return any(n in attack_names or did_you_mean(n, set(attack_names)) for n in names)
    want = pattern.get("source")
    return isinstance(want, list) and bool(set(map(str, want)) & sources)


def _alarms_on(ev: Evaluation, f: FilterRun) -> list[AlarmRun]:
    return [a for a in ev.alarms if f in a.filters]


def _threshold_text(a: AlarmRun, first_ms: int, horizon_s: int) -> str | None:
    alarm = a.alarm
    lo, hi = first_ms / 1000, first_ms / 1000 + horizon_s + alarm.period * alarm.evaluation_periods
    values = [e.value for e in a.timeline.entries if lo <= e.timestamp <= hi and e.value is not None]
    peak = max(values) if values else 0.0
    shown = int(peak) if float(peak).is_integer() else round(peak, 3)
    thr = int(alarm.threshold) if float(alarm.threshold).is_integer() else alarm.threshold
    return (
        f"alarm {alarm.alarm_name!r} threshold {thr} ({alarm.comparison_operator}) never reached: the attack "
        f"produced at most {shown} ({alarm.stat_name} of {alarm.namespace}/{alarm.metric_name}) per "
        f"{alarm.period}-second period"
    )


def _rule_mismatch(ds: Dataset, run: RuleRun, records: list[tuple[str, int]]) -> str | None:
    events = []
    for group, i in records:
        doc = ds.group(group).events[i].json
        event = cloudtrail_to_eventbridge(doc) if doc is not None else None
        if event is not None:
            events.append(event)
    if not events:
        return None
    name = run.item.name
    if run.state == "DISABLED":
        return f"rule {name!r} is DISABLED: it receives no events"
    offered = [e for e in events if delivered_to_rule(e, run.state)]
    if not offered:
        return (
            f"rule {name!r} is ENABLED, and ENABLED rules do not receive read-only management events such as "
            f"{events[0]['detail']['eventName']}; use State ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
        )
    raw = run.item.body.get("EventPattern")
    pattern = orjson.loads(raw) if isinstance(raw, str) else raw  # compiled already, so valid JSON
    if not isinstance(pattern, dict):
        return None
    for key in ("detail-type", "source"):
        want = pattern.get(key)
        have = sorted({str(e[key]) for e in offered})
        if isinstance(want, list) and all(isinstance(w, str) for w in want) and not set(want) & set(have):
            hint = did_you_mean(str(want[0]), have) if want else None
            return (
                f"rule {name!r} expects {key} {want} but these CloudTrail events arrive with {key} "
                f"{have[0]!r}" + (f" (did you mean {hint!r}?)" if hint else "")
            )
    detail = pattern.get("detail")
    if isinstance(detail, dict) and isinstance(detail.get("eventName"), list):
        want = [w for w in detail["eventName"] if isinstance(w, str)]
        have = sorted({str(e["detail"].get("eventName")) for e in offered})
        if want and not set(want) & set(have):
            hint = next((h for h in (did_you_mean(w, have) for w in want) if h), None)
            return f"rule {name!r} expects eventName {want} but the attack's events are {have}" + (
                f"; did you mean {hint}?" if hint else ""
            )
    return (
        f"rule {name!r} did not match the attack's events: check its pattern with `trailwatch eventpattern`"
    )


def detection_feedback(ev: Evaluation, o: DetectionOutcome) -> list[str]:
    ds, scenario = ev.dataset, ev.dataset.scenario_id
    steps = set(o.spec.get("steps", []))
    if o.caught is not None:
        if o.on_time(o.caught):
            return []
        w = o.within_seconds
        return [
            f"{o.caught.kind} {o.caught.name!r} notified {o.seconds_to(o.caught):.0f} s after the first record; "
            f"a good detection fires within {w} s (shorter Period or fewer EvaluationPeriods?)"
        ]
    if o.fired is not None:
        return [
            f"{o.fired.kind} {o.fired.name!r} fired at {iso(o.fired.time_ms)} on this attack, but "
            f"{o.fired.delivery.problem}"
        ]
    out: list[str] = []
    records = detection_records(ds, o.spec)
    if not records:
        return [
            "the attack's records for this detection are not in any CloudWatch Logs log group of the dataset; "
            "an EventBridge rule or another source is needed"
        ]
    attack_names = _names_of(ds, records)
    groups = sorted({g for g, _ in records})
    seen = False
    for f in ev.filters:
        hits = sum(
            1 for lab in f.labels if lab is not None and lab.scenario == scenario and lab.step in steps
        )
        if hits:
            seen = True
            alarms = _alarms_on(ev, f)
            if not alarms:
                known = sorted({f"{a.alarm.namespace}/{a.alarm.metric_name}" for a in ev.alarms})
                out.append(
                    f"filter {f.item.name!r} matched {hits} of the attack's {len(records)} records, but no alarm "
                    f"watches its metric {f.mf.namespace}/{f.mf.name}"
                    + (f" (your alarms watch {', '.join(known)})" if known else "")
                )
            for a in alarms:
                before = [
                    s for s in a.signals if s.end_ms is not None and s.time_ms <= (o.first_ms or 0) < s.end_ms
                ]
                if before:
                    out.append(
                        f"alarm {a.alarm.alarm_name!r} was already in ALARM since {iso(before[0].time_ms)} "
                        "because of benign events, so the attack caused no new notification"
                    )
                else:
                    text = _threshold_text(a, o.first_ms or 0, o.within_seconds or 600)
                    if text:
                        out.append(text)
        elif f.group.name in groups:
            out.extend(_filter_typos(ev, f, attack_names))
    sources = {
        "aws." + str(src).removesuffix(".amazonaws.com") for src in _names_of(ds, records, "eventSource")
    }
    for run in ev.rules:
        if any(
            lab is not None and lab.scenario == scenario and lab.step in steps
            for s in run.signals
            for lab in s.trigger
        ):
            seen = True
            continue
        if not _rule_is_about(run, attack_names, sources):
            continue
        text = _rule_mismatch(ds, run, records)
        if text:
            out.append(text)
    for f in ev.filters:
        about = [n for n in pattern_literals(f.mf.pattern.ast, "eventName") if n in attack_names]
        if about and f.group.name not in groups:
            out.append(
                f"filter {f.item.name!r} looks for {', '.join(sorted(set(about)))} on log group {f.group.name}, "
                f"but this attack's records are in {', '.join(groups)}"
            )
            seen = True
    if not seen and not any(f.group.name in groups for f in ev.filters):
        on = sorted({f.group.name for f in ev.filters})
        out.append(
            f"no metric filter looks at the log group(s) holding this attack ({', '.join(groups)})"
            + (f"; your filters are on {', '.join(on)}" if on else "")
        )
    if not out:
        names = ", ".join(f"{n} ({c})" for n, c in sorted(attack_names.items())) or "flow records"
        out.append(f"nothing matched the attack's records ({names})")
    return out


def false_alarm_feedback(ev: Evaluation, fa: FalseAlarms) -> list[str]:
    out = []
    for (kind, name), sigs in sorted(fa.by_source().items()):
        if kind == "alarm":
            run = next(a for a in ev.alarms if a.alarm.alarm_name == name)
            benign = sum(f.benign for f in run.filters)
            out.append(
                f"alarm {name!r}: its pattern matched {benign:,} benign events: {_plural(len(sigs), 'false alarm')} "
                f"(first at {iso(sigs[0].time_ms)})"
            )
        else:
            out.append(
                f"rule {name!r} matched {_plural(len(sigs), 'benign event')}: {_plural(len(sigs), 'false alarm')} "
                f"(first at {iso(sigs[0].time_ms)})"
            )
    return out


def configuration_feedback(ev: Evaluation) -> list[str]:
    """Problems independent of any detection: rejected resources, dangling references, typos."""
    out = [r.message for r in ev.rejected] + list(ev.problems)
    published = {(f.mf.namespace, f.mf.name) for f in ev.filters}
    for a in ev.alarms:
        key = (a.alarm.namespace, a.alarm.metric_name)
        if key not in published:
            names = [f"{n}/{m}" for n, m in sorted(published)]
            hint = did_you_mean(f"{key[0]}/{key[1]}", names)
            out.append(
                f"alarm {a.alarm.alarm_name!r} watches {key[0]}/{key[1]} but no metric filter publishes it"
                + (f"; did you mean {hint}?" if hint else "")
            )
    for f in ev.filters:
        if len(f.matched) == 0 and f.group.source == "cloudtrail":
            out.extend(_filter_typos(ev, f, None))
    return list(dict.fromkeys(out))
