r"""The claims of Bai et al. §4 that the experiment tests, and verdicts on them from measured results.

* :data:`CLAIMS`: each claim says "A beats B" (on all test inputs, or on the
  hard ones), where A and B are information structures;
* :func:`verdicts`: per claim and task, the paper's number and ours (the mean
  of A − B over the Receivers, per test input, with a BCa 95% interval and
  the p-value of the paired sign-flip test), in accuracy and in utility, and the verdict of each by
  a rule stated before the numbers: the p-values of every verdict of the run
  form one family, adjusted by Holm's method
  (:func:`~persuasion.llm.statistics.holm`), and a claim is *supported* or
  *contradicted* only when its adjusted p-value is at most
  :data:`~persuasion.llm.statistics.ALPHA`
  (:func:`~persuasion.llm.statistics.verdict_from_p`), else *inconclusive*.
  Accuracy contrasts of a task where no Receiver reaches
  :data:`MIN_ACCURACY` under any structure are reported but marked
  *uninformative* (differences of a few correct answers near zero), and
  left out of the family;
* :func:`verdict_table`, :func:`findings_markdown`: the same as a table and
  as sentences.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..book.tables import Table, seed_spread, signed, signed_interval
from ..protocol import Structure
from .evaluate import arpi_difference_draws
from .report import PAPER_COLUMNS, PAPER_NAMES, PAPER_TABLE1, SHORT
from .results import TaskResult
from .statistics import (
    ALPHA,
    MIN_ACCURACY,
    MIN_INPUTS,
    bca_interval,
    draws_p_value,
    holm,
    p_text,
    sign_flip_p_value,
    verdict_from_p,
)

__all__ = ["CLAIMS", "MIN_ACCURACY", "verdicts", "verdict_table", "findings_markdown"]


#: The claims of Bai et al. §4 that the experiment tests: (key, claim, where in the paper, A, B, subset).
#: Each claim says "A beats B" (on the whole test set, or on its hard inputs).
#:
#: :meta hide-value:
CLAIMS = (
    ("posterior>prior", "The Advisor's item beats a random item (Posterior > Prior)", "§4.2.1, Table 1",
     Structure.POSTERIOR, Structure.PRIOR, None),
    ("posterior>no", "The Advisor's item beats no information (Posterior > No)", "Table 1",
     Structure.POSTERIOR, Structure.NO, None),
    ("prior>no", "Additional information helps (Prior > No)", "§4.2.1",
     Structure.PRIOR, Structure.NO, None),
    ("posterior>all", "One chosen item beats all items (Posterior > All)", "§4.2.2, Fig. 2",
     Structure.POSTERIOR, Structure.ALL, None),
    ("other>prior", "An Advisor trained for another Receiver still helps (model-agnostic)", "§1, §4.2.1",
     Structure.POSTERIOR_OTHER, Structure.PRIOR, None),
    ("easy>prior on hard", "An Advisor trained on easy inputs helps on hard ones (easy-to-hard)", "§4.2.3, Fig. 2",
     Structure.POSTERIOR_EASY, Structure.PRIOR, "hard"),
    ("arpi", "Posterior buys more performance per prompt token than All (ARPI)", "§4.2.4, Eq. 7, Fig. 3",
     Structure.POSTERIOR, Structure.ALL, None),
)


def _paper_claim_number(key: str, task: str) -> str:
    """The paper's average effect (percentage points, GPT-2 / Phi-2 Advisor), from its Table 1 average row."""
    avg = dict(zip(PAPER_COLUMNS, PAPER_TABLE1[task]["average"]))
    post = (avg["posterior (GPT-2)"], avg["posterior (Phi-2)"])
    if key in ("posterior>prior", "other>prior"):
        diffs = [p - avg[Structure.PRIOR] for p in post]
    elif key == "posterior>no":
        diffs = [p - avg[Structure.NO] for p in post]
    elif key == "posterior>all":
        diffs = [p - avg[Structure.ALL] for p in post]
    elif key == "prior>no":
        return f"{signed(avg[Structure.PRIOR] - avg[Structure.NO], 1)} points"
    elif key == "easy>prior on hard":
        return "MATH levels 4–5 (Fig. 2, no number printed)"
    else:
        return "no ARPI printed; prompts: All +26% tokens, Posterior (Phi-2) +6.9% for +22.5% performance"
    return f"{signed(diffs[0], 1)} / {signed(diffs[1], 1)} points (GPT-2 / Phi-2)"


