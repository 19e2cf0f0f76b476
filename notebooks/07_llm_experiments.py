# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# (ch-llm-experiments)=
# # Persuading real language models
#
# {ref}`ch-advisor-receiver` solved Bai et al.'s protocol exactly on small
# finite games. This chapter runs their experiment (§4 of
# {cite:t}`bai2024efficient`) on real language models, small enough to run on
# a laptop CPU:
#
# - two **Receivers**: SmolLM2-135M-Instruct (a chat model) and Gemma-3-270M
#   (a base model, prompted with two worked examples), loaded offline from
#   installed packages;
# - an **Advisor**: the all-MiniLM-L6-v2 sentence encoder (frozen) with a
#   small trainable head that scores each of an input's seven information
#   items;
# - two **tasks**: GSM8K grade-school maths and HumanEval code generation
#   (tests run in a sandbox).
#
# GSM8K (MIT licence) is not shipped with the book. `make data` (or
# `persuasion-data gsm8k`) downloads its files once, checks their SHA-256
# sums, and the chapter then finds them; or set `GSM8K_DIR` to a folder that
# holds them. Without GSM8K the maths task runs on seeded synthetic word
# problems instead, and the note below says so. Every number this page
# reports of the experiment is computed when the chapter runs, for whatever
# seed, sizes and data it runs with; the numbers quoted from the paper and
# from the benchmarks (speeds, budgets) are fixed, and say where they come
# from.
#
# The paper's Receivers have 2.7 to 34 billion parameters and its Advisors
# 124 million (GPT-2) and 2.7 billion (Phi-2); our Receivers (135 and 270
# million) are 10 to 250 times smaller, and at book scale our test sets are
# tens of inputs rather than a thousand. The chapter therefore reports every number with a 95% bootstrap
# interval and says, from the numbers, which effects this scale can and
# cannot detect. At book scale HumanEval runs on SmolLM2 alone: on the
# book's 2-core machine Gemma's HumanEval tables and programs take about 10
# minutes on their own, which on top of the chapter's 33 minutes with GSM8K
# (`benchmarks/results.md`) would put it past its 40-minute budget; `full`
# scale runs both Receivers on both tasks. So at book scale
# the transfer of an Advisor between Receivers is measured on maths only.

# %% tags=["parameters"]
scale = "book"  # "smoke" (about two minutes, for tests), "book" or "full" (GPU)
seed = 0  # every random choice: the inputs drawn, the splits, the Advisors, the draws

# %% tags=["hide-input", "remove-stderr"]
import os
from textwrap import fill, shorten

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

from persuasion.book import chapter
from persuasion.book.plotting import save_figure
from persuasion.book.tables import Table
from persuasion.llm.advisor import eq3_lower_bound
from persuasion.llm.claims import MIN_ACCURACY, findings_markdown, verdict_table, verdicts
from persuasion.llm.code import budget_share, load_humaneval
from persuasion.llm.config import config_for
from persuasion.llm.data import gsm8k_dir
from persuasion.llm.evaluate import arpi, paired_bootstrap
from persuasion.llm.experiment import run_task
from persuasion.llm.figures import (
    plot_arpi,
    plot_easy_hard,
    plot_item_gains,
    plot_learning_curves,
    plot_structures,
)
from persuasion.llm.models import load_encoder, load_receiver, pick_device
from persuasion.llm.report import (
    PAPER_COLUMNS,
    PAPER_TABLE1,
    SHORT,
    arpi_markdown,
    baselines_markdown,
    baselines_table,
    contrasts_markdown,
    coverage_markdown,
    paper_average,
    table1_markdown,
)
from persuasion.llm.statistics import interval_coverage
from persuasion.protocol import Structure

# which Receivers run each task (the sizes of each task are config_for's presets)
SIZES = {
    "smoke": dict(math=2, code=1),
    "book": dict(math=2, code=1),  # Gemma's HumanEval run alone would take 10 of the 40 minutes
    "full": dict(math=2, code=2),
}
size, _, checks = chapter(scale, SIZES, seed=seed)
device = pick_device(None)
receivers = [
    load_receiver(name, device=device)
    for name in ("smollm2-135m-instruct", "gemma-3-270m")
]
encoder = load_encoder(device="cpu")
print(f"scale {scale!r}, seed {seed}, on {device}")

# %% tags=["remove-input"]
GSM8K = gsm8k_dir()
where = (
    "the folder named by `GSM8K_DIR`"
    if os.environ.get("GSM8K_DIR")
    else "the copy `make data` downloaded"
)
display(Markdown(
    f"> **Data of this build.** GSM8K was read from {where}: the Advisor is trained and validated on "
    "problems of its training split and tested on problems of its test split."
    if GSM8K is not None else
    "> **Data of this build.** GSM8K was not found, so the maths task runs on seeded *synthetic* word "
    "problems, not on GSM8K. To run it on GSM8K: `make data` (downloads the three files from "
    "openai/grade-school-math and checks them), or set `GSM8K_DIR` to a folder holding them, then rerun."
))

