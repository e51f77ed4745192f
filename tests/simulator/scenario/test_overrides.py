import functools

from simulator.scenario.overrides import (
    FLOW_FORMATS,
    WORLD_BUCKET_PURPOSES,
    apply_world_overrides,
    new_bucket_name,
)
from simulator.world import build_world


@functools.cache
def _world():
    return build_world(5, "ov", 20)


def test_purposes_table_matches_the_world():
    w = _world()
    kinds = {a.id: a.kind for a in w.accounts}
    assert WORLD_BUCKET_PURPOSES == {b.purpose: kinds[b.account_id] for b in w.buckets}


def test_no_overrides_is_identity():
    assert apply_world_overrides(_world(), {}) is _world()


def test_existing_bucket_flags_and_trail_selectors_follow():
    w = _world()
    before = [(b.name, b.data_events, b.access_log_bucket) for b in w.buckets]
    out = apply_world_overrides(w, {"buckets": {"customer-records": {"data_events": False},
                                                "static-site": {"data_events": True, "access_logging": False}}})
    assert [(b.name, b.data_events, b.access_log_bucket) for b in w.buckets] == before  # input untouched
    cr, site = out.bucket(w.bucket(before[0][0]).name), next(b for b in out.buckets if b.purpose == "static-site")
    assert not cr.data_events and site.data_events and site.access_log_bucket == ""
    prod_trail = out.trail_for(out.account("prod").id)
    assert cr.name not in prod_trail.data_event_buckets and site.name in prod_trail.data_event_buckets


def test_access_logging_goes_to_the_access_log_bucket():
    w = _world()
    out = apply_world_overrides(w, {"buckets": {"static-site": {"access_logging": True}}})
    site = next(b for b in out.buckets if b.purpose == "static-site")
    access = next(b for b in w.buckets if b.purpose == "access-logs")
    assert (site.access_log_bucket, site.access_log_prefix) == (access.name, "static-site/")


def test_new_bucket_is_deterministic_per_world():
    w = _world()
    spec = {"buckets": {"payroll": {"account": "prod", "objects": 30, "key_prefix": "pay/", "extension": "xlsx",
                                    "data_events": True}}}
    a, b = apply_world_overrides(w, spec), apply_world_overrides(w, spec)
    nb = a.buckets[-1]
    assert nb.name == new_bucket_name("payroll", w.account("prod").id) and nb.index == len(w.buckets)
    assert len(nb.keys) == 30 and all(k.startswith("pay/") and k.endswith(".xlsx") for k in nb.keys)
    assert nb.keys == b.buckets[-1].keys
    assert nb.name in a.trail_for(nb.account_id).data_event_buckets
    other = apply_world_overrides(build_world(5, "other", 20), spec).buckets[-1]
    assert other.keys != nb.keys


def test_flow_log_format_and_interval():
    w = _world()
    out = apply_world_overrides(w, {"flow_logs": [{"account": "prod", "destination": "s3", "format": "extended",
                                                   "aggregation_interval": 60}]})
    prod = w.account("prod").id
    for old, new in zip(w.flow_logs, out.flow_logs, strict=True):
        if old.account_id == prod and old.destination == "s3":
            assert (new.log_format, new.aggregation_interval) == (FLOW_FORMATS["extended"], 60)
        else:
            assert new == old


def test_aliases_and_intensity():
    w = _world()
    out = apply_world_overrides(w, {"accounts": {"prod": {"alias": "bank-prod"}}, "intensity": 2.0})
    assert out.account("prod").name == "bank-prod" and out.account("dev").name == w.account("dev").name
    assert [u.profile.sessions_per_hour for u in out.users] == [2 * u.profile.sessions_per_hour for u in w.users]
