r"""Utility tables :math:`v(x, c) = \log P_{\text{Receiver}}(y^\star \mid \text{prompt}(x, c))`, cached on disk.

For every input :math:`x` and each of its seven items :math:`c`, the
Receiver's log-probability of the reference answer after the one-item
prompt; plus the no-information and all-information prompts, and the prompt
lengths in tokens (for ARPI). Each input's row is one entry of the
content-addressed cache (:mod:`persuasion.llm.cache`), keyed by the
Receiver's fingerprint (weights and tokenisation), the prompt texts and the
answer, so a run that is killed (even with SIGKILL) and started again
computes only the inputs it had not finished, and ends with exactly the
same table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cache import as_store
from .prompts import count_tokens, reference_answer, task_prompt
from .receiver import answer_logprobs

__all__ = ["UtilityTable", "utility_table"]


@dataclass(frozen=True)
class UtilityTable:
    """``items[i, c]``: log P(answer | one-item prompt); ``none``/``all``: the other two structures."""

    ids: tuple
    items: np.ndarray  # (n_inputs, n_items)
    none: np.ndarray  # (n_inputs,)
    all: np.ndarray  # (n_inputs,)
    tokens_items: np.ndarray  # (n_inputs, n_items) prompt lengths
    tokens_none: np.ndarray
    tokens_all: np.ndarray

    def subset(self, rows) -> "UtilityTable":
        """The table restricted to the inputs at positions ``rows`` (in that order)."""
        rows = np.asarray(rows, dtype=int)
        return UtilityTable(
            ids=tuple(self.ids[i] for i in rows), items=self.items[rows], none=self.none[rows], all=self.all[rows],
            tokens_items=self.tokens_items[rows], tokens_none=self.tokens_none[rows], tokens_all=self.tokens_all[rows],
        )


def _row(receiver, prompts: tuple, answer: str) -> dict:
    """Scores and token counts of one input's prompts (the cached unit).

    The all-information prompt (the last) is scored on its own: in one batch
    with the short prompts it would pad every row to its length.
    """
    short, long = list(prompts[:-1]), [prompts[-1]]
    scores = np.concatenate([
        answer_logprobs(receiver, short, [answer] * len(short), batch_size=len(short)),
        answer_logprobs(receiver, long, [answer]),
    ])
    tokens = [count_tokens(receiver.tokenizer, p) for p in prompts]
    return {"scores": np.asarray(scores, dtype=float), "tokens": np.asarray(tokens, dtype=int)}


def utility_table(receiver, problems, items: dict, *, shots=(), cache=None, progress: bool = True) -> UtilityTable:
    """Score every problem's 7 one-item prompts, and its no- and all-information prompts.

    ``problems``: math :class:`~persuasion.llm.tasks.Problem` or HumanEval
    :class:`~persuasion.llm.code.CodeProblem` (see :func:`~persuasion.llm.prompts.task_prompt`).
    ``items`` maps a problem id to its 7 items; ``shots`` are few-shot
    ``(question, answer)`` pairs for base (non-chat) Receivers on math. ``cache``:
    ``None`` (the default store under ``$PERSUASION_CACHE``), a folder, a
    :class:`~persuasion.llm.cache.Store`, or ``False`` for none.
    """
    from tqdm.auto import tqdm

    problems = list(problems)
    if not problems:
        raise ValueError("problems must not be empty")
    missing = [p.id for p in problems if p.id not in items]
    if missing:
        raise ValueError(f"items has no entry for {len(missing)} problem(s), e.g. {missing[0]!r}")
    store = as_store(cache)
    if store.enabled and not getattr(receiver, "fingerprint", ""):
        raise ValueError("receiver.fingerprint is empty: load Receivers with load_receiver, or pass cache=False")
    rows_items, rows_none, rows_all, t_items, t_none, t_all = [], [], [], [], [], []
    for p in tqdm(problems, desc=f"scoring with {receiver.name}", disable=not progress):
        its = items[p.id]
        prompts = tuple(
            [task_prompt(receiver, p, its, "posterior information", item=c, shots=shots) for c in range(len(its))]
            + [task_prompt(receiver, p, its, s, shots=shots) for s in ("no information", "all information")]
        )
        answer = reference_answer(p)
        key = {"receiver": receiver.fingerprint, "prompts": list(prompts), "answer": answer}
        entry = store.get_or_compute("scores", key, lambda: _row(receiver, prompts, answer))
        scores, tokens = entry["scores"], entry["tokens"]
        n = len(its)
        rows_items.append(scores[:n])
        rows_none.append(scores[n])
        rows_all.append(scores[n + 1])
        t_items.append(tokens[:n])
        t_none.append(tokens[n])
        t_all.append(tokens[n + 1])
    return UtilityTable(
        ids=tuple(p.id for p in problems),
        items=np.array(rows_items),
        none=np.array(rows_none),
        all=np.array(rows_all),
        tokens_items=np.array(t_items),
        tokens_none=np.array(t_none),
        tokens_all=np.array(t_all),
    )
