"""Garbage in: every public function of the core modules answers right or says which argument is wrong.

For each public function taking numbers, one valid call is written out; hypothesis then replaces one
argument at a time by garbage: NaN, infinities, ``None``, booleans, strings, complex numbers, negative
numbers, non-integers where an integer belongs, numbers near the largest and smallest floats, sums off
by ``1e-7``, wrong shapes, ragged lists, nested garbage. The call must then

* return an answer that holds no NaN (and, where the garbage is still a valid input, passes the
  function's own invariant below), or
* raise ``ValueError`` or ``TypeError`` whose message names the argument,

and never raise anything else, return NaN or run past :data:`TIME_LIMIT` seconds.

The tries are counted per function; ``PERSUASION_GARBAGE_COUNTS=path.json`` writes the counts.
"""

from __future__ import annotations

import atexit
import json
import math
import os
import signal
from collections import defaultdict
from fractions import Fraction

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from persuasion import agreement, bayesian_persuasion, beliefs, blackwell, game, lp, neural, protocol
from persuasion.book.checks import Checks, ClaimFailed
from persuasion.game import PersuasionGame, prosecutor_game
from persuasion.lp import LPError

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
TIME_LIMIT = 20  # seconds per call: a hang fails the test instead of stalling it

COUNTS: dict = defaultdict(lambda: {"tried": 0, "answer": 0, "named_error": 0})


def _write_counts():
    path = os.environ.get("PERSUASION_GARBAGE_COUNTS")
    if path and COUNTS:
        with open(path, "w") as fh:
            json.dump(dict(sorted(COUNTS.items())), fh, indent=1)


atexit.register(_write_counts)

# -- garbage ---------------------------------------------------------------------------------------------

ODD = [None, True, False, "0.5", "x", "", 1j, b"1", object(), [1.0], {"a": 1}]
SPECIAL = [math.nan, math.inf, -math.inf, -1.0, -1e-300, 0.0, 1e-320, 5e-324, 1e300, 1.7e308, -1.7e308, 2.5,
           10**30]

scalar_garbage = st.one_of(
    st.sampled_from(ODD + SPECIAL),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
)
element = st.one_of(st.sampled_from(SPECIAL), st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from([None, True, "1", 1j]))


def _nested(shape, elements):
    if not shape:
        return elements
    return st.lists(_nested(shape[1:], elements), min_size=shape[0], max_size=shape[0])


@st.composite
def near(draw, valid):
    """``valid`` with one entry spoiled: NaN, inf, a negative, a sum off by 1e-7, a huge or tiny number."""
    arr = np.array(valid, dtype=float)
    i = draw(st.integers(0, arr.size - 1))
    flat = arr.ravel().copy()
    how = draw(st.sampled_from(["nan", "inf", "neg", "off", "huge", "tiny", "scale", "element"]))
    if how == "nan":
        flat[i] = math.nan
    elif how == "inf":
        flat[i] = draw(st.sampled_from([math.inf, -math.inf]))
    elif how == "neg":
        flat[i] = -abs(flat[i]) - draw(st.sampled_from([1e-7, 1e-3, 1.0]))
    elif how == "off":
        flat[i] += draw(st.sampled_from([1e-7, -1e-7, 1e-9, 0.1]))
    elif how == "huge":
        flat[i] = draw(st.sampled_from([1e300, -1e300, 1.7e308]))
    elif how == "tiny":
        flat[i] = draw(st.sampled_from([1e-320, -1e-320, 5e-324]))
    elif how == "scale":
        flat = flat * draw(st.sampled_from([1e-12, 1e12, -1.0, 1e300]))
    else:
        flat = flat.astype(object)
        flat[i] = draw(st.sampled_from([None, True, "1", 1j]))
    return flat.reshape(arr.shape).tolist()


