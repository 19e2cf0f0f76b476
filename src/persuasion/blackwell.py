r"""The Blackwell order: when is one source of information more informative than another?

Three equivalent tests, each written independently so that they check each other:

* **Garbling** (experiments). An experiment is a row-stochastic matrix
  ``P[w, s] = P(s | w)``. :math:`P \succeq Q` when :math:`Q = P G` for some
  row-stochastic :math:`G` (Q is P followed by extra noise). :func:`garbling`
  solves that linear feasibility problem and returns :math:`G`.
* **Mean-preserving spread** (distributions of posteriors). :math:`\tau \succeq \tau'`
  when :math:`\tau` is obtained from :math:`\tau'` by splitting each posterior
  :math:`\nu_j` of :math:`\tau'` into posteriors of :math:`\tau` that average to
  :math:`\nu_j`: a transport plan :math:`J \ge 0` with marginals :math:`\tau'` and
  :math:`\tau` and :math:`\sum_i J_{ji} \mu_i = \tau'_j \nu_j`.
  :func:`mps_dominates` solves that problem.
* **Convex order** (binary state). With two states a posterior is a number
  :math:`p \in [0, 1]`, and :math:`\tau \succeq \tau'` iff both have the same mean
  and :math:`\int_0^x F_\tau \ge \int_0^x F_{\tau'}` for every :math:`x`
  :func:`convex_order_dominates` checks this at the kinks of both piecewise
  linear integrals.

With a full-support prior, :math:`P \succeq Q` iff the distribution of posteriors
of :math:`P` is a mean-preserving spread of that of :math:`Q`
(:cite:t:`blackwell1953equivalent`; the tests cross-check the three methods).

>>> full, none = np.eye(2), np.full((2, 1), 1.0)
>>> blackwell_dominates(full, none), blackwell_dominates(none, full)
(True, False)
>>> garbling(full, [[0.8, 0.2], [0.3, 0.7]]).round(2)
array([[0.8, 0.2],
       [0.3, 0.7]])
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from ._validation import as_beliefs, as_distribution, as_finite_array, as_int, as_real, as_stochastic_matrix
from .beliefs import Splitting
from .lp import least_violation

__all__ = [
    "garbling",
    "blackwell_dominates",
    "mps_dominates",
    "convex_order_dominates",
    "experiment_from_splitting",
    "as_splitting",
]

#: An order holds when the smallest total violation found by the LP is at most this.
ORDER_ATOL = 1e-7


def _experiments(P, Q):
    P = as_stochastic_matrix(P, "P")
    Q = as_stochastic_matrix(Q, "Q")
    if P.shape[0] != Q.shape[0]:
        raise ValueError(
            "P and Q must have the same number of rows (states); "
            f"got P of shape {P.shape} and Q of shape {Q.shape}"
        )
    return P, Q


def garbling(P: ArrayLike, Q: ArrayLike, *, atol: float = ORDER_ATOL) -> np.ndarray | None:
    r"""A row-stochastic ``G`` with ``P @ G == Q``, or ``None`` if there is none.

    Parameters
    ----------
    P : array_like, shape (n_states, k)
        Row-stochastic experiment, ``P[w, s] = P(s | w)``.
    Q : array_like, shape (n_states, l)
        Row-stochastic experiment on the same states.
    atol : float
        Largest total absolute violation of ``P G = Q`` accepted.

    Returns
    -------
    ndarray of shape (k, l) or None

    Notes
    -----
    The linear program, with :math:`G` flattened row by row and slacks
    :math:`s^\pm \ge 0`:

    .. math::

        \min \mathbf 1^\top (s^+ + s^-) \quad\text{s.t.}\quad
        P G + s^+ - s^- = Q,\quad G \mathbf 1 = \mathbf 1,\quad G \ge 0 .

    :math:`P \succeq Q` iff the optimum is 0.

    Examples
    --------
    >>> P = [[0.9, 0.1], [0.2, 0.8]]
    >>> Q = np.asarray(P) @ [[0.5, 0.5], [0.0, 1.0]]
    >>> garbling(P, Q).round(6)
    array([[0.5, 0.5],
           [0. , 1. ]])
    >>> garbling(Q, P) is None
    True
    """
    P, Q = _experiments(P, Q)
    atol = as_real(atol, "atol", low=0)
    k, n_out = P.shape[1], Q.shape[1]
    # vec(P G) = (P kron I) vec(G) with G flattened row by row.
    A_pg = sp.kron(sp.csr_matrix(P), sp.identity(n_out))
    A_rows = sp.kron(sp.identity(k), np.ones((1, n_out)))
    A = sp.vstack([A_pg, A_rows], format="csr")
    b = np.concatenate([Q.ravel(), np.ones(k)])
    violation, x = least_violation(A, b, what="garbling")
    if violation > atol:
        return None
    G = np.clip(x.reshape(k, n_out), 0.0, None)
    return G / G.sum(axis=1, keepdims=True)


def blackwell_dominates(P: ArrayLike, Q: ArrayLike, *, atol: float = ORDER_ATOL) -> bool:
    """Whether experiment ``P`` is weakly more informative than ``Q`` (``Q`` is a garbling of ``P``).

    >>> blackwell_dominates(np.eye(3), [[0.5, 0.5], [0.5, 0.5], [0.0, 1.0]])
    True
    """
    return garbling(P, Q, atol=atol) is not None


def as_splitting(tau: Splitting | tuple[ArrayLike, ArrayLike], name: str = "tau",
                 n_states: int | None = None) -> Splitting:
    """Validate a distribution of posteriors: a :class:`~persuasion.beliefs.Splitting` or ``(weights, posteriors)``.

    >>> as_splitting(([0.4, 0.6], [[1, 0], [0.5, 0.5]])).mean
    array([0.7, 0.3])
    >>> as_splitting(([0.4, 0.6], [[1, 0]]))
    Traceback (most recent call last):
    ...
    ValueError: tau needs one posterior per weight: weights have length 2, posteriors have shape (1, 2)
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str; got {type(name).__name__}: {name!r}")
    if n_states is not None:
        n_states = as_int(n_states, "n_states", low=1)
    if isinstance(tau, Splitting):
        weights, posteriors = tau.weights, tau.posteriors
    else:
        try:
            if isinstance(tau, (str, bytes)):
                raise TypeError
            weights, posteriors = tau
        except (TypeError, ValueError):
            raise ValueError(
                f"{name} must be a Splitting or a pair (weights, posteriors); got {type(tau).__name__}"
            ) from None
    weights = as_distribution(weights, f"{name} weights")
    posteriors = as_finite_array(posteriors, f"{name} posteriors", ndim=2, booleans=False)
    if posteriors.shape[0] != weights.size:
        raise ValueError(
            f"{name} needs one posterior per weight: weights have length {weights.size}, "
            f"posteriors have shape {posteriors.shape}"
        )
    if n_states is not None and posteriors.shape[1] != n_states:
        raise ValueError(
            f"{name} posteriors must have n_states = {n_states} columns (one per state); got shape {posteriors.shape}"
        )
    posteriors = as_beliefs(posteriors, f"{name} posteriors", posteriors.shape[1])
    return Splitting(weights=weights, posteriors=posteriors)


