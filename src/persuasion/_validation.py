"""Input checks shared by every module.

Every public function validates its arguments here, so that a bad input
fails early with a message that names the argument, says what was
expected and shows what was received. Numbers in messages are printed with
``repr`` precision, so that a sum off by ``1e-7`` does not read as "1".

Arrays must hold real numbers: strings, ``None`` and complex numbers raise a
``TypeError`` naming the argument (``numpy`` would turn ``"1"`` into ``1.0``
without a word), and so do booleans wherever a probability or a utility is
expected (:func:`as_finite_array` takes ``booleans=True`` for 0/1 outcomes).
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike

#: Absolute tolerance for "sums to one" and "lies on the simplex".
SIMPLEX_ATOL = 1e-8


def num(x: float) -> str:
    """A number as ``repr`` prints it (all the digits a float has); used in error messages.

    >>> num(0.1 + 0.2), num(np.float64(1.0) - 1e-7), num(3)
    ('0.30000000000000004', '0.9999999', '3')
    """
    if isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_)):
        return repr(int(x))
    return repr(float(x))


def _is_real_scalar(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def as_real(x: float, name: str, *, low: float | None = None, high: float | None = None,
            low_open: bool = False, finite: bool = True) -> float:
    """Return ``x`` as a float, or raise naming ``name``: a ``TypeError`` if it is no real number
    (``bool``, ``str`` and ``None`` included), a ``ValueError`` if it is NaN, infinite or out of range.

    >>> as_real(0.5, "eps", low=0)
    0.5
    >>> as_real(True, "eps")
    Traceback (most recent call last):
    ...
    TypeError: eps must be a real number; got bool: True
    >>> as_real(-1e-300, "eps", low=0)
    Traceback (most recent call last):
    ...
    ValueError: eps must be >= 0; got -1e-300
    """
    if not _is_real_scalar(x) and not (isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "iuf"):
        raise TypeError(f"{name} must be a real number; got {type(x).__name__}: {x!r}")
    value = float(x)
    if np.isnan(value) or (finite and np.isinf(value)):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    if low is not None and (value <= low if low_open else value < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {num(low)}; got {value!r}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {num(high)}; got {value!r}")
    return value


def as_int(x: int | float, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``x`` as an ``int``; integral floats such as ``3.0`` pass, ``bool`` and ``3.5`` do not.

    >>> as_int(3.0, "n_grid", low=3)
    3
    >>> as_int(2.5, "n_grid")
    Traceback (most recent call last):
    ...
    ValueError: n_grid must be an integer; got 2.5
    >>> as_int(1, "n_grid", low=3)
    Traceback (most recent call last):
    ...
    ValueError: n_grid must be >= 3; got 1
    """
    if isinstance(x, (numbers.Integral, np.integer)) and not isinstance(x, (bool, np.bool_)):
        value = int(x)
    else:
        f = as_real(x, name)
        if f != int(f):
            raise ValueError(f"{name} must be an integer; got {f!r}")
        value = int(f)
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}; got {value}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}; got {value}")
    return value


#: Largest array :func:`check_size` lets a function allocate (entries): 80 MB of floats.
MAX_ENTRIES = 10_000_000


def check_size(name: str, n_entries: int, limit: int = MAX_ENTRIES) -> None:
    """Raise a ``ValueError`` naming ``name`` if ``n_entries`` exceeds ``limit``, before anything is allocated.

    >>> check_size("n_states * n_actions", 10**12)
    Traceback (most recent call last):
    ...
    ValueError: n_states * n_actions asks for 1000000000000 entries, more than the limit 10000000
    """
    if n_entries > limit:
        raise ValueError(f"{name} asks for {n_entries} entries, more than the limit {limit}")


