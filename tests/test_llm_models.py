"""The packaged language models load offline, and fast scoring equals naive scoring."""

import numpy as np
import pytest
import torch

from persuasion.llm.models import RECEIVERS, load_encoder, load_receiver, pick_device
from persuasion.llm.receiver import answer_logprobs, answer_logprobs_naive, common_prefix_length

PREFIX = (
    "Solve the problem and give the number.\n"
    "Q: Tom has 3 pens and buys 4 more. How many pens? A: 7\n"
    "Q: A box holds 6 eggs; 2 break. How many are left? A: 4\n"
    "Q: Sam has 12 apples and eats 5. How many are left?\nHint: "
)
ITEMS = ["subtract.", "First: 12 - 5 = ?", "The quantities given are 12, 5.", "One step.", "Finally: 12 - 5 = ?"]


@pytest.fixture(scope="module")
def smollm(tmp_path_factory):
    import os

    os.environ["PERSUASION_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    cold = load_receiver("smollm2-135m-instruct", device="cpu")
    warm = load_receiver("smollm2-135m-instruct", device="cpu")  # from the safetensors cache
    return cold, warm


def test_cached_weights_reproduce_the_gguf_model(smollm):
    cold, warm = smollm
    ids = cold.tokenizer("The capital of France is", return_tensors="pt").input_ids
    with torch.no_grad():
        a, b = cold.model(ids).logits, warm.model(ids).logits
    assert torch.equal(a, b)
    assert cold.chat and cold.licence == "Apache-2.0"
    assert cold.tokenizer.decode(a[0, -1].argmax()).strip() == "Paris"


def test_shared_prefix_scoring_equals_naive(smollm):
    r = smollm[1]
    prompts = [PREFIX + item + "\nA:" for item in ITEMS] + ["Unrelated prompt. A:", "Q: 2 + 2? A:"]
    answers = [" 7"] * len(ITEMS) + [" 4", " 4"]
    naive = answer_logprobs_naive(r, prompts, answers)
    for batch_size in (1, 3, 16):
        fast = answer_logprobs(r, prompts, answers, batch_size=batch_size)
        np.testing.assert_allclose(fast, naive, atol=1e-4)
    assert (naive < 0).all()


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
        (lambda: load_encoder("/nonexistent/encoder"), "encoder directory not found"),
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