def _pair(tau, tau_prime) -> tuple[Splitting, Splitting]:
    t = as_splitting(tau, "tau")
    tp = as_splitting(tau_prime, "tau_prime")
    if t.posteriors.shape[1] != tp.posteriors.shape[1]:
        raise ValueError(
            "tau and tau_prime must be beliefs over the same states; got posteriors of shape "
            f"{t.posteriors.shape} and {tp.posteriors.shape}"
        )
    return t, tp


def mps_dominates(tau: Splitting | tuple[ArrayLike, ArrayLike],
                  tau_prime: Splitting | tuple[ArrayLike, ArrayLike], *, atol: float = ORDER_ATOL) -> bool:
    r"""Whether ``tau`` is a mean-preserving spread of ``tau_prime`` (``tau`` ⪰ ``tau_prime``).

    Parameters
    ----------
    tau, tau_prime : Splitting or (weights, posteriors)
        Distributions of posteriors; ``posteriors`` has shape ``(n_support, n_states)``.
    atol : float
        The order holds when the LP's smallest total violation is at most this (:data:`ORDER_ATOL`).

    Notes
    -----
    Find :math:`J \in \mathbb R_+^{L \times K}` (``L`` posteriors :math:`\nu_j` of
    ``tau_prime``, ``K`` posteriors :math:`\mu_i` of ``tau``) with

    .. math::

        \sum_i J_{ji} = \tau'_j, \qquad \sum_j J_{ji} = \tau_i, \qquad
        \sum_i J_{ji}\, \mu_i = \tau'_j\, \nu_j .

    Examples
    --------
    >>> full = ([0.3, 0.7], [[1, 0], [0, 1]])
    >>> none = ([1.0], [[0.3, 0.7]])
    >>> mps_dominates(full, none), mps_dominates(none, full)
    (True, False)
    """
    t, tp = _pair(tau, tau_prime)
    atol = as_real(atol, "atol", low=0)
    K, L = t.weights.size, tp.weights.size
    # J flattened row by row: index j * K + i.
    rows_sum = sp.kron(sp.identity(L), np.ones((1, K)))  # sum_i J[j, i]
    cols_sum = sp.kron(np.ones((1, L)), sp.identity(K))  # sum_j J[j, i]
    means = sp.kron(sp.identity(L), sp.csr_matrix(t.posteriors.T))  # sum_i J[j, i] mu_i[w]
    A = sp.vstack([rows_sum, cols_sum, means], format="csr")
    b = np.concatenate([tp.weights, t.weights, (tp.weights[:, None] * tp.posteriors).ravel()])
    violation, _ = least_violation(A, b, what="mean-preserving spread")
    return violation <= atol


