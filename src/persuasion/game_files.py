"""Reading the game files of the ``persuasion`` command (YAML or JSON) into the library's objects.

The formats are described in :mod:`persuasion.cli`. Every loader validates what it reads and raises
:class:`GameFileError`, a :class:`ValueError` whose message names the field at fault.

Examples
--------
A malformed file is refused with the field at fault:

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "pair.yaml"
>>> _ = path.write_text("{P: [[1, 0], [0, 1]], Q: [[0.5, 0.5]]}")
>>> load_blackwell(path)
Traceback (most recent call last):
...
persuasion.game_files.GameFileError: Q: must have 2 rows (one per state, as in P); got 1
"""

from __future__ import annotations

import json
import math
import os
from fractions import Fraction
from pathlib import Path

import numpy as np

__all__ = ["GameFileError", "load_game", "load_blackwell", "load_delegation"]

#: How far from one a probability vector's sum may be before it is rejected.
SUM_ATOL = 1e-6

SOLVE_KEYS = ("states", "prior", "actions", "receiver_utility", "sender_utility")
BLACKWELL_KEYS = ("states", "P", "Q", "P_signals", "Q_signals")
DELEGATE_KEYS = (
    "states", "prior", "principal_actions", "principal_utility", "agent_actions", "agent_types", "delegated_utility",
)


class GameFileError(ValueError):
    """A game file that cannot be read or does not follow its schema; the message names the field.

    >>> str(GameFileError("prior", "must sum to 1; its entries sum to 0.9"))
    'prior: must sum to 1; its entries sum to 0.9'
    """

    def __init__(self, field: str, problem: str):
        self.field, self.problem = field, problem
        super().__init__(f"{field}: {problem}")


