"""Blocks of inputs: each block's prompts go through a Receiver in one batched call and are one cache entry.

The numbers must not depend on the block size beyond float32 rounding (checked against the one-prompt-at-a-time
scorer and generator), every position must fall in exactly one block in any number of processes, and a block's
entry must be keyed by every input in it.
"""

from __future__ import annotations

import numpy as np
import pytest

from persuasion.llm.batching import blocks
from persuasion.llm.cache import NoStore, Store
from persuasion.llm.config import ExperimentConfig
from persuasion.llm.generation import generate_blocks
from persuasion.llm.prompts import reference_answer
from persuasion.llm.receiver import answer_logprobs_naive, generate
from persuasion.llm.tasks import synthetic_problems
from persuasion.llm.toy import toy_receiver
from persuasion.llm.utilities import _score, utility_table


def _problems(n=5):
    problems = synthetic_problems(n, rng=0, max_steps=2)
    items = {p.id: [f"Fact {k}: {k} + {k} = {2 * k}." for k in range(1, 8)] for p in problems}
    return problems, items


@pytest.mark.parametrize("n", range(12))
def test_blocks_cover_every_position_once_in_any_number_of_processes(n):
    for size in (1, 2, 3, 8):
        whole = blocks(n, size)
        assert [k for b in whole for k in b] == list(range(n))
        assert all(len(b) == size for b in whole[:-1]) and all(len(b) >= 1 for b in whole)
        for world in (1, 2, 3):
            shards = [blocks(n, size, shard=(rank, world)) for rank in range(world)]
            assert sorted(b.start for s in shards for b in s) == [b.start for b in whole]


@pytest.mark.parametrize("size", [0, -1, 2.0, True, None])
def test_a_bad_block_size_is_named(size):
    with pytest.raises(ValueError, match="size must be a positive integer"):
        blocks(5, size)
    with pytest.raises(ValueError, match="block_inputs must be a positive integer"):
        ExperimentConfig("synthetic", 3, 1, 2, 8, block_inputs=size)


def test_the_table_is_the_one_prompt_at_a_time_scores_for_any_block_size(tmp_path):
    receiver = toy_receiver()
    problems, items = _problems()
    _, prompts = _score(receiver, problems, items, (), NoStore(), False, 5)
    flat = [q for qs in prompts for q in qs]
    answers = [reference_answer(p) for p in problems for _ in prompts[0]]
    naive = answer_logprobs_naive(receiver, flat, answers).reshape(len(problems), -1)  # one prompt per forward pass
    for size, entries in ((1, 5), (2, 3), (5, 1), (8, 1)):
        store = Store(tmp_path / str(size))
        table = utility_table(receiver, problems, items, cache=store, progress=False, block_inputs=size)
        assert store.count("scores") == entries and store.misses["scores"] == entries
        got = np.column_stack([table.items, table.none, table.all])
        np.testing.assert_allclose(got, naive, atol=1e-4, rtol=1e-5)  # float32 summation order
        again = Store(tmp_path / str(size))
        same = utility_table(receiver, problems, items, cache=again, progress=False, block_inputs=size)
        assert again.hits["scores"] == entries and not again.misses
        assert np.array_equal(same.items, table.items) and np.array_equal(same.all, table.all)


def _generations(store, receiver, prompts, max_new_tokens, stop):
    """A block's generations as the evaluation stage makes them: ``{prompt: text}`` per input."""
    return generate_blocks(receiver, store, prompts, block_inputs=len(prompts), max_new_tokens=max_new_tokens,
                           stop=stop)


def test_a_blocks_generations_are_each_prompts_own_and_keyed_by_every_input(tmp_path):
    receiver = toy_receiver()
    block = [["Q: 1+1?\nA:", "Q: 2+2?\nA:", "Q: 1+1?\nA:"], ["Q: 3+3?\nA:"], ["Q: 2+2?\nA:", "Q: 4+4?\nA:"]]
    store = Store(tmp_path)
    done = _generations(store, receiver, block, 10, ("!",))
    assert [list(d) for d in done] == [["Q: 1+1?\nA:", "Q: 2+2?\nA:"], ["Q: 3+3?\nA:"], ["Q: 2+2?\nA:", "Q: 4+4?\nA:"]]
    for d in done:
        for prompt, text in d.items():
            assert text == generate(receiver, [prompt], max_new_tokens=10, stop=("!",), batch_size=1)[0]
    assert store.misses["generations"] == 1
    _generations(store, receiver, block, 10, ("!",))
    assert store.hits["generations"] == 1 and store.misses["generations"] == 1
    _generations(store, receiver, [*block[:2], ["Q: 5+5?\nA:"]], 10, ("!",))  # one input of the block changed
    assert store.misses["generations"] == 2
