r"""Score answers under a Receiver, :math:`\log P(\text{answer} \mid \text{prompt})`, and generate, in large batches.

Bai et al.'s Advisor utility is :math:`v(x, c) = \log P_{\text{Receiver}}(y^\star \mid
\text{prompt}(x, c))` for the reference answer :math:`y^\star`. For one input
the seven prompts share a long prefix (instructions, few-shot examples, the
question) and differ only in the item. :func:`answer_logprobs` takes the
prompts of any number of inputs at once: it groups prompts that share a
prefix, runs each group's prefix once (the prefixes of several groups in one
left-padded batch) and scores all continuations (item + answer) in one
padded batch on top of their group's key/value cache. Groups are batched by
the length of their continuations, so little is padding.
:func:`answer_logprobs_naive` scores each prompt + answer on its own, as the
reference the fast path is tested against.

:func:`generate` decodes greedily: prompts sorted by length (so a batch is
little padding), left-padded, each row stopped at its first stop string or
end-of-sequence token and then dropped from the batch (its key/value cache
rows with it), the batch ended when every row has stopped.

One prompt, one tokenisation: scoring and generation both start from
:func:`~persuasion.llm.batching.prompt_ids`, the tokenizer's own prefix tokens (Gemma: ``<bos>``;
SmolLM2: none) followed by the prompt's tokens, read from what the tokenizer
does rather than from its ``add_bos_token`` attribute, which differs between
a tokenizer loaded from GGUF and the same tokenizer saved and loaded again.
Answers are tokenised on their own and appended, so an answer's tokens are
the same after every prompt.

Only the positions that are needed are projected onto the vocabulary (the
answer positions in scoring, the last position in generation): the decoder
runs without its language-model head (``model.base_model``) and the head
(and Gemma's logit soft-capping, where configured) is applied to exactly
those hidden states. This uses no version-specific ``logits_to_keep``
semantics (a 2-D ``logits_to_keep`` means per-row positions in transformers
5.23 but indexes the batch dimension as well in 5.17). That the head
reproduces the model's own logits is checked once per model on a few tokens;
a model whose forward does more than that falls back to an integer
``logits_to_keep``, whose meaning (the last *n* positions) is stable.

Batch sizes: ``batch_size=None`` takes :data:`~persuasion.llm.batching.CPU_BATCH_SIZE` rows on the
CPU and, on CUDA, as many rows as half the free memory holds (estimated from
the model's shapes), halving the batch on out-of-memory. The arithmetic is
the model's own dtype (float32 on the CPU; bfloat16 or float16 on CUDA
where the model was loaded so); log-probabilities are taken in float32.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import numpy as np

from .batching import (
    _auto_batch_size,
    _check,
    _check_batch_size,
    _encode,
    _logits_head,
    _pack,
    _prefix_cache,
    _Progress,
    _run_pieces,
    _text_config,
    _units,
    prompt_ids,
)
from .models import Receiver

__all__ = ["answer_logprobs", "answer_logprobs_naive", "generate", "stop_index"]


# -- scoring -------------------------------------------------------------------------------------------------


def answer_logprobs_naive(receiver: Receiver, prompts: Iterable[str], answers: Iterable[str]) -> np.ndarray:
    """One forward pass per (prompt, answer): the reference implementation.

    On the tiny random Receiver of :mod:`persuasion.llm.toy` (its numbers mean
    nothing), the same log-probabilities as :func:`answer_logprobs`:

    >>> from persuasion.llm.toy import toy_receiver
    >>> receiver = toy_receiver()
    >>> prompts, answers = ["Q: 1+1?\\nA:", "Q: 1+1? Be brief.\\nA:"], [" 2", " 2"]
    >>> naive = answer_logprobs_naive(receiver, prompts, answers)
    >>> naive.round(4)
    array([-8.2249, -9.4917])
    >>> bool(
    ...     np.allclose(
    ...         naive, answer_logprobs(receiver, prompts, answers), rtol=0, atol=1e-5
    ...     )
    ... )
    True
    """
    import torch

    prompts, answers = _check(prompts, answers)
    tok, model = receiver.tokenizer, receiver.model
    out = np.empty(len(prompts))
    with torch.no_grad():
        for k, (p, a) in enumerate(zip(prompts, answers)):
            pids, aids = prompt_ids(tok, p), _encode(tok, a)
            ids = torch.tensor([pids + aids], device=receiver.device)
            logp = torch.log_softmax(model(ids).logits[0].float(), dim=-1)
            pos = torch.arange(len(pids) - 1, len(pids) + len(aids) - 1, device=receiver.device)
            out[k] = logp[pos, torch.tensor(aids, device=receiver.device)].sum().item()
    return out


def _score_batch(receiver, decoder, head, seqs, ans, pieces):
    """Log-probabilities of the rows of ``pieces`` (``(rows, shared)`` per group), the groups' prefixes in one batch."""
    import torch

    tok, model, dev = receiver.tokenizer, receiver.model, receiver.device
    pad = tok.pad_token_id if tok.pad_token_id is not None else 0
    rows = [k for unit, _ in pieces for k in unit]
    shared = [s for unit, s in pieces for _ in unit]
    with torch.no_grad():
        past, pmask = _prefix_cache(receiver, decoder, seqs, pieces, pad)
        tails = [seqs[k][s:] + ans[k] for k, s in zip(rows, shared)]
        width = max(len(t) for t in tails)
        ids = torch.full((len(rows), width), pad, dtype=torch.long, device=dev)
        mask = torch.zeros((len(rows), width), dtype=torch.long, device=dev)
        for r, t in enumerate(tails):
            ids[r, : len(t)] = torch.tensor(t, device=dev)
            mask[r, : len(t)] = 1
        positions = torch.tensor(shared, device=dev)[:, None] + torch.arange(width, device=dev)[None, :]
        if past is not None:
            mask = torch.cat([pmask, mask], dim=1)
        inputs = dict(attention_mask=mask, position_ids=positions, past_key_values=past, use_cache=past is not None)
        # Only the answer positions are projected onto the vocabulary: the full (batch, width, vocab)
        # logits would dominate the cost for large vocabularies (Gemma: 262k tokens).
        longest = max(len(ans[k]) for k in rows)
        starts = torch.tensor([len(seqs[k]) - s - 1 for k, s in zip(rows, shared)], device=dev)
        keep = (starts[:, None] + torch.arange(longest, device=dev)[None, :]).clamp_max(width - 1)
        if head is not None:
            hidden = decoder(ids, **inputs).last_hidden_state
            logits = head(torch.take_along_dim(hidden, keep[..., None], dim=1))
        else:  # an integer logits_to_keep: the last n positions, in every transformers version
            first = int(starts.min())
            logits = model(ids, logits_to_keep=width - first, **inputs).logits
            logits = torch.take_along_dim(logits, (keep - first)[..., None], dim=1)
        logp = torch.log_softmax(logits.float(), dim=-1)
        out = []
        for r, k in enumerate(rows):
            a = torch.tensor(ans[k], device=dev)
            out.append(logp[r, torch.arange(len(a), device=dev), a].sum().item())
    return out


