"""The web app's small LRU cache: keeps the most recently used values, evicts the oldest."""

from __future__ import annotations

import threading

from labapp.lru import LruCache


def test_keeps_the_most_recent_and_refreshes_on_get():
    cache: LruCache[str, int] = LruCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    cache.put("a", 10)
    assert cache.get("a") == 10 and len(cache) == 2
    cache.clear()
    assert cache.get("a") is None and len(cache) == 0


def test_threads_share_it_safely():
    cache: LruCache[int, int] = LruCache(50)

    def work(offset: int) -> None:
        for i in range(2_000):
            cache.put(offset + i % 80, i)
            cache.get(offset + (i * 7) % 80)

    threads = [threading.Thread(target=work, args=(k * 100,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) == 50
