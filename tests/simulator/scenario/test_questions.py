import pytest

from simulator.scenario.questions import arn_name, check_answer, line_fields

TEXT = {"type": "text", "value": "arn:aws:iam::111122223333:user/Jane.Doe",
        "accept": ["arn:aws:iam::111122223333:user/Jane.Doe", "Jane.Doe"]}


@pytest.mark.parametrize("given,ok", [
    ("jane.doe", True), (" JANE.DOE ", True), ("arn:aws:iam::111122223333:user/jane.doe", True),
    ("arn:aws:iam::999999999999:user/jane.doe", False), ("john", False), (None, False),
])
def test_text_accepts_arn_or_name_case_insensitively(given, ok):
    assert check_answer(TEXT, given) is ok


def test_name_question_accepts_an_arn_with_that_name():
    entry = {"type": "text", "value": "anybank-customer-records-1", "accept": ["anybank-customer-records-1"]}
    assert check_answer(entry, "arn:aws:s3:::anybank-customer-records-1")
    assert not check_answer(entry, "arn:aws:s3:::other")


def test_sets():
    entry = {"type": "set", "value": ["1.2.3.4", "5.6.7.8"]}
    assert check_answer(entry, ["5.6.7.8", "1.2.3.4"]) and check_answer(entry, "1.2.3.4, 5.6.7.8")
    assert not check_answer(entry, ["1.2.3.4"]) and not check_answer(entry, ["1.2.3.4", "5.6.7.8", "9.9.9.9"])


def test_numbers_with_tolerance():
    entry = {"type": "number", "value": 1843, "tolerance": 10.0}
    assert check_answer(entry, 1850) and check_answer(entry, "1,833") and not check_answer(entry, 1854)
    assert not check_answer(entry, True) and not check_answer(entry, "many")


def test_times_with_tolerance():
    entry = {"type": "time", "value": "2026-03-03T01:26:20Z", "value_ms": 1772501180000, "tolerance_seconds": 300}
    assert check_answer(entry, "2026-03-03T01:30:00Z") and check_answer(entry, "2026-03-02T20:26:20-05:00")
    assert check_answer(entry, 1772501180) and not check_answer(entry, "2026-03-03T01:40:00Z")
    assert not check_answer(entry, "yesterday")


def test_arn_name():
    assert arn_name("arn:aws:iam::1:user/path/bob") == "bob"
    assert arn_name("arn:aws:s3:::bucket") == "bucket"
    assert arn_name("bob") == "bob"


def test_line_fields_of_access_logs():
    s3 = ('79a5 awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 arn:aws:iam::1:user/a 3E57427F3EXAMPLE '
          'REST.GET.VERSIONING - "GET /awsexamplebucket1?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" -')
    f = line_fields("s3", s3)
    assert (f["remote_ip"], f["operation"], f["request_uri"], f["user_agent"]) == (
        "192.0.2.3", "REST.GET.VERSIONING", "GET /awsexamplebucket1?versioning HTTP/1.1", "S3Console/0.4")
    alb = ('https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 '
           '10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0"')
    g = line_fields("alb", alb)
    assert (g["client:port"], g["elb_status_code"], g["user_agent"]) == ("192.168.131.39:2817", "200", "curl/7.46.0")
    flow = {"flow_log_id": "fl-1", "line": "2 123456789010 eni-1 10.0.1.5 10.0.0.220 39812 80 6 20 1680 1 2 ACCEPT OK"}
    assert line_fields("flow", flow, {"fl-1": None})["dstport"] == "80"