def answer_logprobs(receiver: Receiver, prompts: Iterable[str], answers: Iterable[str], *,
                    batch_size: int | None = None, progress: bool = False) -> np.ndarray:
    """Total log-probability of each answer's tokens right after its prompt.

    Prompts that share a token prefix (an input's prompts) form a group
    whose prefix is run once (at least one token is left to every
    continuation); at most ``batch_size`` continuations, from one group or
    several groups of similar continuation lengths, are scored per forward
    pass. ``batch_size=None`` chooses it (see the module notes); on CUDA a
    batch that runs out of memory is halved. ``progress`` shows a bar of
    prompts scored and tokens (prompt and answer) per second.

    Parameters
    ----------
    receiver : Receiver
        From :func:`~persuasion.llm.models.load_receiver`.
    prompts, answers : sequences of str
        Of the same length; every answer non-empty.
    batch_size : int or None
        Rows per forward pass.
    progress : bool
        Show a progress bar.

    Returns
    -------
    numpy.ndarray
        ``(len(prompts),)`` log-probabilities in nats, in the order of ``prompts``.

    Examples
    --------
    The tiny random Receiver of :mod:`persuasion.llm.toy` (its numbers mean
    nothing); two prompts that share their first tokens, scored in one batch:

    >>> from persuasion.llm.toy import toy_receiver
    >>> scores = answer_logprobs(
    ...     toy_receiver(), ["Q: 1+1?\\nA:", "Q: 1+1? Be brief.\\nA:"], [" 2", " 2"]
    ... )
    >>> scores.shape, bool((scores < 0).all())
    ((2,), True)
    >>> scores.round(4)
    array([-8.2249, -9.4917])
    """
    prompts, answers = _check(prompts, answers)
    _check_batch_size(batch_size)
    tok = receiver.tokenizer
    decoder, head = receiver.model.base_model, _logits_head(receiver.model, receiver.device)
    seqs = [prompt_ids(tok, p) for p in prompts]
    ans = [_encode(tok, a) for a in answers]
    size = batch_size or _auto_batch_size(receiver, max(len(s) + len(a) for s, a in zip(seqs, ans)))
    batches = _pack(_units(seqs, [len(a) for a in ans]), size, [len(q) + len(a) for q, a in zip(seqs, ans)])
    out = np.empty(len(prompts))
    bar = _Progress(progress, len(prompts), f"scoring with {getattr(receiver, 'name', 'the Receiver')}")

    def run(batch):
        rows = [k for u, _ in batch for k in u]
        values = _score_batch(receiver, decoder, head, seqs, ans, batch)
        bar.update(len(rows), sum(len(seqs[k]) + len(ans[k]) for k in rows))
        return dict(zip(rows, values))

    try:
        for batch in batches:
            for k, value in _run_pieces(receiver, batch, run).items():
                out[k] = value
    finally:
        bar.close()
    return out


