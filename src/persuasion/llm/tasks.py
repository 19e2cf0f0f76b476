r"""Tasks for the Advisor/Receiver experiments: GSM8K from a folder, and a synthetic generator.

GSM8K (grade-school math, MIT licence) is read from the folder named by the
``GSM8K_DIR`` environment variable (or ``directory=``), else from the folder
that ``persuasion-data gsm8k`` (``make data``) downloads it into (see
:mod:`persuasion.llm.data`): the ``jsonl`` files of openai/grade-school-math,
where ``test_socratic.jsonl`` carries a sub-question before each solution
step. Nothing is downloaded except by that explicit command; without GSM8K
task ``gsm8k`` is an error. Task ``synthetic``, chosen explicitly, uses
:func:`synthetic_problems`: seeded multi-step arithmetic word problems whose
difficulty is their number of steps. HumanEval's problems
come from :mod:`persuasion.llm.code`.

The experiment's first stage, :func:`draw_inputs`, draws one task's inputs
(seeded): training and validation inputs from the task's training split,
test inputs from its test split (:func:`task_splits`): an :class:`Inputs`.

>>> p = parse_gsm8k("Tom has 3 pens and buys 4 more. How many pens?",
...                 "How many pens? ** He has 3 + 4 = <<3+4=7>>7 pens.\n#### 7")
>>> p.answer, p.difficulty, p.subquestions
('7', 1, ('How many pens?',))
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .code import CodeProblem, load_humaneval
from .config import RETRIEVAL_POOL, ExperimentConfig
from .data import default_data_dir, gsm8k_dir

__all__ = [
    "Problem",
    "parse_gsm8k",
    "load_gsm8k",
    "synthetic_problems",
    "SYNTHETIC_SPLIT",
    "N_SHOTS",
    "Splits",
    "task_splits",
    "Inputs",
    "draw_inputs",
    "RETRIEVAL_POOL",
    "retrieval_pool",
]


_CALC = re.compile(r"<<[^>]*>>")


@dataclass(frozen=True)
class Problem:
    """One input x: a question, its reference answer and the solution's steps.

    >>> Problem(
    ...     id="p1", question="What is 6 times 7?", answer="42", steps=("6 * 7 = 42",)
    ... ).difficulty
    1
    """

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

    @property
    def reasoning(self) -> str:
        """The solution's steps as one paragraph, GSM8K's calculator annotations ``<<...>>`` removed.

        >>> Problem(
        ...     "p1",
        ...     "Tom has 3 pens and buys 4. How many?",
        ...     "7",
        ...     ("He has 3 + 4 = <<3+4=7>>7 pens.",),
        ... ).reasoning
        'He has 3 + 4 = 7 pens.'
        """
        return " ".join(_CALC.sub("", step) for step in self.steps)


def parse_gsm8k(question: str, answer: str, *, id: str = "", source: str = "gsm8k") -> Problem:
    """A GSM8K record (plain or socratic) as a :class:`Problem`.

    >>> answer = "How many apples now? ** 3 + 2 = <<3+2=5>>5\\n#### 5"
    >>> problem = parse_gsm8k("Ann has 3 apples and buys 2. How many?", answer, id="ex")
    >>> problem.answer, problem.steps, problem.subquestions
    ('5', ('3 + 2 = <<3+2=5>>5',), ('How many apples now?',))
    """
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
    return Problem(id=id, question=question.strip(), answer=final, steps=tuple(steps), subquestions=tuple(subs),
                   source=source)


def load_gsm8k(directory: str | os.PathLike[str] | None = None, *, split: str = "test", socratic: bool = True,
               limit: int | None = None) -> list[Problem]:
    """Read GSM8K from ``directory`` (default: :func:`persuasion.llm.data.gsm8k_dir`). Downloads nothing.

    Without ``directory``, reads ``$GSM8K_DIR`` when set, else the folder
    filled by ``persuasion-data gsm8k`` (``make data``).
    ``socratic=True`` reads ``<split>_socratic.jsonl`` (sub-questions before
    each step); otherwise ``<split>.jsonl``.

    >>> import json, tempfile
    >>> record = {"question": "Ann has 3 apples and buys 2. How many?",
    ...           "answer": "How many apples now? ** 3 + 2 = <<3+2=5>>5\\n#### 5"}
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "test_socratic.jsonl").write_text(
    ...         json.dumps(record) + "\\n"
    ...     )
    ...     problems = load_gsm8k(folder)
    >>> problems[0].id, problems[0].answer, problems[0].steps
    ('gsm8k-test-0', '5', ('3 + 2 = <<3+2=5>>5',))
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
    try:
        with open(path, encoding="utf-8") as f:
            for i, line in enumerate(f):
                if limit is not None and i >= limit:
                    break
                problems.append(_gsm8k_record(path, i + 1, line, f"gsm8k-{split}-{i}"))
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: cannot read ({type(err).__name__}: {err})") from None
    if not problems:
        raise ValueError(f"{path}: no problems (the file is empty)")
    return problems


