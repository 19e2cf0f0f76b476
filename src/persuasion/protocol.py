r"""The Advisor–Receiver protocol of Bai et al. (§3.1–3.3) on finite instances.

For an input :math:`x` the *information items* :math:`c \in \mathcal C_x` play
the role of states, the Receiver's *responses* :math:`y \in \mathcal Y` the role
of actions: a :class:`~persuasion.game.PersuasionGame` with ``prior`` =
:math:`\mu_x^0`, ``receiver_utility[y, c]`` = :math:`u(x, c, y)` and
``sender_utility[y, c]`` = :math:`v(x, c, y)`. The Advisor's signaling
strategy is a row-stochastic ``scheme[c, g]`` = :math:`\pi_x(g \mid c)`.

* Eq. (2), the Receiver's posterior: :func:`signal_posteriors`.
* Eq. (1), the Receiver's response: :func:`receiver_response`, exact
  (``temperature=0``: argmax, ties in the Advisor's favour) or smooth
  (softmax of expected utility divided by the temperature, a quantal response).
* Eq. (3), the Advisor's loss: :func:`advisor_loss` (minus the expected
  Advisor utility, averaged over inputs).

The four information structures of Bai et al.'s experiments are signaling
schemes over items (:func:`information_structures`); a *credulous* Receiver,
who takes a shown item at face value instead of updating by Bayes' rule,
separates *an item drawn from the prior* from *no information*.

>>> from persuasion import prosecutor_game
>>> g = prosecutor_game()
>>> # the prosecutor's optimal signal
>>> round(advisor_value(g, [[4 / 7, 3 / 7], [0.0, 1.0]]), 6)
0.6
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_beliefs, as_bool, as_distribution, as_int, as_real, as_stochastic_matrix
from .game import PersuasionGame

__all__ = [
    "Structure",
    "signal_posteriors",
    "receiver_response",
    "smooth_value",
    "advisor_value",
    "advisor_loss",
    "optimal_smooth_value_binary",
    "information_structures",
    "structure_values",
    "credulous_best_scheme",
    "MAX_GRID",
]


class Structure(StrEnum):
    """The information structures of Bai et al.'s experiments, by the names tables and results use.

    The first four are :func:`information_structures`; the last two are
    posterior information from another Advisor than the Receiver's own (one
    trained against another Receiver, or on easy inputs only), measured by the
    experiment of :mod:`persuasion.llm`. Members are strings:

    >>> Structure.PRIOR == "prior information", f"{Structure.NO}"
    (True, 'no information')
    """

    NO = "no information"
    ALL = "all information"
    PRIOR = "prior information"
    POSTERIOR = "posterior information"
    POSTERIOR_OTHER = "posterior (other Advisor)"
    POSTERIOR_EASY = "posterior (easy Advisor)"


def _game(game, name: str = "game") -> PersuasionGame:
    if not isinstance(game, PersuasionGame):
        raise ValueError(f"{name} must be a PersuasionGame; got {type(game).__name__}")
    return game


#: Largest ``n_grid`` :func:`optimal_smooth_value_binary` accepts (80 MB per array of values).
MAX_GRID = 10_000_000


def _temperature(temperature) -> float:
    t = as_real(temperature, "temperature", finite=False)
    if not (t >= 0) or np.isinf(t):
        raise ValueError(f"temperature must be a finite number >= 0; got {temperature!r}")
    return t


def _softmax(z: np.ndarray, t: float) -> np.ndarray:
    """``softmax(z / t)`` along the last axis by log-sum-exp: the largest entry is subtracted *before*
    dividing by ``t``, so that ``t`` as small as ``1e-320`` (or ``z`` as large as ``1e300``) gives the
    limit rather than ``inf / inf``."""
    with np.errstate(over="ignore", under="ignore"):
        d = (z - z.max(axis=-1, keepdims=True)) / t  # <= 0; -inf where the gap overflows
        e = np.exp(d)
    return e / e.sum(axis=-1, keepdims=True)  # the largest entry gives exp(0) = 1: no 0 / 0


def signal_posteriors(prior: ArrayLike, scheme: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Eq. (2): ``(P(g), posteriors[g, c])`` for every signal; a signal never sent gets the prior.

    >>> signal_posteriors([0.7, 0.3], [[4/7, 3/7], [0.0, 1.0]])[1].round(3)
    array([[1. , 0. ],
           [0.5, 0.5]])
    """
    prior = as_distribution(prior, "prior")
    if prior.size == 0:
        raise ValueError("prior must have at least one information item")
    scheme = as_stochastic_matrix(scheme, "scheme", n_rows=prior.size)
    joint = prior[:, None] * scheme  # (n_items, n_signals)
    p_g = joint.sum(axis=0)
    post = np.where(p_g[None, :] > 0, joint / np.where(p_g > 0, p_g, 1.0)[None, :], prior[:, None]).T
    return p_g, post


