"""The tiny in-memory Receiver and encoder of persuasion.llm.toy: scoring, generation and embeddings on them."""

import string

import numpy as np
import pytest
import torch

from persuasion.llm.encoder import embed
from persuasion.llm.receiver import _generate_reference, answer_logprobs, answer_logprobs_naive, generate
from persuasion.llm.toy import toy_encoder, toy_receiver

PROMPTS = ["Q: 1+1?\nA:", "Q: 1+1? Think.\nA:", "Q: 2+3?\nA:", "Tell me a story.", "Q: 1+1?\nA: It is"]
ANSWERS = [" 2", " 2", " 5", " Once upon a time", " 2."]


@pytest.fixture(scope="module")
def receiver():
    return toy_receiver()


def test_scores_equal_the_naive_path(receiver):
    fast = answer_logprobs(receiver, PROMPTS, ANSWERS, batch_size=3)
    naive = answer_logprobs_naive(receiver, PROMPTS, ANSWERS)
    assert fast.shape == (len(PROMPTS),)
    assert np.all(fast < 0)
    np.testing.assert_allclose(fast, naive, rtol=0, atol=1e-5)


def test_same_seed_same_model_other_seed_another():
    a, b, c = toy_receiver(seed=3), toy_receiver(seed=3), toy_receiver(seed=4)
    assert a.fingerprint == b.fingerprint != c.fingerprint
    sa, sb, sc = (answer_logprobs(r, PROMPTS, ANSWERS) for r in (a, b, c))
    np.testing.assert_array_equal(sa, sb)
    assert not np.allclose(sa, sc)
    ea, eb, ec = (embed(PROMPTS, toy_encoder(seed=s)) for s in (3, 3, 4))
    np.testing.assert_array_equal(ea, eb)
    assert not np.allclose(ea, ec)


def test_building_leaves_the_global_random_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    toy_receiver(seed=5)
    toy_encoder(seed=5)
    assert torch.equal(torch.rand(3), expected)


def test_generation_is_deterministic(receiver):
    first = generate(receiver, PROMPTS, max_new_tokens=8)
    again = generate(receiver, PROMPTS, max_new_tokens=8, batch_size=2)
    assert first == again
    assert first == generate(toy_receiver(), PROMPTS, max_new_tokens=8)
    assert first == _generate_reference(receiver, PROMPTS, max_new_tokens=8, batch_size=1)
    assert all(len(text) <= 8 for text in first)


def test_embeddings_are_unit_rows():
    emb = embed(["hello", "world!", "Ünïcode"], toy_encoder())
    assert emb.shape == (3, 32) and emb.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-6)


def test_every_ascii_character_has_its_own_token(receiver):
    text = string.printable.replace("\r", "").replace("\x0b", "").replace("\x0c", "")
    ids = receiver.tokenizer(text, add_special_tokens=False).input_ids
    assert len(ids) == len(text) and receiver.tokenizer.unk_token_id not in ids
    assert receiver.tokenizer.decode(ids) == text
