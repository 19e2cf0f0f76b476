r"""Tables, figures and plain-language summaries of :class:`~persuasion.llm.results.TaskResult`.

* :data:`PAPER_TABLE1`: Bai et al.'s Table 1 (GSM8K and HumanEval rows), as
  printed, and :func:`paper_average` recomputed from its rows;
* :func:`table1_markdown`: the Table 1 analogue, measured, beside the paper;
* the chapter's figures are drawn by :mod:`persuasion.llm.figures`;
* :func:`summarise`: sentences that say what the numbers show, generated
  from the numbers (a contrast is called an effect only when its 95%
  interval excludes zero);
* :func:`write_report`: the files of the experiment's report stage
  (``results.json``, CSV tables, figures).
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..book.tables import Table, seed_spread, signed, signed_interval
from ..protocol import Structure
from .figures import SHORT
from .statistics import ALPHA, MIN_ACCURACY, MIN_INPUTS, holm, p_text, verdict_from_p

if TYPE_CHECKING:
    from .results import TaskResult

__all__ = [
    "PAPER_TABLE1",
    "PAPER_COLUMNS",
    "PAPER_NAMES",
    "paper_average",
    "coverage_markdown",
    "table1_markdown",
    "contrasts_markdown",
    "arpi_markdown",
    "baselines_table",
    "baselines_markdown",
    "summarise",
    "write_report",
    "SHORT",
]

#: Columns of the paper's Table 1: No, All, Prior, Posterior (GPT-2 Advisor), Posterior (Phi-2 Advisor).
#: How the book names the paper's two tasks.
PAPER_NAMES = {"gsm8k": "GSM8K", "humaneval": "HumanEval"}

PAPER_COLUMNS = (Structure.NO, Structure.ALL, Structure.PRIOR, "posterior (GPT-2)", "posterior (Phi-2)")

#: Bai et al., Table 1, as printed (accuracy in %; HumanEval: pass@1 in %), and the printed "Average" rows.
#:
#: :meta hide-value:
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

def paper_average(task: str) -> np.ndarray:
    """The column means of the paper's Table 1 rows for ``task`` ("gsm8k" or "humaneval").

    >>> paper_average("gsm8k").round(2)
    array([35.32, 40.78, 43.45, 47.58, 53.23])
    """
    if task not in PAPER_TABLE1:
        raise ValueError(f"task must be one of {sorted(PAPER_TABLE1)}; got {task!r}")
    return np.array(list(PAPER_TABLE1[task]["rows"].values())).mean(axis=0)


def _fmt_ci(row, scale=1.0, digits=1):
    """``mean [lo, hi]`` of a summary row, or a dash where there is none."""
    if row is None:
        return "—"
    m, lo, hi = row["mean"] * scale, row["lo"] * scale, row["hi"] * scale
    return f"{m:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


def _fmt_nats(row) -> str:
    """``mean [lo, hi]`` in nats to about three figures: 2 decimals below 10 in size (-4.93), 1 above (-108.6)."""
    return _fmt_ci(row, 1, 2 if row is None or max(abs(row["lo"]), abs(row["hi"])) < 10 else 1)


def table1_markdown(results: Iterable[TaskResult], caption: str | None = None) -> Table:
    """The Table 1 analogue: accuracy (%) with 95% CIs, and mean utility (nats), per task and Receiver.

    The paper's average row for the same task follows each block; its
    Posterior cell gives both of the paper's Advisors, GPT-2 (the one closest
    in size to ours) and Phi-2. ``caption`` heads the table.

    On a result built by hand (one Receiver whose Advisors' items gain a nat on average):

    >>> from persuasion.llm.toy import toy_result
    >>> # one Receiver, "R", 12 test inputs; the Advisors' items gain a nat
    >>> result = toy_result()
    >>> table = table1_markdown([result])
    >>> table.headers[3:7]
    ['No', 'All', 'Prior', 'Posterior']
    >>> table.rows[0][1:5]
    ['R', '% correct', '0.0 [0.0, 0.0]', '16.7 [0.0, 41.7]']
    >>> table.rows[1][2:5]
    ['log P(answer) (nats)', '-4.98 [-5.41, -4.58]', '-5.25 [-5.70, -4.71]']
    >>> # the paper's average row follows, flagged: the toy's maths is synthetic
    >>> table.rows[2][:4]
    ["paper, GSM8K (not this run's data)", 'average of 11 Receivers', '% correct', '35.3']
    """
    structures = [Structure.NO, Structure.ALL, Structure.PRIOR, Structure.POSTERIOR,
                  Structure.POSTERIOR_OTHER]
    headers = ["task", "Receiver", "metric"] + [SHORT[s] for s in structures]
    rows = []
    for res in results:
        acc = {(r["receiver"], r["structure"]): r for r in res.table("accuracy")}
        util = {(r["receiver"], r["structure"]): r for r in res.table("utility")}
        label = "HumanEval (pass@1)" if res.config.task == "humaneval" else PAPER_NAMES.get(res.source, res.source)
        for rec in res.receivers:
            rows.append([label, rec, "% correct"] + [_fmt_ci(acc.get((rec, s)), 100) for s in structures])
            rows.append(["", "", "log P(answer) (nats)"] + [_fmt_nats(util.get((rec, s))) for s in structures])
        paper = "gsm8k" if res.config.kind == "math" else "humaneval"
        name = PAPER_NAMES[paper] + ("" if res.source == paper else " (not this run's data)")
        avg = dict(zip(PAPER_COLUMNS, PAPER_TABLE1[paper]["average"]))
        posterior = f"{avg['posterior (GPT-2)']:.1f} (GPT-2 Advisor) / {avg['posterior (Phi-2)']:.1f} (Phi-2 Advisor)"
        rows.append([f"paper, {name}", "average of 11 Receivers", "% correct"]
                    + [f"{avg[s]:.1f}" for s in PAPER_COLUMNS[:3]] + [posterior, "—"])
    return Table(rows, headers, caption)


def contrasts_markdown(results: Iterable[TaskResult], metric: str) -> Table:
    """Paired contrasts with 95% bootstrap CIs, one row per task, Receiver and contrast.

    On a result built by hand (one Receiver whose Advisors' items gain a nat on average):

    >>> from persuasion.llm.toy import toy_result
    >>> # one Receiver, "R", 12 test inputs; the Advisors' items gain a nat
    >>> result = toy_result()
    >>> table = contrasts_markdown([result], "utility")
    >>> table.headers
    ['task', 'Receiver', 'contrast', 'mean (nats)', '95% CI', 'interval vs 0', 'over Advisor seeds']
    >>> for row in table.rows[:4]:
    ...     print(row)
    ['gsm8k', 'R', 'Posterior − Prior', '+1.70', '[+0.80, +2.40]', '> 0', '—']
    ['gsm8k', 'R', 'Posterior − No', '+1.58', '[+1.14, +2.18]', '> 0', '—']
    ['gsm8k', 'R', 'Posterior − All', '+1.85', '[+1.15, +2.47]', '> 0', '—']
    ['gsm8k', 'R', 'All − No', '-0.27', '[-0.77, +0.46]', '0 inside', '—']
    """
    scale, unit = (100, "points") if metric == "accuracy" else (1, "nats")
    rows = []
    for res in results:
        weak = metric == "accuracy" and not res.informative()
        for c in res.contrasts(metric):
            verdict = "> 0" if c["lo"] > 0 else "< 0" if c["hi"] < 0 else "0 inside"
            if weak:  # see persuasion.llm.claims: below MIN_ACCURACY everywhere, accuracy compares little
                verdict += "; uninformative"
            seeds = c.get("seeds")
            spread = f"{seed_spread(seeds, scale)} ({len(seeds)})" if seeds and len(seeds) > 1 else "—"
            rows.append([res.config.task, c["receiver"], f"{SHORT[c['a']]} − {SHORT[c['b']]}",
                         signed(c['mean'] * scale, 2),
                         f"[{signed(c['lo'] * scale, 2)}, {signed(c['hi'] * scale, 2)}]", verdict, spread])
    return Table(rows, ["task", "Receiver", "contrast", f"mean ({unit})", "95% CI", "interval vs 0",
                        "over Advisor seeds"],
                 caption=f"Paired contrasts in {metric} ({unit}): mean difference over test inputs, with its "
                         "95% percentile bootstrap interval (the verdict table uses the BCa interval, so its "
                         "bounds can differ a little) and whether the interval lies above, below or around zero; "
                         "where an Advisor draws A or B, the lowest and highest mean difference over its "
                         "training seeds (how many seeds)"
                         + (f"; uninformative: on that task no Receiver reaches {MIN_ACCURACY:.0%} accuracy under "
                            "any structure." if metric == "accuracy" else "."))


def arpi_markdown(results: Iterable[TaskResult]) -> Table:
    """ARPI(A ∣ No) over the Receivers, for accuracy and utility, with the mean prompt-length increase.

    On a result built by hand (one Receiver whose Advisors' items gain a nat on average):

    >>> from persuasion.llm.toy import toy_result
    >>> # one Receiver, "R", 12 test inputs; the Advisors' items gain a nat
    >>> result = toy_result()
    >>> table = arpi_markdown([result])
    >>> table.headers
    ['task', 'performance', 'A', 'ARPI(A ∣ No) per 1,000 tokens', '95% CI', 'prompt tokens vs No']
    >>> for row in table.rows[3:]:
    ...     print(row)
    ['gsm8k', 'utility', 'All', '-1.36 nats', '[-3.85, +2.29]', '+200.0%']
    ['gsm8k', 'utility', 'Prior', '-3.99 nats', '[-24.11, +16.84]', '+30.0%']
    ['gsm8k', 'utility', 'Posterior', '+52.72 nats', '[+37.86, +72.57]', '+30.0%']
    """
    rows = []
    for res in results:
        # per 1,000 prompt tokens, as the verdicts give it
        for metric, scale, unit in (("accuracy", 1e5, "points"), ("utility", 1e3, "nats")):
            for a in res.arpi(metric):
                rows.append([res.config.task, metric, SHORT[a["structure"]], f"{signed(a['arpi'] * scale, 2)} {unit}",
                             f"[{signed(a['lo'] * scale, 2)}, {signed(a['hi'] * scale, 2)}]",
                             f"{signed(100 * a['token_increase'], 1)}%"])
    return Table(rows, ["task", "performance", "A", "ARPI(A ∣ No) per 1,000 tokens", "95% CI", "prompt tokens vs No"],
                 caption="ARPI(A ∣ No) (Eq. 7): performance gained over no information per 1,000 extra prompt "
                         "tokens, averaged over the Receivers, with its 95% bootstrap interval and the mean prompt "
                         "growth.")


# -- words -----------------------------------------------------------------------------


def _position_name(row) -> str:
    """'item 3' or, where the task's items have fixed kinds, 'item 3 (“first step”)'."""
    kind = row.get("kind")
    return f"item {row['position'] + 1}" + (f" (“{kind}”)" if kind else "")


def _signed_ci(e) -> str:
    return signed_interval(e)


def coverage_markdown(cover: dict[str, float], *, n: int, n_sims: int, level: float = 0.95) -> str:
    """Words on :func:`~persuasion.llm.statistics.interval_coverage`'s result: each interval's coverage and,
    by a stated rule, which under-cover.

    An interval under-covers when its simulated coverage falls more than two
    Monte Carlo standard errors, :math:`2\\sqrt{\\text{level}(1-\\text{level})/n_\\text{sims}}`,
    below ``level``.

    >>> text = coverage_markdown(
    ...     {"percentile": 0.88, "bca": 0.93, "t": 0.96}, n=16, n_sims=200
    ... )
    >>> print(text[:text.index(". The verdicts")])
    At n = 16 inputs, over 200 simulated samples, the nominal 95% intervals cover: percentile 88%, BCa 93%, t 96%.
    With 200 samples a coverage is known to about ±3.1 points (two Monte Carlo standard errors), so an interval
    under-covers when it covers less than 91.9%: here the percentile interval does
    """
    names = {"percentile": "percentile", "bca": "BCa", "t": "t"}
    margin = 2 * np.sqrt(level * (1 - level) / n_sims)
    under = [names[k] for k, v in cover.items() if v < level - margin]
    if not under:
        verdict = "here none does"
    elif len(under) == 1:
        verdict = f"here the {under[0]} interval does"
    else:
        verdict = f"here the {', '.join(under[:-1])} and {under[-1]} intervals do"
    return (f"At n = {n} inputs, over {n_sims} simulated samples, the nominal {level:.0%} intervals cover: "
            + ", ".join(f"{names[k]} {v:.0%}" for k, v in cover.items())
            + f". With {n_sims} samples a coverage is known to about ±{100 * margin:.1f} points (two Monte Carlo "
            f"standard errors), so an interval under-covers when it covers less than {100 * (level - margin):.1f}%: "
            + verdict
            + ". The verdicts show the BCa interval but, except ARPI's, decide by the sign-flip test's p-value, "
            "whose chance of a false rejection does not rest on the interval's coverage; ARPI's verdict rests on "
            "its percentile bootstrap, and shares that interval's coverage.")


def baselines_table(rows: Sequence[Mapping[str, Any]], caption: str | None = None) -> Table:
    """The trained Advisor beside the prior, every fixed item, the best of them and the oracle, in utility (nats).

    ``rows``: :meth:`TaskResult.baselines <persuasion.llm.results.TaskResult.baselines>`
    of each task (concatenated), each optionally with a ``kind`` naming its
    position. One row per policy, one column per task and Receiver; every cell
    is a mean over test inputs with its 95% interval.

    >>> ci = lambda m: dict(mean=m, lo=m - 0.5, hi=m + 0.5)
    >>> row = dict(
    ...     task="t",
    ...     receiver="R",
    ...     position=2,
    ...     n=12,
    ...     prior=ci(-6.0),
    ...     advisor=ci(-5.0),
    ...     each=[ci(-4.0 - abs(c - 2)) for c in range(7)],
    ...     fixed=ci(-4.0),
    ...     oracle=ci(-3.0),
    ...     advisor_minus_fixed=ci(-1.0),
    ... )
    >>> table = baselines_table([row])
    >>> table.headers
    ['policy', 't, R']
    >>> for policy, cell in table.rows[:2] + table.rows[-4:]:
    ...     print(f"{policy}: {cell}")
    Prior (a uniform item): -6.00 [-6.50, -5.50]
    always item 1: -6.00 [-6.50, -5.50]
    best fixed item (chosen on validation): item 3: -4.00 [-4.50, -3.50]
    Advisor (Posterior): -5.00 [-5.50, -4.50]
    oracle (best item in hindsight): -3.00 [-3.50, -2.50]
    Advisor − best fixed item: -1.00 [-1.50, -0.50]
    """
    n_items = max(len(r["each"]) for r in rows)
    policies = [("Prior (a uniform item)", lambda r: _fmt_nats(r["prior"]))]
    policies += [(f"always item {c + 1}", lambda r, c=c: _fmt_nats(r["each"][c])) for c in range(n_items)]
    policies += [
        ("best fixed item (chosen on validation)", lambda r: f"{_position_name(r)}: {_fmt_nats(r['fixed'])}"),
        ("Advisor (Posterior)", lambda r: _fmt_nats(r["advisor"])),
        ("oracle (best item in hindsight)", lambda r: _fmt_nats(r["oracle"])),
        ("Advisor − best fixed item", lambda r: _signed_ci(r["advisor_minus_fixed"])),
    ]
    out = [[name] + [cell(r) for r in rows] for name, cell in policies]
    return Table(out, ["policy"] + [f"{r['task']}, {r['receiver']}" for r in rows], caption)


def baselines_markdown(rows: Sequence[Mapping[str, Any]]) -> str:
    """Whether the trained Advisor beats the best fixed item, in sentences generated from ``rows``.

    ``rows`` as for :func:`baselines_table`, each ``advisor_minus_fixed``
    with the sign-flip test's p-value ``p``. The rule is the verdicts' (see
    :mod:`persuasion.llm.claims`): the comparisons of all ``rows`` form one
    family, their p-values are adjusted by Holm's method
    (:func:`~persuasion.llm.statistics.holm`), and the Advisor *beats* the
    fixed item (or *is beaten*) when the adjusted p-value is at most
    :data:`~persuasion.llm.statistics.ALPHA` and the mean difference is
    positive (negative) on at least :data:`~persuasion.llm.statistics.MIN_INPUTS`
    test inputs; otherwise the comparison is *inconclusive*.

    >>> ci = lambda m, p: dict(mean=m, lo=m - 0.5, hi=m + 0.5, p=p)
    >>> row = dict(
    ...     task="t",
    ...     receiver="R",
    ...     position=2,
    ...     n=12,
    ...     prior=ci(-6.0, 1),
    ...     advisor=ci(-5.0, 1),
    ...     fixed=ci(-4.0, 1),
    ...     oracle=ci(-3.0, 1),
    ...     advisor_minus_fixed=ci(-1.0, 0.02),
    ... )
    >>> text = baselines_markdown([row])
    >>> "Advisor − best fixed item = -1.00 nats [-1.50, -0.50]" in text
    True
    >>> "(n=12; p = 0.020, Holm-adjusted p = 0.020)" in text
    True
    >>> "the best fixed item **beats** the trained Advisor" in text
    True
    >>> # a family of two: 0.02 becomes 0.04
    >>> two = baselines_markdown([row, dict(row, receiver="S")])
    >>> two.count("Holm-adjusted p = 0.040"), two.count("**beats**")
    (2, 2)
    >>> baselines_markdown([dict(row, n=4)]).count(
    ...     "**inconclusive** (fewer than 10 test inputs)"
    ... )
    1
    """

    out, tally = [], Counter()
    words = {
        "supported": "the trained Advisor **beats** the best fixed item",
        "contradicted": "the best fixed item **beats** the trained Advisor",
    }
    adjusted = holm([r["advisor_minus_fixed"]["p"] for r in rows]) if rows else []
    for r, p_holm in zip(rows, adjusted):
        d = r["advisor_minus_fixed"]
        v = verdict_from_p(d["mean"], p_holm, r["n"])
        tally[v] += 1
        if v in words:
            word = words[v]
        elif r["n"] < MIN_INPUTS:
            word = f"**inconclusive** (fewer than {MIN_INPUTS} test inputs)"
        else:
            word = f"**inconclusive** (adjusted p-value above {ALPHA:g})"
        spread = ""
        if d.get("seeds") and len(d["seeds"]) > 1:
            spread = f"; over {len(d['seeds'])} Advisor seeds: {seed_spread(d['seeds'])}"
        out.append(
            f"- {r['task']}, {r['receiver']}: the trained Advisor's item averages "
            f"{signed(r['advisor']['mean'], 2)} nats; always showing {_position_name(r)}, the best position on the "
            f"validation inputs, averages {signed(r['fixed']['mean'], 2)} nats; the best item in hindsight averages "
            f"{signed(r['oracle']['mean'], 2)} nats. "
            f"Advisor − best fixed item = {signed(d['mean'], 2)} nats [{signed(d['lo'], 2)}, {signed(d['hi'], 2)}] "
            f"(n={r['n']}; p {p_text(d['p'])}, Holm-adjusted p {p_text(p_holm)}{spread}): {word}."
        )
    out.append(f"- The {len(rows)} comparisons form one family of their own, adjusted by Holm's method "
               f"(family-wise level {ALPHA:.0%}). Over the {len(rows)} Receiver-task pairs, the trained Advisor "
               f"beats the best fixed item on {tally['supported']}, is beaten by it on {tally['contradicted']}, "
               f"and the comparison is inconclusive on {tally['inconclusive']}.")
    return "\n".join(out)



def summarise(result: TaskResult, metric: str = "utility") -> list[str]:
    """One sentence per Receiver and contrast: the estimate, its 95% CI, and whether it excludes zero.

    On a result built by hand (one Receiver whose Advisors' items gain a nat on average):

    >>> from persuasion.llm.toy import toy_result
    >>> # one Receiver, "R", 12 test inputs; the Advisors' items gain a nat
    >>> result = toy_result()
    >>> for line in summarise(result)[3:5]:
    ...     print(line)
    gsm8k, R: All − No = -0.27 nats [-0.77, +0.46]: not distinguishable from zero at this sample size.
    gsm8k, R: Prior − No = -0.12 nats [-0.72, +0.51]: not distinguishable from zero at this sample size.
    >>> print(summarise(result, "accuracy")[1])
    gsm8k, R: Posterior − No = +50.00 points of accuracy [+24.79, +75.00]: positive
    (the 95% interval excludes zero).
    """
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
            f"{result.config.task}, {c['receiver']}: {SHORT[c['a']]} − {SHORT[c['b']]} = "
            f"{signed(c['mean'] * scale, 2)} {unit} "
            f"[{signed(c['lo'] * scale, 2)}, {signed(c['hi'] * scale, 2)}]: {verdict}."
        )
    return out


def write_report(result: TaskResult, out: str | os.PathLike[str]) -> list[Path]:
    """Write ``results.json`` (settings, per-input results, every summary), each summary as a CSV table and the
    figures as PNG files into the folder ``out``; return the files written.

    On a result built by hand (one Receiver whose Advisors' items gain a nat on average):

    >>> from persuasion.llm.toy import toy_result
    >>> # one Receiver, "R", 12 test inputs; the Advisors' items gain a nat
    >>> result = toy_result()
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = write_report(result, folder)
    ...     print(sorted(json.loads((Path(folder) / "results.json").read_text()))[:4])
    ['answer_share', 'config', 'correct', 'curves']
    >>> [f.name for f in written]
    ['results.json', 'table.csv', 'contrasts.csv', 'easy_hard.csv', 'arpi.csv', 'learning_curves.png',
     'structures_utility.png', 'structures_accuracy.png', 'easy_hard.png', 'arpi.png']
    """
    import matplotlib.pyplot as plt

    from ..book.plotting import use_book_style
    from .figures import plot_arpi, plot_easy_hard, plot_learning_curves, plot_structures

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = result.to_dict()
    written = [out / "results.json"]
    written[0].write_text(json.dumps(data, indent=1))
    for name, rows in data["summaries"].items():
        written.append(out / f"{name}.csv")
        with open(written[-1], "w", newline="") as f:
            if rows:
                writer = csv.DictWriter(f, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
    use_book_style()
    figures = {
        "learning_curves": ((7, 4.5), lambda ax: plot_learning_curves(ax, [result])),
        "structures_utility": ((7, 4), lambda ax: plot_structures(ax, result, "utility")),
        "structures_accuracy": ((7, 4), lambda ax: plot_structures(ax, result, "accuracy")),
        "easy_hard": ((7, 4.5), lambda ax: plot_easy_hard(ax, result, "utility")),
        "arpi": ((6, 4), lambda ax: plot_arpi(ax, [result], "utility")),
    }
    for name, (size, draw) in figures.items():
        fig, ax = plt.subplots(figsize=size)
        draw(ax)
        if name != "learning_curves":  # (which draws its own)
            ax.legend(fontsize=9)
        fig.tight_layout()
        written.append(out / f"{name}.png")
        fig.savefig(written[-1], dpi=120)
        plt.close(fig)
    return written
