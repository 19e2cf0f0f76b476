r"""Online persuasion with an unknown Receiver type: Bai et al.'s Algorithm 1 and its regret.

The setting of :cite:t:`castiglioni2020online`, on which Bai et al. §3.4
builds. Each round an adversary picks the Receiver's type :math:`k_t` from a
finite set, unknown to the Advisor. The Advisor commits to a *direct*
scheme :math:`\phi(r \mid c)` that recommends a response to every type at once
(:math:`r \in \mathcal Y^K`) and is *persuasive* for every type (obedience
constraints); the Receiver of type :math:`k_t` follows :math:`r_{k_t}`. The
Advisor's expected utility against type :math:`k` is linear in
:math:`\phi`, so :math:`f(\phi) = [-v(\phi, k)]_k` maps the polytope
:math:`\mathcal P` of persuasive schemes onto a polytope :math:`f(\mathcal P)
\subset \mathbb R^K`, and round :math:`t`'s loss is the coordinate
:math:`k_t` of :math:`f(\phi_t)`.

* :meth:`OnlinePersuasion.vertices` finds the vertices of :math:`f(\mathcal P)`
  exactly (the convex-hull method: LP in the outward normal of every facet
  until no facet moves), each with a scheme attaining it.
* :func:`caratheodory` writes a point of a polytope as a convex combination
  of at most :math:`d + 1` of its vertices (Algorithm 1's DECOMPOSE).
* :func:`run_algorithm1` plays Algorithm 1 with EXP2 with uniform
  exploration over the vertices as the regret minimiser, with
  bandit feedback (only the realised utility :math:`v(c_t, y_t)`).
* :meth:`OnlinePersuasion.best_in_hindsight` computes the best fixed scheme
  for a type sequence exactly, by LP over :math:`\mathcal P`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.spatial import ConvexHull

from ._validation import as_distribution, as_finite_array
from .beliefs import reduce_support
from .lp import least_violation, solve_lp

__all__ = [
    "OnlinePersuasion",
    "caratheodory",
    "RegretRun",
    "run_algorithm1",
    "stochastic_types",
    "adversarial_types",
]


def caratheodory(point, vertices, *, atol: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """Write ``point`` as a convex combination of at most ``d + 1`` rows of ``vertices``.

    Parameters
    ----------
    point : array_like, shape (d,)
    vertices : array_like, shape (n, d)

    Returns
    -------
    indices : ndarray of int, shape (k,), k <= d + 1
    weights : ndarray, shape (k,), positive, summing to 1

    Raises ``ValueError`` if ``point`` is not in the convex hull.

    >>> idx, w = caratheodory([0.25, 0.25], [[0, 0], [1, 0], [0, 1], [1, 1]])
    >>> len(idx) <= 3, np.allclose(w @ np.array([[0, 0], [1, 0], [0, 1], [1, 1]])[idx], [0.25, 0.25])
    (True, True)
    """
    V = as_finite_array(vertices, "vertices", ndim=2)
    z = as_finite_array(point, "point", ndim=1)
    if z.size != V.shape[1]:
        raise ValueError(f"point must have length {V.shape[1]} (the vertices' dimension); got {z.size}")
    n, d = V.shape
    # Any convex combination: the least violation of V' w = z, 1' w = 1 over w >= 0.
    A = np.vstack([V.T, np.ones((1, n))])
    violation, w = least_violation(A, np.append(z, 1.0), what="caratheodory")
    scale = max(1.0, float(np.abs(V).max()))
    if violation > atol * scale * (d + 1):
        raise ValueError(
            f"point {np.array2string(z, precision=6)} is outside the convex hull of the vertices "
            f"(distance in the L1 sense {violation:.3g})"
        )
    return reduce_support(w, V)


class OnlinePersuasion:
    """Advisor utility ``v[y, c]``, Receiver types ``u[k, y, c]`` and a prior over items.

    Parameters
    ----------
    prior : array_like, shape (n_items,)
    advisor_utility : array_like, shape (n_responses, n_items)
    receiver_utilities : array_like, shape (n_types, n_responses, n_items)
    """

    def __init__(self, prior, advisor_utility, receiver_utilities):
        self.prior = as_distribution(prior, "prior")
        self.v = as_finite_array(advisor_utility, "advisor_utility", ndim=2)
        self.u = as_finite_array(receiver_utilities, "receiver_utilities", ndim=3)
        n = self.prior.size
        if self.v.shape[1] != n:
            raise ValueError(f"advisor_utility must have shape (n_responses, {n}); got {self.v.shape}")
        if self.u.shape[1:] != self.v.shape:
            raise ValueError(
                f"receiver_utilities must have shape (n_types, {self.v.shape[0]}, {n}); got {self.u.shape}"
            )
        self.n_items, self.m, self.K = n, self.v.shape[0], self.u.shape[0]
        self.profiles = np.array(list(itertools.product(range(self.m), repeat=self.K)), dtype=int)  # (R, K)
        self._vertices = None

    def __repr__(self) -> str:
        return f"OnlinePersuasion(n_items={self.n_items}, n_responses={self.m}, n_types={self.K})"

    @property
    def n_variables(self) -> int:
        return self.n_items * len(self.profiles)

    # -- the polytope P ---------------------------------------------------------------
    def type_values_matrix(self) -> np.ndarray:
        """``M[k, (c, r)] = mu(c) v(r_k, c)``: v(phi, k) = M @ phi.ravel(), phi of shape (n_items, R)."""
        R = len(self.profiles)
        M = np.empty((self.K, self.n_items, R))
        for k in range(self.K):
            M[k] = (self.prior[:, None] * self.v[self.profiles[:, k]].T)  # (n_items, R)
        return M.reshape(self.K, -1)

    def constraints(self):
        """``(A_eq, b_eq, A_ub, b_ub)`` of P: rows of phi sum to one; obedience for every type as ``A_ub x <= 0``."""
        R = len(self.profiles)
        A_eq = sp.kron(sp.identity(self.n_items), np.ones((1, R)), format="csr")
        b_eq = np.ones(self.n_items)
        rows = []
        for k in range(self.K):
            for a in range(self.m):
                follows = self.profiles[:, k] == a  # profiles recommending a to type k
                for a2 in range(self.m):
                    if a2 == a:
                        continue
                    gain = self.prior * (self.u[k, a2] - self.u[k, a])  # (n_items,)
                    rows.append((gain[:, None] * follows[None, :]).ravel())
        A_ub = sp.csr_matrix(np.array(rows)) if rows else sp.csr_matrix((0, self.n_variables))
        return A_eq, b_eq, A_ub, np.zeros(A_ub.shape[0])

    def _maximise(self, c):
        """max c . phi over P; returns (value, phi flattened)."""
        A_eq, b_eq, A_ub, b_ub = self.constraints()
        res = solve_lp(
            c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, method="highs-ds", maximize=True, what="OnlinePersuasion"
        )
        return float(res.fun), np.clip(res.x, 0.0, None)

    def values(self, phi) -> np.ndarray:
        """v(phi, k) for every type, from a scheme of shape (n_items, m**K)."""
        return self.type_values_matrix() @ np.asarray(phi, dtype=float).ravel()

    def best_in_hindsight(self, type_counts) -> tuple[float, np.ndarray]:
        """``max_phi sum_k n_k v(phi, k)`` over persuasive schemes; returns (value, scheme)."""
        n = as_finite_array(type_counts, "type_counts", ndim=1)
        if n.size != self.K or (n < 0).any():
            raise ValueError(f"type_counts must be {self.K} non-negative counts; got {n}")
        value, x = self._maximise(n @ self.type_values_matrix())
        return value, x.reshape(self.n_items, -1)

    def vertices(self, *, tol: float = 1e-9, max_rounds: int = 200):
        """Vertices of f(P) (``Z``, shape (N, K), Z = -v) and a scheme attaining each (shape (N, n_items, m**K))."""
        if self._vertices is not None:
            return self._vertices
        M = self.type_values_matrix()
        points, schemes = [], []

        def add(direction):
            _, x = self._maximise(direction @ M)  # maximise direction . v(phi, .)
            z = -(M @ x)
            if not any(np.allclose(z, p, atol=1e-9) for p in points):
                points.append(z)
                schemes.append(x.reshape(self.n_items, -1))
                return True
            return False

        def support(direction):  # max direction . z over f(P), z = -v
            value, _ = self._maximise(-direction @ M)
            return value

        for k in range(self.K):
            for sign in (1.0, -1.0):
                e = np.zeros(self.K)
                e[k] = sign
                add(-e)
        rng = np.random.default_rng(0)
        for _ in range(self.K + 1):
            add(rng.normal(size=self.K))
        for _ in range(max_rounds):
            P = np.array(points)
            centre = P.mean(axis=0)
            _, sv, vt = np.linalg.svd(P - centre)
            r = int((sv > 1e-9 * max(1.0, sv[0] if sv.size else 0.0)).sum())
            basis, normal_space = vt[:r].T, vt[r:]
            moved = False
            # Directions orthogonal to the points found so far: is f(P) flat there?
            for nvec in normal_space:
                for sign in (1.0, -1.0):
                    if support(sign * nvec) > sign * nvec @ centre + tol:
                        moved |= add(-sign * nvec)
            if r == 1:
                for sign in (1.0, -1.0):
                    moved |= add(-sign * basis[:, 0])
            elif r >= 2:
                hull = ConvexHull((P - centre) @ basis)
                for eq in hull.equations:  # n . y + offset <= 0 inside, y = basis' (z - centre)
                    normal = basis @ eq[:-1]
                    limit = normal @ centre - eq[-1]
                    if support(normal) > limit + tol * max(1.0, abs(limit)):
                        moved |= add(-normal)
            if not moved:
                break
        P = np.array(points)
        centre = P.mean(axis=0)
        _, sv, vt = np.linalg.svd(P - centre)
        r = int((sv > 1e-9 * max(1.0, sv[0] if sv.size else 0.0)).sum())
        if r >= 2:
            idx = np.sort(ConvexHull((P - centre) @ vt[:r].T).vertices)
        elif r == 1:
            t = (P - centre) @ vt[0]
            idx = np.unique([int(np.argmin(t)), int(np.argmax(t))])
        else:
            idx = np.array([0])
        self._vertices = (P[idx], np.array(schemes)[idx])
        return self._vertices


def stochastic_types(n_types: int, T: int, rng, *, probabilities=None) -> np.ndarray:
    """i.i.d. types (uniform unless ``probabilities`` is given)."""
    T = _horizon(T)
    p = np.full(n_types, 1 / n_types) if probabilities is None else as_distribution(probabilities, "probabilities")
    return np.random.default_rng(rng).choice(n_types, size=T, p=p)


def adversarial_types(n_types: int, T: int) -> np.ndarray:
    """Oblivious blocks of doubling length, cycling through the types (defeats follow-the-leader)."""
    T = _horizon(T)
    out, k, length = [], 0, 1
    while len(out) < T:
        out.extend([k] * length)
        k = (k + 1) % n_types
        length *= 2
    return np.array(out[:T], dtype=int)


def _horizon(T) -> int:
    if int(T) != T or T <= 0:
        raise ValueError(f"T (the number of rounds) must be a positive integer; got {T!r}")
    return int(T)


@dataclass(frozen=True)
class RegretRun:
    """Result of :func:`run_algorithm1`: regret after each round (pseudo-regret, exact comparator)."""

    regret: np.ndarray
    played: np.ndarray
    best_value: float


def run_algorithm1(
    game: OnlinePersuasion, types, rng, *, eta: float | None = None, gamma: float | None = None
) -> RegretRun:
    """Algorithm 1 with EXP2 (uniform exploration) over the vertices of f(P), bandit feedback.

    Each round: RECOMMEND a distribution ``p_t`` over vertices (its mean is
    the point :math:`z_t \\in \\mathrm{co} f(\\mathcal P)`); play a vertex drawn
    from ``p_t``; draw an item :math:`c_t \\sim \\mu` and a recommendation
    profile from the vertex's scheme; OBSERVE only the realised utility
    :math:`v(c_t, y_t)` of the response of type :math:`k_t`; update with the
    unbiased estimate :math:`\\hat\\ell_t = \\Sigma_t^{-1} z_{i_t} (-v(c_t, y_t))`
    with :math:`\\Sigma_t = \\mathbb E_{z \\sim p_t}[z z^\\top]`.

    ``regret[t]`` compares the played schemes' expected utilities against
    the realised types with the best fixed persuasive scheme for the whole
    sequence, computed by LP.
    """
    types = np.asarray(types, dtype=int)
    T = _horizon(types.size)
    if types.min() < 0 or types.max() >= game.K:
        raise ValueError(f"types must lie in [0, {game.K}); got values in [{types.min()}, {types.max()}]")
    rng = np.random.default_rng(rng)
    Z, schemes = game.vertices()
    N, d = Z.shape
    gamma = min(0.5, np.sqrt(d * np.log(max(N, 2)) / T)) if gamma is None else float(gamma)
    bound = max(1e-12, float(np.abs(Z).max()))
    eta = gamma / (d * bound**2) if eta is None else float(eta)
    if not (0 < gamma <= 1) or not eta > 0:
        raise ValueError(f"gamma must be in (0, 1] and eta > 0; got gamma={gamma}, eta={eta}")
    cum_items = np.cumsum(schemes, axis=2)  # (N, n_items, R): sample a profile by inverse CDF
    cum_prior = np.cumsum(game.prior)
    cum_loss = np.zeros(N)
    played = np.empty(T, dtype=int)
    u = rng.random((T, 3))
    ZZ = np.einsum("ni,nj->nij", Z, Z)
    ridge = 1e-12 * bound**2 * np.eye(d)  # Sigma is singular only if f(P) is lower-dimensional
    for t in range(T):
        w = np.exp(-eta * (cum_loss - cum_loss.min()))
        p = (1 - gamma) * w / w.sum() + gamma / N
        i = min(int(np.searchsorted(np.cumsum(p), u[t, 0] * p.sum())), N - 1)
        c = min(int(np.searchsorted(cum_prior, u[t, 1])), game.n_items - 1)
        r = min(int(np.searchsorted(cum_items[i, c], u[t, 2] * cum_items[i, c, -1])), len(game.profiles) - 1)
        y = game.profiles[r, types[t]]
        loss = -game.v[y, c]
        sigma = np.tensordot(p, ZZ, axes=1) + ridge
        ell = np.linalg.solve(sigma, Z[i]) * loss
        cum_loss += Z @ ell
        played[t] = i
    expected = -Z[played, types]  # v(phi_t, k_t)
    counts_so_far = np.zeros((T, game.K))
    counts_so_far[np.arange(T), types] = 1
    best_value, _ = game.best_in_hindsight(np.bincount(types, minlength=game.K))
    # Regret after every round: the best fixed vertex for each prefix (exact: f(P)'s vertices).
    prefix = np.cumsum(counts_so_far, axis=0) @ (-Z.T)  # (T, N): utility of each vertex
    regret = prefix.max(axis=1) - np.cumsum(expected)
    return RegretRun(regret=regret, played=played, best_value=best_value)
