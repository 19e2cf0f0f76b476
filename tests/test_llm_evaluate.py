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


@pytest.mark.parametrize("accuracy_seeds", [1, 3])
def test_accuracy_is_scored_after_each_accuracy_seeds_draw(monkeypatch, accuracy_seeds):
    """A Receiver that answers right exactly when it is shown item 3: each seed's accuracy is whether that seed's
    (one-hot) Advisor shows item 3, read off by hand; the reported accuracy is their mean."""
    import persuasion.llm.generation as generation
    from persuasion.llm.advisor import Advisors
    from persuasion.llm.config import ExperimentConfig
    from persuasion.llm.evaluate import evaluate_structures
    from persuasion.llm.items import Items
    from persuasion.llm.tasks import Inputs, synthetic_problems
    from persuasion.llm.toy import toy_receiver
    from persuasion.llm.utilities import score_utilities

    problems = synthetic_problems(6, rng=1, max_steps=2)
    rows = {"train": [], "val": [], "test": list(range(6)), "easy_train": [], "easy_val": []}
    inputs = Inputs("synthetic", "synthetic", problems, rows, threshold=2, data_hash="")
    items = Items({p.id: [f"Fact {k} of {p.id}." for k in range(1, 8)] for p in problems}, {p.id: [] for p in problems})
    answer = {p.id: p.answer for p in problems}

    def generate(receiver, prompts, **kwargs):  # right exactly when the prompt shows Fact 3 (item position 2)
        return [f"So it is {answer[next(i for i in answer if i in q)]}." if "Fact 3 of" in q else "So it is -1."
                for q in prompts]

    monkeypatch.setattr(generation, "generate", generate)
    receiver = toy_receiver()
    utilities = score_utilities(inputs, items, [receiver], cache=False, progress=False)
    chosen = np.array([[2, 2, 0, 5, 2, 1], [2, 0, 0, 2, 2, 2], [6, 2, 0, 2, 1, 2]])  # seed k shows item chosen[k, i]
    seeds = np.eye(7)[chosen]  # (3 seeds, 6 inputs, 7 items), one-hot
    advisors = Advisors({}, {"toy": seeds[0], "toy (easy)": seeds[0]},
                        {"toy": seeds, "toy (easy)": seeds})
    config = ExperimentConfig("synthetic", 1, 1, 6, 8, advisor_seeds=3, accuracy_seeds=accuracy_seeds)
    ev = evaluate_structures(config, inputs, utilities, advisors, [receiver], cache=False, progress=False)
    by_hand = [[1.0 if c == 2 else 0.0 for c in row] for row in chosen[:accuracy_seeds]]
    for s in (Structure.POSTERIOR, Structure.POSTERIOR_EASY):
        assert ev.seed_correct["toy"][s].tolist() == by_hand
        assert ev.correct["toy"][s] == pytest.approx(np.mean(by_hand, axis=0))
        assert ev.seed_utility["toy"][s].shape == (3, 6)  # utility: every seed, whatever accuracy_seeds is
    assert ev.correct["toy"][Structure.NO].tolist() == [0.0] * 6  # no item: never Fact 3
    assert ev.correct["toy"][Structure.ALL].tolist() == [1.0] * 6  # every item, Fact 3 among them
