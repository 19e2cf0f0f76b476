import cvxpy as cp
import numpy as np
import pytest
import scipy.optimize
from hypothesis import given, settings
from hypothesis import strategies as st

from persuasion import (
    PersuasionGame,
    concave_closure,
    convex_closure,
    optimal_signal,
    prosecutor_game,
    random_game,
    split,
)
from persuasion.bayesian_persuasion import (
    _check_status,
    action_region_vertices,
    consistency_matrix,
    obedience_matrix,
    objective_vector,
)

from .strategies import games


@pytest.mark.parametrize("p", [0.0, 0.1, 0.3, 0.45, 0.5, 0.7, 1.0])
def test_prosecutor_value_is_min_2p_1(p):
    """Known answer (Kamenica and Gentzkow 2011): the conviction probability is min(2p, 1)."""
    assert optimal_signal(prosecutor_game(p)).value == pytest.approx(min(2 * p, 1.0), abs=1e-8)


def test_prosecutor_signal():
    sol = optimal_signal(prosecutor_game(0.3))
    order = np.argsort(sol.posteriors[:, 1])
    np.testing.assert_allclose(sol.posteriors[order, 1], [0.0, 0.5], atol=1e-8)
    np.testing.assert_allclose(sol.weights[order], [0.4, 0.6], atol=1e-8)
    np.testing.assert_allclose(sol.scheme.sum(axis=1), 1.0)
    # P("convict" | innocent) = 3/7, P("convict" | guilty) = 1.
    convict = list(sol.actions).index(1)
    np.testing.assert_allclose(sol.scheme[:, convict], [3 / 7, 1.0], atol=1e-8)
    assert sol.status == "optimal" and sol.solver == "HIGHS"


def test_aligned_sender_reveals_everything():
    """If v = u the Sender wants the Receiver fully informed: the value is the full-information value."""
    u = np.array([[1.0, 0.0, 0.2], [0.0, 1.0, 0.2], [0.3, 0.3, 0.9]])
    g = PersuasionGame([0.2, 0.5, 0.3], u, u)
    assert optimal_signal(g).value == pytest.approx(g.full_information_value, abs=1e-8)


def test_single_action_and_single_state():
    g = PersuasionGame([1.0], [[1.0], [2.0]], [[5.0], [-1.0]])
    sol = optimal_signal(g)
    assert sol.value == pytest.approx(-1.0) and sol.n_signals == 1
    g1 = PersuasionGame([0.3, 0.7], [[1.0, 2.0]], [[3.0, 1.0]])
    assert optimal_signal(g1).value == pytest.approx(0.3 * 3 + 0.7)


def test_lp_builders_small_game():
    g = PersuasionGame([0.5, 0.5], [[1.0, 0.0], [0.0, 2.0], [0.5, 0.5]], [[0, 1], [2, 3], [4, 5]])
    A = consistency_matrix(g).toarray()
    assert A.shape == (2, 6)
    np.testing.assert_array_equal(A, [[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]])
    G = obedience_matrix(g)
    assert G.shape == (6, 6)  # |A|(|A|-1) rows, |Omega||A| columns
    # Row for (recommend 0, deviate to 1): u(1, w) - u(0, w) = (-1, 2) in columns of p(w, 0) = 0 and 3.
    np.testing.assert_array_equal(G.toarray()[0], [-1, 0, 0, 2, 0, 0])
    np.testing.assert_array_equal(objective_vector(g), [0, 2, 4, 1, 3, 5])


def test_check_status():
    _check_status(cp.OPTIMAL, "HIGHS")
    with pytest.warns(RuntimeWarning, match="inaccurate"):
        _check_status(cp.OPTIMAL_INACCURATE, "HIGHS")
    with pytest.raises(RuntimeError, match="status 'infeasible'"):
        _check_status(cp.INFEASIBLE, "HIGHS")


def test_clarabel_agrees_with_highs():
    g = PersuasionGame([0.2, 0.3, 0.5], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [[1, 1, 1], [0, 0, 0], [0.5, 0.5, 0.5]])
    assert optimal_signal(g, solver="CLARABEL").value == pytest.approx(optimal_signal(g).value, abs=1e-6)


def _scipy_value(g):
    """The same LP solved by scipy's HiGHS, as an independent solver path."""
    G = obedience_matrix(g)
    res = scipy.optimize.linprog(
        -objective_vector(g),
        A_ub=G if G.shape[0] else None,
        b_ub=np.zeros(G.shape[0]) if G.shape[0] else None,
        A_eq=consistency_matrix(g),
        b_eq=g.prior,
        bounds=(0, None),
        method="highs",
    )
    assert res.status == 0
    return -res.fun


@given(games())
def test_lp_value_equals_concave_closure(g):
    sol = optimal_signal(g)
    assert sol.value == pytest.approx(concave_closure(g, g.prior), abs=1e-6)
    assert sol.value == pytest.approx(_scipy_value(g), abs=1e-6)


@given(games(integer=True))
def test_solution_is_consistent(g):
    sol = optimal_signal(g)
    # Bayes-plausible, obedient, and worth its value.
    np.testing.assert_allclose(sol.weights @ sol.posteriors, g.prior, atol=1e-6)
    np.testing.assert_allclose(sol.scheme.sum(axis=1), 1.0, atol=1e-9)
    payoffs = g.receiver_payoffs(sol.posteriors)
    chosen = payoffs[np.arange(sol.n_signals), sol.actions]
    assert (chosen >= payoffs.max(axis=1) - 1e-6).all()
    induced = split(g.prior, sol.scheme)
    np.testing.assert_allclose(induced.weights @ g.sender_value(induced.posteriors, atol=1e-6), sol.value, atol=1e-6)
    # At least as good as no information and as full information; few signals.
    assert sol.value >= g.no_information_value - 1e-7
    assert sol.value >= g.full_information_value - 1e-7
    assert sol.n_signals <= min(g.n_states, g.n_actions)


