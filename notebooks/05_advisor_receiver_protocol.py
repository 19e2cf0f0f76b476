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
# (ch-advisor-receiver)=
# # The Advisor–Receiver protocol
#
# {cite:t}`bai2024efficient` cast alignment as persuasion: a small **Advisor**
# model sees information a large **Receiver** model does not, and chooses what
# to show it. The Receiver is never fine-tuned; only the Advisor's signaling
# strategy is trained. This chapter takes their protocol (§3.1–3.3) on small
# finite instances where everything can be computed exactly: the optimal
# strategy from the linear program of {ref}`ch-bayesian-persuasion`, a neural
# strategy trained by gradient descent on their loss, what changes when the
# Receiver becomes a sharp maximiser, and their four information structures.

# %% tags=["parameters"]
scale = "book"  # "smoke" (seconds, for tests), "book" (default) or "full"

# %% tags=["hide-input"]
import matplotlib.pyplot as plt
import numpy as np

from persuasion import PersuasionGame, optimal_signal, random_game
from persuasion.book import chapter
from persuasion.book.plotting import PALETTE, save_figure
from persuasion.book.tables import Table
from persuasion.neural import train_policy
from persuasion.protocol import (
    Structure,
    advisor_loss,
    advisor_value,
    credulous_best_scheme,
    optimal_smooth_value_binary,
    structure_values,
)

SIZES = {  # inputs in the training set, gradient steps, random instances for checks
    "smoke": dict(n_inputs=6, steps=1200, n_random=30),
    "book": dict(n_inputs=16, steps=2000, n_random=300),
    "full": dict(n_inputs=64, steps=4000, n_random=3000),
}
size, rng, checks = chapter(scale, SIZES, seed=20240501)
n_inputs, steps, n_random = size.n_inputs, size.steps, size.n_random

# %% [markdown]
# ## The protocol
#
# ```{prf:definition} Persuasion protocol (Bai et al. §3.1–3.3)
# :label: def-bai-protocol
#
# For an input $x$, a finite set $\mathcal C_x$ of **information items** has
# prior $\mu_x^0$. The Advisor commits to a signaling strategy
# $\pi_x(g \mid c)$ over a finite set of signals $\mathcal G$, observes an item
# $c \sim \mu_x^0$ and sends $g$. The Receiver forms the posterior (Eq. 2,
# where the paper writes the prior $\mu_x^0$ as $\mu_x$)
#
# $$\mu_x^g(c) = \Pr(c \mid g) = \frac{\mu_x^0(c)\,\pi_x(g \mid c)}{\sum_{c'} \mu_x^0(c')\,\pi_x(g \mid c')}$$
#
# and responds (Eq. 1) with $y^*(\mu_x^g) = \arg\max_y \mathbb E_{c \sim \mu_x^g} u(x, c, y)$.
# The Advisor's loss (Eq. 3) is minus its expected utility
# $\mathbb E_x \mathbb E_{c, g}\, v(x, c, y^*(\mu_x^g))$.
# ```
#
# This is the game of {ref}`ch-bayesian-persuasion`, one per input: items are
# states, responses are actions, the Advisor is the Sender. We use a family
# of inputs with two items and three responses. Think of a question with a
# hint that is either *relevant* or a *distractor*; the Receiver can answer
# $A$, answer $B$, or abstain. A language model is not an exact maximiser,
# so we also use a **smooth Receiver** who answers $y$ with probability
# $\propto \exp(\mathbb E_{c \sim \mu}[u(x, c, y)] / T)$ (temperature $T$).
#
# The Receiver is right with $A$ when the hint is relevant and with $B$ when
# it is a distractor; abstaining is safe (worth $0.55$ to it). The Advisor
# values a correct answer at 1 and abstaining at $0.3$, plus a `bias` for
# answer $A$: above 1, it prefers a wrong $A$ to a right $B$. One input is a
# `PersuasionGame` (the chapter's imports and sizes are in the hidden cell at
# the top):


# %%
def hint_input(prior_relevant, bias):
    """Items (distractor, relevant); rows: responses A, B, abstain."""
    u = np.array([[0.0, 1.0], [1.0, 0.0], [0.55, 0.55]])  # Receiver
    v = np.array([[bias, 1.0 + bias], [1.0, 0.0], [0.3, 0.3]])  # Advisor
    prior = [1 - prior_relevant, prior_relevant]
    return PersuasionGame(prior, u, v, actions=("A", "B", "abstain"),
                          states=("distractor", "relevant"))


