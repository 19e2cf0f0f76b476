"""Bad input gets a ValueError that names the argument and shows what was wrong."""

import numpy as np
import pytest

from persuasion import PersuasionGame, bayes_posterior, concave_closure, optimal_signal, prosecutor_game, split

U = [[1.0, 0.0], [0.0, 1.0]]
V = [[0.0, 0.0], [1.0, 1.0]]


def test_utility_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"receiver_utility and sender_utility.*\(2, 2\) and \(3, 2\)"):
        PersuasionGame([0.5, 0.5], U, [[0, 0], [1, 1], [2, 2]])


def test_prior_length_mismatch_names_shapes():
    with pytest.raises(ValueError, match=r"prior must have one entry per state.*\(2, 2\).*length 2; got length 3"):
        PersuasionGame([0.2, 0.3, 0.5], U, V)


def test_prior_not_summing_to_one_shows_sum():
    with pytest.raises(ValueError, match=r"prior must sum to 1; its entries sum to 0.9"):
        PersuasionGame([0.4, 0.5], U, V)


def test_negative_prior_entry():
    with pytest.raises(ValueError, match=r"prior must be non-negative; entry 0 is -0.5"):
        PersuasionGame([-0.5, 1.5], U, V)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_utilities(bad):
    u = np.array(U)
    u[1, 0] = bad
    kind = "NaN" if np.isnan(bad) else "inf"
    with pytest.raises(
        ValueError, match=rf"receiver_utility must contain only finite numbers; found {kind} at index \(1, 0\)"
    ):
        PersuasionGame([0.5, 0.5], u, V)


def test_non_finite_prior():
    with pytest.raises(ValueError, match=r"prior must contain only finite numbers; found NaN at index 1"):
        PersuasionGame([0.5, np.nan], U, V)


def test_empty_action_set():
    with pytest.raises(ValueError, match=r"receiver_utility must not be empty; got an array of shape \(0, 2\)"):
        PersuasionGame([0.5, 0.5], np.zeros((0, 2)), np.zeros((0, 2)))


def test_empty_state_set():
    with pytest.raises(ValueError, match=r"must not be empty"):
        PersuasionGame([], np.zeros((2, 0)), np.zeros((2, 0)))


def test_one_dimensional_utility():
    with pytest.raises(ValueError, match=r"receiver_utility must be 2-dimensional; got an array of shape \(2,\)"):
        PersuasionGame([0.5, 0.5], [1.0, 0.0], V)


def test_non_numeric_utility():
    with pytest.raises(TypeError, match=r"sender_utility must be an array of real numbers; got strings"):
        PersuasionGame([0.5, 0.5], U, [["a", "b"], ["c", "d"]])


def test_label_count():
    with pytest.raises(ValueError, match=r"actions must have 2 labels \(n_actions\); got 3"):
        PersuasionGame([0.5, 0.5], U, V, actions=("a", "b", "c"))


@pytest.mark.parametrize(
    "belief, message",
    [
        ([0.5, 0.6], r"belief must lie on the simplex: entries sum to 1.1, not 1"),
        ([1.5, -0.5], r"belief must lie on the simplex: entry \(1,\) is negative \(-0.5\)"),
        ([0.2, 0.3, 0.5], r"belief must have last axis of length 2 \(the number of states\); got shape \(3,\)"),
        ([[0.5, 0.5], [0.3, 0.3]], r"belief must lie on the simplex: entries at index 1 sum to 0.6, not 1"),
        ([0.5, np.nan], r"belief must contain only finite numbers; found NaN at index 1"),
    ],
)
def test_belief_off_the_simplex(belief, message):
    game = prosecutor_game()
    for method in (game.best_response, game.sender_value, game.receiver_payoffs):
        with pytest.raises(ValueError, match=message):
            method(belief)
    with pytest.raises(ValueError, match=message):
        concave_closure(game, belief)


def test_scheme_not_row_stochastic():
    with pytest.raises(ValueError, match=r"scheme must be row-stochastic; row 1 sums to 0.9"):
        split([0.5, 0.5], [[1.0, 0.0], [0.5, 0.4]])


def test_scheme_wrong_number_of_rows():
    with pytest.raises(ValueError, match=r"scheme must have 2 rows \(one per state\); got an array of shape \(3, 2\)"):
        split([0.5, 0.5], [[1.0, 0.0], [0.5, 0.5], [0.5, 0.5]])


def test_bayes_posterior_likelihood_shape():
    with pytest.raises(ValueError, match=r"likelihood must have the shape of prior \(2,\); got shape \(3,\)"):
        bayes_posterior([0.5, 0.5], [1.0, 0.5, 0.2])


def test_bayes_posterior_zero_probability_signal():
    with pytest.raises(ValueError, match=r"probability 0"):
        bayes_posterior([1.0, 0.0], [0.0, 1.0])


def test_optimal_signal_rejects_non_games():
    with pytest.raises(TypeError, match=r"game must be a PersuasionGame; got dict"):
        optimal_signal({"prior": [1.0]})


def test_prosecutor_prior_out_of_range():
    with pytest.raises(ValueError, match=r"prior_guilty must be a probability in \[0, 1\]; got 1.5"):
        prosecutor_game(1.5)


def test_sums_are_printed_with_repr_precision():
    """A prior off by 1e-7 does not read as 'sums to 1'."""
    # 0.5 + 0.4999999 is 0.9999998999999999 in floating point; the old message said "sums to 1".
    with pytest.raises(ValueError, match=r"prior must sum to 1; its entries sum to 0\.9999998999999999$"):
        PersuasionGame([0.5, 0.4999999], U, V)
    with pytest.raises(ValueError, match=r"scheme must be row-stochastic; row 0 sums to 1\.0000000999999998$"):
        split([0.5, 0.5], [[0.5, 0.5000001], [0.5, 0.5]])


@pytest.mark.parametrize(
    "bad, error, message",
    [
        (["0.5", "0.5"], TypeError, r"prior must be an array of real numbers; got strings"),
        ([True, False], TypeError, r"prior must be an array of real numbers; got booleans"),
        ([0.5, None], TypeError, r"prior must be an array of real numbers; it holds NoneType: None"),
        (None, TypeError, r"prior must be an array of numbers; got NoneType: None"),
        ([0.5 + 0j, 0.5], TypeError, r"prior must be an array of real numbers; got complex numbers"),
        ([[0.5], [0.25, 0.25]], ValueError, r"prior must be an array of numbers; got list"),
    ],
)
def test_prior_of_the_wrong_type(bad, error, message):
    with pytest.raises(error, match=message):
        PersuasionGame(bad, U, V)


@pytest.mark.parametrize("bad", [True, "0.3", None, float("nan"), 1j])
def test_scalars_of_the_wrong_type_are_named(bad):
    with pytest.raises((TypeError, ValueError), match=r"prior_guilty must be"):
        prosecutor_game(bad)