# -- reading files -------------------------------------------------------------------
def _read(path) -> dict:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GameFileError("file", f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise GameFileError("file", f"cannot read {path}: {err}") from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise GameFileError("file", f"not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}") from None
    else:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
            what = getattr(err, "problem", None) or type(err).__name__
            raise GameFileError("file", f"not valid YAML: {what}{where}") from None
    if not isinstance(data, dict):
        raise GameFileError("file", f"must hold a mapping of keys to values; got {type(data).__name__}")
    return data


def _check_keys(data: dict, allowed, required) -> None:
    unknown = [k for k in data if k not in allowed]
    if unknown:
        raise GameFileError(str(unknown[0]), f"unknown key; the keys are {', '.join(allowed)}")
    for key in required:
        if key not in data:
            raise GameFileError(key, "missing (required)")


def _number(x, field: str) -> float:
    if isinstance(x, bool) or x is None:
        raise GameFileError(field, f"must be a number; got {x!r}")
    if isinstance(x, int | float):
        value = float(x)
    elif isinstance(x, str):
        try:
            value = float(Fraction(x.strip()))
        except (ValueError, ZeroDivisionError):
            try:  # "nan", "inf" and "1e-3" are not fractions
                value = float(x)
            except ValueError:
                raise GameFileError(field, f"must be a number or a fraction such as \"1/3\"; got {x!r}") from None
    else:
        raise GameFileError(field, f"must be a number; got {type(x).__name__} {x!r}")
    if not math.isfinite(value):
        raise GameFileError(field, f"must be finite; got {x!r}")
    return value


def _vector(data: dict, key: str, length: int | None = None, what: str = "") -> np.ndarray:
    x = data[key]
    if not isinstance(x, list) or not x:
        raise GameFileError(key, f"must be a non-empty list of numbers; got {x!r}")
    arr = np.array([_number(v, f"{key}[{i}]") for i, v in enumerate(x)])
    if length is not None and arr.size != length:
        raise GameFileError(key, f"must have {length} entries ({what}); got {arr.size}")
    return arr


def _matrix(x, field: str, shape=(None, None), what=("rows", "columns")) -> np.ndarray:
    if not isinstance(x, list) or not x or not all(isinstance(row, list) for row in x):
        raise GameFileError(field, f"must be a non-empty list of rows (lists of numbers); got {x!r}")
    widths = {len(row) for row in x}
    if len(widths) != 1 or 0 in widths:
        raise GameFileError(field, f"rows must all have the same non-zero length; got lengths {[len(r) for r in x]}")
    arr = np.array([[_number(v, f"{field}[{i}][{j}]") for j, v in enumerate(row)] for i, row in enumerate(x)])
    for axis, (want, name) in enumerate(zip(shape, what)):
        if want is not None and arr.shape[axis] != want:
            word = "rows" if axis == 0 else "columns"
            raise GameFileError(field, f"must have {want} {word} (one per {name}); got {arr.shape[axis]}")
    return arr


def _probabilities(arr: np.ndarray, field: str) -> np.ndarray:
    """Rows of ``arr`` (or ``arr`` itself) as probability vectors, rescaled to sum to one."""
    rows = arr.reshape(-1, arr.shape[-1])
    for i, row in enumerate(rows):
        where = field if arr.ndim == 1 else f"{field}[{i}]"
        if (row < 0).any():
            j = int(np.argmin(row))
            raise GameFileError(where, f"probabilities must be non-negative; entry {j} is {row[j]:.6g}")
        if abs(row.sum() - 1.0) > SUM_ATOL:
            raise GameFileError(where, f"must sum to 1; its entries sum to {row.sum():.10g}")
    return arr / arr.sum(axis=-1, keepdims=True)


def _names(data: dict, key: str, n: int, default: str, what: str) -> tuple[str, ...]:
    if key not in data or data[key] is None:
        return tuple(f"{default}{i}" for i in range(n))
    names = data[key]
    if not isinstance(names, list) or not all(isinstance(s, str | int | float) for s in names):
        raise GameFileError(key, f"must be a list of names; got {names!r}")
    names = tuple(str(s) for s in names)
    if len(names) != n:
        raise GameFileError(key, f"must have {n} names (one per {what}); got {len(names)}")
    if len(set(names)) != n:
        dup = next(s for s in names if names.count(s) > 1)
        raise GameFileError(key, f"names must be distinct; {dup!r} appears twice")
    return names


def load_game(path: str | os.PathLike[str]):
    """Read a ``persuasion solve`` file into a :class:`~persuasion.game.PersuasionGame`.

    Raises :class:`GameFileError` naming the field at fault.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "game.yaml"
    >>> _ = path.write_text('''
    ... states: [innocent, guilty]
    ... prior: ["7/10", "3/10"]
    ... actions: [acquit, convict]
    ... receiver_utility: [[1, 0], [0, 1]]
    ... sender_utility: [[0, 0], [1, 1]]
    ... ''')
    >>> game = load_game(path)
    >>> game.states, game.actions, game.prior
    (('innocent', 'guilty'), ('acquit', 'convict'), array([0.7, 0.3]))
    >>> _ = path.write_text(
    ...     '{"prior": [0.7, 0.2], "receiver_utility": [[1, 0]], '
    ...     '"sender_utility": [[0, 0]]}'
    ... )
    >>> load_game(path)
    Traceback (most recent call last):
    ...
    persuasion.game_files.GameFileError: prior: must sum to 1; its entries sum to 0.9
    """
    from .game import PersuasionGame

    data = _read(path)
    _check_keys(data, SOLVE_KEYS, ("prior", "receiver_utility", "sender_utility"))
    prior = _probabilities(_vector(data, "prior"), "prior")
    n = prior.size
    u = _matrix(data["receiver_utility"], "receiver_utility", (None, n), ("action", "state, as in prior"))
    v = _matrix(data["sender_utility"], "sender_utility", (u.shape[0], n),
                ("action, as in receiver_utility", "state, as in prior"))
    states = _names(data, "states", n, "w", "state")
    actions = _names(data, "actions", u.shape[0], "a", "row of receiver_utility")
    return PersuasionGame(prior, u, v, actions=actions, states=states)


def load_blackwell(path: str | os.PathLike[str]):
    """Read a ``persuasion blackwell`` file: ``(P, Q, states, P_signals, Q_signals)``.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pair.json"
    >>> _ = path.write_text('{"P": [[1, 0], [0, 1]], "Q": [[0.5, 0.5], [0.5, 0.5]]}')
    >>> P, Q, states, p_signals, q_signals = load_blackwell(path)
    >>> states, p_signals, q_signals
    (('w0', 'w1'), ('s0', 's1'), ('t0', 't1'))
    """
    data = _read(path)
    _check_keys(data, BLACKWELL_KEYS, ("P", "Q"))
    P = _probabilities(_matrix(data["P"], "P", what=("state", "signal of P")), "P")
    Q = _probabilities(_matrix(data["Q"], "Q", (P.shape[0], None), ("state, as in P", "signal of Q")), "Q")
    states = _names(data, "states", P.shape[0], "w", "row of P")
    p_signals = _names(data, "P_signals", P.shape[1], "s", "column of P")
    q_signals = _names(data, "Q_signals", Q.shape[1], "t", "column of Q")
    return P, Q, states, p_signals, q_signals


def load_delegation(path: str | os.PathLike[str]):
    """Read a ``persuasion delegate`` file: ``(problem, names)``, names a dict of label tuples.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "problem.yaml"
    >>> _ = path.write_text('''
    ... prior: [0.5, 0.5]
    ... principal_utility: [[1, 0], [0, 1]]
    ... agent_types: {aligned: [[1, 0], [0, 1]], contrarian: [[0, 1], [1, 0]]}
    ... ''')
    >>> problem, names = load_delegation(path)
    >>> problem.n_types, names["agent_types"], names["agent_actions"]
    (2, ('aligned', 'contrarian'), ('a0', 'a1'))
    """
    from .delegation import DelegationProblem

    data = _read(path)
    _check_keys(data, DELEGATE_KEYS, ("prior", "principal_utility", "agent_types"))
    prior = _probabilities(_vector(data, "prior"), "prior")
    n = prior.size
    uP = _matrix(data["principal_utility"], "principal_utility", (None, n), ("principal action", "state"))
    types = data["agent_types"]
    if not isinstance(types, dict) or not types:
        raise GameFileError("agent_types", f"must map each agent type's name to its utility matrix; got {types!r}")
    if "delegated_utility" in data and data["delegated_utility"] is not None:
        w = _matrix(data["delegated_utility"], "delegated_utility", (None, n), ("agent action", "state"))
    else:
        w = uP
    UA = np.stack([
        _matrix(m, f"agent_types.{name}", w.shape, ("agent action, as in delegated_utility", "state"))
        for name, m in types.items()
    ])
    principal_actions = _names(data, "principal_actions", uP.shape[0], "a", "row of principal_utility")
    if data.get("agent_actions") is None and w is uP:  # the agent's actions are the principal's
        agent_actions = principal_actions
    else:
        agent_actions = _names(data, "agent_actions", w.shape[0], "b", "row of the agent utilities")
    names = {
        "states": _names(data, "states", n, "w", "state"),
        "principal_actions": principal_actions,
        "agent_actions": agent_actions,
        "agent_types": tuple(str(k) for k in types),
    }
    return DelegationProblem(prior, uP, UA, w), names
