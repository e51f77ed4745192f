"""EventBridge pattern matching throughput over real CloudTrail-derived events.

    .venv/bin/python benchmarks/eventbridge_patterns.py [N]

Converts the 2,900 real invictus-ir records to EventBridge events, repeats them to N events (default
200,000) and prints: orjson.loads of the serialised events (the parsing floor), one typical pattern,
and ten security patterns evaluated together, as events per second.
"""

from __future__ import annotations

import gzip
import sys
import time
from pathlib import Path

import orjson

from grader.eventbridge import cloudtrail_to_eventbridge, compile_event_pattern

SAMPLES = Path(__file__).resolve().parents[1] / ".." / "shared" / "reference" / "samples" / "cloudtrail"
PATTERNS = [
    {"source": ["aws.cloudtrail"], "detail": {"eventName": ["StopLogging", "DeleteTrail", "UpdateTrail"]}},
    {"detail": {"errorCode": [{"prefix": "Client.Unauthorized"}, "AccessDenied"]}},
    {
        "detail-type": ["AWS Console Sign In via CloudTrail"],
        "detail": {"additionalEventData": {"MFAUsed": ["No"]}},
    },
    {"detail": {"userIdentity": {"type": ["Root"]}, "eventType": [{"anything-but": "AwsServiceEvent"}]}},
    {
        "source": ["aws.iam"],
        "detail": {"eventName": [{"prefix": "Put"}, {"prefix": "Attach"}, {"prefix": "Create"}]},
    },
    {"source": ["aws.ec2"], "detail": {"eventName": [{"wildcard": "*SecurityGroup*"}]}},
    {"detail": {"sourceIPAddress": [{"cidr": "10.0.0.0/8"}]}},
    {"source": ["aws.kms"], "detail": {"eventName": ["DisableKey", "ScheduleKeyDeletion"]}},
    {"source": ["aws.s3"], "detail": {"eventName": [{"equals-ignore-case": "putbucketpolicy"}]}},
    {
        "$or": [
            {"detail": {"eventName": ["CreateAccessKey"]}},
            {"detail": {"readOnly": [False], "errorCode": [{"exists": True}]}},
        ]
    },
]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    records = []
    for path in sorted((SAMPLES / "invictus-ir_aws_dataset").glob("*.json.gz")):
        records.extend(orjson.loads(gzip.decompress(path.read_bytes()))["Records"])
    base = [orjson.dumps(cloudtrail_to_eventbridge(r)) for r in records]
    lines = (base * (n // len(base) + 1))[:n]

    t0 = time.perf_counter()
    events = [orjson.loads(line) for line in lines]
    parse = time.perf_counter() - t0

    t0 = time.perf_counter()
    compiled = [compile_event_pattern(p) for p in PATTERNS]
    compile_s = time.perf_counter() - t0

    single = compiled[0]
    t0 = time.perf_counter()
    hits_one = sum(single.matches(e) for e in events)
    one = time.perf_counter() - t0

    t0 = time.perf_counter()
    hits_all = sum(p.matches(e) for e in events for p in compiled)
    allp = time.perf_counter() - t0

    print(f"events: {n:,} (from {len(records):,} real records)")
    print(f"compile {len(PATTERNS)} patterns: {compile_s * 1000:.2f} ms")
    print(f"orjson.loads floor: {n / parse:,.0f} events/s")
    print(f"1 pattern: {n / one:,.0f} events/s ({hits_one:,} matches)")
    print(
        f"{len(PATTERNS)} patterns: {n / allp:,.0f} events/s ({hits_all:,} matches); {allp / parse:.1f}x parse time"
    )


if __name__ == "__main__":
    main()
