"""Render a result document: json (Gradescope results.json, our detail under extra_data), gradescope (the
same, without extra_data per test, for the upload size limit), junit (a testsuite; score/max_score as
properties; a test below its max score is a <failure>), csv (one row: student, scenario, seed, score,
max_score, then one column per test) and text (for a terminal). Shapes: grading-output-formats.md.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import orjson

FORMATS = ("json", "gradescope", "junit", "csv", "text")


def to_json(results: dict[str, Any]) -> str:
    return orjson.dumps(results, option=orjson.OPT_INDENT_2).decode() + "\n"


def to_gradescope(results: dict[str, Any]) -> str:
    slim = {k: v for k, v in results.items() if k != "extra_data"}
    slim["tests"] = [{k: v for k, v in t.items() if k != "extra_data"} for t in results["tests"]]
    slim["extra_data"] = {k: results["extra_data"].get(k) for k in ("schema", "scenario", "seed", "student")}
    return to_json(slim)


def to_junit(results: dict[str, Any]) -> str:
    tests = results["tests"]
    failures = sum(1 for t in tests if t["status"] == "failed")
    extra = results.get("extra_data", {})
    name = f"trailwatch.{extra.get('scenario') or 'dataset'}"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<testsuites>",
        f'  <testsuite name={quoteattr(name)} tests="{len(tests)}" failures="{failures}" errors="0" skipped="0">',
        "    <properties>",
        f'      <property name="score" value="{results["score"]:g}"/>',
        f'      <property name="max_score" value="{results["max_score"]:g}"/>',
        f'      <property name="student" value={quoteattr(str(extra.get("student") or ""))}/>',
        "    </properties>",
    ]
    for t in tests:
        lines.append(
            f'    <testcase classname={quoteattr(name + "." + t["tags"][0])} name={quoteattr(t["name"])} time="0">'
        )
        lines.append("      <properties>")
        lines.append(f'        <property name="score" value="{t["score"]:g}"/>')
        lines.append(f'        <property name="max_score" value="{t["max_score"]:g}"/>')
        lines.append("      </properties>")
        if t["status"] == "failed":
            first = t["output"].split("\n", 1)[0]
            lines.append(
                f'      <failure message={quoteattr(first)} type="score">{escape(t["output"])}</failure>'
            )
        else:
            lines.append(f"      <system-out>{escape(t['output'])}</system-out>")
        lines.append("    </testcase>")
    lines += ["  </testsuite>", "</testsuites>", ""]
    return "\n".join(lines)


def csv_header(results: dict[str, Any]) -> list[str]:
    return [
        "student",
        "scenario",
        "seed",
        "score",
        "max_score",
        "error",
        *[t["name"] for t in results["tests"]],
    ]


def csv_row(results: dict[str, Any]) -> list[Any]:
    extra = results.get("extra_data", {})
    return [
        extra.get("student") or "",
        extra.get("scenario") or "",
        extra.get("seed", ""),
        f"{results['score']:g}",
        f"{results['max_score']:g}",
        "",
        *[f"{t['score']:g}" for t in results["tests"]],
    ]


def to_csv(results: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(csv_header(results))
    w.writerow(csv_row(results))
    return buf.getvalue()


def to_text(results: dict[str, Any]) -> str:
    extra = results.get("extra_data", {})
    lines = [
        f"Trailwatch grade: {extra.get('scenario') or 'dataset'} (seed {extra.get('seed')}, "
        f"student {extra.get('student') or '-'})",
        f"Score: {results['score']:g} / {results['max_score']:g}",
        "",
    ]
    for t in results["tests"]:
        if t["max_score"] == 0 and "cis" in t["tags"] and t["status"] == "failed":
            continue  # unweighted CIS controls the learner did not attempt: summarised below
        mark = "PASS" if t["status"] == "passed" else "FAIL"
        lines.append(f"[{mark}] {t['score']:g}/{t['max_score']:g}  {t['name']}")
        lines += [f"        {line}" for line in t["output"].splitlines()]
    cis = extra.get("cis", {})
    lines += [
        "",
        f"CIS monitoring controls covered by behaviour: {cis.get('covered', 0)} of {cis.get('controls', 0)}",
    ]
    if results.get("output"):
        lines += ["", results["output"]]
    return "\n".join(lines) + "\n"


def render(results: dict[str, Any], fmt: str) -> str:
    return {"json": to_json, "gradescope": to_gradescope, "junit": to_junit, "csv": to_csv, "text": to_text}[
        fmt
    ](results)