# -- generation ----------------------------------------------------------------------------------------------


def _eos_ids(receiver) -> set:
    """The end-of-sequence ids ``model.generate`` stops at: the generation config's, else the tokenizer's."""
    eos = getattr(getattr(receiver.model, "generation_config", None), "eos_token_id", None)
    if eos is None:
        eos = receiver.tokenizer.eos_token_id
    return set() if eos is None else set(eos if isinstance(eos, (list, tuple)) else [eos])


def stop_index(text: str, stop: Iterable[str | re.Pattern[str]]) -> int | None:
    """Where ``text`` is cut by the first of ``stop`` to match, or ``None`` if none matches.

    A string stop cuts before itself; a compiled regular expression cuts
    after its match (it marks where an answer is complete, and the answer is kept):

    >>> import re
    >>> stop_index("12 apples.\\n\\nQ: next", ["\\n\\n", "Q:"])
    10
    >>> done = re.compile(r"The answer is \\d+\\.")
    >>> text = "3 + 4 = 7. The answer is 7. Q: more"
    >>> text[: stop_index(text, ["Q:", done])]
    '3 + 4 = 7. The answer is 7.'
    >>> stop_index("no stop here", ["Q:", done]) is None
    True
    """
    cuts = []
    for s in stop:
        if isinstance(s, str):
            k = text.find(s)
            if k != -1:
                cuts.append(k)
        else:
            m = s.search(text)
            if m is not None:
                cuts.append(m.end())
    return min(cuts, default=None)


#: New tokens decoded at each step to look for a stop the last token may have completed.
STOP_WINDOW = 48


def _stopped(tokenizer, tokens: list, stop: tuple) -> bool:
    """Whether the text of ``tokens`` holds a stop, decoding the last :data:`STOP_WINDOW` tokens at each step.

    Only when the tail holds a stop is the whole continuation decoded to
    confirm it, so each step costs the same however long the row has run. A
    stop longer than the window is not seen until the row ends; its text is
    then cut there all the same (:func:`generate` cuts the whole text), so the
    returned text never depends on the window.
    """
    if stop_index(tokenizer.decode(tokens[-STOP_WINDOW:], skip_special_tokens=True), stop) is None:
        return False
    whole = tokenizer.decode(tokens, skip_special_tokens=True)
    return len(tokens) <= STOP_WINDOW or stop_index(whole, stop) is not None


