"""Exactly-once CloudWatch Logs delivery: resume from what the backend holds, never from a ledger."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from simulator.backends.dataset import load_dataset, read_stream_events
from simulator.backends.logs_delivery import LogsDeliverer, reconcile
from simulator.backends.retry import Backoff
from tests.simulator.backends.fakes import FakeLogs, client_error
from tests.simulator.backends.helpers import recent_start_ms, write_dataset


def _no_sleep() -> Backoff:
    return Backoff(sleep=lambda s: None)


class Cut(Exception):
    """Stands for the process being killed mid-delivery."""


def _dataset(tmp_path: Path, events: list[tuple[int, str]]):
    start = recent_start_ms()
    root = write_dataset(tmp_path / "d", {("g", "s"): events}, {}, start)
    return load_dataset(root).streams[0]


def _bursty(start: int, n: int = 1000) -> list[tuple[int, str]]:
    # 25 events per timestamp, identical messages within a timestamp group
    return [(start + (i // 25) * 1000, f"m{i % 3}") for i in range(n)]


def test_reconcile_on_empty_stream_and_after_prefixes(tmp_path: Path):
    start = recent_start_ms()
    stream = _dataset(tmp_path, _bursty(start))
    events = read_stream_events(stream)
    fake = FakeLogs()
    fake.create_log_stream("g", "s")
    assert reconcile(fake, "g", "s", events) == (0, None, False)
    for cut in (1, 24, 25, 26, 499, 1000):  # inside and at the edges of same-timestamp groups
        fake.streams[("g", "s")] = list(zip(events.timestamps[:cut], events.messages[:cut], strict=True))
        assert reconcile(fake, "g", "s", events) == (cut, None, False)


def test_foreign_events_fall_back_to_a_full_comparison(tmp_path: Path):
    start = recent_start_ms()
    stream = _dataset(tmp_path, [(start + i, f"e{i}") for i in range(100)])
    events = read_stream_events(stream)
    fake = FakeLogs()
    held = [(start + i, f"e{i}") for i in range(0, 100, 3)] + [(start + 500, "someone else's event")]
    fake.streams[("g", "s")] = held
    already, missing, full = reconcile(fake, "g", "s", events)
    assert full and already == 34
    assert missing == [i for i in range(100) if i % 3]


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize(
    "error", [("ThrottlingException", 400), ("ServiceUnavailable", 503), ("InternalFailure", 500)]
)
def test_failed_batches_are_retried_without_duplicates(tmp_path: Path, when: str, error: tuple[str, int]):
    start = recent_start_ms()
    stream = _dataset(tmp_path, [(start + i, f"e{i}") for i in range(25_000)])
    fake = FakeLogs()
    # the second batch fails; with "after" the backend stored it anyway (an ambiguous failure)
    original = fake.put_log_events
    calls = {"n": 0}

    def flaky(**kw):
        calls["n"] += 1
        if calls["n"] == 2:
            fake.faults = [(when, client_error(*error))]
        return original(**kw)

    fake.put_log_events = flaky  # type: ignore[method-assign]
    result = LogsDeliverer(fake, backoff=_no_sleep).deliver(stream)
    held = fake.streams[("g", "s")]
    assert Counter(held) == Counter((start + i, f"e{i}") for i in range(25_000))
    assert result.retries == 1 and result.total == 25_000


def test_non_retryable_errors_surface(tmp_path: Path):
    stream = _dataset(tmp_path, [(recent_start_ms(), "a")])
    fake = FakeLogs()
    fake.faults = [("before", client_error("InvalidParameterException", 400))]
    with pytest.raises(Exception, match="InvalidParameterException"):
        LogsDeliverer(fake, backoff=_no_sleep).deliver(stream)


def test_retries_give_up_after_the_attempts(tmp_path: Path):
    stream = _dataset(tmp_path, [(recent_start_ms(), "a")])
    fake = FakeLogs()
    fake.faults = [("before", client_error("ThrottlingException", 400))] * 3
    with pytest.raises(Exception, match="ThrottlingException"):
        LogsDeliverer(fake, backoff=lambda: Backoff(attempts=3, sleep=lambda s: None)).deliver(stream)
    assert fake.streams[("g", "s")] == []


def test_cut_then_rerun_delivers_each_event_once(tmp_path: Path):
    start = recent_start_ms()
    original = _bursty(start, 30_000)
    stream = _dataset(tmp_path, original)
    fake = FakeLogs()
    sent = {"batches": 0}

    def cut_after_two(group: str, name: str, n: int) -> None:
        sent["batches"] += 1
        if sent["batches"] == 2:
            raise Cut

    with pytest.raises(Cut):
        LogsDeliverer(fake, backoff=_no_sleep, on_batch=cut_after_two).deliver(stream)
    assert len(fake.streams[("g", "s")]) == 20_000
    result = LogsDeliverer(fake, backoff=_no_sleep).deliver(stream)
    assert (result.already, result.sent, result.full_reads) == (20_000, 10_000, 0)
    assert Counter(fake.streams[("g", "s")]) == Counter(original)
    again = LogsDeliverer(fake, backoff=_no_sleep).deliver(stream)
    assert (again.already, again.sent, again.batches) == (30_000, 0, 0)
