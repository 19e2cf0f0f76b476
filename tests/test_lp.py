import pickle

import numpy as np
import pytest
import scipy.sparse as sp

from persuasion.lp import LPError, least_violation, solve_lp


def test_hand_solved_minimum():
    # min 2x + 3y  s.t.  x + y >= 4, x - y <= 2, x, y >= 0.
    # Vertices of the feasible region on x + y = 4: (3, 1) worth 9 and (0, 4) worth 12;
    # the cheaper x is pushed as far as x - y <= 2 allows: (3, 1), value 9.
    res = solve_lp([2, 3], A_ub=[[-1, -1], [1, -1]], b_ub=[-4, 2])
    np.testing.assert_allclose(res.x, [3.0, 1.0], atol=1e-12)
    assert res.fun == pytest.approx(9.0, abs=1e-12)


def test_equality_and_bounds():
    # min x - y  s.t.  x + y = 1, 0.25 <= x <= 1, y free: y = 1 - x, so the objective is 2x - 1,
    # smallest at x = 0.25: value -0.5.
    res = solve_lp([1, -1], A_eq=[[1, 1]], b_eq=[1], bounds=[(0.25, 1), (None, None)])
    np.testing.assert_allclose(res.x, [0.25, 0.75], atol=1e-12)
    assert res.fun == pytest.approx(-0.5, abs=1e-12)


def test_maximize_flips_the_sign_of_the_value_only():
    A, b = [[1, 1], [1, 3]], [4, 6]
    best = solve_lp([1, 2], A_ub=A, b_ub=b, maximize=True)
    worst = solve_lp([-1, -2], A_ub=A, b_ub=b)
    np.testing.assert_allclose(best.x, [3.0, 1.0], atol=1e-12)
    assert best.fun == pytest.approx(5.0, abs=1e-12)
    assert best.fun == -worst.fun
    np.testing.assert_array_equal(best.x, worst.x)


@pytest.mark.parametrize("method", ["highs", "highs-ds", "highs-ipm"])
def test_methods_agree(method):
    res = solve_lp([1, 2], A_ub=[[1, 1], [1, 3]], b_ub=[4, 6], maximize=True, method=method)
    assert res.fun == pytest.approx(5.0, abs=1e-8)


def test_sparse_and_dense_constraints_give_identical_results():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(6, 10)) * (rng.random((6, 10)) < 0.4)
    b = np.abs(rng.normal(size=6))
    c = rng.normal(size=10)
    kw = dict(b_ub=b, bounds=(0, 1), maximize=True)
    dense = solve_lp(c, A_ub=A, **kw)
    sparse = solve_lp(c, A_ub=sp.csr_matrix(A), **kw)
    assert dense.fun == sparse.fun
    np.testing.assert_array_equal(dense.x, sparse.x)


@pytest.mark.parametrize("kind", [sp.csr_matrix, sp.csr_array, sp.coo_matrix])
def test_sparse_rows_of_extreme_units_are_rescaled_like_dense_ones(kind):
    # Row 0 in units of 1e9, row 1 in units of 1e-9, row 2 empty: the same polytope as [[1, 1], [1, 3]] <= [4, 6].
    A = np.array([[1e9, 1e9], [1e-9, 3e-9], [0.0, 0.0]])
    b = np.array([4e9, 6e-9, 1.0])
    dense = solve_lp([1, 2], A_ub=A, b_ub=b, bounds=(0, 10), maximize=True)
    sparse = solve_lp([1, 2], A_ub=kind(A), b_ub=b, bounds=(0, 10), maximize=True)
    np.testing.assert_allclose(sparse.x, [3.0, 1.0], atol=1e-7)  # the vertex where x + y = 4 meets x + 3y = 6
    np.testing.assert_array_equal(dense.x, sparse.x)
    with pytest.raises(ValueError, match="row 0 mixes coefficients"):
        solve_lp([1, 2], A_ub=kind(np.array([[1e9, 1e-3]])), b_ub=[1.0], bounds=(0, 10))


def test_infeasible_raises_naming_the_lp():
    # x + y = -1 with x, y >= 0 has no solution.
    with pytest.raises(LPError, match=r"^toy LP: HiGHS returned status 2 \(.*infeasible") as info:
        solve_lp([1, 1], A_eq=[[1, 1]], b_eq=[-1], what="toy LP")
    err = info.value
    assert isinstance(err, RuntimeError)
    assert err.what == "toy LP" and err.status == 2 and err.infeasible


