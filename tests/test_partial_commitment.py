"""Partial commitment in the uniform-quadratic example: endpoints, equilibrium, brute force, bad input."""

import numpy as np
import pytest

from persuasion.cheaptalk import cheap_talk_utilities, max_partition_size
from persuasion.partial_commitment import best_partial_commitment, partial_commitment_profile


@pytest.mark.parametrize("b", [0.03, 0.05, 0.1, 0.2, 0.3])
def test_no_commitment_is_the_most_informative_crawford_sobel_equilibrium(b):
    n = max_partition_size(b)
    eq = best_partial_commitment(b, 0.0, n + 1)  # one message more than cheap talk can use
    assert eq.actions.size == n
    np.testing.assert_allclose((eq.receiver, eq.sender), cheap_talk_utilities(b, n), atol=1e-9)


@pytest.mark.parametrize("b, n", [(0.05, 2), (0.05, 4), (0.2, 3)])
def test_full_commitment_is_n_equal_intervals(b, n):
    eq = best_partial_commitment(b, 1.0, n)
    np.testing.assert_allclose(eq.official, np.linspace(0, 1, n + 1), atol=1e-6)
    assert eq.receiver == pytest.approx(-1 / (12 * n * n), abs=1e-10)
    assert eq.sender == pytest.approx(-1 / (12 * n * n) - b * b, abs=1e-10)


def _grid_check(eq, n_grid=200_000):
    """Brute force on a grid of types: unconstrained types pick the nearest action to theta + b,
    the Receiver's action is the grid posterior mean, payoffs are grid averages."""
    theta = (np.arange(n_grid) + 0.5) / n_grid
    official = np.searchsorted(eq.official[1:-1], theta, side="right")
    free = np.argmin(np.abs(eq.actions[None, :] - (theta + eq.b)[:, None]), axis=1)
    means, rec, snd = [], 0.0, 0.0
    for m, weight in ((official, eq.rho), (free, 1 - eq.rho)):
        y = eq.actions[m]
        rec -= weight * np.mean((y - theta) ** 2)
        snd -= weight * np.mean((y - theta - eq.b) ** 2)
    for i in range(eq.actions.size):
        w = eq.rho * (official == i) + (1 - eq.rho) * (free == i)
        means.append(np.sum(w * theta) / np.sum(w))
    return np.array(means), rec, snd


@pytest.mark.parametrize("rho", [0.0, 0.1, 0.4, 0.8, 1.0])
def test_equilibrium_against_a_grid_of_types(rho):
    eq = best_partial_commitment(0.05, rho, 4)
    means, rec, snd = _grid_check(eq)
    np.testing.assert_allclose(means, eq.actions, atol=1e-5)
    assert rec == pytest.approx(eq.receiver, abs=1e-6) and snd == pytest.approx(eq.sender, abs=1e-6)


def _brute_force_two_messages(b, rho, n_a=201, n_t=801):
    """Best Sender payoff over two-message equilibria: a grid of official boundaries a1, and for each the
    fixed points t = clip((y1(t) + y2(t))/2 - b) of the unconstrained threshold found by sign changes."""
    best = -np.inf
    t = np.linspace(0, 1, n_t)
    for a1 in np.linspace(0, 1, n_a):
        m1, m2 = rho * a1 + (1 - rho) * t, rho * (1 - a1) + (1 - rho) * (1 - t)
        with np.errstate(invalid="ignore", divide="ignore"):
            y1 = (rho * a1**2 + (1 - rho) * t**2) / 2 / m1
            y2 = (rho * (1 - a1**2) + (1 - rho) * (1 - t**2)) / 2 / m2
        g = t - np.clip((y1 + y2) / 2 - b, 0, 1)
        for k in np.flatnonzero(np.isfinite(g[:-1]) & np.isfinite(g[1:]) & (g[:-1] * g[1:] <= 0)):
            lam = g[k] / (g[k] - g[k + 1]) if g[k] != g[k + 1] else 0.0
            tt = t[k] + lam * (t[k + 1] - t[k])
            mm1, mm2 = rho * a1 + (1 - rho) * tt, rho * (1 - a1) + (1 - rho) * (1 - tt)
            if min(mm1, mm2) <= 0:
                continue
            u1 = (rho * a1**2 + (1 - rho) * tt**2) / 2 / mm1
            u2 = (rho * (1 - a1**2) + (1 - rho) * (1 - tt**2)) / 2 / mm2
            if u2 - u1 < 1e-6:
                continue
            # the Sender's payoff: the closed-form integrals of -(y - theta - b)^2 over the four cells
            snd = (
                -(
                    rho * (((a1 + b - u1) ** 3 - (b - u1) ** 3) + ((1 + b - u2) ** 3 - (a1 + b - u2) ** 3))
                    + (1 - rho) * (((tt + b - u1) ** 3 - (b - u1) ** 3) + ((1 + b - u2) ** 3 - (tt + b - u2) ** 3))
                )
                / 3
            )
            best = max(best, snd)
    return best


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.7, 1.0])
def test_two_messages_against_brute_force(rho):
    b = 0.1
    brute = _brute_force_two_messages(b, rho)
    found = best_partial_commitment(b, rho, 2).sender
    assert found >= brute - 1e-6  # the optimiser is not beaten by the grid
    assert found == pytest.approx(brute, abs=1e-4)  # and the grid comes close to it


