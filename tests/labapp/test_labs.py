from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pytest

from labapp import grading, progress
from labapp.db import get_db
from labapp.labs.checks import CHECKS
from labapp.labs.content import LabContentError, all_labs, get_lab, parse_lab
from labapp.labs.dataset import annotated_record
from labapp.labs.questions import _answer_key


def test_five_labs_in_order() -> None:
    labs = all_labs()
    assert [lab.number for lab in labs] == [1, 2, 3, 4, 5]
    assert [lab.id for lab in labs] == [
        "read-a-cloudtrail-log",
        "monitoring-and-alerting",
        "bank-insider",
        "built-in-logs",
        "knowledge-check",
    ]


def test_every_step_has_a_check_and_text() -> None:
    for lab in all_labs():
        assert lab.steps, lab.id
        for step in lab.steps:
            assert step.check in CHECKS
            assert str(step.html).strip(), f"{lab.id}/{step.id} has no text"


def test_fixed_answers_are_among_choices() -> None:
    for lab in all_labs():
        for q in lab.questions:
            if q.type == "choice":
                assert q.answer in q.choices, q.id
            if q.type == "multi":
                assert set(q.answer) <= set(q.choices), q.id


def test_scenario_questions_exist_in_answer_keys() -> None:
    for lab in all_labs():
        for q in lab.questions:
            if not q.scenario_answer:
                continue
            scenario, _, qid = q.scenario_answer.rpartition(":")
            key = _answer_key(scenario or lab.scenario, 1, "s001")
            if isinstance(key, str):
                pytest.skip(f"scenario library currently fails to compile: {key}")
            assert qid in key, f"{lab.id}: {q.scenario_answer}"


def test_lab2_covers_the_module_lab() -> None:
    checks = [s.check for s in get_lab("monitoring-and-alerting").steps]
    assert checks == [
        "trail_to_cloudwatch",
        "sns_email_subscription",
        "console_login_filter",
        "console_login_alarm",
        "security_group_rule",
        "trail_config_filter",
        "trail_config_alarm",
        "alarm_fired",
        "notification_arrived",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter", "no YAML front matter"),
        ("---\nid: x\n", "not closed"),
        ("---\n[1, 2\n---\n", "not valid YAML"),
        ("---\nnumber: 1\ntitle: t\n---\n", "missing field 'id'"),
        (
            "---\nid: x\nnumber: 1\ntitle: t\nsteps: [{id: a, title: A, check: nope}]\n---\n",
            "unknown check 'nope'",
        ),
        (
            "---\nid: x\nnumber: 1\ntitle: t\nquestions: [{id: q, prompt: p, type: essay, answer: 1}]\n---\n",
            "'essay'",
        ),
        (
            "---\nid: x\nnumber: 1\ntitle: t\nquestions: [{id: q, prompt: p, type: text}]\n---\n",
            "exactly one of",
        ),
    ],
)
def test_bad_lab_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "09-bad.md"
    path.write_text(text)
    with pytest.raises(LabContentError, match=message) as exc:
        parse_lab(path)
    assert "09-bad.md" in str(exc.value)


def test_quiz_scores_and_keeps_every_attempt(app, auth) -> None:
    auth.login("alice")
    lab = get_lab("knowledge-check")
    right = {f"q-{q.id}": q.answer for q in lab.questions}
    first = auth.post(
        "/labs/knowledge-check/answers", {"q-cw-vs-ct": "AWS CloudTrail", "q-config": "AWS Trusted Advisor"}
    )
    assert first.status_code == 302
    auth.post("/labs/knowledge-check/answers", right)
    with app.app_context():
        attempts = grading.attempts_of(get_db(), app.config["USER_IDS"]["alice"], "knowledge-check")
    assert [a["kind"] for a in attempts] == ["quiz", "quiz"]
    assert attempts[1]["score"] == 1.0 and attempts[1]["max_score"] == 12.0
    assert attempts[0]["score"] == 12.0
    page = auth.client.get("/labs/knowledge-check").get_data(as_text=True)
    assert page.count("✓ correct") == 12


def test_multi_answer_needs_exact_set(app, auth) -> None:
    auth.login("alice")
    auth.client.post(
        "/labs/knowledge-check/answers",
        headers={"X-CSRFToken": auth.token()},
        data={"q-flow-dest": ["Amazon CloudWatch Logs"]},
    )
    auth.client.post(
        "/labs/knowledge-check/answers",
        headers={"X-CSRFToken": auth.token()},
        data={"q-builtin": ["VPC Flow Logs", "S3 server access logs", "Elastic Load Balancing access logs"]},
    )
    with app.app_context():
        saved = progress.answers_of(get_db(), app.config["USER_IDS"]["alice"], "knowledge-check")
    assert saved["flow-dest"]["correct"] is False and saved["builtin"]["correct"] is True


def _key(student: str) -> dict:
    key = _answer_key("departing-dba", 1, student)
    if isinstance(key, str):
        pytest.skip(f"departing-dba does not compile right now: {key}")
    return key


