import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from persuasion import split
from persuasion.beliefs import Splitting
from persuasion.delegation import (
    DelegationProblem,
    profile_regions,
    random_delegation_problem,
    robust_delegation,
    safe_action_problem,
    weighted_delegation,
)
from persuasion.delegation_geometry import robust_value_binary, split_through


def test_safe_action_example_by_hand():
    p = safe_action_problem()
    # Full information: the contrarian always mismatches, so the worst case is 0.
    assert p.U_full == pytest.approx(0.0) and p.U_min == p.U_full
    # Acting blind: a guess is right half the time. First best: always right.
    assert p.U_blind == pytest.approx(0.5) and p.U_max == pytest.approx(1.0)
    # Any posterior in [1/4, 3/4] makes both types take the safe action (0.75);
    # outside it the contrarian gives at most 1/4. So the essay's U* = 0.75.
    sol = robust_delegation(p)
    assert sol.value == pytest.approx(0.75) and sol.delegate and sol.guarantee == pytest.approx(0.75)
    np.testing.assert_allclose(sol.type_values, [0.75, 0.75], atol=1e-9)


def test_payoffs_by_hand():
    p = safe_action_problem()
    none = Splitting(weights=np.array([1.0]), posteriors=np.array([[0.5, 0.5]]))
    principal, agent = p.payoffs(none)
    np.testing.assert_allclose(principal, [0.75, 0.75])
    np.testing.assert_allclose(agent, [0.75, 0.75])
    full = Splitting(weights=np.array([0.5, 0.5]), posteriors=np.eye(2))
    principal, agent = p.payoffs(full)
    np.testing.assert_allclose(principal, [1.0, 0.0])
    np.testing.assert_allclose(agent, [1.0, 1.0])


def test_aligned_agent_reaches_first_best():
    rng = np.random.default_rng(1)
    for _ in range(20):
        p = random_delegation_problem(3, 4, 1, rng)
        p = p.with_types(p.principal_utility[None])
        assert robust_delegation(p).value == pytest.approx(p.U_max, abs=1e-7)


def test_adversarial_type_makes_delegation_worthless():
    rng = np.random.default_rng(2)
    for _ in range(20):
        p = random_delegation_problem(3, 3, 2, rng)
        p = p.with_types(np.concatenate([p.agent_utilities, -p.delegated_utility[None]]))
        assert robust_delegation(p).value <= p.U_blind + 1e-7


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 4), st.integers(2, 4))
def test_lp_matches_breakpoint_method_for_two_states(seed, n_types, n_actions):
    p = random_delegation_problem(2, n_actions, n_types, np.random.default_rng(seed))
    assert robust_delegation(p).value == pytest.approx(robust_value_binary(p), abs=1e-7)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6))
def test_solution_is_consistent(seed):
    rng = np.random.default_rng(seed)
    p = random_delegation_problem(int(rng.integers(2, 4)), 3, int(rng.integers(1, 4)), rng)
    sol = robust_delegation(p)
    # Its splitting is Bayes-plausible, and evaluating it directly gives the LP's values.
    np.testing.assert_allclose(sol.splitting.mean, p.prior, atol=1e-7)
    principal, _ = p.payoffs(sol.splitting)
    assert principal.min() == pytest.approx(sol.value, abs=1e-6)
    # Benchmarks: no information and full information are feasible, so D* is at least their worst cases.
    none = Splitting(weights=np.array([1.0]), posteriors=p.prior[None])
    assert sol.value >= p.payoffs(none)[0].min() - 1e-7
    assert sol.value >= p.U_full - 1e-7
    assert sol.value <= p.U_max + 1e-7
    # More types can only lower the guarantee.
    fewer = p.with_types(p.agent_utilities[:1])
    assert robust_delegation(fewer).value >= sol.value - 1e-7


def test_regions_cover_random_beliefs():
    p = random_delegation_problem(3, 3, 3, np.random.default_rng(4))
    regions = set(profile_regions(p))
    beliefs = np.random.default_rng(5).dirichlet(np.ones(3), size=500)
    assert {tuple(r) for r in p.best_responses(beliefs)} <= regions


@pytest.mark.parametrize("n_states, n_types, seed", [(2, 3, 0), (3, 3, 1), (3, 4, 2), (4, 3, 3)])
def test_regions_equal_one_lp_per_profile(n_states, n_types, seed):
    """The type-by-type search (with its LP-free extensions) finds exactly the profiles whose own LP is feasible."""
    import itertools

    from persuasion.delegation import _region_witness

    p = random_delegation_problem(n_states, 3, n_types, np.random.default_rng(seed))
    brute = [q for q in itertools.product(range(3), repeat=n_types) if _region_witness(p, q) is not None]
    assert profile_regions(p) == brute


def test_frontier_end_points():
    p = safe_action_problem()
    w = p.delegated_utility
    fl = p.with_types(np.stack([w, -w]))
    best = weighted_delegation(fl, [1.0, 0.0])
    assert best.value == pytest.approx(1.0)  # aligned with full information
    worst = weighted_delegation(fl, [0.0, 1.0])
    assert worst.value == pytest.approx(0.5)  # misaligned facing no information


