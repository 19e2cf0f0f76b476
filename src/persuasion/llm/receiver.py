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
so the answer's tokens are the same in every prompt.
"""

from __future__ import annotations

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
    bos = tokenizer.bos_token_id
    return [bos] if bos is not None and getattr(tokenizer, "add_bos_token", True) else []


def answer_logprobs_naive(receiver, prompts, answers) -> np.ndarray:
    """One forward pass per (prompt, answer): the reference implementation."""
    import torch

    prompts, answers = _check(prompts, answers)
    tok, model = receiver.tokenizer, receiver.model
    out = np.empty(len(prompts))
    with torch.no_grad():
        for k, (p, a) in enumerate(zip(prompts, answers)):
            pids, aids = _bos(tok) + _encode(tok, p), _encode(tok, a)
            ids = torch.tensor([pids + aids], device=receiver.device)
            logp = torch.log_softmax(model(ids).logits[0].float(), dim=-1)
            pos = torch.arange(len(pids) - 1, len(pids) + len(aids) - 1, device=receiver.device)
            out[k] = logp[pos, torch.tensor(aids, device=receiver.device)].sum().item()
    return out


def common_prefix_length(sequences) -> int:
    """Length of the longest common prefix of token lists."""
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
    out = np.empty(len(prompts))
    pad = tok.pad_token_id if tok.pad_token_id is not None else 0
    for start in range(0, len(prompts), batch_size):
        group = range(start, min(start + batch_size, len(prompts)))
        seqs = [_bos(tok) + _encode(tok, prompts[k]) for k in group]
        ans = [_encode(tok, answers[k]) for k in group]
        shared = min(common_prefix_length(seqs), min(len(s) for s in seqs) - 1)
        full = [s + a for s, a in zip(seqs, ans)]
        with torch.no_grad():
            past = None
            if shared > 0:
                prefix = torch.tensor([seqs[0][:shared]], device=dev)
                past = model(prefix, use_cache=True).past_key_values
                past.batch_repeat_interleave(len(full))
            tails = [f[shared:] for f in full]
            width = max(len(t) for t in tails)
            ids = torch.full((len(tails), width), pad, dtype=torch.long, device=dev)
            mask = torch.zeros((len(tails), shared + width), dtype=torch.long, device=dev)
            mask[:, :shared] = 1
            for r, t in enumerate(tails):
                ids[r, : len(t)] = torch.tensor(t, device=dev)
                mask[r, shared : shared + len(t)] = 1
            positions = torch.arange(shared, shared + width, device=dev).expand(len(tails), -1)
            # Only the answer positions are projected onto the vocabulary (logits_to_keep):
            # the full (batch, width, vocab) logits would dominate the cost for large vocabularies.
            longest = max(len(a) for a in ans)
            starts = torch.tensor([len(seqs[r]) - shared - 1 for r in range(len(tails))], device=dev)
            keep = (starts[:, None] + torch.arange(longest, device=dev)[None, :]).clamp_max(width - 1)
            logits = model(
                ids, attention_mask=mask, position_ids=positions, past_key_values=past, use_cache=past is not None,
                logits_to_keep=keep,
            ).logits.float()
            logp = torch.log_softmax(logits, dim=-1)
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
    """Greedy continuations of ``prompts`` (left-padded batches), each cut at the first of ``stop``."""
    import torch

    prompts = list(prompts)
    if not prompts:
        raise ValueError("prompts must not be empty")
    if max_new_tokens < 1:
        raise ValueError(f"max_new_tokens must be at least 1; got {max_new_tokens}")
    tok, model = receiver.tokenizer, receiver.model
    side = tok.padding_side
    tok.padding_side = "left"
    out = []
    try:
        for start in range(0, len(prompts), batch_size):
            batch = prompts[start : start + batch_size]
            enc = tok(batch, return_tensors="pt", padding=True, add_special_tokens=False).to(receiver.device)
            with torch.no_grad():
                # The stop criterion ends each row at its first stop string, and the batch once all rows have.
                gen = model.generate(
                    **enc, max_new_tokens=max_new_tokens, do_sample=False, pad_token_id=tok.pad_token_id,
                    stopping_criteria=_stop_criteria(tok, tuple(stop), enc.input_ids.shape[1]),
                )
            for row in gen[:, enc.input_ids.shape[1] :]:
                text = tok.decode(row, skip_special_tokens=True)
                cut = min([text.find(s) for s in stop if s in text], default=len(text))
                out.append(text[:cut])
    finally:
        tok.padding_side = side
    return out
