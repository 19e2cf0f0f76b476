r"""Competition among several misaligned agents (the essay's §3.2).

The model of :cite:t:`collina2025emergent`, made finite. A principal, Alice,
takes an action :math:`a` after seeing messages from :math:`m` agents. Agent
:math:`i` commits to an experiment (its *conversation rule*, one message)
from a finite menu; messages are independent given the state; Alice
best-responds to her posterior, or follows a quantal response
:math:`\Pr[a \mid s] \propto \exp(\lambda\, \mathbb E[u_A(a, \omega) \mid s])`
:cite:p:`mckelvey1995quantal`. Agent :math:`i` gets
:math:`\mathbb E[u_i(a, \omega)]`.

**Weighted alignment** (Collina et al.'s form, with a constant and a slack):
:math:`\sup_{a, \omega} |\sum_i w_i u_i(a, \omega) + c - u_A(a, \omega)| \le \varepsilon`
for some :math:`w` in the simplex. :func:`weighted_alignment` finds the
smallest :math:`\varepsilon` by LP.

The argument behind the essay's Theorems 4–6, which the chapter checks: if
every agent can reveal the state, then at any equilibrium no agent gains by
revealing it, so :math:`\mathbb E[u_i(\text{eq})] \ge \mathbb E[u_i(\text{full})]`
for all :math:`i`; weighting by :math:`w` gives Alice at least her
full-information payoff minus :math:`2\varepsilon`.

>>> A = np.array([[1.0, 0.0], [0.0, 1.0]])         # Alice wants to match the state
>>> wa = weighted_alignment(A, [A + [[0.2], [0.0]], A - [[0.2], [0.0]]])
>>> wa.weights.round(3), round(wa.epsilon, 9)
(array([0.5, 0.5]), 0.0)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import softmax

from ._validation import (
    as_bool,
    as_distribution,
    as_finite_array,
    as_int,
    as_real,
    as_rng,
    as_stochastic_matrix,
    check_size,
)
from .lp import solve_lp

__all__ = [
    "WeightedAlignment",
    "weighted_alignment",
    "CompetitionGame",
    "PayoffTable",
    "pure_equilibria",
    "best_response_dynamics",
    "quantal_response",
    "aligned_agents",
    "random_experiment_menu",
    "block_experiment",
    "opposed_biases",
]


@dataclass(frozen=True)
class WeightedAlignment:
    """``weights`` (on the simplex), ``constant`` and the smallest ``epsilon``.

    >>> A = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> weighted_alignment(A, [A + [[0.2], [0.0]], A - [[0.2], [0.0]]]).weights.round(6)
    array([0.5, 0.5])
    """

    weights: np.ndarray
    constant: float
    epsilon: float


def _agent_utilities(agent_utilities, shape, name="agent_utilities") -> np.ndarray:
    U = as_finite_array(agent_utilities, name, ndim=3)
    if U.shape[1:] != shape:
        raise ValueError(f"{name} must have shape (n_agents, {shape[0]}, {shape[1]}); got {U.shape}")
    return U


def weighted_alignment(principal_utility: ArrayLike, agent_utilities: ArrayLike) -> WeightedAlignment:
    r"""Smallest :math:`\varepsilon` with :math:`|\sum_i w_i u_i + c - u_A| \le \varepsilon` entrywise.

    Parameters
    ----------
    principal_utility : array_like, shape (n_actions, n_states)
    agent_utilities : array_like, shape (n_agents, n_actions, n_states)

    Notes
    -----
    Variables :math:`(w, c, \varepsilon)`; minimise :math:`\varepsilon` subject to
    :math:`\pm(\sum_i w_i u_i + c - u_A) \le \varepsilon`, :math:`w \ge 0`,
    :math:`\sum_i w_i = 1`.

    Examples
    --------
    One agent likes everything 0.3 more than Alice: the constant absorbs it.
    Two agents who disagree on one action by ±0.2 average out exactly:

    >>> A = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> wa = weighted_alignment(A, [A + 0.3])
    >>> round(wa.constant, 6), round(wa.epsilon, 6)
    (-0.3, 0.0)
    >>> # half of 0.2 cannot be absorbed
    >>> round(weighted_alignment(A, [A + [[0.2], [0.0]]]).epsilon, 6)
    0.1
    """
    uA = as_finite_array(principal_utility, "principal_utility", ndim=2)
    U = _agent_utilities(agent_utilities, uA.shape)
    m = U.shape[0]
    M = U.reshape(m, -1).T  # (entries, m)
    ones = np.ones((M.shape[0], 1))
    A_ub = np.vstack([np.hstack([M, ones, -ones]), np.hstack([-M, -ones, -ones])])
    b_ub = np.concatenate([uA.ravel(), -uA.ravel()])
    c = np.zeros(m + 2)
    c[-1] = 1.0
    res = solve_lp(
        c, A_ub=A_ub, b_ub=b_ub, A_eq=np.append(np.ones(m), [0.0, 0.0])[None], b_eq=[1.0],
        bounds=[(0, None)] * m + [(None, None), (0, None)], what="weighted_alignment",
    )
    w = np.clip(res.x[:m], 0.0, None)
    return WeightedAlignment(weights=w / w.sum(), constant=float(res.x[m]), epsilon=float(res.x[m + 1]))


def aligned_agents(principal_utility: ArrayLike, weights: ArrayLike, epsilon: float,
                   rng: np.random.Generator | int | None, *, constant: float = 0.0) -> np.ndarray:
    """Random agent utilities whose ``weights``-average is within ``epsilon`` of ``principal_utility``.

    Each agent's utility is ``principal_utility`` plus a large random bias;
    the biases average (with ``weights``) to a perturbation of size at most
    ``epsilon`` and the constant ``-constant``.

    >>> A = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> agents = aligned_agents(A, [0.5, 0.5], 0.1, rng=0)
    >>> agents.shape, weighted_alignment(A, agents).epsilon <= 0.1
    ((2, 2, 2), True)
    """
    uA = as_finite_array(principal_utility, "principal_utility", ndim=2)
    w = as_distribution(weights, "weights")
    epsilon = as_real(epsilon, "epsilon")
    constant = as_real(constant, "constant")
    if epsilon < 0:
        raise ValueError(f"epsilon must be non-negative; got {epsilon}")
    if (w <= 0).any():
        raise ValueError(f"weights must be positive to build aligned agents; got {w}")
    rng = as_rng(rng)
    m = w.size
    bias = rng.normal(scale=2.0, size=(m,) + uA.shape)
    bias -= np.tensordot(w, bias, axes=1)[None]  # weighted mean zero
    perturb = rng.uniform(-epsilon, epsilon, size=uA.shape)
    return uA[None] + bias + perturb[None] - constant


def quantal_response(expected_utilities: ArrayLike, lam: float) -> np.ndarray:
    """Action probabilities :math:`\\propto \\exp(\\lambda \\cdot` expected utility) along the last axis.

    ``lam = np.inf`` is the best response (uniform over exact ties).

    >>> quantal_response([1.0, 0.0], 0.0)
    array([0.5, 0.5])
    >>> quantal_response([1.0, 0.0], np.inf)
    array([1., 0.])
    """
    eu = as_finite_array(expected_utilities, "expected_utilities")
    return _quantal_response(eu, as_real(lam, "lam (the quantal-response precision)", low=0, finite=False))


def _quantal_response(eu: np.ndarray, lam: float) -> np.ndarray:
    """:func:`quantal_response` of checked arguments (the payoff table calls it once per profile)."""
    if np.isinf(lam):
        best = eu >= eu.max(axis=-1, keepdims=True) - 1e-12
        return best / best.sum(axis=-1, keepdims=True)
    return softmax(lam * eu, axis=-1)


@dataclass(frozen=True)
class PayoffTable:
    r"""Expected payoffs of every profile: ``alice[profile]`` and ``agents[profile + (i,)]``.

    ``first_best`` is Alice's payoff with full information under the same
    response rule: :math:`\mathbb E[u_A(a^\dagger(\omega), \omega)]` for the
    best response, her quantal-response payoff at full information otherwise.

    Examples
    --------
    In :func:`opposed_biases` (Alice matches one of two states; agent 0 likes
    action 0 by 0.2 more than she does, agent 1 by 0.2 less; each can reveal
    nothing or everything):

    >>> game = opposed_biases()
    >>> table = game.table()
    >>> table.alice  # rows: agent 0 silent or revealing; columns: agent 1
    array([[0.5, 1. ],
           [1. , 1. ]])
    >>> table.agents[0, 0].round(6), table.first_best
    (array([0.6, 0.4]), 1.0)
    """

    alice: np.ndarray
    agents: np.ndarray
    first_best: float


class CompetitionGame:
    """Alice and ``m`` agents, each committing to an experiment from its menu.

    Parameters
    ----------
    prior : array_like, shape (n_states,)
    principal_utility : array_like, shape (n_actions, n_states)
        Alice's :math:`u_A(a, \\omega)`.
    agent_utilities : array_like, shape (n_agents, n_actions, n_states)
    menus : sequence of sequences of experiments
        ``menus[i][j]`` is row-stochastic with ``n_states`` rows.

    Examples
    --------
    Alice wants to match one of two equally likely states; agent 0 likes
    action 0 by 0.2 more than she does, agent 1 likes it 0.2 less; each agent
    can reveal nothing or everything:

    >>> A = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> menu = [np.ones((2, 1)), np.eye(2)]
    >>> game = CompetitionGame(
    ...     [0.5, 0.5], A, [A + [[0.2], [0.0]], A - [[0.2], [0.0]]], [menu, menu]
    ... )
    >>> game
    CompetitionGame(n_states=2, n_actions=2, n_agents=2, menu_sizes=(2, 2))
    >>> # agent 0 reveals the state
    >>> alice, agents = game.payoffs_of([np.eye(2), np.ones((2, 1))])
    >>> alice, agents.round(6)
    (1.0, array([1.1, 0.9]))
    """

    def __init__(self, prior: ArrayLike, principal_utility: ArrayLike, agent_utilities: ArrayLike,
                 menus: Sequence[Sequence[ArrayLike]]) -> None:
        self.prior = as_distribution(prior, "prior")
        self.principal_utility = as_finite_array(principal_utility, "principal_utility", ndim=2)
        if self.principal_utility.shape[1] != self.prior.size:
            raise ValueError(
                f"principal_utility must have shape (n_actions, {self.prior.size}); got {self.principal_utility.shape}"
            )
        self.agent_utilities = _agent_utilities(agent_utilities, self.principal_utility.shape)
        m = self.agent_utilities.shape[0]
        if len(menus) != m:
            raise ValueError(f"menus must hold one menu per agent ({m}); got {len(menus)}")
        self.menus = []
        for i, menu in enumerate(menus):
            if len(menu) == 0:
                raise ValueError(f"menus[{i}] must hold at least one experiment")
            self.menus.append(
                [as_stochastic_matrix(P, f"menus[{i}][{j}]", n_rows=self.prior.size) for j, P in enumerate(menu)]
            )

    @property
    def n_agents(self) -> int:
        return self.agent_utilities.shape[0]

    @property
    def menu_sizes(self) -> tuple[int, ...]:
        return tuple(len(m) for m in self.menus)

    def __repr__(self) -> str:
        return (
            f"CompetitionGame(n_states={self.prior.size}, n_actions={self.principal_utility.shape[0]}, "
            f"n_agents={self.n_agents}, menu_sizes={self.menu_sizes})"
        )

    @property
    def first_best(self) -> float:
        """Alice's payoff from :math:`a^\\dagger(\\omega)`, her best action in each state."""
        return float(self.prior @ self.principal_utility.max(axis=0))

    def joint_experiment(self, experiments: Iterable[np.ndarray]) -> np.ndarray:
        """Independent messages: ``P(s_1, ..., s_m | w) = prod_i P_i(s_i | w)``, shape (n_states, prod k_i)."""
        joint = np.ones((self.prior.size, 1))
        for P in experiments:
            joint = (joint[:, :, None] * P[:, None, :]).reshape(self.prior.size, -1)
        return joint

    def payoffs_of(self, experiments: Iterable[np.ndarray], lam: float = np.inf) -> tuple[float, np.ndarray]:
        """(Alice's payoff, agents' payoffs) when Alice sees all ``experiments`` and responds with ``lam``."""
        return self._payoffs_of(experiments, as_real(lam, "lam (the quantal-response precision)", low=0,
                                                     finite=False))

    def _payoffs_of(self, experiments, lam: float) -> tuple[float, np.ndarray]:
        joint = self.prior[:, None] * self.joint_experiment(experiments)  # (n, S): P(w, s)
        mass = joint.sum(axis=0)
        keep = mass > 0
        joint = joint[:, keep]
        eu = (self.principal_utility @ joint).T / mass[keep, None]  # (S, n_actions): E[u_A(a) | s]
        policy = _quantal_response(eu, lam)  # (S, n_actions)
        # P(w, a) = sum_s P(w, s) policy(a | s)
        pwa = joint @ policy  # (n, n_actions)
        alice = float((pwa.T * self.principal_utility).sum())
        agents = np.einsum("wa,iaw->i", pwa, self.agent_utilities)
        return alice, agents

    def table(self, lam: float = np.inf, *, selection: bool = False) -> PayoffTable:
        """Payoffs of every profile.

        With ``selection=True`` Alice follows only the agent whose experiment,
        alone, gives her the highest expected payoff (ties: lowest index),
        as in best-AI selection.
        """
        selection = as_bool(selection, "selection")
        lam = as_real(lam, "lam (the quantal-response precision)", low=0, finite=False)  # before any work
        sizes = self.menu_sizes
        check_size("the payoff table (profiles * (n_agents + 1))", int(np.prod(sizes)) * (self.n_agents + 1))
        alice = np.empty(sizes)
        agents = np.empty(sizes + (self.n_agents,))
        if selection:
            single = [[self._payoffs_of([P], lam) for P in menu] for menu in self.menus]
        for prof in itertools.product(*(range(s) for s in sizes)):
            if selection:
                values = [single[i][j][0] for i, j in enumerate(prof)]
                chosen = int(np.argmax(np.round(values, 12)))
                alice[prof], agents[prof] = single[chosen][prof[chosen]]
            else:
                alice[prof], agents[prof] = self._payoffs_of([self.menus[i][j] for i, j in enumerate(prof)], lam)
        fb = self.first_best if np.isinf(lam) else self._payoffs_of([np.eye(self.prior.size)], lam)[0]
        return PayoffTable(alice=alice, agents=agents, first_best=float(fb))


