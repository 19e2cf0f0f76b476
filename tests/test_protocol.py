import numpy as np
import pytest
import torch
from hypothesis import given, settings

from persuasion import PersuasionGame, optimal_signal, prosecutor_game, random_game
from persuasion.neural import features, torch_advisor_value, train_policy
from persuasion.protocol import (
    Structure,
    advisor_loss,
    advisor_value,
    credulous_best_scheme,
    information_structures,
    optimal_smooth_value_binary,
    receiver_response,
    signal_posteriors,
    smooth_value,
    structure_values,
)

from .strategies import games


def test_posteriors_by_hand():
    p_g, post = signal_posteriors([0.7, 0.3], [[4 / 7, 3 / 7], [0.0, 1.0]])
    np.testing.assert_allclose(p_g, [0.4, 0.6])
    np.testing.assert_allclose(post, [[1.0, 0.0], [0.5, 0.5]])
    # A signal never sent keeps the prior (it has no Bayes posterior).
    p_g, post = signal_posteriors([0.5, 0.5], [[1.0, 0.0], [1.0, 0.0]])
    assert p_g[1] == 0 and np.allclose(post[1], [0.5, 0.5])


def test_receiver_response_limits():
    g = prosecutor_game()
    # Argmax with ties to the Advisor: the judge at 1/2 convicts.
    np.testing.assert_allclose(receiver_response(g, [0.5, 0.5], 0.0), [0.0, 1.0])
    # Softmax at belief 1/2: equal expected utilities -> uniform.
    np.testing.assert_allclose(receiver_response(g, [0.5, 0.5], 0.3), [0.5, 0.5])
    # At belief 0.4 the softmax probability of conviction is 1 / (1 + exp(0.2 / T)).
    T = 0.1
    np.testing.assert_allclose(receiver_response(g, [0.6, 0.4], T)[1], 1 / (1 + np.exp(0.2 / T)))


@settings(max_examples=40, deadline=None)
@given(games(max_states=3, max_actions=3))
def test_zero_temperature_value_matches_the_game(game):
    scheme = optimal_signal(game).scheme
    assert advisor_value(game, scheme, 0.0) == pytest.approx(optimal_signal(game).value, abs=1e-7)


def test_loss_is_minus_mean_value():
    gs = [prosecutor_game(p) for p in (0.2, 0.3)]
    schemes = [optimal_signal(g).scheme for g in gs]
    assert advisor_loss(gs, schemes) == pytest.approx(-np.mean([0.4, 0.6]), abs=1e-7)


def test_smooth_optimum_is_above_every_scheme_and_tends_to_the_lp():
    g = prosecutor_game()
    rng = np.random.default_rng(0)
    for T in (0.02, 0.1, 0.5):
        best, posts, weights = optimal_smooth_value_binary(g, T)
        np.testing.assert_allclose(weights @ posts, g.prior, atol=1e-12)
        assert best == pytest.approx(weights @ smooth_value(g, posts, T), abs=1e-12)
        for _ in range(50):
            s = rng.dirichlet(np.ones(3), size=2)
            assert advisor_value(g, s, T) <= best + 1e-4  # grid hull, spacing 5e-5
    assert optimal_smooth_value_binary(g, 0.0)[0] == pytest.approx(0.6, abs=1e-4)
    assert optimal_smooth_value_binary(g, 1e-3)[0] == pytest.approx(0.6, abs=0.01)


def test_torch_and_numpy_agree():
    rng = np.random.default_rng(1)
    gs = [random_game(2, 3, rng) for _ in range(5)]
    S = rng.dirichlet(np.ones(4), size=(5, 2))
    tv = torch_advisor_value(
        torch.tensor(np.stack([g.prior for g in gs])),
        torch.tensor(np.stack([g.receiver_utility for g in gs])),
        torch.tensor(np.stack([g.sender_utility for g in gs])),
        torch.tensor(S),
        0.2,
    ).numpy()
    np.testing.assert_allclose(tv, [advisor_value(g, s, 0.2) for g, s in zip(gs, S)], atol=1e-12)


@pytest.mark.slow  # trains the neural Advisor for thousands of steps
def test_training_is_deterministic_and_improves():
    gs = [prosecutor_game(p) for p in (0.2, 0.3, 0.4)]
    a = train_policy(gs, 0.1, steps=200, seed=3)
    b = train_policy(gs, 0.1, steps=200, seed=3)
    np.testing.assert_array_equal(a.values, b.values)
    assert a.values[-1] > a.values[0] + 0.05
    schemes = a.policy(gs)
    assert schemes.shape == (3, 2, 2) and np.allclose(schemes.sum(axis=-1), 1.0)


