"""persuasion.llm.statistics, each checked by another route: definitions written out, closed forms, simulation."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from persuasion.llm.statistics import bca_interval, bootstrap_p_value, coverage, holm, t_interval


def holm_by_definition(p, alpha):
    """Holm's procedure as stated: reject the smallest p while p_(k) <= alpha / (m - k), stop at the first failure."""
    order = sorted(range(len(p)), key=lambda i: p[i])
    rejected = set()
    for k, i in enumerate(order):
        if p[i] <= alpha / (len(p) - k):
            rejected.add(i)
        else:
            break
    return rejected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=8), st.sampled_from([0.01, 0.05, 0.1]))
def test_holm_rejects_what_the_step_down_procedure_rejects(p, alpha):
    adjusted = holm(p)
    assert {i for i, q in enumerate(adjusted) if q <= alpha} == holm_by_definition(p, alpha)
    assert np.all(adjusted >= np.asarray(p)) and np.all(adjusted <= 1)


def test_holm_by_hand():
    # sorted 0.01, 0.03, 0.04, 0.2 times 4, 3, 2, 1: 0.04, 0.09, 0.08 -> 0.09 (running max), 0.2
    assert holm([0.01, 0.04, 0.03, 0.2]) == pytest.approx([0.04, 0.09, 0.09, 0.2])
    assert holm([0.5]) == pytest.approx([0.5])
    assert holm([]).size == 0


def test_t_interval_closed_form():
    x = np.array([2.0, 4.0, 4.0, 6.0])  # mean 4, sd sqrt(8/3), sem sqrt(2/3); t(0.975, 3) = 3.182446305
    mean, lo, hi = t_interval(x)
    half = 3.182446305284263 * np.sqrt(2 / 3)
    assert (mean, lo, hi) == pytest.approx((4.0, 4.0 - half, 4.0 + half), abs=1e-9)


def test_bootstrap_p_value_matches_exhaustive_resampling():
    # n = 4: all 4^4 = 256 equally likely resamples can be listed; with many draws the p-value converges to theirs.
    x = np.array([-0.5, 0.2, 0.7, 1.0])
    means = np.array([np.mean(x[list(idx)]) for idx in itertools.product(range(4), repeat=4)])
    exact = 2 * min(np.mean(means <= 0), np.mean(means >= 0))
    assert bootstrap_p_value(x, n_boot=200_000, seed=1) == pytest.approx(exact, abs=0.005)


def test_percentile_intervals_under_cover_at_eight_and_bca_does_better():
    # Skewed differences (exponential minus 1, mean 0) at n = 8, the chapter's smallest sample.
    def sampler(rng):
        return rng.exponential(1.0, size=8) - 1.0

    resample_rng = np.random.default_rng(3)

    def percentile(x, n_boot=2000):
        m = x[resample_rng.integers(0, x.size, size=(n_boot, x.size))].mean(axis=1)
        return x.mean(), *np.quantile(m, [0.025, 0.975])

    cov_percentile = coverage(percentile, sampler, truth=0.0, n_sims=400, seed=2)
    cov_bca = coverage(lambda x: bca_interval(x, n_boot=2000), sampler, truth=0.0, n_sims=400, seed=2)
    cov_t = coverage(t_interval, sampler, truth=0.0, n_sims=400, seed=2)
    assert cov_percentile < 0.92  # the known under-coverage (binomial sd at 400 draws: about 0.012)
    assert cov_bca > cov_percentile and cov_t > cov_percentile


def test_constant_sample_gives_a_point_interval():
    assert bca_interval([0.3, 0.3, 0.3]) == pytest.approx((0.3, 0.3, 0.3))


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: holm([0.2, 1.5]), ValueError, r"p_values must lie in \[0, 1\]; got 1.5 at index 1"),
        (lambda: holm([0.2, float("nan")]), ValueError, "p_values"),
        (lambda: t_interval([1.0]), ValueError, "x must have at least 2 values; got 1"),
        (lambda: t_interval([1.0, 2.0], level=1.0), ValueError, r"level must be in \(0, 1\); got 1.0"),
        (lambda: t_interval([1.0, 2.0], level=True), TypeError, "level"),
        (lambda: bca_interval([1.0, 2.0], n_boot=10), ValueError, "n_boot"),
        (lambda: bootstrap_p_value([]), ValueError, "x must not be empty"),
        (lambda: coverage("t", lambda r: r, truth=0.0), TypeError, "callables"),
    ],
)
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_interval_coverage_near_the_nominal_level_for_a_symmetric_population():
    from persuasion.llm.statistics import interval_coverage

    cover = interval_coverage(np.linspace(-1, 1, 60), n_sims=300, n_boot=1000, seed=1)
    # 300 simulations: a binomial standard error of 1.3 points around 95%
    assert all(0.88 <= v <= 0.995 for v in cover.values()), cover
    skewed = interval_coverage(np.exp(np.random.default_rng(0).normal(size=8) * 1.5), n_sims=300, n_boot=1000)
    assert skewed["percentile"] < 0.93  # at n = 8 and skewed, the percentile interval under-covers


def test_the_sign_flip_p_value_is_the_share_of_all_sign_vectors_by_brute_force():
    import itertools

    from persuasion.llm.statistics import sign_flip_p_value

    x = np.array([0.9, -0.2, 1.4, 0.3, 0.0, 2.1, -0.7, 0.5])
    reach = [abs(np.dot(s, x)) >= abs(x.sum()) - 1e-12 for s in itertools.product([-1, 1], repeat=x.size)]
    exact = sum(reach) / len(reach)
    assert sign_flip_p_value(x, n_flips=256) == pytest.approx(exact)  # 2**8 <= 256: every vector once
    assert sign_flip_p_value(x, n_flips=200, seed=3) == pytest.approx(exact, abs=0.1)  # 200 random ones
    assert sign_flip_p_value(x, n_flips=100_000, seed=3) == pytest.approx(exact)  # exact again


def test_the_sign_flip_test_keeps_its_level_on_sparse_accuracy_differences():
    """Differences of accuracy, mostly 0 and a few ±1, with no effect: the test rejects at most 5% of the time."""
    from persuasion.llm.statistics import sign_flip_p_value

    rng = np.random.default_rng(4)
    samples = [rng.choice([-1.0, 0.0, 1.0], p=[0.1, 0.8, 0.1], size=16) for _ in range(300)]
    rejected = np.mean([sign_flip_p_value(x, n_flips=2000, seed=k) <= 0.05 for k, x in enumerate(samples)])
    assert rejected <= 0.05
    # a real effect is found: 12 of 16 inputs gain one answer, none loses one
    assert sign_flip_p_value(np.r_[np.ones(12), np.zeros(4)]) < 0.001