def receiver_response(game: PersuasionGame, beliefs: ArrayLike, temperature: float = 0.0) -> np.ndarray:
    """Eq. (1): the Receiver's distribution over responses at each belief, shape (..., n_responses).

    ``temperature = 0`` is the argmax (ties broken in the Advisor's favour);
    ``temperature > 0`` is ``softmax(E_mu[u] / temperature)``, computed by
    log-sum-exp so that a tiny temperature gives (nearly) the argmax, never NaN.

    The judge acquits at the prior and convicts when indifferent; a noisy judge
    (temperature 1) who is indifferent picks each verdict half the time:

    >>> from persuasion.game import prosecutor_game
    >>> receiver_response(prosecutor_game(), [[0.7, 0.3], [0.5, 0.5]])
    array([[1., 0.],
           [0., 1.]])
    >>> receiver_response(prosecutor_game(), [0.5, 0.5], temperature=1.0)
    array([0.5, 0.5])
    """
    game, t = _game(game), _temperature(temperature)
    beliefs = as_beliefs(beliefs, "beliefs", game.n_states)
    if t == 0:
        best = np.atleast_1d(game.best_response(beliefs))
        out = np.zeros(best.shape + (game.n_actions,))
        np.put_along_axis(out, best[..., None], 1.0, axis=-1)
        return out.reshape(beliefs.shape[:-1] + (game.n_actions,))
    return _softmax(game.receiver_payoffs(beliefs), t)


def smooth_value(game: PersuasionGame, beliefs: ArrayLike, temperature: float = 0.0) -> np.ndarray:
    r""":math:`\hat v_T(\mu) = \sum_y \rho_T(y \mid \mu)\, \mathbb E_\mu[v(y, c)]`, the Advisor's value of a belief.

    >>> from persuasion.game import prosecutor_game
    >>> smooth_value(prosecutor_game(), [[0.7, 0.3], [0.5, 0.5]])
    array([0., 1.])
    """
    game = _game(game)
    beliefs = as_beliefs(beliefs, "beliefs", game.n_states)
    rho = receiver_response(game, beliefs, temperature)
    return (rho * (beliefs @ game.sender_utility.T)).sum(axis=-1)


def advisor_value(game: PersuasionGame, scheme: ArrayLike, temperature: float = 0.0) -> float:
    """The Advisor's expected utility from ``scheme`` (minus Eq. 3 for one input).

    Kamenica and Gentzkow's prosecutor convicts with probability 0.6:

    >>> from persuasion.game import prosecutor_game
    >>> round(advisor_value(prosecutor_game(), [[4/7, 3/7], [0.0, 1.0]]), 6)
    0.6
    """
    game = _game(game)
    p_g, post = signal_posteriors(game.prior, scheme)
    return float(p_g @ smooth_value(game, post, temperature))


