"""Every semantic error kind, with position, field and suggestion; all errors reported together."""

from simulator.scenario.load import check_document
from simulator.scenario.yamlload import load_document

from .conftest import replace_once


def _errors(text: str) -> list[str]:
    return [str(e) for e in check_document(load_document(text, "s.yaml"))]


def _one(text: str, needle: str) -> str:
    hits = [e for e in _errors(text) if needle in e]
    assert len(hits) == 1, _errors(text)
    return hits[0]


def test_unknown_action_with_suggestion(mini_text):
    e = _one(replace_once(mini_text, "action: stop_logging", "action: stop_loging"), "unknown action")
    assert e == ("s.yaml:33:13: timeline[1].action: unknown action 'stop_loging'; did you mean 'stop_logging'? "
                 "(list them with: trailwatch scenario actions)")


def test_unknown_actor_with_suggestion(mini_text):
    text = mini_text.replace("    action: stop_logging\n    actor: insider", "    action: stop_logging\n    actor: insder")
    assert _one(text, "unknown actor") == "s.yaml:34:12: timeline[1].actor: unknown actor 'insder'; did you mean 'insider'?"


def test_unknown_bucket(mini_text):
    e = _one(replace_once(mini_text, "params: {bucket: customer-records}", "params: {bucket: custmer-records}"),
             "unknown bucket")
    assert "timeline[2].params.bucket: unknown bucket 'custmer-records'; did you mean 'customer-records'?" in e


def test_new_bucket_ids_are_known(mini_text):
    text = replace_once(mini_text, "    customer-records: {data_events: true, access_logging: true}",
                        "    customer-records: {data_events: true, access_logging: true}\n"
                        "    payroll: {objects: 20, data_events: true}")
    text = replace_once(text, "params: {bucket: customer-records}", "params: {bucket: payroll}")
    assert _errors(text) == []


def test_unknown_step_references(mini_text):
    text = replace_once(mini_text, "at: +30m after exfil", "at: +30m after exfill")
    text = replace_once(text, "steps: [stop]", "steps: [stopp]")
    text = replace_once(text, "answer: {step: stop, field: time}", "answer: {step: stp, field: time}")
    errs = _errors(text)
    assert any("timeline[3].at: unknown step 'exfill' (only earlier steps can be referenced); did you mean 'exfil'?"
               in e for e in errs)
    assert any("detections[0].steps[0]: unknown step 'stopp'; did you mean 'stop'?" in e for e in errs)
    assert any("questions[1].answer.step: unknown step 'stp'; did you mean 'stop'?" in e for e in errs)


def test_later_step_cannot_be_an_anchor(mini_text):
    e = _one(replace_once(mini_text, "at: +4m", "at: +4m after exfil"), "unknown step")
    assert "timeline[1].at: unknown step 'exfil' (only earlier steps" in e


def test_step_before_start_and_after_end(mini_text):
    text = replace_once(mini_text, "at: after hours on day 1", "at: 2026-03-01T23:00:00Z")
    assert "is before the baseline start" in _one(text, "timeline[0].at")
    text = replace_once(mini_text, "at: after hours on day 1", "at: 2026-03-05T23:00:00Z")
    assert "is after the baseline end" in _one(text, "timeline[0].at")
    text = replace_once(mini_text, "at: after hours on day 1", "at: after hours on day 6")
    assert "day 6 is after the baseline end" in _one(text, "timeline[0].at")


def test_params_validated_against_the_action(mini_text):
    text = replace_once(mini_text, "params: {mfa: false}", "params: {mfa: nope, colour: red}")
    errs = _errors(text)
    assert any(e.endswith("timeline[0].params.mfa: expected true or false, got text") for e in errs)
    assert any("timeline[0].params.colour: unknown field 'colour'" in e for e in errs)


def test_choose_options_are_each_validated(mini_text):
    text = replace_once(mini_text, "params: {bucket: customer-records}",
                        "params: {bucket: {choose: [customer-records, statemnts]}}")
    assert "timeline[2].params.bucket.choose[1]: unknown bucket 'statemnts'; did you mean 'statements'?" in \
        _one(text, "unknown bucket")


def test_fact_not_reported_by_the_action(mini_text):
    e = _one(replace_once(mini_text, "answer: {step: exfil, fact: objects}", "answer: {step: exfil, fact: objcts}"),
             "does not report")
    assert e.endswith("questions[2].answer.fact: action 'bulk_s3_download' does not report fact 'objcts'; "
                      "did you mean 'objects'?")


def test_records_source_and_field_checked(mini_text):
    text = replace_once(mini_text, "answer: {step: exfil, records: s3, field: remote_ip}",
                        "answer: {step: exfil, records: alb, field: remote_ip}")
    assert "writes no alb records" in _one(text, "questions[4].answer.records")
    text = replace_once(mini_text, "records: s3, field: remote_ip", "records: s3, field: remote-ip")
    assert "s3 records have no field 'remote-ip'; did you mean 'remote_ip'?" in _one(text, "answer.field")


def test_actor_kind_must_suit_the_action(mini_text):
    text = replace_once(mini_text, "    user: {job: dba}\n    from: home", "    outsider: {}")
    assert "cannot be done by an actor of kind outsider" in _one(text, "timeline[0].actor")


