"""The evaluation's generations: greedy answers to each test input's prompts, in cached blocks.

:func:`generate_blocks` puts the prompts of ``block_inputs`` consecutive
inputs through a Receiver in one batched call of
:func:`~persuasion.llm.receiver.generate` (an input's distinct prompts once
each) and keeps the texts as one cache entry per block, the same blocks as
scoring (:func:`~persuasion.llm.batching.blocks`): a block's texts depend on
that block alone, so any number of processes, each taking every ``world``-th
block, write the same entries.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from .batching import blocks, cached_blocks
from .cache import Store
from .models import Receiver
from .prompts import count_tokens
from .receiver import generate

__all__ = ["generate_blocks"]


def generate_blocks(receiver: Receiver, store: Store, prompts: Sequence[Sequence[str]], *, block_inputs: int,
                    max_new_tokens: int, stop: tuple, shard: tuple[int, int] | None = None, progress: bool = False,
                    desc: str = "generating"):
    """Each input's greedy texts, ``{prompt: text}``, for the inputs of the blocks this process takes.

    ``prompts``: one list of prompts per input (repeats allowed). ``store``:
    a :class:`~persuasion.llm.cache.Store`. With ``shard=(rank, world)`` only
    the blocks ``rank, rank + world, ...`` are generated, and the other
    inputs' entries are ``None``.

    Two inputs of the tiny random Receiver of :mod:`persuasion.llm.toy` (its
    texts mean nothing), one block each; the second input's prompts repeat,
    and are generated once:

    >>> from persuasion.llm.cache import as_store
    >>> from persuasion.llm.toy import toy_receiver
    >>> texts = generate_blocks(
    ...     toy_receiver(),
    ...     as_store(False),
    ...     [["Q: 1 + 1?\\nA:"], ["Q: 2 + 2?\\nA:"] * 2],
    ...     block_inputs=1,
    ...     max_new_tokens=3,
    ...     stop=(),
    ... )
    >>> (
    ...     [len(t) for t in texts],
    ...     texts[1]["Q: 2 + 2?\\nA:"]
    ...     == generate(toy_receiver(), ["Q: 2 + 2?\\nA:"], max_new_tokens=3)[0],
    ... )
    ([1, 1], True)
    """
    chosen = blocks(len(prompts), block_inputs, shard)
    jobs, flats = [], []
    for block in chosen:
        unique = [list(dict.fromkeys(prompts[k])) for k in block]
        flat = list(dict.fromkeys(q for qs in unique for q in qs))
        key = {"receiver": receiver.fingerprint, "prompts": unique, "max_new_tokens": int(max_new_tokens),
               "stop": [s if isinstance(s, str) else {"regex": s.pattern} for s in stop], "decoding": "greedy"}
        jobs.append((block, key, functools.partial(generate, receiver, flat, max_new_tokens=max_new_tokens,
                                                   stop=stop)))
        flats.append(flat)
    texts = [None] * len(prompts)
    entries = cached_blocks(store, "generations", jobs, progress=progress, desc=desc,
                            tokens=lambda e: sum(count_tokens(receiver.tokenizer, t) for t in e))
    for (block, entry), flat in zip(entries, flats):
        generated = dict(zip(flat, entry))
        for k in block:
            texts[k] = {q: generated[q] for q in prompts[k]}
    return texts
