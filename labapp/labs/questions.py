"""Lab questions: the student's scenario variant, where each answer comes from, and marking answers.

A student's variant of a lab's scenario is their assignment (scenario, seed, variant key) or, without
one, the lab's default scenario with SCENARIO_SEED and the student's roster id (or user name) as
the variant key, so every student gets their own answers. Scenario answers are checked with
``simulator.scenario.check_answer`` (the same rules the grader applies).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from labapp.labs.content import Lab, Question
from labapp.labs.dataset import field_value


@dataclass(frozen=True)
class Variant:
    scenario_id: str | None
    seed: int
    key: str
    assigned: bool


def variant_for(user: dict[str, Any], lab: Lab, assignment: dict[str, Any] | None, seed: int) -> Variant:
    if assignment:
        return Variant(assignment["scenario_id"], int(assignment["seed"]), assignment["variant"], True)
    return Variant(lab.scenario, seed, user.get("student_id") or user["username"], False)


class CaseUnavailable(RuntimeError):
    """The scenario behind a question cannot be compiled (the message says why)."""


@functools.lru_cache(maxsize=64)
def _answer_key(scenario_id: str, seed: int, student: str) -> dict[str, dict[str, Any]] | str:
    from simulator.scenario import ScenarioInvalid, ScenarioNotFound, prepare_scenario_run

    try:
        return dict(prepare_scenario_run(scenario_id, seed=seed, student=student).answer_key)
    except (ScenarioInvalid, ScenarioNotFound) as exc:
        return f"case {scenario_id!r} cannot be loaded: {exc}"


def key_entry(question: Question, variant: Variant) -> dict[str, Any] | None:
    """The scenario answer-key entry of a ``scenario_answer`` question (``scenario:question`` or
    ``question`` for the lab's own scenario); raises CaseUnavailable when the scenario does not compile."""
    if not question.scenario_answer:
        return None
    scenario, _, qid = question.scenario_answer.rpartition(":")
    scenario = scenario or variant.scenario_id
    if not scenario:
        return None
    key = _answer_key(scenario, variant.seed, variant.key)
    if isinstance(key, str):
        raise CaseUnavailable(key)
    return key.get(qid)


def prompt_of(question: Question, entry: dict[str, Any] | None) -> tuple[str, str]:
    """(prompt, type) shown to the student; scenario questions may take both from the answer key."""
    prompt = question.prompt or (entry or {}).get("prompt", question.id)
    return prompt, question.type


def _norm(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


def is_correct(
    question: Question, given: str | list[str], variant: Variant, record: dict[str, Any] | None
) -> bool:
    """Mark one answer."""
    if question.scenario_answer:
        from simulator.scenario import check_answer

        try:
            entry = key_entry(question, variant)
        except CaseUnavailable:
            return False
        return entry is not None and check_answer(entry, given)
    if question.record_field:
        if record is None:
            return False
        return _norm(field_value(record, question.record_field)) == _norm(given)
    expected = question.answer
    if question.type == "multi":
        given_set = {_norm(g) for g in (given if isinstance(given, list) else [given])}
        return given_set == {_norm(e) for e in (expected or [])}
    if isinstance(given, list):
        given = given[0] if given else ""
    if question.type == "number":
        try:
            return abs(float(str(given).replace(",", "")) - float(expected)) < 1e-9
        except ValueError:
            return False
    accepted = expected if isinstance(expected, list) else [expected]
    return _norm(given) in {_norm(a) for a in accepted}
