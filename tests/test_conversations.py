"""T-round conversation rules: counts against brute force, and the rounds that let one agent reveal the state."""

import itertools

import numpy as np
import pytest

from persuasion.competition_among_ais import CompetitionGame, pure_equilibria
from persuasion.conversations import count_conversation_rules, partition_rules, rounds_to_reveal


def _brute_force(n, T, s=2):
    seen = set()
    for labels in itertools.product(range(s**T), repeat=n):
        relabel = {}
        seen.add(tuple(relabel.setdefault(x, len(relabel)) for x in labels))
    return seen


@pytest.mark.parametrize("n, T, s", [(1, 1, 2), (3, 1, 2), (4, 1, 2), (4, 2, 2), (5, 2, 2), (4, 1, 3), (6, 1, 2)])
def test_rules_are_the_partitions_with_at_most_s_to_the_T_cells(n, T, s):
    rules = partition_rules(n, T, s)
    labels = {tuple(P.argmax(axis=1)) for P in rules}
    assert labels == _brute_force(n, T, s) and len(labels) == len(rules)
    assert count_conversation_rules(n, T, s) == ((s**T) ** n, len(rules))
    for P in rules:  # deterministic experiments, every column used
        assert set(np.unique(P)) <= {0.0, 1.0} and (P.sum(axis=1) == 1).all() and (P.sum(axis=0) > 0).all()


def test_bell_numbers_when_every_partition_is_available():
    bell = [1, 1, 2, 5, 15, 52, 203, 877]
    for n in range(1, 8):
        assert count_conversation_rules(n, rounds_to_reveal(n))[1] == bell[n]


def test_rounds_to_reveal():
    assert [rounds_to_reveal(n) for n in (1, 2, 3, 4, 5, 8, 9)] == [1, 1, 2, 2, 3, 3, 4]
    assert rounds_to_reveal(9, alphabet=3) == 2


def test_one_round_pools_states_two_rounds_reach_the_first_best():
    prior, uA = np.array([0.3, 0.3, 0.3, 0.1]), np.eye(4)
    worst = {}
    for T in (1, 2):
        menu = partition_rules(4, T)
        table = CompetitionGame(prior, uA, [uA, uA], [menu, menu]).table()
        worst[T] = table.alice[tuple(pure_equilibria(table).T)].min()
    assert worst[1] == pytest.approx(0.9) and worst[2] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: partition_rules(0, 1), ValueError, "n_states must be >= 1; got 0"),
        (lambda: partition_rules(3, 1.5), ValueError, "n_rounds must be an integer; got 1.5"),
        (lambda: partition_rules(3, True), TypeError, "n_rounds must be a real number; got bool"),
        (lambda: partition_rules("3", 1), TypeError, "n_states must be a real number; got str"),
        (lambda: partition_rules(3, 1, alphabet=1), ValueError, "alphabet must be >= 2; got 1"),
        (lambda: partition_rules(30, 5), ValueError, "entries, more than the limit"),
        (lambda: count_conversation_rules(4, float("nan")), ValueError, "n_rounds must be a finite number"),
        (lambda: rounds_to_reveal(-2), ValueError, "n_states must be >= 1; got -2"),
    ],
)
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
