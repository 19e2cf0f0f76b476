r"""Information items: seven solved problems per input, retrieved from the training split.

Bai et al. had Llama3-8B-Instruct write seven items per input from the input.
No model of that kind ships with this package, so the items are retrieved
instead: the seven problems of the **training split** whose questions are
nearest the input's question (cosine similarity of all-MiniLM-L6-v2
embeddings, nearest first), each shown as a solved example. Item
construction reads the input's question (or, for code, its prompt) and the
training split, never the input's own solution, answer or tests, so no item
can carry the answer unless another problem happens to share it; the
items stage measures how often that happens (:func:`answer_share`, with a
control).

* GSM8K: the first :attr:`~persuasion.llm.config.ExperimentConfig.pool` problems of ``train.jsonl``
  (1,000 at book and full scale, 100 at smoke scale)
  (after the few-shot examples); an item reads "A solved problem: <question>
  The answer is <answer>.": the question and its final answer, without the
  worked solution (which would triple an item's length: 157 SmolLM2 tokens
  on average against 71, over the first 1,000 training problems). A
  training input never retrieves itself.
* Synthetic problems: the same, from the synthetic training split.
* HumanEval has no training split: the pool is every HumanEval problem that
  is not a test input, and an item is another function's ``def`` line and
  canonical body.

A user can supply their own items instead (:func:`load_items`, JSONL with
``{"id": ..., "items": [...]}`` per line).

The experiment's items stage, :func:`build_items`, builds the items of
every input an :class:`~persuasion.llm.tasks.Inputs` holds: an :class:`Items`.

>>> from persuasion.llm.tasks import parse_gsm8k
>>> p = parse_gsm8k("Tom has 3 pens and buys 4 more. How many pens?",
...                 "He has 3 + 4 = <<3+4=7>>7 pens.\n#### 7", id="gsm8k-train-5")
>>> solved_item(p)
'A solved problem: Tom has 3 pens and buys 4 more. How many pens? The answer is 7.'
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import ArrayLike

from .code import CodeProblem
from .tasks import Inputs, Problem

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedTokenizerBase

    from .cache import Store

__all__ = ["N_ITEMS", "solved_item", "nearest_items", "answer_share", "load_items", "Items", "build_items"]

N_ITEMS = 7

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def solved_item(problem: Problem | CodeProblem) -> str:
    """``problem`` shown as a solved example: the text of one item.

    >>> from persuasion.llm.code import CodeProblem
    >>> add = CodeProblem(
    ...     "HumanEval/0",
    ...     "def add(a, b):\\n    # Sum.\\n",
    ...     "    return a + b\\n",
    ...     "",
    ...     "add",
    ... )
    >>> print(solved_item(add))
    A solved function like this one:
    def add(a, b):
        return a + b
    """
    if isinstance(problem, CodeProblem):
        head = next((line for line in problem.prompt.splitlines() if line.startswith(f"def {problem.entry_point}")),
                    f"def {problem.entry_point}(...):")
        return "A solved function like this one:\n" + head + "\n" + problem.canonical_solution.rstrip("\n")
    return f"A solved problem: {problem.question} The answer is {problem.answer}."


def _text(problem) -> str:
    """What is embedded: the question, or a code problem's prompt."""
    return problem.prompt if isinstance(problem, CodeProblem) else problem.question


def nearest_items(query: ArrayLike, pool: ArrayLike, exclude: Collection[int] = (), k: int = N_ITEMS) -> list[int]:
    """Positions of the ``k`` rows of ``pool`` nearest ``query`` (largest dot product), nearest first.

    ``query``: shape (d,); ``pool``: shape (m, d), unit rows; rows in
    ``exclude`` are skipped. Ties go to the earlier row.

    >>> pool = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8], [0.8, 0.6]])
    >>> nearest_items(np.array([1.0, 0.0]), pool, exclude={0}, k=2)
    [3, 2]
    """
    query, pool = np.asarray(query, dtype=float), np.asarray(pool, dtype=float)
    if pool.ndim != 2 or query.shape != pool.shape[1:]:
        raise ValueError(f"query must have shape (d,) and pool (m, d); got {query.shape} and {pool.shape}")
    order = [int(i) for i in np.argsort(-(pool @ query), kind="stable") if int(i) not in set(exclude)]
    if len(order) < k:
        raise ValueError(f"pool must hold at least k = {k} rows outside exclude; it holds {len(order)}")
    return order[:k]


