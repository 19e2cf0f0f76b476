r"""The experiment's figures, from :class:`~persuasion.llm.results.TaskResult` objects.

:func:`plot_item_gains`, :func:`plot_learning_curves`, :func:`plot_structures`,
:func:`plot_easy_hard` and :func:`plot_arpi` draw on given matplotlib axes (grey-safe: every series
has its own hatch or marker as well as its colour);
:func:`persuasion.llm.report.write_report` saves them as PNG files.
"""

from __future__ import annotations

from collections.abc import Sequence
from textwrap import fill
from typing import TYPE_CHECKING

import numpy as np

from ..book.plotting import MARKERS, PALETTE
from ..protocol import Structure

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .results import TaskResult

#: Short column labels.
SHORT = {
    Structure.NO: "No",
    Structure.ALL: "All",
    Structure.PRIOR: "Prior",
    Structure.POSTERIOR: "Posterior",
    Structure.POSTERIOR_OTHER: "Posterior (other Receiver's Advisor)",
    Structure.POSTERIOR_EASY: "Posterior (easy-trained Advisor)",
}

__all__ = ["plot_item_gains", "plot_learning_curves", "plot_structures", "plot_easy_hard", "plot_arpi"]

HATCHES = ("", "//", "..", "xx", "\\\\", "oo")

#: The structures in the order of their styles: a structure has the same colour and marker in every figure.
STYLE_ORDER = [SHORT[s] for s in (Structure.NO, Structure.ALL, Structure.PRIOR, Structure.POSTERIOR,
                                  Structure.POSTERIOR_OTHER, Structure.POSTERIOR_EASY)]
_COLOURS = PALETTE[1:] + ("#CC79A7",)  # after No's grey; Okabe-Ito's reddish purple last
_MARKERS = MARKERS + ("P",)


def _style(k: int, name: str) -> dict:
    """Colour and marker of series ``name`` (a structure's short name), else of position ``k``."""
    j = STYLE_ORDER.index(name) if name in STYLE_ORDER else k
    colour = "0.55" if j == 0 else _COLOURS[(j - 1) % len(_COLOURS)]
    return dict(colour=colour, marker=_MARKERS[j % len(_MARKERS)])


def plot_item_gains(ax: Axes, result: TaskResult) -> None:
    """Mean of v(x, c) − v(x, no information), the gain of showing item c, per position and Receiver.

    The bars of :meth:`~persuasion.llm.results.TaskResult.item_gains`, with
    their normal 95% intervals; one bar per Receiver at each position. On a result built by
    hand, whose item ``c`` gains ``0.5 − 0.25 c`` nats on average:

    >>> from matplotlib.figure import Figure
    >>> from persuasion.llm.toy import toy_result
    >>> result, ax = toy_result(), Figure().subplots()  # Receiver "R", 18 inputs scored
    >>> plot_item_gains(ax, result)
    >>> # the bars of items 1 to 7, with the toy's noise
    >>> " ".join(f"{bar.get_height():+.1f}" for bar in ax.patches)
    '+0.3 +0.3 -0.1 -0.3 -0.4 -1.0 -1.0'
    >>> ax.get_title()
    'gsm8k (synthetic data): gain of one item over no information'
    """
    gains = result.item_gains()
    width = 0.8 / max(1, len(gains))
    n_items = 0
    for k, (name, (mean, half)) in enumerate(gains.items()):
        n_items = len(mean)
        ax.bar(np.arange(n_items) + (k - (len(gains) - 1) / 2) * width, mean, width, yerr=half,
               color=PALETTE[1 + k % (len(PALETTE) - 1)], edgecolor="black", hatch=HATCHES[k % len(HATCHES)],
               capsize=2, label=name)
    ax.set_xticks(np.arange(n_items))
    ax.set_xticklabels([f"item {i + 1}" for i in range(n_items)], fontsize=9)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlabel("item position (1 = nearest solved problem)")
    ax.set_ylabel("v(x, c) − v(x, no information)\n(nats, mean)")
    data = "" if result.source == result.config.task else f" ({result.source} data)"
    ax.set_title(f"{result.config.task}{data}: gain of one item over no information")


