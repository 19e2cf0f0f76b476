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
:func:`prompt_ids`, the tokenizer's own prefix tokens (Gemma: ``<bos>``;
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

Batch sizes: ``batch_size=None`` takes :data:`CPU_BATCH_SIZE` rows on the
CPU and, on CUDA, as many rows as half the free memory holds (estimated from
the model's shapes), halving the batch on out-of-memory. The arithmetic is
the model's own dtype (float32 on the CPU; bfloat16 or float16 on CUDA
where the model was loaded so); log-probabilities are taken in float32.
"""

from __future__ import annotations

import functools
import time
import weakref

import numpy as np

__all__ = ["CPU_BATCH_SIZE", "answer_logprobs", "answer_logprobs_naive", "common_prefix_length", "generate",
           "prompt_ids"]

#: Rows per batch on the CPU when ``batch_size`` is None (see benchmarks/bench_generation.py).
CPU_BATCH_SIZE = 32


def _encode(tokenizer, text: str) -> list[int]:
    return tokenizer(text, add_special_tokens=False).input_ids


def prompt_ids(tokenizer, prompt: str) -> list[int]:
    """The token ids a Receiver sees for ``prompt``, in scoring and generation alike.

    The tokenizer's own prefix (:func:`~persuasion.llm.models.prefix_tokens`:
    Gemma's ``<bos>``, nothing for SmolLM2), then the prompt's tokens; a
    prompt whose text already begins with that prefix (a chat template that
    writes ``<bos>`` itself) gets it once.

    >>> from types import SimpleNamespace
    >>> def tokenizer(text, add_special_tokens=True):  # one id per character, 0 (a <bos>) first
    ...     return SimpleNamespace(input_ids=[0] * add_special_tokens + [ord(c) for c in text])
    >>> prompt_ids(tokenizer, "Hi")
    [0, 72, 105]
    """
    from .models import prefix_tokens

    bos, ids = prefix_tokens(tokenizer), _encode(tokenizer, prompt)
    return list(ids) if bos and list(ids[: len(bos)]) == bos else bos + list(ids)


def _check(prompts, answers):
    prompts, answers = list(prompts), list(answers)
    if len(prompts) != len(answers):
        raise ValueError(f"prompts and answers must have the same length; got {len(prompts)} and {len(answers)}")
    if not prompts:
        raise ValueError("prompts must not be empty")
    if any(not a for a in answers):
        raise ValueError("every answer must be a non-empty string")
    return prompts, answers


def _check_batch_size(batch_size):
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(f"batch_size must be None or an integer of at least 1; got {batch_size!r}")


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
    config = _text_config(model)
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


def _text_config(model):
    return model.config.get_text_config() if hasattr(model.config, "get_text_config") else model.config


# -- batch sizes, out-of-memory back-off, progress ------------------------------------------------------------


def _bytes_per_row(model, tokens: int) -> int:
    """A generous estimate of the memory one row of ``tokens`` tokens needs (key/value cache, activations, logits)."""
    config = _text_config(model)
    size = next(model.parameters()).element_size()
    hidden = getattr(config, "hidden_size", 1024)
    heads = getattr(config, "num_attention_heads", 16)
    kv_heads = getattr(config, "num_key_value_heads", None) or heads
    head_dim = getattr(config, "head_dim", None) or hidden // heads
    layers = getattr(config, "num_hidden_layers", 24)
    inter = getattr(config, "intermediate_size", 4 * hidden)
    vocab = getattr(config, "vocab_size", 50_000)
    cache = 2 * layers * kv_heads * head_dim * size * tokens
    activations = tokens * (4 * hidden + 2 * inter + heads * tokens) * size
    return cache + activations + 8 * vocab * 4


def _auto_batch_size(receiver, tokens: int) -> int:
    """Rows per batch: :data:`CPU_BATCH_SIZE` on the CPU; on CUDA what half the free memory holds (1 to 512)."""
    import torch

    dev = getattr(receiver.device, "type", str(receiver.device))
    if dev != "cuda" or not torch.cuda.is_available():
        return CPU_BATCH_SIZE
    free, _ = torch.cuda.mem_get_info(receiver.device)
    return int(min(512, max(1, free // 2 // _bytes_per_row(receiver.model, max(tokens, 1)))))


def _is_oom(error: BaseException) -> bool:
    import torch

    oom = getattr(torch, "OutOfMemoryError", None) or getattr(torch.cuda, "OutOfMemoryError", RuntimeError)
    return isinstance(error, oom) or "out of memory" in str(error).lower()


class _Progress:
    """A tqdm bar counting inputs and showing tokens per second (nothing when ``enabled`` is False)."""

    def __init__(self, enabled: bool, total: int, desc: str):
        from tqdm.auto import tqdm

        self.bar = tqdm(total=total, desc=desc, unit="input", disable=not enabled)
        self.tokens, self.start = 0, time.perf_counter()

    def update(self, inputs: int, tokens: int):
        self.tokens += tokens
        self.bar.set_postfix_str(f"{self.tokens / max(time.perf_counter() - self.start, 1e-9):.0f} tokens/s",
                                 refresh=False)
        self.bar.update(inputs)

    def close(self):
        self.bar.close()


# -- scoring -------------------------------------------------------------------------------------------------


def answer_logprobs_naive(receiver, prompts, answers) -> np.ndarray:
    """One forward pass per (prompt, answer): the reference implementation."""
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


def _units(seqs, extra) -> list[tuple[list[int], int]]:
    """Rows grouped to share a prefix: ``(rows, shared prefix length)``, in an order that batches similar widths.

    Sorted token sequences put prompts with a common prefix next to each
    other; they are cut into groups of neighbours where that lowers the
    number of tokens run (each group's prefix once, then every prompt's
    rest; :func:`_split`). Each group is split by continuation length (the
    prompt's tokens after the prefix plus ``extra[k]``, the answer's length
    in scoring): a row whose continuation is more than twice the group's
    shortest plus 16 tokens starts a new unit, so one long prompt (all seven
    items) does not pad the others. At least one token of every prompt is
    left to its continuation.
    """

    def shared_of(rows):
        return min(common_prefix_length([seqs[k] for k in rows]), min(len(seqs[k]) for k in rows) - 1)

    order = sorted(range(len(seqs)), key=lambda k: seqs[k])
    lcp = [common_prefix_length([seqs[a], seqs[b]]) for a, b in zip(order, order[1:])]
    groups = _split(seqs, order, lcp, 0, len(order), 0)[1]
    units = []
    for group in groups:
        shared = shared_of(group)
        group = sorted(group, key=lambda k: len(seqs[k]) + extra[k])
        unit = [group[0]]
        for k in group[1:]:
            if len(seqs[k]) + extra[k] - shared > 2 * (len(seqs[unit[0]]) + extra[unit[0]] - shared) + 16:
                units.append(unit)
                unit = []
            unit.append(k)
        units.append(unit)
    units = [(u, shared_of(u)) for u in units]
    return sorted(units, key=lambda u: (max(len(seqs[k]) + extra[k] for k in u[0]) - u[1], u[1]))


def _split(seqs, order, lcp, lo: int, hi: int, depth: int) -> tuple[int, list[list[int]]]:
    """The cheapest cut of the sorted rows ``order[lo:hi]`` into groups: ``(tokens run, groups)``.

    A group of n prompts sharing s tokens runs ``sum(lengths) - (n - 1) s``
    tokens. The rows are either one group or cut where neighbours share
    least (``lcp[i]``: tokens ``order[i]`` and ``order[i + 1]`` share), each
    part cut in turn likewise.
    """
    rows = order[lo:hi]
    shared = min(min(lcp[lo : hi - 1], default=len(seqs[rows[0]])), min(len(seqs[k]) for k in rows) - 1)
    whole = sum(len(seqs[k]) for k in rows) - (len(rows) - 1) * shared
    if len(rows) == 1 or depth > 200:
        return whole, [rows]
    least = min(lcp[lo : hi - 1])
    cuts = [lo] + [i + 1 for i in range(lo, hi - 1) if lcp[i] == least] + [hi]
    parts = [_split(seqs, order, lcp, a, b, depth + 1) for a, b in zip(cuts, cuts[1:])]
    cost = sum(c for c, _ in parts)
    return (cost, [g for _, gs in parts for g in gs]) if cost < whole else (whole, [rows])


def _pack(units, size: int) -> list[list[tuple[list[int], int]]]:
    """Units split to at most ``size`` rows, then packed in order into batches of at most ``size`` rows."""
    pieces = [(u[i : i + size], s) for u, s in units for i in range(0, len(u), size)]
    batches, current = [], []
    for piece in pieces:
        if current and sum(len(u) for u, _ in current) + len(piece[0]) > size:
            batches.append(current)
            current = []
        current.append(piece)
    batches.append(current)
    return batches


def _prefix_cache(receiver, decoder, seqs, pieces, pad: int):
    """The key/value cache of each group's shared prefix (left-padded, one batch), one row per row of ``pieces``.

    Returns ``(cache, mask)``: the cache (None where no prefix is shared)
    and its attention mask, ``(rows, longest prefix)``.
    """
    import torch

    dev = receiver.device
    width = max(s for _, s in pieces)
    if width == 0:
        return None, None
    prefix = torch.full((len(pieces), width), pad, dtype=torch.long, device=dev)
    mask = torch.zeros((len(pieces), width), dtype=torch.long, device=dev)
    positions = torch.zeros((len(pieces), width), dtype=torch.long, device=dev)
    for g, (unit, s) in enumerate(pieces):
        if s:
            prefix[g, width - s :] = torch.tensor(seqs[unit[0]][:s], device=dev)
            mask[g, width - s :] = 1
            positions[g, width - s :] = torch.arange(s, device=dev)
    # The prefix needs no logits: the decoder alone fills the key/value cache.
    past = decoder(prefix, attention_mask=mask, position_ids=positions, use_cache=True).past_key_values
    owner = torch.tensor([g for g, (unit, _) in enumerate(pieces) for _ in unit], device=dev)
    if len(pieces) == 1 and hasattr(past, "batch_repeat_interleave"):
        past.batch_repeat_interleave(len(owner))
    elif hasattr(past, "reorder_cache"):
        past.reorder_cache(owner)
    else:  # a cache without either: run each row's prefix
        past = decoder(prefix[owner], attention_mask=mask[owner], position_ids=positions[owner],
                       use_cache=True).past_key_values
    return past, mask[owner]


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


def answer_logprobs(receiver, prompts, answers, *, batch_size: int | None = None, progress: bool = False) -> np.ndarray:
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
    """
    prompts, answers = _check(prompts, answers)
    _check_batch_size(batch_size)
    tok = receiver.tokenizer
    decoder, head = receiver.model.base_model, _logits_head(receiver.model, receiver.device)
    seqs = [prompt_ids(tok, p) for p in prompts]
    ans = [_encode(tok, a) for a in answers]
    size = batch_size or _auto_batch_size(receiver, max(len(s) + len(a) for s, a in zip(seqs, ans)))
    batches = _pack(_units(seqs, [len(a) for a in ans]), size)
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


