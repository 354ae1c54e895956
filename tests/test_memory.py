"""Handing freed memory back to the system (rashomon.memory)."""
import pytest

from rashomon import memory
from rashomon.memory import release


def rss_mb() -> float:
    mb = memory.rss_mb()
    if mb is None:
        pytest.skip("no /proc/self/statm here")
    return mb


def test_release_returns_freed_heap_pages_to_the_system():
    np = pytest.importorskip("numpy")
    # 4,000 blocks of 64 KB (below glibc's mmap threshold: they come from the heap); keeping
    # every 16th alive leaves holes that the allocator keeps mapped when the rest is freed
    blocks = [np.ones(8192) for _ in range(4000)]
    kept = blocks[::16]
    del blocks
    before = rss_mb()
    if not release():
        pytest.skip("no glibc malloc_trim here")
    after = rss_mb()
    assert before - after > 100, (before, after)
    assert all(float(b[0]) == 1.0 for b in kept)  # what is still used stays
