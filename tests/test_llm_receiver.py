"""Batched scoring and generation (persuasion.llm.receiver) against one-at-a-time references.

Scoring is checked against one forward pass per (prompt, answer); generation
against transformers' own ``model.generate`` one prompt at a time; the token
ids both paths feed the model against the tokenizer's own tokenisation (with
its special tokens), for every packaged Receiver.
"""

import os

import numpy as np
import pytest
import torch

from persuasion.llm import batching
from persuasion.llm import receiver as receiver_module
from persuasion.llm.batching import prompt_ids
from persuasion.llm.models import load_receiver
from persuasion.llm.receiver import answer_logprobs, answer_logprobs_naive, generate
from persuasion.protocol import Structure

pytestmark = pytest.mark.llm

USER_CACHE = os.environ.get("PERSUASION_CACHE")


def _load(name):
    with pytest.MonkeyPatch.context() as mp:
        if USER_CACHE is None:
            mp.delenv("PERSUASION_CACHE", raising=False)
        else:
            mp.setenv("PERSUASION_CACHE", USER_CACHE)
        return load_receiver(name, device="cpu")


@pytest.fixture(scope="module")
def smollm():
    return _load("smollm2-135m-instruct")


@pytest.fixture(scope="module")
def gemma():
    """Gemma-3-270M from the user's cache (the first load dequantises the GGUF file, about a minute)."""
    return _load("gemma-3-270m")


def _inputs():
    """Three inputs' prompts (shared prefixes, one all-hints prompt each), shuffled, plus two loners."""
    prompts, answers = [], []
    for name, a, b in [("Sam", 12, 5), ("Ada", 30, 9), ("Li", 7, 2)]:
        head = (f"Solve the problem and give the number.\nQ: {name} has {a} apples and eats {b}. "
                "How many are left?\n")
        items = [f"Hint: subtract {b}.", f"Hint: First: {a} - {b} = ?", "Hint: one step.", ""]
        items.append("".join(f"Hint: this is hint number {k} of many, each a little longer.\n" for k in range(7)))
        prompts += [head + item + "\nA:" for item in items]
        answers += [f" {a - b}"] * (len(items) - 1) + [f" {a - b} apples"]
    prompts += ["Unrelated prompt. A:", "Q: 2 + 2? A:"]
    answers += [" 70,312.5 dollars", " 4"]
    order = np.random.default_rng(0).permutation(len(prompts))
    return [prompts[k] for k in order], [answers[k] for k in order]


@pytest.mark.parametrize("which", ["smollm", "gemma"])
def test_batched_scoring_of_many_inputs_equals_naive(which, request):
    r = request.getfixturevalue(which)
    prompts, answers = _inputs()
    naive = answer_logprobs_naive(r, prompts, answers)
    for batch_size in (1, 4, None):
        fast = answer_logprobs(r, prompts, answers, batch_size=batch_size)
        np.testing.assert_allclose(fast, naive, rtol=1e-4, atol=1e-4)  # float32 summation order


@pytest.mark.parametrize("which", ["smollm", "gemma"])
def test_batched_generation_equals_transformers_generate_one_at_a_time(which, request):
    r = request.getfixturevalue(which)
    prompts = ["The capital of France is", "Count: one, two, three,", "Q: What is 2 + 2?\nA:",
               "Write a short poem about the sea.\n"]
    prompts += _inputs()[0][:6]  # prompts that share prefixes
    n = 16 if which == "smollm" else 6
    reference = receiver_module._generate_reference(r, prompts, max_new_tokens=n, stop=("\n\n",), batch_size=1)
    for batch_size in (None, 4):
        assert generate(r, prompts, max_new_tokens=n, stop=("\n\n",), batch_size=batch_size) == reference
    no_stop = generate(r, prompts[:2], max_new_tokens=5, batch_size=2)
    assert no_stop == receiver_module._generate_reference(r, prompts[:2], max_new_tokens=5, batch_size=1)


def test_generation_stops_each_row_at_its_first_stop_string(smollm):
    prompts = ["Count: one, two, three,", "List three fruits, one per line:\n"]
    texts = generate(smollm, prompts, max_new_tokens=24, stop=(",", "\n"), batch_size=2)
    assert all("," not in t and "\n" not in t for t in texts)
    assert texts == [generate(smollm, [p], max_new_tokens=24, stop=(",", "\n"))[0] for p in prompts]