# %% [markdown]
# ## The experiment
#
# For an input $x$ (a question) the Advisor sees seven items $c_1, \dots,
# c_7$, and the Receiver answers after a prompt that holds the question and
# the items the *information structure* lets through.
#
# **How the items are made (a departure from the paper).** Bai et al. had
# Llama3-8B-Instruct write seven items per input, each stressing one aspect
# of the problem. No model of that size runs here, and cutting hints out of
# the reference solution, as an earlier version of this chapter did, leaks
# the answer into the prompt. So the items are *retrieved*: the seven
# problems of the **training split** whose questions are nearest the input's
# (cosine similarity of all-MiniLM-L6-v2 sentence embeddings, nearest
# first), each shown with its answer ("A solved problem: … The answer is
# 18."). The worked solutions of those problems are left out: they would
# make an item more than twice as long (157 tokens on average against 71, in
# SmolLM2's tokens, measured by `benchmarks/bench_items.py`), and on two cores
# the longer prompts put the chapter past its 40-minute budget. Item
# construction reads the input's question and the training split, never the
# input's own solution, answer or tests. For maths the pool is the first
# problems of the training split (how many is printed below); HumanEval has no
# training split, so its pool is every HumanEval problem that is not a test
# input, shown as another function's signature and body. Item position $c$
# is the $c$-th nearest problem.
#
# **How the Receivers answer.** On maths the Receivers reason before they
# answer (chain of thought), as in the paper, which extracts the last number
# of a generated response. The chat model is asked to solve the problem step
# by step and end with "The answer is N."; the base model gets the few-shot
# format of lm-evaluation-harness's `gsm8k_cot` task ("Q: … A: *reasoning*
# The answer is 5."), with two worked examples from the training split where
# the harness has eight fixed ones, and its answer ends at the next "Q:" (as
# in the harness) or at a blank line (ours). Both stop after the first
# complete "The answer is N.". The greedy response is cut
# at the budget stated below; its accuracy is its last number. On HumanEval
# the Receiver completes the function body, and pass@1 runs the completion
# against the problem's tests in the sandbox. The paper does not give its
# prompts; these are ours.
#
# **Why the Receivers are so weak (a departure from the paper).** The
# paper's Receivers solve 15–75% of GSM8K without information; ours are
# models of 135M and 270M parameters, which on grade-school maths solve few
# problems or none (the tables below give this run's numbers), so their accuracy
# differences say little. Where no Receiver reaches 15% on a task, the
# verdicts below mark its accuracy rows *uninformative* by a stated rule. A
# stronger Receiver was looked for among installable packages (the
# measurements are in `benchmarks/results.md`, "Receiver candidates"). The
# best, Qwen2.5-Coder-0.5B-Instruct (re-quantised weights in packages that
# state no licence), solved 7 of the first 40 GSM8K test problems with
# zero-shot chain of thought and 320 new tokens, but generated 14–21 tokens
# per second on this book's 2-core machine. At book scale it would write up
# to 16 test inputs × 6 prompts × 256 tokens, about 24,600 tokens: 20 to 29
# minutes, on top of the 33 minutes the chapter takes on GSM8K without it
# and of scoring its tables, where the chapter's budget is 40. Larger candidates
# were slower still.
# At `full` scale on a GPU, any local model can be named as a Receiver
# (`persuasion-experiment --receiver PATH`, a local Hugging Face model folder).
#
# ```{prf:definition} Information structures and the Advisor's utility
# :label: def-llm-structures
#
# - **No information**: the question alone. **All information**: the
#   question and all seven items, that is, everything the Advisor sees (the
#   meaning of {ref}`ch-advisor-receiver`, where the Advisor sees the state
#   and all information is full revelation).
# - **Prior information**: one item drawn uniformly. **Posterior
#   information**: one item drawn from the Advisor's policy
#   $\pi_\theta(c \mid x)$.
# - The utility of item $c$ is the Receiver's log-probability of the
#   reference answer $y^\star$,
#
#   $$v(x, c) = \log P_{\text{Receiver}}(y^\star \mid \text{prompt}(x, c)).$$
#
#   Exactly which tokens are scored: for maths,
#   the tokens of " $y^\star$" (a space, then the number) right after the
#   generation prompt followed by the cue "The answer is", with no
#   reasoning in between (the paper's $\log P(y^\star \mid x, c)$, not the
#   probability of the reasoning); for code, the tokens of the canonical
#   solution right after the prompt. The
#   Advisor minimises the paper's Eq. (3), the negative expected utility of
#   its draw, centred per input:
#
#   $$\mathcal L(\theta) = -\frac1N \sum_x \sum_c \pi_\theta(c \mid x)\,(v(x, c) - \bar v(x)).$$
# ```
#
# Training needs the whole table $v(x, c)$ of the training inputs: the
# Receiver scores each input's nine prompts (seven items, none, all). The
# Advisor is trained on training inputs and stopped early on validation
# inputs; test inputs are used only for evaluation. As in the paper, the
# training and validation inputs of GSM8K (and of the synthetic task) come
# from its training split and the test inputs from its test split; every
# input's id says which (`gsm8k-train-…`, `gsm8k-test-…`, or
# `synthetic-train-…`, `synthetic-test-…` without GSM8K). HumanEval has a
# single set of 164 problems, so there the three parts are disjoint draws
# from it (a departure: the paper does not say how it split HumanEval).
#
# ```{prf:theorem} What any Advisor can gain
# :label: thm-llm-oracle
#
# For every policy $\pi$ and every set of inputs,
#
# $$
# \mathcal L(\pi) \ge \mathcal L^\star
# = -\frac1N \sum_x \Big(\max_c v(x, c) - \bar v(x)\Big),
# $$
#
# with equality exactly when $\pi(\cdot \mid x)$ puts all its mass on best
# items. Consequently the expected utility of Posterior information lies
# between $\min_c v(x, c)$ and $\max_c v(x, c)$ input by input, and the
# uniform prior has $\mathcal L = 0$.
# ```
#
# ```{prf:proof}
# For each input, $\sum_c \pi(c \mid x)(v(x, c) - \bar v(x))$ is an average
# of the numbers $v(x, c) - \bar v(x)$ with weights $\pi(\cdot \mid x)$, so
# it is at most their maximum, with equality iff the weights sit on
# maximisers; averaging over inputs gives the bound. The uniform policy's
# average is $\bar v(x) - \bar v(x) = 0$.
# ```
#
# The theorem gives each task an **oracle** (the best item in hindsight)
# against which the trained Advisor's gain over the prior can be measured.
#
# ## Running it
#
# {func}`persuasion.llm.experiment.run_task` does everything for one task:
# draw the inputs (seeded), build the items, score the tables, train the
# Advisors, and evaluate six structures on the test inputs, by expected
# utility and by the accuracy of the Receiver's greedy answer. Every
# expensive step is cached on disk, so rerunning the chapter costs seconds;
# the same experiment runs outside the book with `persuasion-experiment
# --help`.