def advisor_loss(games: Iterable[PersuasionGame], schemes: Iterable[ArrayLike], temperature: float = 0.0) -> float:
    """Eq. (3): minus the Advisor's expected utility, averaged over inputs (one scheme per input).

    The prosecutor's optimal scheme (value 0.6) and no information (value 0):

    >>> from persuasion.game import prosecutor_game
    >>> game = prosecutor_game()
    >>> round(advisor_loss([game, game], [[[4/7, 3/7], [0.0, 1.0]], [[1.0], [1.0]]]), 6)
    -0.3
    """
    games, schemes = _sequence(games, "games"), _sequence(schemes, "schemes")
    if not games:
        raise ValueError("games must hold at least one input")
    if len(games) != len(schemes):
        raise ValueError(f"schemes must hold one scheme per input of games ({len(games)}); got {len(schemes)}")
    t = _temperature(temperature)
    values = []
    for i, (g, s) in enumerate(zip(games, schemes)):
        g = _game(g, f"games[{i}]")
        s = as_stochastic_matrix(s, f"schemes[{i}]", n_rows=g.n_states)
        values.append(advisor_value(g, s, t))
    return -float(np.mean(values))


def _sequence(x, name: str) -> list:
    if isinstance(x, (str, bytes)) or not hasattr(x, "__iter__"):
        raise TypeError(f"{name} must be a sequence (one entry per input); got {type(x).__name__}: {x!r}")
    return list(x)


def optimal_smooth_value_binary(game: PersuasionGame, temperature: float, *, n_grid: int = 20001):
    r"""Best Advisor value against a Receiver at ``temperature``, two items: the concave closure of :math:`\hat v_T`.

    :math:`\hat v_T` is evaluated on ``n_grid`` beliefs and its upper concave
    hull read at the prior; the hull of grid points is a lower bound on the
    true closure, within :math:`L/(n_{grid}-1)` of it for an
    :math:`L`-Lipschitz :math:`\hat v_T` (exact for ``temperature = 0`` up to
    the placement of the thresholds). Returns ``(value, posteriors, weights)``
    with the (at most two) supporting posteriors. ``n_grid`` is at most
    :data:`MAX_GRID` (ten million).

    >>> from persuasion.game import prosecutor_game
    >>> value, posteriors, weights = optimal_smooth_value_binary(prosecutor_game(), 0.0)
    >>> round(value, 6), posteriors[:, 1].tolist(), weights.round(6).tolist()
    (0.6, [0.0, 0.5], [0.4, 0.6])
    """
    game, t = _game(game), _temperature(temperature)
    if game.n_states != 2:
        raise ValueError(f"optimal_smooth_value_binary needs exactly 2 information items; got {game.n_states}")
    n_grid = as_int(n_grid, "n_grid", high=MAX_GRID)
    if n_grid < 3:
        raise ValueError(f"n_grid must be at least 3; got {n_grid}")
    p = np.linspace(0.0, 1.0, int(n_grid))
    p = np.unique(np.append(p, game.prior[1]))
    vals = smooth_value(game, np.column_stack([1 - p, p]), t)
    unit = float(np.abs(vals).max()) or 1.0
    w = vals / unit  # the hull's cross products on a unit scale: no overflow for values near 1e308
    hull = []  # upper hull, monotone chain
    for i in range(p.size):
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            if (p[b] - p[a]) * (w[i] - w[a]) - (w[b] - w[a]) * (p[i] - p[a]) >= 0:
                hull.pop()
            else:
                break
        hull.append(i)
    hp = p[hull]
    p0 = game.prior[1]
    j = int(np.searchsorted(hp, p0))
    if j < hp.size and np.isclose(hp[j], p0, atol=0, rtol=0):
        k = hull[j]
        return float(vals[k]), np.array([[1 - p0, p0]]), np.array([1.0])
    lo, hi = hull[j - 1], hull[j]
    w_hi = (p0 - p[lo]) / (p[hi] - p[lo])
    value = ((1 - w_hi) * w[lo] + w_hi * w[hi]) * unit
    posts = np.array([[1 - p[lo], p[lo]], [1 - p[hi], p[hi]]])
    return float(value), posts, np.array([1 - w_hi, w_hi])


