import numpy as np
import pytest

from persuasion.llm.evaluate import arpi, paired_bootstrap
from persuasion.protocol import Structure


def test_arpi_by_hand():
    # Two Receivers: gains 0.1 and 0.2 for 20 and 40 extra tokens -> (0.005 + 0.005) / 2.
    assert arpi([0.5, 0.6], [0.4, 0.4], [120, 140], [100, 100]) == pytest.approx(0.005)
    # The paper's reading: the same gain with fewer extra tokens is more efficient.
    assert arpi([0.5], [0.4], [110], [100]) > arpi([0.5], [0.4], [130], [100])


def test_paired_bootstrap_covers_a_known_mean_and_is_seeded():
    rng = np.random.default_rng(0)
    a = rng.normal(0.3, 1.0, size=400)
    b = rng.normal(0.0, 1.0, size=400)
    mean, lo, hi = paired_bootstrap(a, b, seed=1)
    assert lo < mean < hi and lo < 0.3 < hi
    assert paired_bootstrap(a, b, seed=1) == (mean, lo, hi)
    # No difference at all: a degenerate interval at 0.
    assert paired_bootstrap(a, a) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: arpi([0.5, 0.6], [0.4], [1, 2], [0, 0]), r"perf_b must have one entry per Receiver \(2\); got 1"),
        (lambda: arpi([0.5], [0.4], [100], [100]), "must differ for every Receiver"),
        (lambda: paired_bootstrap([1, 2], [1]), "paired"),
        (lambda: paired_bootstrap([1, 2], [1, 2], level=1.5), "level must be in"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_structure_utilities_from_a_table():
    from persuasion.llm.evaluate import structure_utilities
    from persuasion.llm.utilities import UtilityTable

    items = np.array([[-1.0, -3.0], [-2.0, -0.5]])
    table = UtilityTable(("a", "b"), items, np.array([-4.0, -4.0]), np.array([-1.5, -1.0]), None, None, None)
    u = structure_utilities(table, np.array([[1.0, 0.0], [0.0, 1.0]]))
    np.testing.assert_allclose(u[Structure.PRIOR], [-2.0, -1.25])
    np.testing.assert_allclose(u[Structure.POSTERIOR], [-1.0, -0.5])
    with pytest.raises(ValueError, match="probability distributions"):
        structure_utilities(table, np.array([[1.0, 1.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match=r"policy must have shape \(2, 2\)"):
        structure_utilities(table, np.ones((2, 3)) / 3)
