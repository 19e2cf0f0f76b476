"""The checks of chapters 1 and 2 bite: plant a plausible bug in the library and the chapter fails.

How the chapters are run here. The book runs a chapter through papermill in a
separate Jupyter kernel, which pytest's ``monkeypatch`` cannot reach. So this
test runs the chapter's own code *in this process*: jupytext reads
``notebooks/NN_*.py``, the parameters cell is replaced by ``scale = "smoke"``
(what papermill injects at smoke scale), and the code cells are executed in
order with ``exec`` in one fresh namespace, with the working directory, the
figure folder and the Agg backend set as the runner sets them. Markdown cells
are not executed, as in a kernel. The mutants are installed with
``monkeypatch`` *before* the chapter's imports run, so the chapter's
``from persuasion... import f`` picks up the mutated ``f``, and every call
inside the library that looks ``f`` up in its module does too.

Each mutant must make the chapter raise :class:`ClaimFailed`, i.e. be caught
by one of the chapter's claims, not by a crash. The unmutated chapter runs in
the same way first and must pass, so that a failure is the mutant's doing.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from persuasion.book.checks import ClaimFailed

from .conftest import ROOT, run_chapter_in_process

pytestmark = [pytest.mark.notebook, pytest.mark.slow]

CHAPTERS = {
    1: ROOT / "notebooks" / "01_bayesian_persuasion.py",
    2: ROOT / "notebooks" / "02_competition_in_persuasion.py",
}


# -- the mutants: each a plausible bug, installed with monkeypatch ----------------------------------------


def tie_break_against_sender(monkeypatch):
    """The Receiver breaks ties against the Sender (argmin instead of argmax of the Sender's utility)."""
    from persuasion.game import PersuasionGame

    def best_response(self, belief, *, atol=1e-9):
        mu = self._beliefs(belief)
        ru = mu @ self.receiver_utility.T
        su = mu @ self.sender_utility.T
        optimal = ru >= ru.max(axis=-1, keepdims=True) - atol
        choice = np.argmin(np.where(optimal, su, np.inf), axis=-1)
        return int(choice) if choice.ndim == 0 else choice

    monkeypatch.setattr(PersuasionGame, "best_response", best_response)


def drop_one_obedience_constraint(monkeypatch):
    """The obedience LP loses its first constraint (an off-by-one when the rows are built)."""
    import persuasion.bayesian_persuasion as bp

    original = bp.obedience_matrix
    monkeypatch.setattr(bp, "obedience_matrix", lambda game: original(game)[1:])


def objective_in_the_wrong_order(monkeypatch):
    """The LP's objective ravels v(a, w) action-major while the variable p(w, a) is state-major."""
    import persuasion.bayesian_persuasion as bp

    monkeypatch.setattr(bp, "objective_vector", lambda game: game.sender_utility.ravel().copy())


def weak_improvement_counts_as_deviation(monkeypatch):
    """An equilibrium test with >= where > belongs: a Sender 'deviates' to an outcome she likes equally."""
    import persuasion.competition_in_persuasion as cip

    monkeypatch.setattr(cip, "equilibrium_outcomes", functools.partial(cip.equilibrium_outcomes, atol=-1e-9))
    monkeypatch.setattr(cip, "pure_equilibria", functools.partial(cip.pure_equilibria, atol=-1e-9))


def finest_partition_missing(monkeypatch):
    """The enumeration of partitions stops one short: the finest partition (full revelation) is lost."""
    import persuasion.competition_in_persuasion as cip

    original = cip.all_partitions
    monkeypatch.setattr(cip, "all_partitions", lambda n_cells: original(n_cells)[:-1] if n_cells > 1 else original(1))


def collusion_forgets_the_last_sender(monkeypatch):
    """The collusive outcome maximises the payoffs of all Senders but the last (a slice one short)."""
    import persuasion.competition_in_persuasion as cip

    def collusive_outcomes(analysis, payoffs, *, atol=1e-9):
        V = np.asarray(payoffs, dtype=float)
        total = V[: analysis.n_feasible, :-1].sum(axis=1) if V.shape[1] > 1 else V[: analysis.n_feasible, 0]
        return np.flatnonzero(total >= total.max() - atol)

    monkeypatch.setattr(cip, "collusive_outcomes", collusive_outcomes)


MUTANTS = [
    (1, tie_break_against_sender),
    (1, drop_one_obedience_constraint),
    (1, objective_in_the_wrong_order),
    (2, weak_improvement_counts_as_deviation),
    (2, finest_partition_missing),
    (2, collusion_forgets_the_last_sender),
]


@pytest.mark.parametrize("number", sorted(CHAPTERS))
def test_chapter_passes_in_process_without_a_mutant(number, tmp_path, monkeypatch):
    checks = run_chapter_in_process(CHAPTERS[number], tmp_path, monkeypatch)["checks"]
    assert len(checks) > 10 and all(claim.passed for claim in checks.claims)


@pytest.mark.parametrize(("number", "mutant"), MUTANTS, ids=[m.__name__ for _, m in MUTANTS])
def test_a_planted_bug_makes_the_chapter_fail(number, mutant, tmp_path, monkeypatch):
    mutant(monkeypatch)
    with pytest.raises(ClaimFailed) as failure:
        run_chapter_in_process(CHAPTERS[number], tmp_path, monkeypatch)
    print(f"chapter {number}, {mutant.__name__}: {failure.value}")