def pure_equilibria(table: PayoffTable, *, atol: float = 1e-9) -> np.ndarray:
    """Profiles at which no agent gains more than ``atol`` by changing its experiment.

    In :func:`opposed_biases` (Alice matches one of two states; agent 0 likes
    action 0 by 0.2 more than she does, agent 1 by 0.2 less; each can reveal
    nothing or everything):

    >>> game = opposed_biases()
    >>> pure_equilibria(game.table()).tolist()  # someone reveals: Alice gets her first best
    [[0, 1], [1, 0], [1, 1]]
    """
    atol = as_real(atol, "atol", low=0)
    stable = np.ones(table.alice.shape, dtype=bool)
    for i in range(table.agents.shape[-1]):
        own = table.agents[..., i]
        stable &= own >= own.max(axis=i, keepdims=True) - atol
    return np.argwhere(stable)


def best_response_dynamics(table: PayoffTable, start: Sequence[int], *, max_rounds: int = 100,
                           atol: float = 1e-9) -> tuple[tuple[int, ...], bool, int]:
    """Agents take turns switching to a best response; returns (profile, converged, n_rounds).

    A round lets each agent in turn move to its best reply (keeping its
    current choice when that is already a best reply). Converged means a full
    round without a move: a pure equilibrium.

    In :func:`opposed_biases` (Alice matches one of two states; agent 0 likes
    action 0 by 0.2 more than she does, agent 1 by 0.2 less; each can reveal
    nothing or everything):

    >>> game = opposed_biases()
    >>> best_response_dynamics(game.table(), (0, 0))  # agent 0 reveals; then nobody moves
    ((1, 0), True, 2)
    """
    max_rounds = as_int(max_rounds, "max_rounds", low=1)
    atol = as_real(atol, "atol", low=0)
    if len(start) != table.agents.shape[-1]:
        raise ValueError(f"start must name one experiment per agent ({table.agents.shape[-1]}); got {len(start)}")
    prof = [as_int(j, f"start[{i}]", low=0, high=table.alice.shape[i] - 1) for i, j in enumerate(start)]
    for rounds in range(1, max_rounds + 1):
        moved = False
        for i in range(len(prof)):
            idx = list(prof)
            idx[i] = slice(None)
            own = table.agents[tuple(idx) + (i,)]
            if own[prof[i]] < own.max() - atol:
                prof[i] = int(np.argmax(own))
                moved = True
        if not moved:
            return tuple(prof), True, rounds
    return tuple(prof), False, max_rounds


