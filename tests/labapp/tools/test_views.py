"""The tool pages through Flask's test client: they render, run queries, explain errors, and keep every
student to their own dataset."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.labapp.tools.conftest import make_app, sign_in


def rows_in(html: str) -> int:
    return html.count('<tr class="tw-row">')


@pytest.mark.parametrize("url", ["/explorer/", "/explorer/s3", "/patterns/", "/alarms/"])
def test_pages_need_sign_in(app: Any, url: str) -> None:
    response = app.test_client().get(url)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("url", ["/explorer/", "/explorer/s3", "/patterns/", "/alarms/"])
def test_pages_render_with_nav(student: Any, url: str) -> None:
    html = student.get(url).get_data(as_text=True)
    for label in ("Log explorer", "Pattern tester", "Alarms"):
        assert label in html


def test_explorer_lists_groups_and_runs_a_query(student: Any, events: list[dict[str, Any]]) -> None:
    html = student.get("/explorer/").get_data(as_text=True)
    for group in {e["group"] for e in events}:
        assert group in html
    ct = [json.loads(e["message"]) for e in events if e["group"].startswith("aws-cloudtrail-logs-")]
    want = sum(1 for r in ct if r["eventSource"] == "iam.amazonaws.com")
    response = student.get(
        "/explorer/",
        query_string={"q": 'fields eventName | filter eventSource = "iam.amazonaws.com"', "mode": "insights"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert rows_in(html) == min(want, 1000)
    assert f"<strong>{want:,}</strong> records matched" in html
    assert 'class="tw-chart tw-histogram"' in html and html.count('class="bar"') >= 1
    assert 'class="tw-json"' in html  # expandable event JSON


def test_explorer_syntax_error_points_at_the_position(student: Any) -> None:
    html = student.get(
        "/explorer/", query_string={"q": "fields @timestamp\n| stats count(*) by bin(5x)"}
    ).get_data(as_text=True)
    assert "Line 2, column 25: Unknown or unsupported bin() period" in html
    assert re.search(r'<pre class="tw-pointer">\| stats count\(\*\) by bin\(5x\)\n {24}\^</pre>', html)


def test_explorer_filter_pattern_mode(student: Any, events: list[dict[str, Any]]) -> None:
    want = sum(
        1
        for e in events
        if e["group"].startswith("aws-cloudtrail-logs-")
        and "AssumeRole" in e["message"]
        and json.loads(e["message"])["eventName"] == "AssumeRole"
    )
    html = student.get(
        "/explorer/", query_string={"mode": "pattern", "q": "{ $.eventName = AssumeRole }"}
    ).get_data(as_text=True)
    assert rows_in(html) == min(want, 1000)
    bad = student.get("/explorer/", query_string={"mode": "pattern", "q": "[a, b"}).get_data(as_text=True)
    assert "InvalidParameterException:</strong> Invalid filter pattern" in bad


def test_s3_browser_and_object(student: Any, dataset: Path) -> None:
    manifest = json.loads((dataset / "manifest.json").read_text())
    obj = next(f for f in manifest["files"] if f["kind"] == "s3" and f["source"] == "cloudtrail")
    bucket, _, key = obj["path"][3:].partition("/")
    assert bucket in student.get("/explorer/s3").get_data(as_text=True)
    top = key.split("/")[0] + "/"
    assert top in student.get("/explorer/s3", query_string={"bucket": bucket}).get_data(as_text=True)
    html = student.get("/explorer/s3/object", query_string={"bucket": bucket, "key": key}).get_data(
        as_text=True
    )
    assert f"{obj['records']:,} records" in html and "eventVersion" in html
    assert (
        student.get("/explorer/s3/object", query_string={"bucket": "labels", "key": "x"}).status_code == 404
    )
    assert (
        student.get(
            "/explorer/s3/object", query_string={"bucket": bucket, "key": "../../manifest.json"}
        ).status_code
        == 404
    )


def test_labels_are_never_reachable(student: Any, dataset: Path) -> None:
    label_file = next((dataset / "labels").rglob("*.jsonl.gz"))
    html = student.get("/explorer/s3").get_data(as_text=True)
    assert "labels" not in html
    rel = label_file.relative_to(dataset).as_posix()
    bucket, _, key = rel.partition("/")
    assert student.get("/explorer/s3/object", query_string={"bucket": bucket, "key": key}).status_code == 404


def test_pattern_tester_runs_on_group_samples(student: Any, events: list[dict[str, Any]]) -> None:
    group = next(e["group"] for e in events if e["group"].startswith("aws-cloudtrail-logs-"))
    sample = [e for e in events if e["group"] == group][:10]
    want = sum(1 for e in sample if json.loads(e["message"]).get("readOnly") is True)
    html = student.post(
        "/patterns/",
        data={
            "pattern": "{ $.readOnly IS TRUE }",
            "source": "group",
            "group": group,
            "count": "10",
            "metric_value": "1",
        },
    ).get_data(as_text=True)
    assert f"<strong>{want}</strong> of 10 events matched" in html
    assert html.count("✓ match") == want


def test_pattern_tester_pasted_messages_and_errors(student: Any) -> None:
    html = student.post(
        "/patterns/",
        data={
            "pattern": "ERROR",
            "source": "paste",
            "messages": "ERROR boom\nall fine\n",
            "default_value": "0",
        },
    ).get_data(as_text=True)
    assert "<strong>1</strong> of 2 events matched" in html and "(default)" in html
    bad = student.post("/patterns/", data={"pattern": "ERROR!", "source": "paste", "messages": "x"}).get_data(
        as_text=True
    )
    assert "Invalid character(s) in term &#39;!&#39;" in bad
    assert '<pre class="tw-pointer">ERROR!\n     ^</pre>' in bad


def test_pattern_tester_needs_csrf_token(tmp_path: Path, dataset: Path, cache_dir: Path) -> None:
    app = make_app(tmp_path, DATASET_DIR=str(dataset), EXPLORER_CACHE_DIR=str(cache_dir), CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    client.post(
        "/auth/login", data={"username": "alice", "password": "correct-horse-battery", "csrf_token": token}
    )
    assert (
        client.post("/patterns/", data={"pattern": "x", "source": "paste", "messages": "x"}).status_code
        == 400
    )


def test_alarms_page_charts_injected_alarms(
    tmp_path: Path, dataset: Path, cache_dir: Path, events: list[dict[str, Any]]
) -> None:
    from labapp.alarms.sources import LearnerResources

    group = next(e["group"] for e in events if e["group"].startswith("aws-cloudtrail-logs-"))
    resources = LearnerResources(
        metric_filters=[
            {
                "filterName": "all",
                "logGroupName": group,
                "filterPattern": "",
                "metricTransformations": [
                    {"metricName": "Events", "metricNamespace": "Lab", "metricValue": "1"}
                ],
            }
        ],
        alarms=[
            {
                "AlarmName": "busy",
                "StateValue": "ALARM",
                "MetricName": "Events",
                "Namespace": "Lab",
                "Statistic": "Sum",
                "Period": 300,
                "EvaluationPeriods": 1,
                "Threshold": 1.0,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            }
        ],
        history={
            "busy": [
                {
                    "Timestamp": "2026-03-02T06:05:00Z",
                    "HistorySummary": "Alarm updated from INSUFFICIENT_DATA to ALARM",
                }
            ]
        },
    )
    app = make_app(
        tmp_path,
        DATASET_DIR=str(dataset),
        EXPLORER_CACHE_DIR=str(cache_dir),
        CSRF_ENABLED=False,
        ALARM_RESOURCES=lambda: resources,
    )
    with app.test_client() as client:
        html = sign_in(client, "alice").get("/alarms/").get_data(as_text=True)
    assert "busy" in html and 'class="tw-chart tw-alarm-chart"' in html and 'class="band-ALARM"' in html
    assert "Alarm updated from INSUFFICIENT_DATA to ALARM" in html
    assert 'backend now: <span class="tw-state tw-state-ALARM">ALARM</span>' in html
    assert 'INSUFFICIENT_DATA</span></td><td><span class="tw-state tw-state-ALARM">' in html


def test_alarms_page_without_backend_or_alarms(student: Any) -> None:
    html = student.get("/alarms/").get_data(as_text=True)
    assert "No metric alarms yet" in html


# ---- each student sees only their own dataset


@pytest.fixture
def per_student_app(tmp_path: Path, dataset: Path, student_datasets: Path, cache_dir: Path) -> Any:
    return make_app(
        tmp_path,
        DATASET_DIR=str(dataset),
        STUDENT_DATASETS_DIR=str(student_datasets),
        EXPLORER_CACHE_DIR=str(cache_dir),
        CSRF_ENABLED=False,
    )


def _accounts(dataset: Path) -> set[str]:
    return {a["id"] for a in json.loads((dataset / "manifest.json").read_text())["world"]["accounts"]}


def _groups(dataset: Path) -> set[str]:
    return {g["name"] for g in json.loads((dataset / "manifest.json").read_text())["log_groups"]}


def test_student_sees_only_their_own_dataset(per_student_app: Any, student_datasets: Path) -> None:
    alice, bob = student_datasets / "alice", student_datasets / "bob"
    assert not (_accounts(alice) & _accounts(bob))
    with per_student_app.test_client() as client:
        sign_in(client, "alice")
        for params in ({}, {"student": "bob"}):  # asking for bob's data is ignored for a student
            html = client.get("/explorer/", query_string={"q": "stats count(*) by @log", **params}).get_data(
                as_text=True
            )
            assert all(g in html for g in _groups(alice) if g.startswith("aws-cloudtrail"))
            assert not any(acct in html for acct in _accounts(bob))
        s3 = client.get("/explorer/s3", query_string={"student": "bob"}).get_data(as_text=True)
        assert not any(acct in s3 for acct in _accounts(bob))


def test_instructor_can_open_a_students_dataset(per_student_app: Any, student_datasets: Path) -> None:
    with per_student_app.test_client() as client:
        sign_in(client, "teacher")
        html = client.get("/explorer/", query_string={"student": "bob"}).get_data(as_text=True)
        assert "Viewing <strong>bob</strong>" in html
        assert all(g in html for g in _groups(student_datasets / "bob"))
        assert client.get("/explorer/", query_string={"student": "nobody"}).status_code == 404
        assert client.get("/explorer/", query_string={"student": "teacher"}).status_code == 404


def test_no_dataset_configured(tmp_path: Path) -> None:
    app = make_app(tmp_path, DATASET_DIR=None, CSRF_ENABLED=False)
    with app.test_client() as client:
        sign_in(client, "alice")
        for url in ("/explorer/", "/patterns/", "/alarms/"):
            assert "No dataset is loaded yet" in client.get(url).get_data(as_text=True)


def test_s3_line_log_object_shows_its_lines(student: Any, dataset: Path) -> None:
    import gzip

    manifest = json.loads((dataset / "manifest.json").read_text())
    obj = next(f for f in manifest["files"] if f["kind"] == "s3" and f["source"] == "flow")
    lines = gzip.decompress((dataset / obj["path"]).read_bytes()).decode().splitlines()
    bucket, _, key = obj["path"][3:].partition("/")
    html = student.get("/explorer/s3/object", query_string={"bucket": bucket, "key": key}).get_data(
        as_text=True
    )
    assert f"{len(lines):,} lines" in html
    assert lines[0] in html  # the header line of a flow log file in S3
