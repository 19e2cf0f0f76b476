import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from persuasion import bayes_posterior, is_bayes_plausible, reduce_support, scheme_from_splitting, split
from persuasion.beliefs import Splitting

from .strategies import distributions


def test_bayes_posterior_by_hand():
    # P(w) = (0.2, 0.8), P(s | w) = (0.5, 0.25): joint (0.1, 0.2), posterior (1/3, 2/3).
    np.testing.assert_allclose(bayes_posterior([0.2, 0.8], [0.5, 0.25]), [1 / 3, 2 / 3])


def test_split_prosecutor_by_hand():
    s = split([0.7, 0.3], [[4 / 7, 3 / 7], [0.0, 1.0]])
    np.testing.assert_allclose(s.weights, [0.4, 0.6])
    np.testing.assert_allclose(s.posteriors, [[1.0, 0.0], [0.5, 0.5]])


def test_split_drops_null_signals():
    s = split([0.5, 0.5], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    assert s.weights.shape == (2,)
    kept = split([0.5, 0.5], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], drop_null=False)
    assert kept.weights.shape == (3,) and np.isnan(kept.posteriors[2]).all()


def test_uninformative_scheme_leaves_prior():
    s = split([0.2, 0.3, 0.5], np.full((3, 4), 0.25))
    np.testing.assert_allclose(s.posteriors, np.tile([0.2, 0.3, 0.5], (4, 1)))


@st.composite
def prior_and_scheme(draw):
    n_s = draw(st.integers(1, 5))
    n_sig = draw(st.integers(1, 5))
    prior = draw(distributions(n_s))
    rows = [draw(distributions(n_sig)) for _ in range(n_s)]
    return prior, np.array(rows)


@given(prior_and_scheme())
def test_split_is_bayes_plausible(ps):
    prior, scheme = ps
    s = split(prior, scheme)
    assert is_bayes_plausible(s.weights, s.posteriors, prior)
    np.testing.assert_allclose(s.mean, prior, atol=1e-12)


@given(prior_and_scheme())
def test_scheme_from_splitting_round_trip(ps):
    """A splitting -> its scheme -> splitting again gives the same posteriors."""
    prior, scheme = ps
    s = split(prior, scheme)
    again = split(prior, scheme_from_splitting(prior, s.weights, s.posteriors))
    np.testing.assert_allclose(again.weights, s.weights, atol=1e-9)
    np.testing.assert_allclose(again.posteriors, s.posteriors, atol=1e-9)


def test_scheme_from_splitting_rejects_implausible():
    with pytest.raises(ValueError, match=r"must average to prior \[0.7, 0.3\]; they average to \[0.75, 0.25\]"):
        scheme_from_splitting([0.7, 0.3], [0.5, 0.5], [[1.0, 0.0], [0.5, 0.5]])


def test_reduce_support_keeps_mean_and_value():
    rng = np.random.default_rng(0)
    pts = rng.dirichlet(np.ones(3), size=8)
    lam = rng.dirichlet(np.ones(8))
    vals = rng.standard_normal(8)
    keep, w = reduce_support(lam, pts, vals)
    assert len(keep) <= 3
    np.testing.assert_allclose(w @ pts[keep], lam @ pts, atol=1e-10)
    assert w @ vals[keep] >= lam @ vals - 1e-10
    assert np.linalg.matrix_rank(np.vstack([pts[keep].T, np.ones(len(keep))])) == len(keep)


@given(st.integers(1, 4), st.integers(1, 9), st.integers(0, 2**31 - 1))
def test_reduce_support_property(n_states, k, seed):
    rng = np.random.default_rng(seed)
    pts = rng.dirichlet(np.ones(n_states), size=k)
    lam = rng.dirichlet(np.ones(k))
    vals = rng.standard_normal(k)
    keep, w = reduce_support(lam, pts, vals)
    assert 0 < len(keep) <= n_states
    assert (w >= 0).all() and np.isclose(w.sum(), 1)
    np.testing.assert_allclose(w @ pts[keep], lam @ pts, atol=1e-9)
    assert w @ vals[keep] >= lam @ vals - 1e-9


@given(st.integers(1, 4), st.integers(1, 12), st.integers(0, 2**31 - 1))
def test_reduce_support_without_values_on_points_of_any_dimension(d, k, seed):
    # Carathéodory in R^d: at most d + 1 affinely independent points keep the mean.
    rng = np.random.default_rng(seed)
    pts = rng.standard_normal((k, d))
    lam = rng.dirichlet(np.ones(k))
    keep, w = reduce_support(lam, pts)
    assert 0 < len(keep) <= d + 1
    assert (w > 0).all() and np.isclose(w.sum(), 1)
    np.testing.assert_allclose(w @ pts[keep], lam @ pts, atol=1e-9)
    assert np.linalg.matrix_rank(np.vstack([pts[keep].T, np.ones(len(keep))])) == len(keep)


def test_reduce_support_shape_error():
    with pytest.raises(ValueError, match=r"shapes \(k,\), \(k, d\), \(k,\); got \(2,\), \(3, 2\), \(2,\)"):
        reduce_support([0.5, 0.5], np.eye(3)[:, :2], [1.0, 2.0])


def test_splitting_mean():
    s = Splitting(np.array([0.25, 0.75]), np.array([[1.0, 0.0], [0.0, 1.0]]))
    np.testing.assert_allclose(s.mean, [0.25, 0.75])


@pytest.mark.parametrize(
    "weights, points, values, message",
    [
        ([np.nan, 1.0], [[0, 1], [1, 0]], None, r"weights must contain only finite numbers; found NaN at index 0"),
        ([-1.0, 2.0], [[0, 1], [1, 0]], None, r"weights must be non-negative; entry 0 is -1.0"),
        ([0.0, 0.0], [[0, 1], [1, 0]], None, r"weights must have a positive entry; the largest is 0.0"),
        ([0.5, 0.5], [[np.inf, 1], [1, 0]], None, r"points must contain only finite numbers; found inf"),
        ([0.5, 0.5], [[0, 1], [1, 0]], [1.0, np.nan], r"values must contain only finite numbers; found NaN at index 1"),
        ([0.5, 0.5], [[0, 1], [1, 0]], ["1", "2"], r"values must be an array of real numbers; got strings"),
        ([True, False], [[0, 1], [1, 0]], None, r"weights must be an array of real numbers; got booleans"),
    ],
)
def test_reduce_support_rejects_bad_input(weights, points, values, message):
    with pytest.raises((ValueError, TypeError), match=message):
        reduce_support(weights, points, values)


def test_reduce_support_at_extreme_units():
    """The mean is kept whatever the unit of the points and the weights (here 1e300 and 1e-300)."""
    pts = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    for unit in (1e-300, 1.0, 1e300):
        keep, w = reduce_support([1e-300, 1e-300, 1e-300], pts * unit, [1.0, 1.0, 1.0])
        np.testing.assert_allclose(w @ pts[keep], [0.5, 0.5], rtol=1e-12)
        assert w.sum() == pytest.approx(1.0)
