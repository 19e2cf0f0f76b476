import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from persuasion import PersuasionGame, optimal_signal
from persuasion.online import (
    OnlinePersuasion,
    adversarial_types,
    caratheodory,
    run_algorithm1,
    stochastic_types,
)


def instance(m=3, K=2, n=3, seed=0):
    r = np.random.default_rng(seed)
    return OnlinePersuasion(r.dirichlet(np.ones(n)), r.normal(size=(m, n)), r.normal(size=(K, m, n)))


def test_caratheodory_square():
    V = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=float)
    idx, w = caratheodory([0.5, 0.5], V)
    assert len(idx) <= 3 and (w > 0).all()
    np.testing.assert_allclose(w @ V[idx], [0.5, 0.5], atol=1e-12)
    np.testing.assert_allclose(w.sum(), 1.0)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 4), st.integers(1, 12))
def test_caratheodory_random(seed, d, n):
    rng = np.random.default_rng(seed)
    V = rng.normal(size=(n, d))
    lam = rng.dirichlet(np.ones(n))
    z = lam @ V
    idx, w = caratheodory(z, V)
    assert len(idx) <= d + 1
    np.testing.assert_allclose(w @ V[idx], z, atol=1e-7)
    assert (w >= 0).all() and np.isclose(w.sum(), 1.0)


def test_caratheodory_rejects_outside_points():
    with pytest.raises(ValueError, match="outside the convex hull"):
        caratheodory([2.0, 2.0], [[0, 0], [1, 0], [0, 1]])
    with pytest.raises(ValueError, match=r"point must have length 2"):
        caratheodory([0.1, 0.1, 0.1], [[0, 0], [1, 0], [0, 1]])


def test_single_type_reduces_to_the_persuasion_lp():
    # With one Receiver type, the best persuasive direct scheme is Kamenica-Gentzkow's LP.
    r = np.random.default_rng(3)
    for _ in range(10):
        prior, v, u = r.dirichlet(np.ones(3)), r.normal(size=(3, 3)), r.normal(size=(1, 3, 3))
        game = OnlinePersuasion(prior, v, u)
        value, _ = game.best_in_hindsight([1.0])
        assert value == pytest.approx(optimal_signal(PersuasionGame(prior, u[0], v)).value, abs=1e-7)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10**6))
def test_vertices_give_the_lp_optimum_in_every_direction(seed):
    game = instance(m=3, K=int(np.random.default_rng(seed).integers(2, 4)), seed=seed)
    Z, schemes = game.vertices()
    rng = np.random.default_rng(seed + 1)
    for _ in range(5):
        counts = rng.integers(0, 10, size=game.K).astype(float)
        if counts.sum() == 0:
            continue
        value, _ = game.best_in_hindsight(counts)
        assert (-Z @ counts).max() == pytest.approx(value, abs=1e-6)
    # Each vertex comes with a persuasive scheme that attains it.
    A_eq, b_eq, A_ub, b_ub = game.constraints()
    for z, phi in zip(Z, schemes):
        x = phi.ravel()
        np.testing.assert_allclose(A_eq @ x, b_eq, atol=1e-8)
        assert (A_ub @ x <= 1e-8).all() and (x >= -1e-12).all()
        np.testing.assert_allclose(-game.values(phi), z, atol=1e-8)


def test_regret_is_small_relative_to_t_and_deterministic():
    game = instance(m=3)
    types = stochastic_types(2, 4000, 5)
    a = run_algorithm1(game, types, 9)
    b = run_algorithm1(game, types, 9)
    np.testing.assert_array_equal(a.regret, b.regret)
    Z, _ = game.vertices()
    assert a.regret[-1] == pytest.approx(a.best_value - (-Z[a.played, types]).sum())
    # Sublinear: far below the regret of always playing the worst vertex.
    worst = a.best_value - (-Z @ np.bincount(types, minlength=2)).min()
    assert a.regret[-1] < 0.25 * worst


def test_adversarial_sequence_blocks():
    np.testing.assert_array_equal(adversarial_types(2, 7), [0, 1, 1, 0, 0, 0, 0])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: OnlinePersuasion([0.5, 0.6], np.zeros((2, 2)), np.zeros((1, 2, 2))), "prior must sum to 1"),
        (
            lambda: OnlinePersuasion([0.5, 0.5], np.zeros((2, 3)), np.zeros((1, 2, 2))),
            r"advisor_utility must have shape \(n_responses, 2\)",
        ),
        (
            lambda: OnlinePersuasion([0.5, 0.5], np.zeros((2, 2)), np.zeros((1, 3, 2))),
            r"receiver_utilities must have shape \(n_types, 2, 2\)",
        ),
        (lambda: OnlinePersuasion([], np.zeros((2, 0)), np.zeros((1, 2, 0))), "prior must not be empty"),
        (lambda: stochastic_types(2, 0, 0), "T .* must be a positive integer; got 0"),
        (lambda: adversarial_types(2, -5), "must be a positive integer"),
        (lambda: run_algorithm1(instance(), [0, 1, 2], 0), r"types must lie in \[0, 2\)"),
        (lambda: instance().best_in_hindsight([1.0]), "type_counts must be 2 non-negative counts"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