def test_bank_insider_answers_follow_the_students_variant(app, auth) -> None:
    alice_key, bob_key = _key("s001"), _key("s002")
    assert alice_key["who"]["value"] != bob_key["who"]["value"]
    auth.login("alice")
    auth.post(
        "/labs/bank-insider/answers",
        {"q-who": alice_key["who"]["value"], "q-objects": str(bob_key["objects"]["value"] + 1000)},
    )
    with app.app_context():
        saved = progress.answers_of(get_db(), app.config["USER_IDS"]["alice"], "bank-insider")
    assert saved["who"]["correct"] is True and saved["objects"]["correct"] is False
    page = auth.client.get("/labs/bank-insider").get_data(as_text=True)
    assert "Variant: s001" in page and alice_key["who"]["prompt"] in page


def _dataset(tmp_path: Path) -> Path:
    records = [
        {
            "eventVersion": "1.08",
            "userIdentity": {"type": "AssumedRole"},
            "eventTime": "2026-03-02T06:00:01Z",
            "eventSource": "s3.amazonaws.com",
            "eventName": "ListBuckets",
            "awsRegion": "us-east-1",
            "sourceIPAddress": "10.0.0.1",
            "readOnly": True,
        },
        {
            "eventVersion": "1.08",
            "userIdentity": {"type": "IAMUser", "userName": "maria.lopez"},
            "eventTime": "2026-03-02T06:03:09Z",
            "eventSource": "signin.amazonaws.com",
            "eventName": "ConsoleLogin",
            "awsRegion": "us-east-1",
            "sourceIPAddress": "198.51.100.23",
            "errorMessage": "Failed authentication",
            "responseElements": {"ConsoleLogin": "Failure"},
            "readOnly": False,
        },
    ]
    key = "s3/bucket/AWSLogs/1/CloudTrail/us-east-1/2026/03/02/1_CloudTrail_us-east-1_20260302T0605Z_abc.json.gz"
    (tmp_path / key).parent.mkdir(parents=True)
    (tmp_path / key).write_bytes(gzip.compress(orjson.dumps({"Records": records})))
    manifest = {"files": [{"path": key, "source": "cloudtrail", "kind": "s3"}]}
    (tmp_path / "manifest.json").write_bytes(orjson.dumps(manifest))
    return tmp_path


def test_lab1_record_comes_from_the_dataset(app, auth, tmp_path: Path) -> None:
    app.config["DATASET_DIR"] = str(_dataset(tmp_path / "ds"))
    path, record = annotated_record(app.config["DATASET_DIR"])
    assert record["eventName"] == "ConsoleLogin" and path.endswith(".json.gz")
    auth.login("alice")
    page = auth.client.get("/labs/read-a-cloudtrail-log").get_data(as_text=True)
    assert "maria.lopez" in page and "Who made the request" in page
    auth.post("/labs/read-a-cloudtrail-log/answers", {"q-who": "Maria.Lopez", "q-from": "198.51.100.24"})
    with app.app_context():
        saved = progress.answers_of(get_db(), app.config["USER_IDS"]["alice"], "read-a-cloudtrail-log")
    assert saved["who"]["correct"] is True and saved["from"]["correct"] is False


def test_lab1_without_dataset_says_how_to_make_one(auth) -> None:
    auth.login("alice")
    page = auth.client.get("/labs/read-a-cloudtrail-log").get_data(as_text=True)
    assert "trailwatch generate" in page


def test_answers_check_reflects_saved_answers(app, auth, tmp_path: Path) -> None:
    app.config["DATASET_DIR"] = str(_dataset(tmp_path / "ds"))
    auth.login("alice")
    step = auth.client.get("/labs/read-a-cloudtrail-log/checks.json?step=read").get_json()["steps"]["read"]
    assert step["status"] == "fail" and step["message"] == "no answers saved yet"
    answers = {
        "q-who": "maria.lopez",
        "q-action": "ConsoleLogin",
        "q-from": "198.51.100.23",
        "q-when": "2026-03-02T06:03:09Z",
        "q-service": "signin.amazonaws.com",
        "q-region": "us-east-1",
    }
    auth.post("/labs/read-a-cloudtrail-log/answers", answers)
    step = auth.client.get("/labs/read-a-cloudtrail-log/checks.json?step=read").get_json()["steps"]["read"]
    assert step == {"status": "pass", "message": "all 6 answers are correct", "hint": ""}


def test_lab1_uses_the_students_own_dataset(app, auth, tmp_path: Path) -> None:
    class_ds = _dataset(tmp_path / "class")
    own = _dataset(tmp_path / "students" / "s001")
    manifest = orjson.loads((own / "manifest.json").read_bytes())
    path = own / manifest["files"][0]["path"]
    records = orjson.loads(gzip.decompress(path.read_bytes()))["Records"]
    records[1]["userIdentity"]["userName"] = "alice.only"
    path.write_bytes(gzip.compress(orjson.dumps({"Records": records})))
    app.config.update(DATASET_DIR=str(class_ds), STUDENT_DATASETS_DIR=str(tmp_path / "students"))
    auth.login("alice")
    assert "alice.only" in auth.client.get("/labs/read-a-cloudtrail-log").get_data(as_text=True)
    auth.logout()
    auth.login("bob")
    page = auth.client.get("/labs/read-a-cloudtrail-log").get_data(as_text=True)
    assert "maria.lopez" in page and "alice.only" not in page
