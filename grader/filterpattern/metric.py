"""Metric filters: validate a metric transformation and turn one log event into metric datapoints.

Recorded behaviour (filter-pattern-semantics.md §7, ../shared/conformance/metric_values.json):
``metricValue`` is a number literal or a field reference (``$.selector`` / ``$name`` / ``$N``);
a referenced JSON number or numeric string is published; a non-numeric value publishes nothing
(the default is not used); a missing or null value publishes ``defaultValue`` when one is set.
Every event that does not match publishes ``defaultValue`` (once per event) when one is set.
If a matching event lacks any dimension field its datapoint carries no dimensions at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from grader.filterpattern.ast import MatchAll, RegexPattern, Selector, SpacePattern, TermPattern
from grader.filterpattern.errors import (
    INVALID_PARAMETER,
    AwsError,
    InvalidFilterPattern,
    InvalidMetricTransformation,
)
from grader.filterpattern.event import LogEvent
from grader.filterpattern.json_match import MISSING, make_getter
from grader.filterpattern.json_parser import lex_selector
from grader.filterpattern.numbers import is_number_text, parse_numeric_text, render_number
from grader.filterpattern.pattern import FilterPattern, compile_pattern
from grader.filterpattern.values import SUSPICIOUS

# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_MetricTransformation.html
STANDARD_UNITS = (
    "Seconds Microseconds Milliseconds Bytes Kilobytes Megabytes Gigabytes Terabytes Bits Kilobits "
    "Megabits Gigabits Terabits Percent Count Bytes/Second Kilobytes/Second Megabytes/Second "
    "Gigabytes/Second Terabytes/Second Bits/Second Kilobits/Second Megabits/Second Gigabits/Second "
    "Terabits/Second Count/Second None"
).split()
NAME_PATTERN = re.compile(r"[^:*$]*\Z")
SPACE_REF = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*|[1-9][0-9]*)\Z")
MAX_DIMENSIONS = 3


@dataclass(frozen=True)
class MetricEmission:
    """One datapoint a metric filter publishes for one log event."""

    namespace: str
    name: str
    value: float
    dimensions: dict[str, str] = field(default_factory=dict)
    unit: str | None = None
    timestamp: int | None = None  # the log event's timestamp (ms), when the event had one


def _validation(value: object, where: str, constraint: str) -> AwsError:
    return AwsError(
        INVALID_PARAMETER,
        f"1 validation error detected: Value '{value}' at '{where}' failed to satisfy constraint: {constraint}",
    )


class _Ref:
    """A parsed field reference: a JSON selector or a space-delimited key ($name / $N)."""

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise ValueError(text)
        self.text = text
        self.selector: Selector | None = None
        self.space_key: str | None = None
        if text.startswith("$."):
            try:
                sel, end = lex_selector(text, 0)
            except InvalidFilterPattern:
                raise ValueError(text) from None
            if end != len(text) or sel.wildcards:
                raise ValueError(text)
            self.selector = sel
            self._get = make_getter(sel.segments)
        elif SPACE_REF.match(text):
            self.space_key = text
        else:
            raise ValueError(text)

    def lookup(self, pattern: FilterPattern, event: LogEvent) -> object:
        """The referenced node/text, MISSING when absent."""
        if self.selector is not None:
            doc = event.json
            if doc is None:
                return MISSING
            node = self._get(doc)
            if type(node) is float and abs(node) >= SUSPICIOUS:
                exact = event.exact_json
                node = self._get(exact) if exact is not None else node
            return node
        if not isinstance(pattern.ast, SpacePattern):
            return MISSING
        value = pattern.extract(event).get(self.space_key)  # type: ignore[arg-type]
        return MISSING if value is None else value


class MetricFilter:
    """A metric filter as PutMetricFilter takes it (boto3 shapes), evaluated per log event."""

    def __init__(
        self, filter_pattern: str, metric_transformations: list[dict], *, api: str = "PutMetricFilter"
    ) -> None:
        self.pattern = compile_pattern(filter_pattern, api=api)
        if not isinstance(metric_transformations, list) or len(metric_transformations) != 1:
            n = len(metric_transformations) if isinstance(metric_transformations, list) else 0
            bound = "less than or equal to 1" if n > 1 else "greater than or equal to 1"
            raise _validation(
                metric_transformations, "metricTransformations", f"Member must have length {bound}"
            )
        t = metric_transformations[0]
        if not isinstance(t, dict):
            raise _validation(t, "metricTransformations.1.member", "Member must be a structure")
        where = "metricTransformations.1.member"
        for key in ("metricName", "metricNamespace", "metricValue"):
            if not isinstance(t.get(key), str) or not t[key]:
                raise _validation(t.get(key), f"{where}.{key}", "Member must not be null")
        for key in ("metricName", "metricNamespace"):
            if len(t[key]) > 255:
                raise _validation(
                    t[key], f"{where}.{key}", "Member must have length less than or equal to 255"
                )
            if not NAME_PATTERN.match(t[key]):
                raise _validation(
                    t[key], f"{where}.{key}", "Member must satisfy regular expression pattern: [^:*$]*"
                )
        self.namespace: str = t["metricNamespace"]
        self.name: str = t["metricName"]
        value_text: str = t["metricValue"]
        if len(value_text) > 100:
            raise _validation(
                value_text, f"{where}.metricValue", "Member must have length less than or equal to 100"
            )
        self.literal: float | None = None
        self.value_ref: _Ref | None = None
        if is_number_text(value_text):
            self.literal = float(value_text)
        else:
            try:
                self.value_ref = _Ref(value_text)
            except ValueError:
                raise InvalidMetricTransformation(
                    INVALID_PARAMETER,
                    f"Invalid metric transformation: metric value {value_text} must be a valid number",
                ) from None
        default = t.get("defaultValue")
        if isinstance(default, bool) or (default is not None and not isinstance(default, (int, float))):
            raise AwsError("SerializationException", "STRING_VALUE cannot be converted to Double")
        self.default: float | None = None if default is None else float(default)
        self.unit: str | None = t.get("unit")
        if self.unit is not None and self.unit not in STANDARD_UNITS:
            raise _validation(
                self.unit,
                f"{where}.unit",
                f"Member must satisfy enum value set: [{', '.join(STANDARD_UNITS)}]",
            )
        self.dimensions: dict[str, _Ref] = {}
        for dim_name, dim_value in (t.get("dimensions") or {}).items():
            try:
                self.dimensions[dim_name] = _Ref(dim_value)
            except (ValueError, TypeError):
                raise InvalidMetricTransformation(
                    INVALID_PARAMETER, "Invalid metric transformation: dimension value must be valid selector"
                ) from None
        if self.dimensions:
            # the three messages below are our wording: AWS's exact text was not recorded
            if len(self.dimensions) > MAX_DIMENSIONS:
                raise InvalidMetricTransformation(
                    INVALID_PARAMETER, "Invalid metric transformation: at most 3 dimensions are allowed"
                )
            if isinstance(self.pattern.ast, (TermPattern, RegexPattern, MatchAll)):
                raise InvalidMetricTransformation(
                    INVALID_PARAMETER, "The specified filter pattern does not support dimensions"
                )
            if self.default is not None:
                raise InvalidMetricTransformation(
                    INVALID_PARAMETER,
                    "Invalid metric transformation: dimensions cannot be used with a default value",
                )

    def _emission(self, value: float, dims: dict[str, str], event: LogEvent) -> MetricEmission:
        return MetricEmission(self.namespace, self.name, value, dims, self.unit, event.timestamp)

    def _value(self, event: LogEvent) -> float | None:
        if self.literal is not None:
            return self.literal
        assert self.value_ref is not None
        node = self.value_ref.lookup(self.pattern, event)
        if node is MISSING or node is None:
            if self.value_ref.space_key is not None:
                return None  # an undefined space field publishes nothing (recorded)
            return self.default
        if type(node) in (int, float):
            return float(node)  # type: ignore[arg-type]
        if type(node) is str:
            d = parse_numeric_text(node)
            return None if d is None else float(d)
        return None

    def _dimensions(self, event: LogEvent) -> dict[str, str]:
        out: dict[str, str] = {}
        for dim_name, ref in self.dimensions.items():
            node = ref.lookup(self.pattern, event)
            if type(node) is str:
                out[dim_name] = node
            elif type(node) in (int, float):
                out[dim_name] = render_number(node)  # type: ignore[arg-type]
            elif type(node) is bool:
                out[dim_name] = "true" if node else "false"
            else:
                return {}  # any missing dimension: published without dimensions (recorded)
        return out

    def emit(self, event: LogEvent | str) -> list[MetricEmission]:
        """Datapoints for a matching event ([] for a non-matching one or an unusable value)."""
        if type(event) is str:
            event = LogEvent(event)
        if not self.pattern.matches(event):
            return []
        value = self._value(event)  # type: ignore[arg-type]
        if value is None:
            return []
        return [self._emission(value, self._dimensions(event), event)]  # type: ignore[arg-type]

    def default_emission(self, event: LogEvent | str) -> MetricEmission | None:
        """The defaultValue datapoint AWS publishes for a non-matching event (no dimensions)."""
        if self.default is None:
            return None
        if type(event) is str:
            event = LogEvent(event)
        return self._emission(self.default, {}, event)  # type: ignore[arg-type]

    def evaluate(self, event: LogEvent | str) -> list[MetricEmission]:
        """AWS's per-event result: ``emit`` for a match, the default datapoint for a miss."""
        if type(event) is str:
            event = LogEvent(event)
        if self.pattern.matches(event):
            return self.emit(event)
        default = self.default_emission(event)
        return [] if default is None else [default]
