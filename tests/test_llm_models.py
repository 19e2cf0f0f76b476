"""The packaged language models load offline, and fast scoring equals naive scoring."""

import os

import numpy as np
import pytest
import torch

from persuasion.llm import batching
from persuasion.llm.batching import common_prefix_length
from persuasion.llm.models import RECEIVERS, load_encoder, load_receiver, pick_device, prefix_tokens
from persuasion.llm.receiver import answer_logprobs, answer_logprobs_naive
from persuasion.protocol import Structure

pytestmark = pytest.mark.llm

USER_CACHE = os.environ.get("PERSUASION_CACHE")  # before the smollm fixture points it at a temporary folder

PREFIX = (
    "Solve the problem and give the number.\n"
    "Q: Tom has 3 pens and buys 4 more. How many pens? A: 7\n"
    "Q: A box holds 6 eggs; 2 break. How many are left? A: 4\n"
    "Q: Sam has 12 apples and eats 5. How many are left?\nHint: "
)
ITEMS = ["subtract.", "First: 12 - 5 = ?", "The quantities given are 12, 5.", "One step.", "Finally: 12 - 5 = ?"]


@pytest.fixture(scope="module")
def smollm(tmp_path_factory):
    """SmolLM2 converted into a new cache (cold), then loaded from it (warm); the cache is this module's only."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PERSUASION_CACHE", str(tmp_path_factory.mktemp("cache")))
        cold = load_receiver("smollm2-135m-instruct", device="cpu")
        warm = load_receiver("smollm2-135m-instruct", device="cpu")  # from the safetensors cache
    return cold, warm


@pytest.fixture(scope="module")
def gemma():
    """Gemma-3-270M from the user's cache (the first load dequantises the GGUF file, about a minute)."""
    with pytest.MonkeyPatch.context() as mp:
        if USER_CACHE is None:
            mp.delenv("PERSUASION_CACHE", raising=False)
        else:
            mp.setenv("PERSUASION_CACHE", USER_CACHE)
        return load_receiver("gemma-3-270m", device="cpu")


def test_cached_weights_reproduce_the_gguf_model(smollm):
    cold, warm = smollm
    ids = cold.tokenizer("The capital of France is", return_tensors="pt").input_ids
    with torch.no_grad():
        a, b = cold.model(ids).logits, warm.model(ids).logits
    assert torch.equal(a, b)
    assert cold.chat and cold.licence == "Apache-2.0"
    assert cold.tokenizer.decode(a[0, -1].argmax()).strip() == "Paris"


# Longer than Gemma-3's 512-token sliding window: the prefix cache's sliding-window layers are cut.
LONG = "".join(f"Q: What is {a} + {a + 3}?\nA: {2 * a + 3}\n" for a in range(60)) + "Q: What is 100 + 103?\nA:"


@pytest.mark.parametrize("which", ["smollm", "gemma"])
def test_shared_prefix_scoring_equals_naive(which, request):
    r = request.getfixturevalue(which)
    r = r[1] if which == "smollm" else r
    prompts = [PREFIX + item + "\nA:" for item in ITEMS] + ["Unrelated prompt. A:", "Q: 2 + 2? A:", PREFIX + "A:"]
    # answers of different token lengths: only the answer positions are projected to logits
    answers = [" 7"] * (len(ITEMS) - 1) + [" 70,312.5 dollars", " 4", " 4", " 12345678"]
    if which == "gemma":
        prompts, answers = prompts + [LONG, LONG[:-3] + "Sum:"], answers + [" 203", " 203 in all"]
        assert len(r.tokenizer(LONG).input_ids) > r.model.config.sliding_window
    naive = answer_logprobs_naive(r, prompts, answers)
    for batch_size in (1, 3, 16):
        fast = answer_logprobs(r, prompts, answers, batch_size=batch_size)
        np.testing.assert_allclose(fast, naive, rtol=1e-4, atol=1e-4)  # float32 summation order
    assert (naive < 0).all()


def test_scoring_falls_back_when_the_head_cannot_be_reproduced(smollm, monkeypatch):
    """A model whose logits are not its output embedding of the last hidden state: integer logits_to_keep."""
    r = smollm[1]
    prompts = [PREFIX + item + "\nA:" for item in ITEMS[:3]] + ["Q: 2 + 2? A:"]
    answers = [" 7", " 7 pens", " 70,312.5 dollars", " 4"]
    expected = answer_logprobs_naive(r, prompts, answers)
    # Llama ignores final_logit_softcapping, so the reconstructed head (which applies it) no longer matches.
    monkeypatch.setattr(r.model.config, "final_logit_softcapping", 1.0, raising=False)
    batching._HEADS.pop(r.model, None)
    try:
        got = answer_logprobs(r, prompts, answers, batch_size=3)
        assert batching._HEADS[r.model] is None
    finally:
        batching._HEADS.pop(r.model, None)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-4)


def test_common_prefix_length():
    assert common_prefix_length([[1, 2, 3], [1, 2, 4], [1, 2]]) == 2
    assert common_prefix_length([[5], [6]]) == 0