def _embed(texts: list[str], encoder, store, progress: bool) -> np.ndarray:
    """Embeddings of ``texts``, cached in chunks of 256 texts."""
    from tqdm.auto import tqdm

    from .encoder import embed
    from .models import encoder_fingerprint

    fingerprint = encoder_fingerprint(encoder) if store.enabled else ""
    chunks = [texts[i : i + 256] for i in range(0, len(texts), 256)]
    out = []
    for chunk in tqdm(chunks, desc="embedding questions", disable=not progress or len(chunks) < 2):
        key = {"encoder": fingerprint, "texts": hashlib.sha256(json.dumps(chunk).encode()).hexdigest()}
        out.append(store.get_or_compute("embeddings", key, lambda c=chunk: {"emb": embed(c, encoder)})["emb"])
    return np.concatenate(out)


def answer_share(inputs: Inputs, items: Items | Mapping[str, Sequence[str]]) -> dict:
    """How many items state their input's answer, beside a control: the same count against another input's items.

    Math: an item *states* the answer when one of its numbers equals the
    input's final answer. Code: when it contains a line (15 characters or
    more) of the input's canonical solution or of its tests. The control
    pairs input ``k``'s answer with the items of input ``k + 1`` (cyclically):
    answers that appear by chance appear as often there. ``by_input`` holds
    the two counts of every input, for a paired comparison.

    >>> from persuasion.llm.tasks import synthetic_problems
    >>> problems = synthetic_problems(2, 0)
    >>> inputs = Inputs("synthetic", "synthetic", problems, {}, 0, "", ())
    >>> items = {
    ...     problems[0].id: ["The answer is 18."] * 7,
    ...     problems[1].id: ["No number here."] * 7,
    ... }
    >>> answer_share(inputs, items)
    {'items': 14, 'stating': 7, 'control': 0, 'by_input': [[7, 0], [0, 0]]}
    """
    by_input = items.by_input if isinstance(items, Items) else items
    problems = inputs.problems
    n, counts = 0, []
    for k, p in enumerate(problems):
        other = by_input[problems[(k + 1) % len(problems)].id]
        n += len(by_input[p.id])
        counts.append([sum(_states(p, text) for text in by_input[p.id]), sum(_states(p, text) for text in other)])
    return {"items": n, "stating": sum(s for s, _ in counts), "control": sum(c for _, c in counts),
            "by_input": counts}


def _states(problem, text: str) -> bool:
    if isinstance(problem, CodeProblem):
        lines = [line.strip() for line in (problem.canonical_solution + "\n" + problem.test).splitlines()]
        return any(len(line) >= 15 and line in text for line in lines)
    try:
        answer = float(problem.answer.replace(",", ""))
    except ValueError:
        return problem.answer in text
    return any(float(m.replace(",", "")) == answer for m in _NUMBER.findall(text) if m.strip("-,"))


