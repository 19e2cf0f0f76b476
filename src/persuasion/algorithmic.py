r"""What exact persuasion costs (essay §4.1): problem sizes, a size guard and the i.i.d. LP.

The *independent-actions* model of :cite:t:`dughmi2016algorithmic`: the
Receiver has :math:`n` actions, each with a type drawn independently from the
same :math:`m` possibilities; the state is the vector of all types, so there
are :math:`m^n` states, and the explicit linear program of
:func:`~persuasion.bayesian_persuasion.optimal_signal` has :math:`n\,m^n`
variables. Because the types are i.i.d., an optimal scheme can be taken
symmetric, and :func:`iid_optimal_signal` solves the Sender's problem over
its *interim rule* :math:`x(t) = \Pr[\text{action } i \text{ recommended} \mid
\theta_i = t]` instead: :math:`m` variables, whatever :math:`n`, feasible by
Border's condition (Dughmi and Xu's polynomial-time algorithm for i.i.d.
actions).

:func:`check_lp_size` estimates the explicit LP's non-zeros before anything is
allocated and refuses instances beyond a documented limit.

>>> g = independent_actions_game([0.0, 1.0], [1.0, 0.5], [0.5, 0.5], 3)
>>> g.n_states, g.n_actions
(8, 3)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_distribution, as_finite_array, as_int
from .game import PersuasionGame
from .lp import solve_lp

__all__ = [
    "IIDSignal",
    "check_lp_size",
    "iid_optimal_signal",
    "independent_actions_game",
    "lp_size",
    "MAX_STATES",
    "MAX_LP_NONZEROS",
]

#: Largest number of states :func:`independent_actions_game` builds unless its ``max_states`` says more.
MAX_STATES = 2_000_000
#: Largest number of non-zeros :func:`check_lp_size` accepts unless its ``max_nonzeros`` says more
#: (the explicit LP with 1000 states and 300 actions has about 9e7 and exhausts memory while it is built).
MAX_LP_NONZEROS = 20_000_000
#: How far a Border row may be violated before :func:`iid_optimal_signal` adds it.
BORDER_TOL = 1e-10


def lp_size(n_states: int, n_actions: int) -> tuple[int, int, int]:
    """(variables, consistency rows, obedience rows) of the optimal-signal LP.

    Parameters
    ----------
    n_states, n_actions : int
        Positive integers.

    Returns
    -------
    tuple of int
        ``n_states * n_actions`` variables, ``n_states`` consistency rows and
        ``n_actions * (n_actions - 1)`` obedience rows.

    Examples
    --------
    >>> lp_size(200, 20)
    (4000, 200, 380)
    """
    n_s = as_int(n_states, "n_states", low=1)
    n_a = as_int(n_actions, "n_actions", low=1)
    return n_s * n_a, n_s, n_a * (n_a - 1)


def check_lp_size(n_states: int, n_actions: int, *, max_nonzeros: int = MAX_LP_NONZEROS) -> int:
    """Non-zeros of the explicit optimal-signal LP; a ``ValueError`` if above ``max_nonzeros``.

    Each of the ``n_actions * (n_actions - 1)`` obedience rows holds one entry
    per state, and each of the ``n_states`` consistency rows one per action,
    so the constraint matrix has ``n_states * n_actions**2`` non-zeros. The
    count is computed from the sizes alone, before anything is allocated.

    Parameters
    ----------
    n_states, n_actions : int
        Positive integers.
    max_nonzeros : int
        The limit (default :data:`MAX_LP_NONZEROS`, 2e7); raise it to accept
        larger instances on a machine with the memory for them.

    Returns
    -------
    int
        The number of non-zeros.

    Examples
    --------
    >>> check_lp_size(200, 20)
    80000
    >>> check_lp_size(1000, 300)
    Traceback (most recent call last):
    ...
    ValueError: the optimal-signal LP with n_states = 1000 and n_actions = 300 has 90000000 non-zeros, ...
    """
    n_s = as_int(n_states, "n_states", low=1)
    n_a = as_int(n_actions, "n_actions", low=1)
    limit = as_int(max_nonzeros, "max_nonzeros", low=1)
    nonzeros = n_s * n_a * (n_a - 1) + n_s * n_a
    if nonzeros > limit:
        raise ValueError(
            f"the optimal-signal LP with n_states = {n_s} and n_actions = {n_a} has {nonzeros} non-zeros, "
            f"above max_nonzeros = {limit}; pass a larger max_nonzeros to try anyway"
        )
    return nonzeros


def _types(receiver_values, sender_values, type_prior):
    rho = as_finite_array(receiver_values, "receiver_values", ndim=1, booleans=False)
    xi = as_finite_array(sender_values, "sender_values", ndim=1, booleans=False)
    q = as_distribution(type_prior, "type_prior")
    if not (rho.size == xi.size == q.size):
        raise ValueError(
            "receiver_values, sender_values and type_prior must have one entry per type; "
            f"got lengths {rho.size}, {xi.size} and {q.size}"
        )
    return rho, xi, q


def independent_actions_game(
    receiver_values: ArrayLike,
    sender_values: ArrayLike,
    type_prior: ArrayLike,
    n_actions: int,
    *,
    max_states: int = MAX_STATES,
) -> PersuasionGame:
    """The Receiver picks one of ``n_actions`` actions whose types are i.i.d. draws from ``type_prior``.

    Parameters
    ----------
    receiver_values, sender_values : array_like, shape (m,)
        Utility of taking an action of each type, for the Receiver and the Sender.
    type_prior : array_like, shape (m,)
        Probability of each type; sums to 1.
    n_actions : int
        n; the game has m**n states.
    max_states : int
        Refuse (``ValueError``, before allocating) games with more states than
        this; default :data:`MAX_STATES` (2e6).

    Returns
    -------
    PersuasionGame
        States listed in ``itertools.product`` order (action 0's type varies slowest).

    Examples
    --------
    Two actions, each good (worth 1) with probability 0.3 or bad (worth 0):
    four states, the Receiver takes the first action when it is good.

    >>> game = independent_actions_game([0, 1], [1, 1], [0.7, 0.3], n_actions=2)
    >>> game.n_states, game.n_actions
    (4, 2)
    >>> game.prior.round(2)
    array([0.49, 0.21, 0.21, 0.09])
    """
    rho, xi, q = _types(receiver_values, sender_values, type_prior)
    n = as_int(n_actions, "n_actions", low=1)
    limit = as_int(max_states, "max_states", low=1)
    m = q.size
    if m**n > limit:
        raise ValueError(f"n_actions = {n} with {m} types gives {m}**{n} = {m**n} states, above max_states = {limit}")
    types = np.array(list(itertools.product(range(m), repeat=n)), dtype=int)  # (m**n, n)
    prior = np.prod(q[types], axis=1)
    u = rho[types].T  # (n, m**n): action a in state theta is worth rho[theta_a]
    v = xi[types].T
    return PersuasionGame(prior / prior.sum(), u, v)


@dataclass(frozen=True)
class IIDSignal:
    """The symmetric optimum of the i.i.d. independent-actions problem (:func:`iid_optimal_signal`).

    Attributes
    ----------
    value : float
        The Sender's optimal expected utility.
    interim : numpy.ndarray, shape (m,)
        ``interim[t]``: probability that a given action is recommended when
        its own type is ``t``.
    n_actions : int
    variables : int
        Variables of the LP solved (``m``, whatever ``n_actions``).
    border_rows : int
        Border rows in the last LP solved (at most ``2**m - 1``).
    rounds : int
        LPs solved (1 with ``method="subsets"``).

    Examples
    --------
    >>> sol = iid_optimal_signal([0, 1], [1, 1], [0.5, 0.5], 3)
    >>> round(sol.value, 9), sol.variables
    (1.0, 2)
    """

    value: float
    interim: np.ndarray
    n_actions: int
    variables: int
    border_rows: int
    rounds: int


def _border_rhs(q: np.ndarray, members: np.ndarray, n: int) -> float:
    """1 - (1 - q(T))**n, accurate when q(T) is small."""
    mass = float(q[members].sum())
    return 1.0 if mass >= 1.0 else float(-np.expm1(n * np.log1p(-mass)))


def iid_optimal_signal(
    receiver_values: ArrayLike,
    sender_values: ArrayLike,
    type_prior: ArrayLike,
    n_actions: int,
    *,
    method: str = "separation",
) -> IIDSignal:
    r"""Optimal signal for i.i.d. independent actions by the symmetric LP of Dughmi and Xu.

    Each of the Receiver's ``n`` actions has a type drawn i.i.d. from
    ``type_prior`` (the model of :func:`independent_actions_game`). Averaging a
    scheme over the permutations of the actions keeps it obedient and worth
    the same, so an optimal scheme is symmetric and is described by its
    interim rule :math:`x(t)`, the probability that an action of type
    :math:`t` is recommended. With :math:`q` the type prior, the LP is

    .. math::

        \max_x\; & n \sum_t q_t x_t \xi_t \\
        \text{s.t.}\; & n \sum_t q_t x_t = 1,\quad n \sum_t q_t x_t \rho_t \ge \sum_t q_t \rho_t, \\
        & n \sum_{t \in T} q_t x_t \le 1 - (1 - q(T))^n \;\; (T \subseteq \text{types}),\quad x \ge 0.

    The first row says one action is always recommended; the second is
    obedience (by symmetry every other action is worth
    :math:`(\mathbb E\rho - \sum_t q_t x_t \rho_t)/(n - 1)` given the
    recommendation, so the :math:`n(n-1)` obedience rows of the explicit LP
    collapse to one); the last are Border's conditions for :math:`x` to be the
    interim rule of some symmetric scheme :cite:p:`dughmi2016algorithmic`.

    Parameters
    ----------
    receiver_values, sender_values : array_like, shape (m,)
        Utility of an action of each type, for the Receiver and the Sender.
    type_prior : array_like, shape (m,)
        Probability of each type; sums to 1.
    n_actions : int
        n >= 1.
    method : {"separation", "subsets"}
        ``"separation"`` (default) adds Border rows as they are violated: the
        most violated set is among the upper level sets of :math:`x`, found by
        sorting, so each round costs :math:`O(m \log m)` besides the LP.
        ``"subsets"`` writes all :math:`2^m - 1` rows at once.

    Returns
    -------
    IIDSignal

    Examples
    --------
    Actions are good for the Receiver (worth 1) with probability 0.4; the
    Sender gains 1 from a bad action, 0.3 from a good one. With three
    actions the explicit LP has 24 variables; this LP has 2, and the values
    agree:

    >>> from persuasion import optimal_signal
    >>> sol = iid_optimal_signal([0, 1], [1, 0.3], [0.6, 0.4], 3)
    >>> sol.variables, round(sol.value, 6)
    (2, 0.72)
    >>> round(
    ...     optimal_signal(independent_actions_game([0, 1], [1, 0.3], [0.6, 0.4], 3)).value,
    ...     6,
    ... )
    0.72
    """
    rho, xi, q = _types(receiver_values, sender_values, type_prior)
    n = as_int(n_actions, "n_actions", low=1)
    if method not in ("separation", "subsets"):
        raise ValueError(f"method must be 'separation' or 'subsets'; got {method!r}")
    m = q.size
    objective = n * q * xi
    A_eq, b_eq = (n * q)[None, :], [1.0]
    obedience = (-n * q * rho)[None, :]
    obedience_rhs = -float(q @ rho)
    if method == "subsets":
        sets = [np.array(T) for k in range(1, m + 1) for T in itertools.combinations(range(m), k)]
    else:
        sets = [np.arange(m)]
    rounds = 0
    while True:
        rounds += 1
        rows = np.zeros((len(sets), m))
        for r, T in enumerate(sets):
            rows[r, T] = n * q[T]
        rhs = [_border_rhs(q, T, n) for T in sets]
        res = solve_lp(
            objective,
            A_ub=np.vstack([obedience, rows]),
            b_ub=[obedience_rhs, *rhs],
            A_eq=A_eq,
            b_eq=b_eq,
            maximize=True,
            what="iid_optimal_signal",
        )
        x = np.clip(res.x, 0.0, None)
        if method == "subsets":
            break
        order = np.argsort(-x, kind="stable")
        known = {tuple(sorted(T.tolist())) for T in sets}
        new = []
        for k in range(1, m + 1):
            T = np.sort(order[:k])
            if tuple(T.tolist()) not in known and n * q[T] @ x[T] > _border_rhs(q, T, n) + BORDER_TOL:
                new.append(T)
        if not new:
            break
        sets.extend(new)
    return IIDSignal(value=float(res.fun), interim=x, n_actions=n, variables=m, border_rows=len(sets), rounds=rounds)
