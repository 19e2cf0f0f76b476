r"""Partial commitment in the uniform–quadratic example: between cheap talk and persuasion.

The game is the weak-institution game of :cite:t:`lipnowski2022persuasion`
and of :cite:t:`min2021bayesian`, in the Crawford–Sobel example of
:mod:`persuasion.cheaptalk`. The state :math:`\theta` is uniform on
:math:`[0, 1]`; the Receiver plays her posterior mean; the Sender's
utility is :math:`-(y - \theta - b)^2`.

1. The Sender publicly announces an *official* report
   :math:`\pi : [0, 1] \to \Delta(M)`.
2. With probability :math:`\rho` the commitment binds and the message is
   drawn from :math:`\pi(\theta)`; with probability :math:`1 - \rho` the
   Sender, who knows :math:`\theta` and that she is unconstrained, sends
   any message she likes. The Receiver sees the message only, not which
   case occurred.
3. The Receiver plays :math:`y(m) = \mathbb E[\theta \mid m]`.

:math:`\rho = 0` is cheap talk, :math:`\rho = 1` Bayesian persuasion.
Lipnowski, Ravid and Shishkin allow the probability that the commitment binds
to depend on the state, :math:`\chi(\theta)`; here it is the constant
:math:`\rho`, as in Min.

**What is computed (a restriction, disclosed).** The official report is a
monotone partition of :math:`[0, 1]` into at most ``n_messages`` intervals
:math:`[a_{i-1}, a_i)`, message :math:`i` naming interval :math:`i`. Given
the Receiver's actions :math:`y_1 \le \dots \le y_N`, an unconstrained
Sender of type :math:`\theta` sends the message whose action is nearest
:math:`\theta + b`, so unconstrained types also split into intervals, with
thresholds :math:`t_i = (y_i + y_{i+1})/2 - b` clipped to :math:`[0, 1]`.
Consistency asks

.. math::

    y_i \bigl(\rho\,|O_i| + (1-\rho)\,|I_i|\bigr)
    = \rho \int_{O_i} \theta\, d\theta + (1-\rho) \int_{I_i} \theta\, d\theta,

with :math:`O_i` the official and :math:`I_i` the unconstrained cell of
message :math:`i` (a message with no mass in either may take any
action in :math:`[0, 1]`, an off-path belief). All integrals are closed
form. :func:`best_partial_commitment` maximises the Sender's ex-ante
utility over :math:`(a, y)` subject to consistency (SLSQP from several
starts), so it returns the Sender's preferred equilibrium **within this
class**, a lower bound on her value in the unrestricted game. At
:math:`\rho = 0` the official report is irrelevant and the class holds
every Crawford–Sobel equilibrium with at most :math:`N` intervals; at
:math:`\rho = 1` it is commitment to at most :math:`N` messages, whose best
is :math:`N` equal intervals, :math:`-1/(12N^2) - b^2` for the Sender
(full revelation, :math:`-b^2`, is the limit :math:`N \to \infty`).

>>> eq = best_partial_commitment(0.1, 1.0, 2)
>>> eq.official.round(6), round(eq.sender, 6)
(array([0. , 0.5, 1. ]), -0.030833)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize

from ._validation import as_finite_array, as_int, as_real

__all__ = [
    "PartialCommitmentEquilibrium",
    "partial_commitment_profile",
    "best_partial_commitment",
]

#: Largest number of messages :func:`best_partial_commitment` accepts (the optimiser has 2N - 1 variables).
MAX_MESSAGES = 40


@dataclass(frozen=True)
class PartialCommitmentEquilibrium:
    """An equilibrium of the partial-commitment game in the interval class.

    ``official`` and ``unconstrained`` are the boundaries :math:`a` and :math:`t`
    (length N + 1, from 0 to 1), ``actions`` the Receiver's :math:`y`;
    ``receiver`` and ``sender`` the ex-ante expected utilities; ``residual``
    the largest violation of consistency.

    >>> eq = partial_commitment_profile(0.1, 0.0, [0, 0.3, 1], [0.15, 0.65])
    >>> eq.unconstrained.round(6), round(eq.residual, 12)
    (array([0. , 0.3, 1. ]), 0.0)
    """

    b: float
    rho: float
    official: np.ndarray
    unconstrained: np.ndarray
    actions: np.ndarray
    receiver: float
    sender: float
    residual: float


def _interval_loss(lo, hi, y, shift):
    """:math:`\\int_{lo}^{hi} (y - \\theta - shift)^2 d\\theta` in closed form (vectorised)."""
    return ((hi + shift - y) ** 3 - (lo + shift - y) ** 3) / 3


def _profile(b, rho, a, y):
    t = np.concatenate([[0.0], np.clip((y[:-1] + y[1:]) / 2 - b, 0.0, 1.0), [1.0]])
    t = np.maximum.accumulate(t)
    lo_o, hi_o, lo_i, hi_i = a[:-1], a[1:], t[:-1], t[1:]
    mass = rho * (hi_o - lo_o) + (1 - rho) * (hi_i - lo_i)
    moment = rho * (hi_o**2 - lo_o**2) / 2 + (1 - rho) * (hi_i**2 - lo_i**2) / 2
    residual = y * mass - moment

    def utility(shift):
        return -float(
            np.sum(rho * _interval_loss(lo_o, hi_o, y, shift) + (1 - rho) * _interval_loss(lo_i, hi_i, y, shift))
        )

    return t, residual, utility(0.0), utility(b)


def _check(b, rho):
    b = as_real(b, "b (the Sender's bias)", low=0.0, low_open=True)
    rho = as_real(rho, "rho (the probability that commitment binds)", low=0.0, high=1.0)
    return b, rho


def partial_commitment_profile(b: float, rho: float, official: ArrayLike,
                               actions: ArrayLike) -> PartialCommitmentEquilibrium:
    """Unconstrained thresholds, consistency residual and payoffs of a profile ``(official, actions)``.

    ``official``: boundaries :math:`0 = a_0 \\le \\dots \\le a_N = 1`; ``actions``:
    :math:`y_1 \\le \\dots \\le y_N` in :math:`[0, 1]`. The profile is an equilibrium
    when ``residual`` is zero. Cheap talk (:math:`\\rho = 0`) with the Crawford–Sobel
    partition for :math:`b = 0.1` is one:

    >>> eq = partial_commitment_profile(0.1, 0.0, [0, 0.3, 1], [0.15, 0.65])
    >>> round(eq.receiver, 6), round(eq.sender, 6)
    (-0.030833, -0.040833)
    """
    b, rho = _check(b, rho)
    a = as_finite_array(official, "official", ndim=1, booleans=False)
    y = as_finite_array(actions, "actions", ndim=1, booleans=False)
    if a.size != y.size + 1 or y.size < 1:
        raise ValueError(f"official must have one entry more than actions (N + 1 and N); got {a.size} and {y.size}")
    if a[0] != 0 or a[-1] != 1 or np.any(np.diff(a) < 0):
        raise ValueError(f"official must increase weakly from 0 to 1; got {a.tolist()}")
    if np.any(np.diff(y) < 0) or y.min() < 0 or y.max() > 1:
        raise ValueError(f"actions must increase weakly within [0, 1]; got {y.tolist()}")
    t, residual, receiver, sender = _profile(b, rho, a, y)
    return PartialCommitmentEquilibrium(b, rho, a, t, y, receiver, sender, float(np.abs(residual).max()))


def _starts(b, n, rng):
    equal = np.linspace(0, 1, n + 1)
    yield equal[1:-1], (equal[:-1] + equal[1:]) / 2
    j = np.arange(n + 1)
    cs = j / n + 2 * b * j * (j - n)  # the Crawford-Sobel partition with n intervals, where it exists
    if np.all(np.diff(cs) > 0):
        yield cs[1:-1], (cs[:-1] + cs[1:]) / 2
    a = np.sort(rng.uniform(0, 1, n - 1))
    full = np.concatenate([[0], a, [1]])
    yield a, (full[:-1] + full[1:]) / 2


def _best_with(b, rho, n, warm, tol):
    """The best equilibrium found with exactly ``n`` messages, or ``None``."""

    def split(x):
        return np.concatenate([[0.0], x[: n - 1], [1.0]]), x[n - 1 :]

    def objective(x):
        return -_profile(b, rho, *split(x))[3]

    def consistency(x):
        return _profile(b, rho, *split(x))[1]

    def ordered(x):
        a, y = split(x)
        return np.concatenate([np.diff(a), np.diff(y)])

    constraints = [{"type": "eq", "fun": consistency}, {"type": "ineq", "fun": ordered}]
    starts = list(_starts(b, n, np.random.default_rng(20220101 + n)))
    if warm is not None and warm.actions.size == n:
        starts.insert(0, (warm.official[1:-1], warm.actions))
    best = None
    for a0, y0 in starts:
        res = minimize(
            objective,
            np.concatenate([a0, y0]),
            method="SLSQP",
            constraints=constraints,
            bounds=[(0.0, 1.0)] * (2 * n - 1),
            options={"ftol": tol, "maxiter": 200},
        )
        a, y = split(np.clip(res.x, 0.0, 1.0))
        eq = partial_commitment_profile(b, rho, np.maximum.accumulate(a), np.maximum.accumulate(y))
        # n distinct actions, each used: otherwise the tie-breaking in the thresholds is not an equilibrium
        used = eq.rho * np.diff(eq.official) + (1 - eq.rho) * np.diff(eq.unconstrained)
        if (
            eq.residual < 1e-8
            and np.all(np.diff(eq.actions) > 1e-6)
            and np.all(used > 1e-9)
            and (best is None or eq.sender > best.sender)
        ):
            best = eq
    return best


def best_partial_commitment(b: float, rho: float, n_messages: int, *, warm: PartialCommitmentEquilibrium | None = None,
                            tol: float = 1e-10) -> PartialCommitmentEquilibrium:
    r"""The Sender's preferred equilibrium with official reports in the class of interval partitions.

    For each number of messages :math:`k = 1, \dots, N` in turn (distinct
    actions, each message used), SLSQP over official boundaries and actions
    with the consistency equations as constraints, from equal intervals, the
    :math:`k`-interval Crawford–Sobel partition where it exists, one seeded
    random partition and ``warm`` (an earlier equilibrium, e.g. at a nearby
    ``rho``, used for its own :math:`k`); the best candidate whose residual
    is below ``1e-8`` wins. With full commitment the answer is :math:`N`
    equal intervals:

    >>> eq = best_partial_commitment(0.05, 1.0, 3)
    >>> eq.official.round(6), round(eq.sender + 0.05**2, 6), round(-1 / 108, 6)
    (array([0.      , 0.333333, 0.666667, 1.      ]), -0.009259, -0.009259)
    """
    b, rho = _check(b, rho)
    n = as_int(n_messages, "n_messages", low=1, high=MAX_MESSAGES)
    tol = as_real(tol, "tol", low=0.0, low_open=True)
    if warm is not None and not isinstance(warm, PartialCommitmentEquilibrium):
        raise TypeError(f"warm must be None or a PartialCommitmentEquilibrium; got {type(warm).__name__}")
    best = partial_commitment_profile(b, rho, [0.0, 1.0], [0.5])  # babbling is always an equilibrium
    for k in range(2, n + 1):
        eq = _best_with(b, rho, k, warm, tol)
        if eq is not None and eq.sender > best.sender:
            best = eq
    return best
