"""The chapter-7 report: baselines beside the Advisor, accuracy panels, captioned tables."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from persuasion.llm.config import ExperimentConfig
from persuasion.llm.report import baselines_markdown, baselines_table
from persuasion.llm.results import TaskResult
from persuasion.llm.utilities import UtilityTable
from persuasion.protocol import Structure


def result_with_tables(n_train=6, n_val=4, n_test=12, seed=5, correct=0.0):
    """A TaskResult whose test utilities come from a utility table; the test inputs are listed in shuffled order.

    Position 5 is the best item on the validation inputs, position 2 on the training inputs."""
    rng = np.random.default_rng(seed)
    n = n_train + n_val + n_test
    ids = tuple(f"x{k}" for k in range(n))
    items = -3 + rng.normal(size=(n, 7))
    items[:n_train, 1] += 3.0
    items[n_train:n_train + n_val, 4] += 3.0
    table = UtilityTable(ids, items, items.mean(1) - 1, items.mean(1), None, None, None)
    test_ids = list(ids[n_train + n_val:])[::-1]  # an order other than the table's
    rows = [ids.index(i) for i in test_ids]
    pi = rng.dirichlet(np.ones(7), size=len(rows))
    utility = {"R": {Structure.PRIOR: items[rows].mean(1), Structure.POSTERIOR: (pi * items[rows]).sum(1),
                     Structure.NO: table.none[rows]}}
    right = {"R": {s: np.full(len(rows), correct) for s in utility["R"]}}
    return TaskResult(config=ExperimentConfig("gsm8k", n_train, n_val, n_test, 8, n_boot=400), source="gsm8k",
                      receivers=["R"], ids={"train": list(ids[:n_train]), "val": list(ids[n_train:n_train + n_val]),
                                            "test": test_ids},
                      difficulty=np.ones(len(rows)), threshold=1, curves={}, policies={}, utility=utility,
                      correct=right, tokens={"R": {s: np.full(len(rows), 50.0) for s in utility["R"]}},
                      oracle={"R": items[rows].max(1)}, tables={"R": table})


def test_best_fixed_item_by_hand():
    res = result_with_tables()
    (row,) = res.baselines()
    t = res.tables["R"]
    # by hand, with a loop over the inputs rather than index arrays
    means = {part: [np.mean([t.items[t.ids.index(i), c] for i in res.ids[part]]) for c in range(7)]
             for part in ("train", "val")}
    best = max(range(7), key=lambda c: means["val"][c])
    assert row["position"] == best == 4 and row["train_position"] == 1  # chosen on validation, not training
    fixed = [t.items[t.ids.index(i), best] for i in res.ids["test"]]
    assert row["fixed"]["mean"] == pytest.approx(sum(fixed) / len(fixed))
    for c in range(7):  # every fixed item, read on the test inputs
        assert row["each"][c]["mean"] == pytest.approx(np.mean([t.items[t.ids.index(i), c] for i in res.ids["test"]]))
    assert row["each"][best] == row["fixed"]
    assert row["oracle"]["mean"] >= max(e["mean"] for e in row["each"]) and row["oracle"]["mean"] >= row["advisor"][
        "mean"]
    diff = res.utility["R"][Structure.POSTERIOR] - np.array(fixed)  # paired in the order of the test inputs
    d = row["advisor_minus_fixed"]
    assert d["mean"] == pytest.approx(diff.mean()) and d["lo"] <= d["mean"] <= d["hi"]
    # the sign-flip p-value by brute force: every one of the 2**12 sign vectors, with a Python loop
    reached = sum(abs(sum(s * x for s, x in zip(signs, diff))) >= abs(sum(diff)) - 1e-9
                  for signs in itertools.product((1, -1), repeat=len(diff)))
    assert d["p"] == pytest.approx(reached / 2 ** len(diff)) and d["seeds"] is None
    for key in ("prior", "advisor", "fixed", "oracle"):
        assert row[key]["lo"] <= row[key]["mean"] <= row[key]["hi"]
    res.ids["val"] = []
    with pytest.raises(ValueError, match="validation inputs"):
        res.baselines()


def test_baselines_in_words_follow_the_verdict_rule():
    ci = lambda m, p=1.0, w=0.5: dict(mean=m, lo=m - w, hi=m + w, p=p)  # noqa: E731
    row = dict(task="t", receiver="R", position=0, n=20, prior=ci(-6), advisor=ci(-5), fixed=ci(-4), oracle=ci(-3),
               each=[ci(-4)] * 7)
    # Holm over four p-values 0.001, 0.002, 0.5, 0.001: adjusted 0.004, 0.004, 0.5, 0.004 (by hand)
    rows = [dict(row, advisor_minus_fixed=ci(1.0, 0.001)), dict(row, advisor_minus_fixed=ci(-1.0, 0.002)),
            dict(row, advisor_minus_fixed=ci(0.1, 0.5)), dict(row, n=5, advisor_minus_fixed=ci(1.0, 0.001))]
    text = baselines_markdown(rows).splitlines()
    assert "the trained Advisor **beats** the best fixed item" in text[0] and "Holm-adjusted p = 0.004" in text[0]
    assert "the best fixed item **beats** the trained Advisor" in text[1] and "Holm-adjusted p = 0.004" in text[1]
    assert "**inconclusive** (adjusted p-value above 0.05)" in text[2]
    assert "**inconclusive** (fewer than 10 test inputs)" in text[3]
    assert text[-1].endswith("beats the best fixed item on 1, is beaten by it on 1, and the comparison is "
                             "inconclusive on 2.")
    assert "The 4 comparisons form one family" in text[-1]
    # the family matters: p = 0.03 alone beats the fixed item; twice, Holm makes it 0.06, inconclusive
    alone = baselines_markdown([dict(row, advisor_minus_fixed=ci(1.0, 0.03))])
    pair = baselines_markdown([dict(row, advisor_minus_fixed=ci(1.0, 0.03))] * 2)
    assert "**beats**" in alone and "**beats**" not in pair and pair.count("Holm-adjusted p = 0.060") == 2
    seeded = baselines_markdown([dict(row, advisor_minus_fixed=dict(ci(1.0, 0.001), seeds=[0.5, 1.5, 0.75]))])
    assert "over 3 Advisor seeds: from +0.50 to +1.50" in seeded
    table = baselines_table([dict(rows[0], kind="last step"), dict(rows[1], receiver="S")], caption="Baselines.")
    assert table.headers == ["policy", "t, R", "t, S"] and len(table.rows) == 1 + 7 + 4
    assert "item 1 (“last step”): -4.00" in table and "+1.00 [+0.50, +1.50]" in table
    assert "<caption>Baselines.</caption>" in table._repr_html_()


def test_answered_tells_whether_accuracy_says_anything():
    assert not result_with_tables(correct=0.0).answered()
    assert result_with_tables(correct=1.0).answered()


def test_accuracy_contrasts_below_the_floor_are_uninformative_and_outside_the_family():
    import dataclasses

    from persuasion.llm.claims import MIN_ACCURACY, findings_markdown, verdicts
    from persuasion.llm.toy import toy_result

    result = toy_result()
    measured = verdicts([result])
    # every Receiver under every structure below the floor: one correct answer in 12 is 8%
    low = {r: {s: (np.arange(v.size) == 0).astype(float) for s, v in by.items()} for r, by in result.correct.items()}
    assert max(v.mean() for by in low.values() for v in by.values()) < MIN_ACCURACY
    rows = verdicts([dataclasses.replace(result, correct=low)])
    accuracy = [r for r in rows if r["accuracy"] is not None]
    assert accuracy and all(r["accuracy_verdict"] == "uninformative" for r in accuracy)
    assert all(r["accuracy"]["p_holm"] is None for r in accuracy)  # reported, not adjusted
    utility = [r for r in rows if r["utility"] is not None]
    assert {r["utility"]["family"] for r in utility} == {len(utility)}  # the family shrank to the utility verdicts
    assert {r["utility"]["family"] for r in measured if r["utility"]} == {len(utility) + len(accuracy)}
    # a smaller family adjusts less: no utility p-value grows
    before = {r["key"]: r["utility"]["p_holm"] for r in measured if r["utility"]}
    assert all(r["utility"]["p_holm"] <= before[r["key"]] for r in utility)
    assert f"{len(accuracy)} uninformative" in findings_markdown([result], rows)


def test_a_contrast_that_rounds_to_zero_is_not_printed_as_minus_zero():
    from persuasion.llm.report import contrasts_markdown
    from persuasion.llm.toy import toy_result
    from persuasion.protocol import Structure

    result = toy_result()
    u = result.utility["R"]
    u[Structure.POSTERIOR] = u[Structure.PRIOR] - 0.001  # a mean difference of -0.001 nats
    line = next(row for row in str(contrasts_markdown([result], "utility")).splitlines() if "Posterior − Prior" in row)
    assert [cell.strip() for cell in line.split("|")][4] == "+0.00"  # the mean column as signed() writes it: not -0.00


def test_contrasts_give_the_spread_over_advisor_seeds():
    from persuasion.llm.report import contrasts_markdown

    res = result_with_tables()
    rng = np.random.default_rng(3)
    per_seed = res.utility["R"][Structure.POSTERIOR] + rng.normal(size=(4, 12)) + np.arange(4.0)[:, None]
    res.seed_utility = {"R": {Structure.POSTERIOR: per_seed}}
    rows = {(c["a"], c["b"]): c for c in res.contrasts("utility")}
    by_hand = [np.mean(per_seed[k] - res.utility["R"][Structure.PRIOR]) for k in range(4)]
    assert rows[Structure.POSTERIOR, Structure.PRIOR]["seeds"] == pytest.approx(by_hand)
    assert rows[Structure.PRIOR, Structure.NO]["seeds"] is None  # no Advisor on either side
    assert all(c["seeds"] is None for c in res.contrasts("accuracy"))
    table = contrasts_markdown([res], "utility")
    row = next(r for r in table.rows if r[2] == "Posterior − Prior")
    assert row[-1] == f"from {min(by_hand):+.2f} to {max(by_hand):+.2f} (4)"
    (base,) = res.baselines()  # Advisor − best fixed item under each seed, by hand from the table's column
    t = res.tables["R"]
    fixed = np.array([t.items[t.ids.index(i), base["position"]] for i in res.ids["test"]])
    assert base["advisor_minus_fixed"]["seeds"] == pytest.approx([np.mean(per_seed[k] - fixed) for k in range(4)])


def test_accuracy_contrasts_of_a_task_below_the_floor_say_they_are_uninformative():
    from persuasion.llm.report import contrasts_markdown

    low, high = result_with_tables(correct=0.1), result_with_tables(correct=0.5)  # 10% or 50% under every structure
    table = contrasts_markdown([low], "accuracy")
    assert all(r[5].endswith("; uninformative") for r in table.rows) and "reaches 15% accuracy" in table.caption
    assert not any("uninformative" in r[5] for r in contrasts_markdown([high], "accuracy").rows)
    assert not any("uninformative" in r[5] for r in contrasts_markdown([low], "utility").rows)


def test_a_holm_p_value_below_a_thousandth_is_not_printed_as_zero():
    import copy

    from persuasion.llm.claims import verdict_table, verdicts
    from persuasion.llm.toy import toy_result

    rows = copy.deepcopy(verdicts([toy_result()]))
    rows[0]["utility"]["p_holm"], rows[0]["accuracy"]["p_holm"] = 1e-5, 0.0006
    utility, accuracy = verdict_table(rows).rows[0][4], verdict_table(rows).rows[0][3]
    assert "p (Holm) < 0.001" in utility and "0.000" not in utility
    assert "p (Holm) = 0.001" in accuracy


def test_coverage_words_apply_the_two_standard_error_rule():
    from persuasion.llm.report import coverage_markdown

    # 2 sqrt(0.95 * 0.05 / 200) = 0.0308: the floor is 91.92%, so 92% is within noise and 91% under-covers
    assert "here none does" in coverage_markdown({"percentile": 0.92, "t": 0.99}, n=10, n_sims=200)
    text = coverage_markdown({"percentile": 0.91, "bca": 0.90, "t": 0.95}, n=10, n_sims=200)
    assert "the percentile and BCa intervals do." in text and "less than 91.9%" in text
    # with 2,000 samples the margin shrinks to 0.97 points (floor 94.03%): 94.5% is then enough, 93.5% is not
    assert "here none does" in coverage_markdown({"t": 0.945}, n=10, n_sims=2000)
    assert "the t interval does" in coverage_markdown({"t": 0.935}, n=10, n_sims=2000)
    three = coverage_markdown({"percentile": 0.5, "bca": 0.5, "t": 0.5}, n=2, n_sims=200)
    assert "here the percentile, BCa and t intervals do." in three