# %% [markdown]
# The training set: inputs with random priors and biases.

# %%
priors = rng.uniform(0.2, 0.8, n_inputs)
biases = rng.uniform(0.0, 2.0, n_inputs)
inputs = [hint_input(p, b) for p, b in zip(priors, biases)]

# %% [markdown]
# ## (a) The exact optimum against an exact Receiver
#
# For the argmax Receiver, the best strategy for each input is the linear
# program of {ref}`ch-bayesian-persuasion`. We check that Eq. (3) evaluated on
# the LP's strategy is minus the LP value, and that the optimum never does
# worse than the two simplest strategies, saying nothing and showing the item.

# %%
lp = [optimal_signal(g) for g in inputs]
lp_values = np.array([s.value for s in lp])
none_values = np.array([g.no_information_value for g in inputs])
full_values = np.array([g.full_information_value for g in inputs])
print(f"mean Advisor value: none {none_values.mean():.3f},"
      f" all {full_values.mean():.3f}, optimal {lp_values.mean():.3f}")
loss = advisor_loss(inputs, [s.scheme for s in lp])
print(f"Eq. (3) at the LP strategies: {loss:.3f}")

# %% tags=["remove-input"]
checks.close(
    "(a) Eq. (3) at the LP strategies = minus the mean LP value",
    advisor_loss(inputs, [s.scheme for s in lp]),
    -lp_values.mean(),
    atol=1e-7,
    method="Bayes' rule and argmax vs the LP objective",
)
checks.all_of(
    "(a) the optimum is at least no information and full information",
    lp_values >= np.maximum(none_values, full_values) - 1e-7,
    method="LP vs no- and full-information values",
)

# %% [markdown]
# ## (b) A neural Advisor trained on Eq. (3)
#
# The Advisor of Bai et al. is a neural network $\pi_\theta$. Here it is a
# small MLP (`persuasion.neural`) that reads a description of the input (its
# prior and both utility matrices) and outputs $\pi_\theta(g \mid c, x)$ with
# two signals. We minimise Eq. (3) against the smooth Receiver at
# $T = 0.1$ by Adam on all inputs at once; the loss is computed exactly, so
# there is no sampling noise. The benchmark is the true optimum for that
# Receiver, input by input: the concave closure of the Advisor's value
# $\hat v_T(\mu)$, computed on a grid of $20\,001$ beliefs
# (`optimal_smooth_value_binary`).
#
# Plain gradient descent can stall. On an input where the optimum pools some
# distractors with the relevant item, it first heads for full revelation, the
# softmax saturates (probabilities near 0 and 1), and the gradient towards
# the better pooling vanishes. An entropy bonus on $\pi_\theta$, annealed to
# zero over the first half of training, keeps the softmax unsaturated long
# enough (`train_policy(..., entropy=0.2)`); the claims below are about that
# run, and the plain run is printed for comparison (whether it stalls depends
# on the inputs drawn: the inputs it leaves above the tolerance are listed).

# %%
T_train = 0.1
smooth_opt = np.array([optimal_smooth_value_binary(g, T_train)[0] for g in inputs])

# %% [markdown]
# Training, without and with the entropy bonus (same seed):

# %%
plain = train_policy(inputs, T_train, n_signals=2, steps=steps, seed=7)
result = train_policy(inputs, T_train, n_signals=2, steps=steps, seed=7, entropy=0.2)

# %% [markdown]
# The gap of a trained policy on each input is the exact optimum minus the
# exact value of the scheme it outputs:

# %%
def gaps(res):
    trained = [advisor_value(g, s, T_train) for g, s in zip(inputs, res.policy(inputs))]
    return smooth_opt - np.array(trained)


TOL = 2e-3  # stated tolerance on each input's value
gap_plain, gap = gaps(plain), gaps(result)
stuck = np.flatnonzero(gap_plain > TOL)
print(f"plain: largest gap {gap_plain.max():.2e}; inputs above {TOL}: "
      + (", ".join(str(k) for k in stuck) or "none"))
