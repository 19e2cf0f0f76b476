import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from persuasion import PersuasionGame, optimal_signal
from persuasion.online import (
    OnlinePersuasion,
    adversarial_types,
    caratheodory,
    stochastic_types,
)
from persuasion.online_algorithm import barycentric_spanner, exp2_rates, run_algorithm1


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
        (lambda: run_algorithm1(instance(), [0.7, 0.2], 0), r"types must contain integer type indices; got 0.7"),
        (lambda: run_algorithm1(instance(), [0, float("nan")], 0), r"types must contain integer type indices"),
        (lambda: run_algorithm1(instance(), [], 0), r"types must be a non-empty 1-D sequence"),
        (lambda: run_algorithm1(instance(), [0, 1], 0, exploration="john"), r"exploration must be one of"),
        (lambda: run_algorithm1(instance(), [0, 1], 0, cover=-1), r"cover must be a non-negative integer"),
        (lambda: instance().best_in_hindsight([1.0]), "type_counts must be 2 non-negative counts"),
        (lambda: stochastic_types(0, 10, 0), r"n_types must be a positive integer; got 0"),
        (lambda: adversarial_types(0, 10), r"n_types must be a positive integer; got 0"),
        (
            lambda: stochastic_types(2, float("nan"), 0),
            r"T \(the number of rounds\) must be a positive integer; got nan",
        ),
        (lambda: adversarial_types(2, float("inf")), r"T \(the number of rounds\) must be a positive integer; got inf"),
        (lambda: stochastic_types(2, 2.5, 0), r"T \(the number of rounds\) must be a positive integer; got 2.5"),
        (lambda: stochastic_types(2, 5, 0, probabilities=[1.0]), r"probabilities must have length n_types = 2"),
        (lambda: exp2_rates(2, 8, 100, 0.0), r"bound must be a positive finite number"),
        (
            lambda: OnlinePersuasion([0.5, 0.5], np.zeros((2, 2)), np.zeros((0, 2, 2))),
            r"receiver_utilities must not be empty",
        ),
        (
            lambda: OnlinePersuasion([0.5, 0.5], np.zeros((2, 2)), np.zeros((1, 2, 2)), max_variables=0),
            r"max_variables must be a positive integer",
        ),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- the polytope P: obedience given the whole recommendation profile -------------------


def brute_force_value(prior, v, u, counts):
    """Best total utility over *all* signaling schemes, two items, no LP: concavification on a line.

    A signal moves the belief q = P(item 1) to a posterior; each type best-responds (ties to the
    Advisor's liking) and the Advisor earns sum_k counts_k v(response_k, q). That value is linear in q
    between the points where some type is indifferent between two responses, and at those points at least
    as high as either linear piece, so its concave closure at the prior is attained by splitting the prior
    between two of these points (or 0 and 1).
    """
    cands = {0.0, 1.0}
    for k in range(u.shape[0]):
        for a in range(u.shape[1]):
            for b in range(a + 1, u.shape[1]):
                d0, d1 = u[k, a, 0] - u[k, b, 0], u[k, a, 1] - u[k, b, 1]
                if d0 != d1 and 0 < d0 / (d0 - d1) < 1:
                    cands.add(d0 / (d0 - d1))

    def w(q):
        vq = (1 - q) * v[:, 0] + q * v[:, 1]
        total = 0.0
        for k in range(u.shape[0]):
            uq = (1 - q) * u[k, :, 0] + q * u[k, :, 1]
            total += counts[k] * vq[uq >= uq.max() - 1e-9].max()
        return total

    qs = sorted(cands)
    p = prior[1]
    best = -np.inf
    for qi in qs:
        for qj in qs:
            if qi <= p <= qj:
                best = max(best, w(p) if qi == qj else w(qi) + (p - qi) / (qj - qi) * (w(qj) - w(qi)))
    return best


def test_best_in_hindsight_matches_brute_force_concavification():
    # Independent of the LP: the value of the best persuasive direct scheme (obedience given the whole
    # profile) equals the best over all signaling schemes, computed by concavification on the line of
    # beliefs. Obedience imposed only against each type's own recommendation (the earlier formulation)
    # gives each type its own concavification, sum_k counts_k cav_k: too high wherever types disagree.
    r = np.random.default_rng(11)
    too_high_if_separate = 0
    for trial in range(30):
        K, m = (2, 2) if trial % 3 == 0 else ((2, 3) if trial % 3 == 1 else (3, 2))
        prior = r.dirichlet(np.ones(2))
        v, u = r.normal(size=(m, 2)), r.normal(size=(K, m, 2))
        counts = r.integers(1, 6, size=K).astype(float)
        value, scheme = OnlinePersuasion(prior, v, u).best_in_hindsight(counts)
        assert value == pytest.approx(brute_force_value(prior, v, u, counts), abs=1e-7)
        separate = sum(counts[k] * brute_force_value(prior, v, u[k : k + 1], [1.0]) for k in range(K))
        too_high_if_separate += separate > value + 1e-6
    assert too_high_if_separate >= 5  # the check above would have caught the per-type formulation


