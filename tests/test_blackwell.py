import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from persuasion import split
from persuasion.blackwell import (
    as_splitting,
    blackwell_dominates,
    convex_order_dominates,
    experiment_from_splitting,
    garbling,
    mps_dominates,
)

from .strategies import distributions


@st.composite
def stochastic(draw, n_rows, n_cols):
    return np.array([draw(distributions(n_cols)) for _ in range(n_rows)])


@st.composite
def experiment_pair(draw, max_states=3, max_signals=4):
    """(prior with full support, P, Q) where Q is random: sometimes a garbling of P, sometimes not."""
    n = draw(st.integers(2, max_states))
    prior = draw(distributions(n).filter(lambda p: (p > 0).all()))
    k, k_q = draw(st.integers(1, max_signals)), draw(st.integers(1, max_signals))
    P = draw(stochastic(n, k))
    if draw(st.booleans()):
        Q = P @ draw(stochastic(k, k_q))
    else:
        Q = draw(stochastic(n, k_q))
    return prior, P, Q


def test_garbling_by_hand():
    # A binary symmetric channel with accuracy 0.9, garbled by a channel with accuracy 0.8,
    # has accuracy 0.9 * 0.8 + 0.1 * 0.2 = 0.74.
    P = np.array([[0.9, 0.1], [0.1, 0.9]])
    G = np.array([[0.8, 0.2], [0.2, 0.8]])
    Q = np.array([[0.74, 0.26], [0.26, 0.74]])
    found = garbling(P, Q)
    np.testing.assert_allclose(P @ found, Q, atol=1e-8)
    np.testing.assert_allclose(found.sum(axis=1), 1.0)
    assert (found >= 0).all()
    # With a 2x2 invertible P the garbling is unique.
    np.testing.assert_allclose(found, G, atol=1e-7)
    assert garbling(Q, P) is None


def test_full_and_no_information_are_extremes():
    rng = np.random.default_rng(0)
    for _ in range(20):
        Q = rng.dirichlet(np.ones(3), size=4)
        assert blackwell_dominates(np.eye(4), Q)
        assert blackwell_dominates(Q, np.ones((4, 1)))
        assert not blackwell_dominates(np.ones((4, 1)), Q) or np.allclose(Q, Q[0])


def test_relabelling_and_duplicated_signals_are_equivalent():
    P = np.array([[0.6, 0.4], [0.2, 0.8]])
    swapped = P[:, ::-1]
    split_signal = np.column_stack([P[:, 0] / 2, P[:, 0] / 2, P[:, 1]])
    for a, b in [(P, swapped), (P, split_signal)]:
        assert blackwell_dominates(a, b) and blackwell_dominates(b, a)


@settings(max_examples=60, deadline=None)
@given(experiment_pair())
def test_garbling_and_mean_preserving_spread_agree(case):
    prior, P, Q = case
    by_garbling = blackwell_dominates(P, Q)
    by_spread = mps_dominates(split(prior, P), split(prior, Q))
    assert by_garbling == by_spread


@settings(max_examples=60, deadline=None)
@given(experiment_pair(max_states=2))
def test_convex_order_agrees_for_binary_states(case):
    prior, P, Q = case
    tau, tau_q = split(prior, P), split(prior, Q)
    assert convex_order_dominates(tau, tau_q) == mps_dominates(tau, tau_q)
    assert convex_order_dominates(tau_q, tau) == mps_dominates(tau_q, tau)


@settings(max_examples=40, deadline=None)
@given(experiment_pair())
def test_returned_garbling_is_a_garbling(case):
    _, P, Q = case
    G = garbling(P, Q)
    if G is not None:
        assert (G >= 0).all()
        np.testing.assert_allclose(G.sum(axis=1), 1.0, atol=1e-9)
        np.testing.assert_allclose(P @ G, Q, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(experiment_pair())
def test_experiment_from_splitting_induces_the_splitting(case):
    prior, P, _ = case
    tau = split(prior, P)
    P2 = experiment_from_splitting(prior, tau)
    again = split(prior, P2)
    np.testing.assert_allclose(again.weights, tau.weights, atol=1e-9)
    np.testing.assert_allclose(again.posteriors, tau.posteriors, atol=1e-9)
    assert blackwell_dominates(P, P2) and blackwell_dominates(P2, P)


def test_mean_must_match_for_mps():
    # Different means are never comparable.
    a = ([0.5, 0.5], [[1, 0], [0, 1]])
    b = ([1.0], [[0.3, 0.7]])
    assert not mps_dominates(a, b) and not mps_dominates(b, a)
    assert not convex_order_dominates(a, b)


def test_convex_order_counterexample_with_same_mean():
    # Same mean 1/2, neither a spread of the other.
    a = ([0.5, 0.5], [[0.8, 0.2], [0.2, 0.8]])
    b = ([0.25, 0.5, 0.25], [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    assert not convex_order_dominates(a, b) and not convex_order_dominates(b, a)
    assert not mps_dominates(a, b) and not mps_dominates(b, a)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: garbling([[0.5, 0.6]], [[1.0]]), "P must be row-stochastic; row 0 sums to 1.1"),
        (lambda: garbling(np.eye(2), np.eye(3)), r"same number of rows \(states\); got P of shape \(2, 2\)"),
        (lambda: mps_dominates(([0.5, 0.5], [[1, 0]]), ([1.0], [[0.5, 0.5]])), "one posterior per weight"),
        (lambda: mps_dominates(([1.0], [[0.5, 0.5]]), ([1.0], [[0.2, 0.3, 0.5]])), "same states"),
        (lambda: convex_order_dominates(([1.0], [[0.2, 0.3, 0.5]]), ([1.0], [[0.2, 0.3, 0.5]])), "binary state"),
        (lambda: as_splitting(3.0), "Splitting or a pair"),
        (lambda: experiment_from_splitting([1.0, 0.0], ([1.0], [[1.0, 0.0]])), "full support"),
        (lambda: experiment_from_splitting([0.5, 0.5], ([1.0], [[0.2, 0.8]])), "average to the prior"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
