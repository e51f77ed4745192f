"""Submission files, CloudFormation templates, answers and rubrics: accepted shapes and clear errors."""

from __future__ import annotations

import pytest

from grader.grading import (
    GradingInputError,
    grade,
    load_answers,
    load_cfn_template,
    load_submission_file,
    rubric_for,
    submission_from_data,
)
from grader.grading.submission import placeholder_resolver, resolve_submission
from tests.grader.grading.conftest import lost_points


def test_submission_file_yaml_and_json(tmp_path, lab, reference):
    import json

    import yaml

    (tmp_path / "s.json").write_text(json.dumps(reference))
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(reference))
    a = load_submission_file(tmp_path / "s.json")
    b = load_submission_file(tmp_path / "s.yaml")
    assert a.to_dict() == b.to_dict() == reference
    assert (
        a.of("metric_filters")[0].where
        == f"{tmp_path / 's.json'}: metric_filters[0] (filterName 'console-auth-failures')"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"metric_filters": [{"filterName": "x", "filterPattern": "{ $.eventName = "StopLogging" }"}]}',
            "line 1 column 76: invalid JSON: Expecting ',' delimiter",
        ),
        ("metric_filters:\n  - filterName: x\n   bad: [", "line 3 column 4: invalid YAML"),
        ("- just a list", "the submission must be a mapping"),
        ("metricfilters: []", "unknown section 'metricfilters' (did you mean 'metric_filters'?)"),
        ("alarms: {AlarmName: x}", "alarms: must be a list of request bodies"),
        ("alarms: [x]", "alarms[0]: must be a mapping (a PutMetricAlarm request body)"),
        (
            "metric_filters: [{logGroupName: g, filtername: x, filterPattern: p, metricTransformations: []}]",
            "metric_filters[0]: PutMetricFilter needs 'filterName' (found 'filtername': names are case-sensitive)",
        ),
        ("topics: [{}]", "topics[0]: CreateTopic needs 'Name'"),
    ],
)
def test_malformed_submission_files_name_the_file_and_field(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(GradingInputError) as err:
        load_submission_file(path)
    assert str(err.value).startswith(str(path)), err.value
    assert message in str(err.value), err.value
    assert err.value.exit_code == 3


def test_missing_submission_file(tmp_path):
    with pytest.raises(GradingInputError, match="file not found"):
        load_submission_file(tmp_path / "nope.yaml")


def test_placeholders_resolve_to_the_dataset(lab):
    sub = submission_from_data(
        {
            "metric_filters": [
                {
                    "logGroupName": "${Trailwatch::CloudTrailLogGroup::dev}",
                    "filterName": "f",
                    "filterPattern": "",
                    "metricTransformations": [
                        {"metricName": "m", "metricNamespace": "n", "metricValue": "1"}
                    ],
                }
            ],
            "topics": [{"Name": "t"}],
            "subscriptions": [
                {"TopicArn": "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:t", "Protocol": "email"}
            ],
        },
        "x",
    )
    out = resolve_submission(sub, placeholder_resolver(lab.home_account, lab.region, lab.log_group_for))
    assert out.of("metric_filters")[0].body["logGroupName"] == lab.log_group_for("cloudtrail", "dev")
    assert out.of("subscriptions")[0].body["TopicArn"] == f"arn:aws:sns:us-east-1:{lab.home_account}:t"


def test_literal_account_ids_work_like_placeholders(lab, reference, lab_answers):
    for a in reference["alarms"]:
        a["AlarmActions"] = [f"arn:aws:sns:us-east-1:{lab.home_account}:security-alerts"]
    results = grade(lab, submission_from_data(reference, "x"), answers=lab_answers)
    assert results["score"] == results["max_score"]


CFN_YAML = """
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  TrailGroup: {Type: String, Default: GROUP}
Resources:
  Alerts:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: security-alerts
      Subscription: [{Protocol: email, Endpoint: soc@anybank.example}]
  AuthFailures:
    Type: AWS::Logs::MetricFilter
    Properties:
      LogGroupName: !Ref TrailGroup
      FilterPattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'
      MetricTransformations: [{MetricName: ConsoleSigninFailures, MetricNamespace: CISBenchmark, MetricValue: '1'}]
  TrailChanges:
    Type: AWS::Logs::MetricFilter
    Properties:
      LogGroupName: !Ref TrailGroup
      FilterPattern: '{ ($.eventName = StartLogging) || ($.eventName = StopLogging) }'
      MetricTransformations: [{MetricName: CloudTrailConfigChanges, MetricNamespace: CISBenchmark, MetricValue: '1'}]
  BurstAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      MetricName: ConsoleSigninFailures
      Namespace: CISBenchmark
      Statistic: Sum
      Period: 300
      EvaluationPeriods: 1
      Threshold: 5
      ComparisonOperator: GreaterThanOrEqualToThreshold
      TreatMissingData: notBreaching
      AlarmActions: [!Ref Alerts]
  TrailAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmName: !Sub '${AWS::StackName}-trail-changes'
      MetricName: CloudTrailConfigChanges
      Namespace: CISBenchmark
      Statistic: Sum
      Period: 300
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
      AlarmActions: [!GetAtt Alerts.TopicArn]
  NewKeys:
    Type: AWS::Events::Rule
    Properties:
      EventPattern:
        source: [aws.iam]
        detail-type: [AWS API Call via CloudTrail]
        detail: {eventName: [CreateAccessKey]}
      Targets:
        - Id: soc
          Arn: !Sub 'arn:aws:sns:${AWS::Region}:${AWS::AccountId}:${Alerts.TopicName}'
"""


def test_cloudformation_template_grades_like_the_reference(tmp_path, lab, lab_answers):
    path = tmp_path / "stack.yaml"
    path.write_text(CFN_YAML.replace("GROUP", lab.log_group_for("cloudtrail")))
    sub = load_cfn_template(path)
    assert [i.name for i in sub.of("alarms")] == ["BurstAlarm", "trailwatch-trail-changes"]
    assert sub.of("rules")[0].name == "NewKeys"
    assert (
        sub.of("subscriptions")[0].body["TopicArn"]
        == "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:security-alerts"
    )
    results = grade(lab, sub, answers=lab_answers)
    assert lost_points(results) == {}


def test_cloudformation_json_and_errors(tmp_path):
    import json

    path = tmp_path / "stack.json"
    path.write_text(
        json.dumps(
            {
                "Resources": {
                    "T": {"Type": "AWS::SNS::Topic", "Properties": {}},
                    "A": {
                        "Type": "AWS::CloudWatch::Alarm",
                        "Properties": {"AlarmActions": [{"Ref": "Nope"}]},
                    },
                }
            }
        )
    )
    with pytest.raises(
        GradingInputError, match=r"Resources.A.Properties.AlarmActions\[0\]: Ref to unknown resource"
    ):
        load_cfn_template(path)
    path.write_text(json.dumps({"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}))
    assert load_cfn_template(path).of("topics")[0].body == {"Name": "T"}
    path.write_text("[]")
    with pytest.raises(GradingInputError, match="not a CloudFormation template"):
        load_cfn_template(path)


def test_answers_file(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("answers:\n  failures: 12\n")
    assert load_answers(path) == {"failures": 12}
    path.write_text("failures: 12\n")
    with pytest.raises(GradingInputError, match="unknown key"):
        load_answers(path)


def test_unknown_answer_ids_are_reported(lab, reference):
    results = grade(lab, submission_from_data(reference, "x"), answers={"nope": 1})
    assert "answer to unknown question 'nope' ignored" in results["output"]


def test_rubric_overrides_from_the_scenario():
    r = rubric_for({"rubric": {"detection": 4, "false_alarm_allowance": 2}})
    assert (r.detection, r.false_alarm_allowance, r.notification) == (4.0, 2, 5.0)
    assert r.false_alarm_score(3) == r.false_alarm_budget - r.false_alarm_penalty
    with pytest.raises(GradingInputError, match="unknown weight 'detections'"):
        rubric_for({"rubric": {"detections": 1}})
    with pytest.raises(GradingInputError, match="late_factor must be between 0 and 1"):
        rubric_for({"rubric": {"late_factor": 2}})