def posterior_obedience_gap(game, phi):
    """Largest gain a type can get by disobeying, given a whole profile, from Bayes' rule (no constraint matrix)."""
    worst = -np.inf
    for r_idx, profile in enumerate(game.profiles):
        joint = game.prior * phi[:, r_idx]  # P(c, profile)
        if joint.sum() <= 1e-12:
            continue
        post = joint / joint.sum()
        for k in range(game.K):
            expected = game.u[k] @ post  # E[u_k(a, c) | profile], every a
            worst = max(worst, expected.max() - expected[profile[k]])
    return worst


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10**6))
def test_vertex_schemes_obey_given_every_profile(seed):
    game = instance(m=3, K=2, seed=seed)
    Z, schemes = game.vertices()
    for phi in schemes:
        assert (phi >= -1e-12).all() and np.allclose(phi.sum(axis=1), 1.0)
        assert posterior_obedience_gap(game, phi) <= 1e-7


def test_f_of_p_is_not_a_box():
    # Under the earlier per-type constraint f(P) was a product of intervals: 2**K vertices at most.
    counts = [len(instance(m=m, K=2, n=m, seed=1).vertices()[0]) for m in (3, 4, 5)]
    assert max(counts) > 4
    game = instance(m=3, K=2)
    assert game.constraints()[2].shape == (3**2 * 2 * (3 - 1), game.n_variables)


def test_size_limit_refuses_before_allocating():
    with pytest.raises(ValueError, match=r"max_variables=100000; pass a larger max_variables"):
        OnlinePersuasion(np.full(3, 1 / 3), np.zeros((10, 3)), np.zeros((9, 10, 3)))
    args = (np.full(2, 0.5), np.zeros((3, 2)), np.zeros((3, 3, 2)))  # 2 * 3**3 = 54 variables
    with pytest.raises(ValueError, match=r"= 54 scheme variables, more than max_variables=50"):
        OnlinePersuasion(*args, max_variables=50)
    assert OnlinePersuasion(*args, max_variables=54).n_variables == 54


# -- Algorithm 1 ------------------------------------------------------------------------


def test_algorithm1_decomposes_every_recommended_point():
    game = instance(m=3, n=3, seed=1)
    Z, _ = game.vertices()
    run = run_algorithm1(game, stochastic_types(2, 500, 3), 4, cover=6)
    n_vertices = len(Z)
    assert len(run.points) > n_vertices  # the cover adds points inside f(P)
    np.testing.assert_allclose(run.points[:n_vertices], Z)
    assert (run.support <= game.K + 1).all()
    interior = run.recommended >= n_vertices
    assert interior.any() and (run.support[interior] >= 2).any()
    assert (run.support[~interior] == 1).all() and (run.played[~interior] == run.recommended[~interior]).all()
    for t in np.flatnonzero(interior)[:50]:
        z = run.points[run.recommended[t]]
        # the vertex played is one of those DECOMPOSE writes z with
        keep, lam = caratheodory(z, Z)
        assert run.played[t] in keep
        np.testing.assert_allclose(lam @ Z[keep], z, atol=1e-8)
    only_vertices = run_algorithm1(game, stochastic_types(2, 200, 3), 4, cover=0)
    assert len(only_vertices.points) == n_vertices and (only_vertices.support == 1).all()


def test_exp2_rates_closed_form():
    d, N, T, B = 3, 40, 50_000, 2.0
    gamma, eta = exp2_rates(d, N, T, B)
    assert gamma == pytest.approx(3 * np.sqrt(np.log(40) / 50_000))
    assert eta == pytest.approx(gamma / (9 * 2.0))
    gamma_u, eta_u = exp2_rates(d, N, T, B, "uniform")
    assert gamma_u == pytest.approx(np.sqrt(3 * np.log(40) / 50_000))
    assert eta_u == pytest.approx(gamma_u / (3 * 2.0))
    assert exp2_rates(2, 8, 1, 1.0)[0] == 0.5  # capped
    run = run_algorithm1(instance(), stochastic_types(2, 300, 0), 0, exploration="uniform", gamma=0.2, eta=0.01)
    assert (run.gamma, run.eta) == (0.2, 0.01)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 4), st.integers(1, 15))
def test_barycentric_spanner_spans_with_bounded_coefficients(seed, d, n):
    X = np.random.default_rng(seed).normal(size=(n, d))
    idx = barycentric_spanner(X, C=2.0)
    assert len(idx) == np.linalg.matrix_rank(X)
    coef, *_ = np.linalg.lstsq(X[idx].T, X.T, rcond=None)  # every row from the spanner's rows
    np.testing.assert_allclose(X[idx].T @ coef, X.T, atol=1e-8)
    assert np.abs(coef).max() <= 2.0 + 1e-9


def test_degenerate_polytopes_run():
    # Every scheme worth 0 (a single point at the origin) and every scheme worth 1 (one vertex): no regret.
    u = np.random.default_rng(0).normal(size=(2, 2, 2))
    for value in (0.0, 1.0):
        game = OnlinePersuasion([0.5, 0.5], np.full((2, 2), value), u)
        run = run_algorithm1(game, [0, 1, 0] * 20, 0)
        assert len(run.points) == 1 and np.allclose(run.regret, 0.0)