# %% tags=["remove-stderr"]
maths = "gsm8k" if GSM8K is not None else "synthetic"  # synthetic only without GSM8K
math = run_task(config_for(maths, scale, seed=seed), receivers[: size.math],
                encoder=encoder)

# %% tags=["remove-stderr"]
code = run_task(config_for("humaneval", scale, seed=seed), receivers[: size.code],
                encoder=encoder)
results = [math, code]

# %%
Table([(r.config.task, r.source, r.config.n_train, r.config.n_val, r.config.n_test,
        ", ".join(r.receivers)) for r in results],
      ["task", "data", "training", "validation", "test", "Receivers"],
      caption="What this build ran: data, inputs per split, Receivers.")

# %% tags=["remove-input"]
# The generation budget of HumanEval, measured: the share of all 164 canonical solutions it holds.
shares = {r.name: budget_share(r.tokenizer, load_humaneval(), code.config.max_new_tokens)
          for r in receivers[: size.code]}
display(Markdown(
    f"Generation budgets at this scale: {math.config.max_new_tokens} new tokens for {math.config.task}, "
    f"{code.config.max_new_tokens} for HumanEval, which holds the whole canonical solution of "
    + " and ".join(f"{share:.1%} of the 164 problems in {name}'s tokens" for name, share in shares.items())
    + "."
))
# A budget that cuts off more than 5% of the reference programs would make pass@1 a measurement of the budget,
# not of the Receiver (smoke scale cuts generation short on purpose, to run in seconds).
assert scale == "smoke" or min(shares.values()) >= 0.95, shares

# %% [markdown]
# One test input of each task and its seven items, nearest first
# (`results.json` holds every input's items, so anyone can audit what a
# Receiver saw):

# %%
pool = next(res.config.pool for res in results if res.config.kind == "math")
print(f"maths items come from the first {pool:,} training problems\n")
for res in results:
    first = res.ids["test"][0]
    question = shorten(res.questions[first], 400)
    print(fill(f"[{res.config.task}] {question}", 86, subsequent_indent="  "))
    for c, item in enumerate(res.items[first], 1):
        print(f"   item {c}: {shorten(item, 74, placeholder=' …')}")
    print()

# %% [markdown]
# **Do the items give the answer away?** An item is a solved *other*
# problem, so it states the input's answer only when that problem's numbers
# happen to include it. The control counts the same thing against another
# input's items: if the items carried the answer, the first share would
# stand above the second. The last column is their difference per input
# (in points of the share), with a paired bootstrap interval over inputs.

# %% tags=["remove-input"]
leak_rows, leak_words = [], []
for res in results:
    a = res.answer_share
    counts = np.array(a["by_input"], dtype=float) / (a["items"] / len(a["by_input"]))
    m, lo, hi = paired_bootstrap(counts[:, 0], counts[:, 1], seed=seed)
    leak_rows.append([res.config.task, a["items"], f"{a['stating'] / a['items']:.1%}",
                      f"{a['control'] / a['items']:.1%}",
                      f"{100 * m:+.1f} [{100 * lo:+.1f}, {100 * hi:+.1f}]"])
    leak_words.append(
        (res.config.task, "the shares agree within noise (the interval contains 0)") if lo <= 0 <= hi
        else (res.config.task, f"the items state the answer {'more' if lo > 0 else 'less'} often "
                               "than another input's items (the interval excludes 0)"))
display(Table(
    leak_rows,
    ["task", "items", "share stating the input's answer", "control: another input's items",
     "difference, points (paired bootstrap 95% over inputs)"],
    caption="Items that state the input's gold answer, beside the control",
))
if len({w for _, w in leak_words}) == 1:  # one finding for every task: said once
    display(Markdown(f"In this run, on every task, {leak_words[0][1]}."))
else:
    display(Markdown("In this run, " + "; ".join(f"*{t}*: {w}" for t, w in leak_words) + "."))

# %% [markdown]
# ## The utility tables: which items help
#
# Before training anything, the tables say how much an item moves the
# Receiver towards (or away from) the right answer: {numref}`fig-llm-items` shows the mean
# of $v(x, c) - v(x, \text{no information})$ by item position (the $c$-th
# nearest solved problem), over all inputs of the experiment. If position
# decided usefulness, an Advisor could do no better than always showing the
# best position; to beat that it has to learn from content which solved
# example suits which question.

# %% tags=["hide-input", "remove-output"]
fig, axes = plt.subplots(len(results), 1, figsize=(7, 3.6 * len(results)))
for ax, res in zip(np.atleast_1d(axes), results):
    plot_item_gains(ax, res)
# one legend below the panels: inside an axes it would sit on bars whose sign depends on the run
handles, labels = np.atleast_1d(axes)[0].get_legend_handles_labels()
fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False)
fig.tight_layout(rect=(0, 0.05, 1, 1))
save_figure(fig, "llm-items")
plt.show()

# %% [markdown]
# ```{figure} /figures/llm-items.png
# :name: fig-llm-items
# :alt: Mean utility gain of each item over no information, per item position and Receiver.
#
# Mean gain in log-probability of the reference answer (nats) from showing one
# item rather than none, by item position, over all inputs drawn (training,
# validation and test), with normal 95% intervals. A bar above zero: the item
# helps this Receiver on average; below zero: it lowers the answer's
# log-probability.
# ```

# %% tags=["remove-input"]
gains = []
for res in results:
    for name, (gain, _) in res.item_gains().items():
        gains.append(f"*{res.config.task}*, {name}: {int((gain > 0).sum())} of {len(gain)} positions "
                     f"(mean gains from {gain.min():+.2f} to {gain.max():+.2f} nats)")
display(Markdown(
    "In this run, the positions whose item raises the answer's log-probability on average: "
    + "; ".join(gains) + ". A negative mean gain means that one solved example shown alone makes the "
    "reference answer less likely than no example at all; an Advisor can still gain over the *prior* "
    "(a uniform item) by avoiding the items that hurt most."
))

