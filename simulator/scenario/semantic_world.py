"""Semantic checks of actors and world overrides (part of simulator.scenario.semantic).

Actors: exactly one identity, known country and time zones, home IPs only for users, internet-only
fields. World: known bucket options, server access logging only where AWS allows it (target bucket in
the same account: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLogging.html), valid
flow-log formats.
"""

from __future__ import annotations

import functools
import zoneinfo

from simulator.formats.vpcflow import parse_log_format
from simulator.scenario.actors import COUNTRY_BLOCKS
from simulator.scenario.errors import ScenarioError, did_you_mean
from simulator.scenario.model import ACTOR_KINDS
from simulator.scenario.overrides import FLOW_FORMATS, NEW_BUCKET_FIELDS, WORLD_BUCKET_PURPOSES
from simulator.scenario.semantic_answers import dicts
from simulator.scenario.yamlload import Document

ACCESS_LOG_ACCOUNT = "prod"  # the world's access-log bucket lives in prod (simulator/world/build.py)


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _known_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def actor_errors(doc: Document, actors: dict) -> list[ScenarioError]:
    out = []
    for aid, spec in actors.items():
        if not isinstance(spec, dict):
            continue
        kinds = [k for k in ACTOR_KINDS if k in spec]
        if len(kinds) != 1:
            what = "none" if not kinds else " and ".join(kinds)
            out.append(doc.error(("actors", aid), f"an actor needs exactly one of user, role, root, outsider (got {what})"))
            continue
        kind = kinds[0]
        if spec.get("from") == "home" and kind != "user":
            out.append(doc.error(("actors", aid, "from"), "only world users have home IPs"))
        if kind == "outsider" and spec.get("from") not in (None, "internet"):
            out.append(doc.error(("actors", aid, "from"), "outsiders always come from the internet"))
        country = spec.get("country")
        if isinstance(country, str) and country not in COUNTRY_BLOCKS:
            out.append(doc.error(("actors", aid, "country"), f"no address table for country {country!r}; known: "
                                 + ", ".join(sorted(COUNTRY_BLOCKS)) + " (or give ips)"))
        if "tool" in spec and kind != "outsider":
            out.append(doc.error(("actors", aid, "tool"), "tool applies to outsiders (their HTTP client); a step "
                                 "chooses the AWS client with params.tool", key=True))
        internet = kind == "outsider" or spec.get("from") == "internet"
        for k in ("country", "ip_count"):
            if k in spec and not internet:
                out.append(doc.error(("actors", aid, k), f"{k} applies to internet addresses; add from: internet",
                                     key=True))
        zones = [(("actors", aid, "timezone"), spec.get("timezone"))]
        if isinstance(spec.get("user"), dict):
            zones.append((("actors", aid, "user", "timezone"), spec["user"].get("timezone")))
        for where, zone in zones:
            if isinstance(zone, str) and not _known_zone(zone):
                out.append(doc.error(where, f"unknown time zone {zone!r}; use an IANA name such as America/New_York"
                                     + did_you_mean(zone, _zones())))
        if "ips" in spec and "country" in spec:
            out.append(doc.error(("actors", aid, "country"), "give either ips or country, not both"))
    return out


def world_errors(doc: Document, world: dict) -> list[ScenarioError]:
    out = []
    for bid, spec in (world.get("buckets") or {}).items():
        if not isinstance(spec, dict):
            continue
        if bid in WORLD_BUCKET_PURPOSES:
            for k in spec:
                if k in NEW_BUCKET_FIELDS:
                    out.append(doc.error(("world", "buckets", bid, k), f"{k!r} is only for new buckets; "
                                         f"{bid!r} is an existing bucket of the world", key=True))
            account = WORLD_BUCKET_PURPOSES[bid]
        else:
            account = spec.get("account", "prod")
        if spec.get("access_logging") and account != ACCESS_LOG_ACCOUNT:
            out.append(doc.error(("world", "buckets", bid, "access_logging"), "S3 delivers access logs only to a bucket "
                                 f"in the same account; the world's access-log bucket is in {ACCESS_LOG_ACCOUNT}, "
                                 f"this bucket in {account}"))
        if bid in ("access-logs",) and spec.get("access_logging"):
            out.append(doc.error(("world", "buckets", bid, "access_logging"), "the access-log bucket must not log to itself"))
    for i, fl in dicts(world.get("flow_logs")):
        fmt = fl.get("format")
        if isinstance(fmt, str) and fmt not in FLOW_FORMATS:
            try:
                parse_log_format(fmt)
            except ValueError as e:
                out.append(doc.error(("world", "flow_logs", i, "format"), f"{e} (or use default / extended)"))
    return out
