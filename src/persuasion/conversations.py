r"""Conversation rules over :math:`T` rounds, made finite (the essay's :math:`\sigma_i : \Omega \to \Delta(S)^T`).

Each round an agent sends one message from an alphabet of size :math:`|S|`
(its bandwidth). A committed rule whose round-:math:`t` message may depend
on the state and on the agent's own earlier messages induces, once Alice has
the whole transcript, one experiment with at most :math:`|S|^T` signals; a
deterministic rule is a map :math:`\Omega \to S^T`. Up to relabelling the
transcripts (which changes nothing Alice learns), deterministic rules are
the partitions of :math:`\Omega` into at most :math:`|S|^T` cells.
:func:`partition_rules` lists them as experiments, ready to be a menu of
:class:`~persuasion.competition_among_ais.CompetitionGame`.

What this leaves out (disclosed): randomised rules, and rules that react to
*other* agents' messages during the conversation (an interactive protocol,
which is not a product of per-agent experiments).

More rounds raise what one agent can reveal: it can reveal the state iff
:math:`|S|^T \ge |\Omega|` (:func:`rounds_to_reveal`), which is condition (i)
of the essay's Theorem 4. The price is the size of the strategy space,
:math:`(|S|^T)^{|\Omega|}` deterministic rules, or
:math:`\sum_{k \le |S|^T} S(|\Omega|, k)` up to relabelling (Stirling
numbers of the second kind), per agent (:func:`count_conversation_rules`).

>>> # 3 states, one binary message: at most 2 cells
>>> [P.shape[1] for P in partition_rules(3, 1)]
[1, 2, 2, 2]
>>> rounds_to_reveal(4, 2), count_conversation_rules(4, 2)
(2, (256, 15))
"""

from __future__ import annotations

import numpy as np

from ._validation import as_int, check_size

__all__ = ["partition_rules", "count_conversation_rules", "rounds_to_reveal"]


def _args(n_states, n_rounds, alphabet):
    n = as_int(n_states, "n_states", low=1, high=64)
    T = as_int(n_rounds, "n_rounds", low=1, high=64)
    s = as_int(alphabet, "alphabet", low=2, high=2**16)
    return n, T, s


def _stirling2_row(n: int) -> list[int]:
    """:math:`S(n, k)` for :math:`k = 0, \\dots, n` (exact integers, by the recurrence)."""
    row = [1]  # S(0, 0)
    for i in range(1, n + 1):
        new = [0] * (i + 1)
        for k in range(1, i + 1):
            new[k] = k * (row[k] if k < len(row) else 0) + row[k - 1]
        row = new
    return row


def count_conversation_rules(n_states: int, n_rounds: int, alphabet: int = 2) -> tuple[int, int]:
    """(deterministic rules :math:`(|S|^T)^{|\\Omega|}`, rules up to relabelling the transcripts), exact integers.

    >>> count_conversation_rules(4, 1), count_conversation_rules(4, 3)
    ((16, 8), (4096, 15))
    """
    n, T, s = _args(n_states, n_rounds, alphabet)
    cells = s**T
    row = _stirling2_row(n)
    return cells**n, sum(row[k] for k in range(1, min(n, cells) + 1))


def rounds_to_reveal(n_states: int, alphabet: int = 2) -> int:
    """The fewest rounds with :math:`|S|^T \\ge |\\Omega|`: one agent can then reveal the state.

    >>> rounds_to_reveal(4), rounds_to_reveal(5), rounds_to_reveal(1)
    (2, 3, 1)
    """
    n = as_int(n_states, "n_states", low=1, high=2**62)
    s = as_int(alphabet, "alphabet", low=2, high=2**16)
    T = 1
    while s**T < n:
        T += 1
    return T


def partition_rules(n_states: int, n_rounds: int, alphabet: int = 2) -> list[np.ndarray]:
    """Every deterministic T-round rule up to relabelling: one 0/1 experiment per partition of the states.

    Partitions into at most ``alphabet ** n_rounds`` cells, listed by
    restricted growth strings (cell of state 0 is 0; each state joins an
    existing cell or opens the next), coarsest first within that order.
    Experiment ``P`` has ``P[w, c] = 1`` if state ``w`` is in cell ``c``.

    >>> [P.argmax(axis=1).tolist() for P in partition_rules(3, 1)]
    [[0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 1]]
    """
    n, T, s = _args(n_states, n_rounds, alphabet)
    max_cells = min(n, s**T)
    n_rules = count_conversation_rules(n, T, s)[1]
    check_size("the number of partition rules * n_states", n_rules * n)
    out = []

    def grow(prefix, used):
        if len(prefix) == n:
            P = np.zeros((n, used))
            P[np.arange(n), prefix] = 1.0
            out.append(P)
            return
        for c in range(min(used + 1, max_cells)):
            grow(prefix + [c], max(used, c + 1))

    grow([0], 1)
    return out
