"""The items stage: retrieved solved problems, never the input's own solution, and the splits behind them."""

import json

import numpy as np
import pytest

from persuasion.llm import encoder
from persuasion.llm.code import CodeProblem
from persuasion.llm.config import config_for
from persuasion.llm.items import (
    N_ITEMS,
    Items,
    answer_share,
    build_items,
    nearest_items,
    solved_item,
)
from persuasion.llm.tasks import RETRIEVAL_POOL, draw_inputs, retrieval_pool, task_splits


def test_nearest_items_agree_with_a_sort_by_hand():
    rng = np.random.default_rng(0)
    for _ in range(50):
        pool = rng.integers(-3, 4, size=(30, 5)).astype(float)  # small integers: exact sums, many ties
        query = rng.integers(-3, 4, size=5).astype(float)
        exclude = set(rng.choice(30, size=3, replace=False).tolist())
        by_hand = sorted((i for i in range(30) if i not in exclude),
                         key=lambda i: (-sum(a * b for a, b in zip(pool[i], query)), i))
        assert nearest_items(query, pool, exclude, k=7) == by_hand[:7]


def test_nearest_items_refuse_a_small_pool_and_bad_shapes():
    with pytest.raises(ValueError, match="at least k = 7 rows outside exclude; it holds 5"):
        nearest_items(np.ones(2), np.ones((6, 2)), exclude={0})
    with pytest.raises(ValueError, match=r"query must have shape \(d,\) and pool \(m, d\); got \(3,\) and \(6, 2\)"):
        nearest_items(np.ones(3), np.ones((6, 2)))


def _bag_of_words(texts, encoder=None):
    """A stand-in encoder: counts of a few words, normalised (so neighbours can be worked out by hand)."""
    words = ["apples", "books", "coins", "marbles", "stamps", "cookies", "pencils", "shells", "gets", "gives",
             "times", "shares"]
    out = np.array([[t.count(w) + 0.01 * (k + 1) for k, w in enumerate(words)] for t in texts], dtype=float)
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.parametrize("task", ["synthetic", "humaneval"])
def test_items_are_the_nearest_solved_problems_never_the_input_or_a_test_input(monkeypatch, task):
    monkeypatch.setattr(encoder, "embed", _bag_of_words)
    inputs = draw_inputs(config_for(task, "smoke"))
    pool = retrieval_pool(inputs)
    items = build_items(inputs, pool, encoder=None, cache=False, progress=False)
    by_id = {p.id: p for p in pool}
    test_ids = {inputs.problems[k].id for k in inputs.rows["test"]}
    text = (lambda p: p.prompt) if task == "humaneval" else (lambda p: p.question)
    pool_emb = _bag_of_words([text(p) for p in pool])
    for p in inputs.problems:
        sources = items.sources[p.id]
        assert len(sources) == N_ITEMS == len(set(sources))
        assert p.id not in sources and not test_ids & set(sources)
        assert items.by_input[p.id] == [solved_item(by_id[s]) for s in sources]
        # nearest first, worked out without nearest_items: every chosen one at least as near as any other
        sims = {q.id: float(pool_emb[i] @ _bag_of_words([text(p)])[0]) for i, q in enumerate(pool) if q.id != p.id}
        chosen = [sims[s] for s in sources]
        assert chosen == sorted(chosen, reverse=True)
        assert min(chosen) >= max(v for k, v in sims.items() if k not in sources) - 1e-6
    # the items stage measures its own answer share: every item of every input counted, one pair per input
    share = items.answer_share
    assert share["items"] == N_ITEMS * len(inputs.problems) == N_ITEMS * len(share["by_input"])
    assert share["stating"] == sum(s for s, _ in share["by_input"]) and share["control"] == sum(
        c for _, c in share["by_input"])


