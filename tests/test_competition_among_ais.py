import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from persuasion.competition_among_ais import (
    CompetitionGame,
    aligned_agents,
    best_response_dynamics,
    block_experiment,
    pure_equilibria,
    quantal_response,
    random_experiment_menu,
    weighted_alignment,
)

MATCH = np.array([[1.0, 0.0], [0.0, 1.0]])  # Alice wants to match the state


def test_weighted_alignment_by_hand():
    # u_1 = u_A + d, u_2 = u_A - d: the average is exactly u_A.
    d = np.array([[0.3, -0.1], [0.2, 0.5]])
    wa = weighted_alignment(MATCH, [MATCH + d, MATCH - d])
    np.testing.assert_allclose(wa.weights, [0.5, 0.5], atol=1e-9)
    assert wa.epsilon == pytest.approx(0.0, abs=1e-9)
    # A constant shift is free.
    assert weighted_alignment(MATCH, [MATCH + 3.0]).epsilon == pytest.approx(0.0, abs=1e-9)
    # One agent with the opposite preference: (1 - M) + c - M is c - 1 on matches and c + 1
    # elsewhere, so the best constant is 0 and the error 1.
    wa = weighted_alignment(MATCH, [1 - MATCH])
    assert wa.epsilon == pytest.approx(1.0) and wa.constant == pytest.approx(0.0, abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 4), st.floats(0.0, 0.5))
def test_aligned_agents_are_within_epsilon(seed, m, eps):
    rng = np.random.default_rng(seed)
    uA = rng.normal(size=(3, 2))
    w = rng.dirichlet(np.ones(m)) * 0.9 + 0.1 / m
    U = aligned_agents(uA, w, eps, rng)
    found = weighted_alignment(uA, U)
    assert found.epsilon <= eps + 1e-8
    # The given weights certify the same bound directly.
    err = np.abs(np.tensordot(w, U, axes=1) - uA)
    assert err.max() <= eps + 1e-12


def test_quantal_response_limits_and_bound():
    eu = np.array([1.0, 0.5, 0.0])
    np.testing.assert_allclose(quantal_response(eu, 0.0), np.full(3, 1 / 3))
    np.testing.assert_allclose(quantal_response(eu, np.inf), [1, 0, 0])
    for lam in (0.1, 1.0, 10.0, 100.0):
        p = quantal_response(eu, lam)
        # Standard softmax bound: max - E_p[eu] <= log(n) / lam.
        assert eu.max() - p @ eu <= np.log(3) / lam + 1e-12


def test_payoffs_by_hand():
    # Full revelation: Alice matches the state; no information: she picks the likelier state.
    g = CompetitionGame([0.3, 0.7], MATCH, [MATCH], [[np.eye(2), np.ones((2, 1))]])
    alice, agents = g.payoffs_of([np.eye(2)])
    assert alice == pytest.approx(1.0) and agents[0] == pytest.approx(1.0)
    alice, _ = g.payoffs_of([np.ones((2, 1))])
    assert alice == pytest.approx(0.7)
    # Two independent noisy signals of accuracy 0.8 at a uniform prior: agreeing signals are followed,
    # disagreeing ones leave a tie (uniform) -> 0.64 + 0.32 * 0.5 = 0.8.
    P = np.array([[0.8, 0.2], [0.2, 0.8]])
    g2 = CompetitionGame([0.5, 0.5], MATCH, [MATCH, MATCH], [[P], [P]])
    assert g2.payoffs_of([P, P])[0] == pytest.approx(0.8)


def test_joint_experiment_is_product():
    g = CompetitionGame([0.5, 0.5], MATCH, [MATCH, MATCH], [[np.eye(2)], [np.eye(2)]])
    P, Q = np.array([[0.9, 0.1], [0.3, 0.7]]), np.array([[0.6, 0.4], [0.5, 0.5]])
    J = g.joint_experiment([P, Q])
    np.testing.assert_allclose(J.reshape(2, 2, 2), P[:, :, None] * Q[:, None, :])


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10**6))
def test_competition_bound_when_everyone_can_reveal(seed):
    rng = np.random.default_rng(seed)
    uA = rng.normal(size=(3, 3))
    U = aligned_agents(uA, rng.dirichlet(np.ones(2)) * 0.9 + 0.05, 0.05, rng)
    eps = weighted_alignment(uA, U).epsilon
    g = CompetitionGame(rng.dirichlet(np.ones(3)), uA, U, [random_experiment_menu(3, 4, rng) for _ in range(2)])
    for selection in (False, True):
        tab = g.table(selection=selection)
        eq = pure_equilibria(tab)
        assert len(eq)  # everyone revealing is an equilibrium
        assert tab.alice[tuple(eq.T)].min() >= g.first_best - 2 * eps - 1e-9


def test_equilibria_by_brute_force_and_dynamics():
    rng = np.random.default_rng(5)
    uA = rng.normal(size=(3, 2))
    U = rng.normal(size=(2, 3, 2))
    g = CompetitionGame([0.4, 0.6], uA, U, [random_experiment_menu(2, 4, rng) for _ in range(2)])
    tab = g.table()
    found = {tuple(p) for p in pure_equilibria(tab)}
    brute = {
        (i, j)
        for i in range(4)
        for j in range(4)
        if tab.agents[i, j, 0] >= tab.agents[:, j, 0].max() - 1e-9
        and tab.agents[i, j, 1] >= tab.agents[i, :, 1].max() - 1e-9
    }
    assert found == brute
    prof, converged, _ = best_response_dynamics(tab, (0, 0))
    if converged:
        assert prof in found


