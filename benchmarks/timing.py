"""The one timing helper of the benchmark scripts."""

from __future__ import annotations

import time


def best_of(fn, repeat: int = 1):
    """Run ``fn`` ``repeat`` times; return (fastest wall time in seconds, result of the last run)."""
    if repeat < 1:
        raise ValueError(f"repeat must be at least 1; got {repeat}")
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out
