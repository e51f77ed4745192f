"""What delivering a dataset to a real AWS account costs, at published us-east-1 list prices.

Prices (US East (N. Virginia), no free tier, checked 2026-11-26 via the search tool):
- Amazon S3 pricing, https://aws.amazon.com/s3/pricing/ : S3 Standard storage $0.023 per GB-month
  (first 50 TB); PUT, COPY, POST, LIST requests $0.005 per 1,000; DELETE is free.
- Amazon CloudWatch pricing, https://aws.amazon.com/cloudwatch/pricing/ : Logs (Standard class)
  ingestion $0.50 per GB, archive storage $0.03 per GB-month (quoted as current by pages dated
  February and June 2026 that cite the official page; the official page renders its tables with
  JavaScript). Ingested size is estimated as PutLogEvents counts it: message UTF-8 bytes + 26 per event;
  archive storage as the compressed size of the dataset's CloudWatch files.
Other regions cost up to ~25% more; the free tier (5 GB of logs, 5 GB of S3) would lower the bill.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.backends.batching import event_sizes
from simulator.backends.dataset import Dataset, read_stream_events

PRICES_CHECKED = "2026-11-26"
S3_STORAGE_PER_GB_MONTH = 0.023
S3_PUT_LIST_PER_1000 = 0.005
LOGS_INGESTION_PER_GB = 0.50
LOGS_STORAGE_PER_GB_MONTH = 0.03
GB = 1024**3  # AWS bills storage and ingestion per GB of 2^30 bytes


@dataclass(frozen=True)
class CostEstimate:
    objects: int
    object_bytes: int
    events: int
    ingested_bytes: int
    archived_bytes: int

    @property
    def s3_requests(self) -> int:
        # one PUT per object plus one LIST per 1,000 objects (the resume check)
        return self.objects + -(-self.objects // 1000)

    @property
    def items(self) -> list[tuple[str, float]]:
        return [
            (f"S3 PUT/LIST requests ({self.s3_requests:,})", self.s3_requests / 1000 * S3_PUT_LIST_PER_1000),
            (
                f"S3 Standard storage ({self.object_bytes / GB:,.4f} GB, per month)",
                self.object_bytes / GB * S3_STORAGE_PER_GB_MONTH,
            ),
            (
                f"CloudWatch Logs ingestion ({self.events:,} events, {self.ingested_bytes / GB:,.4f} GB)",
                self.ingested_bytes / GB * LOGS_INGESTION_PER_GB,
            ),
            (
                f"CloudWatch Logs storage ({self.archived_bytes / GB:,.4f} GB, per month)",
                self.archived_bytes / GB * LOGS_STORAGE_PER_GB_MONTH,
            ),
        ]

    @property
    def total(self) -> float:
        return sum(v for _, v in self.items)

    def lines(self) -> list[str]:
        out = [f"Estimated AWS cost (us-east-1 list prices checked {PRICES_CHECKED}, no free tier):"]
        out += [f"  {label}: ${value:,.4f}" for label, value in self.items]
        out.append(f"  total: ${self.total:,.4f} (storage recurs monthly until `trailwatch teardown`)")
        return out


def estimate(dataset: Dataset, include_s3: bool = True, include_logs: bool = True) -> CostEstimate:
    """Cost of delivering `dataset` (reads every stream to size the log events exactly)."""
    objects = dataset.objects if include_s3 else ()
    streams = dataset.streams if include_logs else ()
    ingested = events = archived = 0
    for stream in streams:
        evs = read_stream_events(stream)
        events += len(evs.messages)
        ingested += sum(event_sizes(evs.messages))
        archived += sum(path.stat().st_size for path, _ in stream.files)
    return CostEstimate(len(objects), sum(o.size for o in objects), events, ingested, archived)