def array_garbage(valid):
    """Garbage for an array argument whose valid value is ``valid``."""
    shape = np.shape(valid)
    other_shapes = st.lists(st.integers(0, 4), min_size=0, max_size=3)
    return st.one_of(
        near(valid),
        near(valid),
        st.sampled_from(ODD + SPECIAL + [[], [[]], [[1.0, 2.0], [3.0]], [[0.5, 0.5]] * 2 + [[1.0]]]),
        _nested(list(shape), element) if shape else element,
        other_shapes.flatmap(lambda s: _nested(s, st.floats(-2, 2))),
        st.just(np.array(valid, dtype=float) > 0),  # booleans
        st.just(np.array(valid, dtype=float).astype(str)),  # numbers as strings
    )


GAME = prosecutor_game()
SCHEME = [[4 / 7, 3 / 7], [0.0, 1.0]]
_BATCH = [torch.tensor(np.array(x, dtype=float))[None]
          for x in (GAME.prior, GAME.receiver_utility, GAME.sender_utility, SCHEME)]
game_garbage = st.sampled_from(ODD + SPECIAL + [{"prior": [1.0]}, np.eye(2), [GAME]])
int_garbage = st.one_of(st.sampled_from(ODD + SPECIAL + [2.5, -1, 0, 10**12, np.float64(3.5)]),
                        st.integers(-(10**6), 10**6))
bool_garbage = st.sampled_from(ODD + SPECIAL + [0, 1, "True"])

# -- the functions: a valid call and the kind of each argument --------------------------------------------
# Each case: (label, function, valid kwargs, {argument: strategy}, invariant(result, kwargs) -> bool or None).


def _finite(x) -> bool:
    """No NaN anywhere in a result (infinite values only where the inputs were)."""
    if x is None or isinstance(x, (bool, str, int, Fraction)):
        return True
    if isinstance(x, float):
        return not math.isnan(x)
    if isinstance(x, np.ndarray):
        return x.dtype.kind not in "fc" or not np.isnan(x).any()
    if isinstance(x, dict):
        return all(_finite(v) for v in x.values())
    if isinstance(x, (tuple, list)):
        return all(_finite(v) for v in x)
    if hasattr(x, "__dataclass_fields__"):
        return all(_finite(getattr(x, f)) for f in x.__dataclass_fields__)
    if hasattr(x, "toarray"):
        return _finite(x.toarray())
    if isinstance(x, PersuasionGame):
        return _finite([x.prior, x.receiver_utility, x.sender_utility])
    if isinstance(x, torch.Tensor):
        return not torch.isnan(x).any().item()
    if hasattr(x, "net"):  # a SignalingPolicy
        return all(not torch.isnan(p).any().item() for p in x.net.parameters())
    if hasattr(x, "fun"):  # an OptimizeResult
        return _finite(np.asarray(x.x)) and not math.isnan(x.fun)
    return True


def _game_method(name):
    def call(game, **kw):
        return getattr(game, name)(**kw)

    call.__name__ = f"PersuasionGame.{name}"
    return call


def _distribution(x) -> bool:
    x = np.asarray(x)
    return bool(np.all(x >= 0) and abs(x.sum() - 1) < 1e-6)


def _rows_stochastic(x) -> bool:
    x = np.asarray(x)
    return bool(np.all(x >= 0) and np.allclose(x.sum(axis=-1), 1, atol=1e-6))


