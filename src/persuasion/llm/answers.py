r"""Answers: where a generated answer ends, what it says, and whether it is right.

* :func:`generation_stops`: where generation stops (maths: after "The answer
  is N."; code: before the next top-level statement, :data:`STOP_SEQUENCES`);
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
import re

from .cache import as_store
from .code import CodeProblem
from .sandbox import run_untrusted

__all__ = ["STOP_SEQUENCES", "ANSWER_DONE", "generation_stops", "extract_completion", "extract_last_number",
           "is_correct"]

#: Where a completion of a HumanEval function body ends (the usual stop sequences).
STOP_SEQUENCES = ("\ndef ", "\nclass ", "\nif __name__", "\nprint(", "\n#", "\nassert ")

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


#: Where a reasoned maths answer is complete: the cue, a number, then the end of the sentence or line.
ANSWER_DONE = re.compile(r"The answer is[^\n]*?\d[^\n]*?(?:\.\s|\n)")


def generation_stops(kind: str, chat: bool) -> tuple:
    r"""Where a generated answer ends, besides the end-of-sequence token.

    Code: before the next top-level statement (:data:`STOP_SEQUENCES`). Math:
    after the first complete "The answer is N." (:data:`ANSWER_DONE`, the
    answer kept), and for a base model also where lm-evaluation-harness's
    ``gsm8k_cot`` ends a response, before a blank line or the next ``"Q:"``.

    >>> from persuasion.llm.receiver import stop_index
    >>> text = "3 + 4 = 7 pens.\nThe answer is 7.\nThe answer is 7."
    >>> text[: stop_index(text, generation_stops("math", chat=True))]
    '3 + 4 = 7 pens.\nThe answer is 7.\n'
    >>> text = "She pays $1,018.50 in all. The answer is $1,018.50. \n\nQ: Tom has"
    >>> text[: stop_index(text, generation_stops("math", chat=False))]
    'She pays $1,018.50 in all. The answer is $1,018.50. '
    >>> text = "3 + 4 = 7 pens.\n\nQ: Tom has"
    >>> text[: stop_index(text, generation_stops("math", chat=False))]
    '3 + 4 = 7 pens.'
    """
    if kind == "code":
        return STOP_SEQUENCES
    return (ANSWER_DONE,) if chat else (ANSWER_DONE, "\n\n", "Q:")


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
    for stop in STOP_SEQUENCES:
        k = generated.find(stop)
        if k != -1:
            cut = min(cut, k)
    return generated[:cut]


def is_correct(problem, text: str, *, cache=None, timeout: float = 5.0) -> bool:
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