def test_block_experiment_keeps_tasks_apart():
    B = block_experiment([np.array([[0.5, 0.5], [0.1, 0.9]]), np.eye(3)])
    assert B.shape == (5, 5)
    np.testing.assert_allclose(B.sum(axis=1), 1.0)
    assert (B[:2, 2:] == 0).all() and (B[2:, :2] == 0).all()


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: weighted_alignment(MATCH, np.zeros((2, 3, 2))),
            r"agent_utilities must have shape \(n_agents, 2, 2\); got \(2, 3, 2\)",
        ),
        (lambda: quantal_response([1.0, 0.0], -1.0), "lam .* must be >= 0; got -1.0"),
        (lambda: aligned_agents(MATCH, [0.5, 0.6], 0.1, 0), "weights must sum to 1"),
        (lambda: aligned_agents(MATCH, [1.2, -0.2], 0.1, 0), "weights must be non-negative"),
        (lambda: aligned_agents(MATCH, [0.5, 0.5], -0.1, 0), "epsilon must be non-negative"),
        (
            lambda: CompetitionGame([0.5, 0.5], MATCH, [MATCH], [[np.eye(2)], [np.eye(2)]]),
            r"one menu per agent \(1\); got 2",
        ),
        (lambda: CompetitionGame([0.5, 0.5], MATCH, [MATCH], [[np.eye(3)]]), r"menus\[0\]\[0\] must have 2 rows"),
        (
            lambda: CompetitionGame([0.5, 0.5], MATCH, [MATCH], [[[[0.5, 0.6], [1.0, 0.0]]]]),
            r"menus\[0\]\[0\] must be row-stochastic; row 0 sums to 1.1",
        ),
        (
            lambda: best_response_dynamics(CompetitionGame([0.5, 0.5], MATCH, [MATCH], [[np.eye(2)]]).table(), (0, 0)),
            "one experiment per agent",
        ),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def _small_game():
    menu = [np.ones((2, 1)), np.eye(2)]
    return CompetitionGame([0.5, 0.5], MATCH, [MATCH, MATCH], [menu, menu])


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: quantal_response([1.0, 0.0], True), TypeError, r"lam \(the quantal-response precision\) .*got bool"),
        (lambda: quantal_response([1.0, 0.0], "1"), TypeError, "lam .* got str"),
        (lambda: quantal_response([1.0, 0.0], float("nan")), ValueError, "lam .* got nan"),
        (lambda: aligned_agents(MATCH, [0.5, 0.5], "0.1", 0), TypeError, "epsilon must be a real number; got str"),
        (lambda: aligned_agents(MATCH, [0.5, 0.5], True, 0), TypeError, "epsilon .* got bool"),
        (lambda: aligned_agents(MATCH, [0.5, 0.5], float("inf"), 0), ValueError, "epsilon must be a finite number"),
        (lambda: aligned_agents(MATCH, [0.5, 0.5], 0.1, 0, constant="x"), TypeError, "constant .* got str"),
        (lambda: aligned_agents(MATCH, [0.5, 0.5], 0.1, "seed"), TypeError, "rng must be"),
        (lambda: random_experiment_menu(3, True, 0), TypeError, "size must be a real number; got bool"),
        (lambda: random_experiment_menu(3.5, 2, 0), ValueError, "n_states must be an integer; got 3.5"),
        (lambda: random_experiment_menu("3", 2, 0), TypeError, "n_states .* got str"),
        (lambda: random_experiment_menu(3, 0, 0), ValueError, "size must be >= 1; got 0"),
        (lambda: random_experiment_menu(3, 3, 0, n_signals=0), ValueError, "n_signals must be >= 1; got 0"),
        (lambda: random_experiment_menu(3, 3, 0, full="no"), TypeError, "full must be True or False; got str"),
        (lambda: random_experiment_menu(10**9, 3, 0), ValueError, "more than the limit"),
        (lambda: _small_game().table(lam="x"), TypeError, "lam .* got str"),
        (lambda: _small_game().table(selection=1), TypeError, "selection must be True or False; got int"),
        (lambda: _small_game().payoffs_of([np.eye(2)], lam=True), TypeError, "lam .* got bool"),
        (lambda: pure_equilibria(_small_game().table(), atol=-1), ValueError, "atol must be >= 0"),
        (lambda: best_response_dynamics(_small_game().table(), (0, 5)), ValueError, r"start\[1\] must be <= 1; got 5"),
        (lambda: best_response_dynamics(_small_game().table(), (0, True)), TypeError, r"start\[1\] .* got bool"),
        (
            lambda: best_response_dynamics(_small_game().table(), (0, 0), max_rounds=0),
            ValueError,
            "max_rounds must be >= 1",
        ),
    ],
)
def test_garbage_is_refused_with_the_argument_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_integral_floats_and_numpy_scalars_are_accepted():
    assert len(random_experiment_menu(3.0, 2.0, 0)) == 2
    np.testing.assert_allclose(quantal_response([1.0, 0.0], np.float64(0.0)), [0.5, 0.5])
    assert best_response_dynamics(_small_game().table(), (np.int64(0), 0))[1]
