"""One grading run -> the result document (Gradescope results.json shape, our detail under extra_data).

Tests, in a stable order (``number``): one per expected detection, one per detection's notification,
one for false alarms, one per question, then CIS controls (``max_score`` 0 unless the rubric weighs
them). ``score`` at the top is always written; every test has ``status``. Output text never reveals
expected answers. shared/reference/grading-output-formats.md describes the shape.
"""

from __future__ import annotations

from typing import Any

from grader.grading.answers import AnswerResult
from grader.grading.cis import Candidate, ControlResult, cis_report
from grader.grading.detections import DetectionOutcome, detection_outcomes, false_alarms, iso
from grader.grading.evaluate import Evaluation
from grader.grading.feedback import configuration_feedback, detection_feedback, false_alarm_feedback
from grader.grading.rubric import Rubric

SCHEMA = "trailwatch-grade/1"


def _round(x: float) -> float:
    return round(x + 0.0, 4)


def _test(
    number: str,
    name: str,
    score: float,
    max_score: float,
    output: str,
    tags: list[str],
    extra: dict[str, Any],
    passed: bool | None = None,
) -> dict[str, Any]:
    ok = passed if passed is not None else score >= max_score
    return {
        "number": number,
        "name": name,
        "score": _round(score),
        "max_score": _round(max_score),
        "status": "passed" if ok else "failed",
        "output": output,
        "tags": tags,
        "extra_data": extra,
    }


def _detection_tests(
    ev: Evaluation, outcomes: list[DetectionOutcome], rubric: Rubric
) -> list[dict[str, Any]]:
    tests = []
    for n, o in enumerate(outcomes, 1):
        pts = float(o.spec.get("points", 1.0))
        tips = detection_feedback(ev, o)
        d_max = rubric.detection * pts
        if o.fired is None:
            d_score, text = 0.0, "Not detected."
        else:
            late = not o.on_time(o.fired)
            d_score = d_max * (rubric.late_factor if late else 1.0)
            text = (
                f"Detected by {o.fired.kind} {o.fired.name!r} at {iso(o.fired.time_ms)}, "
                f"{o.seconds_to(o.fired):.0f} s after the first record" + (" (late)." if late else ".")
            )
        desc = o.spec.get("description") or o.id
        tests.append(
            _test(
                f"1.{n}",
                f"Detection: {o.id} ({desc})",
                d_score,
                d_max,
                "\n".join([text, *tips]),
                ["detection"],
                o.to_dict(),
            )
        )
        n_max = rubric.notification * pts
        if o.caught is not None:
            n_score, text = n_max, f"Notified through {', '.join(o.caught.delivery.reached)}."
        elif o.fired is not None:
            n_score, text = 0.0, f"Nobody was notified: {o.fired.delivery.problem}."
        else:
            n_score, text = 0.0, "Nobody was notified (nothing fired)."
        tests.append(
            _test(
                f"2.{n}",
                f"Notification: {o.id}",
                n_score,
                n_max,
                text,
                ["notification"],
                {"id": o.id, "notified": o.caught is not None},
            )
        )
    return tests


def _cis_candidates(ev: Evaluation) -> list[Candidate]:
    out = []
    for f in ev.filters:
        if f.group.source != "cloudtrail":
            continue
        notified = any(a.delivery.delivered for a in ev.alarms if f in a.filters)
        out.append(Candidate(f.item.name, f.mf.pattern, notified))
    return out


def _cis_tests(results: list[ControlResult], rubric: Rubric, strict: str | None) -> list[dict[str, Any]]:
    tests = []
    for n, r in enumerate(results, 1):
        text = {
            "covered": "Covered: your filters catch every canonical event, pass the benign look-alikes, and "
            "an alarm notifies a subscriber.",
            "unwired": "Your filters catch the events, but no alarm on them notifies a subscribed topic.",
            "noisy": f"Caught, but also matches benign look-alikes: {', '.join(r.benign_matched)}.",
            "partial": f"Catches {r.caught} of {r.total} canonical events; missing: {', '.join(r.missed)}.",
            "missing": "No filter catches this control's events.",
        }[r.status]
        if strict == "securityhub":
            text += (
                f"\nSecurity Hub {r.securityhub_control}: {r.securityhub}"
                if r.securityhub
                else "\nSecurity Hub: no control for this benchmark item"
            )
        ok = r.status == "covered"
        tests.append(
            _test(
                f"5.{n}",
                f"CIS {r.cis.get('5.0.0')}: {r.title}",
                rubric.cis if ok else 0.0,
                rubric.cis,
                text,
                ["cis"],
                r.to_dict(),
                passed=ok,
            )
        )
    return tests


