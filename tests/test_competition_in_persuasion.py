import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from persuasion.blackwell import mps_dominates
from persuasion.blackwell_connectedness import blackwell_connected, counterexample_payoffs
from persuasion.competition_in_persuasion import (
    InformationEnvironment,
    all_partitions,
    collusive_outcomes,
    equilibrium_outcomes,
    no_profitable_refinement,
    outcome_values,
    pure_equilibria,
    random_environment,
)

JUDGE = np.array([[1.0, 0.0], [0.0, 1.0]])  # rows: acquit, convict; columns: innocent, guilty
PROSECUTOR = np.array([[0.0, 0.0], [1.0, 1.0]])


def courtroom(n_senders=2):
    parts = all_partitions(4)
    return InformationEnvironment([0.7, 0.3], [parts] * n_senders, noise=[3 / 7, 4 / 7])


def test_bell_numbers():
    assert [len(all_partitions(n)) for n in range(1, 8)] == [1, 2, 5, 15, 52, 203, 877]
    parts = all_partitions(5)
    assert len({tuple(p) for p in parts}) == 52


def test_join_of_signals_by_hand():
    # Two states, no noise, prior (0.25, 0.75): revealing the state gives posteriors 0 and 1.
    env = InformationEnvironment([0.25, 0.75], [[[0, 0], [0, 1]], [[0, 0]]])
    none, full = env.outcome([0, 0]), env.outcome([1, 0])
    np.testing.assert_allclose(none.posteriors, [[0.25, 0.75]])
    np.testing.assert_allclose(full.weights, [0.75, 0.25])  # sorted: (0, 1) before (1, 0)
    np.testing.assert_allclose(full.posteriors, [[0, 1], [1, 0]])


def test_common_refinement_of_two_partitions():
    # Three equally likely states; sender 0 separates state 0, sender 1 separates state 2.
    env = InformationEnvironment(np.ones(3) / 3, [[[0, 1, 1]], [[0, 0, 1]]])
    joint = env.outcome([0, 0])
    np.testing.assert_allclose(np.sort(joint.posteriors.max(axis=1)), [1, 1, 1])  # full revelation


def test_lone_prosecutor_reaches_kamenica_gentzkow_value():
    env = courtroom(1)
    ana = env.analyse()
    V = outcome_values(ana, JUDGE, [PROSECUTOR])
    assert V.max() == pytest.approx(0.6)


def test_prosecutor_vs_defence_unique_equilibrium_is_full_revelation():
    ana = courtroom(2).analyse()
    V = outcome_values(ana, JUDGE, [PROSECUTOR, -PROSECUTOR, JUDGE])
    eq = equilibrium_outcomes(ana, V[:, :2])
    assert len(eq) == 1
    o = ana.outcomes[eq[0]]
    assert np.isin(np.round(o.posteriors, 9), [0.0, 1.0]).all()
    assert V[eq[0], 0] == pytest.approx(0.3) and V[eq[0], 2] == pytest.approx(1.0)


def test_equilibria_by_brute_force():
    env = random_environment(2, 2, 2, 5, np.random.default_rng(3))
    ana = env.analyse()
    V = np.random.default_rng(4).normal(size=(ana.n_outcomes, 2))
    found = {tuple(p) for p in pure_equilibria(ana, V)}
    brute = set()
    for p in np.ndindex(env.menu_sizes):
        ok = True
        for i in range(2):
            for d in range(env.menu_sizes[i]):
                q = list(p)
                q[i] = d
                ok &= V[ana.profile_outcome[tuple(q)], i] <= V[ana.profile_outcome[p], i] + 1e-9
        if ok:
            brute.add(p)
    assert found == brute


def test_order_matches_direct_lp():
    ana = courtroom(2).analyse()
    for a in range(ana.n_feasible):
        for b in range(len(ana.outcomes)):
            assert ana.dominates[a, b] == mps_dominates(ana.outcomes[a], ana.outcomes[b])


def test_partitions_of_states_are_connected_and_noise_breaks_it():
    for n in (2, 3, 4):
        env = InformationEnvironment(np.ones(n) / n, [all_partitions(n)] * 2)
        assert blackwell_connected(env.analyse()).connected
    result = blackwell_connected(courtroom(2).analyse())
    assert not result.connected
    i, others, target = result.witness
    ana = courtroom(2).analyse()
    # The witness is real: the target is at least as informative as Bel(others) and unreachable.
    assert ana.dominates[target, ana.others_outcome[i][others]]
    reachable = np.moveaxis(ana.profile_outcome, i, -1)[others]
    assert target not in reachable


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000))
def test_theorem_2_on_connected_environments(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 5))
    env = InformationEnvironment(rng.dirichlet(np.ones(n)), [all_partitions(n)] * 2)
    ana = env.analyse()
    V = rng.normal(size=(ana.n_outcomes, 2))
    eq = equilibrium_outcomes(ana, V)
    assert len(eq)  # full revelation by both is always an equilibrium
    for c in collusive_outcomes(ana, V):
        assert not any(ana.strictly_more_informative(c, e) for e in eq)
    # Shared connected menus: equilibrium outcomes = no sender gains from more information.
    assert set(eq) == set(no_profitable_refinement(ana, V))


