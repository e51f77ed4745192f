"""Investigation answers: the learner's file ``{answers: {<question id>: <value>}}`` against the answer key.

Types and tolerances are the scenario layer's (``simulator.scenario.check_answer``): text (case-insensitive,
an ARN counts by its name), set (order-free), number (absolute or percentage tolerance), time (ISO 8601
within a duration). Feedback says right or wrong, never the expected value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.grading.errors import GradingInputError
from grader.grading.submission import parse_text, read_text


@dataclass
class AnswerResult:
    id: str
    prompt: str
    type: str
    points: float
    given: Any
    answered: bool
    correct: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "answered": self.answered,
            "correct": self.correct,
            "given": self.given,
        }


def load_answers(path: str | Path) -> dict[str, Any]:
    origin = str(path)
    data = parse_text(read_text(path), origin)
    if not isinstance(data, dict) or not isinstance(data.get("answers", {}), dict):
        raise GradingInputError(origin, "must be a mapping {answers: {<question id>: <value>}}")
    extra = [k for k in data if k != "answers"]
    if extra:
        raise GradingInputError(
            origin, f"unknown key(s) {', '.join(map(repr, extra))}; write {{answers: {{...}}}}"
        )
    return dict(data.get("answers") or {})


def check_answers(
    answer_key: dict[str, Any] | None, given: dict[str, Any]
) -> tuple[list[AnswerResult], list[str]]:
    """One result per question of the key, plus notes about answers to unknown questions."""
    from simulator.scenario import check_answer

    key = (answer_key or {}).get("answers", {})
    results = []
    for qid, entry in key.items():
        answered = qid in given and given[qid] not in (None, "", [])
        correct = bool(answered and check_answer(entry, given[qid]))
        results.append(
            AnswerResult(
                qid,
                str(entry.get("prompt", "")),
                str(entry.get("type", "")),
                float(entry.get("points", 1.0)),
                given.get(qid),
                answered,
                correct,
            )
        )
    notes = [
        f"answer to unknown question {qid!r} ignored (questions: {', '.join(key) or 'none'})"
        for qid in given
        if qid not in key
    ]
    return results, notes
