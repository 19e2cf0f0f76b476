r"""Score answers under a Receiver: :math:`\log P(\text{answer} \mid \text{prompt})`, fast.

Bai et al.'s Advisor utility is :math:`v(x, c) = \log P_{\text{Receiver}}(y^\star \mid
\text{prompt}(x, c))` for the reference answer :math:`y^\star`. For one input
the seven prompts share a long prefix (instructions, few-shot examples, the
question) and differ only in the item. :func:`answer_logprobs` runs the
shared prefix once, keeps its key/value cache, and scores all continuations
(item + answer) in one padded batch on top of it. :func:`answer_logprobs_naive`
scores each prompt + answer on its own, as the reference the fast path is
tested against.

Tokenisation: prompt and answer are tokenised separately and concatenated,
so the answer's tokens are the same in every prompt. The prompt is preceded
by the special tokens the tokenizer itself puts before a text (Gemma:
``<bos>``; SmolLM2: none), read from what the tokenizer does rather than from
its ``add_bos_token`` attribute, which differs between a tokenizer loaded from
GGUF and the same tokenizer saved and loaded again.

Only the answer positions are projected onto the vocabulary: the fast path
runs the decoder without its language-model head (``model.base_model``) and
applies the head (and Gemma's logit soft-capping, where configured) to
exactly those hidden states. This uses no version-specific ``logits_to_keep``
semantics (a 2-D ``logits_to_keep`` means per-row positions in transformers
5.23 but indexes the batch dimension as well in 5.17). That the head
reproduces the model's own logits is checked once per model on a few tokens;
a model whose forward does more than that falls back to an integer
``logits_to_keep``, whose meaning (the last *n* positions) is stable.
"""

from __future__ import annotations

import weakref

import numpy as np

__all__ = ["answer_logprobs", "answer_logprobs_naive", "common_prefix_length", "generate"]


def _encode(tokenizer, text: str) -> list[int]:
    return tokenizer(text, add_special_tokens=False).input_ids


def _check(prompts, answers):
    prompts, answers = list(prompts), list(answers)
    if len(prompts) != len(answers):
        raise ValueError(f"prompts and answers must have the same length; got {len(prompts)} and {len(answers)}")
    if not prompts:
        raise ValueError("prompts must not be empty")
    if any(not a for a in answers):
        raise ValueError("every answer must be a non-empty string")
    return prompts, answers


def _bos(tokenizer) -> list[int]:
    """The tokens put before every prompt: :func:`~persuasion.llm.models.prefix_tokens`."""
    from .models import prefix_tokens

    return prefix_tokens(tokenizer)


#: model -> its logits head (a function of final hidden states), or None where it cannot be reproduced.
_HEADS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _logits_head(model, device):
    """``hidden -> logits`` as the model's forward computes them from the decoder's last hidden state, or None.

    The head is the output embedding, then ``tanh(l / cap) * cap`` where the
    (text) config has a ``final_logit_softcapping`` (Gemma 2 and 3). That this
    reproduces ``model(ids).logits`` is checked once per model on three
    tokens; None means it does not (a model with other logit scaling).
    """
    import torch

    if model in _HEADS:
        return _HEADS[model]
    config = model.config.get_text_config() if hasattr(model.config, "get_text_config") else model.config
    cap = getattr(config, "final_logit_softcapping", None)
    output = model.get_output_embeddings()

    def head(hidden):
        logits = output(hidden)
        return torch.tanh(logits / cap) * cap if cap else logits

    ids = torch.tensor([[0, 1, 2]], device=device)
    with torch.no_grad():
        expected = model(ids).logits.float()
        try:
            got = head(model.base_model(ids).last_hidden_state).float()
        except (AttributeError, TypeError, RuntimeError):  # no separate decoder, or no such output
            got = None
    ok = got is not None and got.shape == expected.shape and torch.allclose(got, expected, rtol=1e-3, atol=1e-3)
    _HEADS[model] = head if ok else None
    return _HEADS[model]


def answer_logprobs_naive(receiver, prompts, answers) -> np.ndarray:
    """One forward pass per (prompt, answer): the reference implementation."""
    import torch

    prompts, answers = _check(prompts, answers)
    tok, model = receiver.tokenizer, receiver.model
    out, bos = np.empty(len(prompts)), _bos(tok)
    with torch.no_grad():
        for k, (p, a) in enumerate(zip(prompts, answers)):
            pids, aids = bos + _encode(tok, p), _encode(tok, a)
            ids = torch.tensor([pids + aids], device=receiver.device)
            logp = torch.log_softmax(model(ids).logits[0].float(), dim=-1)
            pos = torch.arange(len(pids) - 1, len(pids) + len(aids) - 1, device=receiver.device)
            out[k] = logp[pos, torch.tensor(aids, device=receiver.device)].sum().item()
    return out


def common_prefix_length(sequences) -> int:
    """Length of the longest common prefix of token lists.

    >>> common_prefix_length([[1, 2, 3], [1, 2, 4], [1, 2]])
    2
    """
    sequences = list(sequences)
    n = min(len(s) for s in sequences)
    for i in range(n):
        first = sequences[0][i]
        if any(s[i] != first for s in sequences[1:]):
            return i
    return n