for k in stuck:
    learned = plain.policy([inputs[k]])[0]
    rows = "; ".join(", ".join(f"{p:.3f}" for p in row) for row in learned)
    print(f"  input {k}: learned scheme, one row per state: {rows}")
print(f"with the annealed entropy bonus: largest gap {gap.max():.2e}")

# %% tags=["remove-input"]
checks.at_most(
    f"(b) trained policy (entropy bonus) within {TOL} of the optimum on every input",
    gap,
    TOL,
    method="concave closure on 20,001 beliefs",
)
checks.at_most(
    "(b) ... and never above it (up to the grid)",
    -gap,
    1e-4,
    method="grid concave closure, slack for the grid",
)

# %% tags=["hide-input", "remove-output"]
fig, ax = plt.subplots(figsize=(6.4, 3.6))
steps_axis = np.arange(1, steps + 1)
optimum = smooth_opt.mean()
floor = 1e-7  # below the LP's accuracy: a gap this small is drawn at the floor
ax.plot(steps_axis, np.maximum(optimum - result.values, floor), color=PALETTE[1],
        ls="-", marker="", lw=1.8, label=r"$\pi_\theta$ with annealed entropy bonus")
ax.plot(steps_axis, np.maximum(optimum - plain.values, floor), color=PALETTE[3],
        ls="-.", marker="", lw=1.5, label=r"$\pi_\theta$, plain gradient descent")
no_information = np.mean([advisor_value(g, np.ones((2, 1)), T_train) for g in inputs])
ax.axhline(optimum - no_information, color=PALETTE[2], ls=":", marker="",
           label=Structure.NO)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("gradient step (log scale)")
ax.set_ylabel("gap to the optimum\n(mean over inputs, log scale)")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2)  # below the axes: clear of the curves
save_figure(fig, "protocol-learning-curve")
plt.show()

# %% [markdown]
# ```{figure} /figures/protocol-learning-curve.png
# :name: fig-protocol-learning
# :alt: Learning curve of the neural signaling policy approaching the exact optimum.
#
# Training the neural Advisor on Eq. (3) against a smooth Receiver
# ($T = 0.1$). Each curve is the gap between the mean of the exact optima and
# the mean over inputs of the Advisor's exact expected utility after each step
# (the entropy-regularised curve shows the value alone, without the bonus), on
# log scales so that the last digits of the approach are visible; the dotted
# line is the gap of giving no information. The two runs share a seed and
# start together, so where the curves coincide only one is visible; the step
# at which they part is computed below.
# ```
#
# Where the two runs part: the first step at which their gaps differ by more
# than a factor of two.

# %%
gap_bonus = np.maximum(optimum - result.values, floor)
gap_plain_run = np.maximum(optimum - plain.values, floor)
apart = np.flatnonzero(np.abs(np.log(gap_bonus / gap_plain_run)) > np.log(2))
if apart.size:
    print(f"they part at step {apart[0] + 1} of {steps}")
else:
    print("they never differ by a factor of two")

# %% [markdown]
# ## (c) When the Receiver becomes a sharp maximiser
#
# As $T \to 0$ the smooth Receiver becomes the argmax Receiver of Eq. (1).
# The Advisor's best value against it tends to the LP value, but the way it
# gets there matters for training: with a smooth Receiver the optimal
# posteriors sit *beyond* the Receiver's indifference point, by a margin
# that shrinks with $T$, and the loss is smooth in $\theta$. At $T = 0$ the
# optimum puts posteriors exactly at the indifference point and $\hat v$
# jumps there, so its gradient is zero almost everywhere: gradient descent on
# Eq. (3) needs the smooth Receiver.

# %%
g0 = example = hint_input(0.5, 1.5)  # a fixed input: bias 1.5 towards answer A
temps = np.geomspace(1e-3, 1.0, 13)
best = [optimal_smooth_value_binary(g0, T) for T in temps]  # value, posteriors, weights
smooth_vals = np.array([value for value, _, _ in best])
upper = np.array([posteriors[-1, 1] for _, posteriors, _ in best])  # upper P(relevant)
lp0 = optimal_signal(g0).value

# %%
print(f"LP value {lp0:.4f}; the Receiver's indifference point is P(relevant) = 0.55")
Table(zip(temps, smooth_vals, upper),
      ["temperature T", "best value", "upper optimal posterior P(relevant)"], digits=4,
      caption="The best scheme against a softmax Receiver, by temperature.")

