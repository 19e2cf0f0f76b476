"""Input checks shared by every module.

Every public function validates its arguments here, so that a bad input
fails early with a message that names the argument, says what was
expected and shows what was received.
"""

from __future__ import annotations

import numpy as np

#: Absolute tolerance for "sums to one" and "lies on the simplex".
SIMPLEX_ATOL = 1e-8


def as_finite_array(x, name: str, *, ndim: int | None = None) -> np.ndarray:
    """Return ``x`` as a float array, or raise a ``ValueError`` naming ``name``.

    >>> as_finite_array([1, 2], "prior")
    array([1., 2.])
    >>> as_finite_array([[1, float("nan")]], "u")
    Traceback (most recent call last):
    ...
    ValueError: u must contain only finite numbers; found NaN at index (0, 1)
    """
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of numbers; got {type(x).__name__}: {exc}") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional; got an array of shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty; got an array of shape {arr.shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        kind = "NaN" if np.isnan(arr[idx]) else "inf"
        where = idx[0] if len(idx) == 1 else idx
        raise ValueError(f"{name} must contain only finite numbers; found {kind} at index {where}")
    return arr


def as_distribution(x, name: str, *, atol: float = SIMPLEX_ATOL) -> np.ndarray:
    """Return ``x`` as a probability vector (1-D, non-negative, summing to 1).

    >>> as_distribution([0.25, 0.75], "prior")
    array([0.25, 0.75])
    >>> as_distribution([0.5, 0.6], "prior")
    Traceback (most recent call last):
    ...
    ValueError: prior must sum to 1; its entries sum to 1.1
    """
    arr = as_finite_array(x, name, ndim=1)
    if (arr < -atol).any():
        i = int(np.argmin(arr))
        raise ValueError(f"{name} must be non-negative; entry {i} is {arr[i]:.6g}")
    total = arr.sum()
    if abs(total - 1.0) > atol:
        raise ValueError(f"{name} must sum to 1; its entries sum to {total:.6g}")
    return np.clip(arr, 0.0, None)


def as_stochastic_matrix(x, name: str, *, n_rows: int | None = None, atol: float = SIMPLEX_ATOL) -> np.ndarray:
    """Return ``x`` as a row-stochastic matrix (non-negative rows summing to 1).

    >>> as_stochastic_matrix([[1, 0], [0.5, 0.5]], "scheme")
    array([[1. , 0. ],
           [0.5, 0.5]])
    >>> as_stochastic_matrix([[1, 0], [0.5, 0.4]], "scheme")
    Traceback (most recent call last):
    ...
    ValueError: scheme must be row-stochastic; row 1 sums to 0.9
    """
    arr = as_finite_array(x, name, ndim=2)
    if n_rows is not None and arr.shape[0] != n_rows:
        raise ValueError(
            f"{name} must have {n_rows} rows (one per state); got an array of shape {arr.shape}"
        )
    if (arr < -atol).any():
        idx = tuple(int(i) for i in np.unravel_index(np.argmin(arr), arr.shape))
        raise ValueError(f"{name} must be non-negative; entry {idx} is {arr[idx]:.6g}")
    sums = arr.sum(axis=1)
    off = np.abs(sums - 1.0) > atol
    if off.any():
        i = int(np.argmax(off))
        raise ValueError(f"{name} must be row-stochastic; row {i} sums to {sums[i]:.6g}")
    return np.clip(arr, 0.0, None)


def as_beliefs(x, name: str, n_states: int, *, atol: float = SIMPLEX_ATOL) -> np.ndarray:
    """Return ``x`` as an array of beliefs with last axis of length ``n_states``.

    A single belief has shape ``(n_states,)``; a batch has shape ``(..., n_states)``.

    >>> as_beliefs([0.2, 0.8], "belief", 2)
    array([0.2, 0.8])
    >>> as_beliefs([0.2, 0.3, 0.5], "belief", 2)
    Traceback (most recent call last):
    ...
    ValueError: belief must have last axis of length 2 (the number of states); got shape (3,)
    """
    arr = as_finite_array(x, name)
    if arr.ndim == 0 or arr.shape[-1] != n_states:
        raise ValueError(
            f"{name} must have last axis of length {n_states} (the number of states); got shape {arr.shape}"
        )
    if (arr < -atol).any():
        idx = tuple(int(i) for i in np.unravel_index(np.argmin(arr), arr.shape))
        raise ValueError(f"{name} must lie on the simplex: entry {idx} is negative ({arr[idx]:.6g})")
    sums = arr.sum(axis=-1)
    off = np.abs(sums - 1.0) > atol
    if np.any(off):
        where = tuple(int(i) for i in np.argwhere(np.atleast_1d(off))[0])
        total = np.atleast_1d(sums)[where]
        loc = "" if arr.ndim == 1 else f" at index {where[0] if len(where) == 1 else where}"
        raise ValueError(f"{name} must lie on the simplex: entries{loc} sum to {total:.6g}, not 1")
    return np.clip(arr, 0.0, None)
