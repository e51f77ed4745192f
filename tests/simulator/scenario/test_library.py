"""The shipped library: every scenarios/*.yaml validates (schema, semantics, a trial compilation)."""

import pytest

from simulator.scenario.library import SCENARIOS_DIR, find_scenario, scenario_files
from simulator.scenario.validate import validate_file

from .conftest import MINI

SHIPPED = scenario_files()


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_is_valid(path):
    errors = validate_file(path)
    assert errors == [], "\n".join(str(e) for e in errors)


def test_find_by_path_and_id(tmp_path):
    assert find_scenario(str(MINI)) == MINI
    for p in SHIPPED:
        assert find_scenario(p.stem) == SCENARIOS_DIR / f"{p.stem}.yaml"
    with pytest.raises(LookupError):
        find_scenario(str(tmp_path / "nope.yaml"))


def test_library_ids_are_unique_and_match_file_names():
    from simulator.scenario.library import list_scenarios

    entries = list_scenarios()
    assert len({e.id for e in entries}) == len(entries)
    assert all(e.id == e.path.stem for e in entries)