@given(games(integer=True))
def test_convex_closure_below_vhat_below_concave_closure(g):
    beliefs = np.vstack([g.prior, np.random.default_rng(3).dirichlet(np.ones(g.n_states), size=4)])
    lower = convex_closure(g, beliefs)
    upper = concave_closure(g, beliefs)
    vhat = g.sender_value(beliefs)
    assert (lower <= vhat + 1e-8).all()
    assert (vhat <= upper + 1e-8).all()


@given(games(max_states=3, max_actions=4))
def test_concave_closure_is_concave(g):
    rng = np.random.default_rng(5)
    x, y = rng.dirichlet(np.ones(g.n_states), size=2)
    t = rng.uniform()
    mid = concave_closure(g, t * x + (1 - t) * y)
    assert mid >= t * concave_closure(g, x) + (1 - t) * concave_closure(g, y) - 1e-7


def test_region_vertices_prosecutor():
    verts, acts, full = action_region_vertices(prosecutor_game())
    got = sorted((int(a), round(float(v[1]), 9)) for v, a in zip(verts, acts))
    assert got == [(0, 0.0), (0, 0.5), (1, 0.5), (1, 1.0)]
    assert full.all()


def test_lower_dimensional_region_is_flagged():
    # Action 2 is optimal only at the single belief (1/2, 1/2).
    u = [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]
    verts, acts, full = action_region_vertices(PersuasionGame([0.5, 0.5], u, np.zeros((3, 2))))
    assert not full[acts == 2].any() and full[acts != 2].all()


# -- the answer does not depend on the unit of the utilities -------------------------------------------------
SCALES = [1e-12, 1e-10, 1e-6, 1e-3, 1.0, 1e3, 1e6, 1e12]


def _affine(g, a, b):
    return PersuasionGame(g.prior, a * g.receiver_utility + b, a * g.sender_utility + b)


@pytest.mark.parametrize("a", SCALES + [1e-300, 1e300])
@pytest.mark.parametrize("shift", [0.0, 4.0, -9.0])
def test_prosecutor_value_at_every_unit(a, shift):
    """Closed form (Kamenica and Gentzkow): V = 0.6 at prior 0.3, so a*u + b and a*v + b give a*0.6 + b."""
    g = _affine(prosecutor_game(0.3), a, shift * a)
    expected = a * 0.6 + shift * a
    assert optimal_signal(g).value == pytest.approx(expected, rel=1e-7)
    assert concave_closure(g, g.prior) == pytest.approx(expected, rel=1e-7)
    assert convex_closure(g, g.prior) == pytest.approx(shift * a, rel=1e-7, abs=1e-7 * a)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(games(max_states=3, max_actions=4), st.sampled_from(SCALES), st.sampled_from([0.0, 1.0, -3.0]))
def test_optimal_value_is_affine_in_the_unit(g, a, shift):
    """V(a*u + b, a*v + b) = a * V(u, v) + b, against the unscaled game solved by the LP and by the closure."""
    V = optimal_signal(g).value
    assert concave_closure(g, g.prior) == pytest.approx(V, abs=1e-6)  # two algorithms agree at unit scale
    scaled = _affine(g, a, shift * a)
    assert optimal_signal(scaled).value == pytest.approx(a * V + shift * a, abs=1e-6 * a)
    assert concave_closure(scaled, scaled.prior) == pytest.approx(a * V + shift * a, abs=1e-6 * a)


def test_vertex_enumeration_refuses_exponential_work_before_allocating():
    """A 20-action, 8-state game needs 20 * C(27, 7) = 17,760,600 linear systems: refused at once."""
    import math
    import time
    import tracemalloc

    big = random_game(8, 20, rng=0)
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"17760600 linear systems, more than max_systems=1000000"):
        concave_closure(big, big.prior)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.perf_counter() - start < 1.0 and peak < 10_000_000  # nothing exponential was built
    assert 20 * math.comb(27, 7) == 17_760_600
    with pytest.raises(ValueError, match=r"max_systems must be >= 1; got 0"):
        action_region_vertices(prosecutor_game(), max_systems=0)


def test_max_systems_can_be_raised():
    """A game just above the limit runs when the limit is raised, and agrees with the LP."""
    g = random_game(4, 6, rng=1)  # 6 * C(9, 3) = 504 systems
    with pytest.raises(ValueError, match=r"504 linear systems, more than max_systems=500"):
        concave_closure(g, g.prior, max_systems=500)
    assert concave_closure(g, g.prior, max_systems=504) == pytest.approx(optimal_signal(g).value, abs=1e-7)


def test_optimal_signal_refuses_a_huge_lp_before_building_it():
    # 1000 states x 300 actions: 9e7 non-zeros; building it aborted the process (std::bad_alloc).
    import tracemalloc

    rng = np.random.default_rng(0)
    game = PersuasionGame(np.full(1000, 1e-3), rng.normal(size=(300, 1000)), rng.normal(size=(300, 1000)))
    tracemalloc.start()
    with pytest.raises(ValueError, match=r"n_states = 1000 and n_actions = 300 has 90000000 non-zeros.*max_nonzeros"):
        optimal_signal(game)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50e6, peak
    # the limit is the caller's to raise: a small game under a tiny limit is refused too
    with pytest.raises(ValueError, match="max_nonzeros = 4"):
        optimal_signal(prosecutor_game(), max_nonzeros=4)
    assert optimal_signal(prosecutor_game(), max_nonzeros=8).value == pytest.approx(0.6, abs=1e-7)