def test_split_through():
    s = split_through([0.5, 0.3, 0.2], [0.0, 0.5, 0.5])
    np.testing.assert_allclose(s.mean, [0.5, 0.3, 0.2])
    assert s.weights[0] == pytest.approx(0.4)
    first = s.weights[0] * s.posteriors[0] / [0.5, 0.3, 0.2]  # P(first signal | state)
    again = split([0.5, 0.3, 0.2], np.column_stack([first, 1 - first]))
    np.testing.assert_allclose(again.posteriors[0], [0.0, 0.5, 0.5], atol=1e-12)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: DelegationProblem([0.5, 0.5], np.zeros((2, 3)), np.zeros((1, 2, 2))),
            r"principal_utility must have shape \(n_A, 2\)",
        ),
        (
            lambda: DelegationProblem([0.5, 0.5], np.zeros((2, 2)), np.zeros((1, 2, 3))),
            r"agent_utilities must have shape \(n_types, n_B, 2\)",
        ),
        (lambda: DelegationProblem([0.5, 0.5], np.zeros((2, 2)), np.zeros((1, 3, 2))), "2 actions, agent_utilities 3"),
        (
            lambda: DelegationProblem([0.5, 0.5], np.zeros((2, 2)), np.zeros((1, 3, 2)), np.zeros((2, 2))),
            r"delegated_utility must have shape \(n_B, n_states\) = \(3, 2\)",
        ),
        (lambda: DelegationProblem([0.5, 0.7], np.zeros((2, 2)), np.zeros((1, 2, 2))), "prior must sum to 1"),
        (lambda: weighted_delegation(safe_action_problem(), [1.0]), "one entry per agent type"),
        (lambda: weighted_delegation(safe_action_problem(), [1.0, -1.0]), "non-negative"),
        (lambda: weighted_delegation(safe_action_problem(), [0.0, 0.0]), r"weights must not all be zero"),
        (lambda: robust_delegation(safe_action_problem(), margin=float("nan")), "margin must be a finite number"),
        (lambda: robust_delegation(safe_action_problem(), margin=1.0), r"margin = 1.0 is too large"),
        (lambda: robust_value_binary(random_delegation_problem(3, 2, 1, 0)), "exactly 2 states; got 3"),
        (lambda: split_through([1.0, 0.0], [0.5, 0.5]), "prior rules out"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_tie_breaking_conventions_by_hand():
    p = safe_action_problem()
    # At posterior 3/4 (state 1) the contrarian is indifferent between "match 0" (worth 3/4 to it)
    # and the safe action (3/4): for the principal the safe action, against her "match 0" (worth 1/4).
    boundary = Splitting(weights=np.array([0.5, 0.5]), posteriors=np.array([[0.75, 0.25], [0.25, 0.75]]))
    np.testing.assert_allclose(p.payoffs(boundary, "principal")[0], [0.75, 0.75])
    np.testing.assert_allclose(p.payoffs(boundary, "adversarial")[0], [0.75, 0.25])
    # With no information nobody is indifferent: both conventions give 0.75.
    none = Splitting(weights=np.array([1.0]), posteriors=np.array([[0.5, 0.5]]))
    for ties in ("principal", "adversarial"):
        np.testing.assert_allclose(p.payoffs(none, ties)[0], [0.75, 0.75])
    with pytest.raises(ValueError, match="ties must be 'principal' or 'adversarial'; got 'random'"):
        p.best_responses([0.5, 0.5], "random")


def test_margin_value_is_attained_under_adversarial_ties_and_approaches_the_supremum():
    rng = np.random.default_rng(7)
    for _ in range(10):
        p = random_delegation_problem(3, 3, 2, rng)
        sup = robust_delegation(p).value
        gaps = []
        for delta in (1e-1, 1e-2, 1e-3):
            s = robust_delegation(p, margin=delta)
            assert s.value <= sup + 1e-8
            # Every type prefers its action by at least delta at every posterior: ties cannot arise.
            acts = p.best_responses(s.splitting.posteriors)
            gains = np.einsum("sw,kbw->skb", s.splitting.posteriors, p.agent_utilities)
            chosen = np.take_along_axis(gains, acts[..., None], axis=-1)
            others = np.where(np.arange(3)[None, None, :] == acts[..., None], -np.inf, gains)
            assert (chosen[..., 0] - others.max(axis=-1) >= delta - 1e-7).all()
            assert p.payoffs(s.splitting, "adversarial")[0].min() == pytest.approx(s.value, abs=1e-7)
            gaps.append(sup - s.value)
        assert (np.diff(gaps) <= 1e-8).all()  # the gap to the supremum shrinks with delta
    with pytest.raises(ValueError, match="margin must be >= 0; got -1"):
        robust_delegation(safe_action_problem(), margin=-1)


@pytest.mark.parametrize("a", [1e-12, 1e-6, 1.0, 1e6, 1e12])
@pytest.mark.parametrize("b", [0.0, 3.0])
def test_agent_units_do_not_change_delegation(a, b):
    # An agent of utility a*u + b (a > 0) takes the same actions as one of utility u, ties included
    # (safe_action_problem has ties at the optimum): U*, the profile regions and the ties follow.
    for base in [safe_action_problem(), random_delegation_problem(3, 3, 2, 5)]:
        scaled = base.with_types(a * base.agent_utilities + a * b)
        assert robust_delegation(scaled).value == pytest.approx(robust_delegation(base).value, abs=1e-7)
        assert profile_regions(scaled) == profile_regions(base)
        assert np.allclose(scaled.tie_tolerance, a * base.tie_tolerance, rtol=1e-9, atol=0)


@pytest.mark.parametrize("call", [
    lambda: weighted_delegation(safe_action_problem(), [True, False]),
    lambda: robust_delegation(safe_action_problem(), margin=True),
    lambda: robust_delegation(safe_action_problem(), margin="0.1"),
])
def test_booleans_and_strings_are_not_numbers(call):
    with pytest.raises(TypeError, match="weights|margin"):
        call()
