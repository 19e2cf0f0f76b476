r"""Online persuasion with an unknown Receiver type: Bai et al.'s Algorithm 1 and its regret.

The setting of :cite:t:`castiglioni2020online`, on which Bai et al. §3.4
builds. Each round an adversary picks the Receiver's type :math:`k_t` from a
finite set, unknown to the Advisor. The Advisor commits to a *direct*
scheme :math:`\phi(r \mid c)` that recommends a response to every type at once
(a *profile* :math:`r \in \mathcal Y^K`, seen whole by the Receiver whatever
its type) and is *persuasive*: for every profile :math:`r` and type
:math:`k`, a type-:math:`k` Receiver told :math:`r` prefers to follow
:math:`r_k`. The Advisor's expected utility against type :math:`k` is linear
in :math:`\phi`, so :math:`f(\phi) = [-v(\phi, k)]_k` maps the polytope
:math:`\mathcal P` of persuasive schemes onto a polytope :math:`f(\mathcal P)
\subset \mathbb R^K`, and round :math:`t`'s loss is the coordinate
:math:`k_t` of :math:`f(\phi_t)`.

* :meth:`OnlinePersuasion.vertices` finds the vertices of :math:`f(\mathcal P)`
  exactly (the convex-hull method: LP in the outward normal of every facet
  until no facet moves), each with a scheme attaining it.
* :func:`caratheodory` writes a point of a polytope as a convex combination
  of at most :math:`d + 1` of its vertices (Algorithm 1's DECOMPOSE; the
  reduction itself is :func:`persuasion.beliefs.reduce_support`).
* :func:`stochastic_types` and :func:`adversarial_types` draw the Receivers'
  type sequences.
* Algorithm 1 itself, the regret minimiser (EXP2) and its rates are in
  :mod:`persuasion.online_algorithm`.
* :meth:`OnlinePersuasion.best_in_hindsight` computes the best fixed scheme
  for a type sequence exactly, by LP over :math:`\mathcal P`.

A direct scheme has ``n_items * m**K`` variables; :class:`OnlinePersuasion`
refuses instances with more than ``max_variables`` (default
:data:`MAX_VARIABLES`) before building anything.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy.spatial import ConvexHull

from ._validation import as_distribution, as_finite_array
from .beliefs import reduce_support
from .lp import least_violation, solve_lp

__all__ = [
    "OnlinePersuasion",
    "MAX_VARIABLES",
    "caratheodory",
    "stochastic_types",
    "adversarial_types",
]

#: Default limit on ``n_items * m**K``, the number of variables of a direct scheme.
MAX_VARIABLES = 100_000


def caratheodory(point: ArrayLike, vertices: ArrayLike, *, atol: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """Write ``point`` as a convex combination of at most ``d + 1`` rows of ``vertices``.

    Parameters
    ----------
    point : array_like, shape (d,)
    vertices : array_like, shape (n, d)

    Returns
    -------
    indices : ndarray of int, shape (k,), k <= d + 1
        Rows of ``vertices`` used.
    weights : ndarray, shape (k,)
        Positive weights summing to 1, with ``weights @ vertices[indices] == point``.

    Raises
    ------
    ValueError
        If ``point`` is not in the convex hull of the rows of ``vertices``.

    Examples
    --------
    >>> idx, w = caratheodory([0.25, 0.25], [[0, 0], [1, 0], [0, 1], [1, 1]])
    >>> (
    ...     len(idx) <= 3,
    ...     np.allclose(w @ np.array([[0, 0], [1, 0], [0, 1], [1, 1]])[idx], [0.25, 0.25]),
    ... )
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
    max_variables : int
        Largest number of scheme variables ``n_items * n_responses**n_types``
        accepted (default :data:`MAX_VARIABLES`). The count grows exponentially
        in the number of types and is checked before anything is allocated;
        raise the limit to build a larger instance anyway.

    Examples
    --------
    Two items, two responses, two Receiver types: a scheme recommends one of
    the four profiles :math:`(r_1, r_2)` for each item.

    >>> game = OnlinePersuasion(
    ...     [0.5, 0.5], [[1, 0], [0, 1]], [[[1, 0], [0, 1]], [[0.4, 0.4], [0, 1]]]
    ... )
    >>> game, game.n_variables
    (OnlinePersuasion(n_items=2, n_responses=2, n_types=2), 8)
    """

    def __init__(self, prior: ArrayLike, advisor_utility: ArrayLike, receiver_utilities: ArrayLike, *,
                 max_variables: int = MAX_VARIABLES) -> None:
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
        if isinstance(max_variables, bool) or not isinstance(max_variables, numbers.Integral) or max_variables < 1:
            raise ValueError(f"max_variables must be a positive integer; got {max_variables!r}")
        self.n_items, self.m, self.K = n, self.v.shape[0], self.u.shape[0]
        n_variables = n * self.m**self.K  # Python integers: no overflow
        if n_variables > max_variables:
            raise ValueError(
                f"receiver_utilities: {self.K} types with {self.m} responses and {n} items give "
                f"n_items * n_responses**n_types = {n_variables:.3g} scheme variables, more than "
                f"max_variables={max_variables}; pass a larger max_variables to build it anyway "
                "(memory and LP time grow as n_responses**n_types)"
            )
        grids = np.meshgrid(*[np.arange(self.m)] * self.K, indexing="ij")
        self.profiles = np.stack([g.ravel() for g in grids], axis=1).astype(int)  # (R, K), lexicographic
        self._vertices = None
        self._constraints = None

    def __repr__(self) -> str:
        return f"OnlinePersuasion(n_items={self.n_items}, n_responses={self.m}, n_types={self.K})"

    @property
    def n_variables(self) -> int:
        """Number of scheme variables, ``n_items * n_responses**n_types``."""
        return self.n_items * len(self.profiles)

    # -- the polytope P ---------------------------------------------------------------
    def type_values_matrix(self) -> np.ndarray:
        """``M[k, (c, r)] = mu(c) v(r_k, c)``: v(phi, k) = M @ phi.ravel(), phi of shape (n_items, R)."""
        R = len(self.profiles)
        M = np.empty((self.K, self.n_items, R))
        for k in range(self.K):
            M[k] = self.prior[:, None] * self.v[self.profiles[:, k]].T  # (n_items, R)
        return M.reshape(self.K, -1)

    def constraints(self):
        """``(A_eq, b_eq, A_ub, b_ub)`` of P: rows of phi sum to one; obedience as ``A_ub x <= 0``.

        The signal is the whole profile ``r``, seen by the Receiver whatever its
        type, so obedience holds *given the profile*: for every profile ``r``,
        type ``k`` and response ``a != r_k``,
        ``sum_c mu(c) phi(r | c) (u_k(a, c) - u_k(r_k, c)) <= 0``
        (``m**K * K * (m - 1)`` rows, one per profile, type and deviation).
        The variable ``(c, r)`` sits at ``c * m**K + r``.
        """
        if self._constraints is None:
            R, n, K, m = len(self.profiles), self.n_items, self.K, self.m
            A_eq = sp.kron(sp.identity(n), np.ones((1, R)), format="csr")
            # gain[r, k, a, c] = mu(c) (u_k(a, c) - u_k(r_k, c))
            followed = self.u[np.arange(K)[None, :], self.profiles]  # (R, K, n): u_k(r_k, c)
            gain = self.prior * (self.u[None, :, :, :] - followed[:, :, None, :])  # (R, K, m, n)
            deviation = np.arange(m)[None, None, :] != self.profiles[:, :, None]  # (R, K, m)
            r_idx = np.broadcast_to(np.arange(R)[:, None, None], (R, K, m))[deviation]
            n_rows = r_idx.size
            rows = np.repeat(np.arange(n_rows), n)
            cols = (np.arange(n)[None, :] * R + r_idx[:, None]).ravel()
            A_ub = sp.csr_matrix((gain[deviation].ravel(), (rows, cols)), shape=(n_rows, self.n_variables))
            self._constraints = (A_eq, np.ones(n), A_ub, np.zeros(n_rows))
        return self._constraints

    def _maximise(self, c):
        """max c . phi over P; returns (value, phi flattened)."""
        A_eq, b_eq, A_ub, b_ub = self.constraints()
        res = solve_lp(
            c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, method="highs-ds", maximize=True, what="OnlinePersuasion"
        )
        return float(res.fun), np.clip(res.x, 0.0, None)

    def values(self, phi: ArrayLike) -> np.ndarray:
        """v(phi, k) for every type, from a scheme of shape (n_items, m**K)."""
        return self.type_values_matrix() @ np.asarray(phi, dtype=float).ravel()

    def best_in_hindsight(self, type_counts: ArrayLike) -> tuple[float, np.ndarray]:
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


def stochastic_types(n_types: int, T: int, rng: np.random.Generator | int | None, *,
                     probabilities: ArrayLike | None = None) -> np.ndarray:
    """i.i.d. types (uniform unless ``probabilities`` is given).

    >>> stochastic_types(2, 5, 0).tolist()
    [1, 0, 0, 0, 1]
    """
    n_types, T = _n_types(n_types), _horizon(T)
    if probabilities is None:
        p = np.full(n_types, 1 / n_types)
    else:
        p = as_distribution(probabilities, "probabilities")
        if p.size != n_types:
            raise ValueError(f"probabilities must have length n_types = {n_types}; got {p.size}")
    return np.random.default_rng(rng).choice(n_types, size=T, p=p)


def adversarial_types(n_types: int, T: int) -> np.ndarray:
    """Oblivious blocks of doubling length, cycling through the types (defeats follow-the-leader).

    >>> adversarial_types(2, 7).tolist()
    [0, 1, 1, 0, 0, 0, 0]
    """
    n_types, T = _n_types(n_types), _horizon(T)
    out, k, length = [], 0, 1
    while len(out) < T:
        out.extend([k] * length)
        k = (k + 1) % n_types
        length *= 2
    return np.array(out[:T], dtype=int)


def _positive_int(x, what: str) -> int:
    ok = isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x) and int(x) == x and x > 0
    if not ok:
        raise ValueError(f"{what} must be a positive integer; got {x!r}")
    return int(x)


def _horizon(T) -> int:
    return _positive_int(T, "T (the number of rounds)")


def _n_types(n_types) -> int:
    return _positive_int(n_types, "n_types")


def _type_sequence(types, n_types: int) -> np.ndarray:
    """``types`` as integer indices in ``[0, n_types)``, or a ValueError naming ``types``."""
    arr = np.asarray(types)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"types must be a non-empty 1-D sequence of type indices; got shape {arr.shape}")
    if arr.dtype.kind not in "iuf" or arr.dtype == bool:
        raise ValueError(f"types must contain integer type indices; got dtype {arr.dtype}")
    bad = ~np.isfinite(arr) | (arr != np.round(arr)) if arr.dtype.kind == "f" else np.zeros(arr.size, bool)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"types must contain integer type indices; got {arr[i].item()!r} at index {i}")
    if arr.min() < 0 or arr.max() >= n_types:
        raise ValueError(f"types must lie in [0, {n_types}); got values in [{arr.min():g}, {arr.max():g}]")
    return arr.astype(int)