def _integrated_cdf(points, weights, x):
    """:math:`\\int_0^x F(t)\\,dt = \\mathbb E[(x - p)^+]` at each ``x``."""
    return np.maximum(x[:, None] - points[None, :], 0.0) @ weights


def convex_order_dominates(tau: Splitting | tuple[ArrayLike, ArrayLike],
                           tau_prime: Splitting | tuple[ArrayLike, ArrayLike], *, atol: float = ORDER_ATOL) -> bool:
    r"""Binary state: ``tau`` ⪰ ``tau_prime`` in the convex order.

    A posterior is summarised by :math:`p = \mu(\omega_1)`. ``tau`` dominates iff
    the means agree and :math:`\mathbb E_\tau[(x-p)^+] \ge \mathbb E_{\tau'}[(x-p)^+]`
    for all :math:`x`; both sides are piecewise linear with kinks at the support
    points, so checking there (and at 0 and 1) is exact.

    >>> convex_order_dominates(([0.5, 0.5], [[1, 0], [0, 1]]), ([1.0], [[0.5, 0.5]]))
    True
    """
    t, tp = _pair(tau, tau_prime)
    atol = as_real(atol, "atol", low=0)
    if t.posteriors.shape[1] != 2:
        raise ValueError(
            f"convex_order_dominates needs a binary state (posteriors with 2 columns); got {t.posteriors.shape[1]}"
        )
    p, q = t.posteriors[:, 1], tp.posteriors[:, 1]
    if abs(t.weights @ p - tp.weights @ q) > atol:
        return False
    x = np.unique(np.concatenate([p, q, [0.0, 1.0]]))
    gap = _integrated_cdf(p, t.weights, x) - _integrated_cdf(q, tp.weights, x)
    return bool(gap.min() >= -atol)


def experiment_from_splitting(prior: ArrayLike, tau: Splitting | tuple[ArrayLike, ArrayLike]) -> np.ndarray:
    r"""The experiment ``P[w, s] = tau_s mu_s(w) / prior(w)`` that induces ``tau`` from ``prior``.

    ``prior`` must have full support and be the mean of ``tau``.

    >>> experiment_from_splitting([0.7, 0.3], ([0.4, 0.6], [[1, 0], [0.5, 0.5]])).round(4)
    array([[0.5714, 0.4286],
           [0.    , 1.    ]])
    """
    prior = as_distribution(prior, "prior")
    t = as_splitting(tau, "tau", n_states=prior.size)
    if (prior <= 0).any():
        raise ValueError(f"prior must have full support to define an experiment; got {prior.tolist()}")
    mean = t.weights @ t.posteriors
    if np.abs(mean - prior).max() > 1e-7:
        raise ValueError(f"tau must average to the prior {prior.tolist()}; its posteriors average to {mean.tolist()}")
    P = (t.weights[None, :] * t.posteriors.T) / prior[:, None]
    return P / P.sum(axis=1, keepdims=True)