class _Inputs:
    """Records the token ids the model's input embedding is called with (one tensor per call)."""

    def __init__(self, model):
        self.calls = []
        self.handle = model.get_input_embeddings().register_forward_hook(
            lambda module, args, output: self.calls.append(args[0].detach().cpu()))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.remove()


@pytest.mark.parametrize("which", ["smollm", "gemma"])
def test_scoring_and_generation_see_the_same_prompt_tokens(which, request):
    """One prompt, one tokenisation: the ids scoring and generation feed the model are the tokenizer's own."""
    r = request.getfixturevalue(which)
    tok = r.tokenizer
    prompt = "Q: Sam has 12 apples and eats 5. How many are left?\nA:"
    if r.chat:
        prompt = tok.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False,
                                         add_generation_prompt=True) + "The answer is"
    expected = tok(prompt, add_special_tokens=True).input_ids  # the tokenizer's own special tokens
    if which == "gemma":
        assert expected[0] == tok.bos_token_id
    answer = tok(" 7", add_special_tokens=False).input_ids
    batching._logits_head(r.model, r.device)  # its one-off check runs outside the recording
    with _Inputs(r.model) as naive:
        answer_logprobs_naive(r, [prompt], [" 7"])
    with _Inputs(r.model) as fast:
        answer_logprobs(r, [prompt], [" 7"])
    with _Inputs(r.model) as gen:
        generate(r, [prompt], max_new_tokens=1)
    with _Inputs(r.model) as ref:
        receiver_module._generate_reference(r, [prompt], max_new_tokens=1, batch_size=1)
    assert naive.calls[0][0].tolist() == expected + answer
    assert torch.cat(fast.calls, dim=1)[0].tolist() == expected + answer  # the shared prefix, then the tail
    assert torch.cat(gen.calls, dim=1)[0].tolist() == expected  # one token: prefill only (prefix, then the rest)
    assert ref.calls[0][0].tolist() == expected
    assert prompt_ids(tok, prompt) == expected


def test_prompt_ids_add_the_prefix_once(gemma):
    tok = gemma.tokenizer
    ids = prompt_ids(tok, "Hello")
    assert ids[0] == tok.bos_token_id and ids[1] != tok.bos_token_id
    assert prompt_ids(tok, tok.bos_token + "Hello") == ids


def test_progress_bar_shows_tokens_per_second(smollm, capsys):
    answer_logprobs(smollm, ["Q: 2 + 2? A:"], [" 4"], progress=True)
    generate(smollm, ["Q: 2 + 2? A:"], max_new_tokens=2, progress=True)
    err = capsys.readouterr().err
    assert err.count("tokens/s") >= 2 and "scoring with" in err and "generating with" in err
    answer_logprobs(smollm, ["Q: 2 + 2? A:"], [" 4"])
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True, "8"])
def test_bad_batch_size_is_named(smollm, batch_size):
    with pytest.raises(ValueError, match="batch_size must be None or an integer of at least 1"):
        answer_logprobs(smollm, ["a"], [" 1"], batch_size=batch_size)
    with pytest.raises(ValueError, match="batch_size must be None or an integer of at least 1"):
        generate(smollm, ["a"], batch_size=batch_size)
    with pytest.raises(ValueError, match="max_new_tokens must be an integer of at least 1"):
        generate(smollm, ["a"], max_new_tokens=0)


def test_gemma_generation_beyond_its_sliding_window_equals_transformers_generate(gemma):
    """Prompts longer than Gemma-3's 512-token window are not split into prefix and rest (see generate)."""
    long = "".join(f"Q: What is {a} + {a + 3}?\nA: {2 * a + 3}\n" for a in range(45))
    prompts = [long + "Q: What is 100 + 103?\nA:", long + "Q: What is 7 + 10?\nA:", "Q: 2 + 2?\nA:"]
    assert len(prompt_ids(gemma.tokenizer, prompts[0])) > gemma.model.config.sliding_window
    reference = receiver_module._generate_reference(gemma, prompts, max_new_tokens=3, batch_size=1)
    assert generate(gemma, prompts, max_new_tokens=3) == reference