# %% tags=["remove-input"]
checks.all_of(
    "(c) the optimal upper posterior lies beyond the indifference point 0.55",
    upper > 0.55,
    method="grid concave closure vs hand value 0.55",
)
checks.all_of(
    "(c) ... and approaches it as T falls",
    np.diff(upper) >= -1e-4,
    method="successive temperatures compared",
)
checks.close(
    "(c) at T = 1e-3 it is within 0.01 of 0.55",
    upper[0],
    0.55,
    atol=0.01,
    method="grid concave closure vs hand value 0.55",
)
checks.close(
    "(c) at T = 1e-3 the value is within 0.01 of the LP value",
    smooth_vals[0],
    lp0,
    atol=0.01,
    method="grid concave closure at T = 1e-3 vs LP",
)

# %% tags=["hide-input", "remove-output"]
fig, ax = plt.subplots(figsize=(6.4, 3.4))
ax.semilogx(
    temps,
    smooth_vals,
    color=PALETTE[1],
    ls="-",
    marker="o",
    ms=5,
    label="best value against the smooth Receiver",
)
ax.axhline(lp0, color="black", ls="--", marker="", label="LP value (argmax Receiver)")
ax.axhline(
    g0.no_information_value,
    color=PALETTE[2],
    ls=":",
    marker="",
    label="no information, argmax Receiver",
)
ax.set_xlabel("Receiver temperature $T$ (log scale)")
ax.set_ylabel("Advisor's best expected utility")
ax.legend()
save_figure(fig, "protocol-temperature")
plt.show()

# %% [markdown]
# ```{figure} /figures/protocol-temperature.png
# :name: fig-protocol-temperature
# :alt: The Advisor's best value against a smooth Receiver as the temperature falls, approaching the LP value.
#
# The input with prior 1/2 and bias 1.5. The best value against a smooth Receiver rises to
# the LP value as the temperature falls.
# ```
#
# ## (d) The four information structures
#
# Bai et al. compare four ways of informing the Receiver: **no information**,
# **all information** (every item), **prior information** (an item drawn from
# the prior) and **posterior information** (the item the Advisor chooses). In
# the Bayesian model these are four signaling strategies, and the LP optimum
# is the "posterior" one.
#
# One meaning of each, here and in {ref}`ch-llm-experiments`: *all
# information* shows the Receiver everything the Advisor sees. In this
# chapter's finite model the Advisor sees the state (which item is the true
# one), so all information is full revelation; in the language-model
# experiment the Advisor sees seven items, and all information is the prompt
# with all seven. *Prior information* is one item drawn independently of the
# truth, *posterior information* one drawn from the Advisor's strategy, *no
# information* nothing but the question.
#
# ```{prf:theorem} The four structures against a Bayesian Receiver
# :label: thm-four-structures
#
# (i) Prior information and no information give every player the same
# expected utility. (ii) The Advisor's optimal strategy is at least as good
# for it as no information and as all information. (iii) If the Advisor is
# aligned ($v = u$) and the Receiver maximises exactly, all information is
# optimal.
# ```
#
# ```{prf:proof}
# (i) An item drawn from the prior independently of the true one has the
# same distribution whatever the truth, so the posterior after it is the
# prior (Eq. 2). (ii) Both are strategies the Advisor could choose.
# (iii) With $v = u$ the Advisor's value of a belief is the Receiver's, which
# is convex in the belief (a maximum of linear functions); the finest split,
# full revelation, maximises its expectation (Blackwell, {ref}`ch-competition-in-persuasion`).
# ```
#
# All three are checked on random instances.
#
# A language model reading a hint is not Bayesian about it. A **credulous**
# Receiver, who takes the shown item as true, makes "prior" differ from
# "none". It often lets a biased Advisor do better than against a Bayesian,
# since the chosen item is taken at face value, but not always: it can only
# be moved to certainty about some item, never to a hedged belief, so an
# Advisor who wants it to abstain can do worse (the printout counts both
# cases).
#
# On one input (prior 1/2, bias 1.5), the four structures built from the
# Advisor's optimal scheme, as (Advisor, Receiver) expected utilities:

