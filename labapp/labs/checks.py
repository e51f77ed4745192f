"""Live step checks: each looks at the backend (boto3 to the configured endpoint) or the learner's
answers and says pass, fail (with a hint) or unavailable (the backend cannot be reached).

A check is a function ``(CheckContext) -> CheckResult`` registered in ``CHECKS`` under the name lab
files use in ``steps[].check``. ``run_check`` turns AWS and connection errors into results, so a
check body only describes the happy path and the learner's mistakes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError
from botocore.parsers import ResponseParserError

from labapp.backend import Backend, NoBackend

PASS, FAIL, UNAVAILABLE = "pass", "fail", "unavailable"


@dataclass(frozen=True)
class CheckResult:
    status: str
    message: str
    hint: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"status": self.status, "message": self.message, "hint": self.hint}


def passed(message: str) -> CheckResult:
    return CheckResult(PASS, message)


def failed(message: str, hint: str = "") -> CheckResult:
    return CheckResult(FAIL, message, hint)


@dataclass
class CheckContext:
    """What a check may look at. ``cache`` is shared by the checks of one run (e.g. the trail list)."""

    backend: Backend
    config: Mapping[str, Any]
    user: Mapping[str, Any]
    lab_id: str
    answers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # question id -> row
    question_ids: tuple[str, ...] = ()
    assignment: Mapping[str, Any] | None = None
    cache: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        return self.backend.client(service)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


Check = Callable[[CheckContext], CheckResult]
CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    """Register a check under ``name``."""

    def register(fn: Check) -> Check:
        if name in CHECKS:
            raise ValueError(f"check {name!r} registered twice")
        CHECKS[name] = fn
        return fn

    return register


def run_check(name: str, ctx: CheckContext) -> CheckResult:
    """Run one check; backend trouble becomes ``unavailable``, an AWS error a failure with its message."""
    try:
        return CHECKS[name](ctx)
    except NoBackend as exc:
        return CheckResult(UNAVAILABLE, str(exc), "Start the lab with `trailwatch up`, or set BACKEND.")
    except EndpointConnectionError:
        return CheckResult(
            UNAVAILABLE,
            f"cannot reach the AWS backend at {ctx.backend.endpoint or 'AWS'}",
            "Is `trailwatch up` still running?",
        )
    except ClientError as exc:
        err = exc.response.get("Error", {})
        return failed(f"{err.get('Code', 'Error')}: {err.get('Message', '')}".strip(), "")
    except (BotoCoreError, ResponseParserError) as exc:
        return CheckResult(UNAVAILABLE, f"AWS call failed: {str(exc).splitlines()[0]}")


@check("answers_correct")
def answers_correct(ctx: CheckContext) -> CheckResult:
    """Every question of the lab answered correctly."""
    if not ctx.question_ids:
        return passed("this lab has no questions")
    answered = [q for q in ctx.question_ids if q in ctx.answers]
    right = [q for q in answered if ctx.answers[q]["correct"]]
    if len(right) == len(ctx.question_ids):
        return passed(f"all {len(right)} answers are correct")
    if not answered:
        return failed("no answers saved yet", "Answer the questions below and press Save answers.")
    return failed(
        f"{len(right)} of {len(ctx.question_ids)} answers are correct",
        "Questions marked ✗ need another look; unanswered ones count as wrong.",
    )


# the check modules register themselves on import
from labapp.labs import checks_alerting, checks_data, checks_events  # noqa: E402,F401
