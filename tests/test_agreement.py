import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from persuasion.agreement import (
    dialogue,
    epsilon_agreement_rounds,
    partition_from_cells,
    random_partitions,
    strategic_dialogue,
)


def test_classic_example_agrees_without_pooling():
    d = dialogue([0.25] * 4, [[0, 0, 1, 1], [0, 1, 0, 1]], [1, 0, 0, 1])
    assert d.agreement.all()
    np.testing.assert_allclose(d.agreed, 0.5)
    np.testing.assert_allclose(d.pooled, [1, 0, 0, 1])


def test_dialogue_that_reveals_by_hand():
    # Agent 0 knows whether w is in {0} or {1, 2}; agent 1 knows {0, 1} vs {2}; X = 1 at state 1 only.
    # At w = 1: agent 0 says 1/2, which tells agent 1 (who holds {0, 1}) that w = 1; agent 1 then says 1.
    d = dialogue([1 / 3] * 3, [[0, 1, 1], [0, 0, 1]], [0.0, 1.0, 0.0])
    assert d.agreement.all()
    np.testing.assert_allclose(d.agreed, [0.0, 1.0, 0.0])
    np.testing.assert_allclose(d.agreed, d.pooled)
    assert d.rounds[1] == 2


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 4), st.integers(2, 12))
def test_aumann_agreement_and_martingale(seed, n_agents, n_states):
    rng = np.random.default_rng(seed)
    prior = rng.dirichlet(np.ones(n_states))
    P = random_partitions(n_states, n_agents, 3, rng)
    X = rng.normal(size=n_states)
    d = dialogue(prior, P, X)
    assert d.agreement.all()  # common knowledge of estimates => they agree
    assert prior @ d.agreed == pytest.approx(prior @ X)  # the agreed estimate is unbiased
    # Everything said is a coarsening of pooled information, so the pooled estimate is at least as accurate.
    assert prior @ (d.pooled - X) ** 2 <= prior @ (d.agreed - X) ** 2 + 1e-12
    assert (d.rounds <= len(d.announcements)).all()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: dialogue([0.5, 0.6], [[0, 1], [0, 0]], [1, 0]), "prior must sum to 1"),
        (lambda: dialogue([0.5, 0.5], [[0, 1, 2], [0, 0, 0]], [1, 0]), r"one label per state: shape \(n_agents, 2\)"),
        (lambda: dialogue([0.5, 0.5], [[0, 1]], [1, 0]), "at least two agents; got 1"),
        (lambda: dialogue([0.5, 0.5], [[0, 1], [0, 0]], [1, 0, 0]), r"X must have one value per state \(2\); got 3"),
        (lambda: partition_from_cells([[0], [2]], 3), r"cover the n_states = 3 states: states \[1\]"),
        (lambda: partition_from_cells([[0, 1], [1, 2]], 3), "disjoint: state 1"),
        (lambda: partition_from_cells([[0, 5]], 3), r"states in \[0, n_states = 3\)"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6))
def test_honest_strategic_dialogue_is_the_dialogue(seed):
    rng = np.random.default_rng(seed)
    n = 10
    prior, P, X = rng.dirichlet(np.ones(n)), random_partitions(n, 2, 3, rng), (rng.random(n) < 0.5).astype(float)
    d = dialogue(prior, P, X)
    for w in range(n):
        o = strategic_dialogue(prior, P, X, w, 0.0)
        assert not o.truth_excluded and not o.detected
        np.testing.assert_allclose(o.estimates[1], d.agreed[w], atol=1e-9)


def test_shading_can_mislead_the_listener():
    # Agent 0 (the liar) knows the state; agent 1 knows nothing. X = state index / 2.
    prior, P, X = [1 / 3] * 3, [[0, 1, 2], [0, 0, 0]], [0.0, 0.5, 1.0]
    o = strategic_dialogue(prior, P, X, 0, shade=0.5)
    # At state 0 the honest announcement is 0; shading by 0.5 says 0.5, which the listener reads as state 1.
    assert o.truth_excluded and o.estimates[1] == pytest.approx(0.5)


def test_epsilon_rounds_by_hand():
    d = dialogue([1 / 3] * 3, [[0, 1, 1], [0, 0, 1]], [0.0, 1.0, 0.0])
    exact = epsilon_agreement_rounds(d, 0.0)
    loose = epsilon_agreement_rounds(d, 1.0)
    assert (loose <= exact).all() and (loose == 2).all()
    with pytest.raises(ValueError, match="eps must be >= 0"):
        epsilon_agreement_rounds(d, -0.1)


def test_exact_agreed_estimates_matches_the_float_dialogue_on_random_instances():
    """Two implementations (public partition as sets in fractions; as rounded float rows) give one answer."""
    from fractions import Fraction

    from persuasion.agreement import exact_agreed_estimates

    rng = np.random.default_rng(7)
    for _ in range(30):
        n = int(rng.integers(4, 14))
        P = random_partitions(n, int(rng.integers(2, 4)), int(rng.integers(2, 4)), rng)
        X = (rng.random(n) < 0.5).astype(int)
        exact = exact_agreed_estimates([Fraction(1, n)] * n, P, X)
        assert np.allclose([float(v) for v in exact], dialogue(np.full(n, 1 / n), P, X).agreed, atol=1e-12)


def test_exact_agreed_estimates_by_hand():
    """Three equally likely states; agent 0 knows {0, 1} | {2}, agent 1 knows {0} | {1, 2}; X = 1 at state 1.

    Agent 0 says 1/2 on {0, 1} and 0 on {2}: the public learns {0, 1} | {2}. Agent 1 then says 0 at
    state 0 and, at states 1 and 2, E[X | {1, 2} and the record], i.e. 1 at state 1 and 0 at state 2:
    everything is revealed, so the agreed estimate is X itself.
    """
    from fractions import Fraction

    from persuasion.agreement import exact_agreed_estimates

    out = exact_agreed_estimates([Fraction(1, 3)] * 3, [[0, 0, 1], [0, 1, 1]], [0, 1, 0])
    assert out == [0, 1, 0]
    with pytest.raises(ValueError, match="prior must be a probability vector"):
        exact_agreed_estimates(["1/2", "1/3"], [[0, 1], [0, 0]], [0, 1])


def test_strategic_dialogue_ignores_states_of_prior_zero():
    """States the prior rules out never enter the public set: estimates are numbers, not NaN."""
    from persuasion.agreement import strategic_dialogue

    partitions = [[0, 0, 1, 1], [0, 1, 0, 1]]
    with pytest.raises(ValueError, match=r"true_state must have positive prior probability; prior\[2\] is 0"):
        strategic_dialogue([0.5, 0.5, 0.0, 0.0], partitions, [1, 1, 0, 1], true_state=2, shade=0.5)
    # With state 3 ruled out, agent 0 knows {2} and states X = 0; agent 1 learns it from the record.
    out = strategic_dialogue([0.4, 0.3, 0.3, 0.0], partitions, [1, 1, 0, 1], true_state=2, shade=0.0)
    np.testing.assert_array_equal(out.estimates, [0.0, 0.0])
