"""The contract every action keeps with the scenario layer and the engine: records inside the step's time span,
payloads each source accepts, JSON-ready facts limited to the declared ones, the actor kinds it claims."""

from __future__ import annotations

import orjson
import pytest

from simulator.actions import ACTIONS, perform
from simulator.formats.cloudtrail import render_record
from tests.simulator.actions.conftest import T0

COMMON_FACTS = {  # what Step.result adds to every action's facts
    "actor",
    "actor_name",
    "account_id",
    "source_ip",
    "time",
    "end_time",
    "records",
    "first_event",
    "event_names",
    "event_count",
    "cloudtrail_suppressed",
}
REQUIRED = {
    "create_user": {"user_name": "svc-backup"},
    "update_assume_role_policy": {"role_name": "DBAAccess"},
    "assume_role": {"role_name": "DBAAccess"},
}


def _actor(spec, dba, outsider):
    return dba if "iam_user" in spec.actor_kinds else outsider


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_action_contract(name, world, dba, outsider):
    spec = ACTIONS[name]
    actor = _actor(spec, dba, outsider)
    res = perform(name, world=world, actor=actor, time_ms=T0, params=REQUIRED.get(name), seed=9)
    assert res.injections, name
    assert {i.source for i in res.injections} <= set(spec.sources)
    assert all(T0 <= i.time_ms <= res.end_ms for i in res.injections)
    assert res.end_ms == max(i.time_ms for i in res.injections)
    for inj in res.injections:
        if inj.source == "cloudtrail":
            assert (
                inj.payload["recipientAccountId"] == inj.account_id and inj.payload["awsRegion"] == inj.region
            )
            assert inj.payload["eventTime"].endswith("Z") and len(inj.payload["eventTime"]) == 20
            orjson.loads(render_record(inj.payload))
        elif inj.source == "flow":
            assert set(inj.payload) == {"flow_log_id", "line"} and "\n" not in inj.payload["line"]
        else:
            assert isinstance(inj.payload, str) and "\n" not in inj.payload
    facts = orjson.loads(orjson.dumps(res.facts))  # JSON-ready (no numpy scalars, no tuples needed)
    assert set(facts) <= set(spec.facts) | COMMON_FACTS, set(facts) - set(spec.facts) - COMMON_FACTS
    assert facts["time"] == min(i.time_ms for i in res.injections)


@pytest.mark.parametrize("name", sorted(n for n, s in ACTIONS.items() if "outsider" not in s.actor_kinds))
def test_api_actions_refuse_outsiders(name, world, outsider):
    with pytest.raises(ValueError, match="outsider"):
        perform(name, world=world, actor=outsider, time_ms=T0, params=REQUIRED.get(name))


def test_unknown_references_name_the_step(world, dba):
    cases = [
        ("bulk_s3_download", {"bucket": "no-such-bucket"}),
        ("stop_logging", {"trail": "nope"}),
        ("attach_policy", {"target_type": "role", "target_name": "NoSuchRole"}),
        ("change_instance_state", {"instances": ["i-00000000000000000"]}),
        ("authorize_security_group_ingress", {"group": "sg-nope"}),
        ("denied_attempts", {"calls": ["iam:Nope"]}),
        ("create_access_key", {"target_user": "nobody.here"}),
    ]
    for name, params in cases:
        with pytest.raises(ValueError, match="step s7"):
            perform(name, world=world, actor=dba, time_ms=T0, params=params, step_id="s7")
