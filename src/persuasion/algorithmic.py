r"""Problem families for measuring how exact persuasion scales (essay §4.1).

The *independent-actions* model of :cite:t:`dughmi2016algorithmic`: the
Receiver has :math:`n` actions, each with a type drawn independently from
:math:`m` possibilities; the state is the vector of all types, so there are
:math:`m^n` states, and the explicit linear program of
:func:`~persuasion.bayesian_persuasion.optimal_signal` has :math:`n\,m^n` variables.

>>> g = independent_actions_game([0.0, 1.0], [1.0, 0.5], [0.5, 0.5], 3)
>>> g.n_states, g.n_actions
(8, 3)
"""

from __future__ import annotations

import itertools

import numpy as np

from ._validation import as_distribution, as_finite_array
from .game import PersuasionGame

__all__ = ["independent_actions_game", "lp_size"]

#: Largest number of states :func:`independent_actions_game` will build.
MAX_STATES = 2_000_000


def lp_size(n_states: int, n_actions: int) -> tuple[int, int, int]:
    """(variables, consistency rows, obedience rows) of the optimal-signal LP.

    >>> lp_size(200, 20)
    (4000, 200, 380)
    """
    if n_states < 1 or n_actions < 1:
        raise ValueError(f"n_states and n_actions must be positive; got {n_states} and {n_actions}")
    return n_states * n_actions, n_states, n_actions * (n_actions - 1)


def independent_actions_game(receiver_values, sender_values, type_prior, n_actions: int) -> PersuasionGame:
    """The Receiver picks one of ``n_actions`` actions whose types are i.i.d. draws from ``type_prior``.

    Parameters
    ----------
    receiver_values, sender_values : array_like, shape (m,)
        Utility of taking an action of each type, for the Receiver and the Sender.
    type_prior : array_like, shape (m,)
    n_actions : int
        n; the game has m**n states.

    Examples
    --------
    Two actions, each good (worth 1) with probability 0.3 or bad (worth 0):
    four states, the Receiver takes the first action when it is good.

    >>> game = independent_actions_game([0, 1], [1, 1], [0.7, 0.3], n_actions=2)
    >>> game.n_states, game.n_actions
    (4, 2)
    >>> game.prior.round(2)
    array([0.49, 0.21, 0.21, 0.09])
    """
    rho = as_finite_array(receiver_values, "receiver_values", ndim=1)
    xi = as_finite_array(sender_values, "sender_values", ndim=1)
    q = as_distribution(type_prior, "type_prior")
    if not (rho.size == xi.size == q.size):
        raise ValueError(
            "receiver_values, sender_values and type_prior must have one entry per type; "
            f"got lengths {rho.size}, {xi.size} and {q.size}"
        )
    if int(n_actions) != n_actions or n_actions < 1:
        raise ValueError(f"n_actions must be a positive integer; got {n_actions!r}")
    n, m = int(n_actions), q.size
    if m**n > MAX_STATES:
        raise ValueError(
            f"n_actions = {n} with {m} types gives {m}**{n} = {m**n} states, above the limit {MAX_STATES}"
        )
    types = np.array(list(itertools.product(range(m), repeat=n)), dtype=int)  # (m**n, n)
    prior = np.prod(q[types], axis=1)
    u = rho[types].T  # (n, m**n): action a in state theta is worth rho[theta_a]
    v = xi[types].T
    return PersuasionGame(prior / prior.sum(), u, v)