# %% [markdown]
# ## Training the Advisor
#
# One Advisor is trained per Receiver and task on Eq. (3), by Adam on the
# full training set; the head of the step with the lowest validation loss is
# kept. {numref}`fig-llm-curves` shows both losses; by the theorem, no policy
# can go below the oracle bound $\mathcal L^\star$ of the same inputs, and the
# uniform prior sits at zero.
#
# A trained Advisor depends on its random initialisation, so each is trained
# from several seeds (`advisor_seeds`, five by default); the curves are the
# first seed's. Posterior information's expected utility is the average over
# the seeds' Advisors, and the verdict table gives the range of each
# contrast over them. Accuracy needs a generated answer per drawn item, the
# expensive part: at smoke and book scale it is measured after the first
# seed's draw only; at full scale after every seed's (`accuracy_seeds`), and
# an accuracy contrast is then the mean over the seeds' draws, with its range
# over them in the verdict table.

# %%
curves = []
for res in results:
    train = [i in set(res.ids["train"]) for i in res.tables[res.receivers[0]].ids]
    for name in res.receivers:
        c = res.curves[name]
        bound = eq3_lower_bound(res.tables[name].items[np.flatnonzero(train)])
        curves.append((res.config.task, name, c["train"][0], c["train"][-1], bound,
                       c["val"][0], c["val"].min(), c["best_step"] + 1))
Table(curves, ["task", "Receiver", "training loss: first", "last", "oracle bound",
               "validation: first", "best", "at step"], digits=3,
      caption="Eq. (3) loss of the first seed's Advisor, beside the oracle bound.")

# %% tags=["remove-input"]
for res in results:
    train_ids = set(res.ids["train"])
    for name in res.receivers:
        t = res.tables[name]
        rows = [k for k, i in enumerate(t.ids) if i in train_ids]
        bound = eq3_lower_bound(t.items[rows])
        curve = res.curves[name]
        checks.true(
            f"{res.config.task}, {name}: the training loss never goes below the oracle bound",
            bool(np.all(curve["train"] >= bound - 1e-6)),
            value=float(curve["train"].min() - bound),
            method="theorem: bound L* from the training table",
        )
        policy = res.policies[name]
        checks.true(
            f"{res.config.task}, {name}: the Advisor's policy is a distribution over the 7 items on every test input",
            bool(np.all(policy >= 0) and np.allclose(policy.sum(axis=1), 1, atol=1e-12)),
            value=float(np.max(np.abs(policy.sum(axis=1) - 1))),
            method="invariant: rows >= 0 and sum to 1",
        )
        checks.true(
            f"{res.config.task}, {name}: every utility in the table is a finite log-probability (at most 0)",
            bool(np.all(np.isfinite(t.items)) and np.all(t.items <= 0)),
            method="invariant: a log-probability is at most 0",
        )
    checks.true(
        f"{res.config.task}: training, validation and test inputs are disjoint",
        not (set(res.ids["train"]) & set(res.ids["val"]))
        and not (set(res.ids["train"]) | set(res.ids["val"])) & set(res.ids["test"]),
        method="intersection of the three sets of input ids",
    )

# %% tags=["hide-input", "remove-output"]
fig, axes = plt.subplots(len(results), 1, figsize=(7, 4.2 * len(results)))
plot_learning_curves(axes, results)
fig.tight_layout()
save_figure(fig, "llm-curves")
plt.show()

# %% [markdown]
# ```{figure} /figures/llm-curves.png
# :name: fig-llm-curves
# :alt: Training and validation loss of the Advisors.
#
# Eq. (3), centred per input (nats; zero is the uniform prior, lower is
# better), on training inputs (solid) and validation inputs (dashed) during
# training, for the Advisor of each Receiver. The marker shows the step kept.
# A training loss that keeps falling while the validation loss turns up is
# the Advisor memorising its few training inputs.
# ```

# %% [markdown]
# ## The four information structures (Table 1)
#
# The table gives, for each task and Receiver, the accuracy of the greedy
# answer (GSM8K: the last number of the response equals the reference;
# HumanEval: pass@1, the completion passes the problem's tests in the
# sandbox; completions are cut at the generation budgets stated under the
# table of sizes above) and
# the mean utility, each with a 95% bootstrap interval over test
# inputs. The last column is the Advisor trained against the *other*
# Receiver: the paper's claim that one Advisor persuades many Receivers.
# Below each block, the paper's average over its eleven Receivers, with the
# paper's two Advisors (GPT-2 and Phi-2) in the Posterior column. On a narrow
# screen the table scrolls sideways.

# %%
caption = (
    "Table 1 analogue: accuracy (%) and mean log-probability of the reference "
    "answer (nats) on the test inputs, mean [95% bootstrap interval], beside "
    "the paper's average row (Bai et al., Table 1)."
)
display(table1_markdown(results, caption=caption))

# %% tags=["hide-input", "remove-output"]
panels = [(res, "utility") for res in results]
panels += [(res, "accuracy") for res in results if res.answered()]
fig, axes = plt.subplots(len(panels), 1, figsize=(7, 3.3 * len(panels)))
for ax, (res, metric) in zip(np.atleast_1d(axes), panels):
    plot_structures(ax, res, metric)
handles, labels = np.atleast_1d(axes)[0].get_legend_handles_labels()
fig.legend(handles, labels, loc="lower center", ncol=3, bbox_to_anchor=(0.5, 1.0))
fig.tight_layout()
save_figure(fig, "llm-structures")
plt.show()

# %% [markdown]
# ```{figure} /figures/llm-structures.png
# :name: fig-llm-structures
# :alt: Utility and accuracy of the information structures, per task and Receiver.
#
# The Table 1 analogue. First the mean log-probability of the reference
# answer (nats) of each task, then the accuracy (%) of each task on which
# some Receiver answered some test input correctly, on the test inputs, with
# 95% bootstrap intervals. Within each Receiver, from left to right (each
# with its own marker, as in every figure of the chapter): no information,
# all information, prior (a uniform item), posterior (an item drawn from the
# Receiver's own Advisor), posterior drawn from the other Receiver's Advisor.
# A marker on the axis of an accuracy panel: under that structure no test
# input was answered correctly.
# ```

