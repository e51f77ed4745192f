import pytest

from simulator.scenario.errors import ScenarioInvalid
from simulator.scenario.yamlload import load_document


def test_positions_of_values_and_keys():
    doc = load_document("a: 1\nb:\n  - x\n  - {c: 2}\n", "f.yaml")
    assert doc.data == {"a": 1, "b": ["x", {"c": 2}]}
    assert doc.values[("a",)] == (1, 4)
    assert doc.keys[("b",)] == (2, 1)
    assert doc.values[("b", 1, "c")] == (4, 9)
    assert doc.position(("b", 1, "missing")) == (4, 5)  # nearest enclosing value


def test_yaml_1_2_core_scalars_stay_strings():
    doc = load_document("a: yes\nb: off\nc: 10:30\nd: 2026-03-02T06:00:00Z\ne: 0x1F\nf: true\ng: ~\n")
    assert doc.data == {"a": "yes", "b": "off", "c": "10:30", "d": "2026-03-02T06:00:00Z", "e": 31, "f": True,
                        "g": None}


def test_syntax_error_names_file_line_column():
    with pytest.raises(ScenarioInvalid) as e:
        load_document("id: x\ntimeline: [a, b\nquestions: 1\n", "bad.yaml")
    err = e.value.errors[0]
    assert (err.file, err.line) == ("bad.yaml", 3)
    assert err.column > 0 and "YAML syntax error" in err.message
    assert str(err).startswith("bad.yaml:3:")


def test_duplicate_keys_are_errors_with_both_lines():
    with pytest.raises(ScenarioInvalid) as e:
        load_document("a: 1\nb: 2\na: 3\n", "d.yaml")
    assert str(e.value.errors[0]) == "d.yaml:3:1: a: duplicate key 'a' (first defined on line 1)"


def test_top_level_must_be_a_mapping():
    with pytest.raises(ScenarioInvalid, match="must be a YAML mapping"):
        load_document("- a\n- b\n", "l.yaml")
