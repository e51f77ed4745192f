"""The pattern tester's core: the console's "Test pattern" for a metric filter, offline.

``test_pattern`` runs TestMetricFilter (grader.filterpattern.test_metric_filter: AWS's matches and
extractedValues) and the metric transformation (MetricFilter.evaluate: the metricValue a match publishes,
or defaultValue for a miss) over up to 50 sample messages. A rejected pattern comes back with AWS's exact
error code and text, plus where we can place it, a caret position: the offending term of "Invalid
character(s) in term", the end of the pattern for an unclosed ``{`` or ``%``, the length limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from grader.filterpattern import AwsError, MetricFilter, test_metric_filter
from grader.filterpattern.errors import MAX_PATTERN_LENGTH, MUST_END_BRACE, MUST_END_PERCENT

MAX_SAMPLES = 50  # TestMetricFilter takes 1-50 messages
_TERM = re.compile(r"Invalid character\(s\) in term '(.*)'\Z", re.S)


@dataclass(frozen=True)
class PatternProblem:
    code: str
    message: str  # AWS's exact text
    pos: int | None  # 0-based offset in the pattern, when known
    length: int = 1

    def pointer(self, pattern: str) -> str | None:
        """The pattern's line holding ``pos`` with carets under the offending text."""
        if self.pos is None:
            return None
        line_start = pattern.rfind("\n", 0, self.pos) + 1
        line_end = pattern.find("\n", self.pos)
        line = pattern[line_start : line_end if line_end >= 0 else len(pattern)]
        col = self.pos - line_start
        return f"{line}\n{' ' * col}{'^' * max(1, self.length)}"


@dataclass
class SampleResult:
    number: int  # 1-based, as TestMetricFilter's eventNumber
    message: str
    matched: bool
    extracted: dict[str, str]
    value: float | None  # what the metric filter publishes for this event (None: nothing)
    default_used: bool


@dataclass
class PatternTest:
    pattern: str
    samples: list[SampleResult] = field(default_factory=list)
    problem: PatternProblem | None = None
    transformation_problem: PatternProblem | None = None

    @property
    def matched(self) -> int:
        return sum(1 for s in self.samples if s.matched)


def locate(pattern: str, message: str) -> tuple[int | None, int]:
    """Best position (and length) in ``pattern`` for an error message."""
    m = _TERM.match(message)
    if m:
        term = m.group(1)
        at = pattern.find(term)
        return (at, len(term)) if at >= 0 and term else (None, 1)
    stripped_end = len(pattern.rstrip(" \t\n\r\f\v"))
    if message in (MUST_END_BRACE, MUST_END_PERCENT):
        return stripped_end, 1  # where the closing } or % is missing
    if "at 'filterPattern'" in message and len(pattern) > MAX_PATTERN_LENGTH:
        return MAX_PATTERN_LENGTH, 1
    return None, 1


def _problem(exc: AwsError, pattern: str) -> PatternProblem:
    pos, length = locate(pattern, exc.message)
    return PatternProblem(exc.code, exc.message, pos, length)


def test_pattern(
    pattern: str, messages: list[str], metric_value: str = "1", default_value: float | None = None
) -> PatternTest:
    """Test ``pattern`` on ``messages`` (1-50) with a metric transformation (metricValue, defaultValue)."""
    result = PatternTest(pattern)
    messages = messages[:MAX_SAMPLES]
    try:
        matches = test_metric_filter(pattern, messages)["matches"] if messages else []
    except AwsError as exc:
        result.problem = _problem(exc, pattern)
        return result
    metric: MetricFilter | None = None
    transformation = {
        "metricName": "TestMetric",
        "metricNamespace": "Test",
        "metricValue": metric_value or "1",
    }
    if default_value is not None:
        transformation["defaultValue"] = default_value  # type: ignore[assignment]
    try:
        metric = MetricFilter(pattern, [transformation], api="TestMetricFilter")
    except AwsError as exc:
        result.transformation_problem = PatternProblem(exc.code, exc.message, None)
    by_number = {m["eventNumber"]: m for m in matches}
    for number, message in enumerate(messages, start=1):
        hit = by_number.get(number)
        value, default_used = None, False
        if metric is not None:
            emitted = metric.evaluate(message)
            if emitted:
                value = emitted[0].value
                default_used = hit is None
        result.samples.append(
            SampleResult(
                number,
                message,
                hit is not None,
                dict(hit["extractedValues"]) if hit else {},
                value,
                default_used,
            )
        )
    return result


test_pattern.__test__ = False  # type: ignore[attr-defined]  # not a pytest test despite its name