CASES = [
    ("PersuasionGame", PersuasionGame,
     dict(prior=[0.7, 0.3], receiver_utility=[[1.0, 0.0], [0.0, 1.0]], sender_utility=[[0.0, 0.0], [1.0, 1.0]]),
     {"prior": array_garbage([0.7, 0.3]), "receiver_utility": array_garbage([[1.0, 0.0], [0.0, 1.0]]),
      "sender_utility": array_garbage([[0.0, 0.0], [1.0, 1.0]]), "actions": st.sampled_from([3, "ab", 1.5])},
     lambda r, kw: _distribution(r.prior)),
    ("PersuasionGame.best_response", _game_method("best_response"), dict(game=GAME, belief=[0.5, 0.5]),
     {"belief": array_garbage([0.5, 0.5]), "atol": scalar_garbage},
     lambda r, kw: np.all((np.asarray(r) >= 0) & (np.asarray(r) < 2))),
    ("PersuasionGame.sender_value", _game_method("sender_value"), dict(game=GAME, belief=[0.5, 0.5]),
     {"belief": array_garbage([0.5, 0.5]), "atol": scalar_garbage}, None),
    ("PersuasionGame.receiver_value", _game_method("receiver_value"), dict(game=GAME, belief=[0.5, 0.5]),
     {"belief": array_garbage([0.5, 0.5]), "atol": scalar_garbage}, None),
    ("PersuasionGame.receiver_payoffs", _game_method("receiver_payoffs"), dict(game=GAME, belief=[0.5, 0.5]),
     {"belief": array_garbage([0.5, 0.5])}, None),
    ("PersuasionGame.with_prior", _game_method("with_prior"), dict(game=GAME, prior=[0.5, 0.5]),
     {"prior": array_garbage([0.5, 0.5])}, lambda r, kw: _distribution(r.prior)),
    ("prosecutor_game", game.prosecutor_game, dict(prior_guilty=0.3), {"prior_guilty": scalar_garbage},
     lambda r, kw: _distribution(r.prior)),
    ("random_game", game.random_game, dict(n_states=2, n_actions=3, rng=0),
     {"n_states": int_garbage.filter(lambda x: not isinstance(x, int) or x < 50),
      "n_actions": int_garbage.filter(lambda x: not isinstance(x, int) or x < 50),
      "rng": st.sampled_from(ODD + [-1, 1.5])}, None),
    ("optimal_signal", bayesian_persuasion.optimal_signal, dict(game=GAME),
     {"game": game_garbage, "solver": st.sampled_from(ODD + [1, "NOPE"]), "minimal": bool_garbage},
     lambda r, kw: _rows_stochastic(r.scheme) and abs(r.value - 0.6) < 1e-6),
    ("consistency_matrix", bayesian_persuasion.consistency_matrix, dict(game=GAME), {"game": game_garbage}, None),
    ("obedience_matrix", bayesian_persuasion.obedience_matrix, dict(game=GAME), {"game": game_garbage}, None),
    ("objective_vector", bayesian_persuasion.objective_vector, dict(game=GAME), {"game": game_garbage}, None),
    ("action_region_vertices", bayesian_persuasion.action_region_vertices, dict(game=GAME),
     {"game": game_garbage, "atol": scalar_garbage, "max_systems": int_garbage}, None),
    ("concave_closure", bayesian_persuasion.concave_closure, dict(game=GAME, belief=[0.7, 0.3]),
     {"game": game_garbage, "belief": array_garbage([0.7, 0.3]), "max_systems": int_garbage},
     lambda r, kw: -1e-9 <= np.min(r) and np.max(r) <= 1 + 1e-9),
    ("convex_closure", bayesian_persuasion.convex_closure, dict(game=GAME, belief=[0.7, 0.3]),
     {"game": game_garbage, "belief": array_garbage([0.7, 0.3]), "max_systems": int_garbage},
     lambda r, kw: -1e-9 <= np.min(r) and np.max(r) <= 1 + 1e-9),
    ("bayes_posterior", beliefs.bayes_posterior, dict(prior=[0.7, 0.3], likelihood=[3 / 7, 1.0]),
     {"prior": array_garbage([0.7, 0.3]), "likelihood": array_garbage([3 / 7, 1.0])},
     lambda r, kw: _distribution(r)),
    ("split", beliefs.split, dict(prior=[0.7, 0.3], scheme=SCHEME),
     {"prior": array_garbage([0.7, 0.3]), "scheme": array_garbage(SCHEME), "drop_null": bool_garbage},
     lambda r, kw: _distribution(r.weights) and _rows_stochastic(r.posteriors)),
    ("is_bayes_plausible", beliefs.is_bayes_plausible,
     dict(weights=[0.4, 0.6], posteriors=[[1.0, 0.0], [0.5, 0.5]], prior=[0.7, 0.3]),
     {"weights": array_garbage([0.4, 0.6]), "posteriors": array_garbage([[1.0, 0.0], [0.5, 0.5]]),
      "prior": array_garbage([0.7, 0.3]), "atol": scalar_garbage}, None),
    ("scheme_from_splitting", beliefs.scheme_from_splitting,
     dict(prior=[0.7, 0.3], weights=[0.4, 0.6], posteriors=[[1.0, 0.0], [0.5, 0.5]]),
     {"prior": array_garbage([0.7, 0.3]), "weights": array_garbage([0.4, 0.6]),
      "posteriors": array_garbage([[1.0, 0.0], [0.5, 0.5]]), "atol": scalar_garbage},
     lambda r, kw: _rows_stochastic(r)),
    ("reduce_support", beliefs.reduce_support,
     dict(weights=[1 / 3, 1 / 3, 1 / 3], points=[[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]], values=[1.0, 1.0, 1.0]),
     {"weights": array_garbage([1 / 3, 1 / 3, 1 / 3]),
      "points": array_garbage([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]),
      "values": array_garbage([1.0, 1.0, 1.0]), "tol": scalar_garbage},
     lambda r, kw: _distribution(r[1])),
    ("garbling", blackwell.garbling, dict(P=np.eye(2).tolist(), Q=[[0.8, 0.2], [0.3, 0.7]]),
     {"P": array_garbage([[1.0, 0.0], [0.0, 1.0]]), "Q": array_garbage([[0.8, 0.2], [0.3, 0.7]]),
      "atol": scalar_garbage}, lambda r, kw: r is None or _rows_stochastic(r)),
    ("blackwell_dominates", blackwell.blackwell_dominates, dict(P=np.eye(2).tolist(), Q=[[0.8, 0.2], [0.3, 0.7]]),
     {"P": array_garbage([[1.0, 0.0], [0.0, 1.0]]), "Q": array_garbage([[0.8, 0.2], [0.3, 0.7]]),
      "atol": scalar_garbage}, None),
    ("mps_dominates", blackwell.mps_dominates,
     dict(tau=([0.3, 0.7], [[1.0, 0.0], [0.0, 1.0]]), tau_prime=([1.0], [[0.3, 0.7]])),
     {"tau": st.tuples(array_garbage([0.3, 0.7]), st.just([[1.0, 0.0], [0.0, 1.0]])) | scalar_garbage,
      "tau_prime": st.tuples(st.just([1.0]), array_garbage([[0.3, 0.7]])) | scalar_garbage,
      "atol": scalar_garbage}, None),
    ("convex_order_dominates", blackwell.convex_order_dominates,
     dict(tau=([0.5, 0.5], [[1.0, 0.0], [0.0, 1.0]]), tau_prime=([1.0], [[0.5, 0.5]])),
     {"tau": st.tuples(st.just([0.5, 0.5]), array_garbage([[1.0, 0.0], [0.0, 1.0]])) | scalar_garbage,
      "tau_prime": st.tuples(array_garbage([1.0]), st.just([[0.5, 0.5]])) | scalar_garbage,
      "atol": scalar_garbage}, None),
    ("experiment_from_splitting", blackwell.experiment_from_splitting,
     dict(prior=[0.7, 0.3], tau=([0.4, 0.6], [[1.0, 0.0], [0.5, 0.5]])),
     {"prior": array_garbage([0.7, 0.3]),
      "tau": st.tuples(array_garbage([0.4, 0.6]), array_garbage([[1.0, 0.0], [0.5, 0.5]])) | scalar_garbage},
     lambda r, kw: _rows_stochastic(r)),
    ("as_splitting", blackwell.as_splitting, dict(tau=([0.4, 0.6], [[1.0, 0.0], [0.5, 0.5]])),
     {"tau": st.tuples(array_garbage([0.4, 0.6]), array_garbage([[1.0, 0.0], [0.5, 0.5]])) | scalar_garbage,
      "name": st.sampled_from([None, 3, b"x"]), "n_states": int_garbage}, None),
    ("signal_posteriors", protocol.signal_posteriors, dict(prior=[0.7, 0.3], scheme=SCHEME),
     {"prior": array_garbage([0.7, 0.3]), "scheme": array_garbage(SCHEME)},
     lambda r, kw: _distribution(r[0]) and _rows_stochastic(r[1])),
    ("receiver_response", protocol.receiver_response, dict(game=GAME, beliefs=[[0.7, 0.3], [0.5, 0.5]]),
     {"game": game_garbage, "beliefs": array_garbage([[0.7, 0.3], [0.5, 0.5]]), "temperature": scalar_garbage},
     lambda r, kw: _rows_stochastic(r)),
    ("smooth_value", protocol.smooth_value, dict(game=GAME, beliefs=[[0.7, 0.3], [0.5, 0.5]]),
     {"game": game_garbage, "beliefs": array_garbage([[0.7, 0.3], [0.5, 0.5]]), "temperature": scalar_garbage},
     lambda r, kw: np.all((np.asarray(r) >= -1e-8) & (np.asarray(r) <= 1 + 1e-8))),  # beliefs: 1e-8 off
    ("advisor_value", protocol.advisor_value, dict(game=GAME, scheme=SCHEME),
     {"game": game_garbage, "scheme": array_garbage(SCHEME), "temperature": scalar_garbage},
     lambda r, kw: -1e-12 <= r <= 1 + 1e-12),
    ("advisor_loss", protocol.advisor_loss, dict(games=[GAME], schemes=[SCHEME]),
     {"games": st.sampled_from(ODD + SPECIAL + [[None], [GAME, GAME]]),
      "schemes": array_garbage([SCHEME]).map(lambda x: x if isinstance(x, list) else x),
      "temperature": scalar_garbage}, lambda r, kw: -1 - 1e-12 <= r <= 1e-12),
    ("optimal_smooth_value_binary", protocol.optimal_smooth_value_binary,
     dict(game=GAME, temperature=0.1, n_grid=101),
     {"game": game_garbage, "temperature": scalar_garbage,
      "n_grid": int_garbage.filter(lambda x: not isinstance(x, int) or x < 10**5)},
     lambda r, kw: -1e-12 <= r[0] <= 1 + 1e-12),
    ("information_structures", protocol.information_structures, dict(prior=[0.7, 0.3], advisor_scheme=SCHEME),
     {"prior": array_garbage([0.7, 0.3]), "advisor_scheme": array_garbage(SCHEME)}, None),
    ("structure_values", protocol.structure_values, dict(game=GAME, advisor_scheme=SCHEME),
     {"game": game_garbage, "advisor_scheme": array_garbage(SCHEME), "temperature": scalar_garbage,
      "credulous": bool_garbage}, None),
    ("credulous_best_scheme", protocol.credulous_best_scheme, dict(game=GAME),
     {"game": game_garbage, "temperature": scalar_garbage}, lambda r, kw: _rows_stochastic(r)),
    ("solve_lp", lp.solve_lp, dict(c=[1.0, 2.0], A_ub=[[1.0, 1.0], [1.0, 3.0]], b_ub=[4.0, 6.0], maximize=True),
     {"c": array_garbage([1.0, 2.0]), "A_ub": array_garbage([[1.0, 1.0], [1.0, 3.0]]),
      "b_ub": array_garbage([4.0, 6.0]), "maximize": bool_garbage, "method": st.sampled_from(ODD + ["simplex"]),
      "what": st.sampled_from([None, 3, b"x"])}, None),
    ("least_violation", lp.least_violation, dict(A_eq=[[1.0, 1.0]], b_eq=[1.0], what="demo"),
     {"A_eq": array_garbage([[1.0, 1.0]]), "b_eq": array_garbage([1.0]), "what": st.sampled_from([None, 3])},
     lambda r, kw: r[0] >= 0),
    ("dialogue", agreement.dialogue,
     dict(prior=[0.25] * 4, partitions=[[0, 0, 1, 1], [0, 1, 0, 1]], X=[1.0, 1.0, 0.0, 1.0]),
     {"prior": array_garbage([0.25] * 4), "partitions": array_garbage([[0, 0, 1, 1], [0, 1, 0, 1]]),
      "X": array_garbage([1.0, 1.0, 0.0, 1.0]),
      "max_rounds": int_garbage.filter(lambda x: not isinstance(x, int) or x < 10**4)}, None),
    ("epsilon_agreement_rounds", agreement.epsilon_agreement_rounds,
     dict(d=agreement.dialogue([0.25] * 4, [[0, 0, 1, 1], [0, 1, 0, 1]], [1, 1, 0, 1]), eps=0.0),
     {"d": game_garbage, "eps": scalar_garbage}, None),
    ("strategic_dialogue", agreement.strategic_dialogue,
     dict(prior=[0.25] * 4, partitions=[[0, 0, 1, 1], [0, 1, 0, 1]], X=[1.0, 1.0, 0.0, 1.0], true_state=2,
          shade=0.5),
     {"prior": array_garbage([0.25] * 4), "X": array_garbage([1.0, 1.0, 0.0, 1.0]), "true_state": int_garbage,
      "shade": scalar_garbage, "liar": int_garbage,
      "max_rounds": int_garbage.filter(lambda x: not isinstance(x, int) or x < 10**4)}, None),
    ("random_partitions", agreement.random_partitions, dict(n_states=4, n_agents=2, n_cells=2, rng=0),
     {"n_states": int_garbage.filter(lambda x: not isinstance(x, int) or x < 10**4),
      "n_agents": int_garbage.filter(lambda x: not isinstance(x, int) or x < 10**2),
      "n_cells": int_garbage, "rng": st.sampled_from(ODD + [-1, 1.5])}, None),
    ("partition_from_cells", agreement.partition_from_cells, dict(cells=[[0, 1], [2]], n_states=3),
     {"cells": st.one_of(st.sampled_from(ODD + SPECIAL), st.lists(st.lists(int_garbage, max_size=3), max_size=3)),
      "n_states": int_garbage.filter(lambda x: not isinstance(x, int) or x < 10**4)}, None),
    ("exact_agreed_estimates", agreement.exact_agreed_estimates,
     dict(prior=["1/4"] * 4, partitions=[[0, 0, 1, 1], [0, 1, 0, 1]], X=[1, 0, 0, 1]),
     {"prior": st.one_of(st.sampled_from(ODD + SPECIAL), st.lists(scalar_garbage, min_size=4, max_size=4),
                         st.just(["1/4", "1/4", "1/4", "1/0"])),
      "partitions": array_garbage([[0, 0, 1, 1], [0, 1, 0, 1]]),
      "X": st.one_of(st.sampled_from(ODD), st.lists(scalar_garbage, min_size=4, max_size=4))}, None),
    ("Checks.close", lambda **kw: Checks().close(**kw), dict(name="c", actual=[1.0, 2.0], expected=[1.0, 2.0]),
     {"name": st.sampled_from([None, 3, b"x"]), "actual": array_garbage([1.0, 2.0]),
      "expected": array_garbage([1.0, 2.0]), "atol": scalar_garbage, "rtol": scalar_garbage}, None),
    ("Checks.at_most", lambda **kw: Checks().at_most(**kw), dict(name="c", actual=[0.1, 0.2], bound=0.5),
     {"name": st.sampled_from([None, 3, b"x"]), "actual": array_garbage([0.1, 0.2]), "bound": scalar_garbage,
      "atol": scalar_garbage}, None),
    ("features", neural.features, dict(games=[GAME]),
     {"games": st.sampled_from(ODD + SPECIAL + [[None], [GAME, game.random_game(3, 2, 0)], GAME])}, None),
    ("SignalingPolicy", neural.SignalingPolicy, dict(n_features=10, n_items=2, n_signals=2, hidden=4, seed=0),
     {name: int_garbage.filter(lambda x: not isinstance(x, int) or x < 200)
      for name in ("n_features", "n_items", "n_signals", "hidden", "seed")}, None),
    ("torch_advisor_value", lambda temperature: neural.torch_advisor_value(*_BATCH, temperature=temperature),
     dict(temperature=0.05), {"temperature": scalar_garbage},
     lambda r, kw: bool((r >= -1e-12).all() and (r <= 1 + 1e-12).all())),
    ("train_policy", neural.train_policy, dict(games=[GAME], temperature=0.05, steps=2, hidden=4),
     {"games": st.sampled_from(ODD + [[None], GAME]), "temperature": scalar_garbage,
      "steps": int_garbage.filter(lambda x: not isinstance(x, int) or x < 5),
      "n_signals": int_garbage.filter(lambda x: not isinstance(x, int) or x < 50),
      "hidden": int_garbage.filter(lambda x: not isinstance(x, int) or x < 50),
      "lr": scalar_garbage, "seed": int_garbage, "entropy": scalar_garbage, "progress": bool_garbage},
     None),
]

