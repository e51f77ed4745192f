"""CloudWatch Logs filter patterns and metric filters with AWS's recorded semantics.

``compile_pattern`` parses and validates a pattern (terms, ``%regex%``, JSON, space-delimited)
into a ``FilterPattern``; ``LogEvent`` parses a message once, lazily, for all patterns;
``PatternSet`` evaluates many patterns per event with shared work;
``MetricFilter`` turns events into metric datapoints; ``test_metric_filter`` mirrors the
TestMetricFilter API. Decisions and their sources: docs/conformance.md.
"""

from grader.filterpattern.errors import AwsError, InvalidFilterPattern, InvalidMetricTransformation
from grader.filterpattern.event import LogEvent
from grader.filterpattern.metric import MetricEmission, MetricFilter
from grader.filterpattern.pattern import FilterPattern, compile_pattern, format_pattern
from grader.filterpattern.patternset import PatternSet
from grader.filterpattern.testmetricfilter import test_metric_filter

__all__ = [
    "AwsError",
    "FilterPattern",
    "InvalidFilterPattern",
    "InvalidMetricTransformation",
    "LogEvent",
    "MetricEmission",
    "MetricFilter",
    "PatternSet",
    "compile_pattern",
    "format_pattern",
    "test_metric_filter",
]