def _run_pieces(receiver, batch, run):
    """``run(batch)`` (a dict by row); on CUDA out-of-memory, the batch in halves (a group split if it is alone)."""
    import torch

    try:
        return run(batch)
    except (RuntimeError, MemoryError) as error:
        n = sum(len(u) for u, _ in batch)
        if n == 1 or not _is_oom(error) or not torch.cuda.is_available():
            raise
        torch.cuda.empty_cache()
        if len(batch) == 1:
            (unit, s), = batch
            halves = [[(unit[: len(unit) // 2], s)], [(unit[len(unit) // 2 :], s)]]
        else:
            halves = [batch[: len(batch) // 2], batch[len(batch) // 2 :]]
        return {k: v for half in halves for k, v in _run_pieces(receiver, half, run).items()}


# -- generation ----------------------------------------------------------------------------------------------


def _eos_ids(receiver) -> set:
    """The end-of-sequence ids ``model.generate`` stops at: the generation config's, else the tokenizer's."""
    eos = getattr(getattr(receiver.model, "generation_config", None), "eos_token_id", None)
    if eos is None:
        eos = receiver.tokenizer.eos_token_id
    return set() if eos is None else set(eos if isinstance(eos, (list, tuple)) else [eos])


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
                if stop and any(s in tok.decode(new[k], skip_special_tokens=True) for s in stop):
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
        cut = min([text.find(s) for s in stop if s in text], default=len(text))
        texts[k] = text[:cut]
    return texts


def generate(
    receiver, prompts, *, max_new_tokens: int = 64, stop=(), batch_size: int | None = None, progress: bool = False
) -> list[str]:
    """Greedy continuations of ``prompts``, each cut at the first of ``stop``.

    Prompts are tokenised by :func:`prompt_ids` (as in scoring); prompts
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
    stop : sequence of str
        Stop strings; the text returned ends before the first.
    batch_size : int or None
        Rows per batch.
    progress : bool
        Show a progress bar.

    Returns
    -------
    list of str
        The continuations, in the order of ``prompts``.
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
    for batch in _pack(_units(seqs, [0] * len(seqs)), size):
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
            return torch.tensor([any(s in t for s in stop) for t in texts], device=input_ids.device)

    return StoppingCriteriaList([_Stop()])


def _generate_reference(receiver, prompts, *, max_new_tokens: int = 64, stop=(), batch_size: int = 8) -> list[str]:
    """Greedy continuations by transformers' ``model.generate``, ``batch_size`` prompts at a time in the given order.

    The reference :func:`generate` is tested and benchmarked against (the
    implementation before it): the same tokens (:func:`prompt_ids`), another
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
            cut = min([text.find(s) for s in stop if s in text], default=len(text))
            out.append(text[:cut])
    return out
