r"""Tables, figures and plain-language summaries of :class:`~persuasion.llm.experiment.TaskResult`.

* :data:`PAPER_TABLE1`: Bai et al.'s Table 1 (GSM8K and HumanEval rows), as
  printed, and :func:`paper_average` recomputed from its rows;
* :func:`table1_markdown`: the Table 1 analogue, measured, beside the paper;
* :func:`plot_learning_curves`, :func:`plot_structures`,
  :func:`plot_easy_hard`, :func:`plot_arpi`: the chapter's figures (grey-safe:
  every series has its own hatch or marker as well as its colour);
* :func:`summarise`: sentences that say what the numbers show, generated
  from the numbers (a contrast is called an effect only when its 95%
  interval excludes zero).
"""

from __future__ import annotations

import numpy as np

from ..book.plotting import MARKERS, PALETTE

__all__ = [
    "Table",
    "PAPER_TABLE1",
    "PAPER_COLUMNS",
    "paper_average",
    "table1_markdown",
    "contrasts_markdown",
    "arpi_markdown",
    "plot_learning_curves",
    "plot_structures",
    "plot_easy_hard",
    "plot_arpi",
    "summarise",
    "SHORT",
    "CLAIMS",
    "MIN_INPUTS",
    "verdict",
    "verdicts",
    "verdict_table",
    "findings_markdown",
]

#: Columns of the paper's Table 1: No, All, Prior, Posterior (GPT-2 Advisor), Posterior (Phi-2 Advisor).
PAPER_COLUMNS = ("no information", "all information", "prior information", "posterior (GPT-2)", "posterior (Phi-2)")

#: Bai et al., Table 1, as printed (accuracy in %; HumanEval: pass@1 in %), and the printed "Average" rows.
PAPER_TABLE1 = {
    "gsm8k": {
        "rows": {
            "Phi-2": (56.0, 41.0, 56.8, 59.1, 62.1),
            "Mistral-7B": (34.3, 48.0, 45.7, 50.4, 53.8),
            "Llama2-7B": (15.1, 36.6, 27.2, 34.5, 45.6),
            "Llama2-7B-Chat": (21.8, 31.8, 37.3, 40.0, 50.0),
            "Llama2-13B": (25.2, 38.9, 36.2, 38.9, 45.9),
            "Llama2-13B-Chat": (33.9, 37.3, 36.1, 37.9, 39.2),
            "Llama3-8B": (47.6, 54.0, 53.7, 56.0, 62.6),
            "Llama3-8B-Instruct": (73.5, 72.2, 72.3, 74.5, 75.4),
            "Vicuna-7B": (14.9, 19.9, 29.9, 35.1, 43.2),
            "Vicuna-13B": (23.0, 24.8, 35.0, 43.9, 49.2),
            "Vicuna-33B": (43.2, 44.1, 47.8, 53.1, 58.5),
        },
        "average": (35.3, 40.8, 43.5, 47.6, 53.2),
        "improvement": (9.5, 22.5),  # % over prior information, GPT-2 and Phi-2 Advisors
    },
    "humaneval": {
        "rows": {
            "Phi-2": (45.7, 35.1, 39.6, 45.7, 49.4),
            "Mistral-7B": (28.3, 32.4, 31.2, 33.2, 35.4),
            "Llama2-7B": (12.2, 16.2, 14.4, 16.2, 18.3),
            "Llama2-7B-Chat": (13.4, 16.3, 12.6, 15.6, 22.6),
            "Llama2-13B": (17.1, 17.7, 16.5, 19.5, 21.3),
            "Llama2-13B-Chat": (19.5, 17.2, 16.1, 17.4, 22.0),
            "Llama3-8B": (27.4, 23.8, 24.6, 31.7, 37.2),
            "Llama3-8B-Instruct": (56.7, 48.1, 53.2, 56.3, 59.5),
            "CodeLlama-7B": (31.1, 30.5, 28.9, 31.2, 32.9),
            "CodeLlama-13B": (36.5, 39.0, 35.4, 40.8, 40.2),
            "CodeLlama-34B": (48.7, 45.1, 41.8, 49.7, 53.2),
        },
        "average": (30.6, 29.2, 28.6, 32.5, 35.6),
        "improvement": (13.7, 24.7),
    },
}

