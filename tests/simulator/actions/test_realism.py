"""Realism: the CloudTrail records each action writes have the shapes real records show for the same API.

Expected key sets are built from the real samples under shared/reference/samples/cloudtrail/ (Stratus
detonation logs, the invictus-ir delivered trail, AWS documentation examples), never typed here:
for every (eventSource, eventName) a sample exists for, our record's requestParameters keys must equal the
keys of some real record of that API (or, for the APIs in SUBSET_OK whose real requests carried optional
extras such as tags, be a subset of the union), its responseElements keys likewise when both are objects,
its errorCode must be one real records of that API show when they show one, and its userIdentity type and
top-level keys must be ones CloudTrail writes.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from simulator.actions import ACTIONS, perform
from tests.simulator.actions.conftest import T0

# per-action params giving every API a chance to appear (defaults cover the rest)
PARAMS: dict[str, list[dict]] = {
    "create_user": [{"user_name": "svc-backup"}],
    "update_assume_role_policy": [{"role_name": "DBAAccess"}],
    "assume_role": [{"role_name": "DBAAccess"}, {"role_name": "DBAAccess", "denied": True}],
    "authorize_security_group_ingress": [{}, {"request_style": "structured"}],
    "modify_route_table": [{"operation": "create"}, {"operation": "delete"}],
    "modify_internet_gateway": [{}, {"operation": "detach_and_delete"}],
    "create_login_profile": [{}, {"update": True}],
    "attach_policy": [{}, {"target_type": "role", "target_name": "DBAAccess"}],
    "put_inline_policy": [{"target_type": "role", "target_name": "DBAAccess"}],
    "change_instance_state": [{}, {"operation": "stop"}],
    "denied_attempts": [
        {
            "calls": [
                "ec2:GetPasswordData",
                "iam:AttachUserPolicy",
                "organizations:LeaveOrganization",
                "sts:AssumeRole",
            ]
        }
    ],
    "get_secret_value": [{}],
}
SUBSET_OK = {
    ("ec2.amazonaws.com", "RunInstances"),
    ("iam.amazonaws.com", "CreateUser"),
    ("ec2.amazonaws.com", "CreateInternetGateway"),
    ("ec2.amazonaws.com", "CreateSnapshot"),
    ("secretsmanager.amazonaws.com", "ListSecrets"),
    ("ec2.amazonaws.com", "StopInstances"),
}
TOP_LEVEL = {
    "eventVersion",
    "userIdentity",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "errorMessage",
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "requestID",
    "eventID",
    "readOnly",
    "resources",
    "eventType",
    "apiVersion",
    "managementEvent",
    "recipientAccountId",
    "sharedEventID",
    "vpcEndpointId",
    "eventCategory",
    "tlsDetails",
    "sessionCredentialFromConsole",
}
# the only UpdateTrail sample is the documentation's failed call (requestParameters {name}); a successful
# update also carries the changed settings, so only the shared key is required there
ERROR_EXAMPLE_ONLY = {("cloudtrail.amazonaws.com", "UpdateTrail")}
IDENTITY_TYPES = {"IAMUser", "AssumedRole", "Root", "AWSAccount", "FederatedUser", "AWSService"}


def _keys(v) -> frozenset | None:
    return frozenset(v) if isinstance(v, dict) else None


@pytest.fixture(scope="module")
def shapes(samples):
    req, resp, errs, ro = defaultdict(set), defaultdict(set), defaultdict(set), defaultdict(set)
    for r in samples:
        k = (r.get("eventSource"), r.get("eventName"))
        if _keys(r.get("requestParameters")) is not None:
            req[k].add(_keys(r["requestParameters"]))
        if r.get("errorCode"):
            errs[k].add(r["errorCode"])
            continue
        if _keys(r.get("responseElements")) is not None:
            resp[k].add(_keys(r["responseElements"]))
        if "readOnly" in r:
            ro[k].add(r["readOnly"])
    return req, resp, errs, ro


def _records(world, actor_for):
    out = []
    for name, spec in sorted(ACTIONS.items()):
        if "cloudtrail" not in spec.sources:
            continue
        for params in PARAMS.get(name, [{}]):
            res = perform(name, world=world, actor=actor_for(spec), time_ms=T0, params=params, seed=5)
            out += [(name, i.payload) for i in res.injections if i.source == "cloudtrail"]
    return out


@pytest.fixture(scope="module")
def records(world):
    from simulator.actions.actors import user_actor

    u = next(x for x in world.users if x.job == "dba")
    actor = user_actor(world, u, "insider")
    return _records(world, lambda spec: actor)


def test_every_cloudtrail_action_was_exercised(records):
    seen = {n for n, _ in records}
    assert seen == {n for n, s in ACTIONS.items() if "cloudtrail" in s.sources}


def test_request_parameter_keys_match_real_records(records, shapes):
    req = shapes[0]
    checked = 0
    for name, rec in records:
        k = (rec["eventSource"], rec["eventName"])
        ours = _keys(rec["requestParameters"])
        if k not in req or ours is None or rec.get("errorCode"):
            continue
        checked += 1
        if k in ERROR_EXAMPLE_ONLY:
            assert frozenset().union(*req[k]) <= ours, (name, k)
        elif k in SUBSET_OK:
            assert ours <= frozenset().union(*req[k]), (name, k, sorted(ours))
        else:
            assert ours in req[k], (name, k, sorted(ours), [sorted(s) for s in req[k]])
    assert checked >= 20


def test_response_element_keys_match_real_records(records, shapes):
    resp = shapes[1]
    checked = 0
    for name, rec in records:
        k = (rec["eventSource"], rec["eventName"])
        ours = _keys(rec.get("responseElements"))
        if k not in resp or ours is None:
            continue
        checked += 1
        if (
            k in SUBSET_OK
        ):  # EC2 responses carry requestId since the 2021 records; the doc examples predate it
            assert ours <= frozenset().union(*resp[k]) | {"requestId"}, (name, k, sorted(ours))
        else:
            assert ours in resp[k], (name, k, sorted(ours), [sorted(s) for s in resp[k]])
    assert checked >= 12


def test_error_codes_match_real_records(records, shapes):
    errs = shapes[2]
    checked = 0
    for name, rec in records:
        k = (rec["eventSource"], rec["eventName"])
        if (
            rec.get("errorCode")
            and k in errs
            and rec["errorCode"] in {"AccessDenied", "Client.UnauthorizedOperation"}
        ):
            assert rec["errorCode"] in errs[k] or any(
                e in {"AccessDenied", "Client.UnauthorizedOperation"} for e in errs[k]
            ), (name, k)
            checked += 1
        if rec.get("errorCode"):
            assert rec["responseElements"] is None and "resources" not in rec or k[0] == "s3.amazonaws.com"
    assert checked >= 3


def test_read_only_flags_match_real_records(records, shapes):
    ro = shapes[3]
    for name, rec in records:
        k = (rec["eventSource"], rec["eventName"])
        if k in ro:
            assert rec["readOnly"] in ro[k], (name, k)


def test_top_level_and_identity_shapes(records):
    for name, rec in records:
        assert set(rec) <= TOP_LEVEL, (name, set(rec) - TOP_LEVEL)
        assert rec["userIdentity"].get("type") in IDENTITY_TYPES, name
        assert rec["eventType"] in ("AwsApiCall", "AwsConsoleSignIn")
        assert rec["eventCategory"] == ("Data" if rec["managementEvent"] is False else "Management")
        if rec["eventSource"] == "s3.amazonaws.com" and rec["userIdentity"]["type"] != "AWSAccount":
            assert rec["userAgent"].startswith("[") or rec.get("sessionCredentialFromConsole")
        if rec["eventSource"] in ("iam.amazonaws.com", "signin.amazonaws.com"):
            assert rec["awsRegion"] == "us-east-1"


def test_console_login_shapes_match_aws_examples(world, samples, dba, root):
    real = [r for r in samples if r.get("eventName") == "ConsoleLogin"]
    ok_ident = {frozenset(r["userIdentity"]) for r in real}
    ok_extra = {frozenset(r["additionalEventData"]) for r in real}
    for actor, params in (
        (dba, {}),
        (dba, {"outcome": "failure"}),
        (dba, {"mfa": True}),
        (root, {}),
        (root, {"outcome": "failure"}),
    ):
        rec = (
            perform("console_login", world=world, actor=actor, time_ms=T0, params=params)
            .injections[-1]
            .payload
        )
        assert frozenset(rec["userIdentity"]) in ok_ident
        assert frozenset(rec["additionalEventData"]) in ok_extra
        assert "requestID" not in rec and "errorCode" not in rec
        assert rec["userIdentity"]["type"] == ("Root" if actor is root else "IAMUser")
        if params.get("outcome") == "failure":
            assert rec["errorMessage"] == "Failed authentication"
            assert rec["responseElements"] == {"ConsoleLogin": "Failure"}
        assert rec["additionalEventData"]["MFAUsed"] == ("Yes" if params.get("mfa") else "No")


def test_unknown_user_sign_in_is_hidden_like_aws(world, samples, dba):
    real = next(r for r in samples if r.get("errorMessage") == "No username found in supplied account")
    res = perform(
        "brute_force", world=world, actor=dba, time_ms=T0, params={"unknown_usernames": 3, "sprayed_users": 1}
    )
    hidden = [
        i.payload
        for i in res.injections
        if i.payload["userIdentity"].get("userName") == real["userIdentity"]["userName"]
    ]
    assert len(hidden) == 3
    assert all(set(h["userIdentity"]) == set(real["userIdentity"]) for h in hidden)


def _identity_shape(ident: dict) -> tuple:
    sc = ident.get("sessionContext")
    return (
        ident.get("type"),
        frozenset(ident),
        frozenset(sc) if isinstance(sc, dict) else None,
        frozenset(sc.get("attributes", {})) if isinstance(sc, dict) else None,
    )


def test_identity_shapes_match_real_records(world, samples, dba, root, ci_role):
    """Every userIdentity we write (access key, console session, role session, root) has a shape real records show."""
    real = {_identity_shape(r["userIdentity"]) for r in samples if isinstance(r.get("userIdentity"), dict)}
    cases = [(dba, "aws-cli"), (dba, "console"), (root, "console"), (root, "aws-cli"), (ci_role, "aws-cli")]
    seen = set()
    for actor, tool in cases:
        for name, params in (
            ("stop_logging", {"tool": tool}),
            ("create_access_key", {"tool": tool}),
            ("put_bucket_policy", {"tool": tool}),
        ):
            res = perform(name, world=world, actor=actor, time_ms=T0, params=params)
            for inj in res.injections:
                if inj.source == "cloudtrail":
                    shape = _identity_shape(inj.payload["userIdentity"])
                    assert shape in real, (actor.kind, tool, name, shape)
                    seen.add(shape[0])
    assert seen == {"IAMUser", "Root", "AssumedRole"}


def test_secret_reads_come_with_the_services_decrypt(world, samples, dba):
    real = next(r for r in samples if r.get("eventName") == "Decrypt" and r["userIdentity"].get("invokedBy"))
    res = perform(
        "get_secret_value", world=world, actor=dba, time_ms=T0, params={"denied_secrets": ["payments"]}
    )
    recs = [i.payload for i in res.injections]
    reads = [r for r in recs if r["eventName"] == "GetSecretValue" and "errorCode" not in r]
    decrypts = [r for r in recs if r["eventName"] == "Decrypt"]
    assert len(reads) == len(decrypts) == res.facts["secret_reads"] >= 1
    assert res.facts["denied_reads"] >= 1
    for read, dec in zip(reads, decrypts, strict=True):
        assert dec["eventTime"] == read["eventTime"]
        assert (
            dec["requestParameters"]["encryptionContext"]["SecretARN"]
            == read["requestParameters"]["secretId"]
        )
        assert set(dec) == set(real) and set(dec["userIdentity"]) == set(real["userIdentity"])
        assert dec["sourceIPAddress"] == dec["userAgent"] == real["sourceIPAddress"]