# %% tags=["remove-input"]
blank = [res.config.task for res in results if not res.answered()]
if blank:
    display(Markdown(
        f"No accuracy panel is drawn for {' and '.join(blank)}: in this run no Receiver "
        "answered any of its test inputs correctly under any structure, so accuracy "
        "is 0% everywhere and compares nothing (Table 1 above lists the zeros)."
    ))

# %% [markdown]
# The contrasts the paper's argument rests on, as paired differences on the
# same test inputs (the prior and posterior draws share one random number per
# input, which makes their difference less noisy), with paired bootstrap 95%
# intervals, first in utility and then in accuracy, for the tasks on which
# some Receiver reaches 15% accuracy (below that floor the verdicts further
# down call accuracy *uninformative*):

# %%
informative = [res for res in results if res.informative()]  # some Receiver reaches 15%
display(contrasts_markdown(results, "utility"))
if informative:
    display(contrasts_markdown(informative, "accuracy"))

# %% tags=["remove-input"]
answered = [res for res in results if res.answered()]  # elsewhere accuracy is 0
weak = [res.config.task for res in results if not res.informative()]
if weak:
    display(Markdown(
        f"No accuracy contrasts are shown for {' and '.join(weak)}: on these data no Receiver reaches "
        f"{MIN_ACCURACY:.0%} accuracy under any structure, so each contrast is a difference of a few "
        "correct answers near zero. The verdict table below still lists them, marked uninformative, "
        "and `results.json` holds them all."
    ))

# %% tags=["remove-input"]
for res in results:
    rows = res.table("utility") + res.table("accuracy")
    checks.true(
        f"{res.config.task}: every 95% interval contains its estimate",
        all(r["lo"] - 1e-12 <= r["mean"] <= r["hi"] + 1e-12 for r in rows)
        and all(
            c["lo"] - 1e-12 <= c["mean"] <= c["hi"] + 1e-12
            for c in res.contrasts("utility")
        ),
        method="invariant: lo <= mean <= hi, row by row",
    )
    for name in res.receivers:
        post = res.utility[name][Structure.POSTERIOR]
        checks.true(
            f"{res.config.task}, {name}: on every test input, posterior utility is at most the oracle's",
            bool(np.all(post <= res.oracle[name] + 1e-9 * np.abs(res.oracle[name]))),
            value=float(np.max(post - res.oracle[name])),
            method="theorem: an average is at most the maximum",
        )
        tok = res.tokens[name]
        checks.true(
            f"{res.config.task}, {name}: a posterior prompt is shorter than the all-information prompt",
            bool(np.all(tok[Structure.POSTERIOR] < tok[Structure.ALL])),
            value=float(
                tok[Structure.POSTERIOR].mean() / tok[Structure.ALL].mean()
            ),
            method="token counts, input by input",
        )

# %% [markdown]
# ## Is the Advisor better than a fixed item?
#
# Beating a *random* item is a low bar. The table below sets the trained
# Advisor beside every **fixed item**, the trivial policies that always show
# the same item position (for maths, always the $c$-th nearest solved
# problem), and beside the **best fixed item**: the position with the highest
# mean utility on the *validation* inputs, the inputs the Advisor's early
# stopping sees, so that both policies are chosen on the same inputs. The
# **oracle** shows each test input's best item in hindsight, the bound of
# {prf:ref}`thm-llm-oracle` that no policy can pass. An Advisor that learns
# something about *which* item suits *which* input should beat the best fixed
# item; one that has only learnt which position is usually best can at most
# match it.

# %%
base = []
for res in results:
    base.extend(res.baselines())
caption = ("The trained Advisor and its baselines: mean utility (nats) over the test "
           "inputs with its 95% bootstrap interval, one column per task and Receiver.")
display(baselines_table(base, caption=caption))

# %% [markdown]
# The sentences below are generated from this run's results. The difference Advisor −
# best fixed item is paired on the same test inputs and decided by the rule
# of the verdicts in the next section (a BCa 95% interval, the sign-flip
# test's p-value, Holm's adjustment); the comparisons below, one per
# Receiver and task, form a family of their own, separate from the paper's
# claims, because they ask a question the paper does not:

# %% tags=["remove-input"]
display(Markdown(baselines_markdown(base)))
for res in results:
    for row in res.baselines():
        name, t = row["receiver"], res.tables[row["receiver"]]
        val = [k for k, i in enumerate(t.ids) if i in set(res.ids["val"])]
        test = [k for k, i in enumerate(t.ids) if i in set(res.ids["test"])]
        best = int(np.argmax(t.items[val].mean(axis=0)))
        checks.close(
            f"baselines, {res.config.task}, {name}: the best fixed item's test utility "
            "is the validation-best column of the table, by hand",
            row["fixed"]["mean"],
            t.items[test, best].mean(),
            method="recomputed by hand from the utility table",
        )

