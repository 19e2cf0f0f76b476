"""Intervals, p-values and a multiplicity correction for the experiment's contrasts.

The chapter's verdicts rest on a family of contrasts (structure A against
structure B, per task and Receiver). This module holds what turns paired
differences into honest statements about that family:

* :func:`t_interval` and :func:`bca_interval`: two intervals for a mean, the
  t interval (for a few values, e.g. one per Advisor seed) and the
  bias-corrected and accelerated bootstrap (for differences over test inputs);
* :func:`bootstrap_p_value`: a two-sided p-value for "the mean difference is 0"
  from the same resamples as a percentile interval;
* :func:`sign_flip_p_value`: the paired randomisation test of the same
  hypothesis, exact in level for any n (the p-value behind the verdicts);
* :func:`holm`: Holm's step-down adjustment of a family of p-values, which
  keeps the chance of any false "supported" or "contradicted" at the family's
  level;
* :func:`verdict`: the chapter's rule from an interval to *supported*,
  *contradicted* or *inconclusive*;
* :func:`coverage`: how often an interval method covers the truth, by
  simulation, at the sample size a chapter actually has.

>>> holm([0.01, 0.04, 0.03]).tolist()
[0.03, 0.06, 0.06]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from .._validation import as_finite_array, as_int, as_real

__all__ = ["MIN_INPUTS", "ALPHA", "MIN_ACCURACY", "p_text", "verdict", "verdict_from_p", "t_interval", "bca_interval",
           "bootstrap_p_value", "sign_flip_p_value", "draws_p_value", "holm", "coverage", "percentile_interval",
           "interval_coverage"]

#: The smallest number of test inputs on which a verdict other than "inconclusive" is given.
MIN_INPUTS = 10
#: The family-wise error level of the verdicts: the chance that any "supported" or "contradicted" is false.
ALPHA = 0.05
#: Below this accuracy under every structure, for every Receiver, a task's accuracy contrasts are uninformative.
MIN_ACCURACY = 0.15


def verdict(lo: float, hi: float, n: int) -> str:
    """The rule: *supported* when the 95% interval of A − B lies above zero, *contradicted* when below,
    *inconclusive* when it contains zero or rests on fewer than :data:`MIN_INPUTS` test inputs.

    >>> (
    ...     verdict(0.1, 0.5, 32),
    ...     verdict(-0.4, -0.1, 32),
    ...     verdict(-0.1, 0.3, 32),
    ...     verdict(0.1, 0.5, 4),
    ... )
    ('supported', 'contradicted', 'inconclusive', 'inconclusive')
    """
    if n < MIN_INPUTS:
        return "inconclusive"
    return "supported" if lo > 0 else "contradicted" if hi < 0 else "inconclusive"


def verdict_from_p(mean: float, p_adjusted: float, n: int, *, alpha: float = ALPHA) -> str:
    """The rule for a family: *supported* when the multiplicity-adjusted p-value (see :func:`holm`) is at most
    ``alpha`` and A − B is positive, *contradicted* when it is at most ``alpha`` and A − B is negative,
    *inconclusive* otherwise or on fewer than :data:`MIN_INPUTS` test inputs.

    >>> (
    ...     verdict_from_p(0.3, 0.01, 32),
    ...     verdict_from_p(-0.3, 0.04, 32),
    ...     verdict_from_p(0.3, 0.2, 32),
    ... )
    ('supported', 'contradicted', 'inconclusive')
    >>> verdict_from_p(0.3, 0.01, 4)
    'inconclusive'
    """
    if n < MIN_INPUTS or not p_adjusted <= alpha or mean == 0:
        return "inconclusive"
    return "supported" if mean > 0 else "contradicted"


def _level(level) -> float:
    level = as_real(level, "level")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level!r}")
    return level


def _sample(x, name: str, minimum: int) -> np.ndarray:
    x = as_finite_array(x, name, ndim=1)
    if x.size < minimum:
        raise ValueError(f"{name} must have at least {minimum} values; got {x.size}")
    return x


def t_interval(x: ArrayLike, *, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, lower, upper): Student's t interval for the mean of ``x`` (at least 2 values).

    >>> mean, lo, hi = t_interval([1.0, 2.0, 3.0])
    >>> mean, round(lo, 4), round(hi, 4)   # 2 -/+ t(0.975, 2) * 1 / sqrt(3)
    (2.0, -0.4841, 4.4841)
    """
    x = _sample(x, "x", 2)
    level = _level(level)
    mean, sem = float(x.mean()), float(x.std(ddof=1) / np.sqrt(x.size))
    half = float(stats.t.ppf((1 + level) / 2, x.size - 1)) * sem
    return mean, mean - half, mean + half