IDS = [c[0] for c in CASES]


class _TimeLimit(Exception):
    pass


def _alarm(signum, frame):
    raise _TimeLimit


def _no_optimum_certificate(kw) -> bool:
    """A Farkas certificate that ``solve_lp(c, A_ub, b_ub, maximize)`` (with ``x >= 0``) has no optimum.

    Found with :func:`scipy.optimize.linprog` on rows scaled to largest entry 1, not with ``solve_lp``:
    infeasible when some ``y >= 0`` has ``y A >= 0`` and ``y b < 0``; unbounded when some ``d >= 0`` has
    ``A d <= 0`` and an improving objective ``c d``.
    """
    from scipy.optimize import linprog

    c, A, b = (np.asarray(kw[k], dtype=float) for k in ("c", "A_ub", "b_ub"))
    size = np.abs(A).max(axis=1)
    A, b = A / np.where(size > 0, size, 1)[:, None], b / np.where(size > 0, size, 1)
    farkas = linprog(b, A_ub=-A.T, b_ub=np.zeros(A.shape[1]), bounds=(0, 1), method="highs")
    if farkas.status == 0 and farkas.fun < -1e-9:
        return True
    sign = 1.0 if kw.get("maximize") else -1.0
    ray = linprog(-sign * c / np.abs(c).max(), A_ub=A, b_ub=np.zeros(len(b)), bounds=(0, 1), method="highs")
    return ray.status == 0 and -ray.fun > 1e-9


