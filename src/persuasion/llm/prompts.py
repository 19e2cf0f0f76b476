r"""Prompts for the four information structures of Bai et al., per Receiver family.

* ``Structure.NO``: the question alone;
* ``Structure.ALL``: the question with all seven items;
* ``Structure.PRIOR`` / ``Structure.POSTERIOR``: the question with one
  item (drawn from the prior, or chosen by the Advisor: the caller picks it).

Math prompts come in two forms, built by one function, :func:`build_prompt`:

* the **generation** prompt, from which the Receiver reasons step by step
  (chain of thought) and ends with "The answer is N."; its accuracy is the
  last number of the response;
* the **scoring** prompt: the generation prompt followed by the answer cue
  :data:`ANSWER_CUE` (``"The answer is"``). The utility of Bai et al.,
  :math:`\log P(\text{answer} \mid x, c)`, is the log-probability of the
  tokens of ``" " + reference`` right after it: the answer's tokens only, with
  no reasoning in between.

Instruct models get their chat template (the user turn holds instructions,
question and hints; the assistant turn is opened, and for scoring begins
with the cue). Base models get the few-shot format of lm-evaluation-harness's
``gsm8k_cot`` task: worked examples ``"Q: ...\nA: <reasoning> The answer is N.\n\n"``,
then the question and its hints, ending in ``"A:"`` (generation) or
``"A: The answer is"`` (scoring). :func:`generation_prompt` recovers the
generation prompt from a scoring prompt, and :func:`generation_stops` says
where a response to it ends.

Code tasks (HumanEval) are plain completions for every Receiver, one
prompt for both: the hints are comment lines at the top of the function
body, after the problem's own prompt (so all of an input's prompts share
that prompt as a prefix), and the scored answer is the canonical solution.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..protocol import Structure

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

    from .code import CodeProblem
    from .models import Receiver
    from .tasks import Problem

__all__ = ["STRUCTURES", "ANSWER_CUE", "STOP_SEQUENCES", "ANSWER_DONE", "build_prompt", "build_code_prompt",
           "task_prompt", "generation_prompt", "generation_stops", "reference_answer", "count_tokens"]

STRUCTURES = (Structure.NO, Structure.ALL, Structure.PRIOR, Structure.POSTERIOR)
INSTRUCTION = 'Solve the problem step by step. End with "The answer is" and the final answer as a number.'
#: What a scoring prompt adds to the generation prompt; the scored answer's tokens follow it.
ANSWER_CUE = "The answer is"


def _body(question: str, hints: list[str]) -> str:
    text = f"Question: {question}"
    if hints:
        text += "\n" + "\n".join(f"Hint: {h}" for h in hints)
    return text


def _shot(shot) -> str:
    """One worked example of the base-model format, from ``(question, answer, reasoning)``."""
    if isinstance(shot, str) or len(shot) != 3:
        raise ValueError(f"each shot must be (question, answer, reasoning); got {shot!r}")
    question, answer, reasoning = shot
    worked = (reasoning + " ") if reasoning else ""
    return f"Q: {question}\nA: {worked}{ANSWER_CUE} {answer}.\n\n"


def build_prompt(tokenizer: PreTrainedTokenizerBase | None, question: str, items: Iterable[str], structure: str, *,
                 item: int | None = None, chat: bool = True, shots: Iterable[tuple[str, str, str]] = ()) -> str:
    r"""The scoring prompt for ``structure`` (:func:`generation_prompt` gives the generation prompt);
    ``item`` indexes the shown item for the one-item structures.

    ``shots``: worked ``(question, answer, reasoning)`` examples for base models.

    A base model's prompt (``chat=False``) is plain text; the tokenizer is used only for a chat template:

    >>> items = ["Multiply the two numbers.", "6 * 7 = 42"]
    >>> shots = [("What is 1 + 1?", "2", "One and one make 2.")]
    >>> print(
    ...     build_prompt(
    ...         None,
    ...         "What is 6 times 7?",
    ...         items,
    ...         Structure.PRIOR,
    ...         item=1,
    ...         chat=False,
    ...         shots=shots,
    ...     )
    ... )
    Solve the problem step by step. End with "The answer is" and the final answer as a number.
    <BLANKLINE>
    Q: What is 1 + 1?
    A: One and one make 2. The answer is 2.
    <BLANKLINE>
    Q: What is 6 times 7?
    Hint: 6 * 7 = 42
    A: The answer is
    >>> generation_prompt(
    ...     build_prompt(None, "What is 6 times 7?", items, Structure.NO, chat=False)
    ... )[-24:]
    'Q: What is 6 times 7?\nA:'
    """
    hints = _hints(items, structure, item)
    if chat:
        messages = [{"role": "user", "content": INSTRUCTION + "\n\n" + _body(question, hints)}]
        text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return text + ANSWER_CUE
    hint_lines = "".join(f"Hint: {h}\n" for h in hints)
    return INSTRUCTION + "\n\n" + "".join(_shot(s) for s in shots) + f"Q: {question}\n{hint_lines}A: " + ANSWER_CUE


#: Where a completion of a HumanEval function body ends (the usual stop sequences).
STOP_SEQUENCES = ("\ndef ", "\nclass ", "\nif __name__", "\nprint(", "\n#", "\nassert ")

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


def generation_prompt(prompt: str, kind: str = "math") -> str:
    r"""The generation prompt of a scoring ``prompt`` (``kind="code"``: the same prompt).

    >>> generation_prompt("Q: What is 6 times 7?\nA: The answer is")
    'Q: What is 6 times 7?\nA:'
    >>> generation_prompt("Q: What is 6 times 7?\nA:")
    Traceback (most recent call last):
    ...
    ValueError: a math scoring prompt ends with 'The answer is'; got '...hat is 6 times 7?\nA:'
    """
    if kind == "code":
        return prompt
    for cue in (" " + ANSWER_CUE, ANSWER_CUE):  # as build_prompt appends it: after "A:" (base), or a chat turn
        if prompt.endswith(cue):
            return prompt[: -len(cue)]
    raise ValueError(f"a math scoring prompt ends with {ANSWER_CUE!r}; got {'...' + prompt[-20:]!r}")


def _hints(items, structure: str, item):
    items = list(items)
    if structure not in STRUCTURES:
        raise ValueError(f"structure must be one of {STRUCTURES}; got {structure!r}")
    if structure == Structure.NO:
        return []
    if structure == Structure.ALL:
        return items
    if item is None or not 0 <= item < len(items):
        raise ValueError(f"{structure} needs item = an index in [0, {len(items)}); got {item!r}")
    return [items[item]]


def build_code_prompt(prompt: str, items: Iterable[str], structure: str, *, item: int | None = None) -> str:
    """A HumanEval prompt with the structure's hints as comments opening the function body.

    >>> print(
    ...     build_code_prompt(
    ...         "def add(a, b):\\n", ["Use +.", "Return the sum."], Structure.ALL
    ...     ),
    ...     end="",
    ... )
    def add(a, b):
        # Hint: Use +.
        # Hint: Return the sum.
    >>> build_code_prompt("def add(a, b):\\n", ["Use +.", "Return the sum."], Structure.NO)
    'def add(a, b):\\n'
    """
    hints = _hints(items, structure, item)
    return prompt + "".join(_comment(h) for h in hints)


def _comment(hint: str) -> str:
    """``hint`` as comment lines in a function body (every line of a multi-line hint commented).

    >>> print(
    ...     _comment("A solved function like this one:\\ndef f(x):\\n    return x"), end=""
    ... )
        # Hint: A solved function like this one:
        #   def f(x):
        #       return x
    """
    first, *rest = hint.splitlines() or [""]
    return f"    # Hint: {first}\n" + "".join(f"    #   {line}\n" for line in rest)


def task_prompt(receiver: Receiver, problem: Problem | CodeProblem, items: Iterable[str], structure: str, *,
                item: int | None = None, shots: Iterable[tuple[str, str, str]] = ()) -> str:
    """The prompt for a math :class:`~persuasion.llm.tasks.Problem` or a HumanEval problem.

    Only the Receiver's ``tokenizer`` and ``chat`` are read; a base Receiver's prompt is plain text:

    >>> from types import SimpleNamespace
    >>> from persuasion.llm.tasks import Problem
    >>> base = SimpleNamespace(tokenizer=None, chat=False)
    >>> problem = Problem(
    ...     id="p1", question="What is 6 times 7?", answer="42", steps=("6 * 7 = 42",)
    ... )
    >>> print(task_prompt(base, problem, ["Multiply."], Structure.ALL))
    Solve the problem step by step. End with "The answer is" and the final answer as a number.
    <BLANKLINE>
    Q: What is 6 times 7?
    Hint: Multiply.
    A: The answer is
    """
    from .code import CodeProblem

    if isinstance(problem, CodeProblem):
        return build_code_prompt(problem.prompt, items, structure, item=item)
    return build_prompt(receiver.tokenizer, problem.question, items, structure, item=item, chat=receiver.chat,
                        shots=() if receiver.chat else shots)


def reference_answer(problem: Problem | CodeProblem) -> str:
    """What the Receiver is scored on: ``" " + answer`` (math) or the canonical solution (code).

    >>> from persuasion.llm.tasks import Problem
    >>> reference_answer(
    ...     Problem(
    ...         id="p1", question="What is 6 times 7?", answer="42", steps=("6 * 7 = 42",)
    ...     )
    ... )
    ' 42'
    """
    from .code import CodeProblem

    return problem.canonical_solution if isinstance(problem, CodeProblem) else " " + problem.answer


def count_tokens(tokenizer: PreTrainedTokenizerBase, text: str) -> int:
    """Number of tokens of ``text`` (no special tokens added).

    ``tokenizer`` is called as ``tokenizer(text, add_special_tokens=False)`` and its ``input_ids`` counted;
    with a whitespace tokenizer standing in for a Receiver's:

    >>> from types import SimpleNamespace
    >>> words = lambda text, add_special_tokens=True: SimpleNamespace(
    ...     input_ids=text.split()
    ... )
    >>> count_tokens(words, "What is 6 times 7?")
    5
    """
    return len(tokenizer(text, add_special_tokens=False).input_ids)
