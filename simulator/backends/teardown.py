"""Remove every resource Trailwatch created in a backend: tagged buckets (emptied first) and log groups."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator.backends import tagging
from simulator.backends.retry import Backoff


@dataclass
class TeardownPlan:
    buckets: list[str] = field(default_factory=list)
    log_groups: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.buckets and not self.log_groups

    def lines(self) -> list[str]:
        out = [
            f"{len(self.buckets)} buckets and {len(self.log_groups)} log groups tagged {tagging.MANAGED_TAG}=true:"
        ]
        out += [f"  bucket {b}" for b in self.buckets]
        out += [f"  log group {g}" for g in self.log_groups]
        return out


def plan_teardown(s3: Any, logs: Any, dataset_id: str | None = None) -> TeardownPlan:
    return TeardownPlan(tagging.managed_buckets(s3, dataset_id), tagging.managed_log_groups(logs, dataset_id))


def run_teardown(
    s3: Any,
    logs: Any,
    plan: TeardownPlan,
    backoff: Callable[[], Backoff] = Backoff,
    report: Callable[[str], None] = lambda line: None,
) -> tuple[int, int]:
    """Empty and delete the planned buckets, delete the log groups; returns (objects removed, resources)."""
    objects = 0
    for bucket in plan.buckets:
        removed = backoff().run(lambda b=bucket: tagging.empty_bucket(s3, b))
        backoff().run(lambda b=bucket: s3.delete_bucket(Bucket=b))
        objects += removed
        report(f"deleted bucket {bucket} ({removed:,} objects)")
    for group in plan.log_groups:
        backoff().run(lambda g=group: logs.delete_log_group(logGroupName=g))
        report(f"deleted log group {group}")
    return objects, len(plan.buckets) + len(plan.log_groups)