# %% [markdown]
# ## What the experiment finds
#
# Each claim of the paper that this chapter can test is a row of the table
# below. For a claim "A beats B", the effect is the difference A − B on each
# test input, averaged over the Receivers (the paper's claims are about its
# average rows), with a bias-corrected and accelerated (BCa) bootstrap 95%
# interval over test inputs. The p-value for "A − B = 0" comes from the
# paired sign-flip test (each input's difference is as likely to have either
# sign under the null), not from the bootstrap: at a few tens of inputs,
# with accuracy differences that are mostly 0 and a few ±1, a BCa interval
# excludes 0 in 8–9% of samples with no effect, where the sign-flip test
# rejects at most its 5% (`benchmarks/results.md`, "Type I error"). For
# ARPI, a ratio, the interval and p-value come from its percentile bootstrap
# draws. Reading a whole table of such tests at once, some would pass by
# chance, so the p-values of all the verdicts of this run form one family
# and are adjusted by Holm's step-down method, which keeps the chance of
# *any* false "supported" or "contradicted" at 5%. The verdict follows one
# rule, the same for every row and every run:
#
# - **supported** when the Holm-adjusted p-value is at most 0.05 and A − B
#   is positive;
# - **contradicted** when it is at most 0.05 and A − B is negative;
# - **inconclusive** otherwise, or when fewer than ten test inputs stand
#   behind the row;
# - **uninformative**, for accuracy only, when on that task no Receiver
#   reaches 15% accuracy under any structure: the differences are then
#   between a few correct answers near zero, so they are shown but left out
#   of the family (which makes the utility verdicts' adjustment smaller, not
#   their evidence weaker).
#
# The interval in the table is the row's own, unadjusted: a row can show an
# interval that excludes zero and still be inconclusive once the family is
# accounted for.
#
# The paper measures accuracy; utility (the log-probability of the reference
# answer, Eq. 3's objective) is what the Advisor is trained on, and it moves
# long before accuracy does on small Receivers, so both are given. The
# ARPI row gives the difference ARPI(Posterior ∣ No) − ARPI(All ∣ No), per
# 1,000 prompt tokens: positive when one chosen item buys more performance
# per extra prompt token than all seven (ARPI, the paper's Eq. 7, is defined
# in {ref}`sec-llm-arpi` below). The easy-to-hard row uses a second
# Advisor, trained on easy training inputs only; {ref}`sec-llm-easy-hard`
# below says how it is trained and what "easy" means here.

# %%
rows = verdicts(results)
display(verdict_table(rows))

# %% [markdown]
# The same verdicts in words, generated from this run's results:

# %% tags=["remove-input"]
display(Markdown(findings_markdown(results, rows)))

# %% tags=["remove-input"]
assert MIN_ACCURACY == 0.15  # the floor the rule above states
family = sorted((r[m] for r in rows for m in ("accuracy", "utility")
                 if r[m] and r[f"{m}_verdict"] != "uninformative"), key=lambda e: e["p"])
adjusted = [e["p_holm"] for e in family]
checks.true(  # Holm by its definition: never below the raw p, at most m times it, and in raw-p order
    "verdicts: every Holm-adjusted p-value lies in [p, min(1, m p)] and follows the order of the raw p-values",
    all(e["p"] <= e["p_holm"] <= min(1.0, len(family) * e["p"]) + 1e-12 for e in family)
    and adjusted == sorted(adjusted),
    value=len(family),
    method="Holm's definition, checked row by row",
)
for res in results:
    test = [res.tables[res.receivers[0]].ids.index(i) for i in res.ids["test"]]
    for n in res.receivers:
        t = res.tables[n]
        checks.close(
            f"{res.config.task}, {n}: prior information's utility is the mean of the input's item scores, "
            "and the oracle's their maximum, on every test input",
            np.concatenate([res.utility[n][Structure.PRIOR], res.oracle[n]]),
            np.concatenate([t.items[test].mean(axis=1), t.items[test].max(axis=1)]),
            atol=1e-9,
            method="recomputed by hand from the utility table",
        )

# %% [markdown]
# **Do the intervals cover?** A 95% bootstrap interval covers the truth 95%
# of the time only for large samples. At this chapter's number of test
# inputs we can measure how often it does: take the observed Posterior −
# Prior utility differences of the first task and Receiver as a population
# (its mean is then the truth), draw samples of the same size from it, and
# count how often each interval contains that mean.

# %%
first = results[0]
name = first.receivers[0]
d = first.utility[name][Structure.POSTERIOR] - first.utility[name][Structure.PRIOR]
cover = interval_coverage(d, n_sims=200, n_boot=2000, seed=seed)
display(Markdown(f"**{first.config.task}, {name}.** "
                 + coverage_markdown(cover, n=d.size, n_sims=200)))

# %% [markdown]
# What a verdict at this size can and cannot say: with tens of test inputs
# one answer more or less moves accuracy by several points, so once the
# Receivers solve a fair share of the problems an interval in accuracy is
# several points wide, and an effect of the paper's size (a few points) is
# found *inconclusive*; below 15% on every structure the accuracy verdicts
# are marked *uninformative*. The paper's
# Receivers have 2.7–34 billion parameters and reach 15–75% on GSM8K; its
# test sets have about a thousand inputs, and an interval narrows as one over
# the square root of the number of inputs; and its Advisor is trained on
# thousands of inputs, against our tens at book scale, which is what the gap
# between training and validation loss in {numref}`fig-llm-curves` asks for.
# `make book SCALE=full` (or `persuasion-experiment --scale full`, meant for
# a GPU) runs the larger version.
#
# **Reading a contradicted row.** A row can come out *contradicted* here
# without contradicting the paper, because the items are not the paper's: its
# items are hints written for the input, ours are *other* problems of the
# training split, shown solved. Such a neighbour puts its own numbers and its
# own final answer in the prompt, right before the question, and may pull a
# small Receiver's next tokens towards them, so that one item can lower the
# log-probability of the right answer below what no information gives. This
# is a reading of the mechanism, not something this chapter tests. A
# contradicted row says what retrieved solved problems do to these
# Receivers, not what written hints do to the paper's.

# %% [markdown]
# (sec-llm-easy-hard)=
# ## Easy-to-hard generalisation (Fig. 2)
#
# The paper trains its Advisor on easy problems only (MATH levels 1–3) and
# evaluates on easy and hard ones (levels 4–5). Here difficulty is the number
# of solution steps (GSM8K; the number of calculations for synthetic
# problems) or the number of lines of the canonical solution (HumanEval); an
# input is *easy* when its difficulty is at most the median over the
# training inputs (rounded down, so some training input is always easy). A
# second Advisor per Receiver is trained on the easy training inputs only and
# evaluated on easy and hard test inputs.

