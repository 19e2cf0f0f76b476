r"""Agreement protocols: agents with private information announce estimates until they agree.

Finite states :math:`\omega` with a common prior; agent :math:`i` knows the
cell of its partition :math:`\Pi_i(\omega)`; the quantity of interest is a
random variable :math:`X(\omega)` (an event when :math:`X` is 0/1). In the
dialogue of Geanakoplos and Polemarchakis, agents announce in turn their
expectation of :math:`X` given their private cell and everything announced
so far; every announcement is public, so everyone learns which states would
have produced it. :func:`dialogue` simulates it for every true state at once
by refining a *public partition*. It ends when a full turn of announcements
teaches nobody anything: the estimates are then common knowledge and equal
(Aumann's agreement theorem), though not necessarily equal to the estimate
from the pooled information.

>>> # Four equally likely states; agent 0 learns {1,2} vs {3,4}, agent 1 {1,3} vs {2,4};
>>> # X is the event {1, 4}. Both always say 1/2, so they agree at once, though pooling
>>> # the information reveals X.
>>> d = dialogue([0.25] * 4, [[0, 0, 1, 1], [0, 1, 0, 1]], [1, 0, 0, 1])
>>> d.agreed.tolist(), d.rounds.tolist(), d.pooled.tolist()
([0.5, 0.5, 0.5, 0.5], [0, 0, 0, 0], [1.0, 0.0, 0.0, 1.0])
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_distribution, as_finite_array, as_int, as_real, as_rng, check_size

__all__ = [
    "Dialogue",
    "dialogue",
    "epsilon_agreement_rounds",
    "StrategicOutcome",
    "strategic_dialogue",
    "random_partitions",
    "partition_from_cells",
    "exact_agreed_estimates",
]

DECIMALS = 12


@dataclass(frozen=True)
class Dialogue:
    """Result of :func:`dialogue`, one entry per true state.

    Attributes
    ----------
    announcements : ndarray, shape (n_rounds, n_states)
        What the speaker of each round said, for every true state.
    speakers : ndarray of int, shape (n_rounds,)
    rounds : ndarray of int, shape (n_states,)
        Announcements until every agent's estimate equalled the final agreed
        value and stayed there (0 if they agreed before anyone spoke).
    agreed : ndarray, shape (n_states,)
        The final estimates (equal across agents when ``agreement`` holds).
    pooled : ndarray, shape (n_states,)
        :math:`\\mathbb E[X \\mid \\text{all private cells}]`: the estimate from pooled information.
    agreement : ndarray of bool, shape (n_states,)
        Whether all agents' final estimates coincide.
    estimates : ndarray, shape (n_rounds + 1, n_agents, n_states)
        Every agent's estimate after each prefix of the record (row 0: before anyone spoke).

    Examples
    --------
    Four equally likely states; agent 0 learns whether the state is in
    {0, 1} or {2, 3}, agent 1 whether it is even or odd:

    >>> partitions = [[0, 0, 1, 1], [0, 1, 0, 1]]
    >>> d = dialogue([0.25] * 4, partitions, [1, 0, 0, 1])  # X: the state is 0 or 3
    >>> # both always say 1/2: they agree at once, though pooling would reveal X
    >>> d.agreed, d.pooled
    (array([0.5, 0.5, 0.5, 0.5]), array([1., 0., 0., 1.]))
    """

    announcements: np.ndarray
    speakers: np.ndarray
    rounds: np.ndarray
    agreed: np.ndarray
    pooled: np.ndarray
    agreement: np.ndarray
    estimates: np.ndarray


def _partitions(partitions, n_states: int) -> np.ndarray:
    P = as_finite_array(partitions, "partitions", ndim=2, booleans=False)
    if P.shape[1] != n_states:
        raise ValueError(
            f"partitions must have one label per state: shape (n_agents, {n_states}); got {P.shape}"
        )
    if not np.array_equal(P, np.round(P)):
        raise ValueError("partitions must hold integer cell labels (one per state)")
    if P.shape[0] < 2:
        raise ValueError(f"partitions must describe at least two agents; got {P.shape[0]}")
    return P.astype(int)


def _cond_exp(prior, X, labels) -> np.ndarray:
    """E[X | cell] at every state, cells given by the rows of ``labels`` (n_states, n_features)."""
    _, inv = np.unique(labels, axis=0, return_inverse=True)
    inv = inv.ravel()
    mass = np.bincount(inv, weights=prior)
    tot = np.bincount(inv, weights=prior * X)
    safe = np.where(mass > 0, mass, 1.0)
    return np.where(mass > 0, tot / safe, 0.0)[inv]  # cells of zero prior mass get 0




def _inputs(prior, partitions, X):
    """Validated (prior, partitions as labels of shape (n_agents, n_states), X)."""
    prior = as_distribution(prior, "prior")
    P = _partitions(partitions, prior.size)
    X = as_finite_array(X, "X", ndim=1)
    if X.size != prior.size:
        raise ValueError(f"X must have one value per state ({prior.size}); got {X.size}")
    return prior, P, X


def dialogue(prior: ArrayLike, partitions: ArrayLike, X: ArrayLike, *, max_rounds: int = 1000) -> Dialogue:
    """Simulate the Geanakoplos–Polemarchakis dialogue for every true state.

    Parameters
    ----------
    prior : array_like, shape (n_states,)
    partitions : array_like of int, shape (n_agents, n_states)
        ``partitions[i, w]`` labels agent i's cell containing state w (at least two agents).
    X : array_like, shape (n_states,)
        The quantity estimated (0/1 for an event).

    Examples
    --------
    Four equally likely states; agent 0 learns whether the state is in
    {0, 1} or {2, 3}, agent 1 whether it is even or odd:

    >>> partitions = [[0, 0, 1, 1], [0, 1, 0, 1]]
    >>> d = dialogue([0.25] * 4, partitions, [1, 1, 0, 1])  # X: the state is not 2
    >>> d.agreed, d.rounds
    (array([1., 1., 0., 1.]), array([1, 0, 2, 2]))
    >>> d.announcements[:2]  # agent 0 says 1 or 1/2; agent 1 then knows X
    array([[1. , 1. , 0.5, 0.5],
           [1. , 1. , 0. , 1. ]])
    """
    prior, P, X = _inputs(prior, partitions, X)
    n = prior.size
    m = P.shape[0]
    max_rounds = as_int(max_rounds, "max_rounds")
    if max_rounds < 1:
        raise ValueError(f"max_rounds must be at least 1; got {max_rounds}")
    # Work on X / max|X|: announcements are compared after rounding to DECIMALS decimals, which is then
    # relative to X's unit (and cannot overflow for X near 1e308); the results are scaled back.
    unit = float(np.abs(X).max()) or 1.0
    X = X / unit
    public = np.zeros((0, n))  # rows: announcement functions heard so far
    announcements, speakers = [], []
    quiet = 0  # consecutive announcements that taught nothing
    for t in range(max_rounds):
        i = t % m
        info = np.vstack([P[i][None, :], np.round(public, DECIMALS)])
        say = _cond_exp(prior, X, info.T)
        announcements.append(say)
        speakers.append(i)
        before = np.unique(np.round(public, DECIMALS).T, axis=0).shape[0] if public.size else 1
        public = np.vstack([public, say[None, :]])
        after = np.unique(np.round(public, DECIMALS).T, axis=0).shape[0]
        quiet = quiet + 1 if after == before else 0
        if quiet >= m:
            break
    A = np.array(announcements)
    # Final estimates of every agent given its cell and the whole public record.
    record = np.round(public, DECIMALS)
    finals = np.array([_cond_exp(prior, X, np.vstack([P[i][None, :], record]).T) for i in range(m)])
    agreement = np.all(np.isclose(finals, finals[0], atol=1e-9), axis=0)
    # Every agent's estimate after each prefix of the record (t = 0: private information only).
    est = np.array(
        [
            [_cond_exp(prior, X, np.vstack([P[i][None, :], record[:t]]).T) for i in range(m)]
            for t in range(len(A) + 1)
        ]
    )  # (n_rounds + 1, m, n)
    settled = np.all(np.isclose(est, finals[0][None, None, :], atol=1e-9), axis=1)  # (n_rounds + 1, n)
    # Rounds: announcements until every estimate equals the final one and stays there.
    unsettled_after = ~settled[::-1].cumprod(axis=0).astype(bool)[::-1]
    rounds = unsettled_after.sum(axis=0)
    pooled = _cond_exp(prior, X, P.T)
    return Dialogue(
        announcements=A * unit,
        speakers=np.array(speakers),
        rounds=rounds,
        agreed=finals[0] * unit,
        pooled=pooled * unit,
        agreement=agreement,
        estimates=est * unit,
    )


def random_partitions(n_states: int, n_agents: int, n_cells: int, rng: np.random.Generator | int | None) -> np.ndarray:
    """Each agent's partition: every state gets one of ``n_cells`` labels at random.

    >>> random_partitions(4, 2, 2, rng=0)
    array([[1, 1, 1, 0],
           [0, 0, 0, 0]])
    """
    n_states, n_agents, n_cells = (as_int(x, name) for x, name in
                                   ((n_states, "n_states"), (n_agents, "n_agents"), (n_cells, "n_cells")))
    if min(n_states, n_agents, n_cells) < 1:
        raise ValueError(f"n_states, n_agents and n_cells must be positive; got {n_states}, {n_agents}, {n_cells}")
    check_size("n_states * n_agents", n_states * n_agents)
    return as_rng(rng).integers(0, n_cells, size=(n_agents, n_states))


def partition_from_cells(cells: Iterable[Iterable[int]], n_states: int) -> np.ndarray:
    """Labels (one per state) from a list of cells; the cells must cover the states exactly once.

    >>> partition_from_cells([[0, 1], [2]], 3)
    array([0, 0, 1])
    """
    n_states = as_int(n_states, "n_states", low=1)
    check_size("n_states", n_states)
    if isinstance(cells, (str, bytes)) or not hasattr(cells, "__iter__"):
        raise TypeError(f"cells must be a sequence of cells (sequences of states); got {type(cells).__name__}")
    labels = np.full(n_states, -1)
    for j, cell in enumerate(cells):
        if isinstance(cell, (str, bytes)) or not hasattr(cell, "__iter__"):
            raise TypeError(f"cells[{j}] must be a sequence of states; got {type(cell).__name__}: {cell!r}")
        for w in cell:
            w = as_int(w, f"cells[{j}] entry")
            if not 0 <= w < n_states:
                raise ValueError(f"cells must hold states in [0, n_states = {n_states}); cell {j} holds {w}")
            if labels[int(w)] != -1:
                raise ValueError(f"cells must be disjoint: state {w} is in cell {labels[int(w)]} and cell {j}")
            labels[int(w)] = j
    missing = np.flatnonzero(labels < 0)
    if missing.size:
        raise ValueError(
            f"cells must cover the n_states = {n_states} states: states {missing.tolist()} are in no cell"
        )
    return labels


def exact_agreed_estimates(prior: Iterable[int | float | Fraction | str], partitions: ArrayLike,
                           X: Iterable[int | float | Fraction | str]) -> list:
    """The dialogue's agreed estimate at every state, in exact rational arithmetic.

    A second implementation of :func:`dialogue`, by another route: the public
    record is kept as a list of sets of states (the cells of the public
    partition), every probability is a :class:`fractions.Fraction`, and two
    announcements are the same value only if they are equal as fractions, so
    no tolerance is involved. ``prior`` and ``X`` must hold exact numbers
    (``int``, ``Fraction`` or strings such as ``"1/3"``). Returns the agreed
    estimate of agent 0 at each state, as a list of fractions.

    >>> exact_agreed_estimates(["1/4"] * 4, [[0, 0, 1, 1], [0, 1, 0, 1]], [1, 0, 0, 1])
    [Fraction(1, 2), Fraction(1, 2), Fraction(1, 2), Fraction(1, 2)]
    """

    def exact(values, name):
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise TypeError(f"{name} must be a sequence of exact numbers; got {type(values).__name__}: {values!r}")
        out = []
        for i, x in enumerate(values):
            exact_types = (int, np.integer, float, np.floating, Fraction, str)
            if isinstance(x, (bool, np.bool_)) or not isinstance(x, exact_types):
                raise TypeError(
                    f"{name}[{i}] must be an exact number (int, Fraction, float or a string such as '1/3'); "
                    f"got {type(x).__name__}: {x!r}"
                )
            try:
                out.append(Fraction(x) if not isinstance(x, np.generic) else Fraction(x.item()))
            except (ValueError, ZeroDivisionError, OverflowError) as exc:
                raise ValueError(f"{name}[{i}] must be an exact number such as '1/3'; got {x!r} ({exc})") from None
        return out

    prior = exact(prior, "prior")
    X = exact(X, "X")
    if sum(prior) != 1 or min(prior) < 0:
        raise ValueError(f"prior must be a probability vector of exact numbers summing to 1; got sum {sum(prior)}")
    P = _partitions(partitions, len(prior))
    if len(X) != len(prior):
        raise ValueError(f"X must have one value per state ({len(prior)}); got {len(X)}")
    n, m = len(prior), P.shape[0]

    def cond(cell):
        mass = sum(prior[w] for w in cell)
        return sum(prior[w] * X[w] for w in cell) / mass if mass else Fraction(0)

    public = [set(range(n))]  # cells of the public partition
    quiet, t = 0, 0
    while quiet < m:
        i = t % m
        say = {}
        for cell in public:
            for label in {int(P[i, w]) for w in cell}:
                own = {w for w in cell if P[i, w] == label}
                value = cond(own)
                for w in own:
                    say[w] = value
        finer = []
        for cell in public:
            for value in {say[w] for w in cell}:
                finer.append({w for w in cell if say[w] == value})
        quiet = quiet + 1 if len(finer) == len(public) else 0
        public, t = finer, t + 1
    agreed = [Fraction(0)] * n
    for cell in public:
        for label in {int(P[0, w]) for w in cell}:
            own = {w for w in cell if P[0, w] == label}
            for w in own:
                agreed[w] = cond(own)
    return agreed


def epsilon_agreement_rounds(d: Dialogue, eps: float) -> np.ndarray:
    """Per true state: announcements until two consecutive ones (different speakers) differ by at most ``eps``.

    Stopping there is the ε-agreement rule. Even with ``eps = 0`` it can stop
    before :attr:`Dialogue.rounds`: two speakers may say the same number while
    the second one's announcement still teaches the first something.

    Four equally likely states; agent 0 learns whether the state is in
    {0, 1} or {2, 3}, agent 1 whether it is even or odd:

    >>> partitions = [[0, 0, 1, 1], [0, 1, 0, 1]]
    >>> d = dialogue([0.25] * 4, partitions, [1, 1, 0, 1])
    >>> epsilon_agreement_rounds(d, 0.0)
    array([2, 2, 3, 3])
    """
    if not isinstance(d, Dialogue):
        raise TypeError(f"d must be a Dialogue (the result of dialogue()); got {type(d).__name__}")
    eps = as_real(eps, "eps")
    if not eps >= 0:
        raise ValueError(f"eps must be >= 0; got {eps!r}")
    A = d.announcements
    if len(A) < 2:
        return np.ones(A.shape[1], dtype=int)
    close = np.abs(np.diff(A, axis=0)) <= eps + 1e-12  # close[t]: announcements t and t+1
    first = np.where(close.any(axis=0), close.argmax(axis=0) + 2, len(A))
    return first


@dataclass(frozen=True)
class StrategicOutcome:
    """One run of :func:`strategic_dialogue` for one true state.

    In the dialogue of :func:`dialogue`'s example (X: the state is not 2), at
    state 2 agent 0 pushes the estimate up by 1/2; agent 1 ends up sure of the
    wrong answer and cannot tell:

    >>> game = ([0.25] * 4, [[0, 0, 1, 1], [0, 1, 0, 1]], [1, 1, 0, 1])
    >>> out = strategic_dialogue(*game, true_state=2, shade=0.5)
    >>> out.estimates.tolist(), out.rounds  # the liar still believes 1/2; agent 1 is sure
    ([0.5, 1.0], 3)
    >>> out.truth_excluded, out.detected
    (True, False)
    """

    estimates: np.ndarray  # final estimate of every honest agent (the liar's: its own honest belief)
    rounds: int
    truth_excluded: bool  # the public record, read as honest, rules out the true state
    detected: bool  # an honest agent found the record inconsistent with its own information


def strategic_dialogue(prior: ArrayLike, partitions: ArrayLike, X: ArrayLike, true_state: int, shade: float, *,
                       liar: int = 0, max_rounds: int = 200) -> StrategicOutcome:
    """The dialogue when agent ``liar`` shades its announcements and the others believe it honest.

    Listeners keep the set of states consistent with the record *as if*
    every announcement were truthful: after agent i says a, they keep the
    states at which agent i would truthfully have said a. The liar wants the
    estimate moved by ``shade`` without being caught, so it says the value,
    among those some honest type of it could say, closest to its truthful
    estimate plus ``shade``. ``shade = 0`` is the honest dialogue. The record
    can then exclude the true state, and the honest agents end up confident
    and wrong, unless one of them holds information the record contradicts,
    which exposes the lie (``detected``; the dialogue stops there).

    Examples
    --------
    Agent 0 knows {2, 3}, agent 1 knows "even"; X is 1 unless the state is 2.
    Honest, agent 1 learns X = 0; shaded by 1/2, agent 0's announcement rules
    out state 2 and agent 1 concludes X = 1:

    >>> game = ([0.25] * 4, [[0, 0, 1, 1], [0, 1, 0, 1]], [1, 1, 0, 1])
    >>> honest = strategic_dialogue(*game, true_state=2, shade=0.0)
    >>> shaded = strategic_dialogue(*game, true_state=2, shade=0.5)
    >>> float(honest.estimates[1]), float(shaded.estimates[1])
    (0.0, 1.0)
    >>> shaded.truth_excluded, shaded.detected
    (True, False)
    """
    prior, P, X = _inputs(prior, partitions, X)
    n = prior.size
    true_state = as_int(true_state, "true_state")
    shade = as_real(shade, "shade")
    liar = as_int(liar, "liar")
    max_rounds = as_int(max_rounds, "max_rounds", low=1)
    unit = float(np.abs(X).max()) or 1.0  # as in dialogue: rounding relative to X's unit, no overflow
    X, shade = X / unit, shade / unit
    if not 0 <= true_state < n:
        raise ValueError(f"true_state must be in [0, {n}); got {true_state}")
    m = P.shape[0]
    if not 0 <= liar < m:
        raise ValueError(f"liar must index an agent, in [0, {m}); got {liar}")

    def estimate(mask):
        mass = prior[mask].sum()
        return float(prior[mask] @ X[mask] / mass) if mass > 0 else float("nan")

    if prior[true_state] <= 0:
        raise ValueError(f"true_state must have positive prior probability; prior[{true_state}] is 0")
    C = prior > 0  # the public set, as honest listeners read the record (states of prior 0 never happen)
    quiet, rounds, detected = 0, 0, False
    for t in range(max_rounds):
        i = t % m
        # What agent i would truthfully say at each state still in C.
        honest = np.full(n, np.nan)
        for w in np.flatnonzero(C):
            honest[w] = estimate(C & (P[i] == P[i, w]))
        own = C & (P[i] == P[i, true_state])
        if not own.any():
            if i == liar:
                own = P[i] == P[i, true_state]
            else:  # an honest agent sees that the record contradicts what it knows: the lie is caught
                detected = True
                break
        truthful = estimate(own)
        if i == liar and shade != 0:
            options = np.unique(np.round(honest[C], 12))
            say = float(options[np.argmin(np.abs(options - (truthful + shade)))])
        else:
            say = truthful
        keep = C & np.isclose(honest, say, atol=1e-9)
        rounds += 1
        quiet = quiet + 1 if keep.sum() == C.sum() else 0
        C = keep
        if quiet >= m:
            break
    est = np.empty(m)
    for j in range(m):
        mine = C & (P[j] == P[j, true_state])
        est[j] = estimate(mine) if mine.any() else estimate(C)
    est[liar] = estimate(P[liar] == P[liar, true_state])
    return StrategicOutcome(estimates=est * unit, rounds=rounds, truth_excluded=not C[true_state], detected=detected)
