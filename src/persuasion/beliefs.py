r"""Beliefs on a finite state space: Bayes' rule and Bayes-plausible splittings.

A *signal* (or signaling scheme) is a row-stochastic matrix ``scheme`` of shape
``(n_states, n_signals)`` with ``scheme[w, s]`` the probability of sending
signal ``s`` in state ``w``. Seeing ``s``, a Bayesian with prior :math:`\mu_0`
forms the posterior (Eq. 2 of :cite:t:`bai2024efficient`)

.. math::

    \mu_s(\omega) = \frac{\mu_0(\omega)\,\pi(s \mid \omega)}
                         {\sum_{\omega'} \mu_0(\omega')\,\pi(s \mid \omega')}.

The signal therefore *splits* the prior into posteriors :math:`\mu_s` with
weights :math:`\tau_s = \Pr(s)`, and the split is Bayes-plausible:
:math:`\sum_s \tau_s \mu_s = \mu_0`. Conversely every Bayes-plausible split is
induced by the scheme :math:`\pi(s\mid\omega) = \tau_s\mu_s(\omega)/\mu_0(\omega)`
(Proposition 1 of :cite:t:`kamenica2011bayesian`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validation import (
    SIMPLEX_ATOL,
    as_beliefs,
    as_bool,
    as_distribution,
    as_finite_array,
    as_real,
    as_stochastic_matrix,
    num,
)

__all__ = [
    "Splitting",
    "bayes_posterior",
    "split",
    "is_bayes_plausible",
    "scheme_from_splitting",
    "reduce_support",
]


@dataclass(frozen=True)
class Splitting:
    """A distribution of posteriors.

    Attributes
    ----------
    weights : ndarray, shape (n_signals,)
        Probability of each signal, :math:`\\tau_s`.
    posteriors : ndarray, shape (n_signals, n_states)
        Posterior belief after each signal, one per row.

    Examples
    --------
    The prosecutor's optimal split of the prior ``(0.7, 0.3)``:

    >>> tau = Splitting(
    ...     weights=np.array([0.4, 0.6]), posteriors=np.array([[1.0, 0.0], [0.5, 0.5]])
    ... )
    >>> tau.mean
    array([0.7, 0.3])
    """

    weights: np.ndarray
    posteriors: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        """The average posterior, :math:`\\sum_s \\tau_s \\mu_s` (the prior, if Bayes-plausible)."""
        return self.weights @ self.posteriors


def bayes_posterior(prior: ArrayLike, likelihood: ArrayLike) -> np.ndarray:
    r"""Posterior after one signal realisation (Eq. 2 of Bai et al.).

    Parameters
    ----------
    prior : array_like, shape (n_states,)
        Prior belief :math:`\mu_0`.
    likelihood : array_like, shape (n_states,)
        :math:`\pi(s \mid \omega)` for the realised signal ``s``, one entry per state.

    Returns
    -------
    ndarray, shape (n_states,)

    Examples
    --------
    The prosecutor's signal says "guilty" always when guilty and with
    probability 3/7 when innocent; with prior 0.3 on guilt the judge's posterior
    after "guilty" is one half:

    >>> bayes_posterior([0.7, 0.3], [3/7, 1.0])
    array([0.5, 0.5])
    """
    prior = as_distribution(prior, "prior")
    lik = as_finite_array(likelihood, "likelihood", booleans=False)
    if lik.shape != prior.shape:
        raise ValueError(
            f"likelihood must have the shape of prior {prior.shape}; got shape {lik.shape}"
        )
    out = (lik < 0) | (lik > 1 + SIMPLEX_ATOL)
    if out.any():
        i = int(np.argmax(out))
        raise ValueError(f"likelihood must hold probabilities in [0, 1]; entry {i} is {num(lik[i])}")
    lik = np.minimum(lik, 1.0)
    joint = prior * lik
    total = joint.sum()
    if total <= 0:
        raise ValueError("likelihood gives the signal probability 0 under prior: its posterior is undefined")
    return joint / total


def split(prior: ArrayLike, scheme: ArrayLike, *, drop_null: bool = True) -> Splitting:
    """The distribution of posteriors that ``scheme`` induces from ``prior``.

    Parameters
    ----------
    prior : array_like, shape (n_states,)
    scheme : array_like, shape (n_states, n_signals)
        Row-stochastic: ``scheme[w, s] = P(s | w)``.
    drop_null : bool
        Leave out signals sent with probability zero (their posterior is undefined).

    Examples
    --------
    >>> s = split([0.7, 0.3], [[4/7, 3/7], [0.0, 1.0]])
    >>> s.weights
    array([0.4, 0.6])
    >>> s.posteriors
    array([[1. , 0. ],
           [0.5, 0.5]])
    """
    prior = as_distribution(prior, "prior")
    scheme = as_stochastic_matrix(scheme, "scheme", n_rows=prior.size)
    drop_null = as_bool(drop_null, "drop_null")
    joint = prior[:, None] * scheme  # (n_states, n_signals)
    weights = joint.sum(axis=0)
    keep = weights > 0 if drop_null else np.ones_like(weights, dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        posteriors = (joint[:, keep] / weights[keep]).T
    return Splitting(weights=weights[keep], posteriors=posteriors)


def is_bayes_plausible(weights: ArrayLike, posteriors: ArrayLike, prior: ArrayLike, *, atol: float = 1e-7) -> bool:
    """Whether posteriors with these weights average to ``prior``.

    >>> is_bayes_plausible([0.4, 0.6], [[1, 0], [0.5, 0.5]], [0.7, 0.3])
    True
    >>> is_bayes_plausible([0.5, 0.5], [[1, 0], [0.5, 0.5]], [0.7, 0.3])
    False
    """
    prior = as_distribution(prior, "prior")
    weights = as_distribution(weights, "weights")
    posteriors = as_beliefs(posteriors, "posteriors", prior.size)
    atol = as_real(atol, "atol", low=0)
    if posteriors.shape != (weights.size, prior.size):
        raise ValueError(
            f"posteriors must have shape (len(weights), n_states) = {(weights.size, prior.size)}; "
            f"got {posteriors.shape}"
        )
    return bool(np.allclose(weights @ posteriors, prior, atol=atol, rtol=0))


def scheme_from_splitting(prior: ArrayLike, weights: ArrayLike, posteriors: ArrayLike, *,
                          atol: float = 1e-7) -> np.ndarray:
    r"""The signaling scheme that induces a Bayes-plausible splitting.

    Returns ``scheme`` of shape ``(n_states, n_signals)`` with
    :math:`\pi(s\mid\omega) = \tau_s\mu_s(\omega)/\mu_0(\omega)`. States with prior
    probability zero get the signal distribution ``weights``.

    >>> scheme_from_splitting([0.7, 0.3], [0.4, 0.6], [[1, 0], [0.5, 0.5]]).round(4)
    array([[0.5714, 0.4286],
           [0.    , 1.    ]])
    """
    prior = as_distribution(prior, "prior")
    weights = as_distribution(weights, "weights")
    posteriors = as_beliefs(posteriors, "posteriors", prior.size)
    atol = as_real(atol, "atol", low=0)
    if not is_bayes_plausible(weights, posteriors, prior, atol=atol):
        mean = weights @ posteriors
        raise ValueError(
            f"posteriors weighted by weights must average to prior {prior.tolist()}; they average to {mean.tolist()}"
        )
    scheme = np.empty((prior.size, weights.size))
    pos = prior > 0
    scheme[pos] = (weights[None, :] * posteriors.T[pos]) / prior[pos, None]
    scheme[~pos] = weights
    scheme /= scheme.sum(axis=1, keepdims=True)
    return scheme


def reduce_support(weights: ArrayLike, points: ArrayLike, values: ArrayLike | None = None, *,
                   tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    r"""Carathéodory reduction of a convex combination, without losing value.

    Given points :math:`x_k \in \mathbb R^d` (posteriors in :math:`\Delta(\Omega)`,
    vertices of a polytope) with weights :math:`\lambda_k` and optional values
    :math:`v_k`, return a sub-combination with the same mean
    :math:`\sum_k \lambda_k x_k` whose points are affinely independent (so at
    most :math:`d + 1` of them; at most ``n_states`` posteriors) and whose
    average value :math:`\sum_k \lambda_k v_k` is at least as high.

    Each step moves the weights along an affine dependence :math:`\delta`
    (:math:`\sum_k \delta_k x_k = 0`, :math:`\sum_k\delta_k = 0`), in the direction
    that does not lower the value, until a weight reaches zero.

    Parameters
    ----------
    weights : array_like, shape (k,)
        Finite and non-negative, with a positive total; they need not sum to
        one (the result is normalised).
    points : array_like, shape (k, d)
        Finite.
    values : array_like, shape (k,), optional
        Finite. Default: no values to keep (all zero).
    tol : float
        Weights at most ``tol`` (relative to the largest weight) count as zero;
        in [0, 1).

    Returns
    -------
    keep : ndarray of int
        Indices of the points kept, in increasing order.
    new_weights : ndarray
        Their weights, summing to one.

    Examples
    --------
    Three posteriors of a two-state problem, each worth 1: two of them suffice.

    >>> keep, w = reduce_support([1/3, 1/3, 1/3], [[1, 0], [0.5, 0.5], [0, 1]], [1, 1, 1])
    >>> len(keep) <= 2, bool(np.isclose(w.sum(), 1))
    (True, True)

    The centre of a square from its four corners: three corners suffice.

    >>> square = np.array([[0, 0], [1, 0], [0, 1], [1, 1]])
    >>> keep, w = reduce_support([0.25] * 4, square)
    >>> len(keep) <= 3, np.allclose(w @ square[keep], [0.5, 0.5])
    (True, True)
    """
    lam = as_finite_array(weights, "weights", ndim=1, booleans=False).copy()
    X = as_finite_array(points, "points", ndim=2, booleans=False)
    v = np.zeros(lam.shape) if values is None else as_finite_array(values, "values", ndim=1, booleans=False)
    tol = as_real(tol, "tol", low=0)
    if tol >= 1:
        raise ValueError(f"tol must be below 1 (it is relative to the largest weight); got {tol!r}")
    if X.shape[0] != lam.size or v.shape != lam.shape:
        raise ValueError(
            "weights, points, values must have shapes (k,), (k, d), (k,); "
            f"got {lam.shape}, {X.shape}, {v.shape}"
        )
    if lam.max() <= 0:
        raise ValueError(f"weights must have a positive entry; the largest is {num(lam.max())}")
    if (lam < -SIMPLEX_ATOL * lam.max()).any():  # a solver's -1e-17 is zero
        i = int(np.argmin(lam))
        raise ValueError(f"weights must be non-negative; entry {i} is {num(lam[i])}")
    lam = np.clip(lam / lam.max(), 0.0, None)  # no overflow in the sums below
    # Points and values on a unit scale: the rank test and the value's sign do not depend on the unit.
    X = X / max(float(np.abs(X).max()), np.finfo(float).tiny)
    v = v / max(float(np.abs(v).max()), np.finfo(float).tiny)
    idx = np.flatnonzero(lam > tol)
    while idx.size > 1:
        A = np.vstack([X[idx].T, np.ones(idx.size)])  # (d + 1, k)
        _, s, vt = np.linalg.svd(A)
        rank = int((s > 1e-9 * max(1.0, s[0])).sum())
        if rank == idx.size:  # affinely independent: done
            break
        delta = vt[-1]
        if delta @ v[idx] < 0:
            delta = -delta
        # Moving along +delta does not lower the value; a negative entry must
        # exist because sum(delta) = 0, and the first weight to hit 0 stops us.
        neg = delta < -1e-14
        if not neg.any():  # pragma: no cover - guarded by sum(delta) == 0
            delta = -delta
            neg = delta < -1e-14
        steps = lam[idx][neg] / -delta[neg]
        t = steps.min()
        lam[idx] = lam[idx] + t * delta
        lam[idx[neg][np.argmin(steps)]] = 0.0
        lam[lam < tol] = 0.0
        idx = np.flatnonzero(lam > tol)
    return idx, lam[idx] / lam[idx].sum()