def test_prompts_are_grouped_by_input():
    """Every prompt in exactly one unit; an input's prompts share their long prefix, inputs are apart."""
    from persuasion.llm.batching import _units, common_prefix_length

    system = list(range(100, 140))  # 40 tokens every prompt starts with
    seqs, inputs = [], []
    for i in range(5):
        question = [1000 + 50 * i + j for j in range(30)]
        for item in range(4):
            seqs.append(system + question + [7000 + 10 * item + j for j in range(3 + item)])
            inputs.append(i)
    seqs.append(system + [9999])  # a loner
    inputs.append(None)
    units = _units(seqs, [2] * len(seqs))
    rows = sorted(k for unit, _ in units for k in unit)
    assert rows == list(range(len(seqs)))
    for unit, shared in units:
        assert 0 <= shared <= min(len(seqs[k]) for k in unit) - 1
        assert shared <= common_prefix_length([seqs[k] for k in unit])
        assert len({inputs[k] for k in unit}) == 1  # never two inputs in one group
        if inputs[unit[0]] is not None:
            assert shared == 70 and len(unit) == 4


@pytest.mark.parametrize("which", ["smollm", "gemma"])
def test_the_generation_prompt_is_the_scoring_prompt_before_the_answer_cue(which, request):
    """One prompt, one tokenisation: the Receiver reasons from the very tokens that scoring puts before the cue."""
    from persuasion.llm.prompts import ANSWER_CUE, generation_prompt, task_prompt
    from persuasion.llm.tasks import Problem

    r = request.getfixturevalue(which)
    problem = Problem("p", "Sam has 12 apples and eats 5. How many are left?", "7", ("12 - 5 = 7",))
    shots = [("Ann has 3 apples and buys 2. How many?", "5", "3 + 2 = 5.")]
    items = [f"A solved problem: {k} + {k} = {2 * k}." for k in range(7)]
    for structure, item in [(Structure.NO, None), (Structure.PRIOR, 3), (Structure.ALL, None)]:
        scoring = task_prompt(r, problem, items, structure, item=item, shots=shots)
        gen = generation_prompt(scoring)
        ids_scoring, ids_gen = prompt_ids(r.tokenizer, scoring), prompt_ids(r.tokenizer, gen)
        cue = r.tokenizer(("" if r.chat else " ") + ANSWER_CUE, add_special_tokens=False).input_ids
        assert ids_scoring == ids_gen + cue  # the same tokens (Gemma's <bos> included), then the cue's
        assert ids_gen[0] == ids_scoring[0] and (which != "gemma" or ids_gen[0] == r.tokenizer.bos_token_id)
        assert (gen.endswith("A:") if not r.chat else gen.endswith("\n"))


def test_a_regular_expression_stop_keeps_its_match_and_nothing_after():
    """Stopping early changes no token before the stop: the text is the full greedy text cut after the match."""
    import re

    from persuasion.llm.receiver import _generate_reference
    from persuasion.llm.toy import toy_receiver

    r = toy_receiver()
    prompts = ["Q: 1+1?\nA:", "Q: 2+2?\nA:", "The answer is"]
    full = generate(r, prompts, max_new_tokens=30)
    pattern = re.compile(r"cy.")  # occurs in two of the three continuations
    expected = [t[: m.end()] if (m := re.search("cy.", t)) else t for t in full]
    assert sum(e != t for e, t in zip(expected, full)) == 2  # the stop cuts two texts short
    assert generate(r, prompts, max_new_tokens=30, stop=[pattern]) == expected
    assert _generate_reference(r, prompts, max_new_tokens=30, stop=[pattern], batch_size=3) == expected
    # a string stop cuts before itself
    assert generate(r, prompts, max_new_tokens=30, stop=["cy"]) == [t.split("cy")[0] for t in full]


@pytest.mark.parametrize("window", [2, 48])
def test_a_stop_longer_than_the_decoding_window_cuts_the_text_all_the_same(window, monkeypatch):
    """Rows look for stops in their last STOP_WINDOW tokens; a longer stop is found in the whole text at the end."""
    from persuasion.llm.toy import toy_receiver

    r = toy_receiver()  # one token per character: a stop of 5 characters spans 5 tokens
    prompts = ["Q: 1+1?\nA:", "Q: 2+2?\nA:"]
    full = generate(r, prompts, max_new_tokens=30)
    stop = full[0][6:11]
    assert len(stop) == 5 and stop in full[0]
    monkeypatch.setattr(receiver_module, "STOP_WINDOW", window)
    assert generate(r, prompts, max_new_tokens=30, stop=[stop]) == [t.split(stop)[0] for t in full]