# %%
scheme = optimal_signal(example).scheme
for name, (advisor, receiver) in structure_values(example, scheme).items():
    print(f"{str(name):>21}: Advisor {advisor:.3f}, Receiver {receiver:.3f}")

# %% [markdown]
# The three parts of the theorem, and the credulous Receiver, on random
# instances (the loop runs hidden; the checks are in the table at the end of
# the chapter, and the comparison of the two Receivers is printed below):

# %% tags=["remove-input"]
ok_prior, ok_post, ok_aligned, ok_cred_full = [], [], [], []
cred_minus_bayes = []
for _ in range(n_random):
    g = random_game(2, 3, rng)
    sol = optimal_signal(g)
    vals = structure_values(g, sol.scheme)
    ok_prior.append(
        np.allclose(vals[Structure.PRIOR], vals[Structure.NO], atol=1e-9)
    )
    ok_post.append(
        vals[Structure.POSTERIOR][0]
        >= max(vals[Structure.NO][0], vals[Structure.ALL][0]) - 1e-7
    )
    aligned = PersuasionGame(g.prior, g.receiver_utility, g.receiver_utility)
    ok_aligned.append(
        abs(optimal_signal(aligned).value - aligned.full_information_value) < 1e-7
    )
    cred = structure_values(g, credulous_best_scheme(g), credulous=True)
    ok_cred_full.append(
        cred[Structure.POSTERIOR][0] >= g.full_information_value - 1e-9
    )
    cred_minus_bayes.append(cred[Structure.POSTERIOR][0] - sol.value)
cred_minus_bayes = np.array(cred_minus_bayes)
checks.all_of(
    "(d) Bayesian Receiver: prior information = no information",
    ok_prior,
    method="prior-item scheme vs one-signal scheme",
)
checks.all_of(
    "(d) posterior (optimal) information beats none and all",
    ok_post,
    method="LP scheme vs no and all information",
)
checks.all_of(
    "(d) aligned Advisor (v = u): all information is optimal",
    ok_aligned,
    method="LP vs full-information value (Blackwell)",
)
checks.all_of(
    "(d) credulous Receiver: the Advisor's best is at least full information",
    ok_cred_full,
    method="greedy credulous scheme vs full revelation",
)
print(f"the Advisor's best value, credulous against Bayesian Receiver, in {n_random} games:")
print(f"higher in {(cred_minus_bayes > 1e-9).sum()}, lower in {(cred_minus_bayes < -1e-9).sum()}, "
      f"equal in {(np.abs(cred_minus_bayes) <= 1e-9).sum()}")

# %% [markdown]
# The same input in three settings: an aligned Advisor ($v = u$), the biased
# one, and the biased one against a credulous Receiver (whose best scheme is
# `credulous_best_scheme`).

# %%
aligned_example = PersuasionGame(example.prior, example.receiver_utility,
                                 example.receiver_utility)
cases = {  # label: (game, credulous Receiver?)
    "aligned Advisor,\nBayesian Receiver": (aligned_example, False),
    "biased Advisor,\nBayesian Receiver": (example, False),
    "biased Advisor,\ncredulous Receiver": (example, True),
}

# %%
table = {}
for label, (game, cred) in cases.items():
    scheme = credulous_best_scheme(game) if cred else optimal_signal(game).scheme
    table[label] = structure_values(game, scheme, credulous=cred)
Table([(label.replace("\n", " "), *(v[0] for v in values.values()))
       for label, values in table.items()],
      ["Advisor's value", *map(str, next(iter(table.values())))], digits=3,
      caption="The Advisor's value under the four information structures.")

# %% tags=["hide-input", "remove-output"]
names = [Structure.NO, Structure.PRIOR, Structure.ALL, Structure.POSTERIOR]
fig, ax = plt.subplots(figsize=(6.8, 3.6))
x = np.arange(len(cases))
hatches = ["", "..", "//", "xx"]
for k, name in enumerate(names):
    heights = [table[c][name][0] for c in cases]
    ax.bar(
        x + (k - 1.5) * 0.2,
        heights,
        width=0.2,
        color=["0.9", "0.7", "0.45", "0.2"][k],
        edgecolor="black",
        hatch=hatches[k],
        label=name,
    )
ax.set_xticks(x, list(cases))
ax.set_ylabel("Advisor's expected utility")
ax.legend(ncol=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))  # above the axes: clear of the bars
ax.grid(axis="x", visible=False)
save_figure(fig, "protocol-structures")
plt.show()