def _generate_batch(receiver, decoder, head, seqs, pieces, max_new_tokens: int, stop: tuple, eos: set, bar):
    """Greedy continuations of the rows of ``pieces``, rows dropped as they stop: ``{row: text}``.

    Each group's shared prefix is run once (:func:`_prefix_cache`); the
    rest of each prompt is left-padded after it, so every row's next token
    comes from the last column.
    """
    import torch

    tok, model, dev = receiver.tokenizer, receiver.model, receiver.device
    pad = tok.pad_token_id if tok.pad_token_id is not None else 0
    rows = [k for unit, _ in pieces for k in unit]
    shared = [s for unit, s in pieces for _ in unit]
    tails = [seqs[k][s:] for k, s in zip(rows, shared)]
    width = max(len(t) for t in tails)
    ids = torch.full((len(rows), width), pad, dtype=torch.long, device=dev)
    mask = torch.zeros((len(rows), width), dtype=torch.long, device=dev)
    positions = torch.zeros((len(rows), width), dtype=torch.long, device=dev)
    for r, (t, s) in enumerate(zip(tails, shared)):
        ids[r, width - len(t) :] = torch.tensor(t, device=dev)
        mask[r, width - len(t) :] = 1
        positions[r, width - len(t) :] = torch.arange(s, s + len(t), device=dev)
    new = {k: [] for k in rows}
    active = list(rows)  # batch row -> index in seqs
    with torch.no_grad():
        past, pmask = _prefix_cache(receiver, decoder, seqs, pieces, pad)
        if past is not None:
            mask = torch.cat([pmask, mask], dim=1)
        inputs = dict(input_ids=ids, attention_mask=mask, position_ids=positions)
        for step in range(max_new_tokens):
            if head is not None:
                out = decoder(**inputs, past_key_values=past, use_cache=True)
                logits = head(out.last_hidden_state[:, -1])
            else:
                out = model(**inputs, past_key_values=past, use_cache=True, logits_to_keep=1)
                logits = out.logits[:, -1]
            past = out.past_key_values
            chosen = logits.argmax(-1)
            keep = []
            for r, t in enumerate(chosen.tolist()):
                if t in eos:
                    continue
                k = active[r]
                new[k].append(t)
                if stop and _stopped(tok, new[k], stop):
                    continue
                keep.append(r)
            bar.update(0, len(active))
            if not keep or step == max_new_tokens - 1:
                break
            mask, positions = inputs["attention_mask"], inputs["position_ids"][:, -1:] + 1
            if len(keep) < len(active):
                index = torch.tensor(keep, device=dev)
                past.reorder_cache(index)
                chosen, mask, positions = chosen[index], mask[index], positions[index]
                active = [active[r] for r in keep]
            mask = torch.cat([mask, mask.new_ones((len(active), 1))], dim=1)
            inputs = dict(input_ids=chosen[:, None], attention_mask=mask, position_ids=positions)
    texts = {}
    for k, tokens in new.items():
        text = tok.decode(tokens, skip_special_tokens=True)
        texts[k] = text[: stop_index(text, stop)]
    return texts


