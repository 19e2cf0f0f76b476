r"""Evaluation helpers for the Advisor/Receiver experiments (Bai et al. §4).

* :func:`arpi`: Average Relative Performance Improvement, Bai et al. Eq. (7):
  :math:`\mathrm{ARPI}(A \mid B) = \frac1N \sum_{i=1}^N \frac{R_i(A) - R_i(B)}{L_i(A) - L_i(B)}`
  over :math:`N` Receivers, with :math:`R` a performance and :math:`L` a prompt
  length in tokens.
* :func:`paired_bootstrap`: a percentile confidence interval for the mean of
  paired differences (e.g. Posterior − Prior on the same inputs), seeded.

>>> arpi([0.5, 0.6], [0.4, 0.4], [120, 130], [100, 100])
0.005833333333333333
"""

from __future__ import annotations

import numpy as np

from .._validation import as_finite_array

__all__ = ["arpi", "paired_bootstrap"]


def arpi(perf_a, perf_b, len_a, len_b) -> float:
    """Eq. (7): mean over Receivers of (performance gain) / (prompt-length increase)."""
    arrays = [as_finite_array(x, name, ndim=1) for x, name in
              ((perf_a, "perf_a"), (perf_b, "perf_b"), (len_a, "len_a"), (len_b, "len_b"))]
    n = arrays[0].size
    for arr, name in zip(arrays, ("perf_a", "perf_b", "len_a", "len_b")):
        if arr.size != n:
            raise ValueError(f"{name} must have one entry per Receiver ({n}); got {arr.size}")
    ra, rb, la, lb = arrays
    dl = la - lb
    if np.any(dl == 0):
        i = int(np.flatnonzero(dl == 0)[0])
        raise ValueError(f"len_a and len_b must differ for every Receiver (Eq. 7 divides by the difference); equal at index {i}")
    return float(np.mean((ra - rb) / dl))


def paired_bootstrap(a, b, *, n_boot: int = 10_000, level: float = 0.95, seed: int = 0) -> tuple[float, float, float]:
    """(mean of a − b, lower, upper): percentile bootstrap over paired items."""
    a = as_finite_array(a, "a", ndim=1)
    b = as_finite_array(b, "b", ndim=1)
    if a.size != b.size:
        raise ValueError(f"a and b must be paired (same length); got {a.size} and {b.size}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level}")
    if n_boot < 100:
        raise ValueError(f"n_boot must be at least 100; got {n_boot}")
    d = a - b
    rng = np.random.default_rng(seed)
    means = d[rng.integers(0, d.size, size=(n_boot, d.size))].mean(axis=1)
    lo, hi = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return float(d.mean()), float(lo), float(hi)