# %%
Table([(res.config.task, f"difficulty ≤ {res.threshold}", len(res.ids["easy_train"]),
        r["receiver"], r["group"], r["n"], SHORT[r["structure"]],
        f"{r['mean']:+.2f} [{r['lo']:+.2f}, {r['hi']:+.2f}]")
       for res in results for r in res.easy_hard("utility")
       if r["structure"] in (Structure.PRIOR, Structure.POSTERIOR_EASY)],
      ["task", "easy", "easy training inputs", "Receiver", "test group", "n",
       "structure", "utility (nats), 95% CI"],
      caption="Easy-to-hard: the easy-trained Advisor against a random item.")

# %% tags=["remove-input"]
for res in results:
    easy = res.ids["easy_train"]
    checks.true(
        f"{res.config.task}: the easy Advisor was trained on easy training inputs only",
        len(easy) >= 1
        and set(easy) <= set(res.ids["train"])
        and all(res.difficulties[i] <= res.threshold for i in easy),
        value=len(easy),
        method="ids vs training split and difficulty threshold",
    )

# %% tags=["hide-input", "remove-output"]
fig, axes = plt.subplots(len(results), 1, figsize=(7, 4.2 * len(results)))
for ax, res in zip(np.atleast_1d(axes), results):
    plot_easy_hard(ax, res, "utility")
handles, labels = np.atleast_1d(axes)[0].get_legend_handles_labels()
fig.legend(handles, labels, loc="lower center", ncol=2, bbox_to_anchor=(0.5, 1.0))
fig.tight_layout()
save_figure(fig, "llm-easy-hard")
plt.show()

# %% [markdown]
# ```{figure} /figures/llm-easy-hard.png
# :name: fig-llm-easy-hard
# :alt: Utility of the structures on easy and hard test inputs, Advisor trained on easy inputs.
#
# The Fig. 2 analogue: mean log-probability of the reference answer (nats)
# on easy and hard test inputs, with 95% bootstrap intervals, when the
# Advisor was trained on easy training inputs only. Utility is drawn because
# it moves on small Receivers where accuracy may not; the verdict table
# gives both, and both are in the JSON the command line writes.
# ```

# %% [markdown]
# (sec-llm-arpi)=
# ## Efficiency: ARPI (Eq. 7, Fig. 3)
#
# $\operatorname{ARPI}(A \mid B) = \frac1N \sum_{i=1}^N
# \frac{R_i(A) - R_i(B)}{L_i(A) - L_i(B)}$ averages, over the $N$ Receivers,
# the performance gained per extra prompt token: $R_i$ is Receiver $i$'s
# performance and $L_i$ its prompt length under a structure. It is a ratio,
# so a structure that adds few tokens has a high ARPI only if it also gains
# performance; a structure that gains nothing has ARPI zero however short its
# prompt, and one that loses performance has a negative ARPI. We compute it
# from the measured prompt lengths (in each Receiver's own tokens) for
# accuracy and for utility, with a bootstrap interval that resamples test
# inputs jointly for all Receivers.

# %%
display(arpi_markdown(results))

# %% tags=["remove-input"]
for res in results:
    names = res.receivers
    for metric in ("utility", "accuracy"):
        values = res.utility if metric == "utility" else res.correct
        by_hand = np.mean(
            [
                (
                    values[n][Structure.POSTERIOR].mean()
                    - values[n][Structure.NO].mean()
                )
                / (
                    res.tokens[n][Structure.POSTERIOR].mean()
                    - res.tokens[n][Structure.NO].mean()
                )
                for n in names
            ]
        )
        reported = next(
            a for a in res.arpi(metric) if a["structure"] == Structure.POSTERIOR
        )["arpi"]
        checks.close(
            f"{res.config.task}: ARPI(Posterior ∣ No) in {metric} is Eq. 7 by hand",
            reported,
            by_hand,
            method="Eq. 7 by hand from per-input values",
        )
    inc = {a["structure"]: a["token_increase"] for a in res.arpi("utility")}
    checks.true(
        f"{res.config.task}: Posterior adds fewer prompt tokens than All information",
        inc[Structure.POSTERIOR] < inc[Structure.ALL],
        value=(inc[Structure.POSTERIOR], inc[Structure.ALL]),
        method="mean token increases over No, compared",
    )

# %% tags=["hide-input", "remove-output"]
fig, axes = plt.subplots(1 + bool(answered), 1, figsize=(7, 4.2 * (1 + bool(answered))))
plot_arpi(np.atleast_1d(axes)[0], results, "utility")
if answered:
    plot_arpi(axes[1], answered, "accuracy")
handles, labels = np.atleast_1d(axes)[0].get_legend_handles_labels()
fig.legend(handles, labels, loc="lower center", ncol=3, bbox_to_anchor=(0.5, 1.0))  # off the data
fig.tight_layout()
save_figure(fig, "llm-arpi")
plt.show()

# %% [markdown]
# ```{figure} /figures/llm-arpi.png
# :name: fig-llm-arpi
# :alt: ARPI of all, prior and posterior information relative to no information.
#
# The Fig. 3 analogue: ARPI(A ∣ No) for A = all, prior and posterior
# information, per task, in utility (top: nats per 1,000 prompt tokens)
# and, for the tasks on which some Receiver answered some test input
# correctly, accuracy (bottom: points per 1,000 prompt tokens), with 95%
# bootstrap intervals;
# under each task's name the mean increase in prompt length over no
# information, for All / Prior / Posterior.
# ```

# %% tags=["remove-input"]
if blank:
    display(Markdown(
        f"The ARPI figure above has no accuracy panel for {', '.join(blank)}, for the "
        "reason given under the Table 1 figure: no Receiver answered a test input "
        "correctly there, so ARPI in accuracy is zero by construction."
    ))

# %% [markdown]
# The paper reports that all information lengthens prompts by 26% and
# Posterior by 6.9% (Phi-2 Advisor). Our prompts are shorter than theirs (no
# eight-shot examples for the chat model), so one item is a larger share of
# them; the ordering (one item costs much less than seven) is the same. That
# ordering is the denominator of ARPI only: whether Posterior's ARPI exceeds
# All's depends on the numerators too, and is read off the ARPI row of the
# verdict table, not assumed.
#
# ## The paper's numbers
#
# The paper's average rows and its headline improvements (+9.5% and +22.5% on
# GSM8K, +13.7% and +24.7% on HumanEval, posterior over prior, for the GPT-2
# and Phi-2 Advisors) follow from its per-Receiver rows:

