r"""The Sender's problem: the optimal signal and the concave closure.

By the revelation principle an optimal signal can recommend actions. Writing
:math:`p(\omega, a) = \mu_0(\omega)\pi(a\mid\omega)` for the joint probability
of state :math:`\omega` and recommendation :math:`a`, the Sender solves the
linear program

.. math::

    \max_{p \ge 0}\ & \sum_{\omega, a} p(\omega, a)\, v(a, \omega) \\
    \text{s.t.}\ & \sum_a p(\omega, a) = \mu_0(\omega) \quad \forall \omega
        \qquad\text{(consistency)} \\
    & \sum_\omega p(\omega, a)\,[u(a, \omega) - u(a', \omega)] \ge 0
        \quad \forall a \ne a' \qquad\text{(obedience)}

with :math:`|\Omega||A|` variables, :math:`|\Omega|` equalities and
:math:`|A|(|A|-1)` obedience constraints :cite:p:`dughmi2016algorithmic`. The LP is built
by small tested functions (:func:`consistency_matrix`,
:func:`obedience_matrix`, :func:`objective_vector`) on the variable
``x = p.ravel()``, i.e. ``x[w * n_actions + a] = p(w, a)``.

:cite:t:`kamenica2011bayesian` show that the optimal value equals the concave
closure :math:`V(\mu_0) = \sup\{\sum_i\lambda_i\hat v(\mu_i) : \sum_i\lambda_i\mu_i =
\mu_0\}`. :func:`concave_closure` computes :math:`V` by a different, exact
route: the vertices of the regions where each action is optimal.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from ._validation import as_beliefs, as_bool, as_int, as_real
from .algorithmic import MAX_LP_NONZEROS, check_lp_size
from .beliefs import reduce_support, scheme_from_splitting
from .game import PersuasionGame
from .lp import LPError, solve_lp

__all__ = [
    "SignalSolution",
    "optimal_signal",
    "consistency_matrix",
    "obedience_matrix",
    "objective_vector",
    "action_region_vertices",
    "concave_closure",
    "convex_closure",
    "MAX_SYSTEMS",
]

#: Joint probabilities below this count as zero when reading a solution.
WEIGHT_TOL = 1e-9

#: Default limit on the linear systems :func:`action_region_vertices` solves
#: (one per choice of ``n_states - 1`` tight inequalities per action); the count
#: grows exponentially and is estimated before any work is done.
MAX_SYSTEMS = 1_000_000


def _check_game(game) -> PersuasionGame:
    if not isinstance(game, PersuasionGame):
        raise TypeError(f"game must be a PersuasionGame; got {type(game).__name__}")
    return game


def _unit(x: np.ndarray) -> tuple[np.ndarray, callable]:
    """``(z, back)``: ``z`` is ``x`` mapped affinely onto [0, 1] (all 0 if ``x`` is constant) and ``back``
    maps a value on that scale back to ``x``'s (a convex combination of entries of ``z`` to the same
    combination of entries of ``x``).

    No overflow for entries up to the largest float: ``x`` is first divided by ``max |x|``.
    """
    scale = float(np.abs(x).max()) if x.size else 0.0
    if scale == 0:
        return np.zeros_like(x, dtype=float), lambda z: 0.0
    y = x / scale
    low = float(y.min())
    spread = float(y.max()) - low
    if spread == 0:
        return np.zeros_like(y), lambda z: low * scale
    return (y - low) / spread, lambda z: (low + spread * z) * scale


@dataclass(frozen=True)
class SignalSolution:
    """An optimal signal.

    Attributes
    ----------
    value : float
        The Sender's expected utility, :math:`V(\\mu_0)`.
    scheme : ndarray, shape (n_states, n_signals)
        ``scheme[w, s] = P(signal s | state w)``; rows sum to 1.
    posteriors : ndarray, shape (n_signals, n_states)
        The posterior induced by each signal.
    weights : ndarray, shape (n_signals,)
        The probability of each signal; ``weights @ posteriors == prior``.
    actions : ndarray of int, shape (n_signals,)
        The action each signal recommends (and the Receiver takes).
    status : str
        The solver's status (``"optimal"`` or ``"optimal_inaccurate"``).
    solver : str

    Examples
    --------
    >>> from persuasion.game import prosecutor_game
    >>> sol = optimal_signal(prosecutor_game())
    >>> sol.n_signals, sol.actions.tolist(), sol.status
    (2, [0, 1], 'optimal')
    >>> bool(np.allclose(sol.weights @ sol.posteriors, [0.7, 0.3]))  # Bayes-plausible
    True
    """

    value: float
    scheme: np.ndarray
    posteriors: np.ndarray
    weights: np.ndarray
    actions: np.ndarray
    status: str
    solver: str

    @property
    def n_signals(self) -> int:
        return self.weights.size


# -- LP builders ---------------------------------------------------------------
def consistency_matrix(game: PersuasionGame) -> sp.csr_matrix:
    """Rows ``w``: sum over actions of ``p(w, a)``; shape ``(n_states, n_states * n_actions)``.

    >>> from persuasion.game import prosecutor_game
    >>> consistency_matrix(prosecutor_game()).toarray()
    array([[1., 1., 0., 0.],
           [0., 0., 1., 1.]])
    """
    game = _check_game(game)
    return sp.kron(sp.eye(game.n_states), np.ones((1, game.n_actions)), format="csr")


def obedience_matrix(game: PersuasionGame) -> sp.csr_matrix:
    """Obedience as ``G @ x <= 0``; one row per pair ``(a, a')`` with ``a != a'``.

    Row ``(a, a')`` holds ``u(a', w) - u(a, w)`` in the columns of ``p(w, a)``:
    the gain from disobeying recommendation ``a`` by playing ``a'``. Shape
    ``(n_actions * (n_actions - 1), n_states * n_actions)``.

    >>> from persuasion.game import prosecutor_game
    >>> obedience_matrix(prosecutor_game()).toarray()
    array([[-1.,  0.,  1.,  0.],
           [ 0.,  1.,  0., -1.]])
    """
    u = _check_game(game).receiver_utility
    n_a, n_s = u.shape
    pairs = [(a, b) for a in range(n_a) for b in range(n_a) if b != a]
    if not pairs:
        return sp.csr_matrix((0, n_s * n_a))
    rec = np.array([a for a, _ in pairs])
    dev = np.array([b for _, b in pairs])
    rows = np.repeat(np.arange(len(pairs)), n_s)
    states = np.tile(np.arange(n_s), len(pairs))
    cols = states * n_a + np.repeat(rec, n_s)
    vals = (u[dev] - u[rec]).ravel()
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(pairs), n_s * n_a))


def objective_vector(game: PersuasionGame) -> np.ndarray:
    """``c`` with ``c @ x`` the Sender's expected utility: ``c[w * n_actions + a] = v(a, w)``.

    >>> from persuasion.game import prosecutor_game
    >>> objective_vector(prosecutor_game())
    array([0., 1., 0., 1.])
    """
    return _check_game(game).sender_utility.T.ravel().copy()


def _check_status(status: str, solver: str) -> None:
    if status == "optimal":  # cvxpy.OPTIMAL
        return
    if status == "optimal_inaccurate":  # cvxpy.OPTIMAL_INACCURATE
        warnings.warn(f"solver {solver} returned an inaccurate optimum", RuntimeWarning, stacklevel=3)
        return
    raise LPError("optimal-signal LP", status, solver=solver)


def optimal_signal(
    game: PersuasionGame, *, solver: str = "HIGHS", minimal: bool = True, max_nonzeros: int = MAX_LP_NONZEROS
) -> SignalSolution:
    """Solve the Sender's problem by the obedience LP.

    Parameters
    ----------
    game : PersuasionGame
    solver : str
        A cvxpy solver name; ``"HIGHS"`` (default, run with its interior-point
        method and crossover) or ``"CLARABEL"``.
    minimal : bool
        Reduce the solution to at most ``min(n_actions, n_states)`` signals
        (Carathéodory; see :func:`persuasion.beliefs.reduce_support`).
    max_nonzeros : int
        Refuse, before building anything, an LP whose constraint matrix has more
        non-zeros than this (``n_states * n_actions**2``; default
        :data:`persuasion.algorithmic.MAX_LP_NONZEROS`, 2e7). Raise it on a
        machine with the memory for a larger LP.

    Notes
    -----
    The LP is solved on the utilities mapped affinely onto [0, 1] (``u`` and
    ``v`` each by its own minimum and spread), which changes neither the
    obedience constraints nor the optimal signal, and the value is mapped
    back: the answer does not depend on the unit of the utilities, from
    ``1e-300`` to ``1e300``, where the solver's absolute tolerances would.

    Returns
    -------
    SignalSolution

    Examples
    --------
    The prosecutor's optimal signal (prior on guilt 0.3): the judge convicts
    with probability 0.6.

    >>> from persuasion.game import prosecutor_game
    >>> sol = optimal_signal(prosecutor_game())
    >>> round(sol.value, 6)
    0.6
    >>> sol.posteriors.round(6)
    array([[1. , 0. ],
           [0.5, 0.5]])
    """
    game = _check_game(game)
    if not isinstance(solver, str):
        raise TypeError(f"solver must be a cvxpy solver name (str); got {type(solver).__name__}: {solver!r}")
    minimal = as_bool(minimal, "minimal")
    check_lp_size(game.n_states, game.n_actions, max_nonzeros=max_nonzeros)
    # cvxpy takes about a second to import: load it on first use, not with the package.
    import cvxpy as cp

    if solver not in cp.installed_solvers():
        raise ValueError(f"solver must be one of the installed cvxpy solvers {cp.installed_solvers()}; got {solver!r}")
    # Solve on unit-scale utilities (same optimum, see Notes); ``unit`` has the same prior.
    u_unit = _unit(game.receiver_utility)[0]
    v_unit = _unit(game.sender_utility)[0]
    unit = PersuasionGame(game.prior, u_unit, v_unit)
    n_s, n_a = game.n_states, game.n_actions
    x = cp.Variable(n_s * n_a, nonneg=True, name="joint")
    constraints = [consistency_matrix(unit) @ x == game.prior]
    G = obedience_matrix(unit)
    if G.shape[0]:
        constraints.append(G @ x <= 0)
    problem = cp.Problem(cp.Maximize(objective_vector(unit) @ x), constraints)
    options = {}
    if solver == "HIGHS":
        # Obedience rows are dense (one entry per state); HiGHS's interior-point
        # method with crossover (which returns a vertex) is far faster on them
        # than its default simplex (benchmarks/results.md).
        options["highs_options"] = {"solver": "ipm"}
    problem.solve(solver=solver, **options)
    _check_status(problem.status, solver)

    joint = np.clip(x.value.reshape(n_s, n_a), 0.0, None)
    weights = joint.sum(axis=0)
    used = np.flatnonzero(weights > WEIGHT_TOL)
    posteriors = (joint[:, used] / weights[used]).T
    values = np.einsum("kw,kw->k", game.sender_utility[used], posteriors)
    weights = weights[used] / weights[used].sum()
    actions = used
    if minimal:
        keep, weights = reduce_support(weights, posteriors, values)
        posteriors, actions, values = posteriors[keep], actions[keep], values[keep]
    scheme = scheme_from_splitting(game.prior, weights, posteriors, atol=1e-6)
    return SignalSolution(
        value=float(weights @ values),
        scheme=scheme,
        posteriors=posteriors,
        weights=weights,
        actions=actions,
        status=problem.status,
        solver=solver,
    )


# -- concave closure by vertex enumeration ---------------------------------------------
def _n_systems(n_actions: int, n_states: int) -> int:
    """Linear systems :func:`action_region_vertices` solves: C(n_actions - 1 + n_states, n_states - 1) per action."""
    return n_actions * math.comb(n_actions - 1 + n_states, n_states - 1)


def action_region_vertices(game: PersuasionGame, *, atol: float = 1e-9, max_systems: int = MAX_SYSTEMS):
    """Vertices of the belief regions where each action is optimal for the Receiver.

    The region of action ``a`` is the polytope
    ``{mu in simplex : (u[a'] - u[a]) @ mu <= 0 for all a'}``. Its vertices are
    found by brute force: every choice of ``n_states - 1`` tight inequalities
    together with ``sum(mu) == 1``. Exponential in general; meant for the small
    games of the book and as an independent check of the LP.

    The number of linear systems,
    ``n_actions * comb(n_actions - 1 + n_states, n_states - 1)``, is computed
    first; beyond ``max_systems`` (default :data:`MAX_SYSTEMS`, one million,
    about a second) a ``ValueError`` says so before any work is done (a 20-action,
    8-state game needs 17.8 million). Raise ``max_systems`` to allow more; the
    systems are solved in batches, so memory stays bounded.

    The regions do not change when ``u`` is scaled or shifted; the vertices are
    found on ``u`` mapped onto [0, 1], so ``atol`` is relative to the spread
    of ``u``.

    Parameters
    ----------
    game : PersuasionGame
    atol : float
        Tolerance of the tight inequalities, relative to the spread of ``u``.
    max_systems : int
        Most linear systems to solve before refusing (a ``ValueError``).

    Returns
    -------
    vertices : ndarray, shape (k, n_states)
        The vertices, one row each.
    actions : ndarray of int, shape (k,)
        The action whose region each vertex belongs to (a belief on a boundary
        appears once per region).
    full_dim : ndarray of bool, shape (k,)
        Whether that region has a non-empty interior in the simplex.

    Examples
    --------
    The judge acquits on beliefs (on guilt) in [0, 1/2] and convicts on [1/2, 1];
    the vertices of each region are its two ends:

    >>> from persuasion.game import prosecutor_game
    >>> vertices, actions, full_dim = action_region_vertices(prosecutor_game())
    >>> vertices[:, 1].tolist(), actions.tolist(), full_dim.tolist()
    ([0.5, 0.0, 1.0, 0.5], [0, 0, 1, 1], [True, True, True, True])
    """
    game = _check_game(game)
    atol = as_real(atol, "atol", low=0)
    max_systems = as_int(max_systems, "max_systems", low=1)
    u = _unit(game.receiver_utility)[0]  # same regions as the game's u
    n_a, n_s = u.shape
    needed = _n_systems(n_a, n_s)
    if needed > max_systems:
        raise ValueError(
            f"game is too large for vertex enumeration: {n_a} actions and {n_s} states need {needed} linear "
            f"systems, more than max_systems={max_systems}; pass a larger max_systems to allow it"
        )
    eye = np.eye(n_s)
    rhs = np.zeros(n_s)
    rhs[-1] = 1.0
    batch = max(1, 2_000_000 // (n_s * n_s))  # about 16 MB of matrices at a time
    all_v, all_a, all_full = [], [], []
    for a in range(n_a):
        ineq = np.vstack([np.delete(u, a, axis=0) - u[a], -eye])  # ineq @ mu <= 0
        combos_iter = itertools.combinations(range(ineq.shape[0]), n_s - 1)
        found = []
        while True:
            chunk = list(itertools.islice(combos_iter, batch))
            if not chunk:
                break
            combos = np.array(chunk, dtype=int).reshape(len(chunk), n_s - 1)  # one state: a single empty choice
            mats = np.concatenate([ineq[combos], np.ones((len(combos), 1, n_s))], axis=1)
            ok = np.abs(np.linalg.det(mats)) > 1e-12
            if ok.any():
                sols = np.linalg.solve(mats[ok], np.broadcast_to(rhs, (int(ok.sum()), n_s))[..., None])[..., 0]
                found.append(sols[(sols @ ineq.T <= atol).all(axis=1)])
            if len(combos) < batch:
                break
        verts = np.clip(np.vstack(found), 0.0, None) if found else np.zeros((0, n_s))
        if verts.size == 0:
            continue
        verts = verts / verts.sum(axis=1, keepdims=True)
        verts = np.unique(verts.round(12), axis=0)
        # Full-dimensional region: its vertices span the (n_states - 1)-dim simplex.
        rank = np.linalg.matrix_rank(verts - verts[0], tol=1e-9) if len(verts) > 1 else 0
        all_v.append(verts)
        all_a.append(np.full(len(verts), a))
        all_full.append(np.full(len(verts), rank == n_s - 1))
    return np.vstack(all_v), np.concatenate(all_a), np.concatenate(all_full)


def _closure(game: PersuasionGame, belief, sense: str, max_systems) -> np.ndarray | float:
    game = _check_game(game)
    mu = as_beliefs(belief, "belief", game.n_states)
    verts, acts, full = action_region_vertices(game, max_systems=max_systems)
    if sense == "min":  # the lower envelope only sees regions with an interior
        verts, acts = verts[full], acts[full]
    # v on [0, 1]: the LP's tolerances then fit any unit.
    v_unit, back = _unit(game.sender_utility)
    values = np.einsum("kw,kw->k", v_unit[acts], verts)
    sign = -1.0 if sense == "max" else 1.0
    out = np.empty(mu.shape[:-1])
    for idx in np.ndindex(out.shape):
        try:
            res = solve_lp(sign * values, A_eq=verts.T, b_eq=mu[idx], what="closure LP")
        except LPError as err:
            raise LPError(f"closure LP at belief {mu[idx].tolist()}", err.status, err.detail) from None
        out[idx] = back(min(max(sign * res.fun, 0.0), 1.0))
    return float(out) if out.ndim == 0 else out


def concave_closure(game: PersuasionGame, belief: ArrayLike, *, max_systems: int = MAX_SYSTEMS) -> float | np.ndarray:
    r"""The concave closure :math:`V(\mu) = \sup\{\sum_i\lambda_i\hat v(\mu_i) : \sum_i\lambda_i\mu_i=\mu\}`.

    Exact for any finite number of states: :math:`\hat v` is linear on each
    action's region, so the supremum is attained on region vertices and is the
    value of a small LP over weights on those vertices.

    Parameters
    ----------
    game : PersuasionGame
    belief : array_like, shape (n_states,) or (..., n_states)
    max_systems : int
        Refuse games whose vertex enumeration needs more linear systems (see
        :func:`action_region_vertices`).

    Examples
    --------
    >>> from persuasion.game import prosecutor_game
    >>> game = prosecutor_game()
    >>> [round(concave_closure(game, [1 - p, p]), 6) for p in (0.0, 0.3, 0.5, 0.8)]
    [0.0, 0.6, 1.0, 1.0]
    """
    return _closure(game, belief, "max", max_systems)


def convex_closure(game: PersuasionGame, belief: ArrayLike, *, max_systems: int = MAX_SYSTEMS) -> float | np.ndarray:
    r"""The convex closure :math:`\inf\{\sum_i\lambda_i\hat v(\mu_i) : \sum_i\lambda_i\mu_i=\mu\}`.

    This is what the essay's definition of :math:`V` (with ``inf``) computes.
    It never exceeds :math:`\hat v(\mu)` (take the trivial split), so under it
    the condition :math:`V(\mu_0) > \hat v(\mu_0)` can never hold.

    >>> from persuasion.game import prosecutor_game
    >>> game = prosecutor_game()
    >>> [round(convex_closure(game, [1 - p, p]), 6) for p in (0.3, 0.5, 0.8)]
    [0.0, 0.0, 0.6]
    """
    return _closure(game, belief, "min", max_systems)