# %% [markdown]
# ```{figure} /figures/protocol-structures.png
# :name: fig-protocol-structures
# :alt: Bar chart of the Advisor's utility under the four information structures in three settings.
#
# The four structures for one input. When the Advisor wants what the Receiver
# wants, showing everything is optimal. A biased Advisor does best by
# choosing what to show (the "posterior" structure); against a credulous
# Receiver, showing a random item ("prior") is no longer the same as showing
# nothing.
# ```
#
# Bai et al.'s finding that posterior information (the Advisor's choice)
# beats the other three is what the model predicts when the Advisor's
# objective differs from the Receiver's default behaviour; when they agree,
# the model predicts a tie with all information.
#
# ## What we have seen
#
# - The protocol is Bayesian persuasion, one game per input; Eq. (3) at the
#   LP's strategies is minus the LP value.
# - A neural policy trained by gradient descent on Eq. (3) against a smooth
#   Receiver reaches the exact optimum to within the stated tolerance, with
#   an annealed entropy bonus that keeps its softmax from saturating where
#   plain descent can stall.
# - As the Receiver sharpens, the best value tends to the LP value, but the
#   loss loses its gradient: training needs a smooth Receiver.
# - Prior information equals no information for a Bayesian Receiver; the
#   Advisor's choice beats both extremes, ties with all information when
#   aligned, and gains more against a credulous Receiver.
#
# ## Exercises
#
# ```{exercise} More signals
# :label: ex-more-signals
#
# With two items, why can the trained policy not gain from a third signal?
# Retrain with `n_signals=3` and compare.
# ```
#
# ```{solution-start} ex-more-signals
# :class: dropdown
# ```
#
# With two items, two posteriors suffice (Carathéodory in one dimension; see
# {ref}`ch-bayesian-persuasion`), so the optimum is the same; the three-signal
# policy reaches the same value up to the tolerance.

# %%
result3 = train_policy(inputs, T_train, n_signals=3, steps=steps, seed=7, entropy=0.2)
schemes3 = result3.policy(inputs)
trained3 = np.array([advisor_value(g, s, T_train) for g, s in zip(inputs, schemes3)])
print(f"largest gain over the optimum {(trained3 - smooth_opt).max():.1e},"
      f" largest gap {(smooth_opt - trained3).max():.1e}")

# %% tags=["remove-input"]
checks.at_most(
    "exercise: three signals gain nothing (within the tolerance)",
    trained3 - smooth_opt,
    1e-4,
    method="3 signals vs 2-posterior concave closure",
)
checks.at_most(
    "exercise: and still reach the optimum",
    smooth_opt - trained3,
    TOL,
    method="concave closure on 20,001 beliefs",
)

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} A credulous Receiver and an aligned Advisor
# :label: ex-credulous-aligned
#
# If the Advisor is aligned ($v = u$), what is the best strategy against a
# credulous Receiver, and is the Receiver hurt by being credulous?
# ```
#
# ```{solution-start} ex-credulous-aligned
# :class: dropdown
# ```
#
# Showing the true item: the credulous Receiver then acts as if fully
# informed, which is the aligned Advisor's best outcome. Credulity costs the
# Receiver nothing when the Advisor is aligned; it is costly only with a
# biased Advisor.

# %%
aligned0 = PersuasionGame(g0.prior, g0.receiver_utility, g0.receiver_utility)
best_cred = credulous_best_scheme(aligned0)
cred_vals = structure_values(aligned0, best_cred, credulous=True)
print("best scheme, one row per state:",
      "; ".join(", ".join(f"{p:.3f}" for p in row) for row in best_cred))
print(f"Receiver: {cred_vals[Structure.POSTERIOR][1]:.3f} when credulous,"
      f" {aligned0.full_information_value:.3f} fully informed")

# %% tags=["remove-input"]
checks.close(
    "exercise: aligned Advisor shows the true item",
    best_cred,
    np.eye(2),
    method="hand answer from the text: show the item",
)
checks.close(
    "exercise: the credulous Receiver then gets its full-information utility",
    cred_vals[Structure.POSTERIOR][1],
    aligned0.full_information_value,
    method="credulous payoff vs full-information value",
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
