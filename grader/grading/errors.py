"""Errors the grader reports about its inputs, and the exit codes the CLI maps them to.

``GradingInputError`` always names the file (or endpoint) and, when it can, the field
(``metric_filters[2].filterPattern``) or line, so a learner or instructor can fix the input.
Exit codes (docs/grading.md): 0 graded, 2 usage error (click), 3 bad input (submission, answers,
template, dataset, scenario), 4 live backend unreachable or refusing.
"""

from __future__ import annotations

EXIT_GRADED = 0
EXIT_USAGE = 2
EXIT_BAD_INPUT = 3
EXIT_BACKEND = 4


class GradingInputError(Exception):
    """An input the grader cannot use at all (the whole submission is unusable)."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, source: str, message: str, field: str | None = None) -> None:
        self.source = source
        self.field = field
        self.detail = message
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {message}")


class BackendError(GradingInputError):
    """The live backend (``--endpoint``) could not be read."""

    exit_code = EXIT_BACKEND