def load_items(path: str | os.PathLike[str]) -> dict[str, list[str]]:
    """User-supplied items: one JSON object per line, ``{"id": str, "items": [7 strings]}``.

    >>> import tempfile
    >>> line = json.dumps({"id": "p1", "items": [f"Hint {k}." for k in range(1, 8)]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "items.jsonl").write_text(line + "\\n")
    ...     items = load_items(Path(folder) / "items.jsonl")
    >>> items["p1"][:2], len(items["p1"])
    (['Hint 1.', 'Hint 2.'], 7)
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"items file not found: {path}")
    out = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            items = rec.get("items")
            if not isinstance(rec.get("id"), str) or not isinstance(items, list):
                raise ValueError(f"{path}:{n}: each line needs 'id' (str) and 'items' (list)")
            if len(items) != N_ITEMS or not all(isinstance(i, str) for i in items):
                raise ValueError(f"{path}:{n}: 'items' must hold {N_ITEMS} strings; got {len(items)}")
            out[rec["id"]] = items
    return out


# -- the items stage ---------------------------------------------------------------------


@dataclass
class Items:
    """The items stage's output: the seven items of every input, by input id, and where they came from.

    ``sources[id]``: the ids of the seven retrieved problems, nearest first.
    ``answer_share``: how many items state their input's answer, beside the
    control (:func:`answer_share`); :func:`build_items` measures it, and items
    built by hand leave it empty.

    :func:`build_items` builds one; by hand, and through plain data and back:

    >>> items = Items(
    ...     {"p1": [f"Hint {k}." for k in range(1, 8)]},
    ...     {"p1": [f"q{k}" for k in range(1, 8)]},
    ... )
    >>> items.by_input["p1"][0], items.sources["p1"][0]
    ('Hint 1.', 'q1')
    >>> Items.from_dict(items.to_dict()) == items
    True
    """

    by_input: dict[str, list[str]]
    sources: dict[str, list[str]]
    answer_share: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"by_input": self.by_input, "sources": self.sources, "answer_share": self.answer_share}

    @classmethod
    def from_dict(cls, data: dict) -> Items:
        return cls(data["by_input"], data["sources"], data["answer_share"])


def build_items(inputs: Inputs, pool: Iterable[Problem | CodeProblem],
                encoder: tuple[torch.nn.Module, PreTrainedTokenizerBase], *,
                cache: Store | str | os.PathLike[str] | Literal[False] | None = None, progress: bool = True) -> Items:
    """The items stage: for every input, the seven nearest problems of ``pool``, as solved examples.

    ``pool``: the problems items may come from, never a test input
    (:func:`~persuasion.llm.tasks.retrieval_pool` of ``inputs``, as the
    experiment passes it). ``encoder``: a loaded ``(model, tokenizer)``
    sentence encoder (the Advisor's). ``cache``: as for :func:`~persuasion.llm.utilities.score_utilities`;
    the pool's embeddings are cached, so a second run embeds only the inputs.

    HumanEval's inputs at the smoke scale, their items retrieved from the
    other 162 problems with the tiny random encoder of
    :mod:`persuasion.llm.toy` (so the neighbours are arbitrary; no input is
    its own item):

    >>> from persuasion.llm.config import config_for
    >>> from persuasion.llm.tasks import draw_inputs, retrieval_pool
    >>> from persuasion.llm.toy import toy_encoder
    >>> inputs = draw_inputs(config_for("humaneval", "smoke"))
    >>> items = build_items(
    ...     inputs, retrieval_pool(inputs, 1000), toy_encoder(), cache=False, progress=False
    ... )
    >>> len(items.by_input), {len(its) for its in items.by_input.values()}
    (5, {7})
    >>> first = inputs.problems[0].id
    >>> first, items.sources[first][:3], first in items.sources[first]
    ('HumanEval/127', ['HumanEval/137', 'HumanEval/71', 'HumanEval/136'], False)
    >>> print("\\n".join(items.by_input[first][0].splitlines()[:2]))
    A solved function like this one:
    def compare_one(a, b):
    """
    from .cache import as_store

    store = as_store(cache)
    pool = list(pool)
    pool_emb = _embed([_text(p) for p in pool], encoder, store, progress)
    query_emb = _embed([_text(p) for p in inputs.problems], encoder, store, progress)
    position = {p.id: i for i, p in enumerate(pool)}
    by_input, sources = {}, {}
    for p, q in zip(inputs.problems, query_emb):
        chosen = nearest_items(q, pool_emb, exclude={position[p.id]} if p.id in position else ())
        by_input[p.id] = [solved_item(pool[i]) for i in chosen]
        sources[p.id] = [pool[i].id for i in chosen]
    return Items(by_input, sources, answer_share(inputs, by_input))