def build_results(
    ev: Evaluation,
    rubric: Rubric,
    answers: list[AnswerResult],
    answer_notes: list[str],
    *,
    strict: str | None = None,
    student: str | None = None,
) -> dict[str, Any]:
    ds = ev.dataset
    outcomes = detection_outcomes(ev)
    fa = false_alarms(ev)
    tests = _detection_tests(ev, outcomes, rubric)
    fa_lines = false_alarm_feedback(ev, fa)
    fa_text = (
        f"{fa.count} false alarm(s) (allowance {rubric.false_alarm_allowance}: what the reference solution raises, "
        f"-{rubric.false_alarm_penalty:g} each beyond it)."
        if fa.count
        else "No false alarms."
    )
    tests.append(
        _test(
            "3.1",
            "False alarms",
            rubric.false_alarm_score(fa.count),
            rubric.false_alarm_budget,
            "\n".join([fa_text, *fa_lines]),
            ["false-alarms"],
            fa.to_dict(),
        )
    )
    for n, a in enumerate(answers, 1):
        a_max = rubric.answer * a.points
        text = "Correct." if a.correct else "Not correct." if a.answered else "Not answered."
        tests.append(
            _test(
                f"4.{n}",
                f"Question: {a.id} ({a.prompt})" if a.prompt else f"Question: {a.id}",
                a_max if a.correct else 0.0,
                a_max,
                text,
                ["answer"],
                a.to_dict(),
            )
        )
    cis = cis_report(_cis_candidates(ev), strict=strict)
    tests.extend(_cis_tests(cis, rubric, strict))
    score = sum(t["score"] for t in tests)
    max_score = sum(t["max_score"] for t in tests)
    config_notes = configuration_feedback(ev)
    output_lines = [f"Score {score:g} / {max_score:g}."]
    if config_notes:
        output_lines += ["Configuration problems:", *[f"- {n}" for n in config_notes]]
    output_lines += [f"- {n}" for n in answer_notes]
    params = ds.manifest.get("parameters", {})
    extra = {
        "schema": SCHEMA,
        "scenario": ds.scenario_id,
        "seed": (ds.scenario or {}).get("seed", params.get("seed")),
        "student": student
        if student is not None
        else (ds.scenario or {}).get("student", params.get("student")),
        "submission": ev.submission.origin,
        "account_id": ev.account,
        "region": ev.region,
        "time_range": ds.manifest.get("time_range"),
        "rubric": rubric.__dict__,
        "detections": [o.to_dict() for o in outcomes],
        "false_alarms": fa.to_dict(),
        "problems": config_notes,
        "filters": [
            {
                "name": f.item.name,
                "log_group": f.group.name,
                "matched": int(len(f.matched)),
                "benign_matched": f.benign,
            }
            for f in ev.filters
        ],
        "alarms": [
            {
                "name": a.alarm.alarm_name,
                "state": a.timeline.state,
                "alarm_transitions": len(a.signals),
                "notified": a.delivery.delivered,
                "delivery_problem": a.delivery.problem,
            }
            for a in ev.alarms
        ],
        "rules": [
            {
                "name": r.item.name,
                "state": r.state,
                "matched": len(r.signals),
                "targets": r.targets,
                "delivery_problem": r.delivery.problem,
            }
            for r in ev.rules
        ],
        "cis": {
            "strict": strict,
            "covered": sum(1 for r in cis if r.status == "covered"),
            "controls": len(cis),
        },
    }
    return {
        "score": _round(score),
        "max_score": _round(max_score),
        "output": "\n".join(output_lines),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": extra,
    }
