r"""Information items: seven hints per input, each stressing a different aspect.

Bai et al. generated their items with Llama3-8B-Instruct. Here they are
built deterministically from the data, so that the experiments run offline
and reproducibly: for a math problem,

0. the first sub-question (what to compute first);
1. the first solution step with its result masked;
2. the key quantities of the question;
3. a strategy hint (how many steps the solution takes);
4. the last solution step with its result masked;
5. a distractor: a step from another problem, masked;
6. a distractor: a sub-question from another problem.

A user can supply their own items instead (:func:`load_items`, JSONL with
``{"id": ..., "items": [...]}`` per line). HumanEval's items are
:func:`persuasion.llm.code.code_items`.

The experiment's items stage, :func:`build_items`, builds the items of
every input an :class:`~persuasion.llm.tasks.Inputs` holds: an :class:`Items`.

>>> from persuasion.llm.tasks import parse_gsm8k
>>> p = parse_gsm8k("Tom has 3 pens and buys 4 more. How many pens?",
...                 "How many pens? ** He has 3 + 4 = <<3+4=7>>7 pens.\n#### 7")
>>> mask_results("He has 3 + 4 = <<3+4=7>>7 pens.")
'He has 3 + 4 = ? pens.'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .code import code_items_for
from .tasks import Inputs, Problem

__all__ = ["N_ITEMS", "ITEM_KINDS", "mask_results", "math_items", "items_for", "load_items", "Items", "build_items"]

N_ITEMS = 7
ITEM_KINDS = (
    "first sub-question",
    "first step, result masked",
    "key quantities",
    "strategy",
    "last step, result masked",
    "distractor step",
    "distractor sub-question",
)

_CALC = re.compile(r"<<[^>]*>>\s*-?\$?[\d,.]+")
_EQ_RESULT = re.compile(r"=\s*-?\$?[\d,.]+")


def mask_results(step: str) -> str:
    """Hide the results a solution step states (GSM8K calculator annotations and ``= number``).

    >>> mask_results("3 + 2 = <<3+2=5>>5 apples"), mask_results("17 - 1 = 16")
    ('3 + 2 = ? apples', '17 - 1 = ?')
    """
    step = _CALC.sub("?", step)
    return _EQ_RESULT.sub("= ?", step)


def math_items(problem: Problem, others, rng) -> list[str]:
    """The seven items of a math problem; ``others`` supplies the distractors.

    >>> from persuasion.llm.tasks import synthetic_problems
    >>> problems = synthetic_problems(3, rng=0)
    >>> items = math_items(problems[0], problems, rng=0)
    >>> len(items), items[:3]
    (7, ['How many cookies does Gus have after step 1?', 'First: 17 - 1 = ?', 'The quantities given are 17, 1, 2.'])
    """
    others = [o for o in others if o.id != problem.id]
    if not others:
        raise ValueError("others must hold at least one other problem (for the distractors)")
    if not problem.steps:
        raise ValueError(f"problem {problem.id!r} has no solution steps to build items from")
    rng = np.random.default_rng(rng)
    other = others[int(rng.integers(len(others)))]
    other2 = others[int(rng.integers(len(others)))]
    first_sub = problem.subquestions[0] if problem.subquestions else "What quantity should be computed first?"
    numbers = re.findall(r"\d[\d,]*(?:\.\d+)?", problem.question)
    quantities = "The quantities given are " + (", ".join(numbers) if numbers else "stated in words") + "."
    plural = "s" if problem.difficulty != 1 else ""
    strategy = f"Work it out step by step; the solution takes {problem.difficulty} calculation{plural}."
    distractor_sub = other2.subquestions[0] if other2.subquestions else mask_results(other2.steps[0])
    return [
        first_sub,
        "First: " + mask_results(problem.steps[0]),
        quantities,
        strategy,
        "Finally: " + mask_results(problem.steps[-1]),
        mask_results(other.steps[int(rng.integers(len(other.steps)))]),
        distractor_sub,
    ]


def items_for(problems, seed: int = 0) -> dict[str, list[str]]:
    """Items for every problem, deterministic given ``seed`` and the problem ids.

    >>> from persuasion.llm.tasks import synthetic_problems
    >>> items = items_for(synthetic_problems(3, rng=0))
    >>> sorted(items), [len(v) for v in items.values()]
    (['synthetic-0', 'synthetic-1', 'synthetic-2'], [7, 7, 7])
    """
    problems = list(problems)
    out = {}
    for k, p in enumerate(problems):
        out[p.id] = math_items(p, problems, np.random.default_rng([seed, k]))
    return out


def load_items(path) -> dict[str, list[str]]:
    """User-supplied items: one JSON object per line, ``{"id": str, "items": [7 strings]}``."""
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
    """The items stage's output: the seven items of every input, by input id."""

    by_input: dict[str, list[str]]

    def to_dict(self) -> dict:
        return {"by_input": self.by_input}

    @classmethod
    def from_dict(cls, data: dict) -> Items:
        return cls(data["by_input"])


def build_items(inputs: Inputs, seed: int) -> Items:
    """The items stage: the items of every input (deterministic given ``seed`` and the order drawn)."""
    make = code_items_for if inputs.source == "humaneval" else items_for
    return Items(make([inputs.problems[k] for k in inputs.drawn], seed))
