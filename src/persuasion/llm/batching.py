"""How a Receiver's prompts become batches: one tokenisation, shared prefixes, batch sizes, the logits head.

The machinery under :mod:`persuasion.llm.receiver`'s scoring and generation:

* :func:`prompt_ids`: the token ids a Receiver sees for a prompt (its
  tokenizer's prefix, such as Gemma's ``<bos>``, then the prompt), the one
  tokenisation both scoring and generation use;
* :func:`common_prefix_length` and the grouping of prompts that share a
  prefix (each group's prefix runs once; several groups' prefixes run in one
  left-padded batch, and each row continues from its group's key/value cache);
* batch sizes: :data:`CPU_BATCH_SIZE` rows on the CPU and, on CUDA, as many
  rows as half the free memory holds, halved on out-of-memory;
* the language-model head applied only at the positions needed, checked once
  per model against the model's own logits;
* :func:`blocks`: the inputs cut into the blocks that go through a Receiver
  together and are cached as one entry; :func:`cached_blocks`: each block's
  entry, from the cache or computed, under one progress bar.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .cache import Store

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

__all__ = ["CPU_BATCH_SIZE", "blocks", "cached_blocks", "prompt_ids", "common_prefix_length"]


#: Rows per batch on the CPU when ``batch_size`` is None (see benchmarks/bench_generation.py).
CPU_BATCH_SIZE = 32


def blocks(n: int, size: int, shard: tuple[int, int] | None = None) -> list[range]:
    """Positions ``0, ..., n - 1`` cut into consecutive blocks of ``size`` (the last may be shorter).

    A block's inputs go through a Receiver in one batched call and are
    cached as one entry, so a block's numbers depend on the block alone
    (batched floating point can differ in the last bits with what shares
    the batch). ``shard=(rank, world)`` keeps the blocks ``rank, rank +
    world, ...``: the same blocks, so the same numbers, in any number of
    processes.

    >>> blocks(10, 4)
    [range(0, 4), range(4, 8), range(8, 10)]
    >>> blocks(10, 4, shard=(1, 2))
    [range(4, 8)]
    """
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"size must be a positive integer; got {size!r}")
    out = [range(start, min(start + size, n)) for start in range(0, n, size)]
    return out if shard is None else out[shard[0]::shard[1]]


def _encode(tokenizer, text: str) -> list[int]:
    return tokenizer(text, add_special_tokens=False).input_ids


def prompt_ids(tokenizer: PreTrainedTokenizerBase, prompt: str) -> list[int]:
    """The token ids a Receiver sees for ``prompt``, in scoring and generation alike.

    The tokenizer's own prefix (:func:`~persuasion.llm.models.prefix_tokens`:
    Gemma's ``<bos>``, nothing for SmolLM2), then the prompt's tokens; a
    prompt whose text already begins with that prefix (a chat template that
    writes ``<bos>`` itself) gets it once.

    >>> from types import SimpleNamespace
    >>> # one id per character, 0 (a <bos>) first
    >>> def tokenizer(text, add_special_tokens=True):
    ...     return SimpleNamespace(
    ...         input_ids=[0] * add_special_tokens + [ord(c) for c in text]
    ...     )
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


def cached_blocks(store: Store, unit: str, jobs: Iterable[tuple[Sequence[int], dict, Callable[[], object]]], *,
                  tokens: Callable[[Any], int], progress: bool, desc: str):
    """``(block, entry)`` for each job ``(block, key, compute)``, in order, under one progress bar.

    ``entry`` is what ``store`` holds for ``key`` among its ``unit`` entries,
    or else ``compute()`` (which ``store`` then keeps). The bar counts each
    block's inputs and shows tokens per second, counting ``tokens(entry)``
    for entries computed here only (an entry read from the cache cost none).
    The stages that put blocks of inputs through a Receiver (scoring and
    generation) go through here.

    >>> from persuasion.llm.cache import as_store
    >>> jobs = [
    ...     (b, {"block": list(b)}, lambda b=b: [k * k for k in b]) for b in blocks(5, 2)
    ... ]
    >>> [
    ...     (list(b), e)
    ...     for b, e in cached_blocks(
    ...         as_store(False), "demo", jobs, tokens=len, progress=False, desc=""
    ...     )
    ... ]
    [([0, 1], [0, 1]), ([2, 3], [4, 9]), ([4], [16])]
    """
    jobs = list(jobs)
    bar = _Progress(progress, sum(len(block) for block, _, _ in jobs), desc)
    try:
        for block, key, compute in jobs:
            before = store.misses[unit]
            entry = store.get_or_compute(unit, key, compute)
            bar.update(len(block), tokens(entry) if store.misses[unit] > before else 0)
            yield block, entry
    finally:
        bar.close()


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


def common_prefix_length(sequences: Iterable[Sequence[int]]) -> int:
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
    return sorted(units, key=lambda u: (max(len(seqs[k]) + extra[k] for k in u[0]), u[1]))


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


def _pack(units, size: int, width) -> list[list[tuple[list[int], int]]]:
    """Units split to at most ``size`` rows, then packed in order into batches of at most ``size`` rows.

    ``width[k]`` is row k's length (prompt plus answer). A batch also ends
    before a piece whose longest row is more than twice as long as its
    first piece's plus 16 tokens: every row of a batch is padded to its
    longest, so short prompts are not run at a long one's length.

    >>> _pack([([0, 1], 0), ([2], 0), ([3, 4, 5], 0)], 2, width=[10, 12, 20, 60, 61, 70])
    [[([0, 1], 0)], [([2], 0)], [([3, 4], 0)], [([5], 0)]]
    """
    pieces = [(u[i : i + size], s) for u, s in units for i in range(0, len(u), size)]
    batches, current, first = [], [], 0
    for piece in pieces:
        longest = max(width[k] for k in piece[0])
        if current and (sum(len(u) for u, _ in current) + len(piece[0]) > size or longest > 2 * first + 16):
            batches.append(current)
            current = []
        first = first if current else longest
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