def test_encoder_embeds_sentences():
    model, tok = load_encoder(device="cpu")
    batch = tok(["a hint about subtraction", "a distractor"], return_tensors="pt", padding=True)
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    assert hidden.shape[0] == 2 and hidden.shape[-1] == 384


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: load_receiver("no-such-model"), "neither a known Receiver"),
        (lambda: load_receiver("smollm2-135m-instruct", device="cpu", dtype="float8"), "dtype must be one of"),
        (lambda: load_encoder("/nonexistent/encoder"), "encoder folder /nonexistent/encoder: does not exist"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_cuda_request_without_cuda_is_a_clear_error():
    if torch.cuda.is_available():
        assert pick_device("cuda").type == "cuda"
    else:
        with pytest.raises(ValueError, match="CUDA is not available here"):
            pick_device("cuda")
    assert pick_device("cpu").type == "cpu"


def test_scoring_rejects_mismatched_inputs(smollm):
    with pytest.raises(ValueError, match="same length; got 2 and 1"):
        answer_logprobs(smollm[1], ["a", "b"], [" 1"])
    with pytest.raises(ValueError, match="non-empty"):
        answer_logprobs(smollm[1], ["a"], [""])


def test_gemma_loads_from_its_parts(tmp_path, monkeypatch):
    monkeypatch.setenv("PERSUASION_CACHE", str(tmp_path))
    r = load_receiver("gemma-3-270m", device="cpu")
    assert not r.chat and RECEIVERS["gemma-3-270m"]["licence"] == "Gemma terms of use"
    score = answer_logprobs(r, ["The capital of France is"], [" Paris"])
    assert np.isfinite(score).all() and score[0] > -5
    # Loaded again from the cache just written: the tokenizer's add_bos_token differs (True from GGUF,
    # False from the saved tokenizer) but both put <bos> first, and scoring must see the same tokens.
    warm = load_receiver("gemma-3-270m", device="cpu")
    bos = [r.tokenizer.bos_token_id]
    assert prefix_tokens(r.tokenizer) == prefix_tokens(warm.tokenizer) == bos
    again = answer_logprobs(warm, ["The capital of France is"], [" Paris"])
    np.testing.assert_allclose(again, score, rtol=0, atol=1e-5)


def test_prompts_for_the_four_structures(smollm):
    from persuasion.llm.prompts import STRUCTURES, build_prompt, count_tokens, generation_prompt

    tok = smollm[1].tokenizer
    items = [f"item {i}" for i in range(7)]
    q = "Sam has 12 apples and eats 5. How many are left?"
    texts = {s: build_prompt(tok, q, items, s, item=2) for s in STRUCTURES}
    assert texts[Structure.NO].count("Hint:") == 0
    assert texts[Structure.ALL].count("Hint:") == 7
    assert texts[Structure.PRIOR].count("Hint:") == 1 and "item 2" in texts[Structure.POSTERIOR]
    assert all(t.endswith("The answer is") for t in texts.values())
    assert count_tokens(tok, texts[Structure.ALL]) > count_tokens(tok, texts[Structure.NO])
    base = build_prompt(tok, q, items, Structure.NO, chat=False, shots=[("1 + 1?", "2", "One and one make two.")])
    assert base.endswith("A: The answer is") and "A: One and one make two. The answer is 2.\n\n" in base
    gen = generation_prompt(build_prompt(tok, q, items, Structure.NO, chat=False, shots=[("1 + 1?", "2", "")]))
    assert gen.endswith(f"Q: {q}\nA:") and "A: The answer is 2.\n\n" in gen  # a shot without reasoning
    with pytest.raises(ValueError, match=r"each shot must be \(question, answer, reasoning\)"):
        build_prompt(tok, q, items, Structure.NO, chat=False, shots=[("1 + 1?", "2")])
    with pytest.raises(ValueError, match="structure must be one of"):
        build_prompt(tok, q, items, "some information")
    with pytest.raises(ValueError, match=r"needs item = an index in \[0, 7\)"):
        build_prompt(tok, q, items, Structure.PRIOR)


def test_greedy_generation_is_deterministic_and_stops(smollm):
    from persuasion.llm.receiver import generate

    r = smollm[1]
    prompts = ["The capital of France is", "Count: one, two, three,"]
    a = generate(r, prompts, max_new_tokens=12, stop=("\n",))
    b = generate(r, prompts, max_new_tokens=12, stop=("\n",), batch_size=1)
    assert a == b and all("\n" not in x for x in a)
    assert "Paris" in a[0]


def test_humaneval_and_sandboxed_tests():
    from persuasion.llm.answers import extract_completion, is_correct
    from persuasion.llm.code import load_humaneval

    problems = load_humaneval()
    assert len(problems) == 164
    p = problems[0]
    assert is_correct(p, p.canonical_solution, cache=False)
    assert not is_correct(p, "    return not True\n", cache=False)
    assert extract_completion("    return 1\n\ndef other():\n    pass") == "    return 1\n"


def test_a_tokenizer_converted_differently_is_refused():
    """transformers 5.17 converts the GGUF tokenizers differently; such a tokenizer is named and refused."""
    from persuasion.llm.models import _check_tokenizer

    class Fake:
        eos_token = "<|im_start|>"

        def __call__(self, text, add_special_tokens=True):
            return type("Enc", (), {"input_ids": [1, 2, 3]})()

    message = r"smollm2-135m-instruct tokenizer .* does not tokenise as expected.*requirements\.lock"
    with pytest.raises(RuntimeError, match=message):
        _check_tokenizer("smollm2-135m-instruct", Fake())
