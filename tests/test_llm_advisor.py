import numpy as np
import pytest

from persuasion.llm.advisor import train_advisor
from persuasion.llm.encoder import embed


def synthetic_task(n, rng, d=16, k=7):
    """Items whose utility is high when they align with the question: learnable from embeddings."""
    q = rng.normal(size=(n, d)).astype(np.float32)
    c = rng.normal(size=(n, k, d)).astype(np.float32)
    v = np.einsum("nd,nkd->nk", q, c) + 0.1 * rng.normal(size=(n, k))
    return q, c, v


def test_training_generalises_to_held_out_inputs_and_is_deterministic():
    rng = np.random.default_rng(0)
    train, val = synthetic_task(300, rng), synthetic_task(100, rng)
    res = train_advisor(train, val, steps=300, seed=1)
    again = train_advisor(train, val, steps=300, seed=1)
    np.testing.assert_array_equal(res.val_loss, again.val_loss)
    assert res.train_loss[-1] < res.train_loss[0] - 0.5
    assert res.val_loss[-1] < res.val_loss[0] - 0.5  # held-out Eq. (3) improves too
    pi = res.head.policy(val[0], val[1])
    chosen = pi.argmax(axis=1)
    best = val[2].argmax(axis=1)
    assert (chosen == best).mean() > 1 / 7 + 0.3  # far better than a random item
    np.testing.assert_allclose(pi.sum(axis=1), 1.0, atol=1e-12)
    # Expected utilities of ~100 nats never exceed the best item (the policy is float64).
    v = val[2] * 30 - 100
    assert pi.dtype == np.float64 and np.all((pi * v).sum(axis=1) <= v.max(axis=1) + 1e-12 * np.abs(v).max())


def test_keep_best_returns_the_head_of_the_lowest_validation_loss():
    rng = np.random.default_rng(2)
    train, val = synthetic_task(20, rng), synthetic_task(20, rng)
    res = train_advisor(train, val, steps=200, seed=0, keep_best=True)
    assert res.best_step == int(np.argmin(res.val_loss))
    pi = res.head.policy(val[0], val[1])
    centred = val[2] - val[2].mean(axis=1, keepdims=True)
    assert -(pi * centred).sum(axis=1).mean() == pytest.approx(res.val_loss[res.best_step], abs=1e-5)


@pytest.mark.llm  # loads the sentence encoder
def test_real_encoder_embeddings():
    e = embed(["Sam has 12 apples.", "Subtract the eaten ones.", "Sam has 12 apples."])
    assert e.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(e[0], e[2], atol=1e-6)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: train_advisor((np.zeros((2, 4)), np.zeros((2, 7, 4)), np.zeros((2, 6))),
                               (np.zeros((1, 4)), np.zeros((1, 7, 4)), np.zeros((1, 7)))),
         "train: shapes do not agree"),
        (lambda: train_advisor((np.zeros((2, 4)), np.zeros((2, 7, 4)), np.zeros((2, 7))),
                               (np.zeros((1, 4)), np.zeros((1, 7, 4)), np.zeros((1, 7))), steps=0),
         "steps must be at least 1"),
        (lambda: embed([]), "texts must not be empty"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
