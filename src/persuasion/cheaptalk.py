r"""Cheap talk in the uniform–quadratic example of :cite:t:`crawford1982strategic`.

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
At a boundary :math:`b = 1/(2N(N-1))` the square root is exactly
:math:`2N - 1`, so the formula gives :math:`N - 1`, as it should (the
condition is strict). In floating point the square root can land just above
:math:`2N - 1` and the ceiling jump to :math:`N`; :func:`max_partition_size`
therefore evaluates the formula in exact rational arithmetic, on the exact
value of ``b`` (a :class:`fractions.Fraction`, an int, or the exact binary
value of a float).
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
import numbers
from fractions import Fraction

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


def _exact_bias(b) -> Fraction:
    """``b`` as an exact rational (a float is taken at its exact binary value).

    ``bool``, ``str`` and other non-numbers raise ``TypeError``; NaN, infinities and
    ``b <= 0`` raise ``ValueError``.
    """
    if isinstance(b, (bool, np.bool_)) or not isinstance(b, (numbers.Real, np.integer, np.floating)):
        raise TypeError(f"b (the Sender's bias) must be a real number > 0; got {type(b).__name__}: {b!r}")
    if isinstance(b, Fraction):
        exact = b
    elif isinstance(b, (numbers.Integral, np.integer)):
        exact = Fraction(int(b))
    else:
        x = float(b)
        if math.isnan(x) or math.isinf(x):
            raise ValueError(f"b (the Sender's bias) must be a finite number > 0; got {b!r}")
        exact = Fraction(x)
    if not exact > 0:
        raise ValueError(f"b (the Sender's bias) must be a finite number > 0; got {b!r}")
    return exact


def _bias(b) -> float:
    exact = _exact_bias(b)
    if exact > 10**150:  # b^2 would overflow a float
        raise ValueError(f"b (the Sender's bias) must be at most 1e150 (b^2 must be a float); got {b!r}")
    return float(exact)


def max_partition_size(b: float | Fraction) -> int:
    """The largest number of intervals in an equilibrium, :math:`N(b)`, computed exactly.

    :math:`N(b) = \\lceil (\\sqrt{x} - 1)/2 \\rceil` with :math:`x = 1 + 2/b`, the smallest
    integer :math:`n` with :math:`(2n + 1)^2 \\ge x`, found with integer arithmetic
    on :math:`b = p/q`: :math:`(2n + 1)^2 p \\ge p + 2q`.

    >>> from fractions import Fraction
    >>> (
    ...     max_partition_size(Fraction(1, 12)),
    ...     max_partition_size(Fraction(1, 12) - Fraction(1, 10**12)),
    ... )
    (2, 3)
    """
    exact = _exact_bias(b)
    p, q = exact.numerator, exact.denominator
    # smallest n >= 0 with (2n + 1)^2 >= (p + 2q) / p
    root = math.isqrt((p + 2 * q) // p)  # within one of sqrt(x)
    n = max(0, (root - 1) // 2 - 1)
    while (2 * n + 1) ** 2 * p < p + 2 * q:
        n += 1
    return max(n, 1)


#: Largest number of intervals the functions that build a partition accept (beyond it, arrays would not fit).
MAX_INTERVALS = 10**6


def _size(b, N) -> int:
    if isinstance(N, (bool, np.bool_)) or not isinstance(N, (numbers.Real, np.integer, np.floating)):
        raise TypeError(f"N (the number of intervals) must be a positive integer; got {type(N).__name__}: {N!r}")
    if not math.isfinite(N) or int(N) != N or N < 1:
        raise ValueError(f"N (the number of intervals) must be a positive integer; got {N!r}")
    N = int(N)
    if N > MAX_INTERVALS:
        raise ValueError(f"N (the number of intervals) must be at most {MAX_INTERVALS}; got {N}")
    n_max = max_partition_size(b)
    if N > n_max:
        try:
            shown = f"{float(b):g}"
        except OverflowError:  # an int or Fraction beyond the float range
            shown = str(b)
        raise ValueError(
            f"N must be at most N(b) = {n_max} for b = {shown} (larger partitions are not equilibria); got {N}"
        )
    return N


def partition_boundaries(b: float | Fraction, N: int) -> np.ndarray:
    """The boundaries :math:`a_0 = 0 < a_1 < \\dots < a_N = 1` of the N-interval equilibrium.

    Computed exactly (rationals) and rounded once, so that a partition just
    inside the existence condition keeps strictly increasing boundaries.

    With bias 0.1 and two intervals, :math:`a_1 = 1/2 + 2 \\cdot 0.1 \\cdot 1 \\cdot (1 - 2) = 0.3`:

    >>> partition_boundaries(0.1, 2)
    array([0. , 0.3, 1. ])
    >>> partition_boundaries(0.1, 3)
    Traceback (most recent call last):
    ...
    ValueError: N must be at most N(b) = 2 for b = 0.1 (larger partitions are not equilibria); got 3
    """
    exact = _exact_bias(b)
    N = _size(exact, N)
    return np.array([float(Fraction(i, N) + 2 * exact * i * (i - N)) for i in range(N + 1)])


def cheap_talk_utilities(b: float | Fraction, N: int) -> tuple[float, float]:
    """(Receiver, Sender) expected utilities in the N-interval equilibrium, closed form.

    The babbling equilibrium (one interval) leaves the variance of the uniform
    state, 1/12; the Sender loses :math:`b^2` more:

    >>> [round(x, 6) for x in cheap_talk_utilities(0.1, 1)]
    [-0.083333, -0.093333]
    """
    a = partition_boundaries(b, N)
    residual = float(np.sum(np.diff(a) ** 3) / 12)
    return -residual, -residual - _bias(b) ** 2


def commitment_utilities(b: float | Fraction) -> tuple[float, float]:
    """(Receiver, Sender) expected utilities when the Sender commits: full revelation, (0, -b^2).

    >>> [round(x, 6) for x in commitment_utilities(0.1)]
    [0.0, -0.01]
    """
    return 0.0, -(_bias(b) ** 2)


def numerical_utilities(b: float | Fraction, N: int) -> tuple[float, float]:
    """The same utilities by numerical integration over each interval (an independent check).

    >>> [round(x, 6) for x in numerical_utilities(0.1, 2)]  # the closed form gives the same
    [-0.030833, -0.040833]
    """
    a = partition_boundaries(b, N)
    b = _bias(b)
    rec = snd = 0.0
    for lo, hi in zip(a[:-1], a[1:]):
        y = (lo + hi) / 2  # the Receiver's best response to "theta in [lo, hi)"
        rec -= quad(lambda t, y=y: (y - t) ** 2, lo, hi)[0]
        snd -= quad(lambda t, y=y: (y - t - b) ** 2, lo, hi)[0]
    return rec, snd


def indifference_gaps(b: float | Fraction, N: int) -> np.ndarray:
    """At each interior boundary, the Sender's utility from the action above minus from the action below.

    Zero at every boundary in an equilibrium (the boundary type is indifferent).

    >>> bool(np.abs(indifference_gaps(0.05, 3)).max() < 1e-12)
    True
    """
    a = partition_boundaries(b, N)
    b = _bias(b)
    y = (a[:-1] + a[1:]) / 2
    t = a[1:-1]
    return -((y[1:] - t - b) ** 2) + (y[:-1] - t - b) ** 2
