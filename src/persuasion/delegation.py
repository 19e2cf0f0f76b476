r"""Delegation to one agent of unknown alignment (the essay's §3.1 model, as stated).

A principal either acts herself, uninformed, choosing :math:`a \in A`, or
delegates to an agent who sees a signal :math:`s` of the state (an
information structure the principal commits to) and chooses :math:`b \in B`.
The agent's utility is one of finitely many :math:`u_A^{(k)}`, unknown to the
principal, who evaluates a delegation by its worst case over types:

.. math::

    \begin{aligned}
    U^* &= \max_{\tau \text{ Bayes-plausible}} \min_k \mathbb E_{\mu \sim \tau}
          \Big[\sum_\omega \mu(\omega)\, w\big(b_k^*(\mu), \omega\big)\Big],\\
    G^* &= \max(U_{\text{blind}}, U^*),
    \end{aligned}

where :math:`w(b, \omega)` is the principal's payoff when the agent takes
:math:`b`. :math:`U^*` is the essay's definition (delegation only);
:math:`G^*`, the *act-or-delegate guarantee*, adds the option of acting
blind. The type is fixed before the signal, so the minimum is outside the
expectation. :func:`robust_delegation` solves this exactly as one linear
program: posteriors inducing the same *profile* of best responses (one action
per type) can be merged without changing any type's payoff, so there is one
unnormalised posterior :math:`x_r \ge 0` per non-empty profile region
:math:`r`, with :math:`\sum_r x_r = \mu_0`, obedience for every type, and an
epigraph variable for the minimum.

**Tie-breaking.** By default every type, adversarial ones included, breaks
its ties in the principal's favour (``ties="principal"``), so :math:`U^*` is
a supremum. Under adversarial tie-breaking (``ties="adversarial"``: each
type, when indifferent, takes the action worst for the principal) the
optimal :math:`\tau` may lose value, because optimal posteriors often sit on
indifference boundaries. ``robust_delegation(problem, margin=delta)``
demands that every type prefer its action by at least ``delta`` (in expected
utility per unit of posterior mass), so its value is attained under *any*
tie-breaking; it increases to :math:`U^*` as ``delta`` falls to 0 when the
profile regions used have interior.

>>> prob = safe_action_problem()
>>> (
...     round(prob.U_full, 6),
...     round(robust_delegation(prob).value, 6),
...     round(prob.U_blind, 6),
... )
(0.0, 0.75, 0.5)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from ._validation import as_distribution, as_finite_array, as_real
from .beliefs import Splitting
from .game import TIE_RTOL
from .lp import LPError, solve_lp

__all__ = [
    "DelegationProblem",
    "DelegationSolution",
    "robust_delegation",
    "weighted_delegation",
    "profile_regions",
    "random_delegation_problem",
    "safe_action_problem",
]


@dataclass(frozen=True, eq=False)
class DelegationProblem:
    """The essay's delegation model.

    Parameters
    ----------
    prior : array_like, shape (n_states,)
    principal_utility : array_like, shape (n_A, n_states)
        :math:`u_P(a, \\omega)` when the principal acts herself.
    agent_utilities : array_like, shape (n_types, n_B, n_states)
        The possible agent utilities :math:`\\mathcal U_A`.
    delegated_utility : array_like, shape (n_B, n_states), optional
        The principal's payoff :math:`w(b, \\omega)` when the agent takes ``b``;
        default ``principal_utility`` (then ``A = B``).

    Examples
    --------
    Two equally likely states; the principal guesses (1 if right), an agent
    that is either aligned or contrary guesses too:

    >>> guess = [[1, 0], [0, 1]]
    >>> problem = DelegationProblem([0.5, 0.5], guess, [guess, [[0, 1], [1, 0]]])
    >>> problem
    DelegationProblem(n_states=2, n_A=2, n_B=2, n_types=2)
    >>> problem.U_blind, problem.U_max, problem.U_full
    (0.5, 1.0, 0.0)
    """

    prior: np.ndarray
    principal_utility: np.ndarray
    agent_utilities: np.ndarray
    delegated_utility: np.ndarray | None = None  # None: the principal's own utility; an array after construction

    def __post_init__(self):
        prior = as_distribution(self.prior, "prior")
        uP = as_finite_array(self.principal_utility, "principal_utility", ndim=2)
        UA = as_finite_array(self.agent_utilities, "agent_utilities", ndim=3)
        n = prior.size
        if uP.shape[1] != n:
            raise ValueError(f"principal_utility must have shape (n_A, {n}) (one column per state); got {uP.shape}")
        if UA.shape[2] != n:
            raise ValueError(
                f"agent_utilities must have shape (n_types, n_B, {n}) (one column per state); got {UA.shape}"
            )
        if self.delegated_utility is None:
            if uP.shape[0] != UA.shape[1]:
                raise ValueError(
                    "without delegated_utility the agent's actions must be the principal's: principal_utility has "
                    f"{uP.shape[0]} actions, agent_utilities {UA.shape[1]}"
                )
            w = uP.copy()
        else:
            w = as_finite_array(self.delegated_utility, "delegated_utility", ndim=2)
            if w.shape != UA.shape[1:]:
                raise ValueError(f"delegated_utility must have shape (n_B, n_states) = {UA.shape[1:]}; got {w.shape}")
        arrays = {"prior": prior, "principal_utility": uP, "agent_utilities": UA, "delegated_utility": w}
        for name, arr in arrays.items():
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        # Ties relative to each type's spread of utilities, as PersuasionGame.tie_tolerance: the unit of a
        # type's utility does not change what it does. Divide by the largest magnitude first (no overflow).
        scale = np.abs(UA).max(axis=(1, 2))
        safe = np.where(scale > 0, scale, 1.0)
        spread = safe * np.ptp((UA / safe[:, None, None]).reshape(UA.shape[0], -1), axis=1)
        tol = TIE_RTOL * np.where(scale > 0, spread, 0.0)
        tol.setflags(write=False)
        object.__setattr__(self, "_tie_tolerance", tol)

    @property
    def tie_tolerance(self) -> np.ndarray:
        """Per type: gains within this of the best count as ties (``TIE_RTOL`` times the type's spread of utility).

        >>> safe_action_problem().tie_tolerance.tolist()
        [1e-09, 1e-09]
        """
        return self._tie_tolerance

    @property
    def n_states(self) -> int:
        return self.prior.size

    @property
    def n_types(self) -> int:
        return self.agent_utilities.shape[0]

    @property
    def n_agent_actions(self) -> int:
        return self.agent_utilities.shape[1]

    def __repr__(self) -> str:
        return (
            f"DelegationProblem(n_states={self.n_states}, n_A={self.principal_utility.shape[0]}, "
            f"n_B={self.n_agent_actions}, n_types={self.n_types})"
        )

    def with_types(self, agent_utilities: ArrayLike) -> DelegationProblem:
        """The same problem with another set of agent utilities."""
        return DelegationProblem(self.prior, self.principal_utility, agent_utilities, self.delegated_utility)

    # -- behaviour ---------------------------------------------------------------
    def best_responses(self, beliefs: ArrayLike, ties: str = "principal") -> np.ndarray:
        """Each type's action at each belief; shape (..., n_types).

        ``ties="principal"`` (default) breaks a type's ties in the principal's
        favour, ``ties="adversarial"`` against her.
        """
        if ties not in ("principal", "adversarial"):
            raise ValueError(f"ties must be 'principal' or 'adversarial'; got {ties!r}")
        mu = np.asarray(beliefs, dtype=float)
        gains = np.einsum("...w,kbw->...kb", mu, self.agent_utilities)
        best = gains >= gains.max(axis=-1, keepdims=True) - self.tie_tolerance[:, None]
        principal = mu @ self.delegated_utility.T  # (..., n_B)
        sign = 1.0 if ties == "principal" else -1.0
        score = np.where(best, sign * principal[..., None, :], -np.inf)
        return score.argmax(axis=-1)

    def payoffs(self, tau: Splitting, ties: str = "principal") -> tuple[np.ndarray, np.ndarray]:
        """(principal's payoff, agent's own payoff) per type when delegating with ``tau``."""
        acts = self.best_responses(tau.posteriors, ties)  # (n_signals, n_types)
        k = np.arange(self.n_types)
        principal = np.einsum("s,sw,skw->k", tau.weights, tau.posteriors, self.delegated_utility[acts])
        agent = np.einsum("s,sw,skw->k", tau.weights, tau.posteriors, self.agent_utilities[k, acts])
        return principal, agent

    # -- benchmarks --------------------------------------------------------------
    @property
    def U_blind(self) -> float:
        """Act herself without information: :math:`\\max_a \\mathbb E_{\\mu_0} u_P(a, \\omega)`."""
        return float((self.principal_utility @ self.prior).max())

    @property
    def U_max(self) -> float:
        """First best: the principal picks any action of A or B knowing the state."""
        both = np.vstack([self.principal_utility, self.delegated_utility])
        return float(self.prior @ both.max(axis=0))

    @property
    def U_full(self) -> float:
        """Delegate with full revelation, worst type."""
        keep = self.prior > 0
        full = Splitting(weights=self.prior[keep], posteriors=np.eye(self.n_states)[keep])
        return float(self.payoffs(full)[0].min())

    @property
    def U_min(self) -> float:
        """The essay's U_min, "delegating to the worst-case type under full information": U_full again."""
        return self.U_full


@dataclass(frozen=True)
class DelegationSolution:
    """Result of :func:`robust_delegation`.

    ``value`` is the essay's :math:`U^*` (best worst-case delegation),
    ``guarantee`` is the act-or-delegate guarantee
    :math:`G^* = \\max(U_{blind}, U^*)`, ``delegate`` says which is chosen,
    ``splitting`` the optimal distribution of posteriors, ``type_values`` the
    principal's payoff against each type under it.

    >>> sol = robust_delegation(safe_action_problem())
    >>> round(sol.value, 6), sol.delegate, sol.type_values.round(6).tolist()
    (0.75, True, [0.75, 0.75])
    """

    value: float
    guarantee: float
    delegate: bool
    splitting: Splitting
    type_values: np.ndarray
    n_regions: int
    status: str


def _region_witness(problem: DelegationProblem, profile: tuple) -> np.ndarray | None:
    """A belief at which type j weakly prefers profile[j], for every listed type j; ``None`` if there is none."""
    rows = []
    for j, b in enumerate(profile):
        U = problem.agent_utilities[j]
        rows.append(U - U[b])  # (n_B, n): (u_j[b'] - u_j[b]) . mu <= 0
    A_ub = np.vstack(rows)
    n = problem.n_states
    support = problem.prior > 0
    try:
        res = solve_lp(
            np.zeros(n),
            A_ub=A_ub,
            b_ub=np.repeat(problem.tie_tolerance[: len(profile)], problem.n_agent_actions),
            A_eq=np.ones((1, n)),
            b_eq=[1.0],
            bounds=[(0, None) if s else (0, 0) for s in support],
            what="best-response region LP",
        )
    except LPError as err:
        if err.infeasible:
            return None
        raise LPError(f"best-response region LP of profile {profile}", err.status, err.detail) from None
    return res.x


def profile_regions(problem: DelegationProblem) -> list[tuple]:
    """Profiles of best responses (one action per type) whose belief region is non-empty.

    Built type by type, extending only feasible partial profiles, so the cost
    follows the number of regions rather than :math:`|B|^{K}`. Each feasible
    profile keeps a belief of its region (the prior for the empty profile,
    then the LP's solution); the next type's best response at that belief
    extends it without an LP, so one LP per extension is saved.

    In :func:`safe_action_problem` the two types agree on the safe action (2)
    in the middle of the belief line and disagree near its ends:

    >>> regions = profile_regions(safe_action_problem())
    >>> len(regions), (2, 2) in regions, (0, 0) in regions
    (7, True, False)
    """
    partial = [((), problem.prior)]
    for j in range(problem.n_types):
        extended = []
        for p, mu in partial:
            free = int(np.argmax(problem.agent_utilities[j] @ mu))  # a best response of type j at mu
            for b in range(problem.n_agent_actions):
                witness = mu if b == free else _region_witness(problem, p + (b,))
                if witness is not None:
                    extended.append((p + (b,), witness))
        partial = extended
    return [p for p, _ in partial]


def robust_delegation(problem: DelegationProblem, *, margin: float = 0.0) -> DelegationSolution:
    """Solve the essay's :math:`U^* = \\max_\\tau \\min_k` (principal's payoff against type k) as one LP.

    Ties are broken in the principal's favour. With ``margin`` > 0 every type
    must prefer its action at each posterior by at least ``margin`` (expected
    utility per unit of posterior mass), so the value is attained whatever the
    tie-breaking; it is at most the value with ``margin = 0``.

    In :func:`safe_action_problem` any posterior in [1/4, 3/4] makes both types
    take the safe action (worth 0.75), and guessing alone is worth 1/2:

    >>> sol = robust_delegation(safe_action_problem())
    >>> round(sol.value, 6), round(sol.guarantee, 6), sol.delegate
    (0.75, 0.75, True)
    """
    margin = as_real(margin, "margin", low=0)
    try:
        return _solve_profiles(problem, None, margin)
    except LPError as err:
        if margin > 0 and err.infeasible:
            raise ValueError(
                f"margin = {margin!r} is too large: no splitting of the prior lets every type prefer its action by "
                "that much at every posterior; try a smaller margin"
            ) from None
        raise


def weighted_delegation(problem: DelegationProblem, weights: ArrayLike) -> DelegationSolution:
    """Maximise :math:`\\sum_k \\lambda_k` (principal's payoff against type k) over information structures.

    With weights on an aligned and a misaligned type this traces the frontier
    of best-case against worst-case payoffs. ``value`` is the weighted sum.

    Against the aligned type alone, full revelation is worth 1:

    >>> round(weighted_delegation(safe_action_problem(), [1, 0]).value, 6)
    1.0
    """
    if np.asarray(weights).dtype == bool:
        raise TypeError(f"weights must be numbers, not booleans; got {np.asarray(weights).tolist()}")
    lam = as_finite_array(weights, "weights", ndim=1)
    if lam.size != problem.n_types:
        raise ValueError(f"weights must have one entry per agent type ({problem.n_types}); got {lam.size}")
    if (lam < 0).any():
        raise ValueError(f"weights must be non-negative; got {lam.tolist()}")
    if not lam.any():
        raise ValueError(f"weights must not all be zero (every splitting would be optimal); got {lam.tolist()}")
    return _solve_profiles(problem, lam)


def _solve_profiles(problem: DelegationProblem, weights, margin: float = 0.0) -> DelegationSolution:
    regions = profile_regions(problem)
    R, n, K, nB = len(regions), problem.n_states, problem.n_types, problem.n_agent_actions
    n_x = R * n  # x_r flattened; then t
    # Bayes plausibility: sum_r x_r = prior.
    A_eq = sp.hstack([sp.kron(np.ones((1, R)), sp.identity(n)), sp.csr_matrix((n, 1))], format="csr")
    b_eq = problem.prior
    ub_rows, ub_cols, ub_vals = [], [], []
    row = 0
    for r, prof in enumerate(regions):  # obedience: (u_k[b'] - u_k[r_k] + margin) . x_r <= 0
        for k, b in enumerate(prof):
            D = problem.agent_utilities[k] - problem.agent_utilities[k, b] + margin
            for bp in range(nB):
                if bp == b:
                    continue
                ub_rows += [row] * n
                ub_cols += list(range(r * n, (r + 1) * n))
                ub_vals += list(D[bp])
                row += 1
    c = np.zeros(n_x + 1)
    if weights is None:  # max t  s.t.  t - sum_r w[r_k] . x_r <= 0 for every type k
        for k in range(K):
            for r, prof in enumerate(regions):
                ub_rows += [row] * n
                ub_cols += list(range(r * n, (r + 1) * n))
                ub_vals += list(-problem.delegated_utility[prof[k]])
            ub_rows.append(row)
            ub_cols.append(n_x)
            ub_vals.append(1.0)
            row += 1
        c[-1] = 1.0
        bounds = [(0, None)] * n_x + [(None, None)]
    else:  # max sum_k lambda_k sum_r w[r_k] . x_r
        for r, prof in enumerate(regions):
            c[r * n : (r + 1) * n] = sum(weights[k] * problem.delegated_utility[prof[k]] for k in range(K))
        bounds = [(0, None)] * n_x + [(0, 0)]
    A_ub = sp.csr_matrix((ub_vals, (ub_rows, ub_cols)), shape=(max(row, 1), n_x + 1))
    res = solve_lp(
        c, A_ub=A_ub, b_ub=np.zeros(max(row, 1)), A_eq=A_eq, b_eq=b_eq, bounds=bounds, maximize=True,
        what="robust_delegation",
    )
    x = np.clip(res.x[:n_x].reshape(R, n), 0.0, None)
    mass = x.sum(axis=1)
    keep = mass > 1e-12
    splitting = Splitting(weights=mass[keep] / mass[keep].sum(), posteriors=x[keep] / mass[keep, None])
    type_values = np.array(
        [sum(problem.delegated_utility[regions[r][k]] @ x[r] for r in range(R)) for k in range(K)]
    )
    value = float(res.fun)
    return DelegationSolution(
        value=value,
        guarantee=max(value, problem.U_blind),
        delegate=value > problem.U_blind,
        splitting=splitting,
        type_values=type_values,
        n_regions=R,
        status="optimal",
    )


def random_delegation_problem(n_states: int, n_actions: int, n_types: int,
                              rng: np.random.Generator | int | None) -> DelegationProblem:
    """A = B, Gaussian principal and agent utilities, Dirichlet prior.

    >>> random_delegation_problem(3, 4, 2, rng=0)
    DelegationProblem(n_states=3, n_A=4, n_B=4, n_types=2)
    """
    rng = np.random.default_rng(rng)
    prior = rng.dirichlet(np.ones(n_states))
    uP = rng.normal(size=(n_actions, n_states))
    UA = rng.normal(size=(n_types, n_actions, n_states))
    return DelegationProblem(prior, uP, UA)


def safe_action_problem() -> DelegationProblem:
    """Two equally likely states; the agent can match the state or take a safe action worth 0.75.

    The principal herself can only guess (A = {guess 0, guess 1}). One agent
    type is aligned; the other wants the *mismatching* action, and likes the
    safe action as much as the principal does.

    >>> safe_action_problem()
    DelegationProblem(n_states=2, n_A=2, n_B=3, n_types=2)
    """
    w = np.array([[1.0, 0.0], [0.0, 1.0], [0.75, 0.75]])  # rows: match 0, match 1, safe
    aligned = w
    contrarian = np.array([[0.0, 1.0], [1.0, 0.0], [0.75, 0.75]])
    return DelegationProblem([0.5, 0.5], w[:2], np.stack([aligned, contrarian]), delegated_utility=w)
