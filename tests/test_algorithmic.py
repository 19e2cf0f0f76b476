import numpy as np
import pytest

from persuasion import concave_closure, optimal_signal, random_game
from persuasion.algorithmic import (
    check_lp_size,
    iid_optimal_signal,
    independent_actions_game,
    lp_size,
)
from persuasion.bayesian_persuasion import consistency_matrix, obedience_matrix


def test_sizes_match_the_lp_builders():
    g = independent_actions_game([0.0, 1.0, 0.3], [1.0, 0.0, 0.5], [0.2, 0.5, 0.3], 3)
    assert g.n_states == 27 and g.n_actions == 3
    variables, _, obedience = lp_size(g.n_states, g.n_actions)
    assert obedience_matrix(g).shape == (obedience, variables)
    np.testing.assert_allclose(g.prior.sum(), 1.0)


def test_nonzero_estimate_counts_what_the_builders_store():
    g = random_game(17, 6, np.random.default_rng(3))
    stored = obedience_matrix(g).nnz + consistency_matrix(g).nnz
    assert check_lp_size(17, 6) == stored


def test_small_instance_matches_the_concave_closure():
    g = independent_actions_game([0.0, 1.0], [1.0, 0.2], [0.6, 0.4], 2)
    assert optimal_signal(g).value == pytest.approx(float(concave_closure(g, g.prior)), abs=1e-7)


def test_aligned_sender_gets_the_expected_maximum():
    # v = u: full information is optimal, worth E[max_a rho(theta_a)].
    q = np.array([0.5, 0.5])
    g = independent_actions_game([0.0, 1.0], [0.0, 1.0], q, 3)
    assert optimal_signal(g).value == pytest.approx(1 - 0.5**3, abs=1e-7)


@pytest.mark.parametrize("seed", range(12))
def test_symmetric_lp_matches_the_explicit_lp(seed):
    # Two algorithms: m variables and Border rows against n m**n variables and n(n-1) obedience rows.
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(2, 5)), int(rng.integers(1, 5))
    # Types at least 1/(2m) likely: optimal_signal's Splitting divides by the mass of each state.
    rho, xi, q = rng.normal(size=m), rng.normal(size=m), 0.5 * rng.dirichlet(np.ones(m)) + 0.5 / m
    explicit = optimal_signal(independent_actions_game(rho, xi, q, n)).value
    sym = iid_optimal_signal(rho, xi, q, n)
    assert sym.value == pytest.approx(explicit, abs=1e-7)
    assert sym.variables == m
    assert iid_optimal_signal(rho, xi, q, n, method="subsets").value == pytest.approx(explicit, abs=1e-7)


def test_symmetric_interim_rule_satisfies_border_on_every_subset():
    # Brute force over all 2**m - 1 subsets, whichever rows the separation added.
    rng = np.random.default_rng(7)
    m, n = 5, 6
    rho, xi, q = rng.normal(size=m), rng.normal(size=m), rng.dirichlet(np.ones(m))
    sol = iid_optimal_signal(rho, xi, q, n)
    x = sol.interim
    assert n * q @ x == pytest.approx(1.0, abs=1e-9)
    for mask in range(1, 2**m):
        T = [t for t in range(m) if mask >> t & 1]
        assert n * q[T] @ x[T] <= 1 - (1 - q[T].sum()) ** n + 1e-8


@pytest.mark.parametrize("n", [1, 2, 5, 40, 200])
def test_aligned_sender_closed_form_at_any_n(n):
    # Full information: the Receiver finds a good action unless all n are bad.
    sol = iid_optimal_signal([0, 1], [0, 1], [0.5, 0.5], n)
    assert sol.value == pytest.approx(1 - 0.5**n, abs=1e-8)


@pytest.mark.parametrize("n", [2, 3, 30, 500])
def test_opposed_sender_closed_form(n):
    # The Sender gains only from bad actions; obedience forces Pr[good recommended] >= Pr[good] = p,
    # and recommending an action at random attains it: value 1 - p whatever n.
    p = 0.35
    assert iid_optimal_signal([0, 1], [1, 0], [1 - p, p], n).value == pytest.approx(1 - p, abs=1e-8)


def test_one_action_is_taken_blind():
    q = np.array([0.2, 0.3, 0.5])
    xi = np.array([1.0, -2.0, 0.5])
    assert iid_optimal_signal([3, 1, 2], xi, q, 1).value == pytest.approx(float(q @ xi), abs=1e-9)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: independent_actions_game([0, 1], [1, 0], [0.5, 0.6], 2), ValueError, "type_prior must sum to 1"),
        (lambda: independent_actions_game([0, 1], [1, 0, 2], [0.5, 0.5], 2), ValueError, "one entry per type"),
        (lambda: independent_actions_game([0, 1], [1, 0], [0.5, 0.5], 0), ValueError, "n_actions must be >= 1; got 0"),
        (lambda: independent_actions_game([0, 1], [1, 0], [0.5, 0.5], 2.5), ValueError, "n_actions must be an integer"),
        (lambda: independent_actions_game([0, 1], [1, 0], [0.5, 0.5], True), TypeError, "n_actions must be a real"),
        (lambda: independent_actions_game([0, 1], [1, 0], [0.5, 0.5], "3"), TypeError, "n_actions must be a real"),
        (
            lambda: independent_actions_game([0, np.nan], [1, 0], [0.5, 0.5], 2),
            ValueError,
            "receiver_values must contain",
        ),
        (lambda: independent_actions_game(["0", "1"], [1, 0], [0.5, 0.5], 2), TypeError, "receiver_values must be"),
        (lambda: independent_actions_game([0, 1], [True, False], [0.5, 0.5], 2), TypeError, "sender_values must be"),
        (
            lambda: independent_actions_game([[0, 1]], [1, 0], [0.5, 0.5], 2),
            ValueError,
            "receiver_values must be 1-dim",
        ),
        (lambda: independent_actions_game([0, 1], [1, 0], [1.5, -0.5], 2), ValueError, "type_prior must be non-neg"),
        (
            lambda: independent_actions_game([0, 1], [1, 0], [0.5, 0.5], 25),
            ValueError,
            r"2\*\*25 = 33554432 states, above max_states = 2000000",
        ),
        (
            lambda: independent_actions_game([0, 1], [1, 0], [0.5, 0.5], 4, max_states=8),
            ValueError,
            "above max_states = 8",
        ),
        (lambda: lp_size(0, 3), ValueError, "n_states must be >= 1; got 0"),
        (lambda: lp_size(3, False), TypeError, "n_actions must be a real"),
        (lambda: check_lp_size(1000, 300), ValueError, "90000000 non-zeros, above max_nonzeros = 20000000"),
        (lambda: check_lp_size(10, 3, max_nonzeros=0), ValueError, "max_nonzeros must be >= 1"),
        (lambda: iid_optimal_signal([0, 1], [1, 0], [0.5, 0.5], 3, method="ellipsoid"), ValueError, "method must be"),
        (lambda: iid_optimal_signal([0, 1], [1, np.inf], [0.5, 0.5], 3), ValueError, "sender_values must contain"),
        (lambda: iid_optimal_signal([0, 1], [1, 0], [0.5, 0.5], -1), ValueError, "n_actions must be >= 1"),
    ],
)
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_limits_can_be_raised():
    assert independent_actions_game([0, 1], [1, 0], [0.5, 0.5], 4, max_states=16).n_states == 16
    assert check_lp_size(1000, 300, max_nonzeros=10**8) == 90_000_000
