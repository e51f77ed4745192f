"""Ground-truth label lines (JSON Lines, one object per record or per contiguous line range).

Shapes (keys in this order; scenario keys only for label "scenario"):
  event records (CloudTrail):  {"source":"cloudtrail","eventID":"<uuid>","label":"benign"}
  one line of a line log:      {"source":"alb","file":"s3/<bucket>/<key>","line":7,"label":"benign"}
  a run of benign lines:       {"source":"flow","file":"...","first_line":2,"last_line":5001,"label":"benign"}
  scenario records add:        ..."label":"scenario","scenario":"<id>","step":"<id>","technique":"T1562.008"}
Line numbers are 1-based and count every line of the decompressed file (a header line is line 1).
For CloudWatch Logs files the file is the cloudwatch/... path and the line the event's line in it.
"""

from __future__ import annotations

import orjson


def _scenario_tail(scenario: str | None, step: str | None, technique: str | None) -> bytes:
    if scenario is None:
        return b'"label":"benign"}\n'
    return (
        orjson.dumps({"label": "scenario", "scenario": scenario, "step": step, "technique": technique})[1:]
        + b"\n"
    )


def event_label(
    source: str,
    event_id: str,
    scenario: str | None = None,
    step: str | None = None,
    technique: str | None = None,
) -> bytes:
    """Label of one event-keyed record (CloudTrail eventID)."""
    return (
        b'{"source":"'
        + source.encode()
        + b'","eventID":"'
        + event_id.encode()
        + b'",'
        + _scenario_tail(scenario, step, technique)
    )


def benign_event_prefix(source: str) -> tuple[bytes, bytes]:
    """Fast path: (prefix, suffix) so a benign label is prefix + event_id + suffix."""
    return b'{"source":"' + source.encode() + b'","eventID":"', b'","label":"benign"}\n'


def line_label(
    source: str,
    file: str,
    line: int,
    scenario: str | None = None,
    step: str | None = None,
    technique: str | None = None,
) -> bytes:
    """Label of one line of a line-oriented log file."""
    head = orjson.dumps({"source": source, "file": file, "line": line})[:-1] + b","
    return head + _scenario_tail(scenario, step, technique)


def line_range_label(source: str, file: str, first_line: int, last_line: int) -> bytes:
    """Label of a contiguous run of benign lines (inclusive, 1-based)."""
    head = orjson.dumps({"source": source, "file": file, "first_line": first_line, "last_line": last_line})[
        :-1
    ]
    return head + b',"label":"benign"}\n'


def mixed_labels(source: str, file: str, first_line: int, last_line: int, marks) -> list[bytes]:
    """Labels of lines first_line..last_line of one file where ``marks`` ((line, Injection) pairs, ascending)
    are scenario lines and every other line is benign (labelled as ranges)."""
    out, first = [], first_line
    for no, inj in marks:
        if no > first:
            out.append(line_range_label(source, file, first, no - 1))
        out.append(line_label(source, file, no, inj.scenario, inj.step, inj.technique))
        first = no + 1
    if first <= last_line:
        out.append(line_range_label(source, file, first, last_line))
    return out