def generate(
    receiver: Receiver, prompts: Iterable[str], *, max_new_tokens: int = 64, stop: Iterable[str | re.Pattern[str]] = (),
    batch_size: int | None = None, progress: bool = False
) -> list[str]:
    """Greedy continuations of ``prompts``, each cut at the first of ``stop``.

    Prompts are tokenised by :func:`~persuasion.llm.batching.prompt_ids` (as in scoring); prompts
    that share a prefix (an input's prompts) have it run once, and prompts
    of similar lengths are decoded together, ``batch_size`` at a time
    (``None``: chosen, see the module notes; on CUDA a batch that runs out
    of memory is halved), left-padded; a row stops at its first stop string
    or end-of-sequence token, and a batch when all its rows have.
    ``progress`` shows a bar of prompts done and new tokens per second.

    Where the model attends within a sliding window (Gemma 3) shorter than a
    batch's prompts plus ``max_new_tokens``, prefixes are not shared: the
    padding between a prefix and the rest of a prompt would count against
    the window.

    Parameters
    ----------
    receiver : Receiver
        From :func:`~persuasion.llm.models.load_receiver`.
    prompts : sequence of str
    max_new_tokens : int
        At most this many new tokens per prompt.
    stop : sequence of str or compiled regular expressions
        The text returned ends before the first stop string to occur, or
        after the first match of an expression (see :func:`stop_index`).
    batch_size : int or None
        Rows per batch.
    progress : bool
        Show a progress bar.

    Returns
    -------
    list of str
        The continuations, in the order of ``prompts``.

    Examples
    --------
    The tiny random Receiver of :mod:`persuasion.llm.toy` writes gibberish,
    the same every time; the first continuation is cut before its first
    ``"!"``:

    >>> from persuasion.llm.toy import toy_receiver
    >>> generate(
    ...     toy_receiver(), ["Q: 1+1?\\nA:", "Q: 2+2?\\nA:"], max_new_tokens=10, stop=["!"]
    ... )
    ['3', 'tll[FJFW']
    """
    prompts, stop = list(prompts), tuple(stop)
    if not prompts:
        raise ValueError("prompts must not be empty")
    if isinstance(max_new_tokens, bool) or not isinstance(max_new_tokens, int) or max_new_tokens < 1:
        raise ValueError(f"max_new_tokens must be an integer of at least 1; got {max_new_tokens!r}")
    _check_batch_size(batch_size)
    tok = receiver.tokenizer
    decoder, head, eos = receiver.model.base_model, _logits_head(receiver.model, receiver.device), _eos_ids(receiver)
    seqs = [prompt_ids(tok, p) for p in prompts]
    size = batch_size or _auto_batch_size(receiver, max(len(s) for s in seqs) + max_new_tokens)
    window = getattr(_text_config(receiver.model), "sliding_window", None)
    batches = []
    for batch in _pack(_units(seqs, [0] * len(seqs)), size, [len(q) for q in seqs]):
        longest = max(s for _, s in batch) + max(len(seqs[k]) - s for u, s in batch for k in u)
        if window and longest + max_new_tokens >= window:  # no padding inside the window: whole prompts
            batch = [(sorted((k for u, _ in batch for k in u), key=lambda k: len(seqs[k])), 0)]
        batches.append(batch)
    out = [None] * len(prompts)
    bar = _Progress(progress, len(prompts), f"generating with {getattr(receiver, 'name', 'the Receiver')}")
    try:
        for batch in batches:
            for k, text in _run_pieces(receiver, batch, functools.partial(
                    _generate_batch, receiver, decoder, head, seqs, max_new_tokens=max_new_tokens, stop=stop,
                    eos=eos, bar=bar)).items():
                out[k] = text
            bar.update(sum(len(u) for u, _ in batch), 0)
    finally:
        bar.close()
    return out


def _stop_criteria(tokenizer, stop: tuple, prompt_length: int):
    """For :func:`_generate_reference`: ends a row once its new text holds one of ``stop``."""
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList

    if not stop:
        return None

    class _Stop(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            texts = tokenizer.batch_decode(input_ids[:, prompt_length:], skip_special_tokens=True)
            return torch.tensor([stop_index(t, stop) is not None for t in texts], device=input_ids.device)

    return StoppingCriteriaList([_Stop()])


def _generate_reference(receiver, prompts, *, max_new_tokens: int = 64, stop=(), batch_size: int = 8) -> list[str]:
    """Greedy continuations by transformers' ``model.generate``, ``batch_size`` prompts at a time in the given order.

    The reference :func:`generate` is tested and benchmarked against (the
    implementation before it): the same tokens (:func:`~persuasion.llm.batching.prompt_ids`), another
    decoding loop.
    """
    import torch

    prompts = list(prompts)
    tok, model, dev = receiver.tokenizer, receiver.model, receiver.device
    pad = tok.pad_token_id if tok.pad_token_id is not None else 0
    out = []
    for start in range(0, len(prompts), batch_size):
        seqs = [prompt_ids(tok, p) for p in prompts[start : start + batch_size]]
        width = max(len(s) for s in seqs)
        ids = torch.full((len(seqs), width), pad, dtype=torch.long, device=dev)
        mask = torch.zeros((len(seqs), width), dtype=torch.long, device=dev)
        for r, s in enumerate(seqs):
            ids[r, width - len(s) :] = torch.tensor(s, device=dev)
            mask[r, width - len(s) :] = 1
        with torch.no_grad():
            gen = model.generate(
                input_ids=ids, attention_mask=mask, max_new_tokens=max_new_tokens, do_sample=False, pad_token_id=pad,
                stopping_criteria=_stop_criteria(tok, tuple(stop), width),
            )
        for row in gen[:, width:]:
            text = tok.decode(row, skip_special_tokens=True)
            out.append(text[: stop_index(text, stop)])
    return out