def _claim_effect(res, a: str, b: str, subset, metric: str):
    """(mean, lo, hi, n, p, seeds) of A − B averaged over the Receivers, per test input: the BCa 95% interval
    and the sign-flip test's p-value (:func:`~persuasion.llm.statistics.sign_flip_p_value`)."""
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
    d = da - db
    seeds = _seed_means(res, names, a, b, mask, metric)
    if n < 2:
        return float(d.mean()), float(d.mean()), float(d.mean()), n, 1.0, seeds
    m, lo, hi = bca_interval(d, n_boot=res.config.n_boot, seed=res.config.seed)
    return m, lo, hi, n, sign_flip_p_value(d, seed=res.config.seed), seeds


def _seed_means(res, names, a: str, b: str, mask, metric: str = "utility"):
    """The mean of A − B over ``names`` and the inputs in ``mask`` under each Advisor seed, or None when neither
    A nor B has an Advisor (see :meth:`~persuasion.llm.results.TaskResult.seed_differences`)."""
    per = [res.seed_differences(r, a, b, metric) for r in names]
    if all(d is None for d in per):
        return None
    values = res.correct if metric == "accuracy" else res.utility
    per = [(np.asarray(values[r][a]) - np.asarray(values[r][b]))[None] if d is None else d
           for r, d in zip(names, per)]
    seeds = max(d.shape[0] for d in per)
    diffs = np.mean([np.broadcast_to(d[:, mask], (seeds, int(mask.sum()))) for d in per], axis=0)
    return diffs.mean(axis=1).tolist()


def _arpi_effect(res, metric: str):
    """ARPI(Posterior | No) − ARPI(All | No) with a percentile bootstrap CI and p-value (inputs resampled jointly
    for all Receivers)."""
    values = res.correct if metric == "accuracy" else res.utility
    get = lambda d, s: np.array([d[r][s] for r in res.receivers], dtype=float)  # noqa: E731
    m, draws = arpi_difference_draws(
        get(values, Structure.POSTERIOR), get(values, Structure.ALL), get(values, Structure.NO),
        get(res.tokens, Structure.POSTERIOR), get(res.tokens, Structure.ALL), get(res.tokens, Structure.NO),
        n_boot=res.config.n_boot, seed=res.config.seed)
    lo, hi = np.quantile(draws, [0.025, 0.975])
    return m, float(lo), float(hi), len(res.difficulty), draws_p_value(draws), None


def verdicts(results: Iterable[TaskResult]) -> list[dict]:
    """One row per claim of :data:`CLAIMS` and task: the paper's number, ours in accuracy and in utility
    (mean of A − B over the Receivers, 95% CI, number of test inputs, p-value and Holm-adjusted p-value over
    every measured verdict of ``results``) and the verdict of each (see the module docstring).

    On a result built by hand (one Receiver whose Advisors' items gain a nat on average):

    >>> from persuasion.llm.toy import toy_result
    >>> # one Receiver, "R", 12 test inputs; the Advisors' items gain a nat
    >>> result = toy_result()
    >>> rows = verdicts([result])
    >>> for row in rows[:4]:
    ...     print(row["key"], "|", row["accuracy_verdict"], "|", row["utility_verdict"])
    posterior>prior | inconclusive | supported
    posterior>no | inconclusive | supported
    prior>no | inconclusive | inconclusive
    posterior>all | inconclusive | supported
    >>> # Posterior − Prior in nats: mean, BCa interval, p-value adjusted over 14 verdicts
    >>> e = rows[0]["utility"]
    >>> print(
    ...     f"{e['mean']:+.2f} [{e['lo']:+.2f}, {e['hi']:+.2f}], n={e['n']},",
    ...     f"p_holm={e['p_holm']}, {e['family']}",
    ... )
    +1.70 [+0.74, +2.38], n=12, p_holm=0.022, 14
    """
    rows = []
    for res in results:
        task = "gsm8k" if res.config.kind == "math" else "humaneval"
        informative = res.informative()
        for key, claim, where, a, b, subset in CLAIMS:
            paper = _paper_claim_number(key, task)
            if res.source != task:  # e.g. synthetic problems in GSM8K's place: the paper's number is not comparable
                paper += f"; on {PAPER_NAMES[task]}, not this run's {res.source} data"
            row = dict(key=key, claim=claim, where=where, task=res.config.task, source=res.source, paper=paper)
            for metric in ("accuracy", "utility"):
                effect = _arpi_effect(res, metric) if key == "arpi" else _claim_effect(res, a, b, subset, metric)
                if effect is None:
                    row[metric] = None
                    row[f"{metric}_verdict"] = "not measured"
                    continue
                m, lo, hi, n, p, seeds = effect
                row[metric] = dict(mean=m, lo=lo, hi=hi, n=n, p=p, seeds=seeds)
                if metric == "accuracy" and not informative:
                    row["accuracy_verdict"] = "uninformative"
            rows.append(row)
    family = [(r, metric) for r in rows for metric in ("accuracy", "utility")
              if r[metric] is not None and r.get(f"{metric}_verdict") != "uninformative"]
    adjusted = holm([r[metric]["p"] for r, metric in family])
    for (r, metric), p_holm in zip(family, adjusted):
        e = r[metric]
        e["p_holm"], e["family"] = float(p_holm), len(family)
        r[f"{metric}_verdict"] = verdict_from_p(e["mean"], e["p_holm"], e["n"])
    for r in rows:  # outside the family: no adjusted p-value
        if r.get("accuracy_verdict") == "uninformative":
            r["accuracy"]["p_holm"], r["accuracy"]["family"] = None, len(family)
    return rows


