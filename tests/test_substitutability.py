"""Information substitutability (Theorem 5's eps_sub) on small instances, against hand computations."""

import numpy as np
import pytest

from persuasion.competition_among_ais import CompetitionGame, aligned_agents
from persuasion.substitutability import CompetitionBound, competition_bound, substitutability_errors

A = np.array([[1.0, 0.0], [0.0, 1.0]])  # Alice matches one of two equally likely states


def _split_information_game():
    """Agents aligned with Alice (eps = 0); agent 0 knows the state, agent 1 knows nothing."""
    menus = [[np.ones((2, 1)), np.eye(2)], [np.ones((2, 1))]]
    return CompetitionGame([0.5, 0.5], A, [A, A], menus)


def test_an_uninformed_agent_contributes_its_full_information_gap():
    game = _split_information_game()
    # Agent 1 can only say nothing: deviating to it gives Alice the other agent's information.
    # At the profile (silent, silent) Alice gets 1/2; with full information 1. Weights (w, 1 - w):
    # eps_sub(silent) = w * (1 - 1) + (1 - w) * (1 - 1/2)   (agent 0's deviation reveals the state)
    # eps_sub(reveal) = 0.
    bound = competition_bound(game, revealing=[1, 0])
    table = game.table()
    from persuasion.competition_among_ais import weighted_alignment

    w = weighted_alignment(A, [A, A]).weights
    errors = substitutability_errors(table, [1, 0], w, [1.0, 1.0])
    np.testing.assert_allclose(errors.ravel(), [(1 - w[0]) * 0.5, 0.0], atol=1e-12)
    assert bound.shortfall == 0.0  # the aligned informed agent reveals
    assert bound.eps_sub == pytest.approx((1 - w[0]) * 0.5) and bound.eps_sub_at_worst == pytest.approx(0.0)


@pytest.mark.parametrize("seed", range(6))
def test_bound_holds_on_random_instances_with_split_information(seed):
    rng = np.random.default_rng(seed)
    uA = rng.normal(size=(3, 3))
    agents = aligned_agents(uA, [0.5, 0.5], 0.05, rng)
    menus = []
    for cells in ([0, 1, 1], [0, 0, 1]):
        P = np.eye(2)[cells] * 0.8 + 0.1
        menus.append([np.ones((3, 1)), P, P @ rng.dirichlet([0.5, 0.5], size=2)])
    game = CompetitionGame(rng.dirichlet(np.ones(3)), uA, agents, menus)
    for lam in (np.inf, 3.0):
        b = competition_bound(game, [1, 1], lam)
        if b.n_equilibria:
            assert b.shortfall <= b.eps_align + b.eps_sub_at_worst + b.eps_qr + 1e-9
            assert b.shortfall <= b.bound + 1e-9
        assert b.eps_sub >= b.eps_sub_at_worst or np.isnan(b.eps_sub_at_worst)
        assert -1e-12 <= b.eps_qr <= (np.log(3) / lam if np.isfinite(lam) else 0) + 1e-12


def test_zero_when_everybody_can_reveal():
    menu = [np.ones((2, 1)), np.eye(2)]
    game = CompetitionGame([0.3, 0.7], A, [A + [[0.2], [0.0]], A - [[0.2], [0.0]]], [menu, menu])
    b = competition_bound(game, [1, 1], lam=4.0)
    assert b.eps_sub == pytest.approx(0.0, abs=1e-12)
    assert isinstance(b, CompetitionBound) and b.bound == pytest.approx(b.eps_align + b.eps_qr)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda g: competition_bound(g, [1]), ValueError, r"revealing must name one experiment per agent \(2\); got 1"),
        (lambda g: competition_bound(g, [1, 5]), ValueError, r"revealing\[1\] must be <= 0; got 5"),
        (lambda g: competition_bound(g, [1, True]), TypeError, r"revealing\[1\] must be a real number; got bool"),
        (lambda g: competition_bound(g, [1, 0], lam=-1), ValueError, "lam .* must be >= 0"),
        (lambda g: competition_bound(g, [1, 0], lam="1"), TypeError, "lam .* got str"),
        (lambda g: competition_bound("game", [1, 0]), TypeError, "game must be a CompetitionGame; got str"),
        (lambda g: substitutability_errors(g.table(), [1, 0], [1.0], [1.0, 1.0]), ValueError, "shape"),
    ],
)
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call(_split_information_game())