def as_bool(x: bool, name: str) -> bool:
    """Return ``x`` if it is a ``bool`` (or numpy bool); else a ``TypeError`` naming ``name``.

    >>> as_bool(True, "minimal")
    True
    >>> as_bool("no", "minimal")
    Traceback (most recent call last):
    ...
    TypeError: minimal must be True or False; got str: 'no'
    """
    if not isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {type(x).__name__}: {x!r}")
    return bool(x)


def _real_array(x, name: str, booleans: bool = False) -> np.ndarray:
    """``x`` as a float array; a ``TypeError`` for strings, ``None``, complex numbers (booleans unless allowed)."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array of numbers; got {type(x).__name__}: {x!r}")
    try:
        raw = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged nesting
        raise ValueError(f"{name} must be an array of numbers; got {type(x).__name__}: {exc}") from None
    kind = raw.dtype.kind
    if kind == "O":
        flat = raw.ravel()
        bad = [e for e in flat if not (_is_real_scalar(e) or (booleans and isinstance(e, (bool, np.bool_))))]
        if bad:
            bad = bad[0]
            raise TypeError(
                f"{name} must be an array of real numbers; it holds {type(bad).__name__}: {bad!r}"
            )
        try:
            return raw.astype(float)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ValueError(f"{name} must be an array of numbers; {exc}") from None
    if kind not in ("iufb" if booleans else "iuf"):
        what = {"b": "booleans", "U": "strings", "S": "bytes", "c": "complex numbers"}.get(kind, f"dtype {raw.dtype}")
        raise TypeError(f"{name} must be an array of real numbers; got {what}")
    return raw.astype(float)


def as_finite_array(x: ArrayLike, name: str, *, ndim: int | None = None, booleans: bool = True) -> np.ndarray:
    """Return ``x`` as a float array, or raise a ``ValueError`` (``TypeError``) naming ``name``.

    ``booleans=False`` rejects arrays of booleans (a utility or a probability is
    never ``True``); the default keeps them, read as 0/1 outcomes.

    >>> as_finite_array([1, 2], "prior")
    array([1., 2.])
    >>> as_finite_array([[1, float("nan")]], "u")
    Traceback (most recent call last):
    ...
    ValueError: u must contain only finite numbers; found NaN at index (0, 1)
    >>> as_finite_array(["1", "2"], "prior")
    Traceback (most recent call last):
    ...
    TypeError: prior must be an array of real numbers; got strings
    """
    arr = _real_array(x, name, booleans)
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


def as_distribution(x: ArrayLike, name: str, *, atol: float = SIMPLEX_ATOL) -> np.ndarray:
    """Return ``x`` as a probability vector (1-D, non-negative, summing to 1).

    >>> as_distribution([0.25, 0.75], "prior")
    array([0.25, 0.75])
    >>> as_distribution([0.5, 0.6], "prior")
    Traceback (most recent call last):
    ...
    ValueError: prior must sum to 1; its entries sum to 1.1
    >>> as_distribution([0.5, 0.5 - 1e-7], "prior")
    Traceback (most recent call last):
    ...
    ValueError: prior must sum to 1; its entries sum to 0.9999999
    """
    arr = as_finite_array(x, name, ndim=1, booleans=False)
    if (arr < -atol).any():
        i = int(np.argmin(arr))
        raise ValueError(f"{name} must be non-negative; entry {i} is {num(arr[i])}")
    with np.errstate(over="ignore"):  # a sum of huge entries is inf, and reported as such
        total = arr.sum()
    if abs(total - 1.0) > atol:
        raise ValueError(f"{name} must sum to 1; its entries sum to {num(total)}")
    return np.clip(arr, 0.0, None)


def _simplex_faults(arr: np.ndarray, atol: float):
    """(index of the most negative entry if one is below ``-atol``, else None; sums over the last axis;
    where those sums are off 1 by more than ``atol``)."""
    idx = None
    if (arr < -atol).any():
        idx = tuple(int(i) for i in np.unravel_index(np.argmin(arr), arr.shape))
    with np.errstate(over="ignore"):
        sums = arr.sum(axis=-1)
    return idx, sums, np.abs(sums - 1.0) > atol


def as_stochastic_matrix(x: ArrayLike, name: str, *, n_rows: int | None = None,
                         atol: float = SIMPLEX_ATOL) -> np.ndarray:
    """Return ``x`` as a row-stochastic matrix (non-negative rows summing to 1).

    >>> as_stochastic_matrix([[1, 0], [0.5, 0.5]], "scheme")
    array([[1. , 0. ],
           [0.5, 0.5]])
    >>> as_stochastic_matrix([[1, 0], [0.5, 0.4]], "scheme")
    Traceback (most recent call last):
    ...
    ValueError: scheme must be row-stochastic; row 1 sums to 0.9
    """
    arr = as_finite_array(x, name, ndim=2, booleans=False)
    if n_rows is not None and arr.shape[0] != n_rows:
        raise ValueError(
            f"{name} must have {n_rows} rows (one per state); got an array of shape {arr.shape}"
        )
    idx, sums, off = _simplex_faults(arr, atol)
    if idx is not None:
        raise ValueError(f"{name} must be non-negative; entry {idx} is {num(arr[idx])}")
    if off.any():
        i = int(np.argmax(off))
        raise ValueError(f"{name} must be row-stochastic; row {i} sums to {num(sums[i])}")
    return np.clip(arr, 0.0, None)


def as_beliefs(x: ArrayLike, name: str, n_states: int, *, atol: float = SIMPLEX_ATOL) -> np.ndarray:
    """Return ``x`` as an array of beliefs with last axis of length ``n_states``.

    A single belief has shape ``(n_states,)``; a batch has shape ``(..., n_states)``.

    >>> as_beliefs([0.2, 0.8], "belief", 2)
    array([0.2, 0.8])
    >>> as_beliefs([0.2, 0.3, 0.5], "belief", 2)
    Traceback (most recent call last):
    ...
    ValueError: belief must have last axis of length 2 (the number of states); got shape (3,)
    """
    arr = as_finite_array(x, name, booleans=False)
    if arr.ndim == 0 or arr.shape[-1] != n_states:
        raise ValueError(
            f"{name} must have last axis of length {n_states} (the number of states); got shape {arr.shape}"
        )
    idx, sums, off = _simplex_faults(arr, atol)
    if idx is not None:
        raise ValueError(f"{name} must lie on the simplex: entry {idx} is negative ({num(arr[idx])})")
    if np.any(off):
        where = tuple(int(i) for i in np.argwhere(np.atleast_1d(off))[0])
        total = np.atleast_1d(sums)[where]
        loc = "" if arr.ndim == 1 else f" at index {where[0] if len(where) == 1 else where}"
        raise ValueError(f"{name} must lie on the simplex: entries{loc} sum to {num(total)}, not 1")
    return np.clip(arr, 0.0, None)


def as_rng(rng: np.random.Generator | int | None, name: str = "rng") -> np.random.Generator:
    """``numpy.random.default_rng(rng)`` for ``None``, a non-negative integer seed or a ``Generator``;
    anything else raises a ``TypeError`` (``ValueError`` for a negative seed) naming ``name``.

    >>> as_rng(0).integers(10)
    np.int64(8)
    >>> as_rng("0")
    Traceback (most recent call last):
    ...
    TypeError: rng must be None, an integer seed or a numpy Generator; got str: '0'
    """
    if isinstance(rng, (bool, np.bool_, str, bytes, float, np.floating, complex)):
        raise TypeError(f"{name} must be None, an integer seed or a numpy Generator; got {type(rng).__name__}: {rng!r}")
    try:
        return np.random.default_rng(rng)
    except TypeError as exc:
        raise TypeError(f"{name} must be None, an integer seed or a numpy Generator; got {type(rng).__name__}: "
                        f"{rng!r} ({exc})") from None
    except ValueError as exc:
        raise ValueError(f"{name} must be a non-negative seed; got {rng!r} ({exc})") from None