def _highest_accuracy(res) -> tuple[float, str]:
    """The best accuracy any Receiver reached under any structure, and every Receiver and structure that reached
    it: ``(mean, "A, No and All; B, Prior")``."""
    rows = res.table("accuracy")
    best = max(r["mean"] for r in rows)
    hits: dict[str, list[str]] = {}
    for r in rows:
        if abs(r["mean"] - best) < 1e-12:
            hits.setdefault(r["receiver"], []).append(SHORT[r["structure"]])
    return best, "; ".join(f"{name}, {' and '.join(where)}" for name, where in hits.items())


def verdict_table(rows: Iterable[Mapping[str, Any]]) -> Table:
    """The verdict table: claim, paper's number, ours (accuracy in points, utility in nats) and verdicts.

    On a result built by hand (one Receiver whose Advisors' items gain a nat on average):

    >>> from persuasion.llm.toy import toy_result
    >>> # one Receiver, "R", 12 test inputs; the Advisors' items gain a nat
    >>> result = toy_result()
    >>> table = verdict_table(verdicts([result]))
    >>> for header, cell in zip(table.headers, table.rows[0]):
    ...     print(f"{header}: {cell}")
    claim: The Advisor's item beats a random item (Posterior > Prior); §4.2.1, Table 1
    task (data): gsm8k (synthetic)
    paper: +4.1 / +9.7 points (GPT-2 / Phi-2); on GSM8K, not this run's synthetic data
    accuracy (points): inconclusive: +25.0 [-8.3, +50.0], n = 12, p (Holm) = 1.000
    utility (nats): supported: +1.70 [+0.74, +2.38], n = 12, p (Holm) = 0.022

    Each metric's verdict shares its cell with the effect it rests on, so the
    table keeps five columns and reads at page width.
    """
    out = []
    for r in rows:
        cells = []
        for metric, scale, digits in (("accuracy", 100, 1), ("utility", 1, 2)):
            e = r[metric]
            if e is None:
                cells.append("not measured")
                continue
            per_token = r["key"] == "arpi"
            s = 1e3 * scale if per_token else scale
            unit = " per 1,000 prompt tokens" if per_token else ""
            spread = ""
            if e.get("seeds") and len(e["seeds"]) > 1:
                spread = f"; {len(e['seeds'])} Advisor seeds: {seed_spread(e['seeds'], s, digits)}"
            word = r[f"{metric}_verdict"]
            if word == "inconclusive" and e["n"] < MIN_INPUTS:  # whatever the interval says
                word = f"inconclusive (n < {MIN_INPUTS})"
            mean, ci = signed_interval(e, s, digits).split(" ", 1)
            p = "" if e.get("p_holm") is None else f", p (Holm) {p_text(e['p_holm'])}"
            cells.append(f"{word}: {mean}{unit} {ci}, n = {e['n']}{p}{spread}")
        out.append([f"{r['claim']}; {r['where']}", f"{r['task']} ({r['source']})", r["paper"], *cells])
    return Table(out, ["claim", "task (data)", "paper", "accuracy (points)", "utility (nats)"],
                 caption="Verdicts on the paper's claims. Each accuracy and utility cell gives the verdict by the "
                         "rule above, then the mean of A − B over test inputs with its 95% interval, the number of "
                         "inputs n "
                         "and the Holm-adjusted p-value the verdict rests on; accuracy in percentage points, "
                         "utility in nats.")


