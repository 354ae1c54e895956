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


def test_window_peak_tells_a_later_stage_from_an_earlier_peak():
    np = pytest.importorskip("numpy")
    big = np.ones(300 * 2**20 // 8)  # 300 MB touched: the process's peak rises by that much
    del big
    release()
    if not memory.reset_window():
        pytest.skip("no /proc/self/clear_refs here")
    now = rss_mb()
    quiet = memory.window_peak_mb()
    assert quiet is not None and quiet < now + 100, (quiet, now)  # the earlier 300 MB is not in the window
    small = np.ones(120 * 2**20 // 8)
    assert memory.window_peak_mb() >= now + 100
    del small
    assert memory.peak_mb() >= now + 250  # the process-wide peak still has the first one
