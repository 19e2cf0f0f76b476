r"""The finite Bayesian persuasion game of :cite:t:`kamenica2011bayesian`.

A state :math:`\omega` is drawn from a common prior :math:`\mu_0` on a finite
set :math:`\Omega`. A Receiver with belief :math:`\mu` picks an action
:math:`a \in A` maximising :math:`\mathbb{E}_{\omega\sim\mu}[u(a,\omega)]`; the
Sender gets :math:`v(a,\omega)`. Utilities are arrays ``u[a, w]`` of shape
``(n_actions, n_states)``.

When several actions are optimal for the Receiver, ties are broken in the
Sender's favour, the convention under which the Sender's problem has a
maximum. The Sender's value of a belief is then

.. math::

    \hat v(\mu) = \max_{a \in A^*(\mu)} \mathbb{E}_{\omega\sim\mu}[v(a,\omega)],
    \qquad A^*(\mu) = \arg\max_{a\in A} \mathbb{E}_{\omega\sim\mu}[u(a,\omega)].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_beliefs, as_distribution, as_finite_array, as_int, as_real, as_rng, check_size

__all__ = ["PersuasionGame", "prosecutor_game", "random_game", "TIE_RTOL"]

#: Tolerance within which two expected Receiver utilities count as tied, as a
#: fraction of the spread ``max(u) - min(u)`` of the Receiver's utilities: ties
#: are then the same whatever the unit (``a * u + b`` with ``a > 0`` has the
#: same best responses as ``u``). See :attr:`PersuasionGame.tie_tolerance`.
TIE_RTOL = 1e-9


@dataclass(frozen=True, eq=False)
class PersuasionGame:
    """A finite Bayesian persuasion game.

    Parameters
    ----------
    prior : array_like, shape (n_states,)
        Common prior :math:`\\mu_0`; non-negative, sums to 1.
    receiver_utility : array_like, shape (n_actions, n_states)
        ``u[a, w]``, the Receiver's utility of action ``a`` in state ``w``.
    sender_utility : array_like, shape (n_actions, n_states)
        ``v[a, w]``, the Sender's utility.
    actions, states : sequence of str, optional
        Labels used in tables and figures.

    Examples
    --------
    >>> game = prosecutor_game()
    >>> game.n_states, game.n_actions
    (2, 2)
    >>> game.best_response([0.5, 0.5])   # indifferent judge convicts (Sender-preferred)
    1
    >>> float(game.sender_value([0.7, 0.3]))
    0.0
    """

    prior: np.ndarray
    receiver_utility: np.ndarray
    sender_utility: np.ndarray
    actions: tuple | None = None  # None: named a0, a1, ...; a tuple after construction
    states: tuple | None = None  # None: named w0, w1, ...; a tuple after construction

    def __post_init__(self):
        u = as_finite_array(self.receiver_utility, "receiver_utility", ndim=2, booleans=False)
        v = as_finite_array(self.sender_utility, "sender_utility", ndim=2, booleans=False)
        if u.shape != v.shape:
            raise ValueError(
                "receiver_utility and sender_utility must have the same shape (n_actions, n_states); "
                f"got {u.shape} and {v.shape}"
            )
        prior = as_distribution(self.prior, "prior")
        if prior.size != u.shape[1]:
            raise ValueError(
                f"prior must have one entry per state: receiver_utility has shape {u.shape} "
                f"(n_actions, n_states), so prior needs length {u.shape[1]}; got length {prior.size}"
            )
        actions = _labels(self.actions, "actions", u.shape[0], "a")
        states = _labels(self.states, "states", u.shape[1], "w")
        if len(actions) != u.shape[0]:
            raise ValueError(f"actions must have {u.shape[0]} labels (n_actions); got {len(actions)}")
        if len(states) != u.shape[1]:
            raise ValueError(f"states must have {u.shape[1]} labels (n_states); got {len(states)}")
        for name, arr in (("prior", prior), ("receiver_utility", u), ("sender_utility", v)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "actions", actions)
        scale = float(np.abs(u).max())  # u / scale: no overflow in the spread near 1e308
        object.__setattr__(self, "_tie_tolerance", TIE_RTOL * scale * float(np.ptp(u / scale)) if scale else 0.0)
        object.__setattr__(self, "states", states)

    # -- sizes ---------------------------------------------------------------
    @property
    def n_states(self) -> int:
        return self.receiver_utility.shape[1]

    @property
    def n_actions(self) -> int:
        return self.receiver_utility.shape[0]

    def __repr__(self) -> str:
        return (
            f"PersuasionGame(n_states={self.n_states}, n_actions={self.n_actions}, "
            f"prior={np.array2string(self.prior, precision=3)})"
        )

    @property
    def tie_tolerance(self) -> float:
        """Two expected Receiver utilities within this of each other count as tied.

        :data:`TIE_RTOL` times the spread ``max(u) - min(u)`` of the Receiver's
        utilities (0 when ``u`` is constant: every action is then optimal
        everywhere), so that scaling or shifting ``u`` leaves the best responses
        unchanged.

        >>> prosecutor_game().tie_tolerance
        1e-09
        >>> tiny = PersuasionGame([0.5, 0.5], [[1e-12, 0], [0, 1e-12]], [[0, 0], [1, 1]])
        >>> tiny.tie_tolerance
        1e-21
        """
        return self._tie_tolerance

    def with_prior(self, prior: ArrayLike) -> PersuasionGame:
        """The same game with another prior."""
        return PersuasionGame(prior, self.receiver_utility, self.sender_utility, self.actions, self.states)

    # -- the Receiver ----------------------------------------------------------
    def _beliefs(self, belief) -> np.ndarray:
        return as_beliefs(belief, "belief", self.n_states)

    def receiver_payoffs(self, belief: ArrayLike) -> np.ndarray:
        """Expected Receiver utility of each action, shape ``(..., n_actions)``."""
        return self._beliefs(belief) @ self.receiver_utility.T

    def _tol(self, atol) -> float:
        return self.tie_tolerance if atol is None else as_real(atol, "atol", low=0)

    def best_response(self, belief: ArrayLike, *, atol: float | None = None) -> int | np.ndarray:
        """The Receiver's action at ``belief``, ties broken in the Sender's favour.

        Parameters
        ----------
        belief : array_like, shape (n_states,) or (..., n_states)
        atol : float, optional
            Expected utilities within ``atol`` of the best count as optimal;
            default :attr:`tie_tolerance` (relative to the spread of the
            Receiver's utilities).

        Returns
        -------
        int or ndarray of int, shape (...)
            Index of the action; among Receiver-optimal actions (within ``atol``)
            the one the Sender likes best, then the lowest index.
        """
        mu = self._beliefs(belief)
        atol = self._tol(atol)
        ru = mu @ self.receiver_utility.T
        su = mu @ self.sender_utility.T
        optimal = ru >= ru.max(axis=-1, keepdims=True) - atol
        choice = np.argmax(np.where(optimal, su, -np.inf), axis=-1)
        return int(choice) if choice.ndim == 0 else choice

    def sender_value(self, belief: ArrayLike, *, atol: float | None = None) -> float | np.ndarray:
        """The Sender's expected utility :math:`\\hat v(\\mu)` when the Receiver best-responds.

        Vectorised over leading axes of ``belief``; ``belief`` and ``atol`` are
        those of :meth:`best_response`, whose action (ties to the Sender) is valued.
        """
        return self._value_at_best_response(belief, self.sender_utility, atol)

    def receiver_value(self, belief: ArrayLike, *, atol: float | None = None) -> float | np.ndarray:
        """The Receiver's expected utility at ``belief`` when it best-responds.

        ``belief`` and ``atol`` are those of :meth:`best_response`.
        """
        return self._value_at_best_response(belief, self.receiver_utility, atol)

    def _value_at_best_response(self, belief, utility, atol):
        mu = self._beliefs(belief)
        a = np.asarray(self.best_response(mu, atol=self._tol(atol)))
        value = np.take_along_axis(mu @ utility.T, a[..., None], axis=-1)[..., 0]
        return value if value.ndim else float(value)

    @property
    def no_information_value(self) -> float:
        """:math:`\\hat v(\\mu_0)`: the Sender's value if nothing is revealed."""
        return self.sender_value(self.prior)

    @property
    def full_information_value(self) -> float:
        """Sender's value if the state is revealed: :math:`\\sum_\\omega \\mu_0(\\omega)\\hat v(\\delta_\\omega)`."""
        return float(self.prior @ self.sender_value(np.eye(self.n_states)))


def prosecutor_game(prior_guilty: float = 0.3) -> PersuasionGame:
    """The prosecutor and the judge of :cite:t:`kamenica2011bayesian`, Section I.

    States ``(innocent, guilty)``; actions ``(acquit, convict)``. The judge gets
    1 for the right verdict and 0 otherwise; the prosecutor gets 1 for a
    conviction whatever the state.

    >>> prosecutor_game().prior
    array([0.7, 0.3])
    """
    prior_guilty = as_real(prior_guilty, "prior_guilty")
    if not 0 <= prior_guilty <= 1:
        raise ValueError(f"prior_guilty must be a probability in [0, 1]; got {prior_guilty!r}")
    u = [[1.0, 0.0], [0.0, 1.0]]  # acquit is right when innocent, convict when guilty
    v = [[0.0, 0.0], [1.0, 1.0]]  # the prosecutor wants a conviction
    return PersuasionGame(
        [1 - prior_guilty, prior_guilty], u, v, actions=("acquit", "convict"), states=("innocent", "guilty")
    )


def random_game(n_states: int, n_actions: int, rng: np.random.Generator | int | None = None) -> PersuasionGame:
    """A game with standard-normal utilities and a Dirichlet(1) prior.

    ``rng`` is a seed or a :class:`numpy.random.Generator`; generic draws have no
    ties, so the game's optimum is unique with probability one.

    >>> random_game(3, 4, rng=0).receiver_utility.shape
    (4, 3)
    """
    n_states = as_int(n_states, "n_states", low=1)
    n_actions = as_int(n_actions, "n_actions", low=1)
    check_size("n_states * n_actions", n_states * n_actions)
    rng = as_rng(rng)
    prior = rng.dirichlet(np.ones(n_states))
    u = rng.standard_normal((n_actions, n_states))
    v = rng.standard_normal((n_actions, n_states))
    return PersuasionGame(prior, u, v)


def _labels(labels, name: str, n: int, prefix: str) -> tuple:
    if labels is None:
        return tuple(f"{prefix}{i}" for i in range(n))
    if isinstance(labels, (str, bytes)) or not hasattr(labels, "__iter__"):
        raise TypeError(f"{name} must be a sequence of {n} labels; got {type(labels).__name__}: {labels!r}")
    return tuple(labels)