def test_the_pool_is_the_training_split_or_humaneval_without_its_test_inputs():
    inputs = draw_inputs(config_for("synthetic", "smoke"))
    pool = retrieval_pool(inputs)
    assert len(pool) == RETRIEVAL_POOL and all(p.id.startswith("synthetic-train-") for p in pool)
    # a smaller pool is the first problems of the same one (smoke scale's 100), and at least 8 are needed
    assert config_for("synthetic", "smoke").pool == 100 and config_for("gsm8k", "book").pool == RETRIEVAL_POOL
    assert retrieval_pool(inputs, 100) == pool[:100]
    with pytest.raises(ValueError, match="size must be an integer of at least 8"):
        retrieval_pool(inputs, 7)
    with pytest.raises(ValueError, match="pool must be at least 8"):
        config_for("synthetic", "smoke", pool=7)
    code = draw_inputs(config_for("humaneval", "smoke"))
    pool = retrieval_pool(code)
    test = {code.problems[k].id for k in code.rows["test"]}
    assert len(pool) == 164 - len(test) and not test & {p.id for p in pool}


def test_inputs_come_from_the_right_split_and_are_disjoint():
    for seed in range(3):
        inputs = draw_inputs(config_for("synthetic", "book", seed=seed))
        ids = [p.id for p in inputs.problems]
        assert len(set(ids)) == len(ids)
        for part in ("train", "val"):
            assert all(ids[k].startswith("synthetic-train-") for k in inputs.rows[part])
        assert all(ids[k].startswith("synthetic-test-") for k in inputs.rows["test"])
        shots = {q for q, *_ in inputs.shots}
        assert not shots & {p.question for p in inputs.problems}  # few-shot examples are never inputs
        # worked examples for chain of thought: the reasoning ends at the answer, never leaks the calculator notes
        assert all(len(s) == 3 and s[1] in s[2] and "<<" not in s[2] for s in inputs.shots)
    code = draw_inputs(config_for("humaneval", "book"))
    assert len({p.id for p in code.problems}) == code.rows["test"][-1] + 1


def test_gsm8k_inputs_train_on_its_training_split_and_test_on_its_test_split(tmp_path, monkeypatch):
    from .test_llm_cache import write_gsm8k

    folder = write_gsm8k(tmp_path / "gsm8k", n=12)
    lines = {name: [json.loads(line)["question"] for line in (folder / name).read_text().splitlines()]
             for name in ("train.jsonl", "test_socratic.jsonl")}
    monkeypatch.setenv("GSM8K_DIR", str(folder))
    inputs = draw_inputs(config_for("gsm8k", "smoke"))
    assert inputs.source == "gsm8k"
    for part, prefix, file in (("train", "gsm8k-train-", "train.jsonl"), ("val", "gsm8k-train-", "train.jsonl"),
                               ("test", "gsm8k-test-", "test_socratic.jsonl")):
        for k in inputs.rows[part]:
            p = inputs.problems[k]
            assert p.id.startswith(prefix)  # the id says the split, and the line it was read from
            assert lines[file][int(p.id.removeprefix(prefix))] == p.question


def test_solved_items_show_a_problem_with_its_answer_and_no_calculator_marks():
    splits = task_splits("synthetic")
    p = splits.train[0]
    item = solved_item(p)
    assert item == f"A solved problem: {p.question} The answer is {p.answer}."  # the question and answer only
    assert p.reasoning and p.reasoning not in item
    code = CodeProblem("x", "import math\ndef f(a):\n    '''Doc.'''\n", "    return a\n", "", "f")
    assert solved_item(code) == "A solved function like this one:\ndef f(a):\n    return a"


def test_answer_share_counts_leaks_and_the_control_does_not():
    inputs = draw_inputs(config_for("synthetic", "smoke"))
    leaky = Items({p.id: [solved_item(p)] * N_ITEMS for p in inputs.problems}, {})
    share = answer_share(inputs, leaky)
    n = N_ITEMS * len(inputs.problems)
    assert share["items"] == n and share["stating"] == n  # the input's own solution states its answer
    # the control counts, by hand, the inputs whose answer appears among the next input's numbers
    import re
    by_hand = 0
    for k, p in enumerate(inputs.problems):
        nxt = inputs.problems[(k + 1) % len(inputs.problems)]
        numbers = {float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", solved_item(nxt))}
        by_hand += N_ITEMS * (float(p.answer) in numbers)
    assert share["control"] == by_hand
