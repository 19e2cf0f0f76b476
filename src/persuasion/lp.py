r"""Linear programs: one way to solve them and one way to report a failure.

Every LP of the library is solved by :func:`solve_lp`, which hands the
problem to HiGHS through :func:`scipy.optimize.linprog`, checks the solver's
status and raises :class:`LPError` (a ``RuntimeError``) naming the LP that
failed, the status and the solver's message. :func:`least_violation` is the
one LP formulation shared by several modules: how far ``A x = b, x >= 0`` is
from feasible.

Constraint matrices may be dense arrays or ``scipy.sparse`` matrices; scipy
hands HiGHS a CSC matrix either way, so build them sparse where they are large
and mostly zero (the obedience constraints), dense where they are small.

The one exception is the LP of :func:`optimal_signal
<persuasion.bayesian_persuasion.optimal_signal>`, solved through cvxpy (its
``solver`` option chooses the solver); it reports a failure with the same
:class:`LPError`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy.optimize import OptimizeResult, linprog

from ._validation import as_bool, as_finite_array

__all__ = ["LPError", "solve_lp", "least_violation"]

_METHODS = ("highs", "highs-ds", "highs-ipm")


def _matrix(A, name: str):
    """A finite 2-D constraint matrix, dense or sparse (kept sparse), or ``None``."""
    if A is None:
        return None
    if sp.issparse(A):
        if A.ndim != 2:
            raise ValueError(f"{name} must be 2-dimensional; got shape {A.shape}")
        if A.dtype.kind not in "iuf":
            raise TypeError(f"{name} must hold real numbers; got a sparse matrix of dtype {A.dtype}")
        if not np.isfinite(A.data).all():
            raise ValueError(f"{name} must contain only finite numbers; its sparse data holds NaN or inf")
        return A
    return as_finite_array(A, name, ndim=2, booleans=False)


def _vector(b, name: str, size: int | None = None):
    if b is None:
        return None
    arr = as_finite_array(b, name, ndim=1, booleans=False)
    if size is not None and arr.size != size:
        matrix = "A" + name[1:]
        raise ValueError(f"{name} must have one entry per row of {matrix} ({size} rows); got length {arr.size}")
    return arr


#: Rows of a constraint (with their right-hand side) and an objective whose largest coefficient lies
#: outside [1 / _SCALE_RANGE, _SCALE_RANGE] are divided by it before HiGHS sees them: HiGHS refuses
#: coefficients above 1e15, treats right-hand sides beyond 1e20 as infinite and drops entries below 1e-9.
_SCALE_RANGE = 1e6
_HIGHS_SMALL = 1e-9
_HIGHS_BIG = 1e15


def _equilibrate(A, b, names: str, rhs_free: bool = False):
    """``(A, b)`` with each row whose largest |coefficient| (right-hand side included) is extreme divided by it.

    A row that spans more orders of magnitude than HiGHS can hold (an entry that would fall below
    ``1e-9`` of the row's largest) raises a ``ValueError`` naming ``names``.
    """
    if A is None:
        return A, b
    if not A.shape[1]:
        a = np.zeros(A.shape[0])
    elif sp.issparse(A):  # each row's largest |coefficient|, read from the stored entries (no dense copy)
        csr = A.tocsr()
        a, rows = np.zeros(A.shape[0]), np.flatnonzero(np.diff(csr.indptr))
        if rows.size:
            a[rows] = np.maximum.reduceat(np.abs(csr.data), csr.indptr[rows])
    else:
        a = np.abs(A).max(axis=1)
    # The right-hand side counts towards a row's size unless the caller rescales the variables.
    r = a if rhs_free else np.maximum(a, np.abs(b))
    if a.size and a.min() >= 1 / _SCALE_RANGE and r.max() <= _SCALE_RANGE:  # the usual case, in two reductions
        return A, b

    def _out(v):
        return (v > _SCALE_RANGE) | ((v > 0) & (v < 1 / _SCALE_RANGE))

    # A row whose coefficients are all tiny is divided by its largest coefficient even when its
    # right-hand side is moderate: HiGHS would drop the coefficients and see an empty row.
    tiny_a = (a > 0) & (a < 1 / _SCALE_RANGE)
    extreme = _out(r) | tiny_a
    if not extreme.any():  # the usual case: nothing to rescale, nothing more to compute
        return A, b
    dense = np.abs(A.toarray()) if sp.issparse(A) else np.abs(A)
    scale = np.where(tiny_a, a, np.where(extreme, r, 1.0))
    scaled = dense / scale[:, None]
    lost = extreme[:, None] & (dense > 0) & (scaled < _HIGHS_SMALL)
    lost_b = extreme & (np.abs(b) > 0) & ((np.abs(b) / scale < _HIGHS_SMALL) | (np.abs(b) / scale > _HIGHS_BIG))
    if rhs_free:
        lost_b[:] = False
    if lost.any() or lost_b.any():
        i = int(np.flatnonzero(lost.any(axis=1) | lost_b)[0])
        values = [v for v in list(dense[i][dense[i] > 0]) + [abs(b[i])] if v > 0]
        raise ValueError(
            f"{names}: row {i} mixes coefficients {float(max(values))!r} and {float(min(values))!r}, more than "
            f"{int(np.log10(1 / _HIGHS_SMALL))} orders of magnitude apart, which HiGHS cannot hold; "
            "rescale the variables or the constraint"
        )
    inv = sp.diags(1.0 / scale) if sp.issparse(A) else None
    A = (inv @ A).tocsr() if inv is not None else A / scale[:, None]
    return A, b / scale


def _what(what) -> str:
    if not isinstance(what, str):
        raise TypeError(f"what must be a str naming the LP; got {type(what).__name__}: {what!r}")
    return what


class LPError(RuntimeError):
    """A linear program ended without an optimum.

    Attributes
    ----------
    what : str
        Which LP failed (e.g. ``"robust_delegation"``).
    status : int or str
        The solver's status: :func:`scipy.optimize.linprog`'s code for HiGHS
        (1 iteration or time limit, 2 infeasible, 3 unbounded, 4 numerical
        difficulties), a cvxpy status string for the solvers cvxpy calls.
    detail : str
        The solver's message (may be empty).
    solver : str

    Examples
    --------
    >>> err = LPError("closure LP", 2, "The problem is infeasible")
    >>> str(err), err.infeasible
    ('closure LP: HiGHS returned status 2 (The problem is infeasible)', True)
    """

    def __init__(self, what: str, status: int | str, detail: str = "", solver: str = "HiGHS") -> None:
        self.what, self.status, self.detail, self.solver = what, status, detail, solver
        text = f"{what}: {solver} returned status {status!r}"
        super().__init__(f"{text} ({detail})" if detail else text)

    def __reduce__(self):
        return type(self), (self.what, self.status, self.detail, self.solver)

    @property
    def infeasible(self) -> bool:
        """Whether the solver proved the LP infeasible."""
        return self.status == 2 or self.status == "infeasible"


def solve_lp(
    c: ArrayLike,
    *,
    A_ub: ArrayLike | sp.sparray | sp.spmatrix | None = None,
    b_ub: ArrayLike | None = None,
    A_eq: ArrayLike | sp.sparray | sp.spmatrix | None = None,
    b_eq: ArrayLike | None = None,
    bounds: tuple[float | None, float | None] | Sequence[tuple[float | None, float | None]] = (0, None),
    method: str = "highs",
    maximize: bool = False,
    what: str = "linear program",
) -> OptimizeResult:
    r"""Solve :math:`\min c^\top x` (or :math:`\max`) s.t. ``A_ub x <= b_ub``, ``A_eq x = b_eq``, ``bounds``.

    Parameters
    ----------
    c : array_like, shape (n,)
        Objective coefficients.
    A_ub, b_ub, A_eq, b_eq : array_like or sparse matrix, optional
        Inequality and equality constraints, as in :func:`scipy.optimize.linprog`.
    bounds : sequence
        ``(lo, hi)`` for every variable, or one ``(lo, hi)`` per variable;
        ``None`` is unbounded. Default: ``x >= 0``. Checked by
        :func:`scipy.optimize.linprog`.
    method : {"highs", "highs-ds", "highs-ipm"}
        HiGHS's automatic choice, its dual simplex or its interior-point method.
    maximize : bool
        Maximise :math:`c^\top x` (the solver minimises :math:`-c^\top x`).
    what : str
        Names the LP in the error raised when it fails.

    Returns
    -------
    scipy.optimize.OptimizeResult
        ``x`` the optimum and ``fun`` the optimal value of the stated problem
        (of the maximum when ``maximize``); the remaining fields (``slack``,
        ``eqlin``, ...) are linprog's, for the minimisation it solved.

    Raises
    ------
    ValueError, TypeError
        When a coefficient is not a finite real number, the shapes do not
        match, or a constraint row spans more than nine orders of magnitude
        (HiGHS drops entries below ``1e-9`` of the row's scale); the message
        names the argument. Rows and the objective whose largest coefficient
        lies outside ``[1e-6, 1e6]`` are divided by it first, which leaves the
        solution unchanged; with the default bounds ``x >= 0``, right-hand
        sides outside that range rescale the variables (solve for
        ``x / max|b|``), so that units from ``1e-300`` to ``1e300`` work.
        With other bounds a row's right-hand side counts towards its size.
    LPError
        A ``RuntimeError``, when the solver ends without an optimum
        (infeasible, unbounded, iteration limit, numerical trouble); the
        message names ``what``, the status and the solver's message.

    Examples
    --------
    Maximise :math:`x + 2y` subject to :math:`x + y \le 4`, :math:`x + 3y \le 6`,
    :math:`x, y \ge 0`. The two constraints cross at :math:`(3, 1)`, worth 5,
    more than the other vertices :math:`(4, 0)` (worth 4) and :math:`(0, 2)`
    (worth 4).

    >>> res = solve_lp([1, 2], A_ub=[[1, 1], [1, 3]], b_ub=[4, 6], maximize=True)
    >>> res.x.round(9).tolist(), round(res.fun, 9)
    ([3.0, 1.0], 5.0)
    >>> solve_lp([1, 1], A_eq=[[1, 1]], b_eq=[-1], what="toy LP")
    Traceback (most recent call last):
    ...
    persuasion.lp.LPError: toy LP: HiGHS returned status 2 (The problem is infeasible. ...)
    """
    if not isinstance(method, str) or method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}; got {method!r}")
    what = _what(what)
    maximize = as_bool(maximize, "maximize")
    c = as_finite_array(c, "c", ndim=1, booleans=False)
    A_ub, A_eq = _matrix(A_ub, "A_ub"), _matrix(A_eq, "A_eq")
    for A, b, name in ((A_ub, b_ub, "b_ub"), (A_eq, b_eq, "b_eq")):
        if (A is None) != (b is None):
            raise ValueError(f"{name} and its matrix {'A' + name[1:]} must be given together")
        if A is not None and A.shape[1] != c.size:
            raise ValueError(
                f"{'A' + name[1:]} must have one column per variable (len(c) = {c.size}); got shape {A.shape}"
            )
    b_ub = _vector(b_ub, "b_ub", None if A_ub is None else A_ub.shape[0])
    b_eq = _vector(b_eq, "b_eq", None if A_eq is None else A_eq.shape[0])
    # Extreme units: rows and objective divided by their largest coefficient (same solution x).
    default_bounds = isinstance(bounds, tuple) and len(bounds) == 2 and bounds[0] == 0 and bounds[1] is None
    A_ub, b_ub = _equilibrate(A_ub, b_ub, "A_ub and b_ub", rhs_free=default_bounds)
    A_eq, b_eq = _equilibrate(A_eq, b_eq, "A_eq and b_eq", rhs_free=default_bounds)
    # Extreme right-hand sides (a solution of size 1e-8 or 1e12) meet HiGHS's absolute tolerance of 1e-7:
    # with x >= 0 the only bounds, solve for y = x / t, where t is the largest right-hand side.
    rhs = np.abs(np.concatenate([v for v in (b_ub, b_eq) if v is not None] or [np.zeros(0)]))
    t = float(rhs.max()) if rhs.size else 0.0
    x_scale = t if default_bounds and (t > _SCALE_RANGE or 0 < t < 1 / _SCALE_RANGE) else 1.0
    if x_scale != 1.0:
        b_ub = None if b_ub is None else b_ub / x_scale
        b_eq = None if b_eq is None else b_eq / x_scale
    c_max = float(np.abs(c).max())
    c_scale = c_max if (c_max > _SCALE_RANGE or 0 < c_max < 1 / _SCALE_RANGE) else 1.0
    res = linprog((-c if maximize else c) / c_scale, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds,
                  method=method)
    if res.status != 0:
        raise LPError(what, res.status, res.message)
    if x_scale != 1.0:
        res.x = res.x * x_scale
        res.fun = res.fun * x_scale
    if c_scale != 1.0:
        res.fun = float(c @ res.x) * (-1 if maximize else 1)
    if maximize:
        res.fun = -res.fun
    return res


def least_violation(A_eq: ArrayLike | sp.sparray | sp.spmatrix, b_eq: ArrayLike, *,
                    what: str) -> tuple[float, np.ndarray]:
    r"""How far ``A_eq x = b_eq, x >= 0`` is from feasible, in the L1 sense.

    Solves :math:`\min \mathbf 1^\top (s^+ + s^-)` s.t. :math:`A x + s^+ - s^- = b`,
    :math:`x, s^\pm \ge 0`. That LP is always feasible and bounded, so any
    failure is the solver's and raises :class:`LPError`.

    Parameters
    ----------
    A_eq : array_like or sparse matrix, shape (m, n)
        The LP is built sparse if ``A_eq`` is, dense otherwise.
    b_eq : array_like, shape (m,)
    what : str
        Names the LP in the error raised when it fails.

    Returns
    -------
    violation : float
        The smallest total violation; 0 iff the system has a solution.
    x : ndarray, shape (n,)
        A point attaining it.

    Examples
    --------
    ``x1 + x2 = 1`` has non-negative solutions; ``x1 + x2 = -1`` misses by 1.

    >>> least_violation([[1, 1]], [1], what="demo")[0]
    0.0
    >>> least_violation([[1, 1]], [-1], what="demo")[0]
    1.0
    """
    what = _what(what)
    A_eq = _matrix(A_eq, "A_eq")
    if A_eq is None:
        raise TypeError("A_eq must be a matrix; got None")
    b_eq = _vector(b_eq, "b_eq", A_eq.shape[0])
    if sp.issparse(A_eq):
        m, n = A_eq.shape
        eye = sp.identity(m, format="csr")
        A = sp.hstack([sp.csr_matrix(A_eq), eye, -eye], format="csr")
    else:  # small problems: building sparse matrices would cost more than the solve
        m, n = A_eq.shape
        A = np.hstack([A_eq, np.eye(m), -np.eye(m)])
    c = np.concatenate([np.zeros(n), np.ones(2 * m)])
    res = solve_lp(c, A_eq=A, b_eq=b_eq, what=what)
    return float(res.fun), res.x[:n]