def answer_logprobs(receiver, prompts, answers, *, batch_size: int = 16) -> np.ndarray:
    """Total log-probability of each answer's tokens right after its prompt.

    Prompts are scored in groups of ``batch_size``; in each group the longest
    common token prefix (at least one token is left to every continuation)
    is run once and its key/value cache is shared by the whole group.
    """
    import torch

    prompts, answers = _check(prompts, answers)
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1; got {batch_size}")
    tok, model, dev = receiver.tokenizer, receiver.model, receiver.device
    decoder, head, bos = model.base_model, _logits_head(model, dev), _bos(tok)
    out = np.empty(len(prompts))
    pad = tok.pad_token_id if tok.pad_token_id is not None else 0
    for start in range(0, len(prompts), batch_size):
        group = range(start, min(start + batch_size, len(prompts)))
        seqs = [bos + _encode(tok, prompts[k]) for k in group]
        ans = [_encode(tok, answers[k]) for k in group]
        shared = min(common_prefix_length(seqs), min(len(s) for s in seqs) - 1)
        full = [s + a for s, a in zip(seqs, ans)]
        with torch.no_grad():
            past = None
            if shared > 0:
                # The prefix needs no logits: the decoder alone fills the key/value cache.
                prefix = torch.tensor([seqs[0][:shared]], device=dev)
                past = decoder(prefix, use_cache=True).past_key_values
                if hasattr(past, "batch_repeat_interleave"):
                    past.batch_repeat_interleave(len(full))
                else:  # a cache without it: run the prefix once per row
                    past = decoder(prefix.expand(len(full), -1), use_cache=True).past_key_values
            tails = [f[shared:] for f in full]
            width = max(len(t) for t in tails)
            ids = torch.full((len(tails), width), pad, dtype=torch.long, device=dev)
            mask = torch.zeros((len(tails), shared + width), dtype=torch.long, device=dev)
            mask[:, :shared] = 1
            for r, t in enumerate(tails):
                ids[r, : len(t)] = torch.tensor(t, device=dev)
                mask[r, shared : shared + len(t)] = 1
            positions = torch.arange(shared, shared + width, device=dev).expand(len(tails), -1)
            inputs = dict(attention_mask=mask, position_ids=positions, past_key_values=past, use_cache=past is not None)
            # Only the answer positions are projected onto the vocabulary: the full (batch, width, vocab)
            # logits would dominate the cost for large vocabularies (Gemma: 262k tokens).
            longest = max(len(a) for a in ans)
            starts = torch.tensor([len(seqs[r]) - shared - 1 for r in range(len(tails))], device=dev)
            keep = (starts[:, None] + torch.arange(longest, device=dev)[None, :]).clamp_max(width - 1)
            if head is not None:
                hidden = decoder(ids, **inputs).last_hidden_state
                logits = head(torch.take_along_dim(hidden, keep[..., None], dim=1))
            else:  # an integer logits_to_keep: the last n positions, in every transformers version
                first = int(starts.min())
                logits = model(ids, logits_to_keep=width - first, **inputs).logits
                logits = torch.take_along_dim(logits, (keep - first)[..., None], dim=1)
            logp = torch.log_softmax(logits.float(), dim=-1)
            for r, k in enumerate(group):
                a = torch.tensor(ans[r], device=dev)
                out[k] = logp[r, torch.arange(len(a), device=dev), a].sum().item()
    return out


def _stop_criteria(tokenizer, stop: tuple, prompt_length: int):
    """Ends a row once its new text holds one of ``stop``, and generation once every row has.

    (transformers' StopStringCriteria precomputes a table over the whole
    vocabulary, which takes seconds per call for large vocabularies; decoding
    the few new tokens of a small batch at each step is cheaper.)
    """
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList

    if not stop:
        return None

    class _Stop(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            texts = tokenizer.batch_decode(input_ids[:, prompt_length:], skip_special_tokens=True)
            return torch.tensor([any(s in t for s in stop) for t in texts], device=input_ids.device)

    return StoppingCriteriaList([_Stop()])


def generate(receiver, prompts, *, max_new_tokens: int = 64, stop=(), batch_size: int = 8) -> list[str]:
    """Greedy continuations of ``prompts`` (left-padded batches), each cut at the first of ``stop``.

    Each prompt is preceded by the same special tokens as in scoring (Gemma:
    ``<bos>``), so a Receiver is scored and generates from the same tokens.
    """
    import torch

    prompts = list(prompts)
    if not prompts:
        raise ValueError("prompts must not be empty")
    if max_new_tokens < 1:
        raise ValueError(f"max_new_tokens must be at least 1; got {max_new_tokens}")
    tok, model, dev = receiver.tokenizer, receiver.model, receiver.device
    bos = _bos(tok)
    pad = tok.pad_token_id if tok.pad_token_id is not None else 0
    out = []
    for start in range(0, len(prompts), batch_size):
        # The same tokens as scoring sees: the tokenizer's own prefix (Gemma: <bos>), then the prompt; left-padded.
        seqs = [_encode(tok, p) for p in prompts[start : start + batch_size]]
        seqs = [s if bos and s[: len(bos)] == bos else bos + s for s in seqs]
        width = max(len(s) for s in seqs)
        ids = torch.full((len(seqs), width), pad, dtype=torch.long, device=dev)
        mask = torch.zeros((len(seqs), width), dtype=torch.long, device=dev)
        for r, s in enumerate(seqs):
            ids[r, width - len(s) :] = torch.tensor(s, device=dev)
            mask[r, width - len(s) :] = 1
        with torch.no_grad():
            # The stop criterion ends each row at its first stop string, and the batch once all rows have.
            gen = model.generate(
                input_ids=ids, attention_mask=mask, max_new_tokens=max_new_tokens, do_sample=False, pad_token_id=pad,
                stopping_criteria=_stop_criteria(tok, tuple(stop), width),
            )
        for row in gen[:, width:]:
            text = tok.decode(row, skip_special_tokens=True)
            cut = min([text.find(s) for s in stop if s in text], default=len(text))
            out.append(text[:cut])
    return out
