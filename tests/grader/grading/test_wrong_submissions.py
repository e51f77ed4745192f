"""A library of wrong submissions against the grading-lab dataset: each loses exactly what the rubric says
and gets the feedback that points at its mistake. The reference solution scores 100%."""

from __future__ import annotations

import copy
import dataclasses
import json

from grader.grading import Rubric, grade, submission_from_data
from tests.grader.grading.conftest import lost_points, output_of

R = Rubric()
DETECTION = R.detection + R.notification  # every lab detection has points 1


def _grade(lab, body, answers=None):
    return grade(lab, submission_from_data(body, "wrong.yaml"), answers=answers or {})


def test_reference_solution_scores_full_marks(lab, reference, lab_answers):
    results = _grade(lab, reference, lab_answers)
    assert results["score"] == results["max_score"] == 3 * DETECTION + R.false_alarm_budget + 3 * R.answer
    assert lost_points(results) == {}
    assert results["extra_data"]["problems"] == []


def test_typo_in_event_name(lab, reference, lab_answers):
    reference["metric_filters"][1]["filterPattern"] = "{ $.eventName = StopLoging }"
    results = _grade(lab, reference, lab_answers)
    assert lost_points(results) == {
        "Detection: trail-stopped": R.detection,
        "Notification: trail-stopped": R.notification,
    }
    assert (
        "your filter `{ $.eventName = StopLoging }` (cloudtrail-changes) matched 0 of the 1 StopLogging event: "
        "no event has the name StopLoging; did you mean StopLogging?"
    ) in output_of(results, "Detection: trail-stopped")


def test_unclosed_quote_in_filter_pattern_is_rejected_with_its_field(lab, reference, lab_answers):
    reference["metric_filters"][1]["filterPattern"] = '{ $.eventName = "StopLogging }'
    results = _grade(lab, reference, lab_answers)
    assert lost_points(results) == {
        "Detection: trail-stopped": DETECTION - R.notification,
        "Notification: trail-stopped": R.notification,
    }
    problems = results["extra_data"]["problems"]
    assert any(
        p.startswith(
            "wrong.yaml: metric_filters[1] (filterName 'cloudtrail-changes').filterPattern: "
            "InvalidParameterException"
        )
        for p in problems
    ), problems
    assert (
        "alarm 'cloudtrail-changes' watches CISBenchmark/CloudTrailConfigChanges but no metric filter publishes it"
        in problems
    )


def test_quotes_inside_the_value_match_nothing(lab, reference, lab_answers):
    reference["metric_filters"][1]["filterPattern"] = "{ $.eventName = \"'StopLogging'\" }"
    results = _grade(lab, reference, lab_answers)
    assert lost_points(results) == {
        "Detection: trail-stopped": R.detection,
        "Notification: trail-stopped": R.notification,
    }
    assert "did you mean StopLogging?" in output_of(results, "Detection: trail-stopped")


def test_single_quoted_event_pattern_json(lab, reference, lab_answers):
    reference["rules"][0]["EventPattern"] = (
        "{'source': ['aws.iam'], 'detail': {'eventName': ['CreateAccessKey']}}"
    )
    results = _grade(lab, reference, lab_answers)
    assert lost_points(results) == {
        "Detection: new-access-key": R.detection,
        "Notification: new-access-key": R.notification,
    }
    assert any(
        "rules[0] (Name 'new-access-key').EventPattern: InvalidEventPatternException: Event pattern is not valid"
        in p
        for p in results["extra_data"]["problems"]
    )


def test_not_equal_instead_of_equal(lab, reference, lab_answers):
    reference["metric_filters"][1]["filterPattern"] = "{ $.eventName != StopLogging }"
    results = _grade(lab, reference, lab_answers)
    fa = results["extra_data"]["false_alarms"]["count"]
    assert fa >= 1
    assert lost_points(results) == {
        "Detection: trail-stopped": R.detection,
        "Notification: trail-stopped": R.notification,
        "False alarms": min(R.false_alarm_budget, R.false_alarm_penalty * fa),
    }
    text = output_of(results, "False alarms")
    assert "alarm 'cloudtrail-changes': its pattern matched" in text and "benign events" in text
    assert "was already in ALARM since" in output_of(results, "Detection: trail-stopped")


def test_threshold_too_high(lab, reference, lab_answers):
    reference["alarms"][0]["Threshold"] = 50
    results = _grade(lab, reference, lab_answers)
    assert lost_points(results) == {
        "Detection: sign-in-burst": R.detection,
        "Notification: sign-in-burst": R.notification,
    }
    text = output_of(results, "Detection: sign-in-burst")
    assert (
        "alarm 'sign-in-burst' threshold 50 (GreaterThanOrEqualToThreshold) never reached: the attack produced at most"
        in text
    )
    peak = int(text.split("at most ")[1].split(" ")[0])
    assert 5 <= peak < 50  # the reference threshold (5) is reached, 50 is not


def test_alarm_with_no_subscriber(lab, reference, lab_answers):
    reference["subscriptions"] = []
    results = _grade(lab, reference, lab_answers)
    assert lost_points(results) == {
        f"Notification: {d}": R.notification for d in ("sign-in-burst", "trail-stopped", "new-access-key")
    }
    assert "topic 'security-alerts' has no subscription" in output_of(results, "Notification: sign-in-burst")