def _effect_text(e, metric: str, per_token: bool = False) -> str:
    if e is None:
        return "not measured"
    scale = (100 if metric == "accuracy" else 1) * (1e3 if per_token else 1)
    unit = ("points" if metric == "accuracy" else "nats") + (" per 1,000 prompt tokens" if per_token else "")
    digits = 1 if metric == "accuracy" else 2
    mean, ci = signed_interval(e, scale, digits).split(" ", 1)
    return f"{mean} {unit} {ci}"


def findings_markdown(results: Iterable[TaskResult], rows: Sequence[Mapping[str, Any]]) -> str:
    """What this run found, in sentences generated from ``results`` and their :func:`verdicts` ``rows``.

    On a result built by hand (one Receiver whose Advisors' items gain a nat on average):

    >>> from persuasion.llm.toy import toy_result
    >>> # one Receiver, "R", 12 test inputs; the Advisors' items gain a nat
    >>> result = toy_result()
    >>> text = findings_markdown([result], verdicts([result]))
    >>> print("\\n".join(text.splitlines()[:5]))
    - **gsm8k** ran on *synthetic* data (4 training, 2 validation and 12 test inputs; seed 0). The highest
    accuracy of any Receiver under any structure is 83.3% (R, Posterior (other Receiver's Advisor)).
      - R: the Advisor's item gains +1.70 nats over a random item, +81% of what the best item in hindsight
      gains (2.10 nats).
    - The p-values of the 14 measured verdicts form one family, adjusted by Holm's method (family-wise level 5%).
    - In **accuracy**, the 7 verdicts are: 1 supported, 6 inconclusive.
    - In **utility**, the 7 verdicts are: 5 supported, 2 inconclusive.
    """
    out = []
    for res in results:
        best, where = _highest_accuracy(res)
        out.append(
            f"- **{res.config.task}** ran on *{res.source}* data ({len(res.ids['train'])} training, "
            f"{len(res.ids['val'])} validation and {len(res.ids['test'])} test inputs; seed {res.config.seed}). "
            + (f"The highest accuracy of any Receiver under any structure is {100 * best:.1f}% ({where})."
               if best > 0 else
               "No Receiver answered any test input correctly under any structure.")
        )
        for name in res.receivers:
            prior = res.utility[name][Structure.PRIOR]
            gain = res.utility[name][Structure.POSTERIOR] - prior
            room = (res.oracle[name] - prior).mean()
            share = f"{signed(100 * gain.mean() / room, 0)}%" if room > 0 else "no share (the oracle gains nothing)"
            out.append(f"  - {name}: the Advisor's item gains {signed(gain.mean(), 2)} nats over a random item, "
                       f"{share} of what the best item in hindsight gains ({room:.2f} nats).")
    family = next((r[m]["family"] for r in rows for m in ("accuracy", "utility") if r[m]), 0)
    out.append(f"- The p-values of the {family} measured verdicts form one family, adjusted by Holm's method "
               f"(family-wise level {ALPHA:.0%}).")
    for metric in ("accuracy", "utility"):
        c = Counter(r[f"{metric}_verdict"] for r in rows)
        parts = ", ".join(f"{c[v]} {v}" for v in ("supported", "contradicted", "inconclusive", "uninformative",
                                                     "not measured") if c[v])
        out.append(f"- In **{metric}**, the {sum(c.values())} verdicts are: {parts}.")
    for r in rows:
        if "supported" in (r["accuracy_verdict"], r["utility_verdict"]) or \
                "contradicted" in (r["accuracy_verdict"], r["utility_verdict"]):
            per_token = r["key"] == "arpi"
            accuracy = _effect_text(r["accuracy"], "accuracy", per_token)
            out.append(f"  - {r['claim']} on {r['task']}: accuracy {accuracy} "
                       f"(*{r['accuracy_verdict']}*), utility {_effect_text(r['utility'], 'utility', per_token)} "
                       f"(*{r['utility_verdict']}*).")
    return "\n".join(out)
