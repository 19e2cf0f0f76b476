"""The checks of chapters 3 and 4 bite: plant a plausible bug in the library and the chapter fails.

How the chapters are run here. The book runs a chapter through papermill in a
separate Jupyter kernel, which pytest's ``monkeypatch`` cannot reach. So this
test runs the chapter's own code *in this process*: jupytext reads
``notebooks/NN_*.py``, the parameters cell is replaced by ``scale = "smoke"``
(what papermill injects at smoke scale), and the code cells are executed in
order with ``exec`` in one fresh namespace, with the working directory, the
figure folder and the Agg backend set as the runner sets them. Markdown cells
are not executed, as in a kernel. Each mutant is installed with
``monkeypatch`` *before* the chapter's imports run, so the chapter's
``from persuasion... import f`` picks up the mutated ``f``, and calls inside
the library that look ``f`` up in its module do too.

Each mutant must make the chapter raise :class:`ClaimFailed`, i.e. be caught
by one of the chapter's claims, not by a crash. The unmutated chapter runs in
the same way first and must pass, so that a failure is the mutant's doing.
"""

from __future__ import annotations

import numpy as np
import pytest

from persuasion.book.checks import ClaimFailed

from .conftest import ROOT, run_chapter_in_process

pytestmark = [pytest.mark.notebook, pytest.mark.slow]

CHAPTERS = {
    3: ROOT / "notebooks" / "03_delegation.py",
    4: ROOT / "notebooks" / "04_competition_among_ais.py",
}


# -- chapter 3 (delegation) ----------------------------------------------------------------------------


def ties_against_principal(monkeypatch):
    """A sign slip in the tie-break: indifferent agents take the action worst for the principal."""
    from persuasion.delegation import DelegationProblem

    original = DelegationProblem.best_responses

    def best_responses(self, beliefs, ties="principal"):
        return original(self, beliefs, "adversarial" if ties == "principal" else "principal")

    monkeypatch.setattr(DelegationProblem, "best_responses", best_responses)


def average_instead_of_worst_type(monkeypatch):
    """The robust LP maximises the average over types instead of the minimum."""
    import persuasion.delegation as dl

    def robust_delegation(problem, *, margin=0.0):
        return dl.weighted_delegation(problem, np.full(problem.n_types, 1.0 / problem.n_types))

    monkeypatch.setattr(dl, "robust_delegation", robust_delegation)


def split_not_bayes_plausible(monkeypatch):
    """``split_through`` applies ``share`` to the posterior but forgets it in the returned weight."""
    import persuasion.delegation_geometry as dl
    from persuasion.beliefs import Splitting

    original = dl.split_through

    def split_through(prior, belief, *, share=1.0):
        tau = original(prior, belief, share=share)
        lam = min(tau.weights[0] / share, 1.0)
        if tau.weights.size == 1 or lam >= 1.0:
            return tau
        return Splitting(weights=np.array([lam, 1 - lam]), posteriors=tau.posteriors)

    monkeypatch.setattr(dl, "split_through", split_through)


def aligned_belief_ignores_principal(monkeypatch):
    """``aligned_belief`` forgets the principal's ranking and keeps only the agent's."""
    import persuasion.delegation_geometry as dl

    def aligned_belief(problem, k, b):
        n = problem.n_states
        U = problem.agent_utilities[k]
        A_ub = np.array([np.append(U[bp] - U[b], 1.0) for bp in range(problem.n_agent_actions) if bp != b])
        res = dl.solve_lp(
            np.append(np.zeros(n), 1.0), A_ub=A_ub, b_ub=np.zeros(len(A_ub)),
            A_eq=np.append(np.ones(n), 0.0)[None], b_eq=[1.0],
            bounds=[(0, None)] * n + [(None, max(1.0, float(np.abs(A_ub).max())))], maximize=True,
            what="aligned_belief",
        )
        return float(res.x[-1]), np.clip(res.x[:n], 0.0, None)

    monkeypatch.setattr(dl, "aligned_belief", aligned_belief)


# -- chapter 4 (competition among AIs) ---------------------------------------------------------------


def alignment_without_constant(monkeypatch):
    """``weighted_alignment`` drops the constant c (its bounds pinned to 0), as in the essay's form."""
    import persuasion.competition_among_ais as ca

    original = ca.solve_lp

    def solve_lp(c, *args, bounds=None, what="", **kwargs):
        if what == "weighted_alignment":
            bounds = list(bounds)
            bounds[-2] = (0.0, 0.0)
        return original(c, *args, bounds=bounds, what=what, **kwargs)

    monkeypatch.setattr(ca, "solve_lp", solve_lp)


def equilibria_check_one_agent(monkeypatch):
    """``pure_equilibria`` tests deviations of the first agent only (a loop bound off by one)."""
    import persuasion.competition_among_ais as ca

    def pure_equilibria(table, *, atol=1e-9):
        own = table.agents[..., 0]
        return np.argwhere(own >= own.max(axis=0, keepdims=True) - atol)

    monkeypatch.setattr(ca, "pure_equilibria", pure_equilibria)


def first_best_max_outside(monkeypatch):
    """Alice's first best computed as max_a E[u_A] (the blind value) instead of E[max_a u_A]."""
    from persuasion.competition_among_ais import CompetitionGame

    monkeypatch.setattr(
        CompetitionGame, "first_best", property(lambda self: float((self.principal_utility @ self.prior).max()))
    )


MUTANTS = [
    (3, ties_against_principal),
    (3, average_instead_of_worst_type),
    (3, split_not_bayes_plausible),
    (3, aligned_belief_ignores_principal),
    (4, alignment_without_constant),
    (4, equilibria_check_one_agent),
    (4, first_best_max_outside),
]


@pytest.mark.parametrize("number", sorted(CHAPTERS))
def test_unmutated_chapter_passes_in_process(number, tmp_path, monkeypatch):
    namespace = run_chapter_in_process(CHAPTERS[number], tmp_path, monkeypatch)
    assert namespace["checks"].claims and all(c.passed for c in namespace["checks"].claims)


@pytest.mark.parametrize("number, mutant", MUTANTS, ids=lambda x: getattr(x, "__name__", str(x)))
def test_mutant_is_caught_by_a_claim(number, mutant, tmp_path, monkeypatch):
    mutant(monkeypatch)
    with pytest.raises(ClaimFailed):
        run_chapter_in_process(CHAPTERS[number], tmp_path, monkeypatch)
