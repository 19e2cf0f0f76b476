r"""Bai et al.'s Algorithm 1 on an :class:`~persuasion.online.OnlinePersuasion` instance, and its regret.

* :func:`run_algorithm1` plays Algorithm 1 step by step: the regret
  minimiser (EXP2 over a finite set of points of :math:`f(\mathcal P)`)
  RECOMMENDs a point, DECOMPOSE (:func:`~persuasion.online.caratheodory`)
  writes it with vertices, one is sampled and played, and the regret
  minimiser OBSERVEs one realised utility.
* :func:`exp2_rates` gives EXP2's exploration and learning rates: those of
  the cited bound (exploration on a :func:`barycentric_spanner`) or
  exploration uniform over all the points.
* :class:`RegretRun` holds what a run did and its pseudo-regret.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.spatial import ConvexHull

from ._validation import as_finite_array
from .online import OnlinePersuasion, _horizon, _positive_int, _type_sequence, caratheodory

__all__ = ["barycentric_spanner", "exp2_rates", "RegretRun", "run_algorithm1"]


def barycentric_spanner(points: ArrayLike, *, C: float = 2.0) -> np.ndarray:
    """Indices of a ``C``-approximate barycentric spanner of the rows of ``points``.

    Every row is a linear combination of the spanner's rows with coefficients
    in ``[-C, C]`` (the swap algorithm of :cite:t:`awerbuch2004adaptive`, in the
    linear span of the rows: the spanner has as many rows as the rank).
    GeometricHedge :cite:p:`dani2008price` explores uniformly over such a spanner.

    Parameters
    ----------
    points : array_like, shape (N, d)
    C : float
        Approximation factor, greater than 1.

    Returns
    -------
    ndarray of int
        Sorted indices of the spanner's rows (as many as the rank of ``points``).

    Examples
    --------
    >>> barycentric_spanner([[1, 0], [0, 1], [1, 1], [2, 2]]).tolist()
    [0, 3]
    """
    X = as_finite_array(points, "points", ndim=2)
    if not C > 1:
        raise ValueError(f"C must exceed 1; got {C}")
    _, sv, vt = np.linalg.svd(X, full_matrices=False)
    r = int((sv > 1e-9 * max(1.0, sv[0])).sum())
    if r == 0:
        raise ValueError("points must not all be zero (their span has dimension 0)")
    Y = X @ vt[:r].T  # coordinates in the span, shape (N, r)

    def dets(B, i):  # |det| of B with row i replaced by each row of Y
        B2 = np.repeat(B[None], len(Y), axis=0)
        B2[:, i] = Y
        return np.abs(np.linalg.det(B2))

    B, idx = np.eye(r), np.full(r, -1)
    for i in range(r):
        j = int(np.argmax(dets(B, i)))
        B[i], idx[i] = Y[j], j
    for _ in range(1000):  # each swap multiplies |det B| by more than C: finitely many
        base = abs(np.linalg.det(B))
        for i in range(r):
            d = dets(B, i)
            j = int(np.argmax(d))
            if d[j] > C * base:
                B[i], idx[i] = Y[j], j
                break
        else:
            break
    return np.sort(idx)


def _cover(Z, per_axis: int) -> np.ndarray:
    """The vertices ``Z``, then the points of a lattice (``per_axis`` per axis) strictly inside co(Z)."""
    if per_axis < 3 or len(Z) <= 1:
        return Z.copy()
    centre = Z.mean(axis=0)
    _, sv, vt = np.linalg.svd(Z - centre)
    r = int((sv > 1e-9 * max(1.0, sv[0])).sum())
    if r == 0:
        return Z.copy()
    basis = vt[:r]
    Y = (Z - centre) @ basis.T
    lo, hi = Y.min(axis=0), Y.max(axis=0)
    axes = [np.linspace(a, b, per_axis) for a, b in zip(lo, hi)]
    grid = np.stack([g.ravel() for g in np.meshgrid(*axes, indexing="ij")], axis=1)
    margin = 1e-7 * max(1.0, float(np.abs(Y).max()))
    if r == 1:
        inside = (grid[:, 0] > lo[0] + margin) & (grid[:, 0] < hi[0] - margin)
    else:
        eq = ConvexHull(Y).equations  # n . y + offset <= 0 inside
        inside = (grid @ eq[:, :-1].T + eq[:, -1] < -margin).all(axis=1)
    return np.vstack([Z, centre + grid[inside] @ basis])


@dataclass(frozen=True)
class RegretRun:
    """Result of :func:`run_algorithm1`.

    Attributes
    ----------
    regret : ndarray, shape (T,)
        Regret after each round: the best fixed vertex for the prefix against
        the expected utilities of the vertices played (exact comparator).
    played : ndarray of int, shape (T,)
        Index of the vertex of f(P) played each round.
    recommended : ndarray of int, shape (T,)
        Index (a row of ``points``) of the point :math:`z_t` RECOMMENDed each round.
    support : ndarray of int, shape (T,)
        Number of vertices in DECOMPOSE's combination for :math:`z_t` (at most ``d + 1``).
    points : ndarray, shape (n_points, d)
        The regret minimiser's points: the vertices of f(P) first, then the cover.
    best_value : float
        The best fixed persuasive scheme's total utility, by LP over P.
    gamma : float
        The exploration rate used: the weight of the exploration distribution in each round's play.
    eta : float
        The learning rate used: the step of the exponential weights.

    Examples
    --------
    >>> game = OnlinePersuasion(
    ...     [0.5, 0.5], [[1, 0], [0, 1]], [[[1, 0], [0, 1]], [[0.4, 0.4], [0, 1]]]
    ... )
    >>> run = run_algorithm1(game, [0, 1, 1, 0], 0)
    >>> run.played.shape, run.points.shape[1], bool(np.isfinite(run.best_value))
    ((4,), 2, True)
    """

    regret: np.ndarray
    played: np.ndarray
    recommended: np.ndarray
    support: np.ndarray
    points: np.ndarray
    best_value: float
    gamma: float
    eta: float


EXPLORATIONS = ("spanner", "uniform")


def exp2_rates(d: int, n_points: int, T: int, bound: float, exploration: str = "spanner") -> tuple[float, float]:
    r"""Exploration rate ``gamma`` and learning rate ``eta`` of EXP2 for ``T`` rounds.

    ``"spanner"``: the tuning of GeometricHedge :cite:p:`dani2008price`, the
    analysis behind the :math:`d^{3/2}\sqrt{T \log T}` bound: exploration
    uniform on a barycentric spanner of the ``n_points`` points,
    :math:`\gamma = d\sqrt{\ln N / T}` and :math:`\eta = \gamma / (d^2 B)`,
    so that :math:`\eta\,|z^\top \hat\ell| \le 1` for every point :math:`z`
    (:math:`B` bounds the observed loss). The bound is then
    :math:`O(d\sqrt{T \ln N})`, and :math:`O(d^{3/2}\sqrt{T \log T})` for a
    cover with :math:`N \approx T^{d/2}` points.
    ``"uniform"``: exploration uniform over all ``N`` points with
    :math:`\gamma = \sqrt{d \ln N / T}` and :math:`\eta = \gamma / (d B)`, the
    rates of EXP2 with John's exploration :cite:p:`bubeck2012towards`; their
    analysis needs John's distribution, not the uniform one, so no bound is
    claimed for this pair. ``gamma`` is capped at 1/2.

    Parameters
    ----------
    d : int
        Dimension of the points.
    n_points : int
        Number of points ``N`` EXP2 chooses among.
    T : int
        Horizon.
    bound : float
        Bound ``B`` on the absolute value of an observed loss.
    exploration : {"spanner", "uniform"}

    Returns
    -------
    gamma : float
        Exploration rate, at most 1/2.
    eta : float
        Learning rate.

    Examples
    --------
    >>> exp2_rates(2, 8, 10_000, 1.0)
    (0.0288..., 0.00721...)
    >>> exp2_rates(2, 8, 10_000, 1.0, "uniform")
    (0.0203..., 0.0101...)
    """
    if exploration not in EXPLORATIONS:
        raise ValueError(f"exploration must be one of {EXPLORATIONS}; got {exploration!r}")
    d, T = _positive_int(d, "d"), _horizon(T)
    n_points = _positive_int(n_points, "n_points")
    if not (math.isfinite(bound) and bound > 0):
        raise ValueError(f"bound must be a positive finite number; got {bound!r}")
    log_n = np.log(max(n_points, 2))
    if exploration == "spanner":
        gamma = min(0.5, float(d * np.sqrt(log_n / T)))
        return gamma, gamma / (d**2 * bound)
    gamma = min(0.5, float(np.sqrt(d * log_n / T)))
    return gamma, gamma / (d * bound)


def run_algorithm1(
    game: OnlinePersuasion,
    types: ArrayLike,
    rng: np.random.Generator | int | None,
    *,
    exploration: str = "spanner",
    cover: int = 5,
    eta: float | None = None,
    gamma: float | None = None,
) -> RegretRun:
    r"""Algorithm 1 (Bai et al.) with EXP2 as the regret minimiser, bandit feedback.

    The regret minimiser :math:`\mathcal R` is EXP2 over a finite set
    :math:`S \subset \mathrm{co} f(\mathcal P)`: the vertices of
    :math:`f(\mathcal P)` and the points strictly inside it of a lattice with
    ``cover`` points per axis of its bounding box (``cover < 3``: the
    vertices only). The analysis behind the cited bound runs EXP2 on a cover
    of about :math:`T^{d/2}` points; this lattice is far coarser, which loses
    nothing against the best fixed scheme, since a linear loss is minimised at
    a vertex and every vertex is in :math:`S`. Each round:

    1. RECOMMEND: :math:`\mathcal R` draws :math:`z_t \in S` from
       :math:`p_t`, its exponential weights mixed (weight :math:`\gamma`) with
       the exploration distribution (``exploration``, see :func:`exp2_rates`).
    2. DECOMPOSE: :func:`~persuasion.online.caratheodory` writes :math:`z_t` as
       :math:`\sum_i \lambda^{(i)} f(\phi^{(i)})` over at most :math:`d + 1`
       vertices (computed once per point of :math:`S`: DECOMPOSE is a function
       of :math:`z_t`).
    3. Sample :math:`i_t` with probabilities :math:`\lambda^{(i)}`; play the
       vertex's scheme: draw an item :math:`c_t \sim \mu` and a profile
       :math:`r \sim \phi^{(i_t)}(\cdot \mid c_t)`; the type-:math:`k_t`
       Receiver plays :math:`y_t = r_{k_t}`.
    4. OBSERVE: only :math:`v(c_t, y_t)`. Its expectation given :math:`z_t` is
       :math:`-z_t^\top e_{k_t}`, so :math:`\hat\ell_t = \Sigma_t^{+} z_t\,(-v(c_t, y_t))`,
       :math:`\Sigma_t = \mathbb E_{z \sim p_t}[z z^\top]`, is EXP2's usual
       unbiased loss estimate (on the span of :math:`S`).

    ``regret[t]`` is the pseudo-regret of the vertices played: the best
    vertex for the first ``t + 1`` types minus the expected utilities
    :math:`v(\phi_s, k_s)` of the schemes played.

    Parameters
    ----------
    game : OnlinePersuasion
    types : array_like of int, shape (T,)
        The Receiver's type each round, in ``[0, game.K)``.
    rng : int or numpy.random.Generator
        Seed of every draw.
    exploration : {"spanner", "uniform"}
        Exploration distribution and default rates (:func:`exp2_rates`).
    cover : int
        Lattice points per axis of the cover (0 for the vertices only).
    gamma : float, optional
        Exploration rate, in place of that of :func:`exp2_rates`.
    eta : float, optional
        Learning rate, in place of that of :func:`exp2_rates`.

    Returns
    -------
    RegretRun

    Examples
    --------
    >>> from persuasion.online import stochastic_types
    >>> game = OnlinePersuasion(
    ...     [0.5, 0.5], [[1, 0], [0, 1]], [[[1, 0], [0, 1]], [[0.4, 0.4], [0, 1]]]
    ... )
    >>> run = run_algorithm1(game, stochastic_types(2, 200, 0), 1)
    >>> run.regret.shape, bool(run.support.max() <= game.K + 1)
    ((200,), True)
    """
    types = _type_sequence(types, game.K)
    T = types.size
    if exploration not in EXPLORATIONS:
        raise ValueError(f"exploration must be one of {EXPLORATIONS}; got {exploration!r}")
    if isinstance(cover, bool) or not isinstance(cover, numbers.Integral) or cover < 0:
        raise ValueError(f"cover must be a non-negative integer; got {cover!r}")
    rng = np.random.default_rng(rng)
    Z, schemes = game.vertices()
    S = _cover(Z, int(cover))
    n_points, d = S.shape
    bound = max(1e-12, float(np.abs(game.v).max()))  # |observed loss| <= max |v|
    g0, e0 = exp2_rates(d, n_points, T, bound, exploration)
    gamma = g0 if gamma is None else float(gamma)
    eta = e0 if eta is None else float(eta)
    if not (0 < gamma <= 1) or not (math.isfinite(eta) and eta > 0):
        raise ValueError(f"gamma must be in (0, 1] and eta a positive number; got gamma={gamma}, eta={eta}")
    # Losses matter only through z . l for z in S: work in coordinates of S's linear span, where
    # Sigma_t is invertible (the exploration puts weight on a basis of it).
    _, sv, vt = np.linalg.svd(S, full_matrices=False)
    Y = S @ vt[: int((sv > 1e-9 * max(1.0, sv[0])).sum())].T
    rank = Y.shape[1]  # 0 only if every point is 0: every scheme is worth 0 against every type
    explore = np.zeros(n_points)
    basis = barycentric_spanner(S) if exploration == "spanner" and rank else np.arange(n_points)
    explore[basis] = 1 / len(basis)
    # DECOMPOSE(z, f(P)) for every point the regret minimiser can recommend (vertices: themselves).
    decomposition = [caratheodory(z, Z) if s >= len(Z) else (np.array([s]), np.ones(1)) for s, z in enumerate(S)]
    cum_items = np.cumsum(schemes, axis=2)  # (N, n_items, R): sample a profile by inverse CDF
    cum_prior = np.cumsum(game.prior)
    cum_loss = np.zeros(n_points)
    played = np.empty(T, dtype=int)
    recommended = np.empty(T, dtype=int)
    support = np.empty(T, dtype=int)
    u = rng.random((T, 4))
    YY = np.einsum("ni,nj->nij", Y, Y).reshape(n_points, rank * rank)
    items = np.minimum(np.searchsorted(cum_prior, u[:, 2]), game.n_items - 1)  # c_t ~ mu
    cum_lam = [np.cumsum(lam) for _, lam in decomposition]
    for t in range(T):
        w = np.exp(-eta * (cum_loss - cum_loss.min()))
        p = (1 - gamma) * w / w.sum() + gamma * explore
        s = min(int(p.cumsum().searchsorted(u[t, 0] * p.sum())), n_points - 1)  # RECOMMEND
        keep = decomposition[s][0]  # DECOMPOSE
        j = min(int(cum_lam[s].searchsorted(u[t, 1] * cum_lam[s][-1])), keep.size - 1)
        i = int(keep[j])  # the vertex played
        c = items[t]
        r = min(int(cum_items[i, c].searchsorted(u[t, 3] * cum_items[i, c, -1])), len(game.profiles) - 1)
        loss = -game.v[game.profiles[r, types[t]], c]  # OBSERVE: one realised utility
        if rank:
            ell = np.linalg.solve((p @ YY).reshape(rank, rank), Y[s] * loss)
            cum_loss += Y @ ell
        played[t], recommended[t], support[t] = i, s, keep.size
    expected = -Z[played, types]  # v(phi_t, k_t)
    counts_so_far = np.zeros((T, game.K))
    counts_so_far[np.arange(T), types] = 1
    best_value, _ = game.best_in_hindsight(np.bincount(types, minlength=game.K))
    # Regret after every round: the best fixed vertex for each prefix (exact: f(P)'s vertices).
    prefix = np.cumsum(counts_so_far, axis=0) @ (-Z.T)  # (T, N): utility of each vertex
    regret = prefix.max(axis=1) - np.cumsum(expected)
    return RegretRun(
        regret=regret,
        played=played,
        recommended=recommended,
        support=support,
        points=S,
        best_value=best_value,
        gamma=gamma,
        eta=eta,
    )