def random_experiment_menu(n_states: int, size: int, rng: np.random.Generator | int | None, *, n_signals: int = 2,
                           full: bool = True) -> list:
    """No information, optionally full revelation, and random experiments with ``n_signals`` messages.

    >>> menu = random_experiment_menu(3, 4, rng=0)
    >>> [experiment.shape for experiment in menu]
    [(3, 1), (3, 3), (3, 2), (3, 2)]
    """
    n_states = as_int(n_states, "n_states", low=1)
    size = as_int(size, "size", low=1)
    n_signals = as_int(n_signals, "n_signals", low=1)
    full = as_bool(full, "full")
    check_size("the menu (size * n_states * max(n_states, n_signals))", size * n_states * max(n_states, n_signals))
    rng = as_rng(rng)
    menu = [np.ones((n_states, 1))]
    if full:
        menu.append(np.eye(n_states))
    while len(menu) < size:
        menu.append(rng.dirichlet(np.full(n_signals, 0.5), size=n_states))
    return menu[:size]


def block_experiment(experiments: Iterable[ArrayLike]) -> np.ndarray:
    """One experiment per task, combined on the states (task, state): block diagonal.

    The message names the task, so posteriors never mix tasks. With the
    states of all tasks stacked, a distribution over tasks is just a prior
    over the stacked states.

    >>> block_experiment([np.eye(2), np.ones((2, 1))])
    array([[1., 0., 0.],
           [0., 1., 0.],
           [0., 0., 1.],
           [0., 0., 1.]])
    """
    blocks = [as_stochastic_matrix(P, f"experiments[{t}]") for t, P in enumerate(experiments)]
    if not blocks:
        raise ValueError("experiments must hold at least one task's experiment")
    rows = sum(b.shape[0] for b in blocks)
    cols = sum(b.shape[1] for b in blocks)
    out = np.zeros((rows, cols))
    r = c = 0
    for b in blocks:
        out[r : r + b.shape[0], c : c + b.shape[1]] = b
        r += b.shape[0]
        c += b.shape[1]
    return out


def opposed_biases(bias: float = 0.2) -> CompetitionGame:
    """Alice matches one of two equally likely states; agent 0 likes action 0 by ``bias`` more than she does,
    agent 1 by ``bias`` less; each agent may reveal nothing or everything.

    The smallest game with opposed agents; the examples of this module use it.

    >>> game = opposed_biases()
    >>> game
    CompetitionGame(n_states=2, n_actions=2, n_agents=2, menu_sizes=(2, 2))
    >>> game.table().alice  # someone reveals: Alice gets her first best, 1
    array([[0.5, 1. ],
           [1. , 1. ]])
    """
    bias = as_real(bias, "bias")
    A = np.eye(2)
    menu = [np.ones((2, 1)), np.eye(2)]
    return CompetitionGame([0.5, 0.5], A, [A + [[bias], [0.0]], A - [[bias], [0.0]]], [menu, menu])
