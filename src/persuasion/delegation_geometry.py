r"""The geometry of delegation (chapter 3): where the principal and an agent type agree, what payoffs are reachable.

Second routes and diagnostics for :mod:`persuasion.delegation`:

* :func:`robust_value_binary` computes the essay's :math:`U^*` for two states
  by another method than :func:`~persuasion.delegation.robust_delegation`
  (posteriors only at the types' indifference points), a cross-check;
* :func:`aligned_belief` finds a belief at which an agent action is best for
  both the principal and a given type, and :func:`split_through` splits the
  prior so that this belief occurs;
* :func:`payoff_set` traces the convex set of (principal, agent) payoff pairs
  reachable by delegating to one type.

>>> from persuasion.delegation import safe_action_problem
>>> round(robust_value_binary(safe_action_problem()), 6)
0.75
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_distribution
from .beliefs import Splitting
from .delegation import DelegationProblem
from .lp import solve_lp

__all__ = ["robust_value_binary", "aligned_belief", "split_through", "payoff_set"]


def robust_value_binary(problem: DelegationProblem) -> float:
    """The essay's :math:`U^*` for two states by a different route: posteriors only at breakpoints.

    With a belief :math:`p = \\mu(\\omega_1)` every type's best response is
    constant between consecutive indifference points, and there each type's
    contribution is linear in :math:`(\\text{mass}, \\text{mass}\\cdot p)`, so an
    optimum puts posteriors only at interval endpoints, each with the best
    responses of the interval on either side. This function finds the
    indifference points directly and solves the max–min over those candidate
    posteriors (Bayes plausibility and the epigraph of the minimum only).

    >>> from persuasion.delegation import safe_action_problem
    >>> round(robust_value_binary(safe_action_problem()), 6)  # as robust_delegation
    0.75
    """
    if problem.n_states != 2:
        raise ValueError(f"robust_value_binary needs exactly 2 states; got {problem.n_states}")
    U, w = problem.agent_utilities, problem.delegated_utility
    points = {0.0, 1.0}
    for k in range(problem.n_types):
        for b, bp in itertools.combinations(range(problem.n_agent_actions), 2):
            d0, d1 = U[k, b, 0] - U[k, bp, 0], U[k, b, 1] - U[k, bp, 1]
            if d0 != d1:
                p = d0 / (d0 - d1)  # (1-p) d0 + p d1 = 0
                if 0.0 < p < 1.0:
                    points.add(float(p))
    pts = np.array(sorted(points))
    mids = (pts[:-1] + pts[1:]) / 2
    candidates = []  # (p, actions per type)
    for i, p in enumerate(pts):
        for m in (mids[i - 1] if i > 0 else None, mids[i] if i < len(mids) else None):
            if m is None:
                continue
            acts = problem.best_responses(np.array([1 - m, m]))
            candidates.append((p, acts))
    # variables: mass per candidate, then t. maximise t.
    C = len(candidates)
    vals = np.array([[(1 - p) * w[a[k], 0] + p * w[a[k], 1] for k in range(problem.n_types)] for p, a in candidates])
    A_ub = np.hstack([-vals.T, np.ones((problem.n_types, 1))])
    A_eq = np.vstack([np.append(np.ones(C), 0.0), np.append([p for p, _ in candidates], 0.0)])
    b_eq = [1.0, problem.prior[1]]
    c = np.zeros(C + 1)
    c[-1] = 1.0
    res = solve_lp(
        c, A_ub=A_ub, b_ub=np.zeros(problem.n_types), A_eq=A_eq, b_eq=b_eq,
        bounds=[(0, None)] * C + [(None, None)], maximize=True, what="robust_value_binary",
    )
    return float(res.fun)


def split_through(prior: ArrayLike, belief: ArrayLike, *, share: float = 1.0) -> Splitting:
    """A two-posterior splitting of ``prior`` with ``belief`` as one posterior, as likely as possible.

    Possible iff ``belief`` puts no mass where ``prior`` puts none. ``share`` in
    (0, 1] scales the largest feasible weight down (to keep the other posterior
    interior).

    >>> split_through([0.5, 0.5], [0.25, 0.75]).weights
    array([0.66666667, 0.33333333])
    """
    prior = as_distribution(prior, "prior")
    mu = as_distribution(belief, "belief")
    if mu.size != prior.size:
        raise ValueError(f"belief must have length {prior.size} (the number of states); got {mu.size}")
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1]; got {share}")
    outside = (mu > 0) & (prior <= 0)
    if outside.any():
        raise ValueError(f"belief puts mass on state {int(np.argmax(outside))}, which the prior rules out")
    pos = mu > 0
    lam = share * float(np.min(prior[pos] / mu[pos]))
    if lam >= 1 - 1e-12:
        return Splitting(weights=np.array([1.0]), posteriors=mu[None, :])
    other = (prior - lam * mu) / (1 - lam)
    return Splitting(weights=np.array([lam, 1 - lam]), posteriors=np.vstack([mu, np.clip(other, 0, None)]))


def aligned_belief(problem: DelegationProblem, k: int, b: int) -> tuple[float, np.ndarray]:
    """A belief at which ``b`` beats every other agent action, for the principal and for type ``k``.

    Maximises the smallest margin by which ``b`` wins for both (an LP over
    beliefs supported where the prior is). Returns ``(margin, belief)``; the
    margin is positive iff such a belief exists with strict preferences.

    The aligned type and the principal both want to guess "left" when sure of
    it; the contrary type never agrees with her on that guess:

    >>> from persuasion.delegation import safe_action_problem
    >>> problem = safe_action_problem()
    >>> margin, belief = aligned_belief(problem, 0, 0)
    >>> round(margin, 6), belief.round(6).tolist()
    (0.25, [1.0, 0.0])
    >>> aligned_belief(problem, 1, 0)[0] < 0
    True
    """
    if not 0 <= k < problem.n_types:
        raise ValueError(f"k must index an agent type, in [0, {problem.n_types}); got {k}")
    if not 0 <= b < problem.n_agent_actions:
        raise ValueError(f"b must index an agent action, in [0, {problem.n_agent_actions}); got {b}")
    n = problem.n_states
    rows = []
    for U in (problem.delegated_utility, problem.agent_utilities[k]):
        for bp in range(problem.n_agent_actions):
            if bp != b:
                rows.append(np.append(U[bp] - U[b], 1.0))  # (U[bp] - U[b]) . mu + m <= 0
    A_ub = np.array(rows)
    scale = max(1.0, float(np.abs(A_ub[:, :n]).max()))
    bounds = [(0, None) if q > 0 else (0, 0) for q in problem.prior] + [(None, scale)]
    res = solve_lp(
        np.append(np.zeros(n), 1.0), A_ub=A_ub, b_ub=np.zeros(len(rows)),
        A_eq=np.append(np.ones(n), 0.0)[None], b_eq=[1.0], bounds=bounds, maximize=True, what="aligned_belief",
    )
    return float(res.x[-1]), np.clip(res.x[:n], 0.0, None)


def payoff_set(problem: DelegationProblem, k: int, n_directions: int = 64):
    r"""The (principal, agent) payoff pairs achievable by delegating to type ``k``, as a support function.

    For each direction :math:`d` on the unit circle, solves the persuasion
    problem whose Receiver is type ``k`` and whose Sender values
    :math:`d_0 w + d_1 u_k`. The set is convex (payoffs are linear in the
    distribution of posteriors); ``support[j]`` is :math:`\max d_j \cdot (U_P, U_A)`
    and ``points[j]`` a pair attaining it.

    Returns
    -------
    directions : ndarray, shape (n_directions, 2)
    support : ndarray, shape (n_directions,)
    points : ndarray, shape (n_directions, 2)

    Examples
    --------
    Against the contrary type of :func:`safe_action_problem` the principal gets
    at most 0.75 (both take the safe action) and at least 0 (full revelation):

    >>> from persuasion.delegation import safe_action_problem
    >>> directions, support, points = payoff_set(safe_action_problem(), 1, n_directions=4)
    >>> directions.round(6).tolist()
    [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [-0.0, -1.0]]
    >>> support.round(6).tolist()
    [0.75, 1.0, 0.0, -0.75]
    """
    from .bayesian_persuasion import optimal_signal
    from .game import PersuasionGame

    if not 0 <= k < problem.n_types:
        raise ValueError(f"k must index an agent type, in [0, {problem.n_types}); got {k}")
    if n_directions < 3:
        raise ValueError(f"n_directions must be at least 3; got {n_directions}")
    angles = np.linspace(0, 2 * np.pi, n_directions, endpoint=False)
    directions = np.column_stack([np.cos(angles), np.sin(angles)])
    u = problem.agent_utilities[k]
    support, points = np.empty(n_directions), np.empty((n_directions, 2))
    for j, d in enumerate(directions):
        sol = optimal_signal(PersuasionGame(problem.prior, u, d[0] * problem.delegated_utility + d[1] * u))
        joint = sol.weights[:, None] * sol.posteriors  # (n_signals, n_states)
        acts = np.asarray(sol.actions)
        points[j] = [(joint * problem.delegated_utility[acts]).sum(), (joint * u[acts]).sum()]
        support[j] = sol.value
    return directions, support, points
