"""Sentence embeddings with the Advisor's encoder (all-MiniLM-L6-v2, or any local encoder): :func:`embed`.

Used by the items stage (retrieving similar solved problems) and by the
Advisor (whose head reads the question and item embeddings). The encoder is
loaded by :func:`persuasion.llm.models.load_encoder`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedTokenizerBase

__all__ = ["embed", "embed_rows"]


def embed(texts: Iterable[str], encoder: tuple[torch.nn.Module, PreTrainedTokenizerBase] | None = None, *,
          batch_size: int = 32) -> np.ndarray:
    """Unit-norm mean-pooled sentence embeddings (float32), shape (len(texts), 384) for MiniLM.

    ``encoder``: a loaded ``(model, tokenizer)``; ``None`` loads MiniLM
    (:func:`~persuasion.llm.models.load_encoder`). With the tiny random encoder
    of :mod:`persuasion.llm.toy` (hidden size 32; its similarities mean nothing):

    >>> from persuasion.llm.toy import toy_encoder
    >>> emb = embed(["How many pens?", "How many apples?"], toy_encoder())
    >>> emb.shape, emb.dtype, np.linalg.norm(emb, axis=1).round(6)
    ((2, 32), dtype('float32'), array([1., 1.], dtype=float32))
    """
    import torch

    from .models import load_encoder

    texts = list(texts)
    if not texts:
        raise ValueError("texts must not be empty")
    model, tok = encoder if encoder is not None else load_encoder(device="cpu")
    out = []
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            batch = tok(texts[start : start + batch_size], return_tensors="pt", padding=True, truncation=True,
                        max_length=256)
            batch = {k: v.to(model.device) for k, v in batch.items()}
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp_min(1.0)
            out.append(torch.nn.functional.normalize(pooled, dim=-1).cpu().numpy())
    return np.concatenate(out).astype(np.float32, copy=False)


def embed_rows(rows: Iterable[Iterable[str]], encoder: tuple[torch.nn.Module, PreTrainedTokenizerBase] | None = None, *,
               progress: bool = False, desc: str = "embedding") -> np.ndarray:
    """:func:`embed` of each row of texts in a batch of its own, stacked: shape (len(rows), len(row), dim).

    The Advisor reads each input this way, its question and items in one
    row (so one input's padding never depends on another's):

    >>> from persuasion.llm.toy import toy_encoder
    >>> rows = [
    ...     ["How many pens?", "Pens come in packs."],
    ...     ["How many apples?", "An apple a day."],
    ... ]
    >>> emb = embed_rows(rows, toy_encoder())
    >>> emb.shape, bool(np.allclose(emb[1], embed(rows[1], toy_encoder())))
    ((2, 2, 32), True)
    """
    from tqdm.auto import tqdm

    rows = [list(row) for row in rows]
    if not rows:
        raise ValueError("rows must not be empty")
    if len({len(row) for row in rows}) > 1:
        raise ValueError(f"rows must all have the same number of texts; got lengths {sorted({len(r) for r in rows})}")
    return np.stack([embed(row, encoder) for row in tqdm(rows, desc=desc, disable=not progress)])
