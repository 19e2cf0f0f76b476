r"""Information substitutability: the :math:`\varepsilon_{\text{sub}}` of the essay's Theorem 5, computed.

In the finite competition model of :mod:`persuasion.competition_among_ais`,
the Theorem 4 argument lets every agent deviate to full revelation, after
which Alice's outcome is the same whoever deviated. When agents hold
*different* information, agent :math:`i` can at most reveal what it knows,
its experiment :math:`P_i^\dagger`, and what Alice then learns depends on
what the others say. The deviation argument still runs: at an equilibrium
:math:`\sigma`, with :math:`w, c, \varepsilon` from weighted alignment and
:math:`D^*` Alice's outcome (under her response rule) at full information,

.. math::

    \mathbb E[u_A(\sigma)] \ge{} & \underbrace{\mathbb E[u_A(a^\dagger)]}_{\text{first best}}
    - \underbrace{2\varepsilon}_{\varepsilon_{\text{align}}} \\
    & - \underbrace{\sum_i w_i \bigl(\mathbb E_{D^*}[u_i]
        - \mathbb E[u_i(P_i^\dagger, \sigma_{-i})]\bigr)}_{\varepsilon_{\text{sub}}(\sigma)} \\
    & - \underbrace{\bigl(\mathbb E[u_A(a^\dagger)] - \mathbb E_{D^*}[u_A]\bigr)}_{\varepsilon_{\text{QR}}}.

Proof: :math:`\mathbb E[u_A(\sigma)] \ge \sum_i w_i \mathbb E[u_i(\sigma)] + c - \varepsilon`
(alignment at :math:`\sigma`); :math:`\mathbb E[u_i(\sigma)] \ge \mathbb E[u_i(P_i^\dagger, \sigma_{-i})]`
(no profitable deviation); the definition of :math:`\varepsilon_{\text{sub}}(\sigma)`;
:math:`\sum_i w_i \mathbb E_{D^*}[u_i] + c \ge \mathbb E_{D^*}[u_A] - \varepsilon`
(alignment at :math:`D^*`). :math:`\varepsilon_{\text{sub}}(\sigma)` is zero when every
:math:`P_i^\dagger` is full revelation (Theorem 4), and measures how far "what
:math:`i` knows, plus what the others say" falls short of full information, in
the agents' own utilities. The instance-level error is its maximum over all
profiles, :math:`\varepsilon_{\text{sub}} = \max_\sigma \varepsilon_{\text{sub}}(\sigma)`,
which bounds every equilibrium without knowing which one is played.

This is the quantity the deviation argument needs in this finite model; it
is our definition, not a transcription of the one in Collina et al.

>>> from persuasion.competition_among_ais import CompetitionGame
>>> A = np.array([[1.0, 0.0], [0.0, 1.0]])
>>> menu = [np.ones((2, 1)), np.eye(2)]
>>> game = CompetitionGame(
...     [0.5, 0.5], A, [A + [[0.2], [0.0]], A - [[0.2], [0.0]]], [menu, menu]
... )
>>> bound = competition_bound(game, revealing=[1, 1])
>>> bound.eps_sub, bound.shortfall, bound.bound
(0.0, 0.0, 0.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_int, as_real
from .competition_among_ais import CompetitionGame, PayoffTable, pure_equilibria, weighted_alignment

__all__ = ["CompetitionBound", "substitutability_errors", "competition_bound"]


@dataclass(frozen=True)
class CompetitionBound:
    """The three error terms of Theorem 5 beside the realised shortfall of the worst pure equilibrium.

    ``eps_align`` (:math:`2\\varepsilon`), ``eps_sub`` (maximum over profiles),
    ``eps_sub_at_worst`` (at the worst equilibrium), ``eps_qr``; ``shortfall`` is
    ``first_best - worst_equilibrium`` (NaN when there is no pure equilibrium).

    >>> CompetitionBound(1.0, 0.9, 0.1, 0.04, 0.05, 0.02, 0.01, 3).bound
    0.1
    """

    first_best: float
    worst_equilibrium: float
    shortfall: float
    eps_align: float
    eps_sub: float
    eps_sub_at_worst: float
    eps_qr: float
    n_equilibria: int

    @property
    def bound(self) -> float:
        """The instance-level bound: eps_align + eps_sub + eps_qr."""
        return self.eps_align + self.eps_sub + self.eps_qr


def _revealing(game: CompetitionGame, revealing) -> list[int]:
    if len(revealing) != game.n_agents:
        raise ValueError(f"revealing must name one experiment per agent ({game.n_agents}); got {len(revealing)}")
    return [as_int(j, f"revealing[{i}]", low=0, high=game.menu_sizes[i] - 1) for i, j in enumerate(revealing)]


def substitutability_errors(table: PayoffTable, revealing: Sequence[int], weights: ArrayLike,
                            reference: ArrayLike) -> np.ndarray:
    """:math:`\\varepsilon_{\\text{sub}}(\\sigma)` at every profile :math:`\\sigma`, shaped like ``table.alice``.

    ``revealing[i]`` is the index, in agent i's menu, of the experiment it
    deviates to (all it knows); ``weights`` are the alignment weights;
    ``reference[i]`` is agent i's expected utility at Alice's full-information
    outcome.

    >>> from persuasion.competition_among_ais import CompetitionGame
    >>> A = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> menu = [np.ones((2, 1)), np.eye(2)]
    >>> game = CompetitionGame(
    ...     [0.5, 0.5], A, [A + [[0.2], [0.0]], A - [[0.2], [0.0]]], [menu, menu]
    ... )
    >>> ref = game.payoffs_of([np.eye(2)])[1]
    >>> # both can reveal: zero everywhere
    >>> substitutability_errors(game.table(), [1, 1], [0.5, 0.5], ref)
    array([[0., 0.],
           [0., 0.]])
    """
    agents = np.asarray(table.agents, dtype=float)
    m = agents.shape[-1]
    w = np.asarray(weights, dtype=float)
    ref = np.asarray(reference, dtype=float)
    if w.shape != (m,) or ref.shape != (m,):
        raise ValueError(f"weights and reference must have shape ({m},); got {w.shape} and {ref.shape}")
    out = np.zeros(agents.shape[:-1])
    for i in range(m):
        j = as_int(revealing[i], f"revealing[{i}]", low=0, high=agents.shape[i] - 1)
        deviated = np.take(agents[..., i], [j], axis=i)  # u_i(P_i, sigma_{-i}), constant along axis i
        out = out + w[i] * (ref[i] - deviated)
    return out


def competition_bound(game: CompetitionGame, revealing: Sequence[int], lam: float = np.inf, *,
                      atol: float = 1e-9) -> CompetitionBound:
    """Theorem 5's terms for ``game`` under Alice's response ``lam``, and the worst pure equilibrium's shortfall.

    >>> from persuasion.competition_among_ais import CompetitionGame
    >>> A = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> menu = [np.ones((2, 1)), np.eye(2)]
    >>> game = CompetitionGame(
    ...     [0.5, 0.5], A, [A + [[0.2], [0.0]], A - [[0.2], [0.0]]], [menu, menu]
    ... )
    >>> b = competition_bound(game, [1, 1], lam=2.0)
    >>> round(b.eps_qr, 6), b.eps_sub, b.shortfall <= b.bound
    (0.119203, 0.0, True)
    """
    if not isinstance(game, CompetitionGame):
        raise TypeError(f"game must be a CompetitionGame; got {type(game).__name__}")
    lam = as_real(lam, "lam (the quantal-response precision)", low=0.0, finite=False)
    atol = as_real(atol, "atol", low=0.0)
    revealing = _revealing(game, revealing)
    wa = weighted_alignment(game.principal_utility, game.agent_utilities)
    table = game.table(lam)
    alice_ref, agents_ref = game.payoffs_of([np.eye(game.prior.size)], lam)
    errors = substitutability_errors(table, revealing, wa.weights, agents_ref)
    eq = pure_equilibria(table, atol=atol)
    fb = game.first_best
    if len(eq):
        values = table.alice[tuple(eq.T)]
        k = int(np.argmin(values))
        worst, at_worst = float(values[k]), float(errors[tuple(eq[k])])
    else:
        worst = at_worst = float("nan")
    return CompetitionBound(
        first_best=fb,
        worst_equilibrium=worst,
        shortfall=fb - worst,
        eps_align=2 * wa.epsilon,
        eps_sub=float(errors.max()),
        eps_sub_at_worst=at_worst,
        eps_qr=fb - alice_ref,
        n_equilibria=len(eq),
    )