def test_structures_for_the_prosecutor():
    g = prosecutor_game()
    vals = structure_values(g, optimal_signal(g).scheme)
    assert vals[Structure.NO][0] == pytest.approx(0.0)
    assert vals[Structure.ALL] == pytest.approx((0.3, 1.0))
    assert vals[Structure.PRIOR] == pytest.approx(vals[Structure.NO])  # a Bayesian ignores it
    assert vals[Structure.POSTERIOR][0] == pytest.approx(0.6)
    credulous = structure_values(g, np.array([[4 / 7, 3 / 7], [0.0, 1.0]]), credulous=True)
    assert credulous[Structure.PRIOR] == pytest.approx((0.3, 0.58))
    assert set(information_structures(g.prior, np.eye(2))) == {
        Structure.NO,
        Structure.ALL,
        Structure.PRIOR,
        Structure.POSTERIOR,
    }


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: signal_posteriors([0.5, 0.6], [[1.0], [1.0]]), "prior must sum to 1"),
        (lambda: signal_posteriors([0.5, 0.5], [[0.5, 0.6], [1.0, 0.0]]),
         "scheme must be row-stochastic; row 0 sums to 1.1"),
        (lambda: signal_posteriors([], []), "prior must not be empty"),
        (lambda: receiver_response(prosecutor_game(), [0.5, 0.5], -1.0), "temperature must be a finite number >= 0"),
        (lambda: advisor_value("game", [[1.0], [1.0]]), "game must be a PersuasionGame"),
        (lambda: advisor_loss([], []), "at least one input"),
        (lambda: advisor_loss([prosecutor_game()], []), r"one scheme per input of games \(1\); got 0"),
        (lambda: optimal_smooth_value_binary(random_game(3, 2, 0), 0.1), "exactly 2 information items; got 3"),
        (lambda: train_policy([prosecutor_game()], 0.0), "temperature must be > 0"),
        (lambda: train_policy([prosecutor_game()], 0.1, entropy=-1.0), "entropy must be >= 0"),
        (lambda: train_policy([prosecutor_game()], 0.1, steps=0), "steps must be at least 1"),
        (lambda: features([prosecutor_game(), random_game(2, 3, 0)]),
         r"games\[1\] must be a PersuasionGame with utilities of shape \(2, 2\)"),
        (lambda: structure_values(prosecutor_game(), np.ones((2, 1)), credulous=True), "signals that are items"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()



def test_credulous_best_scheme_by_hand():
    # The prosecutor facing a credulous judge: always show "guilty" (item 1), conviction for sure.
    g = prosecutor_game()
    scheme = credulous_best_scheme(g)
    np.testing.assert_array_equal(scheme, [[0.0, 1.0], [0.0, 1.0]])
    assert structure_values(g, scheme, credulous=True)[Structure.POSTERIOR][0] == pytest.approx(1.0)


@pytest.mark.slow  # trains the neural Advisor for thousands of steps
def test_entropy_bonus_escapes_saturation():
    # An input where the optimum pools some distractors with the relevant item.
    u = np.array([[0.0, 1.0], [1.0, 0.0], [0.55, 0.55]])
    v = np.array([[1.5, 2.5], [1.0, 0.0], [0.3, 0.3]])
    g = PersuasionGame([0.5, 0.5], u, v)
    best = optimal_smooth_value_binary(g, 0.1)[0]
    res = train_policy([g], 0.1, steps=1500, seed=0, entropy=0.2)
    assert advisor_value(g, res.policy([g])[0], 0.1) == pytest.approx(best, abs=2e-3)


@pytest.mark.parametrize("T", [1e-320, 5e-324, 1e-300, 1e-30])
def test_receiver_response_at_tiny_temperatures_is_the_argmax(T):
    """Log-sum-exp: below any representable gap the softmax is the argmax (a tie splits evenly), never NaN."""
    g = prosecutor_game()
    rho = receiver_response(g, [[0.7, 0.3], [0.5, 0.5], [0.2, 0.8]], T)
    np.testing.assert_array_equal(rho, [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    assert advisor_value(g, [[4 / 7, 3 / 7], [0.0, 1.0]], T) == pytest.approx(0.3)  # 0.6 * 1/2 at the tie


def test_receiver_response_at_huge_utilities():
    """Expected utilities of 1e300 at temperature 1e-300: no overflow to inf / inf."""
    g = PersuasionGame([0.5, 0.5], [[1e300, 0.0], [0.0, 1e300]], [[0.0, 0.0], [1.0, 1.0]])
    np.testing.assert_array_equal(receiver_response(g, [[0.6, 0.4], [0.4, 0.6]], 1e-300), [[1, 0], [0, 1]])
    # Closed form for two actions: P(convict) = 1 / (1 + exp(gap / T)).
    gap = 0.2 * 1e300
    np.testing.assert_allclose(receiver_response(g, [0.6, 0.4], 1e300)[1], 1 / (1 + np.exp(gap / 1e300)))
