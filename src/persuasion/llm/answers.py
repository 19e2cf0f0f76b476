r"""Answers: what a generated answer says, and whether it is right.

(Where generation stops is part of the prompt format:
:func:`~persuasion.llm.prompts.generation_stops`.)

* :func:`extract_last_number` (maths: the paper's answer extraction) and
  :func:`extract_completion` (code: the function body, cut at the first of
  :data:`STOP_SEQUENCES`);
* :func:`is_correct`: a maths answer's last number is the reference answer; a
  program passes its tests in the sandbox (:mod:`persuasion.llm.sandbox`).

The evaluation stage (:mod:`persuasion.llm.evaluate`) scores each
generation with :func:`is_correct`.

>>> extract_last_number("She pays 3 * 4 = $12. The answer is 12.")
'12'
"""

from __future__ import annotations

import functools
import os
import re
from typing import TYPE_CHECKING, Literal

from .cache import Store, as_store
from .code import CodeProblem
from .prompts import STOP_SEQUENCES
from .sandbox import run_untrusted

if TYPE_CHECKING:
    from .tasks import Problem

__all__ = ["extract_completion", "extract_last_number", "is_correct"]

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def extract_last_number(text: str) -> str | None:
    """The last number in ``text``, commas removed (the paper's GSM8K answer extraction).

    >>> extract_last_number("So she makes 9 * 2 = $18 a day. The answer is 1,018.")
    '1018'
    """
    found = _NUMBER.findall(text)
    if not found:
        return None
    number = found[-1].replace(",", "")
    return number[:-2] if number.endswith(".0") else number


def extract_completion(generated: str) -> str:
    """The function body a model generated after the prompt, cut at the first stop sequence.

    >>> extract_completion("    return a + b\\ndef other():\\n    pass")
    '    return a + b'
    """
    cut = len(generated)
    for stop in STOP_SEQUENCES:  # where a function body ends
        k = generated.find(stop)
        if k != -1:
            cut = min(cut, k)
    return generated[:cut]


def is_correct(problem: Problem | CodeProblem, text: str, *,
               cache: Store | str | os.PathLike[str] | Literal[False] | None = None, timeout: float = 5.0) -> bool:
    """Whether ``text``, generated after ``problem``'s prompt, answers it.

    Math: its last number is the answer. Code: the completion (cut at the
    first stop sequence) passes the problem's tests in the sandbox, within
    ``timeout`` seconds; the verdict is cached (``cache`` as for
    :func:`~persuasion.llm.cache.as_store`).

    >>> from persuasion.llm.tasks import Problem
    >>> problem = Problem(id="p1", question="What is 6 times 7?", answer="42", steps=())
    >>> is_correct(problem, "6 times 7 is 42."), is_correct(problem, "It is 41, or 40.")
    (True, False)
    """
    if not isinstance(problem, CodeProblem):
        return extract_last_number(text) == problem.answer
    program = (problem.prompt + extract_completion(text) + "\n\n" + problem.test
               + f"\n\ncheck({problem.entry_point})\n")
    key = {"program": program, "timeout": float(timeout)}
    return bool(as_store(cache).get_or_compute("sandbox", key, functools.partial(_passes, program, timeout)))


def _passes(program: str, timeout: float) -> bool:
    return bool(run_untrusted(program, timeout=timeout).passed)