def _check(label, fn, kwargs, arg, invariant):
    """Call ``fn(**kwargs)``; count and judge the outcome."""
    COUNTS[label]["tried"] += 1
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIME_LIMIT)
    try:
        result = fn(**kwargs)
    except (ValueError, TypeError) as exc:
        name = arg.split(".")[0]
        assert name in str(exc), f"{label}({arg}=...): {type(exc).__name__} does not name {name!r}: {exc}"
        COUNTS[label]["named_error"] += 1
        return
    except ClaimFailed:  # a claim about garbage that does not hold: the answer "no", said loudly
        COUNTS[label]["answer"] += 1
        return
    except _TimeLimit:
        pytest.fail(f"{label}({arg}={kwargs[arg]!r}) ran past {TIME_LIMIT} s")
    except LPError as exc:  # only for an LP that has no optimum, shown by a certificate of its own
        if label == "solve_lp" and _no_optimum_certificate(kwargs):
            COUNTS[label]["answer"] += 1
            return
        pytest.fail(f"{label}({arg}={kwargs[arg]!r}) raised LPError: {exc}")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert _finite(result), f"{label}({arg}={kwargs[arg]!r}) returned NaN: {result!r}"
    if invariant is not None:
        assert invariant(result, kwargs), f"{label}({arg}={kwargs[arg]!r}) returned a wrong answer: {result!r}"
    COUNTS[label]["answer"] += 1


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_valid_call_answers(case):
    """The valid call of each case passes its invariant (so that a garbage failure is the garbage's doing)."""
    label, fn, valid, _, invariant = case
    result = fn(**valid)
    assert _finite(result)
    assert invariant is None or invariant(result, valid)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_garbage_gives_the_answer_or_names_the_argument(case, data):
    label, fn, valid, garbage, invariant = case
    arg = data.draw(st.sampled_from(sorted(garbage)), label="argument")
    value = data.draw(garbage[arg], label=arg)
    _check(label, fn, {**valid, arg: value}, arg, invariant)