# %%
averages = []
for task in ("gsm8k", "humaneval"):
    avg, paper = paper_average(task), PAPER_TABLE1[task]
    gain = 100 * (avg[3:] / avg[2] - 1)  # posterior over prior, %
    averages += [(task, "recomputed", *[f"{v:.2f}" for v in (*avg, *gain)]),
                 (task, "printed", *[f"{v:.1f}" for v in (*paper["average"],
                                                          *paper["improvement"])])]
Table(averages, ["task", "average row", *[SHORT.get(c, c) for c in PAPER_COLUMNS],
                 "gain (GPT-2), %", "gain (Phi-2), %"],
      caption="The paper's average rows (accuracy, %): recomputed from its Table 1 "
              "rows, to two decimals, and as printed, to one.")

# %% tags=["remove-input"]
for task in ("gsm8k", "humaneval"):
    avg = paper_average(task)
    printed = np.array(PAPER_TABLE1[task]["average"])
    improvement = 100 * (avg[3:] / avg[2] - 1)
    checks.close(
        f"paper, {task}: the average row is the mean of the rows",
        avg,
        printed,
        atol=0.051,
        method="mean of the paper's rows vs its printed row",
    )
    checks.close(
        f"paper, {task}: the improvements are posterior over prior averages",
        improvement,
        np.array(PAPER_TABLE1[task]["improvement"]),
        atol=0.051,
        method="recomputed from the paper's rows vs printed %",
    )

# %% [markdown]
# ## What we have seen
#
# - Bai et al.'s pipeline runs end to end on small offline models: utility
#   tables from the Receiver's log-probabilities, an Advisor on a frozen
#   sentence encoder trained on Eq. (3) with early stopping, four information
#   structures evaluated with paired bootstrap intervals, an Advisor moved to
#   another Receiver, easy-to-hard training, and ARPI.
# - No Advisor can beat the oracle bound of {prf:ref}`thm-llm-oracle`; it
#   measures how much of the available gain a trained Advisor captures.
# - Each claim of the paper gets a verdict by one stated rule, computed from
#   the run: supported, contradicted or inconclusive (or, for accuracy
#   too low to say anything, uninformative). Whether the Advisor's
#   gain survives on test inputs, in accuracy or only in utility, is read
#   off intervals, not point estimates, and can change with the seed, the
#   sizes and the data.
# - The best fixed item is the baseline a trained Advisor must beat to show
#   that it chooses items input by input; whether it does is stated above,
#   from this run's numbers.
# - One item is a shorter prompt than seven by construction, but ARPI is
#   performance gained *per* extra token: a short prompt that gains nothing
#   has ARPI zero. Whether Posterior is more efficient than All is a finding
#   of the run (the ARPI row of the verdict table), not a consequence of the
#   prompt lengths.
#
# ## Exercises
#
# ```{exercise} Which split picks the fixed item?
# :label: ex-llm-best-kind
#
# The table of baselines picks the fixed item *position* by its mean
# utility on the validation inputs (a few inputs, the ones the Advisor's
# early stopping uses). Pick it instead on the training inputs, three times
# as many. For each Receiver of the maths task: is it the same position, and
# how far apart are the two choices' test utilities?
# ```
#
# ```{solution-start} ex-llm-best-kind
# :class: dropdown
# ```
#
# Take the column means of $v(x, c)$ over each split's inputs, pick the
# best position of each, and read both columns on the test inputs.

# %%
for name in math.receivers:
    t = math.tables[name]
    rows = {s: [k for k, i in enumerate(t.ids) if i in set(math.ids[s])]
            for s in ("train", "val", "test")}
    for s in ("train", "val"):
        best = int(np.argmax(t.items[rows[s]].mean(axis=0)))
        print(f"{name}, picked on {s}: item {best + 1}, "
              f"test utility {t.items[rows['test'], best].mean():+.2f}")

# %% [markdown]
# With so few validation inputs the choice is noisy: where the two splits
# pick different positions, the test utilities show what that noise costs.
# ```{solution-end}
# ```
#
# ```{exercise} ARPI with a single Receiver
# :label: ex-llm-arpi-one
#
# Eq. (7) averages ratios, not the ratio of averages. Compute ARPI(All | No)
# in utility for the maths task with each Receiver alone, and check that
# their mean is the two-Receiver ARPI.
# ```
#
# ```{solution-start} ex-llm-arpi-one
# :class: dropdown
# ```
#
# With one Receiver, Eq. (7) is a single ratio; with several, the mean of the
# per-Receiver ratios, so the two-Receiver value is the mean of the two
# single-Receiver values.

# %%
single = [
    arpi(
        [math.utility[n][Structure.ALL].mean()],
        [math.utility[n][Structure.NO].mean()],
        [math.tokens[n][Structure.ALL].mean()],
        [math.tokens[n][Structure.NO].mean()],
    )
    for n in math.receivers
]
both = next(a for a in math.arpi("utility") if a["structure"] == Structure.ALL)
both = both["arpi"]
print(f"single-Receiver ARPI: {np.round(single, 5)}; both: {both:.5f}")

# %% tags=["remove-input"]
checks.close(
    "exercise: ARPI over Receivers is the mean of the single-Receiver ARPIs",
    both,
    np.mean(single),
    method="arpi() one Receiver at a time, averaged",
)

# %% [markdown]
# ```{solution-end}
# ```

# %% [markdown]
# ## What this chapter verified
#
# Every numerical claim of this chapter was checked when the chapter ran, by an
# independent computation where one exists; a claim that fails stops the build.
# The table (closed until you open it: it includes the exercises' answers)
# lists each claim, the value found and the value expected.

# %% tags=["remove-input"]
checks