def test_actor_needs_exactly_one_identity(mini_text):
    text = replace_once(mini_text, "    user: {job: dba}", "    user: {job: dba}\n    root: prod")
    assert "exactly one of user, role, root, outsider (got user and root)" in _one(text, "actors.insider:")


def test_duplicate_step_ids(mini_text):
    text = replace_once(mini_text, "  - id: restart", "  - id: stop")
    assert "duplicate id 'stop' (also timeline[1])" in _one(text, "duplicate")


def test_tolerance_rules(mini_text):
    text = replace_once(mini_text, "    tolerance: 5m\n", "    tolerance: 5%\n")
    assert "not a percentage" in _one(text, "questions[1].tolerance")


def test_world_override_rules(mini_text):
    text = replace_once(mini_text, "    customer-records: {data_events: true, access_logging: true}",
                        "    customer-records: {data_events: true, objects: 5}\n    artifacts: {access_logging: true}")
    errs = _errors(text)
    assert any("world.buckets.customer-records.objects: 'objects' is only for new buckets" in e for e in errs)
    assert any("world.buckets.artifacts.access_logging: S3 delivers access logs only to a bucket in the same "
               "account" in e for e in errs)


def test_solution_patterns_compiled_by_the_grader_engines(mini_text):
    text = replace_once(mini_text, "|| ($.eventName = DeleteTrail) }'", "|| ($.eventName = DeleteTrail)'")
    text = replace_once(text, "source: [aws.cloudtrail]", "source: aws.cloudtrail")
    errs = _errors(text)
    assert any("solution.metric_filters[0].filterPattern: InvalidParameterException: If a filter pattern starts "
               "with '{' it must end with '}'" in e for e in errs)
    assert any("solution.rules[0].EventPattern: InvalidEventPatternException: Event pattern is not valid." in e
               for e in errs)


def test_solution_references(mini_text):
    text = replace_once(mini_text, "      MetricName: CloudTrailChanges", "      MetricName: CloudTrailChange")
    text = replace_once(text, "    - Rule: stop-logging", "    - Rule: stop-loging")
    text = replace_once(text, "${Trailwatch::CloudTrailLogGroup}", "${Trailwatch::CloudTrailLogGrp}")
    errs = _errors(text)
    assert any("solution.alarms[0].MetricName: no metric filter produces CISBenchmark/CloudTrailChange; did you "
               "mean 'CISBenchmark/CloudTrailChanges'?" in e for e in errs)
    assert any("solution.targets[0].Rule: rule 'stop-loging' is not in solution.rules; did you mean 'stop-logging'?"
               in e for e in errs)
    assert any("unknown placeholder ${Trailwatch::CloudTrailLogGrp}; did you mean 'CloudTrailLogGroup'?" in e
               for e in errs)


def test_all_errors_at_once_sorted_by_position(mini_text):
    text = replace_once(mini_text, "action: stop_logging", "action: stop_loging")
    text = replace_once(text, "params: {bucket: customer-records}", "params: {bucket: nowhere}")
    text = replace_once(text, "steps: [stop]", "steps: [nope]")
    text = replace_once(text, "difficulty: beginner", "difficulty: easy")
    errs = check_document(load_document(text, "s.yaml"))
    assert len(errs) == 4
    assert [e.line for e in errs] == sorted(e.line for e in errs)


def test_actor_field_rules(mini_text):
    text = replace_once(mini_text, "    from: home", "    from: home\n    tool: curl\n    country: NL")
    errs = _errors(text)
    assert any("actors.insider.tool: tool applies to outsiders" in e for e in errs)
    assert any("actors.insider.country: country applies to internet addresses" in e for e in errs)


def test_time_zones_and_ip_formats_checked(mini_text):
    text = replace_once(mini_text, "    from: home", "    from: home\n    timezone: Europe/Londn")
    text = replace_once(text, "params: {mfa: false}", "params: {mfa: false, source_ip: 300.1.2.3}")
    errs = _errors(text)
    assert any("actors.insider.timezone: unknown time zone 'Europe/Londn'; use an IANA name such as "
               "America/New_York; did you mean 'Europe/London'?" in e for e in errs)
    assert any("timeline[0].params.source_ip: '300.1.2.3' is not a valid ipv4" in e for e in errs)


def test_actor_references_in_params(mini_text):
    text = replace_once(mini_text, "params: {bucket: customer-records}",
                        "params: {bucket: customer-records, source_ip: {actor: insidr, field: source_ip}}")
    assert "timeline[2].params.source_ip.actor: unknown actor 'insidr'; did you mean 'insider'?" in \
        _one(text, "unknown actor")
    text = replace_once(mini_text, "params: {bucket: customer-records}",
                        "params: {bucket: customer-records, source_ip: {actor: insider, field: ip}}")
    assert "actors have no field 'ip'" in _one(text, "params.source_ip.field")


def test_unknown_fact_without_a_close_match_lists_the_facts(mini_text):
    e = _one(replace_once(mini_text, "answer: {step: exfil, fact: objects}", "answer: {step: exfil, fact: zzz}"),
             "does not report")
    assert "; it reports: " in e and "objects" in e.split("; it reports: ")[1]