def test_characterisation_needs_two_senders():
    # One sender over three states: an outcome with no profitable refinement need not be optimal.
    env = InformationEnvironment(np.ones(3) / 3, [all_partitions(3)])
    ana = env.analyse()
    V = np.zeros((ana.n_outcomes, 1))
    V[:, 0] = np.arange(ana.n_outcomes)[::-1] % 3  # an arbitrary non-monotone preference
    assert set(equilibrium_outcomes(ana, V)) != set(no_profitable_refinement(ana, V))
    with pytest.raises(ValueError, match="at least two senders; got 1"):
        blackwell_connected(ana)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: InformationEnvironment([0.5, 0.5], [[[0, 1, 2]]]), r"one column per cell .* got shape \(1, 3\)"),
        (lambda: InformationEnvironment([0.5, 0.5], []), "at least one sender"),
        (lambda: InformationEnvironment([0.5, 0.5], [[[0, 0.5]]]), "integer labels"),
        (lambda: InformationEnvironment([0.5, 0.6], [[[0, 1]]]), "prior must sum to 1"),
        (lambda: InformationEnvironment([0.5, 0.5], [[[0, 1]]], noise=[0.5, 0.4]), "noise must sum to 1"),
        (lambda: courtroom(1).outcome([15]), r"sender 0 must be in \[0, 15\); got 15"),
        (lambda: all_partitions(0), "positive integer"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_bad_payoffs_and_utilities_are_named():
    ana = courtroom(2).analyse()
    with pytest.raises(
        ValueError, match=r"payoffs must have shape \(n_outcomes, n_senders\) = \(11, 2\); got \(11, 3\)"
    ):
        pure_equilibria(ana, np.zeros((11, 3)))
    with pytest.raises(ValueError, match="utilities must have shape"):
        outcome_values(ana, JUDGE, np.zeros((2, 3, 2)))
    with pytest.raises(ValueError, match="tie_break"):
        outcome_values(ana, JUDGE, [PROSECUTOR], tie_break=1)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000))
def test_theorem_2_converse_on_random_environments(seed):
    """Not connected => some preferences make collusion strictly more informative than an equilibrium."""
    rng = np.random.default_rng(seed)
    env = random_environment(int(rng.integers(2, 4)), int(rng.integers(1, 3)), 2, int(rng.integers(2, 6)), rng)
    ana = env.analyse()
    result = blackwell_connected(ana)
    if result.connected:
        V = rng.normal(size=(ana.n_outcomes, 2))
        for c in collusive_outcomes(ana, V):
            assert not any(ana.strictly_more_informative(c, e) for e in equilibrium_outcomes(ana, V))
    else:
        V = counterexample_payoffs(ana, result)
        (c,) = collusive_outcomes(ana, V)
        assert any(ana.strictly_more_informative(c, e) for e in equilibrium_outcomes(ana, V))


def test_counterexample_needs_a_failure():
    ana = InformationEnvironment([0.5, 0.5], [all_partitions(2)] * 2).analyse()
    with pytest.raises(ValueError, match="connected=False"):
        counterexample_payoffs(ana, blackwell_connected(ana))


def test_constant_payoffs_break_the_pointwise_reading_of_theorem_2():
    """Connected environment, indifferent Senders: full revelation is collusive, no information an equilibrium."""
    from persuasion.competition_in_persuasion import (
        InformationEnvironment,
        all_partitions,
        collusive_outcomes,
        equilibrium_outcomes,
    )

    ana = InformationEnvironment(np.full(3, 1 / 3), [all_partitions(3)] * 2).analyse()
    assert blackwell_connected(ana).connected
    V = np.zeros((ana.n_outcomes, 2))
    full, silent = ana.profile_outcome[4, 4], ana.profile_outcome[0, 0]
    assert full in collusive_outcomes(ana, V) and silent in equilibrium_outcomes(ana, V)
    assert ana.strictly_more_informative(full, silent)
    # Every Sender is indifferent between the two, as the theorem with indifference says.
    assert np.array_equal(V[full], V[silent])
    # A strict preference for full revelation by one Sender removes the pair: silence is no equilibrium.
    V[full, 0] = 1.0
    assert silent not in equilibrium_outcomes(ana, V)
