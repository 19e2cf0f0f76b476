import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from persuasion import PersuasionGame, prosecutor_game, random_game

from .strategies import games


def test_prosecutor_best_responses():
    g = prosecutor_game()
    assert g.best_response([0.7, 0.3]) == 0  # acquit
    assert g.best_response([0.5, 0.5]) == 1  # tie -> the prosecutor's favourite
    assert g.best_response([0.2, 0.8]) == 1
    np.testing.assert_array_equal(g.best_response([[0.7, 0.3], [0.4, 0.6]]), [0, 1])


def test_tie_broken_for_sender_then_lowest_index():
    # Receiver indifferent among all three actions; the Sender likes 1 and 2 equally.
    g = PersuasionGame([0.5, 0.5], np.zeros((3, 2)), [[0, 0], [1, 1], [1, 1]])
    assert g.best_response([0.5, 0.5]) == 1


def test_values_by_hand():
    g = PersuasionGame([0.5, 0.5], [[2.0, 0.0], [0.0, 1.0]], [[1.0, 3.0], [0.0, -1.0]])
    mu = np.array([0.25, 0.75])
    # Receiver: action 0 earns 0.5, action 1 earns 0.75 -> action 1.
    assert g.best_response(mu) == 1
    np.testing.assert_allclose(g.receiver_payoffs(mu), [0.5, 0.75])
    assert np.isclose(g.sender_value(mu), -0.75)
    assert np.isclose(g.receiver_value(mu), 0.75)


def test_full_and_no_information_values_prosecutor():
    g = prosecutor_game(0.3)
    assert g.no_information_value == 0.0
    assert np.isclose(g.full_information_value, 0.3)


def test_arrays_are_read_only_and_repr():
    g = random_game(2, 3, rng=1)
    assert not g.receiver_utility.flags.writeable
    assert "n_states=2" in repr(g) and "n_actions=3" in repr(g)


@given(games(integer=True))
def test_best_response_is_receiver_optimal(g):
    rng = np.random.default_rng(0)
    beliefs = rng.dirichlet(np.ones(g.n_states), size=10)
    a = g.best_response(beliefs)
    payoffs = g.receiver_payoffs(beliefs)
    chosen = payoffs[np.arange(10), a]
    np.testing.assert_array_less(payoffs.max(axis=1) - 1e-9, chosen + 1e-12)


@given(games(integer=True))
def test_sender_value_vectorises(g):
    beliefs = np.random.default_rng(1).dirichlet(np.ones(g.n_states), size=(2, 3))
    batch = g.sender_value(beliefs)
    assert batch.shape == (2, 3)
    one_by_one = [[g.sender_value(beliefs[i, j]) for j in range(3)] for i in range(2)]
    np.testing.assert_allclose(batch, one_by_one)


# -- ties do not depend on the unit of the utilities --------------------------------------------------------
SCALES = [1e-12, 1e-10, 1e-6, 1e-3, 1.0, 1e3, 1e6, 1e12]


def _affine(g, a, b):
    return PersuasionGame(g.prior, a * g.receiver_utility + b, a * g.sender_utility + b)


@pytest.mark.parametrize("a", SCALES)
@pytest.mark.parametrize("shift", [0.0, 3.0, -7.0])
def test_prosecutor_ties_survive_scaling_and_shifting(a, shift):
    """At belief 1/2 the judge is indifferent and convicts (Sender-preferred), whatever the unit: a*u + b."""
    g = _affine(prosecutor_game(), a, shift * a)
    beliefs = [[0.7, 0.3], [0.5, 0.5], [0.5 + 1e-6, 0.5 - 1e-6], [0.2, 0.8]]
    np.testing.assert_array_equal(g.best_response(beliefs), [0, 1, 0, 1])
    # The Sender's value is v of the chosen action: a*0 + b when acquitting, a*1 + b when convicting.
    np.testing.assert_allclose(g.sender_value(beliefs), [shift * a, a + shift * a, shift * a, a + shift * a],
                               rtol=1e-12)
    assert g.tie_tolerance == pytest.approx(1e-9 * a, rel=1e-12)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(games(integer=True), st.sampled_from(SCALES), st.sampled_from([0.0, 2.0, -5.0]))
def test_best_responses_do_not_depend_on_the_unit(g, a, shift):
    """Integer utilities (ties everywhere): the same best responses at every unit and shift."""
    scaled = _affine(g, a, shift * a)
    grid = np.random.default_rng(0).dirichlet(np.ones(g.n_states), size=20)
    grid = np.vstack([grid, np.eye(g.n_states), np.full((1, g.n_states), 1 / g.n_states)])
    np.testing.assert_array_equal(np.atleast_1d(scaled.best_response(grid)), np.atleast_1d(g.best_response(grid)))


def test_constant_receiver_utility_has_zero_tie_tolerance():
    g = PersuasionGame([0.5, 0.5], [[2.0, 2.0], [2.0, 2.0]], [[0.0, 1.0], [1.0, 0.0]])
    assert g.tie_tolerance == 0.0
    assert g.best_response([0.3, 0.7]) == 0  # all tied: the Sender's favourite, v = (0.7, 0.3)


def test_utilities_near_the_largest_float():
    g = _affine(prosecutor_game(), 1e308, 0.0)
    assert g.best_response([0.5, 0.5]) == 1 and g.sender_value([0.7, 0.3]) == 0.0
    assert np.isfinite(g.tie_tolerance)
