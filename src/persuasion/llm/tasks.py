r"""Tasks for the Advisor/Receiver experiments: GSM8K from a folder, and a synthetic generator.

GSM8K (grade-school math, MIT licence) is read from the folder named by the
``GSM8K_DIR`` environment variable (or ``directory=``), else from the folder
that ``persuasion-data gsm8k`` (``make data``) downloads it into (see
:mod:`persuasion.llm.data`): the ``jsonl`` files of openai/grade-school-math,
where ``test_socratic.jsonl`` carries a sub-question before each solution
step. Nothing is downloaded except by that explicit command. When GSM8K is absent,
:func:`synthetic_problems` generates seeded multi-step arithmetic word
problems whose difficulty is their number of steps.

>>> p = parse_gsm8k("Tom has 3 pens and buys 4 more. How many pens?",
...                 "How many pens? ** He has 3 + 4 = <<3+4=7>>7 pens.\n#### 7")
>>> p.answer, p.difficulty, p.subquestions
('7', 1, ('How many pens?',))
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .data import default_data_dir, gsm8k_dir

__all__ = [
    "Problem",
    "parse_gsm8k",
    "load_gsm8k",
    "synthetic_problems",
    "split_by_difficulty",
    "extract_last_number",
]


@dataclass(frozen=True)
class Problem:
    """One input x: a question, its reference answer and the solution's steps."""

    id: str
    question: str
    answer: str
    steps: tuple[str, ...]
    subquestions: tuple[str, ...] = ()
    source: str = "synthetic"

    @property
    def difficulty(self) -> int:
        """Number of solution steps."""
        return len(self.steps)


def parse_gsm8k(question: str, answer: str, *, id: str = "", source: str = "gsm8k") -> Problem:
    """A GSM8K record (plain or socratic) as a :class:`Problem`."""
    lines = [line.strip() for line in answer.strip().split("\n") if line.strip()]
    if not lines or not lines[-1].startswith("####"):
        raise ValueError(f"answer must end with a line '#### <final answer>'; got {answer[-60:]!r}")
    final = lines[-1][4:].strip().replace(",", "")
    steps, subs = [], []
    for line in lines[:-1]:
        if " ** " in line:
            sub, step = line.split(" ** ", 1)
            subs.append(sub.strip())
            steps.append(step.strip())
        else:
            steps.append(line)
    return Problem(id=id, question=question.strip(), answer=final, steps=tuple(steps), subquestions=tuple(subs), source=source)


def load_gsm8k(directory=None, *, split: str = "test", socratic: bool = True, limit: int | None = None) -> list[Problem]:
    """Read GSM8K from ``directory`` (default: :func:`persuasion.llm.data.gsm8k_dir`). Downloads nothing.

    Without ``directory``, reads ``$GSM8K_DIR`` when set, else the folder
    filled by ``persuasion-data gsm8k`` (``make data``).
    ``socratic=True`` reads ``<split>_socratic.jsonl`` (sub-questions before
    each step); otherwise ``<split>.jsonl``.
    """
    directory = directory or gsm8k_dir()
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be a positive integer or None; got {limit}")
    if not directory:
        raise ValueError(
            f"GSM8K not found (GSM8K_DIR is not set and {default_data_dir()} holds no copy): "
            "run `make data` (or `persuasion-data gsm8k`) to download it, "
            "or set GSM8K_DIR to a folder holding the openai/grade-school-math jsonl files "
            "(test.jsonl, test_socratic.jsonl, ...), or pass directory=; or use synthetic_problems(). "
            "Nothing is downloaded by load_gsm8k itself."
        )
    path = Path(directory) / f"{split}{'_socratic' if socratic else ''}.jsonl"
    if not path.is_file():
        raise ValueError(f"GSM8K file not found: {path} (check GSM8K_DIR and split={split!r})")
    problems = []
    with open(path) as f:
        for i, line in enumerate(f):
            if limit is not None and i >= limit:
                break
            rec = json.loads(line)
            problems.append(parse_gsm8k(rec["question"], rec["answer"], id=f"gsm8k-{split}-{i}"))
    return problems


_ITEMS = ["apples", "books", "coins", "marbles", "stamps", "cookies", "pencils", "shells"]
_NAMES = ["Ada", "Ben", "Chloe", "Dev", "Eli", "Fay", "Gus", "Hana"]


def synthetic_problems(n: int, rng, *, min_steps: int = 1, max_steps: int = 6) -> list[Problem]:
    """``n`` seeded multi-step word problems; each step adds, removes, multiplies or shares.

    Difficulty (the number of steps) is uniform on ``[min_steps, max_steps]``.
    """
    if n < 1:
        raise ValueError(f"n must be a positive integer; got {n}")
    if not 1 <= min_steps <= max_steps:
        raise ValueError(f"need 1 <= min_steps <= max_steps; got {min_steps} and {max_steps}")
    rng = np.random.default_rng(rng)
    out = []
    for k in range(n):
        name, thing = _NAMES[rng.integers(len(_NAMES))], _ITEMS[rng.integers(len(_ITEMS))]
        value = int(rng.integers(5, 30))
        sentences = [f"{name} has {value} {thing}."]
        steps, subs = [], []
        for _ in range(int(rng.integers(min_steps, max_steps + 1))):
            op = rng.integers(4)
            if op == 0:
                a = int(rng.integers(2, 20))
                sentences.append(f"Then {name} gets {a} more {thing}.")
                new = value + a
                steps.append(f"{value} + {a} = {new}")
            elif op == 1 and value > 2:
                a = int(rng.integers(1, value))
                sentences.append(f"Then {name} gives away {a} {thing}.")
                new = value - a
                steps.append(f"{value} - {a} = {new}")
            elif op == 2:
                a = int(rng.integers(2, 4))
                sentences.append(f"Then the number of {thing} becomes {a} times as large.")
                new = value * a
                steps.append(f"{value} * {a} = {new}")
            else:
                divisors = [d for d in (2, 3, 4, 5) if value % d == 0]
                if not divisors:
                    a = int(rng.integers(2, 20))
                    sentences.append(f"Then {name} gets {a} more {thing}.")
                    new = value + a
                    steps.append(f"{value} + {a} = {new}")
                else:
                    d = divisors[int(rng.integers(len(divisors)))]
                    sentences.append(f"Then {name} keeps one of {d} equal shares of the {thing}.")
                    new = value // d
                    steps.append(f"{value} / {d} = {new}")
            subs.append(f"How many {thing} does {name} have after step {len(steps)}?")
            value = new
        question = " ".join(sentences) + f" How many {thing} does {name} have now?"
        out.append(Problem(id=f"synthetic-{k}", question=question, answer=str(value), steps=tuple(steps), subquestions=tuple(subs)))
    return out


def split_by_difficulty(problems, threshold: int) -> tuple[list[Problem], list[Problem]]:
    """(easy, hard): at most ``threshold`` steps, and more."""
    problems = list(problems)
    return [p for p in problems if p.difficulty <= threshold], [p for p in problems if p.difficulty > threshold]


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
