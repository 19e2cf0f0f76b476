"""The settings of one task's experiment: :class:`ExperimentConfig`, and the preset sizes of :func:`config_for`.

>>> c = config_for("synthetic", "book", n=20)
>>> (c.n_train, c.n_val, c.n_test, c.kind)
(9, 3, 8, 'math')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["TASKS", "SCALES", "ExperimentConfig", "config_for"]

TASKS = ("gsm8k", "synthetic", "humaneval")
SCALES = ("smoke", "book", "full")

# (n_train, n_val, n_test, max_new_tokens) per scale and task kind.
_SIZES = {
    ("smoke", "math"): (3, 1, 2, 8),
    ("book", "math"): (24, 8, 16, 256),  # chain of thought: 256 new tokens (lm-evaluation-harness gsm8k_cot)
    ("full", "math"): (400, 100, 1319, 512),  # training split: 400 + 100; every problem of the test split
    ("smoke", "code"): (2, 1, 2, 8),
    ("book", "code"): (8, 3, 10, 192),  # 192 tokens hold >= 98% of canonical solutions (budget_share)
    ("full", "code"): (60, 20, 84, 256),
}

#: Training problems that math items are retrieved from at book and full scale (the first ones, the same for
#: every seed); smoke scale retrieves from 100, so that a cold smoke run embeds a tenth of them.
RETRIEVAL_POOL = 1000
_POOL = {"smoke": 100, "book": RETRIEVAL_POOL, "full": RETRIEVAL_POOL}


def _kind(task: str) -> str:
    return "code" if task == "humaneval" else "math"


def _check_task(task) -> None:
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}; got {task!r}")


@dataclass(frozen=True)
class ExperimentConfig:
    """Sizes and settings of one task's experiment.

    >>> config = ExperimentConfig(
    ...     "humaneval", n_train=2, n_val=1, n_test=2, max_new_tokens=64
    ... )
    >>> config.kind, config.n_inputs
    ('code', 5)
    """

    task: str
    n_train: int
    n_val: int
    n_test: int
    max_new_tokens: int
    steps: int = 300
    lr: float = 1e-2
    hidden: int = 64
    seed: int = 0
    n_boot: int = 10_000
    advisor_seeds: int = 5  # Advisors trained per Receiver (seeds seed, seed + 1000, ...): the spread over seeds
    accuracy_seeds: int = 1  # of those, the first ones whose drawn items are generated from and scored for accuracy
    block_inputs: int = 8  # inputs whose prompts go through a Receiver together: one batched call, one cache entry
    pool: int = RETRIEVAL_POOL  # math items come from the first `pool` training problems (HumanEval: all non-test)

    def __post_init__(self):
        _check_task(self.task)
        for name in ("n_train", "n_val", "n_test", "max_new_tokens", "steps", "advisor_seeds", "accuracy_seeds",
                     "block_inputs", "pool"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}")
        if self.accuracy_seeds > self.advisor_seeds:
            raise ValueError(f"accuracy_seeds must be at most advisor_seeds ({self.advisor_seeds}); "
                             f"got {self.accuracy_seeds}")
        if self.pool < 8:  # seven items per input, and an input of the pool is never its own item
            raise ValueError(f"pool must be at least 8 (seven items, never the input itself); got {self.pool}")

    @property
    def kind(self) -> str:
        """``"code"`` (HumanEval) or ``"math"``."""
        return _kind(self.task)

    @property
    def n_inputs(self) -> int:
        return self.n_train + self.n_val + self.n_test


def config_for(task: str, scale: str = "book", *, n: int | None = None, **overrides) -> ExperimentConfig:
    """The preset sizes of ``scale``; ``n`` (if given) draws ``n`` inputs, split 45/15/40% train/val/test.

    >>> config = config_for("gsm8k", n=20)
    >>> config.n_train, config.n_val, config.n_test, config.kind
    (9, 3, 8, 'math')

    Accuracy needs a generated answer for each Advisor seed's drawn item, the
    expensive part: smoke and book scale generate for the first seed only,
    full scale for every seed.

    >>> (
    ...     config_for("gsm8k", "book").accuracy_seeds,
    ...     config_for("gsm8k", "full").accuracy_seeds,
    ... )
    (1, 5)
    """
    _check_task(task)
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}; got {scale!r}")
    n_train, n_val, n_test, tokens = _SIZES[(scale, _kind(task))]
    if n is not None:
        if not isinstance(n, (int, np.integer)) or n < 6:
            raise ValueError(f"n must be an integer of at least 6 (train, validation and test inputs); got {n!r}")
        n_train, n_val = max(2, round(0.45 * n)), max(1, round(0.15 * n))
        n_test = n - n_train - n_val
    defaults = {"pool": _POOL[scale]}
    if scale == "full":  # generation is the expensive part: every Advisor seed's accuracy only on a GPU
        defaults["accuracy_seeds"] = overrides.get("advisor_seeds", ExperimentConfig.advisor_seeds)
    return ExperimentConfig(task, n_train, n_val, n_test, tokens, **{**defaults, **overrides})
