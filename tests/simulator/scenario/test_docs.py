"""docs/authoring-scenarios.md: its action reference is generated from the action library and up to date."""

from simulator.actions import ACTIONS
from simulator.scenario.docgen import DOC_PATH, render_action, render_action_reference, updated_doc


def test_committed_doc_matches_the_generated_reference():
    text = DOC_PATH.read_text(encoding="utf-8")
    assert updated_doc(text) == text, "docs/authoring-scenarios.md is out of date: run `trailwatch scenario docs`"


def test_reference_lists_every_action_with_params_and_facts():
    ref = render_action_reference()
    for name, spec in ACTIONS.items():
        assert f"### `{name}`" in ref
        for param in spec.params.get("properties", {}):
            assert f"| `{param}`" in render_action(spec)
        for fact in spec.facts:
            assert f"| `{fact}` |" in render_action(spec)


def test_walkthrough_covers_new_validate_preview_generate():
    text = DOC_PATH.read_text(encoding="utf-8")
    for cmd in ("trailwatch scenario new", "trailwatch scenario validate", "trailwatch scenario preview",
                "trailwatch generate --scenario"):
        assert cmd in text


def test_doc_lists_the_common_facts_and_every_topic():
    from simulator.scenario.semantic_answers import COMMON_FACTS
    from simulator.scenario.topics import TOPICS

    text = DOC_PATH.read_text(encoding="utf-8")
    for name in [*COMMON_FACTS, *TOPICS]:
        assert f"`{name}`" in text, name
