r"""Blackwell-connectedness: the condition of Theorem 2 of :cite:t:`gentzkow2017competition` (chapter 2).

An environment (:class:`~persuasion.competition_in_persuasion.InformationEnvironment`)
is *Blackwell-connected* when every Sender, whatever the others choose, can
reach every feasible outcome more informative than what the others reveal.
:func:`blackwell_connected` decides it by enumeration and returns a witness of
failure; :func:`counterexample_payoffs` turns a witness into preferences under
which collusion is strictly more informative than an equilibrium (the "only
if" half of the theorem, made constructive).

>>> from persuasion.competition_in_persuasion import InformationEnvironment
>>> menu = [[0, 0], [0, 1]]  # stay silent, or reveal which of two states
>>> blackwell_connected(InformationEnvironment([0.5, 0.5], [menu, menu]).analyse())
Connectedness(connected=True, witness=None)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .competition_in_persuasion import EnvironmentAnalysis

__all__ = ["Connectedness", "blackwell_connected", "counterexample_payoffs"]


@dataclass(frozen=True)
class Connectedness:
    """Result of :func:`blackwell_connected`; ``witness`` = (sender, others' profile, unreachable outcome).

    >>> Connectedness(False, (1, (0,), 1)).witness
    (1, (0,), 1)
    """

    connected: bool
    witness: tuple | None = None


def blackwell_connected(analysis: EnvironmentAnalysis) -> Connectedness:
    r"""Whether each sender can reach every feasible τ ⪰ Bel(π₋ᵢ), for every π₋ᵢ.

    Needs at least two senders (with one the definition is about nobody's
    opponents). Returns the first failure as a witness.

    >>> from persuasion.competition_in_persuasion import (
    ...     InformationEnvironment,
    ...     reveal_or_conceal,
    ... )
    >>> blackwell_connected(reveal_or_conceal().analyse()).connected
    True

    Sender 1 can only stay silent, so against a silent sender 0 it cannot
    reach full information, which sender 0 can:

    >>> menus = [[[0, 0], [0, 1]], [[0, 0]]]  # sender 0: silence or the state; 1: silence
    >>> blackwell_connected(InformationEnvironment([0.5, 0.5], menus).analyse())
    Connectedness(connected=False, witness=(1, (0,), 1))
    """
    env = analysis.environment
    if env.n_senders < 2:
        raise ValueError(f"Blackwell-connectedness needs at least two senders; got {env.n_senders}")
    n = analysis.n_feasible
    for i in range(env.n_senders):
        po = np.moveaxis(analysis.profile_outcome, i, -1)  # others..., own
        table = analysis.others_outcome[i]
        for others in np.ndindex(table.shape):
            reachable = np.zeros(n, dtype=bool)
            reachable[po[others]] = True
            needed = analysis.dominates[:, table[others]]
            missing = np.flatnonzero(needed & ~reachable)
            if missing.size:
                return Connectedness(False, (i, tuple(int(o) for o in others), int(missing[0])))
    return Connectedness(True, None)


def counterexample_payoffs(analysis: EnvironmentAnalysis, connectedness: Connectedness) -> np.ndarray:
    r"""Preferences under which collusion is strictly more informative than an equilibrium.

    The "only if" half of Theorem 2 :cite:p:`gentzkow2017competition`, made
    constructive: where sender :math:`i` cannot reach a feasible
    :math:`\tau \succeq \mathrm{Bel}(\pi_{-i})`, let :math:`i` value
    :math:`\tau` alone (payoff 1) and everyone else be indifferent. Then
    :math:`\tau` is the collusive outcome, while :math:`i` staying silent
    against :math:`\pi_{-i}` is an equilibrium whose outcome
    :math:`\mathrm{Bel}(\pi_{-i})` is strictly less informative, provided
    :math:`i`'s menu holds the uninformative signal.

    Sender 1 can only stay silent, so against a silent sender 0 it cannot
    reach full information, which sender 0 can:

    >>> from persuasion.competition_in_persuasion import InformationEnvironment
    >>> env = InformationEnvironment([0.5, 0.5], [[[0, 0], [0, 1]], [[0, 0]]])
    >>> analysis = env.analyse()
    >>> connectedness = blackwell_connected(analysis)
    >>> connectedness
    Connectedness(connected=False, witness=(1, (0,), 1))
    >>> counterexample_payoffs(analysis, connectedness)
    array([[0., 0.],
           [0., 1.]])
    """
    if connectedness.connected:
        raise ValueError(
            "connectedness must be a failure (connected=False) with a witness; got a connected environment"
        )
    i, _, target = connectedness.witness
    V = np.zeros((analysis.n_feasible, analysis.environment.n_senders))
    V[target, i] = 1.0
    return V