def bca_interval(x: ArrayLike, *, level: float = 0.95, n_boot: int = 10_000,
                 seed: int = 0) -> tuple[float, float, float]:
    """(mean, lower, upper): bias-corrected and accelerated bootstrap interval for the mean of ``x``.

    The percentile interval under-covers at small n (well below 95% at n = 8
    for skewed differences); BCa corrects for bias and skewness and
    under-covers less, though for skewed data at n = 8 it does not reach 95%
    either: measure the coverage at the sample size you have (:func:`coverage`).
    ``x`` holds paired differences (or any sample); constant ``x`` gives the
    degenerate interval ``(c, c, c)``. Where BCa is undefined (its
    acceleration divides by the spread of the leave-one-out means, which
    rounding can make zero for a sample equal up to its last bit), the
    percentile interval of the same resamples is returned.

    >>> x = [1.0] * 9 + [1.0 + 2**-52]  # equal but for one bit: scipy's BCa gives NaN
    >>> bca_interval(x, n_boot=1000)
    (1.0, 1.0, 1.0)

    >>> mean, lo, hi = bca_interval([0.2, 0.5, -0.1, 0.4, 0.3, 0.0, 0.6, 0.1])
    >>> round(mean, 4), lo < mean < hi
    (0.25, True)
    """
    x = _sample(x, "x", 2)
    level = _level(level)
    n_boot = as_int(n_boot, "n_boot", low=100)
    mean = float(x.mean())
    if np.ptp(x) == 0:
        return mean, mean, mean
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a degenerate acceleration: handled below
        res = stats.bootstrap((x,), np.mean, confidence_level=level, n_resamples=n_boot, method="BCa",
                              random_state=np.random.default_rng(seed))
    lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return percentile_interval(x, level=level, n_boot=n_boot, seed=seed)
    return mean, lo, hi


def bootstrap_p_value(x: ArrayLike, *, n_boot: int = 10_000, seed: int = 0) -> float:
    """Two-sided bootstrap p-value for "the mean of ``x`` is 0" (``x``: paired differences).

    Twice the smaller share of resampled means on either side of 0 (at most 1),
    so ``p < 1 - level`` exactly when the percentile interval from the same
    resamples excludes 0.

    >>> # all positive: no resample reaches 0
    >>> bootstrap_p_value([1.0, 1.2, 0.9, 1.1, 1.0, 0.8])
    0.0
    >>> bootstrap_p_value([0.0, 0.0, 0.0])
    1.0
    """
    x = _sample(x, "x", 1)
    n_boot = as_int(n_boot, "n_boot", low=100)
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, x.size, size=(n_boot, x.size))].mean(axis=1)
    return float(min(1.0, 2 * min(np.mean(means <= 0), np.mean(means >= 0))))


def sign_flip_p_value(x: ArrayLike, *, n_flips: int = 100_000, seed: int = 0) -> float:
    """Two-sided p-value of the paired sign-flip (randomisation) test of "A − B is symmetric about 0".

    ``x``: paired differences A − B. Under the hypothesis each difference is
    as likely to have either sign, so the observed :math:`|\\bar x|` is
    compared with :math:`|\\overline{s x}|` over random signs :math:`s`:
    :math:`p = (1 + \\#\\{|\\overline{s x}| \\ge |\\bar x|\\})/(1 + n_\\text{flips})`,
    which never falls below its level under the hypothesis, whatever ``n``
    (a Monte Carlo test is exact in this sense; see :cite:t:`phipson2010permutation`).
    Where ``2**len(x)`` is at most ``n_flips`` every sign vector is tried
    once instead, and p is their exact share.

    Why not the bootstrap's p-value: at the chapter's tens of inputs, with
    accuracy differences that are mostly 0 and a few ±1, a bootstrap test
    rejects a true null far more often than its level (BCa) or only about
    as often (percentile), while this test never does; the simulation is in
    ``benchmarks/bench_p_values.py``.

    >>> sign_flip_p_value([1.0, 1.0, 1.0])  # 8 sign vectors; 2 reach a mean of size 1
    0.25
    >>> sign_flip_p_value([0.0, 0.0])
    1.0
    """
    x = _sample(x, "x", 1)
    n_flips = as_int(n_flips, "n_flips", low=100)
    observed = abs(x.mean()) * (1 - 1e-12)  # ties count as reaching it, whatever the rounding
    if 2 ** min(x.size, 63) <= n_flips:
        signs = 1 - 2 * ((np.arange(2**x.size)[:, None] >> np.arange(x.size)) & 1)
        return float(np.mean(np.abs(signs @ x) / x.size >= observed))
    rng, reached = np.random.default_rng(seed), 0
    for start in range(0, n_flips, 10_000):  # in chunks: n_flips × len(x) signs need not fit in memory
        signs = rng.choice([-1.0, 1.0], size=(min(10_000, n_flips - start), x.size))
        reached += int(np.sum(np.abs(signs @ x) / x.size >= observed))
    return float((1 + reached) / (1 + n_flips))


