import json

from jsonschema import Draft202012Validator

from simulator.scenario.load import check_document
from simulator.scenario.schemacheck import SCHEMA_PATH, load_schema
from simulator.scenario.topics import TOPICS
from simulator.scenario.yamlload import load_document

from .conftest import replace_once


def _errors(text: str) -> list[str]:
    return [str(e) for e in check_document(load_document(text, "s.yaml"))]


def test_schema_is_valid_draft_2020_12_and_lists_the_module_topics():
    schema = json.loads(SCHEMA_PATH.read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["topics"]["items"]["enum"] == list(TOPICS)


def test_fixture_is_valid(mini_text):
    assert _errors(mini_text) == []


def test_unknown_field_points_at_the_key_and_suggests(mini_text):
    text = replace_once(mini_text, "story: |", "stroy: |")
    errs = _errors(text)
    assert "s.yaml:4:1: stroy: unknown field 'stroy'; did you mean 'story'?" in errs
    assert "s.yaml:2:1: story: missing required field 'story'" in errs


def test_enum_and_type_messages(mini_text):
    text = replace_once(mini_text, "difficulty: beginner", "difficulty: beginer")
    text = replace_once(text, "  scale: 100", "  scale: many")
    errs = _errors(text)
    assert any(e.endswith("difficulty: 'beginer' is not allowed; did you mean 'beginner'?") for e in errs)
    assert any(e.endswith("world.scale: expected a whole number, got text") for e in errs)


def test_pattern_messages_explain_the_form(mini_text):
    text = replace_once(mini_text, "techniques: [T1078.004,", "techniques: [T1078.4,")
    text = replace_once(text, "duration: 2d", "duration: 2 days")
    errs = _errors(text)
    assert any("techniques[0]: 'T1078.4' is not valid: an ATT&CK technique id looks like T1078" in e for e in errs)
    assert any("baseline.duration: '2 days' is not valid: expected a duration such as 90s" in e for e in errs)


def test_step_fields_misspelled(mini_text):
    text = replace_once(mini_text, "    action: stop_logging", "    acton: stop_logging")
    errs = _errors(text)
    assert any("timeline[1].acton: unknown field 'acton'; did you mean 'action'?" in e for e in errs)
    assert any("timeline[1].action: missing required field 'action'" in e for e in errs)


def test_schema_loads_once():
    assert load_schema() is load_schema()