def information_structures(prior: ArrayLike, advisor_scheme: ArrayLike) -> dict[Structure, np.ndarray]:
    """Bai et al.'s four structures as schemes over items (signals are item indices where that makes sense).

    * :attr:`Structure.NO`: one signal, always sent;
    * :attr:`Structure.ALL`: the item itself (full revelation);
    * :attr:`Structure.PRIOR`: an item drawn from the prior, independent of the true one;
    * :attr:`Structure.POSTERIOR`: the Advisor's ``advisor_scheme``.

    >>> structures = information_structures([0.7, 0.3], np.eye(2))
    >>> {str(name): scheme.shape for name, scheme in structures.items()}
    {'no information': (2, 1), 'all information': (2, 2), 'prior information': (2, 2), 'posterior information': (2, 2)}
    >>> structures[Structure.PRIOR]
    array([[0.7, 0.3],
           [0.7, 0.3]])
    """
    prior = as_distribution(prior, "prior")
    n = prior.size
    advisor_scheme = as_stochastic_matrix(advisor_scheme, "advisor_scheme", n_rows=n)
    return {
        Structure.NO: np.ones((n, 1)),
        Structure.ALL: np.eye(n),
        Structure.PRIOR: np.tile(prior, (n, 1)),
        Structure.POSTERIOR: advisor_scheme,
    }


def structure_values(game: PersuasionGame, advisor_scheme: ArrayLike, temperature: float = 0.0, *,
                     credulous: bool = False) -> dict[Structure, tuple[float, ...]]:
    """Advisor's and Receiver's expected utility under each of the four structures.

    A Bayesian Receiver updates by Eq. (2). A ``credulous`` Receiver believes
    a shown item is the true one (belief = point mass on the shown item) and
    keeps the prior when shown nothing; then ``advisor_scheme`` must have one
    signal per item.

    Returns ``{name: (advisor value, receiver value)}``.

    The prosecutor: full information convicts the guilty (0.3) and the judge is
    always right; the optimal scheme convicts with probability 0.6 and leaves
    the judge as well off as no information (0.7):

    >>> from persuasion.game import prosecutor_game
    >>> values = structure_values(prosecutor_game(), [[4/7, 3/7], [0.0, 1.0]])
    >>> {str(name): tuple(round(x, 6) for x in v) for name, v in values.items()}
    {'no information': (0.0, 0.7), 'all information': (0.3, 1.0), 'prior information': (0.0, 0.7), \
'posterior information': (0.6, 0.7)}
    """
    game = _game(game)
    t = _temperature(temperature)
    credulous = as_bool(credulous, "credulous")
    out = {}
    for name, scheme in information_structures(game.prior, advisor_scheme).items():
        if credulous and name != Structure.NO:
            if scheme.shape[1] != game.n_states:
                raise ValueError(
                    f"a credulous Receiver needs signals that are items: {name} has {scheme.shape[1]} signals "
                    f"for {game.n_states} items"
                )
            beliefs = np.eye(game.n_states)  # after signal g: "item g is true"
        else:
            beliefs = signal_posteriors(game.prior, scheme)[1]  # Eq. (2)
        rho = receiver_response(game, beliefs, t)  # (signals, responses)
        joint = game.prior[:, None] * scheme  # P(c, g)
        # Expected utility: sum over c, g of P(c, g) sum over y of rho[g, y] U[y, c].
        out[name] = tuple(float(np.einsum("cg,gy,yc->", joint, rho, U))
                          for U in (game.sender_utility, game.receiver_utility))
    return out


def credulous_best_scheme(game: PersuasionGame, temperature: float = 0.0) -> np.ndarray:
    """The Advisor's best scheme against a credulous Receiver: show, for each item, the item that pays most.

    A credulous Receiver responds to a shown item ``g`` as if it were the true
    one, so the Advisor's value is linear in the scheme and separates by
    item; the optimum is deterministic.

    A credulous judge shown the "guilty" file convicts, so the prosecutor always shows it:

    >>> from persuasion.game import prosecutor_game
    >>> credulous_best_scheme(prosecutor_game())
    array([[0., 1.],
           [0., 1.]])
    """
    game = _game(game)
    rho = receiver_response(game, np.eye(game.n_states), _temperature(temperature))  # (g, y)
    pay = (rho @ game.sender_utility).T  # pay[c, g] = sum_y rho[g, y] v[y, c]
    scheme = np.zeros((game.n_states, game.n_states))
    scheme[np.arange(game.n_states), pay.argmax(axis=1)] = 1.0
    return scheme
