"""Information design for AI alignment: the library behind the book.

The core objects::

    from persuasion import PersuasionGame, optimal_signal, concave_closure

Each chapter of the book has a module of the same name:

====  ==============================================  ==============================================
 Ch.  Chapter                                          Module
====  ==============================================  ==============================================
  1   Bayesian persuasion and concavification          :mod:`persuasion.bayesian_persuasion`
                                                       (on :mod:`~persuasion.game`, :mod:`~persuasion.beliefs`)
  2   Competition in persuasion and the Blackwell      :mod:`persuasion.competition_in_persuasion`,
      order                                            :mod:`persuasion.blackwell`,
                                                       :mod:`persuasion.blackwell_connectedness`
  3   Delegation to one AI of unknown alignment        :mod:`persuasion.delegation`,
                                                       :mod:`persuasion.delegation_geometry`
  4   Competition among misaligned AIs                 :mod:`persuasion.competition_among_ais`,
                                                       :mod:`persuasion.substitutability`,
                                                       :mod:`persuasion.conversations`
  5   The Advisor–Receiver protocol                    :mod:`persuasion.protocol`, :mod:`persuasion.neural`
  6   Learning to persuade online                      :mod:`persuasion.online`,
                                                       :mod:`persuasion.online_algorithm`
  7   Persuading real language models                  :mod:`persuasion.llm` (a staged pipeline)
  8   Commitment versus cheap talk                     :mod:`persuasion.cheaptalk`,
                                                       :mod:`persuasion.partial_commitment`
  9   What exact persuasion costs                      :mod:`persuasion.algorithmic`
 10   Agreement protocols                              :mod:`persuasion.agreement`
 11   Errata and verification                          (uses the modules above)
====  ==============================================  ==============================================

Shared pieces: :mod:`persuasion.lp` (every linear program of the library) and
:mod:`persuasion._validation` (argument checks); the ``persuasion`` command
(:mod:`persuasion.cli`) reads its game files with :mod:`persuasion.game_files`. The book's machinery (claims,
figure style, chapter set-up, the notebook runner) lives apart, in
:mod:`persuasion.book`.
"""

from importlib.metadata import PackageNotFoundError, version

from .bayesian_persuasion import SignalSolution, concave_closure, convex_closure, optimal_signal
from .beliefs import Splitting, bayes_posterior, is_bayes_plausible, reduce_support, scheme_from_splitting, split
from .game import PersuasionGame, prosecutor_game, random_game

try:  # the one version number is pyproject.toml's, read from the installed package's metadata
    __version__ = version("persuasion")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "PersuasionGame",
    "prosecutor_game",
    "random_game",
    "optimal_signal",
    "SignalSolution",
    "concave_closure",
    "convex_closure",
    "bayes_posterior",
    "split",
    "Splitting",
    "is_bayes_plausible",
    "scheme_from_splitting",
    "reduce_support",
]
