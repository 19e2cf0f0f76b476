"""Information design for AI alignment.

The core objects of the book::

    from persuasion import PersuasionGame, optimal_signal, concave_closure
"""

from .beliefs import Splitting, bayes_posterior, is_bayes_plausible, reduce_support, scheme_from_splitting, split
from .checks import Checks, ClaimFailed
from .game import PersuasionGame, prosecutor_game, random_game
from .single import SignalSolution, concave_closure, convex_closure, optimal_signal

__version__ = "0.1.0"

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
    "Checks",
    "ClaimFailed",
]
