r"""What one task's experiment measured: :class:`TaskResult`, its summaries, and :func:`task_result`.

:func:`task_result` is the last stage of the experiment (see
:mod:`persuasion.llm.experiment`): it gathers the outputs of the earlier
stages into one :class:`TaskResult`, whose methods give Table 1
(:meth:`~TaskResult.table`), the paired contrasts, the easy/hard split
(Fig. 2) and ARPI (Fig. 3), each with bootstrap 95% intervals, and
:meth:`~TaskResult.to_dict` the plain JSON data of ``results.json``.
:mod:`persuasion.llm.report` turns them into tables, figures and words.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from ..protocol import Structure
from .advisor import Advisors
from .config import ExperimentConfig
from .evaluate import STRUCTURES_EVAL, Evaluation, arpi_bootstrap, mean_ci, paired_bootstrap
from .items import Items
from .statistics import MIN_ACCURACY, bca_interval, sign_flip_p_value
from .tasks import Inputs
from .utilities import Utilities

__all__ = ["TaskResult", "task_result"]


@dataclass
class TaskResult:
    """Everything one task's experiment measured; tables and figures are built from it.

    By hand (one Receiver whose Advisors' items gain a nat on average):

    >>> from persuasion.llm.toy import toy_result
    >>> # one Receiver, "R", 12 test inputs; the Advisors' items gain a nat
    >>> result = toy_result()
    >>> # Table 1: mean and 95% interval per Receiver and structure
    >>> row = result.table("utility")[3]
    >>> print(
    ...     row["structure"],
    ...     round(row["mean"], 2),
    ...     [round(row["lo"], 2), round(row["hi"], 2)],
    ...     row["tokens"],
    ... )
    posterior information -3.4 [-4.06, -2.85] 130.0
    >>> [(r["group"], r["n"]) for r in result.easy_hard() if r["structure"] == Structure.NO]
    [('easy', 6), ('hard', 6)]
    >>> result.answered(), sorted(result.to_dict()["summaries"])
    (True, ['arpi', 'contrasts', 'easy_hard', 'table'])
    """

    config: ExperimentConfig
    source: str  # "gsm8k", "synthetic" or "humaneval": the data the run was computed on
    receivers: list
    ids: dict  # "train" / "val" / "test" / "easy_train" / "easy_val" -> list of input ids
    difficulty: np.ndarray  # of the test inputs
    threshold: int  # easy: difficulty <= threshold
    curves: dict  # advisor name -> {"train": [...], "val": [...], "best_step": int}
    policies: dict  # advisor name -> (n_test, 7) pi on the test inputs
    utility: dict  # receiver -> structure -> per-test-input expected utility (log-prob, nats)
    correct: dict  # receiver -> structure -> per-test-input 0/1 (Advisors: mean over the accuracy seeds' draws)
    tokens: dict  # receiver -> structure -> per-test-input prompt length (tokens) of the prompt used
    other: dict = field(default_factory=dict)  # receiver -> the Receiver whose Advisor is "other"
    oracle: dict = field(default_factory=dict)  # receiver -> per-test-input max_c v(x, c) (best item in hindsight)
    tables: dict = field(default_factory=dict)  # receiver -> UtilityTable of all inputs (train, val, test order)
    items: dict = field(default_factory=dict)  # input id -> its seven items
    item_sources: dict = field(default_factory=dict)  # input id -> ids of the problems its items show
    answer_share: dict = field(default_factory=dict)  # items stating their input's answer, and the control
    seed_utility: dict = field(default_factory=dict)  # receiver -> Advisor structure -> (advisor_seeds, n_test)
    seed_correct: dict = field(default_factory=dict)  # receiver -> Advisor structure -> (accuracy_seeds, n_test)
    questions: dict = field(default_factory=dict)  # input id -> question (math) or prompt (code)
    difficulties: dict = field(default_factory=dict)  # input id -> difficulty (solution steps or lines)
    data_hash: str = ""  # SHA-256 of the problems' content

    # -- summaries ------------------------------------------------------------------
    def structures(self, receiver: str) -> list[str]:
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
        """Paired bootstrap 95% CIs of the contrasts between structures, per Receiver.

        ``seeds``: in utility, where A or B is drawn from a trained Advisor, the
        mean difference under each Advisor seed (a structure without an
        Advisor is the same under every seed); otherwise None."""
        values = self._metric(metric)
        pairs = [
            (Structure.POSTERIOR, Structure.PRIOR),
            (Structure.POSTERIOR, Structure.NO),
            (Structure.POSTERIOR, Structure.ALL),
            (Structure.ALL, Structure.NO),
            (Structure.PRIOR, Structure.NO),
            (Structure.POSTERIOR_OTHER, Structure.PRIOR),
            (Structure.POSTERIOR_EASY, Structure.PRIOR),
        ]
        rows = []
        for r in self.receivers:
            for a, b in pairs:
                if a in values[r] and b in values[r]:
                    m, lo, hi = paired_bootstrap(values[r][a], values[r][b], n_boot=self.config.n_boot,
                                                 seed=self.config.seed)
                    rows.append(dict(task=self.config.task, receiver=r, contrast=f"{a} − {b}", a=a, b=b,
                                     metric=metric, mean=m, lo=lo, hi=hi,
                                     seeds=self._seed_means(r, a, b, metric)))
        return rows

    def seed_differences(self, r: str, a: str, b: str, metric: str = "utility"):
        """A − B of Receiver ``r`` on each test input under each Advisor seed, shape (seeds, n), or None when
        neither A nor B is drawn from an Advisor (a structure without one is the same under every seed), or,
        for accuracy, when only one seed's draw was generated (``config.accuracy_seeds``)."""
        per = ((self.seed_utility if metric == "utility" else self.seed_correct) or {}).get(r, {})
        seeds = max((len(per[s]) for s in (a, b) if s in per), default=0)
        if seeds < 2:  # no Advisor on either side, or a single seed: no spread to give
            return None
        values = self._metric(metric)[r]
        get = lambda s: np.asarray(per[s]) if s in per else np.asarray(values[s])[None]  # noqa: E731
        return get(a) - get(b)

    def _seed_means(self, r: str, a: str, b: str, metric: str = "utility") -> list[float] | None:
        d = self.seed_differences(r, a, b, metric)
        return None if d is None else d.mean(axis=1).tolist()

    def easy_hard(self, metric: str = "utility") -> list[dict]:
        """Fig. 2: per Receiver, group (easy / hard test inputs) and structure, mean with 95% CI."""
        values = self._metric(metric)
        rows = []
        groups = {"easy": self.difficulty <= self.threshold, "hard": self.difficulty > self.threshold}
        for r in self.receivers:
            for g, mask in groups.items():
                if not mask.any():
                    continue
                for s in (Structure.NO, Structure.ALL, Structure.PRIOR, Structure.POSTERIOR_EASY):
                    m, lo, hi = mean_ci(values[r][s][mask], n_boot=self.config.n_boot, seed=self.config.seed)
                    rows.append(dict(task=self.config.task, receiver=r, group=g, n=int(mask.sum()), structure=s,
                                     metric=metric, mean=m, lo=lo, hi=hi))
        return rows

    def arpi(self, metric: str = "accuracy") -> list[dict]:
        """Fig. 3: ARPI(A | no information) over the Receivers (Eq. 7), with bootstrap CIs and token increases."""
        values = self._metric(metric)
        base = Structure.NO
        rows = []
        for a in (Structure.ALL, Structure.PRIOR, Structure.POSTERIOR):
            ra = np.array([values[r][a] for r in self.receivers])
            rb = np.array([values[r][base] for r in self.receivers])
            la = np.array([self.tokens[r][a] for r in self.receivers], dtype=float)
            lb = np.array([self.tokens[r][base] for r in self.receivers], dtype=float)
            point, lo, hi = arpi_bootstrap(ra, rb, la, lb, n_boot=self.config.n_boot, seed=self.config.seed)
            rows.append(dict(task=self.config.task, structure=a, base=base, metric=metric, arpi=point, lo=lo, hi=hi,
                             token_increase=float(np.mean(la.mean(1) / lb.mean(1) - 1)),
                             perf_change=float(np.mean(ra.mean(1) - rb.mean(1)))))
        return rows

    def answered(self) -> bool:
        """Whether any Receiver answered any test input correctly under any structure (else accuracy is 0 everywhere
        and says nothing about the structures)."""
        return any(np.any(np.asarray(v) > 0) for per in self.correct.values() for v in per.values())

    def informative(self) -> bool:
        """Whether some Receiver reaches :data:`~persuasion.llm.statistics.MIN_ACCURACY` under some structure.

        Below it on every structure, accuracy differences are between a few
        correct answers near zero, and the verdicts call them *uninformative*.

        >>> from persuasion.llm.toy import toy_result
        >>> toy_result().informative()  # its best structure answers 83% of the test inputs
        True
        """
        return max(float(np.mean(v)) for per in self.correct.values() for v in per.values()) >= MIN_ACCURACY

    def item_gains(self) -> dict:
        """Receiver -> ``(mean, half)``: each item position's mean gain over no information, v(x, c) − v(x, No).

        Over every input scored (training, validation and test); ``half`` is
        the half-width of the normal 95% interval of the mean.

        >>> from persuasion.llm.toy import toy_result
        >>> # the toy's item c gains 0.5 − 0.25 c, with noise
        >>> mean, half = toy_result().item_gains()["R"]
        >>> int((mean > 0).sum()), len(mean)
        (2, 7)
        """
        out = {}
        for name, t in self.tables.items():
            gain = np.asarray(t.items) - np.asarray(t.none)[:, None]
            out[name] = (gain.mean(axis=0), 1.96 * gain.std(axis=0, ddof=1) / np.sqrt(len(gain)))
        return out

    def baselines(self) -> list[dict]:
        """The trained Advisor beside its baselines, in utility on the test inputs, one row per Receiver.

        * ``prior``: a uniform item; ``advisor``: the trained Advisor's expected
          utility (Posterior information);
        * ``each``: the seven fixed-item policies, "always show item position
          c", read off the utility table on the test inputs;
        * ``fixed``: the *best* fixed item, the position (``position``, 0-based)
          with the highest mean utility on the **validation** inputs, the
          inputs the Advisor's early stopping sees, so that both are chosen on
          the same inputs (``train_position``: the position the training
          inputs would choose);
        * ``oracle``: the best item of each test input in hindsight, the bound of
          Eq. (3) that no policy can pass.

        Each is ``dict(mean, lo, hi)`` with a 95% bootstrap interval over test
        inputs; ``advisor_minus_fixed`` is the paired contrast Advisor − best
        fixed item, with the BCa interval and the sign-flip test's p-value
        of the verdicts (:func:`~persuasion.llm.statistics.bca_interval`,
        :func:`~persuasion.llm.statistics.sign_flip_p_value`; ``p``) and the
        contrast's mean under each Advisor seed (``seeds``). Whether the
        Advisor beats the fixed item is decided over all rows together, by
        :func:`persuasion.llm.report.baselines_markdown`.
        """
        rows = []
        boot = dict(n_boot=self.config.n_boot, seed=self.config.seed)
        for r in self.receivers:
            table = self.tables[r]
            index = {i: k for k, i in enumerate(table.ids)}
            val, train, test = ([index[i] for i in self.ids[part]] for part in ("val", "train", "test"))
            if not val:
                raise ValueError(f"the best fixed item is chosen on the validation inputs; {r} has none")
            position = int(np.argmax(table.items[val].mean(axis=0)))
            series = {"prior": self.utility[r][Structure.PRIOR], "advisor": self.utility[r][Structure.POSTERIOR],
                      "fixed": table.items[test, position], "oracle": self.oracle[r]}
            row = dict(task=self.config.task, receiver=r, position=position, n=len(test),
                       train_position=int(np.argmax(table.items[train].mean(axis=0))))
            for name, values in series.items():
                m, lo, hi = mean_ci(values, **boot)
                row[name] = dict(mean=m, lo=lo, hi=hi)
            row["each"] = [dict(zip(("mean", "lo", "hi"), mean_ci(table.items[test, c], **boot)))
                           for c in range(table.items.shape[1])]
            d = np.asarray(series["advisor"]) - np.asarray(series["fixed"])  # paired on the test inputs
            m, lo, hi = bca_interval(d, **boot) if d.size > 1 else (float(d.mean()),) * 3
            per_seed = (self.seed_utility or {}).get(r, {}).get(Structure.POSTERIOR)  # (seeds, n_test) or None
            seeds = None if per_seed is None else (np.asarray(per_seed) - series["fixed"]).mean(axis=1).tolist()
            row["advisor_minus_fixed"] = dict(mean=m, lo=lo, hi=hi, p=sign_flip_p_value(d, seed=self.config.seed),
                                              seeds=seeds)
            rows.append(row)
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
            "questions": self.questions,
            "items": self.items,
            "item_sources": self.item_sources,
            "answer_share": self.answer_share,
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
            "seed_utility": plain(self.seed_utility),
            "seed_correct": plain(self.seed_correct),
            "tables": {r: {k: np.asarray(v).tolist() for k, v in asdict(t).items()} for r, t in self.tables.items()},
            "summaries": {
                "table": self.table("accuracy") + self.table("utility"),
                "contrasts": self.contrasts("accuracy") + self.contrasts("utility"),
                "easy_hard": self.easy_hard("accuracy") + self.easy_hard("utility"),
                "arpi": self.arpi("accuracy") + self.arpi("utility"),
            },
        }