def test_unbounded_raises():
    # max x + y over x, y >= 0, x - y <= 1 grows without bound along x = y.
    with pytest.raises(LPError, match=r"^ray: HiGHS returned status 3 \(.*unbounded") as info:
        solve_lp([1, 1], A_ub=[[1, -1]], b_ub=[1], maximize=True, what="ray")
    assert info.value.status == 3 and not info.value.infeasible


def test_unknown_method():
    with pytest.raises(ValueError, match="method must be one of"):
        solve_lp([1], method="simplex")


def test_error_survives_pickling():
    err = pickle.loads(pickle.dumps(LPError("some LP", 4, "numerical trouble")))
    assert str(err) == "some LP: HiGHS returned status 4 (numerical trouble)"
    assert (err.what, err.status, err.detail, err.solver) == ("some LP", 4, "numerical trouble", "HiGHS")


def test_error_from_another_solver():
    err = LPError("optimal-signal LP", "infeasible", solver="CLARABEL")
    assert str(err) == "optimal-signal LP: CLARABEL returned status 'infeasible'"
    assert err.infeasible


def test_least_violation():
    # x1 + x2 = 1, x1 - x2 = 0 has the solution (1/2, 1/2).
    violation, x = least_violation(np.array([[1.0, 1.0], [1.0, -1.0]]), [1.0, 0.0], what="t")
    assert violation == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(x, [0.5, 0.5], atol=1e-12)
    # x1 = 1 and x1 = 3 cannot both hold: the least L1 violation is 2.
    violation, x = least_violation(sp.csr_matrix([[1.0], [1.0]]), [1.0, 3.0], what="t")
    assert violation == pytest.approx(2.0, abs=1e-12)
    # The returned point attains the returned violation, recomputed by hand (true exactly for x1 in [1, 3]).
    assert abs(x[0] - 1.0) + abs(x[0] - 3.0) == pytest.approx(violation, abs=1e-12)


@pytest.mark.parametrize("kind", ["ub", "eq"])
def test_a_matrix_with_the_wrong_width_is_named(kind):
    # The message once read "A_uA" (both b's of "b_ub" replaced).
    message = rf"^A_{kind} must have one column per variable \(len\(c\) = 2\); got shape \(1, 1\)"
    with pytest.raises(ValueError, match=message):
        solve_lp([1.0, 2.0], **{f"A_{kind}": [[1.0]], f"b_{kind}": [1.0]})


@pytest.mark.parametrize("factor", [1e-12, 1e-8, 1e8, 1e12])
def test_a_scaled_problem_has_the_scaled_answer(factor):
    # max x1 + 2 x2 s.t. x1 + x2 <= 4, x1 + 3 x2 <= 6, x >= 0: by hand, the vertex (3, 1), value 5.
    # Multiplying A_ub by `factor` divides the feasible set by it: vertex (3, 1) / factor.
    # At factor 1e-12 HiGHS once dropped every coefficient (below its 1e-9) and called the LP unbounded.
    res = solve_lp([1.0, 2.0], A_ub=np.array([[1.0, 1.0], [1.0, 3.0]]) * factor, b_ub=[4.0, 6.0], maximize=True)
    assert np.allclose(res.x * factor, [3.0, 1.0], rtol=1e-7)
    assert np.isclose(res.fun * factor, 5.0, rtol=1e-7)


def test_a_row_beyond_what_highs_holds_is_named():
    # Coefficients 1e12 and 1 in one row: scaled to 1 and 1e-12, the second would vanish in HiGHS.
    with pytest.raises(ValueError, match="A_ub and b_ub: row 0 mixes coefficients 1000000000000.0 and 1.0"):
        solve_lp([1.0, 1.0], A_ub=[[1e12, 1.0]], b_ub=[1.0], maximize=True)
    # With bounds other than x >= 0 the variables are not rescaled, so the right-hand side counts.
    with pytest.raises(ValueError, match="A_ub and b_ub: row 0 mixes"):
        solve_lp([1.0], A_ub=[[1.0]], b_ub=[1e300], bounds=(0, 10), maximize=True)


def test_extreme_right_hand_sides_rescale_the_variables():
    # x1 + x2 = 4e300 (or 4e-300), minimise x1 + 2 x2: all weight on x1, value 4e300 (4e-300).
    for t in (1e300, 1e-300):
        res = solve_lp([1.0, 2.0], A_eq=[[1.0, 1.0]], b_eq=[4.0 * t])
        assert np.allclose(res.x / t, [4.0, 0.0]) and np.isclose(res.fun / t, 4.0)
