r"""Competition in persuasion: several Senders, public signals, finite environments.

The model of :cite:t:`gentzkow2017competition` (a set of signals per Sender;
Blackwell-connectedness), made finite; :cite:t:`gentzkow2017bayesian` is the
case where every Sender may choose any signal, arbitrarily correlated with the
others'.
A state :math:`\omega \in \Omega` and an independent noise draw :math:`k` (with
known probabilities) form a finite set of *cells* :math:`X = \Omega \times K`.
A signal is a partition of :math:`X` (a label per cell); each Sender :math:`i`
picks one from a finite menu :math:`\Pi_i`. All realisations are public, so a
profile of signals reveals the cell of the common refinement of the chosen
partitions; its distribution of posteriors over :math:`\Omega` is the
*information outcome* :math:`\mathrm{Bel}(\pi_1, \ldots, \pi_n)`.

Everything here is computed by enumeration: every profile, every outcome, and
the Blackwell order between outcomes (by the mean-preserving-spread LP of
:mod:`persuasion.blackwell`). Cost grows as :math:`\prod_i |\Pi_i|` profiles
and (number of outcomes)\ :sup:`2` small LPs; a menu of all partitions of
:math:`X` has Bell(:math:`|X|`) signals.

>>> env = InformationEnvironment([0.5, 0.5], [all_partitions(2), all_partitions(2)])
>>> ana = env.analyse()
>>> ana.n_outcomes                 # no information, full information
2
>>> # sender 0 wants full revelation, 1 wants none
>>> payoffs = np.array([[0.0, 1.0], [1.0, 0.0]])
>>> [env.describe(p) for p in pure_equilibria(ana, payoffs)]
['(1, 0)', '(1, 1)']
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from tqdm import tqdm

from ._validation import as_distribution, as_finite_array
from .beliefs import Splitting
from .blackwell import mps_dominates
from .game import PersuasionGame

__all__ = [
    "InformationEnvironment",
    "EnvironmentAnalysis",
    "all_partitions",
    "pure_equilibria",
    "equilibrium_outcomes",
    "collusive_outcomes",
    "no_profitable_refinement",
    "outcome_values",
    "random_environment",
    "reveal_or_conceal",
]

#: Posteriors and weights equal to this many decimals are the same.
DECIMALS = 10


def all_partitions(n_cells: int) -> np.ndarray:
    """Every partition of ``n_cells`` cells, as labels (restricted growth strings).

    There are Bell(``n_cells``) of them; row 0 is the coarsest (one block), the
    last row the finest (every cell alone).

    >>> all_partitions(3)
    array([[0, 0, 0],
           [0, 0, 1],
           [0, 1, 0],
           [0, 1, 1],
           [0, 1, 2]])
    """
    if int(n_cells) != n_cells or n_cells < 1:
        raise ValueError(f"n_cells must be a positive integer; got {n_cells!r}")
    n_cells = int(n_cells)
    if n_cells > 12:
        raise ValueError(f"n_cells must be at most 12 (Bell(12) = 4213597 partitions); got {n_cells}")
    out = [[0]]
    for _ in range(n_cells - 1):
        out = [p + [j] for p in out for j in range(max(p) + 2)]
    return np.array(out, dtype=int)


def _canonical(weights: np.ndarray, posteriors: np.ndarray) -> tuple[tuple, Splitting]:
    """Merge equal posteriors, sort, and return (hashable key, Splitting)."""
    rounded = np.round(posteriors, DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    uniq, inv = np.unique(rounded, axis=0, return_inverse=True)
    w = np.bincount(inv.ravel(), weights=weights, minlength=len(uniq))
    mu = np.zeros_like(uniq)
    np.add.at(mu, inv.ravel(), weights[:, None] * posteriors)
    mu /= w[:, None]
    key = tuple(np.round(w, DECIMALS)) + tuple(uniq.ravel())
    return key, Splitting(weights=w, posteriors=mu)


@dataclass(frozen=True, eq=False)
class InformationEnvironment:
    r"""Senders' menus of signals over the cells :math:`X = \Omega \times K`.

    Parameters
    ----------
    prior : array_like, shape (n_states,)
    menus : sequence of array_like, one per Sender
        ``menus[i]`` has shape ``(n_signals_i, n_cells)``: row ``j`` labels each
        cell with the realisation that signal ``j`` sends there. Cell
        ``w * n_noise + k`` is state ``w`` with noise draw ``k``.
    noise : array_like, shape (n_noise,), optional
        Probabilities of the noise draws (default: no noise, ``[1.0]``).

    Examples
    --------
    Two senders over two equally likely states, each of whom can stay silent
    (signal row ``[0, 0]``) or reveal the state (``[0, 1]``):

    >>> menu = [[0, 0], [0, 1]]
    >>> env = InformationEnvironment([0.5, 0.5], [menu, menu])
    >>> env
    InformationEnvironment(n_states=2, n_noise=1, menu_sizes=(2, 2))
    >>> env.outcome((0, 1)).posteriors  # one sender reveals: the posteriors are certain
    array([[0., 1.],
           [1., 0.]])
    """

    prior: np.ndarray
    menus: tuple
    noise: np.ndarray | None = None  # None: a single noise value (no noise); an array after construction

    def __post_init__(self):
        prior = as_distribution(self.prior, "prior")
        noise = as_distribution([1.0] if self.noise is None else self.noise, "noise")
        n_cells = prior.size * noise.size
        if isinstance(self.menus, np.ndarray) and self.menus.ndim == 2:
            raise ValueError("menus must be a list with one menu (2-D array) per sender; got one 2-D array")
        menus = []
        for i, m in enumerate(self.menus):
            arr = as_finite_array(m, f"menus[{i}]", ndim=2)
            if arr.shape[1] != n_cells:
                raise ValueError(
                    f"menus[{i}] must have one column per cell ({prior.size} states x {noise.size} noise draws "
                    f"= {n_cells}); got shape {arr.shape}"
                )
            if not np.array_equal(arr, np.round(arr)):
                raise ValueError(f"menus[{i}] must hold integer labels")
            arr = arr.astype(int)
            arr.setflags(write=False)
            menus.append(arr)
        if not menus:
            raise ValueError("menus must hold at least one sender's menu; got none")
        object.__setattr__(self, "prior", prior)
        object.__setattr__(self, "noise", noise)
        object.__setattr__(self, "menus", tuple(menus))
        cell_prob = np.outer(prior, noise).ravel()
        cell_state = np.repeat(np.arange(prior.size), noise.size)
        object.__setattr__(self, "_cell_prob", cell_prob)
        object.__setattr__(self, "_cell_state", cell_state)

    @property
    def n_senders(self) -> int:
        return len(self.menus)

    @property
    def n_states(self) -> int:
        return self.prior.size

    @property
    def n_cells(self) -> int:
        return self.prior.size * self.noise.size

    @property
    def menu_sizes(self) -> tuple[int, ...]:
        return tuple(m.shape[0] for m in self.menus)

    def __repr__(self) -> str:
        return (
            f"InformationEnvironment(n_states={self.n_states}, n_noise={self.noise.size}, "
            f"menu_sizes={self.menu_sizes})"
        )

    def _check_profile(self, profile, senders) -> tuple[int, ...]:
        profile = tuple(int(j) for j in profile)
        if len(profile) != len(senders):
            raise ValueError(f"profile must name one signal for each of {len(senders)} senders; got {len(profile)}")
        for i, j in zip(senders, profile):
            if not 0 <= j < self.menus[i].shape[0]:
                raise ValueError(f"profile entry for sender {i} must be in [0, {self.menus[i].shape[0]}); got {j}")
        return profile

    def _key(self, profile, senders) -> tuple[tuple, Splitting]:
        if senders:
            labels = np.stack([self.menus[i][j] for i, j in zip(senders, profile)])
            _, block = np.unique(labels, axis=1, return_inverse=True)
            block = block.ravel()
        else:
            block = np.zeros(self.n_cells, dtype=int)
        n_blocks = block.max() + 1
        mass = np.bincount(block, weights=self._cell_prob, minlength=n_blocks)
        joint = np.bincount(
            block * self.n_states + self._cell_state, weights=self._cell_prob, minlength=n_blocks * self.n_states
        ).reshape(n_blocks, self.n_states)
        keep = mass > 0
        return _canonical(mass[keep], joint[keep] / mass[keep, None])

    def outcome(self, profile: Iterable[int], senders: Iterable[int] | None = None) -> Splitting:
        """The information outcome of ``profile`` (signal indices of ``senders``, default all)."""
        senders = tuple(range(self.n_senders)) if senders is None else tuple(senders)
        return self._key(self._check_profile(profile, senders), senders)[1]

    def describe(self, profile: Iterable[int]) -> str:
        return "(" + ", ".join(str(int(j)) for j in profile) + ")"

    def analyse(self, *, progress: bool = False) -> EnvironmentAnalysis:
        """Enumerate every profile and partial profile and the Blackwell order of their outcomes."""
        keys: dict[tuple, int] = {}
        outcomes: list[Splitting] = []

        def index(key, splitting):
            if key not in keys:
                keys[key] = len(outcomes)
                outcomes.append(splitting)
            return keys[key]

        sizes = self.menu_sizes
        everyone = tuple(range(self.n_senders))
        profile_outcome = np.empty(sizes, dtype=int)
        profiles = itertools.product(*(range(s) for s in sizes))
        for prof in tqdm(profiles, total=int(np.prod(sizes)), disable=not progress, desc="profiles"):
            profile_outcome[prof] = index(*self._key(prof, everyone))
        n_feasible = len(outcomes)
        # Outcomes of everyone but i: what sender i builds on.
        others_outcome = []
        for i in everyone:
            rest = tuple(s for s in everyone if s != i)
            table = np.empty(tuple(sizes[s] for s in rest), dtype=int)
            for prof in itertools.product(*(range(sizes[s]) for s in rest)):
                table[prof] = index(*self._key(prof, rest))
            others_outcome.append(table)
        dominates = _order(outcomes, n_feasible, progress=progress)
        return EnvironmentAnalysis(
            environment=self,
            outcomes=tuple(outcomes),
            n_feasible=n_feasible,
            profile_outcome=profile_outcome,
            others_outcome=tuple(others_outcome),
            dominates=dominates,
        )


def _order(outcomes: list[Splitting], n_rows: int, *, progress: bool = False) -> np.ndarray:
    """``d[a, b]``: outcome ``a`` (feasible) is Blackwell more informative than outcome ``b``."""
    n = len(outcomes)
    # E||mu||^2 is convex in mu: a necessary condition for a >= b that costs nothing.
    spread = np.array([o.weights @ (o.posteriors**2).sum(axis=1) for o in outcomes])
    d = np.zeros((n_rows, n), dtype=bool)
    pairs = [(a, b) for a in range(n_rows) for b in range(n) if a != b and spread[a] >= spread[b] - 1e-12]
    for a, b in tqdm(pairs, disable=not progress, desc="Blackwell order"):
        d[a, b] = mps_dominates(outcomes[a], outcomes[b])
    d[np.arange(n_rows), np.arange(n_rows)] = True
    return d


@dataclass(frozen=True, eq=False)
class EnvironmentAnalysis:
    """Every outcome of an environment and the Blackwell order between them.

    Attributes
    ----------
    outcomes : tuple of Splitting
        Distinct outcomes; the first ``n_feasible`` are those of full profiles,
        the rest arise only from the signals of all senders but one.
    profile_outcome : ndarray of int, shape ``menu_sizes``
        Outcome index of each profile.
    others_outcome : tuple of ndarray
        ``others_outcome[i][profile of the others]``: outcome index of Bel(π₋ᵢ).
    dominates : ndarray of bool, shape (n_feasible, n_outcomes)
        ``dominates[a, b]``: outcome ``a`` ⪰ outcome ``b``.

    Examples
    --------
    In :func:`reveal_or_conceal`, two senders who may each reveal the state:

    >>> analysis = reveal_or_conceal().analyse()
    >>> # outcome 0: no information, 1: full
    >>> analysis.n_outcomes, analysis.profile_outcome.tolist()
    (2, [[0, 1], [1, 1]])
    >>> analysis.strictly_more_informative(1, 0)
    True
    """

    environment: InformationEnvironment
    outcomes: tuple
    n_feasible: int
    profile_outcome: np.ndarray
    others_outcome: tuple
    dominates: np.ndarray

    @property
    def n_outcomes(self) -> int:
        """The number of feasible outcomes."""
        return self.n_feasible

    def strictly_more_informative(self, a: int, b: int) -> bool:
        """Whether feasible outcome ``a`` ≻ feasible outcome ``b`` (⪰ and not ⪯)."""
        return bool(self.dominates[a, b] and not self.dominates[b, a])

    def _payoffs(self, payoffs) -> np.ndarray:
        V = as_finite_array(payoffs, "payoffs", ndim=2)
        expected = (self.n_feasible, self.environment.n_senders)
        if V.shape != expected:
            raise ValueError(f"payoffs must have shape (n_outcomes, n_senders) = {expected}; got {V.shape}")
        return V


def pure_equilibria(analysis: EnvironmentAnalysis, payoffs: ArrayLike, *, atol: float = 1e-9) -> np.ndarray:
    """Pure Nash equilibria: profiles where no sender gains more than ``atol`` by deviating.

    Parameters
    ----------
    analysis : EnvironmentAnalysis
        The environment's feasible outcomes and the outcome of every profile
        (:meth:`InformationEnvironment.analyse`).
    payoffs : array_like, shape (n_outcomes, n_senders)
        ``payoffs[t, i]``: sender ``i``'s payoff at feasible outcome ``t``.
    atol : float
        A deviation must gain more than this to count.

    Returns
    -------
    ndarray of int, shape (n_equilibria, n_senders)

    Examples
    --------
    In :func:`reveal_or_conceal`, two senders who may each reveal the state:

    >>> analysis = reveal_or_conceal().analyse()
    >>> payoffs = [[0, 1], [1, 0]]  # sender 0 wants the state known, 1 wants it hidden
    >>> # sender 0 reveals; sender 1 cannot undo it
    >>> pure_equilibria(analysis, payoffs).tolist()
    [[1, 0], [1, 1]]
    """
    V = analysis._payoffs(payoffs)
    po = analysis.profile_outcome
    stable = np.ones(po.shape, dtype=bool)
    for i in range(V.shape[1]):
        own = V[po, i]
        stable &= own >= own.max(axis=i, keepdims=True) - atol
    return np.argwhere(stable)


def equilibrium_outcomes(analysis: EnvironmentAnalysis, payoffs: ArrayLike, *, atol: float = 1e-9) -> np.ndarray:
    """Sorted indices of the outcomes of pure equilibria.

    ``analysis``, ``payoffs`` and ``atol`` are those of :func:`pure_equilibria`.
    In :func:`reveal_or_conceal`, two senders who may each reveal the state:

    >>> analysis = reveal_or_conceal().analyse()
    >>> payoffs = [[0, 1], [1, 0]]  # sender 0 wants the state known, 1 wants it hidden
    >>> equilibrium_outcomes(analysis, payoffs).tolist()  # full information
    [1]
    """
    eq = pure_equilibria(analysis, payoffs, atol=atol)
    return np.unique(analysis.profile_outcome[tuple(eq.T)]) if len(eq) else np.array([], dtype=int)


def collusive_outcomes(analysis: EnvironmentAnalysis, payoffs: ArrayLike, *, atol: float = 1e-9) -> np.ndarray:
    """Feasible outcomes that maximise the senders' total payoff, to within ``atol``.

    ``analysis`` and ``payoffs`` are those of :func:`pure_equilibria`.
    In :func:`reveal_or_conceal`, two senders who may each reveal the state:

    >>> analysis = reveal_or_conceal().analyse()
    >>> payoffs = [[0, 1], [1, 0]]  # sender 0 wants the state known, 1 wants it hidden
    >>> collusive_outcomes(analysis, payoffs).tolist()  # both outcomes give a total of 1
    [0, 1]
    """
    total = analysis._payoffs(payoffs).sum(axis=1)
    return np.flatnonzero(total >= total.max() - atol)


def no_profitable_refinement(analysis: EnvironmentAnalysis, payoffs: ArrayLike, *, atol: float = 1e-9) -> np.ndarray:
    """Feasible τ such that no sender strictly gains from any feasible τ′ ⪰ τ.

    With at least two senders sharing one Blackwell-connected menu these are
    exactly the equilibrium outcomes :cite:p:`gentzkow2017competition`.

    In :func:`reveal_or_conceal`, two senders who may each reveal the state:

    >>> analysis = reveal_or_conceal().analyse()
    >>> payoffs = [[0, 1], [1, 0]]  # sender 0 wants the state known, 1 wants it hidden
    >>> no_profitable_refinement(analysis, payoffs).tolist()  # as equilibrium_outcomes
    [1]
    """
    V = analysis._payoffs(payoffs)
    n = analysis.n_feasible
    more = analysis.dominates[:, :n]  # more[t2, t]: t2 >= t
    gain = V[:, None, :] > V[None, :, :] + atol  # gain[t2, t, i]
    bad = (more[:, :, None] & gain).any(axis=(0, 2))
    return np.flatnonzero(~bad)


def outcome_values(analysis: EnvironmentAnalysis, receiver_utility: ArrayLike, utilities: ArrayLike, *,
                   tie_break: int = 0) -> np.ndarray:
    """Expected value of each utility at each feasible outcome, the Receiver best-responding.

    Parameters
    ----------
    receiver_utility : array_like, shape (n_actions, n_states)
    utilities : array_like, shape (n_utilities, n_actions, n_states)
        Typically one per sender, and the Receiver's own to measure her welfare.
    tie_break : int
        The Receiver breaks ties in favour of ``utilities[tie_break]``.

    Returns
    -------
    ndarray, shape (n_outcomes, n_utilities)

    Examples
    --------
    A Receiver who guesses the state is right half the time without
    information and always with it, here in :func:`reveal_or_conceal`:

    >>> analysis = reveal_or_conceal().analyse()
    >>> guess = [[1, 0], [0, 1]]
    >>> outcome_values(analysis, guess, [guess])
    array([[0.5],
           [1. ]])
    """
    U = as_finite_array(utilities, "utilities", ndim=3)
    u = as_finite_array(receiver_utility, "receiver_utility", ndim=2)
    if U.shape[1:] != u.shape:
        raise ValueError(
            f"utilities must have shape (n_utilities, {u.shape[0]}, {u.shape[1]}) to match receiver_utility; "
            f"got {U.shape}"
        )
    if not 0 <= tie_break < U.shape[0]:
        raise ValueError(f"tie_break must index utilities, in [0, {U.shape[0]}); got {tie_break}")
    game = PersuasionGame(analysis.environment.prior, u, U[tie_break])
    out = np.empty((analysis.n_feasible, U.shape[0]))
    for t in range(analysis.n_feasible):
        o = analysis.outcomes[t]
        a = np.atleast_1d(game.best_response(o.posteriors))
        # sum_s w_s sum_w mu_s(w) U[k, a_s, w]
        out[t] = np.einsum("s,sw,ksw->k", o.weights, o.posteriors, U[:, a, :])
    return out


def random_environment(n_states: int, n_noise: int, n_senders: int, menu_size: int,
                       rng: np.random.Generator | int | None) -> InformationEnvironment:
    """Random noise probabilities and menus of ``menu_size`` partitions of the cells.

    Every menu holds the uninformative signal (a sender can always stay silent).

    Parameters
    ----------
    n_states, n_noise : int
        States and noise values; the cells are their pairs.
    n_senders : int
        Senders, each with a menu of its own.
    menu_size : int
        Signals (partitions of the cells) per menu, at most the number of partitions.
    rng : int or numpy.random.Generator
        Seed or generator of every draw: the prior, the noise and the menus.

    >>> random_environment(2, 2, 2, 3, rng=0)
    InformationEnvironment(n_states=2, n_noise=2, menu_sizes=(3, 3))
    """
    if n_senders < 1 or menu_size < 1:
        raise ValueError(f"n_senders and menu_size must be positive; got {n_senders} and {menu_size}")
    rng = np.random.default_rng(rng)
    parts = all_partitions(n_states * n_noise)
    noise = rng.dirichlet(np.ones(n_noise))
    menus = []
    for _ in range(n_senders):
        k = min(menu_size, len(parts))
        pick = np.concatenate([[0], 1 + rng.choice(len(parts) - 1, size=k - 1, replace=False)]) if k > 1 else [0]
        menus.append(parts[np.sort(pick)])
    prior = rng.dirichlet(np.ones(n_states))
    return InformationEnvironment(prior, menus, noise)


def reveal_or_conceal(n_senders: int = 2) -> InformationEnvironment:
    """Two equally likely states; each sender may stay silent (signal ``[0, 0]``) or reveal the state (``[0, 1]``).

    The smallest environment with a choice in it; the examples of this module use it.
    Its outcomes are no information (outcome 0) and full information (outcome 1).

    >>> env = reveal_or_conceal()
    >>> env
    InformationEnvironment(n_states=2, n_noise=1, menu_sizes=(2, 2))
    >>> env.analyse().profile_outcome.tolist()  # full information unless both stay silent
    [[0, 1], [1, 1]]
    """
    if isinstance(n_senders, bool) or not isinstance(n_senders, int | np.integer) or n_senders < 1:
        raise ValueError(f"n_senders must be a positive integer; got {n_senders!r}")
    return InformationEnvironment([0.5, 0.5], [[[0, 0], [0, 1]]] * int(n_senders))