#: Short column labels.
SHORT = {
    "no information": "No",
    "all information": "All",
    "prior information": "Prior",
    "posterior information": "Posterior",
    "posterior (other Advisor)": "Posterior (other Receiver's Advisor)",
    "posterior (easy Advisor)": "Posterior (easy-trained Advisor)",
}


def paper_average(task: str) -> np.ndarray:
    """The column means of the paper's Table 1 rows for ``task`` ("gsm8k" or "humaneval")."""
    if task not in PAPER_TABLE1:
        raise ValueError(f"task must be one of {sorted(PAPER_TABLE1)}; got {task!r}")
    return np.array(list(PAPER_TABLE1[task]["rows"].values())).mean(axis=0)


class Table:
    """A table that shows as HTML in notebooks and in the book, and as Markdown in text (``str``)."""

    def __init__(self, rows, headers):
        self.rows, self.headers = rows, headers

    def _render(self, fmt: str) -> str:
        from tabulate import tabulate

        return tabulate(self.rows, headers=self.headers, tablefmt=fmt)

    def __str__(self) -> str:
        return self._render("pipe")

    def __contains__(self, text) -> bool:
        return text in str(self)

    def _repr_markdown_(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return self._render("html").replace("<table>", '<table class="table persuasion-table">', 1)


def _fmt_ci(m, lo, hi, scale=1.0, digits=1):
    return f"{m * scale:.{digits}f} [{lo * scale:.{digits}f}, {hi * scale:.{digits}f}]"


def table1_markdown(results) -> Table:
    """The Table 1 analogue: accuracy (%) with 95% CIs, and mean utility (nats), per task and Receiver.

    The paper's average row for the same task follows each block, with its
    posterior column for the GPT-2 Advisor (the one closest in size to ours).
    """
    structures = ["no information", "all information", "prior information", "posterior information",
                  "posterior (other Advisor)"]
    headers = ["task", "Receiver", "metric"] + [SHORT[s] for s in structures]
    rows = []
    for res in results:
        acc = {(r["receiver"], r["structure"]): r for r in res.table("accuracy")}
        util = {(r["receiver"], r["structure"]): r for r in res.table("utility")}
        label = "HumanEval (pass@1)" if res.config.task == "humaneval" else f"{res.source} (accuracy)"
        for rec in res.receivers:
            cells = [acc.get((rec, s)) for s in structures]
            rows.append([label, rec, "% correct"] + [_fmt_ci(c["mean"], c["lo"], c["hi"], 100) if c else "—" for c in cells])
            cells = [util.get((rec, s)) for s in structures]
            rows.append(["", "", "log P(answer), nats"] + [_fmt_ci(c["mean"], c["lo"], c["hi"], 1, 2) if c else "—" for c in cells])
        paper = "gsm8k" if res.config.kind == "math" else "humaneval"
        avg = PAPER_TABLE1[paper]["average"]
        rows.append(["", f"paper: average of 11 Receivers ({'GSM8K' if paper == 'gsm8k' else 'HumanEval'})", "% correct"]
                    + [f"{v:.1f}" for v in avg[:4]] + ["—"])
    return Table(rows, headers)


def contrasts_markdown(results, metric: str) -> Table:
    """Paired contrasts with 95% bootstrap CIs, one row per task, Receiver and contrast."""
    scale, unit = (100, "points") if metric == "accuracy" else (1, "nats")
    rows = []
    for res in results:
        for c in res.contrasts(metric):
            verdict = "> 0" if c["lo"] > 0 else "< 0" if c["hi"] < 0 else "0 inside"
            rows.append([res.config.task, c["receiver"], f"{SHORT[c['a']]} − {SHORT[c['b']]}",
                         f"{c['mean'] * scale:+.2f}", f"[{c['lo'] * scale:+.2f}, {c['hi'] * scale:+.2f}]", verdict])
    return Table(rows, ["task", "Receiver", "contrast", f"mean ({unit})", "95% CI", "CI"])


def arpi_markdown(results) -> Table:
    """ARPI(A ∣ No) over the Receivers, for accuracy and utility, with the mean prompt-length increase."""
    rows = []
    for res in results:
        for metric, scale, unit in (("accuracy", 100, "points / token"), ("utility", 1, "nats / token")):
            for a in res.arpi(metric):
                rows.append([res.config.task, metric, SHORT[a["structure"]], f"{a['arpi'] * scale:+.4f} {unit}",
                             f"[{a['lo'] * scale:+.4f}, {a['hi'] * scale:+.4f}]", f"{100 * a['token_increase']:+.1f}%"])
    return Table(rows, ["task", "performance", "A", "ARPI(A ∣ No)", "95% CI", "prompt tokens vs No"])


# -- figures --------------------------------------------------------------------------

HATCHES = ("", "//", "..", "xx", "\\\\", "oo")


def plot_learning_curves(axes, results) -> None:
    """Eq. (3) on training and validation inputs during training, one panel per task."""
    axes = np.atleast_1d(axes)
    if len(axes) != len(results):
        raise ValueError(f"need one axis per result ({len(results)}); got {len(axes)}")
    for ax, res in zip(axes, results):
        k = 0
        for name in res.receivers:
            c = res.curves[name]
            steps = np.arange(1, len(c["train"]) + 1)
            color = PALETTE[1 + k % (len(PALETTE) - 1)]
            ax.plot(steps, c["train"], color=color, ls="-", label=f"{name}: training")
            ax.plot(steps, c["val"], color=color, ls="--", label=f"{name}: validation")
            ax.plot(c["best_step"] + 1, c["val"][c["best_step"]], marker=MARKERS[k % len(MARKERS)], color=color, ms=7,
                    ls="none", label=f"{name}: kept (best validation)")
            k += 1
        ax.axhline(0, color="0.5", lw=0.8)
        ax.set_xlabel("gradient step")
        ax.set_ylabel("Eq. (3) loss, centred (nats; lower is better)")
        ax.set_title(res.config.task)
        ax.legend(fontsize=7)


def _bars(ax, groups, series, values, errors, ylabel, *, points: bool = False):
    """Grouped bars (or, with ``points``, markers): ``values`` (groups, series); ``errors`` (2, groups, series).

    Markers suit quantities with no natural zero (log-probabilities); every
    series has its own hatch or marker shape as well as its colour.
    """
    width = 0.8 / len(series)
    x = np.arange(len(groups))
    for k, name in enumerate(series):
        xs = x + (k - (len(series) - 1) / 2) * width
        color = PALETTE[k % len(PALETTE)] if k else "0.55"
        if points:
            ax.errorbar(xs, values[:, k], yerr=errors[:, :, k], fmt=MARKERS[k % len(MARKERS)], color=color, ms=7,
                        mec="black", capsize=3, lw=1, label=name)
        else:
            ax.bar(xs, values[:, k], width, yerr=errors[:, :, k], color=PALETTE[k % len(PALETTE)] if k else "0.85",
                   edgecolor="black", hatch=HATCHES[k % len(HATCHES)], capsize=2, label=name, error_kw=dict(lw=0.8))
    ax.set_xticks(x)
    ax.set_xticklabels(groups, fontsize=8)
    ax.set_ylabel(ylabel)
    if points:
        ax.set_xlim(-0.6, len(groups) - 0.4)


def _accuracy_axis(ax):
    ax.set_ylim(0, max(5.0, ax.get_ylim()[1]))


def plot_structures(ax, result, metric: str = "utility") -> None:
    """Mean ``metric`` of each structure per Receiver on test inputs, with 95% CIs (the Table 1 analogue)."""
    rows = result.table(metric)
    structures = [s for s in ("no information", "all information", "prior information", "posterior information",
                              "posterior (other Advisor)") if any(r["structure"] == s for r in rows)]
    scale = 100 if metric == "accuracy" else 1
    vals = np.array([[next(r["mean"] for r in rows if r["receiver"] == rec and r["structure"] == s) * scale
                      for s in structures] for rec in result.receivers])
    err = np.array([[[(next(r for r in rows if r["receiver"] == rec and r["structure"] == s)[key] * scale)
                      for s in structures] for rec in result.receivers] for key in ("lo", "hi")])
    err = np.abs(err - vals[None])
    _bars(ax, result.receivers, [SHORT[s] for s in structures], vals, err,
          "accuracy (%)" if metric == "accuracy" else "mean log P(answer) (nats)", points=metric == "utility")
    if metric == "accuracy":
        _accuracy_axis(ax)
    ax.set_title(f"{result.config.task}: {'accuracy' if metric == 'accuracy' else 'utility'} by structure")


def plot_easy_hard(ax, result, metric: str = "utility") -> None:
    """Fig. 2 analogue: the easy-trained Advisor on easy and hard test inputs, with 95% CIs."""
    rows = result.easy_hard(metric)
    structures = ["no information", "all information", "prior information", "posterior (easy Advisor)"]
    groups = [(rec, g) for rec in result.receivers for g in ("easy", "hard")
              if any(r["receiver"] == rec and r["group"] == g for r in rows)]
    scale = 100 if metric == "accuracy" else 1

    def get(rec, g, s):
        return next(r for r in rows if r["receiver"] == rec and r["group"] == g and r["structure"] == s)

    vals = np.array([[get(rec, g, s)["mean"] * scale for s in structures] for rec, g in groups])
    err = np.array([[[get(rec, g, s)[key] * scale for s in structures] for rec, g in groups] for key in ("lo", "hi")])
    err = np.abs(err - vals[None])
    labels = [f"{rec}\n{g} (n={get(rec, g, structures[0])['n']})" for rec, g in groups]
    _bars(ax, labels, [SHORT[s] for s in structures], vals, err,
          "accuracy (%)" if metric == "accuracy" else "mean log P(answer) (nats)", points=metric == "utility")
    if metric == "accuracy":
        _accuracy_axis(ax)
    ax.set_title(f"{result.config.task}: Advisor trained on easy inputs (difficulty ≤ {result.threshold})")


def plot_arpi(ax, results, metric: str = "utility") -> None:
    """Fig. 3 analogue: ARPI(A ∣ No) per task, with 95% CIs, annotated with the prompt-length increase."""
    structures = ["all information", "prior information", "posterior information"]
    scale = 100 if metric == "accuracy" else 1
    tasks = [res.config.task for res in results]
    rows = [{a["structure"]: a for a in res.arpi(metric)} for res in results]
    vals = np.array([[r[s]["arpi"] * scale for s in structures] for r in rows])
    err = np.array([[[r[s][key] * scale for s in structures] for r in rows] for key in ("lo", "hi")])
    err = np.abs(err - vals[None])
    labels = [f"{task}\nprompt tokens vs No\n(All / Prior / Posterior):\n" + " / ".join(f"+{100 * r[s]['token_increase']:.0f}%" for s in structures)
              for task, r in zip(tasks, rows)]
    _bars(ax, labels, [SHORT[s] for s in structures], vals, err,
          "ARPI(A | No): " + ("points per prompt token" if metric == "accuracy" else "nats per prompt token"))
    ax.axhline(0, color="black", lw=0.8)


# -- words -----------------------------------------------------------------------------


def summarise(result, metric: str = "utility") -> list[str]:
    """One sentence per Receiver and contrast: the estimate, its 95% CI, and whether it excludes zero."""
    unit, scale = ("nats", 1) if metric == "utility" else ("points of accuracy", 100)
    out = []
    for c in result.contrasts(metric):
        if c["lo"] > 0:
            verdict = "positive (the 95% interval excludes zero)"
        elif c["hi"] < 0:
            verdict = "negative (the 95% interval excludes zero)"
        else:
            verdict = "not distinguishable from zero at this sample size"
        out.append(
            f"{result.config.task}, {c['receiver']}: {SHORT[c['a']]} − {SHORT[c['b']]} = {c['mean'] * scale:+.2f} {unit} "
            f"[{c['lo'] * scale:+.2f}, {c['hi'] * scale:+.2f}]: {verdict}."
        )
    return out


# -- verdicts on the paper's claims ---------------------------------------------------------

#: The smallest number of test inputs on which a verdict other than "inconclusive" is given.
MIN_INPUTS = 10

#: The claims of Bai et al. §4 that the experiment tests: (key, claim, where in the paper, A, B, subset).
#: Each claim says "A beats B" (on the whole test set, or on its hard inputs).
CLAIMS = (
    ("posterior>prior", "The Advisor's item beats a random item (Posterior > Prior)", "§4.2.1, Table 1",
     "posterior information", "prior information", None),
    ("posterior>no", "The Advisor's item beats no information (Posterior > No)", "Table 1",
     "posterior information", "no information", None),
    ("prior>no", "Additional information helps (Prior > No)", "§4.2.1",
     "prior information", "no information", None),
    ("posterior>all", "One chosen item beats all items (Posterior > All)", "§4.2.2, Fig. 2",
     "posterior information", "all information", None),
    ("other>prior", "An Advisor trained for another Receiver still helps (model-agnostic)", "§1, §4.2.1",
     "posterior (other Advisor)", "prior information", None),
    ("easy>prior on hard", "An Advisor trained on easy inputs helps on hard ones (easy-to-hard)", "§4.2.3, Fig. 2",
     "posterior (easy Advisor)", "prior information", "hard"),
    ("arpi", "Posterior buys more performance per prompt token than All (ARPI)", "§4.3, Eq. 7, Fig. 3",
     "posterior information", "all information", None),
)


def _paper_claim_number(key: str, task: str) -> str:
    """The paper's average effect (percentage points, GPT-2 / Phi-2 Advisor), from its Table 1 average row."""
    avg = dict(zip(PAPER_COLUMNS, PAPER_TABLE1[task]["average"]))
    post = (avg["posterior (GPT-2)"], avg["posterior (Phi-2)"])
    if key in ("posterior>prior", "other>prior"):
        diffs = [p - avg["prior information"] for p in post]
    elif key == "posterior>no":
        diffs = [p - avg["no information"] for p in post]
    elif key == "posterior>all":
        diffs = [p - avg["all information"] for p in post]
    elif key == "prior>no":
        return f"{avg['prior information'] - avg['no information']:+.1f} points"
    elif key == "easy>prior on hard":
        return "MATH levels 4–5 (Fig. 2, no number printed)"
    else:
        return "All +26% prompt tokens, Posterior +6.9% (Phi-2)"
    return f"{diffs[0]:+.1f} / {diffs[1]:+.1f} points (GPT-2 / Phi-2)"


def verdict(lo: float, hi: float, n: int) -> str:
    """The rule: *supported* when the 95% interval of A − B lies above zero, *contradicted* when below,
    *inconclusive* when it contains zero or rests on fewer than :data:`MIN_INPUTS` test inputs.

    >>> verdict(0.1, 0.5, 32), verdict(-0.4, -0.1, 32), verdict(-0.1, 0.3, 32), verdict(0.1, 0.5, 4)
    ('supported', 'contradicted', 'inconclusive', 'inconclusive')
    """
    if n < MIN_INPUTS:
        return "inconclusive"
    return "supported" if lo > 0 else "contradicted" if hi < 0 else "inconclusive"


def _claim_effect(res, a: str, b: str, subset, metric: str):
    """(mean, lo, hi, n) of A − B averaged over the Receivers, per test input, with a paired bootstrap CI."""
    from .evaluate import paired_bootstrap

    values = res.correct if metric == "accuracy" else res.utility
    names = [r for r in res.receivers if a in values[r] and b in values[r]]
    if not names:
        return None
    mask = np.ones(len(res.difficulty), bool) if subset is None else res.difficulty > res.threshold
    n = int(mask.sum())
    if n == 0:
        return None
    da = np.mean([values[r][a][mask] for r in names], axis=0)
    db = np.mean([values[r][b][mask] for r in names], axis=0)
    m, lo, hi = paired_bootstrap(da, db, n_boot=res.config.n_boot, seed=res.config.seed)
    return m, lo, hi, n


def _arpi_effect(res, metric: str):
    """ARPI(Posterior | No) − ARPI(All | No) with a bootstrap CI (inputs resampled jointly for all Receivers)."""
    from .evaluate import arpi_difference_bootstrap

    values = res.correct if metric == "accuracy" else res.utility
    get = lambda d, s: np.array([d[r][s] for r in res.receivers], dtype=float)  # noqa: E731
    m, lo, hi = arpi_difference_bootstrap(
        get(values, "posterior information"), get(values, "all information"), get(values, "no information"),
        get(res.tokens, "posterior information"), get(res.tokens, "all information"), get(res.tokens, "no information"),
        n_boot=res.config.n_boot, seed=res.config.seed)
    return m, lo, hi, len(res.difficulty)


def verdicts(results) -> list[dict]:
    """One row per claim of :data:`CLAIMS` and task: the paper's number, ours in accuracy and in utility
    (mean of A − B over the Receivers, 95% CI, number of test inputs) and the :func:`verdict` of each."""
    rows = []
    for res in results:
        task = "gsm8k" if res.config.kind == "math" else "humaneval"
        for key, claim, where, a, b, subset in CLAIMS:
            row = dict(key=key, claim=claim, where=where, task=res.config.task, source=res.source,
                       paper=_paper_claim_number(key, task))
            for metric in ("accuracy", "utility"):
                effect = _arpi_effect(res, metric) if key == "arpi" else _claim_effect(res, a, b, subset, metric)
                if effect is None:
                    row[metric] = None
                    row[f"{metric}_verdict"] = "not measured"
                    continue
                m, lo, hi, n = effect
                row[metric] = dict(mean=m, lo=lo, hi=hi, n=n)
                row[f"{metric}_verdict"] = verdict(lo, hi, n)
            rows.append(row)
    return rows


def verdict_table(rows) -> Table:
    """The verdict table: claim, paper's number, ours (accuracy in points, utility in nats) and verdicts."""
    out = []
    for r in rows:
        cells = []
        for metric, scale, digits in (("accuracy", 100, 1), ("utility", 1, 2)):
            e = r[metric]
            if e is None:
                cells += ["—", r[f"{metric}_verdict"]]
                continue
            per_token = r["key"] == "arpi"
            s = 1e3 * scale if per_token else scale
            unit = " per 1,000 prompt tokens" if per_token else ""
            cells += [f"{e['mean'] * s:+.{digits}f}{unit} [{e['lo'] * s:+.{digits}f}, {e['hi'] * s:+.{digits}f}] "
                      f"(n={e['n']})", r[f"{metric}_verdict"]]
        out.append([r["claim"], r["where"], f"{r['task']} ({r['source']})", r["paper"], *cells])
    return Table(out, ["claim", "paper §", "task (data)", "paper", "ours: accuracy (points)", "verdict",
                       "ours: utility (nats)", "verdict"])


def _effect_text(e, metric: str, per_token: bool = False) -> str:
    if e is None:
        return "not measured"
    scale = (100 if metric == "accuracy" else 1) * (1e3 if per_token else 1)
    unit = ("points" if metric == "accuracy" else "nats") + (" per 1,000 prompt tokens" if per_token else "")
    digits = 1 if metric == "accuracy" else 2
    return f"{e['mean'] * scale:+.{digits}f} {unit} [{e['lo'] * scale:+.{digits}f}, {e['hi'] * scale:+.{digits}f}]"


def findings_markdown(results, rows) -> str:
    """What this run found, in sentences generated from ``results`` and their :func:`verdicts` ``rows``."""
    from collections import Counter

    out = []
    for res in results:
        best = max(res.table("accuracy"), key=lambda r: r["mean"])
        out.append(
            f"- **{res.config.task}** ran on *{res.source}* data ({len(res.ids['train'])} training, "
            f"{len(res.ids['val'])} validation and {len(res.ids['test'])} test inputs; seed {res.config.seed}). "
            f"The highest accuracy of any Receiver under any structure is {100 * best['mean']:.0f}% "
            f"({best['receiver']}, {SHORT[best['structure']]})."
        )
        for name in res.receivers:
            prior = res.utility[name]["prior information"]
            gain = res.utility[name]["posterior information"] - prior
            room = (res.oracle[name] - prior).mean()
            share = f"{100 * gain.mean() / room:+.0f}%" if room > 0 else "no share (the oracle gains nothing)"
            out.append(f"  - {name}: the Advisor's item gains {gain.mean():+.2f} nats over a random item, "
                       f"{share} of what the best item in hindsight gains ({room:.2f} nats).")
    for metric in ("accuracy", "utility"):
        c = Counter(r[f"{metric}_verdict"] for r in rows)
        parts = ", ".join(f"{c[v]} {v}" for v in ("supported", "contradicted", "inconclusive", "not measured") if c[v])
        out.append(f"- In **{metric}**, the {sum(c.values())} verdicts are: {parts}.")
    for r in rows:
        if "supported" in (r["accuracy_verdict"], r["utility_verdict"]) or \
                "contradicted" in (r["accuracy_verdict"], r["utility_verdict"]):
            per_token = r["key"] == "arpi"
            out.append(f"  - {r['claim']} on {r['task']}: accuracy {_effect_text(r['accuracy'], 'accuracy', per_token)} "
                       f"(*{r['accuracy_verdict']}*), utility {_effect_text(r['utility'], 'utility', per_token)} "
                       f"(*{r['utility_verdict']}*).")
    return "\n".join(out)
