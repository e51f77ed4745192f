"""``trailwatch scenario`` through the root CLI: exit codes and output."""

import orjson
from click.testing import CliRunner

from simulator.scenario.docgen import render_action_reference
from simulator.scenario.library import list_scenarios
from trailwatch.cli import main

from .conftest import MINI, replace_once


def _run(*args: str, cwd=None):
    runner = CliRunner()
    return runner.invoke(main, ["scenario", *args], catch_exceptions=False)


def test_validate_ok_and_invalid_exit_codes(write, mini_text):
    ok = _run("validate", str(MINI))
    assert ok.exit_code == 0 and f"{MINI}: ok" in ok.output
    bad = write(replace_once(mini_text, "action: stop_logging", "action: stop_loging"), "bad.yaml")
    res = _run("validate", str(MINI), str(bad))
    assert res.exit_code == 1
    lines = [line for line in res.output.splitlines() if line.startswith(str(bad))]
    assert lines == [f"{bad}:33:13: timeline[1].action: unknown action 'stop_loging'; did you mean 'stop_logging'? "
                     "(list them with: trailwatch scenario actions)"]
    assert "1 of 2 valid" in res.output


def test_validate_syntax_error_and_usage_errors(write, tmp_path):
    broken = write("id: x\ntimeline: [a\n", "broken.yaml")
    res = _run("validate", str(broken))
    assert res.exit_code == 1 and res.output.startswith(f"{broken}:3:1: (file): YAML syntax error")
    assert _run("validate").exit_code == 2
    assert _run("validate", str(tmp_path / "missing.yaml")).exit_code == 2


def test_validate_reports_world_errors_unless_static(write, mini_text):
    p = write(replace_once(mini_text, "user: {job: dba}", "user: {job: dba, name: ghost}"))
    res = _run("validate", str(p))
    assert res.exit_code == 1 and "actors.insider.user.name: no world user is named 'ghost'" in res.output
    assert _run("validate", "--static", str(p)).exit_code == 0


def test_new_scaffolds_a_valid_commented_scenario(tmp_path):
    out = tmp_path / "payroll-leak.yaml"
    res = _run("new", "payroll-leak", "--out", str(out))
    assert res.exit_code == 0 and out.exists()
    text = out.read_text()
    assert "id: payroll-leak" in text and "# --- Who acts" in text and f"validate {out}" in text
    assert _run("validate", str(out)).exit_code == 0
    again = _run("new", "payroll-leak", "--out", str(out))
    assert again.exit_code == 2 and "exists" in again.output
    assert _run("new", "payroll-leak", "--out", str(out), "--force").exit_code == 0
    assert _run("new", "Bad Name", "--out", str(tmp_path / "x.yaml")).exit_code == 2


def test_preview_prints_the_resolved_timeline():
    res = _run("preview", str(MINI), "--student", "alice", "--answers")
    assert res.exit_code == 0, res.output
    out = res.output
    for token in ("STEP", "TIME (UTC)", "ACTOR", "ACTION", "RECORDS", "login", "console_login", "cloudtrail 1",
                  "exfil", "bulk_s3_download", "s3 ", "answer key:", "logging gaps:", "student alice"):
        assert token in out
    other = _run("preview", str(MINI), "--student", "bob").output
    assert other.splitlines()[3:6] != out.splitlines()[3:6]


def test_preview_json_and_show():
    data = orjson.loads(_run("preview", str(MINI), "--json", "--answers").output)
    assert [s["step"] for s in data["timeline"]] == ["login", "stop", "exfil", "restart"]
    assert set(data["answer_key"]) == {"who", "when", "objects", "first-call", "ip"}
    shown = _run("show", str(MINI)).output
    assert "mini-dba: Mini departing DBA" in shown and "stop: stop_logging by insider at +4m" in shown


def test_unknown_scenario_id_is_a_usage_error():
    res = _run("show", "no-such-scenario")
    assert res.exit_code == 2 and "no scenario 'no-such-scenario'" in res.output


def test_list_shows_the_library():
    res = _run("list")
    assert res.exit_code == 0
    for e in list_scenarios():
        assert e.id in res.output


def test_actions_markdown_is_the_generated_reference():
    assert _run("actions", "--markdown").output == render_action_reference()
    plain = _run("actions").output
    assert "stop_logging" in plain and "console_login" in plain


def test_validate_directory_and_variants(tmp_path, mini_text):
    (tmp_path / "a.yaml").write_text(mini_text)
    (tmp_path / "b.yaml").write_text(mini_text.replace("id: mini-dba", "id: mini-dba-2"))
    res = _run("validate", str(tmp_path), "--variants", "3")
    assert res.exit_code == 0 and "2 of 2 valid" in res.output
    assert _run("validate", str(tmp_path), "--variants", "3", "--student", "x").exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _run("validate", str(empty)).exit_code == 2


def test_variant_only_errors_name_the_students(write, mini_text):
    # a small organisation: some students' worlds have no DBA at all, the default one has
    p = write(replace_once(mini_text, "  scale: 100", "  scale: 20"))
    from simulator.scenario.validate import validate_file, variant_students

    assert validate_file(p) == []
    (err,) = validate_file(p, students=variant_students(25))
    assert err.field == "actors.insider.user" and "no world user matches {job: dba}" in err.message
    assert "(in the variant of student 'student-" in err.message and " more)" in err.message
