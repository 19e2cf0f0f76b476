r"""Utility tables :math:`v(x, c) = \log P_{\text{Receiver}}(y^\star \mid \text{prompt}(x, c))`, cached on disk.

For every input :math:`x` and each of its seven items :math:`c`, the
Receiver's log-probability of the reference answer after the one-item
prompt; plus the no-information and all-information prompts, and the prompt
lengths in tokens (for ARPI). The inputs are scored in blocks of
``block_inputs`` consecutive inputs (:func:`~persuasion.llm.batching.blocks`):
a block's prompts go through the Receiver in one batched call (prompts of
similar lengths share a forward pass, each input's shared prefix runs once)
and its rows are one entry of the content-addressed cache
(:mod:`persuasion.llm.cache`), keyed by the Receiver's fingerprint (weights
and tokenisation), the block's prompt texts and answers, so a run that is
killed (even with SIGKILL) and started again computes only the blocks it
had not finished, and ends with exactly the same table.

The experiment's utilities stage, :func:`score_utilities`, scores every
Receiver's table over all inputs: :class:`Utilities`, which also keeps the
prompts (the evaluation stage shows the Receivers the same texts).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np

from ..protocol import Structure
from .batching import blocks, cached_blocks
from .cache import Store, as_store, decode, encode
from .code import CodeProblem
from .items import Items
from .models import Receiver
from .prompts import count_tokens, reference_answer, task_prompt
from .receiver import answer_logprobs
from .tasks import Inputs, Problem

__all__ = ["UtilityTable", "utility_table", "Utilities", "score_utilities"]


@dataclass(frozen=True)
class UtilityTable:
    """``items[i, c]``: log P(answer | one-item prompt); ``none``/``all``: the other two structures.

    :func:`utility_table` scores one with a Receiver; by hand, two inputs with three items each:

    >>> table = UtilityTable(
    ...     ids=("p1", "p2"),
    ...     items=np.array([[-2.0, -0.5, -1.0], [-3.0, -3.0, -0.25]]),
    ...     none=np.array([-2.5, -4.0]),
    ...     all=np.array([-1.0, -0.5]),
    ...     tokens_items=np.array([[30, 32, 31], [40, 41, 45]]),
    ...     tokens_none=np.array([25, 35]),
    ...     tokens_all=np.array([60, 75]),
    ... )
    >>> table.items.argmax(axis=1)  # the best item of each input, in hindsight
    array([1, 2])
    >>> # what a random item gains over no information
    >>> table.items.mean(axis=1) - table.none
    array([1.33333333, 1.91666667])
    """

    ids: tuple
    items: np.ndarray  # (n_inputs, n_items)
    none: np.ndarray  # (n_inputs,)
    all: np.ndarray  # (n_inputs,)
    tokens_items: np.ndarray  # (n_inputs, n_items) prompt lengths
    tokens_none: np.ndarray
    tokens_all: np.ndarray


def _score_block(receiver, prompts: list, answers: list) -> dict:
    """Scores and token counts of a block of inputs' prompts (the cached unit): arrays ``(inputs, prompts)``.

    The all-information prompts (each input's last, several times longer
    than the others) are scored in a call of their own: in one batch with
    the short prompts they would pad every row to their length.
    """
    shape = (len(prompts), len(prompts[0]))
    short = answer_logprobs(receiver, [q for qs in prompts for q in qs[:-1]],
                            [a for qs, a in zip(prompts, answers) for _ in qs[:-1]])
    long = answer_logprobs(receiver, [qs[-1] for qs in prompts], list(answers))
    scores = np.column_stack([np.asarray(short, dtype=float).reshape(shape[0], shape[1] - 1), long])
    tokens = [count_tokens(receiver.tokenizer, q) for qs in prompts for q in qs]
    return {"scores": scores, "tokens": np.asarray(tokens, dtype=int).reshape(shape)}


def utility_table(receiver: Receiver, problems: Iterable[Problem | CodeProblem], items: dict, *,
                  shots: Sequence[tuple[str, str, str]] = (),
                  cache: Store | str | os.PathLike[str] | Literal[False] | None = None, progress: bool = True,
                  block_inputs: int = 8) -> UtilityTable:
    """Score every problem's 7 one-item prompts, and its no- and all-information prompts.

    ``problems``: math :class:`~persuasion.llm.tasks.Problem` or HumanEval
    :class:`~persuasion.llm.code.CodeProblem` (see :func:`~persuasion.llm.prompts.task_prompt`).
    ``items`` maps a problem id to its 7 items; ``shots`` are few-shot
    ``(question, answer, reasoning)`` triples for base (non-chat) Receivers on math. ``cache``:
    ``None`` (the default store under ``$PERSUASION_CACHE``), a folder, a
    :class:`~persuasion.llm.cache.Store`, or ``False`` for none.
    ``block_inputs``: inputs scored together (one batched call, one cache entry).

    With the tiny random Receiver of :mod:`persuasion.llm.toy` (its numbers
    mean nothing), two synthetic problems and seven short items each:

    >>> from persuasion.llm.tasks import synthetic_problems
    >>> from persuasion.llm.toy import toy_receiver
    >>> problems = synthetic_problems(2, rng=0, max_steps=2)
    >>> items = {
    ...     p.id: [f"Fact {k}: {k} + {k} = {2 * k}." for k in range(1, 8)] for p in problems
    ... }
    >>> table = utility_table(toy_receiver(), problems, items, cache=False, progress=False)
    >>> table.ids, table.items.shape
    (('synthetic-0', 'synthetic-1'), (2, 7))
    >>> table.items.round(2)
    array([[-15.94, -15.88, -15.81, -15.69, -16.06, -15.82, -15.98],
           [-14.31, -14.3 , -14.1 , -14.28, -14.08, -13.92, -14.13]])
    >>> table.none.round(2), table.all.round(2)
    (array([-14.73, -14.29]), array([-16.03, -15.98]))
    >>> table.tokens_none, table.tokens_all  # prompt lengths in tokens (one per character)
    (array([198, 268]), array([376, 446]))
    """
    return _score(receiver, problems, items, shots, as_store(cache), progress, block_inputs)[0]


def _score(receiver, problems, items: dict, shots, store, progress: bool, block_inputs: int, *,
           shard: tuple[int, int] | None = None) -> tuple[UtilityTable, list] | None:
    """The utility table of ``problems``, and each problem's prompts (item 0, ..., item 6, no, all information).

    ``shard=(rank, world)``: only fill the cache with the blocks ``rank, rank
    + world, ...`` and return ``None`` (data parallelism, see
    :func:`persuasion.llm.experiment.prefill`).
    """
    problems = list(problems)
    if not problems:
        raise ValueError("problems must not be empty")
    missing = [p.id for p in problems if p.id not in items]
    if missing:
        raise ValueError(f"items has no entry for {len(missing)} problem(s), e.g. {missing[0]!r}")
    if store.enabled and not getattr(receiver, "fingerprint", ""):
        raise ValueError("receiver.fingerprint is empty: load Receivers with load_receiver, or pass cache=False")
    counts = {len(items[p.id]) for p in problems}
    if len(counts) != 1:
        raise ValueError(f"every problem must have the same number of items; got {sorted(counts)}")
    prompts = [tuple([task_prompt(receiver, p, items[p.id], Structure.POSTERIOR, item=c, shots=shots)
                      for c in range(len(items[p.id]))]
                     + [task_prompt(receiver, p, items[p.id], s, shots=shots) for s in (Structure.NO, Structure.ALL)])
               for p in problems]
    answers = [reference_answer(p) for p in problems]
    scores = np.empty((len(problems), len(prompts[0])))
    tokens = np.empty((len(problems), len(prompts[0])), dtype=int)
    jobs = []
    for block in blocks(len(problems), block_inputs, shard):
        block_prompts, block_answers = [prompts[k] for k in block], [answers[k] for k in block]
        key = {"receiver": receiver.fingerprint, "prompts": [list(q) for q in block_prompts], "answers": block_answers}
        jobs.append((block, key, functools.partial(_score_block, receiver, block_prompts, block_answers)))
    for block, entry in cached_blocks(store, "scores", jobs, tokens=lambda e: int(e["tokens"].sum()),
                                      progress=progress, desc=f"scoring with {receiver.name}"):
        scores[block.start:block.stop], tokens[block.start:block.stop] = entry["scores"], entry["tokens"]
    if shard is not None:
        return None
    n = scores.shape[1] - 2
    table = UtilityTable(ids=tuple(p.id for p in problems), items=scores[:, :n], none=scores[:, n],
                         all=scores[:, n + 1], tokens_items=tokens[:, :n], tokens_none=tokens[:, n],
                         tokens_all=tokens[:, n + 1])
    return table, [list(q) for q in prompts]


# -- the utilities stage -----------------------------------------------------------------


@dataclass
class Utilities:
    """The utilities stage's output, per Receiver (by name): its table over all inputs, and their prompts.

    Rows follow :attr:`Inputs.problems <persuasion.llm.tasks.Inputs>`; each
    input's prompts are those of item 0, ..., item 6, no and all information.

    :func:`score_utilities` builds one; by hand (one input, one item), and through plain JSON data and back:

    >>> table = UtilityTable(
    ...     ("p1",),
    ...     np.array([[-0.5]]),
    ...     np.array([-2.0]),
    ...     np.array([-1.0]),
    ...     np.array([[30]]),
    ...     np.array([25]),
    ...     np.array([40]),
    ... )
    >>> utilities = Utilities(
    ...     {"R": table},
    ...     {"R": [["item 0 prompt", "no-information prompt", "all-items prompt"]]},
    ... )
    >>> utilities.to_dict()["tables"]["R"]["none"]
    {'__ndarray__': '<f8', 'shape': [1], 'data': [-2.0]}
    >>> again = Utilities.from_dict(utilities.to_dict())
    >>> again.tables["R"].ids, again.tables["R"].items
    (('p1',), array([[-0.5]]))
    """

    tables: dict[str, UtilityTable]
    prompts: dict[str, list[list[str]]]

    def to_dict(self) -> dict:
        return {"tables": {r: encode(asdict(t)) for r, t in self.tables.items()}, "prompts": self.prompts}

    @classmethod
    def from_dict(cls, data: dict) -> Utilities:
        tables = {r: UtilityTable(**{**decode(t), "ids": tuple(t["ids"])}) for r, t in data["tables"].items()}
        return cls(tables, data["prompts"])


def score_utilities(inputs: Inputs, items: Items, receivers: Iterable[Receiver], *,
                    cache: Store | str | os.PathLike[str] | Literal[False] | None = None, progress: bool = True,
                    block_inputs: int = 8) -> Utilities:
    """The utilities stage: every Receiver's utility table over all inputs (cached per block of inputs, see above).

    With the tiny random Receiver of :mod:`persuasion.llm.toy` (its numbers
    mean nothing), two synthetic inputs (a training and a test input) and
    seven short items each:

    >>> from persuasion.llm.tasks import synthetic_problems
    >>> from persuasion.llm.toy import toy_receiver
    >>> problems = synthetic_problems(2, rng=0, max_steps=2)
    >>> rows = {"train": [0], "val": [], "test": [1], "easy_train": [0], "easy_val": []}
    >>> inputs = Inputs("synthetic", "synthetic", problems, rows, threshold=2, data_hash="")
    >>> items = Items(
    ...     {
    ...         p.id: [f"Fact {k}: {k} + {k} = {2 * k}." for k in range(1, 8)]
    ...         for p in problems
    ...     },
    ...     {p.id: [] for p in problems},
    ... )
    >>> utilities = score_utilities(
    ...     inputs, items, [toy_receiver()], cache=False, progress=False
    ... )
    >>> list(utilities.tables), utilities.tables["toy"].items.shape
    (['toy'], (2, 7))
    >>> # an input's prompts: item 0, ..., item 6, no and all information
    >>> len(utilities.prompts["toy"][0])
    9
    >>> utilities.tables["toy"].none.round(2)  # as utility_table's
    array([-14.73, -14.29])
    """
    store = as_store(cache)
    scored = {r.name: _score(r, inputs.problems, items.by_input, inputs.shots, store, progress, block_inputs)
              for r in receivers}
    return Utilities({r: table for r, (table, _) in scored.items()}, {r: prompts for r, (_, prompts) in scored.items()})
