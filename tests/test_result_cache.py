"""The result cache is bounded in total bytes, not only in entries (bench/soak.py: distinct queries with large
answers grew the server by an answer per request up to the entry count)."""

from __future__ import annotations

from tpgraph.endpoint.query_service import ResultCache


def test_total_bytes_evict_the_oldest() -> None:
    cache = ResultCache(entries=100, max_bytes=60, total_bytes=100)
    for n in range(5):
        cache.put_raw(("k", n), f"v{n}", 40)
    assert [cache.get(("k", n)) for n in range(5)] == [None, None, None, "v3", "v4"]
    assert cache.bytes == 80
    cache.put_raw(("k", 3), "v3 again", 10)  # replacing an entry frees its old size
    assert cache.bytes == 50
    cache.put_raw(("big",), "too big", 61)
    assert cache.get(("big",)) is None and cache.bytes == 50


def test_entries_still_bound_it() -> None:
    cache = ResultCache(entries=2, max_bytes=10, total_bytes=1000)
    for n in range(3):
        cache.put_raw((n,), n, 1)
    assert [cache.get((n,)) for n in range(3)] == [None, 1, 2]
