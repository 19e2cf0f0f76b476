import numpy as np
import pytest

from persuasion import concave_closure, optimal_signal
from persuasion.algorithmic import independent_actions_game, lp_size
from persuasion.bayesian_persuasion import obedience_matrix


def test_sizes_match_the_lp_builders():
    g = independent_actions_game([0.0, 1.0, 0.3], [1.0, 0.0, 0.5], [0.2, 0.5, 0.3], 3)
    assert g.n_states == 27 and g.n_actions == 3
    variables, _, obedience = lp_size(g.n_states, g.n_actions)
    assert obedience_matrix(g).shape == (obedience, variables)
    np.testing.assert_allclose(g.prior.sum(), 1.0)


def test_small_instance_matches_the_concave_closure():
    g = independent_actions_game([0.0, 1.0], [1.0, 0.2], [0.6, 0.4], 2)
    assert optimal_signal(g).value == pytest.approx(float(concave_closure(g, g.prior)), abs=1e-7)


def test_aligned_sender_gets_the_expected_maximum():
    # v = u: full information is optimal, worth E[max_a rho(theta_a)].
    q = np.array([0.5, 0.5])
    g = independent_actions_game([0.0, 1.0], [0.0, 1.0], q, 3)
    assert optimal_signal(g).value == pytest.approx(1 - 0.5**3, abs=1e-7)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: independent_actions_game([0, 1], [1, 0], [0.5, 0.6], 2), "type_prior must sum to 1"),
        (lambda: independent_actions_game([0, 1], [1, 0, 2], [0.5, 0.5], 2), "one entry per type"),
        (lambda: independent_actions_game([0, 1], [1, 0], [0.5, 0.5], 0), "positive integer; got 0"),
        (lambda: independent_actions_game([0, 1], [1, 0], [0.5, 0.5], 25), r"2\*\*25 = 33554432 states"),
        (lambda: lp_size(0, 3), "must be positive"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
