"""Validating a scenario file end to end: syntax, schema, semantics, then trial compilations.

A trial compilation (seed 1, no student, unless given) finds what only the world can tell: a selector
no user matches, a day window outside the baseline, a step whose records run past the end, an answer
of the wrong shape. Further ``students`` compile those variants too; an error that only some variant
hits names the student.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from simulator.scenario.errors import ScenarioError, ScenarioInvalid
from simulator.scenario.load import build_scenario, check_document, read_document


def variant_students(n: int) -> list[str | None]:
    """The default run plus n-1 sample students (``student-2`` ...) for ``validate --variants n``."""
    return [None] + [f"student-{i}" for i in range(2, n + 1)]


def validate_file(path: Path, *, seed: int = 1, student: str | None = None, compile_run: bool = True,
                  students: Sequence[str | None] | None = None) -> list[ScenarioError]:
    """Every error of one scenario file (empty: valid)."""
    try:
        doc = read_document(path)
    except ScenarioInvalid as e:
        return list(e.errors)
    errors = check_document(doc)
    if errors or not compile_run:
        return errors
    from simulator.scenario.compile import compile_scenario

    scenario = build_scenario(doc, path)
    base: set[ScenarioError] = set()
    only: dict[ScenarioError, list[str | None]] = {}
    for k, who in enumerate(students if students is not None else [student]):
        try:
            compile_scenario(scenario, seed=seed, student=who)
        except ScenarioInvalid as e:
            for err in e.errors:
                if k == 0:
                    base.add(err)
                elif err not in base:
                    only.setdefault(err, []).append(who)
    out = set(base)
    for err, whom in only.items():
        names = ", ".join(repr(w) for w in whom[:3]) + (f" and {len(whom) - 3} more" if len(whom) > 3 else "")
        out.add(ScenarioError(err.file, err.line, err.column, err.field,
                              f"{err.message} (in the variant of student {names})"))
    return sorted(out)
