"""Malformed scenarios give errors, never tracebacks: random line edits of the fixture through every check."""

import random

from simulator.scenario.compile import compile_scenario
from simulator.scenario.errors import ScenarioInvalid
from simulator.scenario.load import build_scenario, check_document
from simulator.scenario.yamlload import load_document

from .conftest import MINI, replace_once

VALUES = ["null", "[]", "{}", "7", "-1", "x", "true", "+5m", "[1, 2]", "{choose: []}", "{actor: nobody}", "stop",
          "insider", "day 9 at 10:00", "cloudtrail", "number", "5%", "{choose: [1]}"]


def test_random_edits_never_crash():
    base = MINI.read_text().splitlines()
    rng = random.Random(11)
    outcomes = {"invalid": 0, "valid": 0}
    for _ in range(150):
        lines = list(base)
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(lines))
            if rng.random() < 0.3:
                del lines[i]
            elif ": " in lines[i]:
                lines[i] = f"{lines[i].rsplit(': ', 1)[0]}: {rng.choice(VALUES)}"
            else:
                lines[i] += " " + rng.choice(VALUES)
        try:
            doc = load_document("\n".join(lines) + "\n", "f.yaml")
            if check_document(doc):
                outcomes["invalid"] += 1
                continue
            compile_scenario(build_scenario(doc), seed=1, student=None)
            outcomes["valid"] += 1
        except ScenarioInvalid:
            outcomes["invalid"] += 1
    assert outcomes["invalid"] > 50 and outcomes["valid"] > 5


def test_solution_shapes_are_schema_errors(mini_text):
    text = replace_once(mini_text, "AlarmActions: ['arn:aws:sns:${AWS::Region}:${AWS::AccountId}:security-alerts']",
                        "AlarmActions: true")
    text = replace_once(text, "Targets: [{Id: soc, ", "Targets: [{Idd: soc, ")
    errs = [str(e) for e in check_document(load_document(text, "s.yaml"))]
    assert any("solution.alarms[0].AlarmActions: expected a list, got true/false" in e for e in errs)
    assert any("solution.targets[0].Targets[0].Id: missing required field 'Id'" in e for e in errs)


def test_answer_of_the_wrong_type_is_reported(mini_text):
    text = replace_once(mini_text, "    type: time\n    tolerance: 5m\n    answer: {step: stop, field: time}",
                        "    type: time\n    tolerance: 5m\n    answer: {step: stop, fact: source_ip}")
    try:
        compile_scenario(build_scenario(load_document(text, "t.yaml")), seed=1, student=None)
    except ScenarioInvalid as e:
        (err,) = e.errors
        assert err.field == "questions[1].answer" and "does not fit type time" in err.message
    else:
        raise AssertionError("a time question answered by an IP address must be reported")
