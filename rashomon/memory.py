"""Memory of this process: its peak, and handing freed memory back to the system.

Large temporary objects (a stage's working tables, the sentence model's activations for one
batch shape after another) are freed by Python and torch, but glibc's allocator keeps much of the
freed heap mapped for reuse, so the process's resident size only grows: embedding 20,000
sentences of varied lengths grew it by 1.35 GB for 30 MB of vectors (measured on this machine).
``release()`` asks glibc to return the free pages (``malloc_trim``); elsewhere it does nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import lru_cache


@lru_cache(maxsize=4)
def _glibc(name: str):
    """glibc's function ``name`` (``malloc_trim``, ``mallinfo2``), None where there is none (not
    Linux, musl, an older glibc)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), name)
    except (OSError, AttributeError):
        return None


def release() -> bool:
    """Return the allocator's free memory to the system; True if it could be asked."""
    trim = _glibc("malloc_trim")
    if trim is None:
        return False
    trim(0)
    return True


def peak_mb() -> float:
    """The peak resident memory of this process so far, in MB (its worker processes not
    included); the pipeline's ``STAGE_peak_mb`` stats show which stage raised it."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux, bytes on macOS
    return max(round(peak / (2**20 if sys.platform == "darwin" else 2**10), 1), _EARLIER_PEAK)


_EARLIER_PEAK = 0.0  # the highest window peak before the last reset_window


def reset_window() -> bool:
    """Start a new window for ``window_peak_mb``: Linux resets the process's high-water mark when
    "5" is written to ``/proc/self/clear_refs``. False where it cannot (not Linux, no /proc)."""
    global _EARLIER_PEAK
    before = window_peak_mb()
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    # the kernel's reset also lowers getrusage's ru_maxrss: keep the process's peak here
    _EARLIER_PEAK = max(_EARLIER_PEAK, before or 0.0)
    return True


def window_peak_mb() -> float | None:
    """The peak resident memory since the last ``reset_window`` (else since the process began),
    in MB: which stage of several raised the peak. None without Linux's /proc."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 2**10, 1)
    except OSError:
        pass
    return None


def rss_mb() -> float | None:
    """This process's resident memory now, in MB (Linux's /proc; None elsewhere)."""
    import os

    try:
        with open("/proc/self/statm") as f:
            return round(int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)
    except OSError:
        return None


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]


def heap_mb() -> dict[str, float]:
    """glibc's view of this process's heap, in MB: ``in_use`` (allocated: Python objects and
    native buffers), ``free`` (freed chunks the allocator keeps; pages ``release`` handed back
    count here too, so it is not resident memory) and ``mmapped`` (large blocks), with Python's
    allocated blocks (``py_blocks``, a count). Only ``py_blocks`` where glibc's ``mallinfo2`` is
    missing. Benchmarks read it to tell a growing working set from fragmentation."""
    out: dict[str, float] = {"py_blocks": sys.getallocatedblocks()}
    fn = _glibc("mallinfo2")
    if fn is None:
        return out
    fn.restype = _MallInfo2
    m = fn()
    mb = 2**20
    out.update({"in_use": round(m.uordblks / mb), "free": round(m.fordblks / mb), "mmapped": round(m.hblkhd / mb)})
    return out
