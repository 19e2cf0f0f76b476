r"""Cheap talk in the uniform–quadratic example of Crawford and Sobel (1982).

The state :math:`\theta` is uniform on :math:`[0, 1]`; the Receiver takes
:math:`y` with utility :math:`-(y - \theta)^2`; the Sender, who knows
:math:`\theta` and talks without commitment, has utility
:math:`-(y - \theta - b)^2` with bias :math:`b > 0`. Every equilibrium is a
partition: the Sender reveals which of :math:`N` intervals
:math:`[a_{i-1}, a_i)` holds :math:`\theta`, and the Receiver plays the
interval's midpoint. With :math:`N` intervals,

.. math::

    a_i = \frac{i}{N} + 2 b\, i (i - N), \qquad i = 0, \ldots, N,

which is increasing iff :math:`2 b N (N - 1) < 1`, so the largest size is
:math:`N(b) = \lceil -\tfrac12 + \tfrac12 \sqrt{1 + 2/b}\, \rceil`.
Expected utilities: the Receiver loses the residual variance
:math:`\sum_i (a_i - a_{i-1})^3 / 12`; the Sender loses that plus :math:`b^2`.

With commitment (Bayesian persuasion) the same Sender reveals everything:
her loss is the residual variance plus :math:`b^2`, so she minimises the
variance. :func:`commitment_utilities` returns that benchmark.

>>> max_partition_size(0.1)
2
>>> partition_boundaries(0.1, 2)
array([0. , 0.3, 1. ])
>>> [round(x, 6) for x in cheap_talk_utilities(0.1, 2)]
[-0.030833, -0.040833]
"""

from __future__ import annotations

import math

import numpy as np
from scipy.integrate import quad

__all__ = [
    "max_partition_size",
    "partition_boundaries",
    "cheap_talk_utilities",
    "commitment_utilities",
    "numerical_utilities",
    "indifference_gaps",
]


def _bias(b) -> float:
    try:
        b = float(b)
    except (TypeError, ValueError):
        raise ValueError(f"b (the Sender's bias) must be a number > 0; got {b!r}") from None
    if not (b > 0) or math.isinf(b):
        raise ValueError(f"b (the Sender's bias) must be a finite number > 0; got {b!r}")
    return b


def max_partition_size(b) -> int:
    """The largest number of intervals in an equilibrium, :math:`N(b)`."""
    b = _bias(b)
    n = math.ceil(-0.5 + 0.5 * math.sqrt(1 + 2 / b))
    # Guard the boundary 2 b N (N - 1) = 1, where the closed form is one too large.
    while n > 1 and 2 * b * n * (n - 1) >= 1:
        n -= 1
    return n


def _size(b: float, N) -> int:
    if int(N) != N or N < 1:
        raise ValueError(f"N (the number of intervals) must be a positive integer; got {N!r}")
    n_max = max_partition_size(b)
    if N > n_max:
        raise ValueError(
            f"N must be at most N(b) = {n_max} for b = {b:g} (larger partitions are not equilibria); got {N}"
        )
    return int(N)


def partition_boundaries(b, N) -> np.ndarray:
    """The boundaries :math:`a_0 = 0 < a_1 < \\dots < a_N = 1` of the N-interval equilibrium."""
    b = _bias(b)
    N = _size(b, N)
    i = np.arange(N + 1)
    a = i / N + 2 * b * i * (i - N)
    a[0], a[-1] = 0.0, 1.0
    return a


def cheap_talk_utilities(b, N) -> tuple[float, float]:
    """(Receiver, Sender) expected utilities in the N-interval equilibrium, closed form."""
    a = partition_boundaries(b, N)
    residual = float(np.sum(np.diff(a) ** 3) / 12)
    return -residual, -residual - _bias(b) ** 2


def commitment_utilities(b) -> tuple[float, float]:
    """(Receiver, Sender) expected utilities when the Sender commits: full revelation, (0, -b^2)."""
    return 0.0, -(_bias(b) ** 2)


def numerical_utilities(b, N) -> tuple[float, float]:
    """The same utilities by numerical integration over each interval (an independent check)."""
    a = partition_boundaries(b, N)
    b = _bias(b)
    rec = snd = 0.0
    for lo, hi in zip(a[:-1], a[1:]):
        y = (lo + hi) / 2  # the Receiver's best response to "theta in [lo, hi)"
        rec -= quad(lambda t, y=y: (y - t) ** 2, lo, hi)[0]
        snd -= quad(lambda t, y=y: (y - t - b) ** 2, lo, hi)[0]
    return rec, snd


def indifference_gaps(b, N) -> np.ndarray:
    """At each interior boundary, the Sender's utility from the action above minus from the action below.

    Zero at every boundary in an equilibrium (the boundary type is indifferent).
    """
    a = partition_boundaries(b, N)
    b = _bias(b)
    y = (a[:-1] + a[1:]) / 2
    t = a[1:-1]
    return -((y[1:] - t - b) ** 2) + (y[:-1] - t - b) ** 2