def percentile_interval(x: ArrayLike, *, level: float = 0.95, n_boot: int = 10_000,
                        seed: int = 0) -> tuple[float, float, float]:
    """(mean, lower, upper): the percentile bootstrap interval for the mean of ``x``.

    >>> percentile_interval([1.0, 0.0, 1.0, 1.0])
    (0.75, 0.25, 1.0)
    """
    x = _sample(x, "x", 1)
    level = _level(level)
    n_boot = as_int(n_boot, "n_boot", low=100)
    means = x[np.random.default_rng(seed).integers(0, x.size, size=(n_boot, x.size))].mean(axis=1)
    lo, hi = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return float(x.mean()), float(lo), float(hi)


def interval_coverage(population: ArrayLike, *, n_sims: int = 200, n_boot: int = 2000,
                      seed: int = 0) -> dict[str, float]:
    """How often the percentile, BCa and t 95% intervals cover the mean of ``population`` for samples of its
    size drawn from it with replacement: ``{"percentile": ..., "bca": ..., "t": ...}``.

    The empirical distribution stands in for the unknown one, at exactly the
    sample size the data has; see :func:`coverage`.

    >>> cover = interval_coverage(np.arange(40.0), n_sims=50, n_boot=500)
    >>> sorted(cover), all(0.5 < v <= 1 for v in cover.values())
    (['bca', 'percentile', 't'], True)
    """
    x = _sample(population, "population", 2)
    truth = float(x.mean())

    def sampler(rng):
        return rng.choice(x, size=x.size)

    methods = {"percentile": lambda s: percentile_interval(s, n_boot=n_boot),
               "bca": lambda s: bca_interval(s, n_boot=n_boot), "t": t_interval}
    return {name: coverage(f, sampler, truth=truth, n_sims=n_sims, seed=seed) for name, f in methods.items()}


def p_text(p: float) -> str:
    """A p-value as the book prints it: three decimals, or "< 0.001" where that would read 0.000.

    >>> p_text(0.0217), p_text(0.0004), p_text(1.0)
    ('= 0.022', '< 0.001', '= 1.000')
    """
    return "< 0.001" if p < 0.0005 else f"= {p:.3f}"


def draws_p_value(draws: ArrayLike) -> float:
    """Two-sided p-value for "the statistic is 0" from its bootstrap ``draws``: twice the smaller share on
    either side of 0, at most 1 (as :func:`bootstrap_p_value`, for statistics that are not a mean).

    >>> draws_p_value([0.5, 1.0, -0.2, 0.8]), draws_p_value([1.0, 2.0])
    (0.5, 0.0)
    """
    d = _sample(draws, "draws", 1)
    return float(min(1.0, 2 * min(np.mean(d <= 0), np.mean(d >= 0))))


def holm(p_values: ArrayLike) -> np.ndarray:
    """Holm's step-down adjusted p-values, in the order given.

    Sorted ascending, the k-th smallest (k from 0) is multiplied by ``m - k``,
    a running maximum keeps the order, and values are capped at 1. A contrast
    is significant at family level ``alpha`` when its adjusted p-value is at
    most ``alpha``; the chance of any false rejection in the family is then at
    most ``alpha``, whatever the dependence between the contrasts.

    >>> holm([0.01, 0.04, 0.03, 0.2]).tolist()
    [0.04, 0.09, 0.09, 0.2]
    """
    if np.size(p_values) == 0:
        return np.empty(0)
    p = as_finite_array(p_values, "p_values", ndim=1)
    if ((p < 0) | (p > 1)).any():
        i = int(np.flatnonzero((p < 0) | (p > 1))[0])
        raise ValueError(f"p_values must lie in [0, 1]; got {float(p[i])!r} at index {i}")
    m = p.size
    order = np.argsort(p, kind="stable")
    adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    out = np.empty(m)
    out[order] = adjusted
    return out


def coverage(interval: Callable[[np.ndarray], tuple[float, float, float]],
             sampler: Callable[[np.random.Generator], np.ndarray], *, truth: float, n_sims: int = 1000,
             seed: int = 0) -> float:
    """Share of ``n_sims`` simulated samples whose ``interval(sample)`` contains ``truth``.

    ``sampler(rng)`` draws one sample (e.g. n paired differences from a
    distribution of known mean ``truth``); ``interval(sample)`` returns
    ``(estimate, lower, upper)``, as the functions of this module do.

    >>> sampler = lambda rng: rng.normal(0.0, 1.0, size=30)
    >>> 0.9 < coverage(t_interval, sampler, truth=0.0, n_sims=400) < 0.99
    True
    """
    if not callable(interval) or not callable(sampler):
        raise TypeError("interval and sampler must be callables")
    truth = as_real(truth, "truth")
    n_sims = as_int(n_sims, "n_sims", low=1)
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(n_sims):
        _, lo, hi = interval(sampler(rng))
        hits += lo <= truth <= hi
    return hits / n_sims