def _gsm8k_record(path, number: int, line: str, id: str) -> Problem:
    """Line ``number`` of GSM8K file ``path`` as a Problem; a bad line is a ValueError naming the file and line."""
    where = f"{path}, line {number}"
    try:
        rec = json.loads(line)
    except ValueError as err:
        raise ValueError(f"{where}: not a JSON record ({err})") from None
    if not isinstance(rec, dict):
        raise ValueError(f"{where}: expected a JSON object with \"question\" and \"answer\"; "
                         f"got {type(rec).__name__}")
    for field in ("question", "answer"):
        if not isinstance(rec.get(field), str):
            got = "nothing" if field not in rec else type(rec[field]).__name__
            raise ValueError(f"{where}: the record has no {field!r} text (got {got})")
    try:
        return parse_gsm8k(rec["question"], rec["answer"], id=id)
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from None


_ITEMS = ["apples", "books", "coins", "marbles", "stamps", "cookies", "pencils", "shells"]
_NAMES = ["Ada", "Ben", "Chloe", "Dev", "Eli", "Fay", "Gus", "Hana"]


def synthetic_problems(n: int, rng: np.random.Generator | int | None, *, min_steps: int = 1, max_steps: int = 6,
                       split: str = "") -> list[Problem]:
    """``n`` seeded multi-step word problems; each step adds, removes, multiplies or shares.

    Difficulty (the number of steps) is uniform on ``[min_steps, max_steps]``.
    Ids are ``synthetic-<k>``, or ``synthetic-<split>-<k>`` with ``split``.

    >>> problem = synthetic_problems(1, rng=0)[0]
    >>> print(problem.question)
    Gus has 17 cookies. Then Gus gives away 1 cookies. Then Gus gets 2 more cookies.
    How many cookies does Gus have now?
    >>> problem.answer, problem.steps
    ('18', ('17 - 1 = 16', '16 + 2 = 18'))
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
        out.append(Problem(id=f"synthetic-{split}-{k}" if split else f"synthetic-{k}", question=question,
                           answer=str(value), steps=tuple(steps), subquestions=tuple(subs)))
    return out


# -- the data stage ----------------------------------------------------------------------

#: Problems in each split of task ``synthetic`` (fixed seeds, like a dataset's files).
SYNTHETIC_SPLIT = 2000
#: Few-shot examples for base Receivers: the first problems of the training split (never drawn as inputs).
N_SHOTS = 2


@dataclass(frozen=True)
class Splits:
    """Where one task's inputs come from.

    ``train``: the split that training and validation inputs are drawn from
    (and the items' retrieval pool, see :mod:`persuasion.llm.items`);
    ``test``: the split test inputs are drawn from, or ``None`` when the task
    has one split only (HumanEval: disjoint draws from it); ``shots``:
    few-shot ``(question, answer, reasoning)`` triples, not in ``train``.

    >>> splits = Splits(
    ...     "toy", "a toy task", [Problem("a", "1 + 1?", "2", ("1 + 1 = 2",))], None
    ... )
    >>> splits.test is None, len(splits.train)
    (True, 1)
    """

    source: str
    label: str
    train: list
    test: list | None
    shots: tuple = ()


def _shots(train: list) -> tuple:
    """The few-shot examples: the first :data:`N_SHOTS` training problems, worked (question, answer, reasoning)."""
    return tuple((p.question, p.answer, p.reasoning) for p in train[:N_SHOTS])


def task_splits(task: str) -> Splits:
    """The splits of ``task``: GSM8K's train and test files, two seeded synthetic splits, or HumanEval's one set.

    >>> splits = task_splits("synthetic")
    >>> len(splits.train), len(splits.test), splits.train[0].id, splits.test[0].id
    (1998, 2000, 'synthetic-train-2', 'synthetic-test-0')
    """
    if task == "humaneval":
        return Splits("humaneval", "HumanEval", load_humaneval(), None)
    if task == "synthetic":
        train = synthetic_problems(SYNTHETIC_SPLIT, 101, split="train")
        return Splits("synthetic", "synthetic problems", train[N_SHOTS:],
                      synthetic_problems(SYNTHETIC_SPLIT, 202, split="test"),
                      _shots(train))
    if task != "gsm8k":
        raise ValueError(f"task must be 'gsm8k', 'synthetic' or 'humaneval'; got {task!r}")
    folder = gsm8k_dir()
    if folder is None:
        raise ValueError(
            f"task 'gsm8k' needs GSM8K, which was not found (GSM8K_DIR is not set and {default_data_dir()} "
            "holds no copy); "
            "run `make data` (or `persuasion-data gsm8k`), or set GSM8K_DIR to a folder holding its jsonl files, "
            "or choose synthetic problems explicitly: task 'synthetic' (--task synthetic)"
        )
    train, test = _gsm8k(folder)
    return Splits("gsm8k", "GSM8K", train[N_SHOTS:], test, _shots(train))


@dataclass
class Inputs:
    """The data stage's output: one task's inputs, and their split into training, validation and test inputs.

    :func:`draw_inputs` builds one; by hand, with three problems:

    >>> problems = [
    ...     Problem(
    ...         f"p{k}", f"What is {k} + {k}?", str(2 * k), (f"{k} + {k} = {2 * k}",) * k
    ...     )
    ...     for k in (1, 2, 3)
    ... ]
    >>> rows = {"train": [0], "val": [1], "test": [2], "easy_train": [0], "easy_val": [1]}
    >>> inputs = Inputs("synthetic", "synthetic", problems, rows, threshold=2, data_hash="")
    >>> [inputs.problems[k].difficulty for k in inputs.rows["test"]]
    [3]
    >>> Inputs.from_dict(inputs.to_dict()) == inputs  # plain data and back
    True
    """

    task: str
    source: str  # "gsm8k", "synthetic" or "humaneval": the data the inputs were drawn from
    problems: list  # Problem or CodeProblem: training, validation, test inputs, in that order (the rows of tables)
    rows: dict  # "train", "val", "test", "easy_train", "easy_val" -> positions in problems
    threshold: int  # an input is easy when its difficulty is at most this (the training inputs' median)
    data_hash: str  # SHA-256 of the inputs' content (question or prompt, answer or solution, steps or tests)
    shots: tuple = ()  # few-shot (question, answer, reasoning) triples for base Receivers on math

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Inputs:
        def problem(d):
            if "entry_point" in d:
                return CodeProblem(**d)
            return Problem(**{**d, "steps": tuple(d["steps"]), "subquestions": tuple(d["subquestions"])})

        return cls(**{**data, "problems": [problem(d) for d in data["problems"]],
                      "shots": tuple(tuple(s) for s in data["shots"])})


def draw_inputs(config: ExperimentConfig) -> Inputs:
    """The data stage: ``config.n_inputs`` inputs of ``config.task``, drawn and split (seeded by ``config.seed``).

    Training and validation inputs come from the task's training split, test
    inputs from its test split (:func:`task_splits`): for ``gsm8k``, GSM8K's
    ``train.jsonl`` and ``test_socratic.jsonl`` from
    :func:`~persuasion.llm.data.gsm8k_dir` (``$GSM8K_DIR``, or the copy
    ``make data`` downloads; without GSM8K it is an error, and synthetic
    problems are never used in its place); for ``synthetic``, two seeded
    synthetic splits. HumanEval has one set of 164 problems: the training,
    validation and test inputs are disjoint draws from it. The ids say the
    split (``gsm8k-train-12``, ``gsm8k-test-7``). An input is easy when its
    difficulty is at most the median over the *training* inputs (rounded
    down, so that at least one training input is easy, for any seed); the easy
    training and validation inputs train the easy-to-hard Advisor.

    >>> from persuasion.llm.config import config_for
    >>> inputs = draw_inputs(config_for("synthetic", "smoke"))
    >>> len(inputs.problems), inputs.problems[0].id, inputs.problems[-1].id
    (6, 'synthetic-train-1591', 'synthetic-test-1855')
    >>> inputs.rows, inputs.threshold
    ({'train': [0, 1, 2], 'val': [3], 'test': [4, 5], 'easy_train': [0, 1], 'easy_val': [3]}, 4)
    """
    splits = task_splits(config.task)
    rng = np.random.default_rng([config.seed, 7])
    n_fit = config.n_train + config.n_val
    if splits.test is None:
        _enough(splits.label, splits.train, config.n_inputs, "inputs")
        picks = rng.choice(len(splits.train), size=config.n_inputs, replace=False)
        fit, test = [splits.train[i] for i in picks[:n_fit]], [splits.train[i] for i in sorted(picks[n_fit:])]
    else:
        _enough(f"{splits.label}'s training split", splits.train, n_fit, "training and validation inputs")
        _enough(f"{splits.label}'s test split", splits.test, config.n_test, "test inputs")
        fit = [splits.train[i] for i in rng.choice(len(splits.train), size=n_fit, replace=False)]
        test = [splits.test[i] for i in sorted(rng.choice(len(splits.test), size=config.n_test, replace=False))]
    problems = fit + test
    rows = {"train": list(range(config.n_train)), "val": list(range(config.n_train, n_fit)),
            "test": list(range(n_fit, config.n_inputs))}
    # The floor of a median of integers is at least their minimum: some training input is always easy.
    threshold = int(np.floor(np.median([problems[k].difficulty for k in rows["train"]])))
    rows["easy_train"] = [k for k in rows["train"] if problems[k].difficulty <= threshold]
    rows["easy_val"] = [k for k in rows["val"] if problems[k].difficulty <= threshold] or rows["val"]
    h = hashlib.sha256()
    for p in problems:
        record = [p.id, p.question, getattr(p, "answer", None) or p.canonical_solution,
                  list(getattr(p, "steps", ())) or getattr(p, "test", "")]
        h.update(json.dumps(record, sort_keys=True).encode())
    return Inputs(config.task, splits.source, problems, rows, threshold, h.hexdigest(), splits.shots)


def _enough(label: str, pool: list, n: int, what: str) -> None:
    if n > len(pool):
        raise ValueError(f"{label} has {len(pool)} problem(s); asked for {n} {what}")


def _gsm8k(folder) -> tuple[list[Problem], list[Problem]]:
    """GSM8K's training split (``train.jsonl``) and socratic test split, read once per folder and version."""
    files = [Path(folder) / name for name in ("train.jsonl", "test_socratic.jsonl")]
    stamp = tuple((f.stat().st_mtime_ns, f.stat().st_size) if f.is_file() else None for f in files)
    return _read_gsm8k(str(folder), stamp)


@functools.lru_cache(maxsize=4)
def _read_gsm8k(folder: str, stamp: tuple) -> tuple[list[Problem], list[Problem]]:
    test = load_gsm8k(folder, socratic=True)  # the test file first: its errors are the ones a user meets first
    return load_gsm8k(folder, split="train", socratic=False), test


def retrieval_pool(inputs: Inputs, size: int = RETRIEVAL_POOL) -> list:
    """The problems the items of ``inputs`` are retrieved from: never a test input.

    GSM8K and synthetic problems: the first ``size`` problems of the training
    split (the experiment passes its config's ``pool``); HumanEval: every
    problem that is not a test input.

    >>> from persuasion.llm.config import config_for
    >>> config = config_for("synthetic", "smoke")
    >>> pool = retrieval_pool(draw_inputs(config), config.pool)
    >>> len(pool), pool[0].id
    (100, 'synthetic-train-2')
    """
    splits = task_splits(inputs.task)
    if splits.test is None:
        test = {inputs.problems[k].id for k in inputs.rows["test"]}
        return [p for p in splits.train if p.id not in test]
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 8:
        raise ValueError(f"size must be an integer of at least 8 (seven items, never the input itself); got {size!r}")
    return splits.train[:size]