def test_alarm_action_to_a_topic_that_does_not_exist(lab, reference, lab_answers):
    reference["alarms"][1]["AlarmActions"] = ["arn:aws:sns:us-east-1:123456789012:security-alerts"]
    results = _grade(lab, reference, lab_answers)
    assert lost_points(results) == {"Notification: trail-stopped": R.notification}
    assert "is not one of your topics (your topic of that name is arn:aws:sns:us-east-1:" in output_of(
        results, "Notification: trail-stopped"
    )


def test_wrong_log_group(lab, reference, lab_answers):
    for f in reference["metric_filters"]:
        f["logGroupName"] = "aws-cloudtrail-logs-prod"
    results = _grade(lab, reference, lab_answers)
    assert lost_points(results) == {
        f"{k}: {d}": v
        for d in ("sign-in-burst", "trail-stopped")
        for k, v in (("Detection", R.detection), ("Notification", R.notification))
    }
    problem = results["extra_data"]["problems"][0]
    assert "log group 'aws-cloudtrail-logs-prod' does not exist in this dataset" in problem
    for real in lab.cloudtrail_groups():
        assert real in problem


def test_over_broad_pattern(lab, reference, lab_answers):
    reference["metric_filters"][1]["filterPattern"] = "{ $.eventName = * }"
    results = _grade(lab, reference, lab_answers)
    fa = results["extra_data"]["false_alarms"]["count"]
    assert lost_points(results) == {
        "Detection: trail-stopped": R.detection,
        "Notification: trail-stopped": R.notification,
        "False alarms": min(R.false_alarm_budget, R.false_alarm_penalty * fa),
    }
    benign = next(
        f["benign_matched"] for f in results["extra_data"]["filters"] if f["name"] == "cloudtrail-changes"
    )
    assert benign > 1000
    assert f"its pattern matched {benign:,} benign events" in output_of(results, "False alarms")


def test_rule_missing_the_cloudtrail_detail_type(lab, reference, lab_answers):
    reference["rules"][0]["EventPattern"] = json.dumps(
        {"source": ["aws.iam"], "detail-type": ["AWS API Call"], "detail": {"eventName": ["CreateAccessKey"]}}
    )
    results = _grade(lab, reference, lab_answers)
    assert lost_points(results) == {
        "Detection: new-access-key": R.detection,
        "Notification: new-access-key": R.notification,
    }
    assert (
        "rule 'new-access-key' expects detail-type ['AWS API Call'] but these CloudTrail events arrive with "
        "detail-type 'AWS API Call via CloudTrail'"
    ) in output_of(results, "Detection: new-access-key")


def test_disabled_rule_and_rule_without_targets(lab, reference, lab_answers):
    reference["rules"][0]["State"] = "DISABLED"
    results = _grade(lab, reference, lab_answers)
    assert lost_points(results) == {
        "Detection: new-access-key": R.detection,
        "Notification: new-access-key": R.notification,
    }
    assert "rule 'new-access-key' is DISABLED" in output_of(results, "Detection: new-access-key")
    reference["rules"][0]["State"] = "ENABLED"
    reference["targets"] = []
    results = _grade(lab, reference, lab_answers)
    assert lost_points(results) == {"Notification: new-access-key": R.notification}
    assert "the rule has no targets" in output_of(results, "Notification: new-access-key")


def test_late_detection_keeps_the_late_factor(lab, reference, lab_answers):
    # the alarm fires about a minute after the first failed sign-in; expect it within 30 s instead of 10 min
    scenario = copy.deepcopy(lab.scenario)
    for d in scenario["detections"]:
        if d["id"] == "sign-in-burst":
            d["within_seconds"] = 30
    strict = dataclasses.replace(lab, scenario=scenario)
    results = _grade(strict, reference, lab_answers)
    assert lost_points(results) == {"Detection: sign-in-burst": R.detection * (1 - R.late_factor)}
    detection = next(t for t in results["tests"] if t["name"].startswith("Detection: sign-in-burst"))
    assert "(late)" in detection["output"]
    assert "a good detection fires within 30 s" in detection["output"]


def test_wrong_answers_lose_their_points_without_revealing_them(lab, reference, lab_answers):
    answers = dict(lab_answers, failures=lab_answers["failures"] + 1)
    answers.pop("compromised")
    results = _grade(lab, reference, answers)
    assert lost_points(results) == {"Question: failures": R.answer, "Question: compromised": R.answer}
    text = output_of(results, "Question: failures")
    assert text == "Not correct." and str(lab_answers["failures"]) not in text
    assert output_of(results, "Question: compromised") == "Not answered."


def test_filter_on_another_accounts_trail(lab, reference, lab_answers):
    dev = lab.log_group_for("cloudtrail", "dev")
    reference["metric_filters"][0]["logGroupName"] = dev
    results = _grade(lab, reference, lab_answers)
    assert lost_points(results) == {
        "Detection: sign-in-burst": R.detection,
        "Notification: sign-in-burst": R.notification,
    }
    text = output_of(results, "Detection: sign-in-burst")
    assert (
        f"filter 'console-auth-failures' looks for ConsoleLogin on log group {dev}, but this attack's records "
        f"are in {lab.log_group_for('cloudtrail')}"
    ) in text