def test_value_between_cheap_talk_and_commitment():
    b, n = 0.05, 3
    ct = cheap_talk_utilities(b, max_partition_size(b))[1]
    values = [best_partial_commitment(b, rho, n).sender for rho in (0.0, 0.25, 0.5, 0.75, 1.0)]
    assert all(ct - 1e-9 <= v <= -1 / (12 * n * n) - b * b + 1e-9 for v in values)


def test_profile_of_a_cheap_talk_equilibrium():
    eq = partial_commitment_profile(0.1, 0.0, [0, 0.3, 1], [0.15, 0.65])
    assert eq.residual == pytest.approx(0, abs=1e-15)
    np.testing.assert_allclose((eq.receiver, eq.sender), cheap_talk_utilities(0.1, 2), atol=1e-15)
    off = partial_commitment_profile(0.1, 0.0, [0, 0.3, 1], [0.15, 0.7])
    assert off.residual > 1e-3


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: best_partial_commitment(0.0, 0.5, 2), ValueError, r"b \(the Sender's bias\) must be > 0"),
        (lambda: best_partial_commitment(True, 0.5, 2), TypeError, "b .* must be a real number; got bool"),
        (lambda: best_partial_commitment("0.1", 0.5, 2), TypeError, "got str"),
        (lambda: best_partial_commitment(0.1, 1.5, 2), ValueError, r"rho .* must be <= 1.0; got 1.5"),
        (lambda: best_partial_commitment(0.1, float("nan"), 2), ValueError, "rho .* finite"),
        (lambda: best_partial_commitment(0.1, 0.5, 2.5), ValueError, "n_messages must be an integer; got 2.5"),
        (lambda: best_partial_commitment(0.1, 0.5, 0), ValueError, "n_messages must be >= 1; got 0"),
        (lambda: best_partial_commitment(0.1, 0.5, 10**6), ValueError, "n_messages must be <= 40"),
        (lambda: best_partial_commitment(0.1, 0.5, 2, warm="x"), TypeError, "warm must be None or a Partial"),
        (lambda: best_partial_commitment(0.1, 0.5, 2, tol=0), ValueError, "tol must be > 0"),
        (lambda: partial_commitment_profile(0.1, 0.5, [0, 1], [0.2, 0.5]), ValueError, "one entry more"),
        (lambda: partial_commitment_profile(0.1, 0.5, [0, 0.5, 1], [0.2, float("nan")]), ValueError, "finite"),
        (lambda: partial_commitment_profile(0.1, 0.5, [0, 0.5, 1], [True, False]), TypeError, "actions"),
        (lambda: partial_commitment_profile(0.1, 0.5, [0, 0.6, 0.4, 1], [0.1, 0.2, 0.5]), ValueError, "increase"),
        (lambda: partial_commitment_profile(0.1, 0.5, [0, 0.5, 1], [0.6, 0.2]), ValueError, "actions must"),
    ],
)
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