def plot_learning_curves(axes: Axes | Sequence[Axes] | np.ndarray, results: Sequence[TaskResult]) -> None:
    """Eq. (3) on training and validation inputs during training, one panel per task.

    On a result built by hand (one Receiver whose Advisors' items gain a nat on average):

    >>> from matplotlib.figure import Figure
    >>> from persuasion.llm.toy import toy_result
    >>> result, ax = toy_result(), Figure().subplots()  # one Receiver, "R", 12 test inputs
    >>> plot_learning_curves(ax, [result])
    >>> ax.get_title(), ax.get_xlabel(), ax.get_legend_handles_labels()[1]
    ('gsm8k', 'gradient step', ['R: training', 'R: validation', 'R: step kept'])
    """
    axes = np.atleast_1d(axes)
    if len(axes) != len(results):
        raise ValueError(f"need one axis per result ({len(results)}); got {len(axes)}")
    for ax, res in zip(axes, results):
        k = 0
        for name in res.receivers:
            c = res.curves[name]
            steps = np.arange(1, len(c["train"]) + 1)
            color, marker = PALETTE[1 + k % (len(PALETTE) - 1)], MARKERS[k % len(MARKERS)]
            every = max(1, len(steps) // 8)  # each Receiver's marker on its curves: told apart in grey too
            ax.plot(steps, c["train"], color=color, ls="-", marker=marker, markevery=every, ms=5,
                    label=f"{name}: training")
            ax.plot(steps, c["val"], color=color, ls="--", marker=marker, markevery=every, ms=5, mfc="white",
                    label=f"{name}: validation")
            ax.plot(c["best_step"] + 1, c["val"][c["best_step"]], marker=marker, color=color, ms=10, mec="black",
                    ls="none", label=f"{name}: step kept")
            k += 1
        ax.axhline(0, color="0.5", lw=0.8)
        ax.set_xlabel("gradient step")
        ax.set_ylabel("Eq. (3) loss, centred (nats; lower is better)")
        ax.set_title(res.config.task)
        ax.legend(fontsize=9, ncol=len(res.receivers), loc="upper center", bbox_to_anchor=(0.5, -0.22))


def _points(ax, groups, series, values, errors, ylabel):
    """One marker per series in each group, with its interval: ``values`` (groups, series); ``errors`` (2, groups,
    series).

    Every series has its own marker shape as well as its colour (:func:`_style`), the same in every figure; a
    value of 0 is a marker on the line, where a bar of height 0 would not show at all.
    """
    width = 0.8 / len(series)
    x = np.arange(len(groups))
    for k, name in enumerate(series):
        xs = x + (k - (len(series) - 1) / 2) * width
        style = _style(k, name)
        ax.errorbar(xs, values[:, k], yerr=errors[:, :, k], fmt=style["marker"], color=style["colour"], ms=7,
                    mec="black", capsize=3, lw=1, label=name)
    ax.set_xticks(x)
    ax.set_xticklabels(groups, fontsize=9)
    ax.set_ylabel(ylabel)
    ax.set_xlim(-0.6, len(groups) - 0.4)


def _accuracy_axis(ax):
    top = max(5.0, ax.get_ylim()[1])
    ax.set_ylim(-0.04 * top, top)  # a marker at 0 shows whole
    ax.axhline(0, color="black", lw=0.8)


def _structure_points(ax, groups, structures, vals, err, metric: str) -> None:
    """Points of ``structures`` per group, with their axis: one marker per structure, in every panel alike.

    Accuracy is drawn as points too: a structure under which nothing was answered sits on the axis, visibly.
    """
    _points(ax, groups, [SHORT[s] for s in structures], vals, err,
            "accuracy (%)" if metric == "accuracy" else "mean log P(answer) (nats)")
    if metric == "accuracy":
        _accuracy_axis(ax)


def plot_structures(ax: Axes, result: TaskResult, metric: str = "utility") -> None:
    """Mean ``metric`` of each structure per Receiver on test inputs, with 95% CIs (the Table 1 analogue).

    On a result built by hand (one Receiver whose Advisors' items gain a nat on average):

    >>> from matplotlib.figure import Figure
    >>> from persuasion.llm.toy import toy_result
    >>> result, ax = toy_result(), Figure().subplots()  # one Receiver, "R", 12 test inputs
    >>> plot_structures(ax, result, "accuracy")
    >>> ax.get_title(), ax.get_ylabel()
    ('gsm8k: accuracy by structure', 'accuracy (%)')
    >>> ax.get_legend_handles_labels()[1]
    ['No', 'All', 'Prior', 'Posterior', "Posterior (other Receiver's Advisor)"]
    """
    rows = result.table(metric)
    structures = [s for s in (Structure.NO, Structure.ALL, Structure.PRIOR, Structure.POSTERIOR,
                              Structure.POSTERIOR_OTHER) if any(r["structure"] == s for r in rows)]
    scale = 100 if metric == "accuracy" else 1
    vals = np.array([[next(r["mean"] for r in rows if r["receiver"] == rec and r["structure"] == s) * scale
                      for s in structures] for rec in result.receivers])
    err = np.array([[[(next(r for r in rows if r["receiver"] == rec and r["structure"] == s)[key] * scale)
                      for s in structures] for rec in result.receivers] for key in ("lo", "hi")])
    err = np.abs(err - vals[None])
    _structure_points(ax, result.receivers, structures, vals, err, metric)
    ax.set_title(f"{result.config.task}: {'accuracy' if metric == 'accuracy' else 'utility'} by structure")


def plot_easy_hard(ax: Axes, result: TaskResult, metric: str = "utility") -> None:
    """Fig. 2 analogue: the easy-trained Advisor on easy and hard test inputs, with 95% CIs.

    On a result built by hand (one Receiver whose Advisors' items gain a nat on average):

    >>> from matplotlib.figure import Figure
    >>> from persuasion.llm.toy import toy_result
    >>> result, ax = toy_result(), Figure().subplots()  # one Receiver, "R", 12 test inputs
    >>> plot_easy_hard(ax, result)
    >>> ax.get_title()
    'gsm8k: Advisor trained on easy inputs (difficulty ≤ 2)'
    >>> [label.get_text() for label in ax.get_xticklabels()]
    ['R\\neasy (n=6)', 'R\\nhard (n=6)']
    """
    rows = result.easy_hard(metric)
    structures = [Structure.NO, Structure.ALL, Structure.PRIOR, Structure.POSTERIOR_EASY]
    groups = [(rec, g) for rec in result.receivers for g in ("easy", "hard")
              if any(r["receiver"] == rec and r["group"] == g for r in rows)]
    scale = 100 if metric == "accuracy" else 1

    def get(rec, g, s):
        return next(r for r in rows if r["receiver"] == rec and r["group"] == g and r["structure"] == s)

    vals = np.array([[get(rec, g, s)["mean"] * scale for s in structures] for rec, g in groups])
    err = np.array([[[get(rec, g, s)[key] * scale for s in structures] for rec, g in groups] for key in ("lo", "hi")])
    err = np.abs(err - vals[None])
    labels = [f"{fill(rec, 14)}\n{g} (n={get(rec, g, structures[0])['n']})" for rec, g in groups]
    _structure_points(ax, labels, structures, vals, err, metric)
    ax.set_title(f"{result.config.task}: Advisor trained on easy inputs (difficulty ≤ {result.threshold})")


def plot_arpi(ax: Axes, results: Sequence[TaskResult], metric: str = "utility") -> None:
    """Fig. 3 analogue: ARPI(A ∣ No) per task, with 95% CIs, annotated with the prompt-length increase.

    On a result built by hand (one Receiver whose Advisors' items gain a nat on average):

    >>> from matplotlib.figure import Figure
    >>> from persuasion.llm.toy import toy_result
    >>> result, ax = toy_result(), Figure().subplots()  # one Receiver, "R", 12 test inputs
    >>> plot_arpi(ax, [result])
    >>> print(ax.get_ylabel())
    ARPI(A | No): nats
    per 1,000 prompt tokens
    >>> print(ax.get_xticklabels()[0].get_text())
    gsm8k
    prompt tokens vs No
    (All / Prior / Posterior):
    +200% / +30% / +30%
    """
    structures = [Structure.ALL, Structure.PRIOR, Structure.POSTERIOR]
    scale = (100 if metric == "accuracy" else 1) * 1000  # per 1,000 prompt tokens, as the tables give it
    tasks = [res.config.task for res in results]
    rows = [{a["structure"]: a for a in res.arpi(metric)} for res in results]
    vals = np.array([[r[s]["arpi"] * scale for s in structures] for r in rows])
    err = np.array([[[r[s][key] * scale for s in structures] for r in rows] for key in ("lo", "hi")])
    err = np.abs(err - vals[None])
    labels = [f"{task}\nprompt tokens vs No\n(All / Prior / Posterior):\n"
              + " / ".join(f"+{100 * r[s]['token_increase']:.0f}%" for s in structures) for task, r in zip(tasks, rows)]
    _points(ax, labels, [SHORT[s] for s in structures], vals, err,
            "ARPI(A | No): " + ("points" if metric == "accuracy" else "nats") + "\nper 1,000 prompt tokens")
    ax.axhline(0, color="black", lw=0.8)


