r"""Evaluation of the Advisor/Receiver experiments (Bai et al. §4): answers, structures, statistics.

* answers are extracted and checked by :mod:`persuasion.llm.answers`;
* :func:`structure_utilities`: per-input expected utility of the structures;
* :func:`evaluate_structures`, the experiment's evaluation stage: every
  structure of :data:`STRUCTURES_EVAL` on the test inputs, per Receiver
  (:class:`Evaluation`);
* :func:`arpi`: Average Relative Performance Improvement, Bai et al. Eq. (7):
  :math:`\mathrm{ARPI}(A \mid B) = \frac1N \sum_{i=1}^N \frac{R_i(A) - R_i(B)}{L_i(A) - L_i(B)}`
  over :math:`N` Receivers, with :math:`R` a performance and :math:`L` a prompt
  length in tokens.
* :func:`paired_bootstrap`: a percentile confidence interval for the mean of
  paired differences (e.g. Posterior − Prior on the same inputs), seeded.

>>> arpi([0.5, 0.6], [0.4, 0.4], [120, 130], [100, 100])
0.005833333333333333
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from .._validation import as_finite_array
from ..protocol import Structure
from .advisor import Advisors
from .answers import is_correct
from .cache import Store, as_store, decode, encode
from .config import ExperimentConfig
from .generation import generate_blocks
from .models import Receiver
from .prompts import generation_prompt, generation_stops
from .tasks import Inputs
from .utilities import Utilities, UtilityTable

__all__ = [
    "arpi",
    "arpi_bootstrap",
    "arpi_difference_bootstrap",
    "arpi_difference_draws",
    "paired_bootstrap",
    "mean_ci",
    "structure_utilities",
    "STRUCTURES_EVAL",
    "Evaluation",
    "evaluate_structures",
]

#: The structures evaluated on test inputs, in table order.
STRUCTURES_EVAL = tuple(Structure)


def arpi(perf_a: ArrayLike, perf_b: ArrayLike, len_a: ArrayLike, len_b: ArrayLike) -> float:
    """Eq. (7): mean over Receivers of (performance gain) / (prompt-length increase).

    Two Receivers gain 0.2 for 200 more tokens and 0.1 for 100 more: 0.001 per token each.

    >>> round(arpi([0.6, 0.5], [0.4, 0.4], [300, 200], [100, 100]), 12)
    0.001
    """
    arrays = [as_finite_array(x, name, ndim=1) for x, name in
              ((perf_a, "perf_a"), (perf_b, "perf_b"), (len_a, "len_a"), (len_b, "len_b"))]
    n = arrays[0].size
    for arr, name in zip(arrays, ("perf_a", "perf_b", "len_a", "len_b")):
        if arr.size != n:
            raise ValueError(f"{name} must have one entry per Receiver ({n}); got {arr.size}")
    ra, rb, la, lb = arrays
    dl = la - lb
    if np.any(dl == 0):
        i = int(np.flatnonzero(dl == 0)[0])
        raise ValueError("len_a and len_b must differ for every Receiver (Eq. 7 divides by the difference); "
                         f"equal at index {i}")
    return float(np.mean((ra - rb) / dl))


def paired_bootstrap(a: ArrayLike, b: ArrayLike, *, n_boot: int = 10_000, level: float = 0.95,
                     seed: int = 0) -> tuple[float, float, float]:
    """(mean of a − b, lower, upper): percentile bootstrap over paired items.

    >>> paired_bootstrap([1, 1, 0, 1], [0, 1, 0, 0])  # two of four items gained
    (0.5, 0.0, 1.0)
    """
    a = as_finite_array(a, "a", ndim=1)
    b = as_finite_array(b, "b", ndim=1)
    if a.size != b.size:
        raise ValueError(f"a and b must be paired (same length); got {a.size} and {b.size}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level}")
    if n_boot < 100:
        raise ValueError(f"n_boot must be at least 100; got {n_boot}")
    d = a - b
    rng = np.random.default_rng(seed)
    means = d[rng.integers(0, d.size, size=(n_boot, d.size))].mean(axis=1)
    lo, hi = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return float(d.mean()), float(lo), float(hi)


def mean_ci(x: ArrayLike, *, n_boot: int = 10_000, level: float = 0.95, seed: int = 0) -> tuple[float, float, float]:
    """(mean, lower, upper): percentile bootstrap interval for the mean of ``x``.

    >>> mean_ci([1, 0, 1, 1])
    (0.75, 0.25, 1.0)
    """
    x = as_finite_array(x, "x", ndim=1)
    return paired_bootstrap(x, np.zeros_like(x), n_boot=n_boot, level=level, seed=seed)


def _receivers_by_inputs(arrays: dict, level: float, n_boot: int) -> list[np.ndarray]:
    """The named arrays as finite (n_receivers, n_inputs) arrays of one shape; bootstrap settings checked."""
    out = [as_finite_array(x, name, ndim=2) for name, x in arrays.items()]
    shape = out[0].shape
    for arr, name in zip(out, arrays):
        if arr.shape != shape:
            raise ValueError(f"{name} must have shape {shape} (receivers x inputs); got {arr.shape}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level}")
    if n_boot < 100:
        raise ValueError(f"n_boot must be at least 100; got {n_boot}")
    return out


def arpi_bootstrap(perf_a: ArrayLike, perf_b: ArrayLike, len_a: ArrayLike, len_b: ArrayLike, *, n_boot: int = 10_000,
                   level: float = 0.95, seed: int = 0) -> tuple[float, float, float]:
    """ARPI (Eq. 7) from per-input results, with a percentile bootstrap interval.

    Each argument has shape ``(n_receivers, n_inputs)``: performance and prompt
    length of every Receiver on the same inputs. R and L are means over the
    inputs; the inputs are resampled jointly for all Receivers.

    One Receiver, four inputs: A is right on three, B on one, and A's prompt is
    200 tokens longer, so ARPI is (3/4 - 1/4) / 200:

    >>> arpi_bootstrap([[1, 0, 1, 1]], [[0, 0, 1, 0]], [[300] * 4], [[100] * 4])
    (0.0025, 0.0, 0.005)
    """
    ra, rb, la, lb = _receivers_by_inputs(dict(perf_a=perf_a, perf_b=perf_b, len_a=len_a, len_b=len_b), level, n_boot)
    shape = ra.shape
    point = arpi(ra.mean(1), rb.mean(1), la.mean(1), lb.mean(1))
    idx = np.random.default_rng(seed).integers(0, shape[1], size=(n_boot, shape[1]))
    # (n_boot, n_receivers): resampled means of the differences, then Eq. 7 per draw.
    dr = (ra - rb)[:, idx].mean(-1).T
    dl = (la - lb)[:, idx].mean(-1).T
    if np.any(dl == 0):
        raise ValueError("a resampled prompt-length difference is zero; the lengths of A and B must differ")
    draws = (dr / dl).mean(1)
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return point, float(lo), float(hi)


def arpi_difference_bootstrap(perf_a: ArrayLike, perf_c: ArrayLike, perf_b: ArrayLike, len_a: ArrayLike,
                              len_c: ArrayLike, len_b: ArrayLike, *, n_boot: int = 10_000, level: float = 0.95,
                              seed: int = 0) -> tuple[float, float, float]:
    """ARPI(A | B) − ARPI(C | B) (Eq. 7) with a percentile bootstrap interval.

    Arguments have shape ``(n_receivers, n_inputs)``, as in :func:`arpi_bootstrap`;
    the inputs are resampled jointly for every Receiver and both ARPIs.

    A gains 2/4 over B for 200 tokens, C gains 1/4 for 100 tokens: the same
    ARPI, so the difference is 0:

    >>> perf = [[1, 0, 1, 1]], [[1, 0, 1, 0]], [[0, 0, 1, 0]]  # A, C, B
    >>> lengths = [[300] * 4], [[200] * 4], [[100] * 4]
    >>> point, lo, hi = arpi_difference_bootstrap(*perf, *lengths)
    >>> point, lo < 0 < hi
    (0.0, True)
    """
    point, draws = arpi_difference_draws(perf_a, perf_c, perf_b, len_a, len_c, len_b, n_boot=n_boot, seed=seed,
                                         level=level)
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return point, float(lo), float(hi)


def arpi_difference_draws(perf_a: ArrayLike, perf_c: ArrayLike, perf_b: ArrayLike, len_a: ArrayLike,
                          len_c: ArrayLike, len_b: ArrayLike, *, n_boot: int = 10_000, seed: int = 0,
                          level: float = 0.95) -> tuple[float, np.ndarray]:
    """ARPI(A | B) − ARPI(C | B) and its ``n_boot`` bootstrap draws (what :func:`arpi_difference_bootstrap`
    takes quantiles of; a p-value is :func:`~persuasion.llm.statistics.draws_p_value` of them).

    >>> a, c, b = [[1, 0, 1, 1]], [[1, 0, 1, 0]], [[0, 0, 1, 0]]
    >>> point, draws = arpi_difference_draws(a, c, b, [[300] * 4], [[200] * 4], [[100] * 4],
    ...                                      n_boot=500)
    >>> point, draws.shape
    (0.0, (500,))
    """
    ra, rc, rb, la, lc, lb = _receivers_by_inputs(
        dict(perf_a=perf_a, perf_c=perf_c, perf_b=perf_b, len_a=len_a, len_c=len_c, len_b=len_b), level, n_boot)
    shape = ra.shape
    point = arpi(ra.mean(1), rb.mean(1), la.mean(1), lb.mean(1)) - arpi(rc.mean(1), rb.mean(1), lc.mean(1), lb.mean(1))
    idx = np.random.default_rng(seed).integers(0, shape[1], size=(n_boot, shape[1]))

    def draws(r, length):
        dl = (length - lb)[:, idx].mean(-1).T
        if np.any(dl == 0):
            raise ValueError("a resampled prompt-length difference is zero; the lengths must differ from B's")
        return ((r - rb)[:, idx].mean(-1).T / dl).mean(1)

    return float(point), draws(ra, la) - draws(rc, lc)


def structure_utilities(table: UtilityTable, policy: ArrayLike) -> dict[str, np.ndarray]:
    """Per-input expected utility of the four structures from a utility table.

    ``prior``: an item drawn uniformly (the prior over items); ``posterior``:
    an item drawn from ``policy`` (shape (n_inputs, n_items), rows summing to 1).

    Two inputs with two items each; the policy picks the second item of the
    first input and either item of the second:

    >>> from persuasion.llm.utilities import UtilityTable
    >>> table = UtilityTable(
    ...     ("p1", "p2"),
    ...     np.array([[-2.0, -0.5], [-3.0, -1.0]]),
    ...     np.array([-2.5, -4.0]),
    ...     np.array([-1.0, -0.5]),
    ...     None,
    ...     None,
    ...     None,
    ... )
    >>> for structure, values in structure_utilities(
    ...     table, [[0.0, 1.0], [0.5, 0.5]]
    ... ).items():
    ...     print(f"{structure}: {values}")
    no information: [-2.5 -4. ]
    all information: [-1.  -0.5]
    prior information: [-1.25 -2.  ]
    posterior information: [-0.5 -2. ]
    """
    pi = as_finite_array(policy, "policy", ndim=2)
    if pi.shape != table.items.shape:
        raise ValueError(f"policy must have shape {table.items.shape} (inputs x items); got {pi.shape}")
    if np.abs(pi.sum(axis=1) - 1).max() > 1e-6 or (pi < -1e-12).any():
        raise ValueError("policy rows must be probability distributions over the items")
    return {
        Structure.NO: table.none,
        Structure.ALL: table.all,
        Structure.PRIOR: table.items.mean(axis=1),
        Structure.POSTERIOR: (pi * table.items).sum(axis=1),
    }


def _plan(config, table, advisors, name: str, other: dict, test_rows, u) -> dict:
    """One Receiver's draws on the test inputs and what its utility table gives without generating.

    ``slots``: per structure (in the order of :data:`STRUCTURES_EVAL`), one
    array of prompt slots per draw (-2: no information, -1: all information,
    c: item c); the Advisors' structures have one draw per seed of the first
    ``config.accuracy_seeds``, each by inverse CDF from the shared uniform
    numbers ``u`` (common random numbers). ``own``: the structures drawn by an
    Advisor, and whose; ``utility`` (expected, exact in the draw; the
    Advisors' the mean over their seeds), ``seed_utility``, ``tokens`` (the
    prompt lengths of the draws, averaged over them) and ``policies`` (each
    Advisor's first-seed policy) on the test inputs.
    """

    def draw(pi):
        cdf = np.cumsum(pi, axis=1)
        return np.minimum((cdf < (u * cdf[:, -1])[:, None]).sum(1), pi.shape[1] - 1)

    uniform = np.full(table.items.shape, 1 / table.items.shape[1])
    own = {Structure.POSTERIOR: name, Structure.POSTERIOR_EASY: f"{name} (easy)"}
    if other:
        own[Structure.POSTERIOR_OTHER] = other[name]
    utility = {s: v[test_rows] for s, v in structure_utilities(table, uniform).items() if s != Structure.POSTERIOR}
    none = np.full(len(test_rows), -2)
    slots = {Structure.NO: [none], Structure.ALL: [none + 1], Structure.PRIOR: [draw(uniform[test_rows])]}
    seed_utility, policies = {}, {}
    for s, adv in own.items():
        policies[adv] = advisors.policies[adv][test_rows]
        per_seed = advisors.seed_policies.get(adv, advisors.policies[adv][None])
        seed_utility[s] = np.stack([structure_utilities(table, pi)[Structure.POSTERIOR][test_rows] for pi in per_seed])
        utility[s] = seed_utility[s].mean(axis=0)
        slots[s] = [draw(pi[test_rows]) for pi in per_seed[:config.accuracy_seeds]]
    slots = {s: slots[s] for s in STRUCTURES_EVAL if s in slots}

    def length(i, c):
        return table.tokens_none[i] if c == -2 else table.tokens_all[i] if c == -1 else table.tokens_items[i, c]

    tokens = {s: np.mean([[length(i, c) for i, c in zip(test_rows, slot)] for slot in draws], axis=0)
              for s, draws in slots.items()}
    return dict(slots=slots, own=own, utility=utility, seed_utility=seed_utility, tokens=tokens, policies=policies)


# -- the evaluation stage ----------------------------------------------------------------


@dataclass
class Evaluation:
    """The evaluation stage's output, on the test inputs, per Receiver (by name) and structure:

    ``utility`` (expected, from the table: exact in the draw; for the
    Advisors' structures, the mean over the Advisor seeds), ``correct`` (0/1,
    of the greedy answer; for the Advisors' structures, the mean over the
    first ``config.accuracy_seeds`` seeds' draws, so 0/1 when that is one),
    ``tokens`` (length of the prompt shown; for the Advisors' structures the
    mean over the same draws); ``policies``: each Advisor's policy on the
    test inputs (first seed); ``other``: the Receiver whose Advisor is
    "other"; ``oracle``: the best item's utility; ``seed_utility``: per
    Receiver and Advisor structure, shape ``(advisor_seeds, n_test)``, the
    expected utility under each seed's Advisor; ``seed_correct``: the same
    for accuracy, shape ``(accuracy_seeds, n_test)``, 0/1 after each seed's draw.

    :func:`evaluate_structures` builds one; by hand (one Receiver, one
    structure, two test inputs), and through plain JSON data and back:

    >>> evaluation = Evaluation(
    ...     utility={"R": {Structure.NO: np.array([-2.5, -4.0])}},
    ...     correct={"R": {Structure.NO: np.array([0.0, 1.0])}},
    ...     tokens={"R": {Structure.NO: np.array([25, 35])}},
    ...     policies={},
    ...     other={},
    ...     oracle={"R": np.array([-0.5, -1.0])},
    ... )
    >>> evaluation.to_dict()["correct"]
    {'R': {'no information': {'__ndarray__': '<f8', 'shape': [2], 'data': [0.0, 1.0]}}}
    >>> Evaluation.from_dict(evaluation.to_dict()).oracle
    {'R': array([-0.5, -1. ])}
    """

    utility: dict
    correct: dict
    tokens: dict
    policies: dict
    other: dict
    oracle: dict
    seed_utility: dict = field(default_factory=dict)
    seed_correct: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return encode(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict) -> Evaluation:
        return cls(**decode(data))


def evaluate_structures(config: ExperimentConfig, inputs: Inputs, utilities: Utilities, advisors: Advisors,
                        receivers: Sequence[Receiver], *,
                        cache: Store | str | os.PathLike[str] | Literal[False] | None = None, timeout: float = 5.0,
                        progress: bool = True, shard: tuple[int, int] | None = None) -> Evaluation | None:
    """The evaluation stage: every structure of :data:`STRUCTURES_EVAL` on the test inputs, for each Receiver.

    * no and all information, and ``prior information``: an item drawn uniformly;
    * ``posterior information``: an item drawn from this Receiver's Advisor;
    * ``posterior (other Advisor)``: drawn from the Advisor of the next
      Receiver in the list (the model-agnostic claim; with two Receivers or more);
    * ``posterior (easy Advisor)``: drawn from this Receiver's easy-trained Advisor.

    Prior and posterior draws share one uniform number per input (common
    random numbers, seeded by ``config.seed``), so their paired contrast has
    less noise. The test inputs' prompts go through the Receiver in blocks
    of ``config.block_inputs`` inputs, one batch of greedy generations of at
    most ``config.max_new_tokens`` tokens and one cached entry per block;
    code is run in the sandbox with ``timeout``.

    ``shard=(rank, world)``: only fill the cache with the generations and
    sandbox runs of the blocks of test inputs ``rank, rank + world, ...`` and return
    ``None`` (data parallelism, see :func:`persuasion.llm.experiment.prefill`).

    Two synthetic test inputs scored by the tiny random Receiver of
    :mod:`persuasion.llm.toy` (its numbers mean nothing, and it answers
    nothing right), an Advisor that puts all its mass on each input's best
    item and an easy Advisor that is uniform:

    >>> from persuasion.llm.advisor import Advisors
    >>> from persuasion.llm.config import config_for
    >>> from persuasion.llm.items import Items
    >>> from persuasion.llm.tasks import synthetic_problems
    >>> from persuasion.llm.toy import toy_receiver
    >>> from persuasion.llm.utilities import score_utilities
    >>> problems = synthetic_problems(2, rng=0, max_steps=2)
    >>> rows = {"train": [], "val": [], "test": [0, 1], "easy_train": [], "easy_val": []}
    >>> inputs = Inputs("synthetic", "synthetic", problems, rows, threshold=2, data_hash="")
    >>> items = Items(
    ...     {
    ...         p.id: [f"Fact {k}: {k} + {k} = {2 * k}." for k in range(1, 8)]
    ...         for p in problems
    ...     },
    ...     {p.id: [] for p in problems},
    ... )
    >>> receiver = toy_receiver()
    >>> utilities = score_utilities(inputs, items, [receiver], cache=False, progress=False)
    >>> best = np.eye(7)[utilities.tables["toy"].items.argmax(axis=1)]
    >>> advisors = Advisors({}, {"toy": best, "toy (easy)": np.full((2, 7), 1 / 7)})
    >>> evaluation = evaluate_structures(
    ...     config_for("synthetic", "smoke"),
    ...     inputs,
    ...     utilities,
    ...     advisors,
    ...     [receiver],
    ...     cache=False,
    ...     progress=False,
    ... )
    >>> for s, v in evaluation.utility["toy"].items():
    ...     print(f"{s.value:25} {v.round(2)}  correct: {evaluation.correct['toy'][s]}")
    no information            [-14.73 -14.29]  correct: [0. 0.]
    all information           [-16.03 -15.98]  correct: [0. 0.]
    prior information         [-15.88 -14.16]  correct: [0. 0.]
    posterior information     [-15.69 -13.92]  correct: [0. 0.]
    posterior (easy Advisor)  [-15.88 -14.16]  correct: [0. 0.]
    >>> # the best item's utility: the posterior's, with this Advisor
    >>> evaluation.oracle["toy"].round(2)
    array([-15.69, -13.92])
    """
    test_rows = inputs.rows["test"]
    test = [inputs.problems[k] for k in test_rows]
    names = [r.name for r in receivers]
    other = {names[k]: names[(k + 1) % len(names)] for k in range(len(names))} if len(names) > 1 else {}
    u = np.random.default_rng([config.seed, 5]).random(len(test))  # one shared uniform number per input
    # 1. The draws, and all that the utility tables give without the Receiver: utilities and prompt lengths.
    plans = {r.name: _plan(config, utilities.tables[r.name], advisors, r.name, other, test_rows, u) for r in receivers}
    # 2. Each draw's prompt is one the input was scored on (item 0, ..., item 6, no, all information), turned
    #    into a generation prompt; 3. one batched generation per block of test inputs, cached.
    store = as_store(cache)
    texts, correct, seed_correct, judged = {}, {}, {}, {}
    for r in receivers:
        scored, plan = utilities.prompts[r.name], plans[r.name]
        stop = generation_stops(config.kind, r.chat)
        prompts = {s: [[generation_prompt(scored[i][int(c)], config.kind) for i, c in zip(test_rows, slot)]
                       for slot in slots] for s, slots in plan["slots"].items()}
        by_input = generate_blocks(r, store, [[q[k] for qs in prompts.values() for q in qs] for k in range(len(test))],
                                   block_inputs=config.block_inputs, max_new_tokens=config.max_new_tokens, stop=stop,
                                   shard=shard, progress=progress, desc=f"{config.task}: generating with {r.name}")
        texts[r.name] = {s: [[None if by_input[k] is None else by_input[k][q[k]] for k in range(len(test))]
                             for q in qs] for s, qs in prompts.items()}
    # 4. Judging: the answer's last number, or the program's tests in the sandbox. Structures, seeds and Receivers
    #    often yield the same text: each (input, text) is judged once (a program runs once even without a cache).
    def right(k, text):
        if (k, text) not in judged:
            judged[k, text] = is_correct(test[k], text, cache=store, timeout=timeout)
        return judged[k, text]

    for name, by_structure in texts.items():
        if shard is not None:  # this process's blocks only, to fill the cache
            for k, text in ((k, t[k]) for draws in by_structure.values() for t in draws for k in range(len(test))):
                if text is not None:
                    right(k, text)
            continue
        per_draw = {s: np.array([[right(k, t[k]) for k in range(len(test))] for t in draws], dtype=float)
                    for s, draws in by_structure.items()}
        correct[name] = {s: v.mean(axis=0) for s, v in per_draw.items()}
        seed_correct[name] = {s: per_draw[s] for s in plans[name]["own"]}
    if shard is not None:
        return None
    oracle = {r: utilities.tables[r].items[test_rows].max(axis=1) for r in names}
    utility = {name: plan["utility"] for name, plan in plans.items()}
    tokens = {name: plan["tokens"] for name, plan in plans.items()}
    seed_utility = {name: plan["seed_utility"] for name, plan in plans.items()}
    policies = {adv: pi for plan in plans.values() for adv, pi in plan["policies"].items()}
    return Evaluation(utility, correct, tokens, policies, other, oracle, seed_utility, seed_correct)