def task_result(config: ExperimentConfig, inputs: Inputs, items: Items, utilities: Utilities, advisors: Advisors,
                evaluation: Evaluation) -> TaskResult:
    """The report stage: the outputs of the earlier stages, gathered into one :class:`TaskResult`.

    With every stage's output built by hand (one Receiver, R; see :func:`~persuasion.llm.toy.toy_stages`):

    >>> from persuasion.llm.toy import toy_stages
    >>> # smoke-scale synthetic inputs: 3 training, 1 validation and 2 test
    >>> config, done = toy_stages()
    >>> result = task_result(
    ...     config,
    ...     *(done[s] for s in ("data", "items", "utilities", "advisor", "evaluate")),
    ... )
    >>> result.receivers, result.ids["test"], result.difficulty
    (['R'], ['synthetic-test-952', 'synthetic-test-1855'], array([3, 5]))
    >>> [(str(r["structure"]), r["mean"]) for r in result.table("accuracy")]
    [('prior information', 0.0), ('posterior information', 1.0)]
    """
    problems, test_rows = inputs.problems, inputs.rows["test"]
    return TaskResult(
        config=config, source=inputs.source, receivers=list(utilities.tables),
        ids={part: [problems[k].id for k in rows] for part, rows in inputs.rows.items()},
        difficulty=np.array([p.difficulty for p in problems])[test_rows], threshold=inputs.threshold,
        curves=advisors.curves, policies=evaluation.policies, utility=evaluation.utility,
        correct=evaluation.correct, tokens=evaluation.tokens, other=evaluation.other, oracle=evaluation.oracle,
        tables=utilities.tables, items={p.id: list(items.by_input[p.id]) for p in problems},
        item_sources={p.id: list(items.sources.get(p.id, [])) for p in problems},
        answer_share=items.answer_share, seed_utility=evaluation.seed_utility, seed_correct=evaluation.seed_correct,
        questions={p.id: p.question for p in problems}, difficulties={p.id: p.difficulty for p in problems},
        data_hash=inputs.data_hash,
    )
