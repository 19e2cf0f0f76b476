r"""Prompts for the four information structures of Bai et al., per Receiver family.

* ``Structure.NO``: the question alone;
* ``Structure.ALL``: the question with all seven items;
* ``Structure.PRIOR`` / ``Structure.POSTERIOR``: the question with one
  item (drawn from the prior, or chosen by the Advisor: the caller picks it).

Instruct models get their chat template (the user turn holds instructions,
question and hints; the assistant turn is opened with ``"The answer is"``);
base models get few-shot plain text ending in ``"Answer:"``. The scored
answer is ``" " + reference``.

Code tasks (HumanEval) are plain completions for every Receiver: the hints
are comment lines at the top of the function body, after the problem's own
prompt (so all of an input's prompts share that prompt as a prefix), and the
scored answer is the canonical solution.
"""

from __future__ import annotations

from ..protocol import Structure

__all__ = ["STRUCTURES", "build_prompt", "build_code_prompt", "task_prompt", "reference_answer", "count_tokens"]

STRUCTURES = (Structure.NO, Structure.ALL, Structure.PRIOR, Structure.POSTERIOR)
INSTRUCTION = "Solve the problem. Give the final answer as a number."


def _body(question: str, hints: list[str]) -> str:
    text = f"Question: {question}"
    if hints:
        text += "\n" + "\n".join(f"Hint: {h}" for h in hints)
    return text


def build_prompt(tokenizer, question: str, items, structure: str, *, item: int | None = None, chat: bool = True,
                 shots=()) -> str:
    """The prompt for ``structure``; ``item`` indexes the shown item for the one-item structures.

    ``shots``: ``(question, answer)`` pairs used as few-shot examples for base models.

    A base model's prompt (``chat=False``) is plain text; the tokenizer is used only for a chat template:

    >>> items = ["Multiply the two numbers.", "6 * 7 = 42"]
    >>> print(build_prompt(None, "What is 6 times 7?", items, Structure.PRIOR, item=1, chat=False,
    ...                    shots=[("What is 1 + 1?", "2")]))
    Solve the problem. Give the final answer as a number.
    <BLANKLINE>
    Question: What is 1 + 1?
    Answer: 2
    <BLANKLINE>
    Question: What is 6 times 7?
    Hint: 6 * 7 = 42
    Answer:
    """
    hints = _hints(items, structure, item)
    if chat:
        messages = [{"role": "user", "content": INSTRUCTION + "\n\n" + _body(question, hints)}]
        text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return text + "The answer is"
    examples = "".join(f"{_body(q, [])}\nAnswer: {a}\n\n" for q, a in shots)
    return INSTRUCTION + "\n\n" + examples + _body(question, hints) + "\nAnswer:"


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


def build_code_prompt(prompt: str, items, structure: str, *, item: int | None = None) -> str:
    """A HumanEval prompt with the structure's hints as comments opening the function body.

    >>> print(build_code_prompt("def add(a, b):\\n", ["Use +.", "Return the sum."], Structure.ALL), end="")
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

    >>> print(_comment("A solved function like this one:\\ndef f(x):\\n    return x"), end="")
        # Hint: A solved function like this one:
        #   def f(x):
        #       return x
    """
    first, *rest = hint.splitlines() or [""]
    return f"    # Hint: {first}\n" + "".join(f"    #   {line}\n" for line in rest)


def task_prompt(receiver, problem, items, structure: str, *, item: int | None = None, shots=()) -> str:
    """The prompt for a math :class:`~persuasion.llm.tasks.Problem` or a HumanEval problem.

    Only the Receiver's ``tokenizer`` and ``chat`` are read; a base Receiver's prompt is plain text:

    >>> from types import SimpleNamespace
    >>> from persuasion.llm.tasks import Problem
    >>> base = SimpleNamespace(tokenizer=None, chat=False)
    >>> problem = Problem(id="p1", question="What is 6 times 7?", answer="42", steps=("6 * 7 = 42",))
    >>> print(task_prompt(base, problem, ["Multiply."], Structure.ALL))
    Solve the problem. Give the final answer as a number.
    <BLANKLINE>
    Question: What is 6 times 7?
    Hint: Multiply.
    Answer:
    """
    from .code import CodeProblem

    if isinstance(problem, CodeProblem):
        return build_code_prompt(problem.prompt, items, structure, item=item)
    return build_prompt(receiver.tokenizer, problem.question, items, structure, item=item, chat=receiver.chat,
                        shots=() if receiver.chat else shots)


def reference_answer(problem) -> str:
    """What the Receiver is scored on: ``" " + answer`` (math) or the canonical solution (code).

    >>> from persuasion.llm.tasks import Problem
    >>> reference_answer(Problem(id="p1", question="What is 6 times 7?", answer="42", steps=("6 * 7 = 42",)))
    ' 42'
    """
    from .code import CodeProblem

    return problem.canonical_solution if isinstance(problem, CodeProblem) else " " + problem.answer


def count_tokens(tokenizer, text: str) -> int:
    """Number of tokens of ``text`` (no special tokens added).

    ``tokenizer`` is called as ``tokenizer(text, add_special_tokens=False)`` and its ``input_ids`` counted;
    with a whitespace tokenizer standing in for a Receiver's:

    >>> from types import SimpleNamespace
    >>> words = lambda text, add_special_tokens=True: SimpleNamespace(input_ids=text.split())
    >>> count_tokens(words, "What is 6 times 7?")
    5
    """
    return len(tokenizer(text, add_special_tokens=False).input_ids)
