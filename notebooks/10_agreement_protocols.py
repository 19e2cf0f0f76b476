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
# (ch-agreement)=
# # Agreement protocols
#
# The essay {cite:p}`cheng2025mechanism` (§4.2) points to protocols in which
# cooperative agents exchange estimates until they agree, as in
# {cite:t}`collina2025collaborative`, and asks what survives when agents are
# strategic. This chapter simulates the classic protocol exactly on finite
# state spaces: how many rounds agreement takes, whether the agreed estimate
# is the one pooled information would give, what an $\varepsilon$-agreement
# stopping rule saves, and what happens when one agent shades what it says.
# (The chapter's imports and sizes are in the hidden cell below.)

# %% tags=["parameters"]
scale = "book"  # "smoke" (seconds, for tests), "book" (default) or "full"

# %% tags=["hide-input"]
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

from persuasion.agreement import (
    dialogue,
    epsilon_agreement_rounds,
    exact_agreed_estimates,
    random_partitions,
    strategic_dialogue,
)
from persuasion.book import chapter
from persuasion.book.plotting import PALETTE, save_figure
from persuasion.book.tables import Table

SIZES = {  # random instances
    "smoke": dict(n_instances=20, n_shade=8),
    "book": dict(n_instances=200, n_shade=40),
    "full": dict(n_instances=2000, n_shade=200),
}
size, rng, checks = chapter(scale, SIZES, seed=19760101)
n_instances, n_shade = size.n_instances, size.n_shade

# %% [markdown]
# ## The protocol
#
# A finite set of states has a common prior. Agent $i$ knows the cell
# $\Pi_i(\omega)$ of its partition. The agents estimate a quantity
# $X(\omega)$ (the probability of an event when $X$ is 0 or 1). In the
# dialogue of {cite:t}`geanakoplos1982we`, they announce in turn their
# current estimate, given their cell and everything announced so far; every
# announcement is public, and everyone learns from it which states would
# have produced it.
#
# ```{prf:theorem} Agreement (Aumann; Geanakoplos–Polemarchakis)
# :label: thm-agreement
#
# On a finite state space the dialogue reaches, after finitely many
# announcements, a point where the estimates are common knowledge; common
# knowledge of the estimates implies that they are equal.
#
# Source: {cite:t}`aumann1976agreeing,geanakoplos1982we`.
# ```
#
# `dialogue` simulates every true state at once by refining the *public
# partition* (what the record reveals) until a full turn teaches nobody
# anything. We check the theorem on random instances, together with two
# consequences: the agreed estimate is unbiased (its prior mean is
# $\mathbb E X$), and it is never more accurate than the estimate from
# pooled information (everything said is a coarsening of what the agents
# know together).

# %% [markdown]
# Whether the agreed estimate equals the pooled one is a question about
# individual states, so we count states. Floating-point estimates are
# compared with a stated tolerance of $10^{-9}$, and every instance is
# solved a second time by `exact_agreed_estimates`, an independent
# implementation of the dialogue in exact rational arithmetic (the prior's
# floating-point numbers converted exactly to fractions), where equal means
# equal. The two counts must coincide.

# %% tags=["hide-input"]
TOL = 1e-9  # the tolerance at which two floating-point estimates count as equal


def exact_inputs(prior, X):
    """The prior and X as fractions: each float exactly, the prior renormalised."""
    q = [Fraction(float(p)) for p in prior]
    total = sum(q)
    return [p / total for p in q], [Fraction(float(x)) for x in X]


def exact_pooled(prior, P, X):
    """E[X | all private cells] at every state, in fractions (brute force)."""
    n = len(prior)
    out = []
    for w in range(n):
        cell = [v for v in range(n) if all(P[i][v] == P[i][w] for i in range(len(P)))]
        out.append(sum(prior[v] * X[v] for v in cell) / sum(prior[v] for v in cell))
    return out


def compare_exactly(prior, P, X, d):
    """Against the exact dialogue: states where agreed != pooled (with tolerance TOL, exactly),
    and whether every agent's final estimate equals the exact agreed estimate."""
    qp, qX = exact_inputs(prior, X)
    agreed, pooled = exact_agreed_estimates(qp, P, qX), exact_pooled(qp, P, qX)
    by_tol = int((~np.isclose(d.agreed, d.pooled, rtol=0, atol=TOL)).sum())
    agrees = bool(np.allclose(d.estimates[-1], np.array(agreed, dtype=float), rtol=0, atol=TOL))
    return by_tol, sum(a != b for a, b in zip(agreed, pooled)), agrees


# %% [markdown]
# A random instance: 6 to 29 states, a random prior (or a uniform one), two
# agents whose partitions have 2 to 4 cells, and a binary $X$.

# %%
def random_instance(rng, uniform=False):
    n = int(rng.integers(6, 30))
    prior = np.full(n, 1 / n) if uniform else rng.dirichlet(np.ones(n))
    P = random_partitions(n, 2, int(rng.integers(2, 5)), rng)
    X = (rng.random(n) < 0.5).astype(float)
    return prior, P, X


# %% [markdown]
# For each instance we run the dialogue and record whether it ends in
# agreement, whether the agreed estimate is unbiased, whether pooling is at
# least as accurate, and the states where agreed and pooled estimates differ
# (`compare_exactly`, hidden above: counted once with a $10^{-9}$ tolerance
# and once in exact arithmetic), which
# also says whether every agent ends at the exact dialogue's agreed estimate.

# %%
agree, unbiased, coarser, random_diff = [], [], [], []
for _ in range(n_instances):
    prior, P, X = random_instance(rng)
    d = dialogue(prior, P, X)
    by_tol, exact, agrees = compare_exactly(prior, P, X, d)
    agree.append(agrees)
    unbiased.append(abs(prior @ d.agreed - prior @ X) < 1e-12)
    coarser.append(prior @ (d.pooled - X) ** 2 <= prior @ (d.agreed - X) ** 2 + 1e-12)
    random_diff.append((by_tol, exact))

# %% tags=["remove-input"]
random_diff = np.array(random_diff)  # (instances, [with tolerance, exact])
random_instances = int((random_diff[:, 1] > 0).sum())
print(f"{n_instances} instances: agreement in {sum(agree)}, unbiased in {sum(unbiased)},"
      f" pooling at least as accurate in {sum(coarser)}")
checks.all_of("Aumann: the dialogue always ends in agreement", agree,
              method="each agent's final estimate vs exact dialogue (fractions)")
checks.all_of("the agreed estimate is unbiased", unbiased, method="prior means: agreed estimate vs X")
checks.all_of(
    "pooled information is at least as accurate as the agreed estimate", coarser,
    method="squared errors under the prior, compared",
)
checks.true(
    "random priors: states with agreed != pooled, counted with tolerance and exactly, coincide",
    (random_diff[:, 0] == random_diff[:, 1]).all(),
    value=f"{int(random_diff[:, 0].sum())} and {int(random_diff[:, 1].sum())} states",
    method="dialogue redone in exact rationals",
)
checks.true(
    "random priors: agreed = pooled at every state of every instance (exact count)",
    random_instances == 0,
    value=f"{random_instances} of {n_instances} instances differ",
    method="exact dialogue vs brute-force pooling",
)

# %% [markdown]
# With a uniform prior, many cells share the same estimate and announcements
# reveal less. The same count on uniform-prior instances:

# %%
uniform_diff, uniform_states = [], []
for _ in range(n_instances):
    prior, P, X = random_instance(rng, uniform=True)
    uniform_diff.append(compare_exactly(prior, P, X, dialogue(prior, P, X))[:2])
    uniform_states.append(len(prior))

# %% tags=["remove-input"]
uniform_diff = np.array(uniform_diff)
uniform_instances = int((uniform_diff[:, 1] > 0).sum())
checks.true(
    "uniform priors: states with agreed != pooled, counted with tolerance and exactly, coincide",
    (uniform_diff[:, 0] == uniform_diff[:, 1]).all(),
    value=f"{int(uniform_diff[:, 0].sum())} and {int(uniform_diff[:, 1].sum())} states",
    method="dialogue redone in exact rationals",
)
display(
    Markdown(
        f"With random priors the agreed estimate equals the pooled one at every state of "
        f"{n_instances - random_instances} of the {n_instances} instances. With a uniform "
        f"prior it differs at some state in **{uniform_instances} of {n_instances}** instances "
        f"({int(uniform_diff[:, 1].sum())} of their {sum(uniform_states)} states), counted "
        f"exactly; in the others the dialogue reaches the pooled estimate."
    )
)

# %% [markdown]
# ### The classic example
#
# Four equally likely states; agent 1 learns whether $\omega \in \{1, 2\}$,
# agent 2 whether $\omega \in \{1, 3\}$; the event is $\{1, 4\}$. Each
# always believes it has probability $1/2$, so they agree at once, yet
# together they know the state.

# %%
classic = dialogue([0.25] * 4, [[0, 0, 1, 1], [0, 1, 0, 1]], [1, 0, 0, 1])
for w in range(4):
    agreed, pooled = classic.agreed[w], classic.pooled[w]
    said = classic.rounds[w]  # announcements before the estimates settle
    print(f"state {w + 1}: agreed {agreed:.2f}, pooled {pooled:.2f}, "
          f"announcements until agreement {said}")

# %% tags=["remove-input"]
checks.close("classic: agreed estimate 1/2 in every state", classic.agreed, 0.5,
             method="hand-solved value from the text")
checks.close("classic: pooled estimate is 0 or 1", classic.pooled, [1, 0, 0, 1],
             method="by hand: pooled cells are single states")
checks.true(
    "classic: agreement before anyone learns anything (0 rounds)",
    (classic.rounds == 0).all(),
    method="hand-solved: both say 1/2 at once",
)

# %% [markdown]
# ## Stopping at $\varepsilon$-agreement
#
# {cite:t}`collina2025collaborative` study protocols that stop once
# predictions are within $\varepsilon$ of each other, with bounds on the
# number of rounds of order $1/\varepsilon^2$. On our finite instances the
# exact dialogue is short already; we measure what the $\varepsilon$ rule
# saves (`epsilon_agreement_rounds`) and what it costs in accuracy.

# %%
instances, eps_partitions = [], []
for _ in range(max(10, n_instances // 4)):
    prior = np.full(24, 1 / 24)  # a uniform prior makes dialogues longer
    P = random_partitions(24, 2, 4, rng)
    X = (rng.random(24) < 0.5).astype(float)
    instances.append((prior, dialogue(prior, P, X)))
    eps_partitions.append(P)

# %% [markdown]
# The rule stops at round $r(\omega)$ in state $\omega$; there we measure
# the largest gap between an agent's estimate and the exact agreed value.


# %%
def gap_at_stop(d, r):
    """Each state's largest gap between an agent's estimate at round r and agreement."""
    states = np.arange(len(r))
    return np.abs(d.estimates[r, :, states] - d.agreed[:, None]).max(axis=1)


# %% [markdown]
# The mean (over instances) of the expected rounds and of the expected
# squared gap, for each $\varepsilon$. The first row is a benchmark no agent
# can use: the announcement after which no estimate changes again
# (`Dialogue.rounds`), which only hindsight reveals; its gap is zero up to
# rounding. The rule needs a second, matching announcement to stop, and even
# at $\varepsilon = 0$ a match can come before the estimates settle.

# %%
eps_grid = [0.0, 0.01, 0.03, 0.1, 0.2, 0.3]
mean_rounds, stop_error = [], []
for eps in eps_grid:
    stops = [(p, d, epsilon_agreement_rounds(d, eps)) for p, d in instances]
    mean_rounds.append(np.mean([p @ r for p, d, r in stops]))
    stop_error.append(np.mean([p @ gap_at_stop(d, r) ** 2 for p, d, r in stops]))
exact = [("settled (hindsight)", np.mean([p @ d.rounds for p, d in instances]),
          np.mean([p @ gap_at_stop(d, d.rounds) ** 2 for p, d in instances]))]
Table(exact + list(zip([f"{e:.2f}" for e in eps_grid], mean_rounds, stop_error)),
      ["ε", "mean rounds", "mean squared gap to the exact agreed estimate"],
      digits=[2, 3, 5],
      caption="Stopping at ε-agreement: rounds saved, accuracy lost.")

# %% tags=["remove-input"]
checks.true(
    "a looser tolerance leaves a larger gap",
    stop_error[-1] > stop_error[0],
    value=f"{stop_error[0]:.4g} -> {stop_error[-1]:.4g}",
    method="eps = 0.3 vs eps = 0, same instances",
)


def stop_by_hand(announcements, w, eps):
    """The epsilon rule at state w by a plain loop: the first t with |a_t - a_(t-1)| <= eps."""
    a = announcements[:, w]
    for t in range(1, len(a)):
        if abs(a[t] - a[t - 1]) <= eps + 1e-12:
            return t + 1
    return max(len(a), 1)


checks.true(
    "epsilon_agreement_rounds agrees with a plain loop over the announcements (every instance, state, eps)",
    all(
        (epsilon_agreement_rounds(d, eps) == [stop_by_hand(d.announcements, w, eps) for w in range(len(p))]).all()
        for p, d in instances
        for eps in eps_grid
    ),
    method="plain loop over the announcements",
)
# Geanakoplos-Polemarchakis: every announcement that teaches something splits a cell of the public
# partition, which never gets finer than the join of the private partitions. So at most
# |join| - 1 announcements are informative, and the dialogue stops after m quiet ones.
informative, join_bound = [], []
for (_, d), P in zip(instances, eps_partitions):
    history = np.round(d.announcements, 12).T  # (states, rounds)
    cells = [len({tuple(row[:t]) for row in history}) for t in range(len(d.announcements) + 1)]
    informative.append(int(np.sum(np.diff(cells) > 0)))
    join_bound.append(np.unique(P, axis=1).shape[1] - 1)
checks.true(
    "informative announcements <= cells of the join - 1 (Geanakoplos-Polemarchakis)",
    all(k <= b for k, b in zip(informative, join_bound)),
    value=f"at most {max(informative)} informative; join bounds {min(join_bound)}..{max(join_bound)}",
    method="cells of the record and of the join, counted",
)

# %% tags=["hide-input", "remove-output"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7.0, 3.0), sharex=True)
ax1.plot(eps_grid, mean_rounds, color=PALETTE[1], ls="-", marker="o", ms=5)
ax1.set_ylabel("announcements until\n" + r"$\varepsilon$-agreement (mean)")
ax1.set_title("(a) how long the dialogue lasts")
ax2.plot(eps_grid, stop_error, color=PALETTE[2], ls="--", marker="s", ms=5)
ax2.set_ylabel("squared gap to exact\nagreement (mean)")
ax2.set_title("(b) how far from agreement it stops")
for ax in (ax1, ax2):
    ax.set_xlabel(r"agreement tolerance $\varepsilon$")
fig.tight_layout()
save_figure(fig, "agreement-epsilon")
plt.show()

# %% [markdown]
# ```{figure} /figures/agreement-epsilon.png
# :name: fig-agreement-epsilon
# :alt: Rounds to epsilon-agreement and the resulting gap, against epsilon.
#
# Two agents, 24 equally likely states, partitions into 4 cells, a binary
# $X$. A looser tolerance stops the dialogue earlier (a), at the price of a
# gap between the agents' estimates at the stop and the value exact agreement
# would reach (b). Even at $\varepsilon = 0$ the rule can stop early: two
# consecutive announcements can coincide while the agents are still
# learning.
# ```
#
# ## A strategic agent
#
# Now agent 1 wants the estimate of $X$ pushed up by `shade`, and says the
# value closest to its honest estimate plus `shade` among those some honest
# type of it could say, so that it is never obviously lying. Agent 2 reads
# every announcement as honest (`strategic_dialogue`). Three things can
# happen: nothing (the shade is too small to change the announcement); the
# record excludes the true state and agent 2, whose information does not
# contradict it, ends up confidently wrong; or the record excludes the true
# state and agent 2 holds information that contradicts it, and catches the
# lie. The last two never overlap, so their probabilities add up to the
# chance that the record excludes the truth.

# %%
cases = []
for _ in range(n_shade):
    n = 16
    prior = rng.dirichlet(np.ones(n))
    P = random_partitions(n, 2, 4, rng)
    X = (rng.random(n) < 0.5).astype(float)
    cases.append((prior, P, X))

# %% [markdown]
# In each case, the strategic agent shades in every true state in turn; we
# average the honest agent's squared error and bias, and how often it is
# fooled (the truth excluded, the lie not caught) or catches the lie, over
# the states (by the prior).


# %%
def shading_outcome(prior, P, X, shade):
    out = [strategic_dialogue(prior, P, X, w, shade) for w in range(len(X))]
    est = np.array([o.estimates[1] for o in out])
    detected = np.array([o.detected for o in out])
    fooled = np.array([o.truth_excluded for o in out]) & ~detected
    err = est - X
    return prior @ err**2, prior @ err, prior @ fooled, prior @ detected


# %% [markdown]
# Then over the cases, for six shades from 0 to 1:

# %%
shades = np.linspace(0.0, 1.0, 6)
mse, bias, fooled, detected = [], [], [], []
for shade in shades:
    per_case = [shading_outcome(*case, shade) for case in cases]
    for series, column in zip((mse, bias, fooled, detected), zip(*per_case)):
        series.append(np.mean(column))

# %% [markdown]
# What the honest agent ends up with, shade by shade:

# %%
Table(zip(shades, mse, np.round(bias, 4) + 0.0, fooled, detected),
      ["shade", "honest agent's mean squared error", "its mean bias",
       "P(fooled: truth excluded, lie not caught)", "P(lie caught)"],
      digits=[2, 4, 4, 3, 3],
      caption="One agent shades its reports: what the honest agent ends up with.")

# %% tags=["remove-input"]
checks.close(
    "no shading: the honest dialogue (bias 0, nothing excluded)",
    [bias[0], fooled[0], detected[0]],
    [0, 0, 0],
    atol=1e-12,
    method="honest dialogue: iterated expectations",
)
checks.true(
    "shading raises the honest agent's error",
    mse[-1] > mse[0] + 0.05,
    value=f"{mse[0]:.3f} -> {mse[-1]:.3f}",
    method="shade 1 vs shade 0, same cases",
)
checks.true("shading biases the honest agent upwards", bias[-1] > 0.05, value=bias[-1],
            method="mean error at shade 1 vs margin 0.05")

# %% tags=["hide-input", "remove-output"]
fig, (ax_err, ax_p) = plt.subplots(1, 2, figsize=(7.2, 3.4))
ax_err.plot(shades, mse, color=PALETTE[1], ls="-", marker="o", ms=6)
ax_err.set_ylabel("honest agent's mean squared error")
ax_err.set_title("(a) error")
for k, (series, ls, marker, label) in enumerate([
    (fooled, "--", "s", "fooled: truth excluded,\nlie not caught"),
    (detected, ":", "^", "lie caught"),
], start=2):
    ax_p.plot(shades, series, color=PALETTE[k], ls=ls, marker=marker, ms=6, label=label)
ax_p.set_ylabel("probability")
ax_p.set_title("(b) fooled or caught")
ax_p.legend(loc="lower right", fontsize=9)
for ax in (ax_err, ax_p):
    ax.set_xlabel("shade (how far the estimate\nis pushed)")
fig.tight_layout()
save_figure(fig, "agreement-strategic")
plt.show()

# %% [markdown]
# ```{figure} /figures/agreement-strategic.png
# :name: fig-agreement-strategic
# :alt: Error of the honest agent and probabilities of deception and detection against the shade.
#
# One strategic agent among two (16 states, binary $X$). (a) The honest
# agent's mean squared error against the shade. (b) The probability that
# the public record rules out the true state while the honest agent's own
# information does not contradict it (fooled), and the probability that its
# information exposes the lie (caught); the two never overlap. Agreement protocols assume cooperation; with a strategic
# participant they can make the honest party confidently wrong.
# ```
#
# ## What we have seen
#
# - The dialogue always ended in agreement, with an unbiased estimate never
#   more accurate than pooling. With random priors it reached the pooled
#   estimate every time; with a uniform prior, symmetric cells can hide
#   information (rarely: the exact count is above), and in the classic example agents agree at $1/2$ while
#   together they know the state.
# - An $\varepsilon$ stopping rule saves rounds at a measurable cost in
#   accuracy; on these instances the exact dialogue is already short.
# - A single strategic participant who shades its announcements, and is
#   believed, can push the honest agent's estimate and exclude the truth
#   from the record; the essay's open question of incentive-compatible
#   agreement is real.
#
# ## Exercises
#
# ```{exercise} Three agents
# :label: ex-three-agents-agreement
#
# Run the dialogue with three agents on random instances. Do they still
# always agree?
# ```
#
# ```{solution-start} ex-three-agents-agreement
# :class: dropdown
# ```
#
# Yes: the argument does not depend on the number of agents; estimates that
# are common knowledge are equal.

# %%
ok3, exact3 = [], []
for _ in range(max(5, n_instances // 10)):
    n = 20
    prior = rng.dirichlet(np.ones(n))
    P3, X3 = random_partitions(n, 3, 3, rng), rng.random(n)
    d3 = dialogue(prior, P3, X3)
    ok3.append(d3.agreement.all())
    exact3.append(compare_exactly(prior, P3, X3, d3)[2])
print(f"agreement in {sum(ok3)} of {len(ok3)} three-agent dialogues")

# %% tags=["remove-input"]
checks.all_of("exercise: three agents always agree", exact3,
              method="each agent's final estimate vs exact dialogue (fractions)")

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} When agreement is pooling
# :label: ex-agreement-pooling
#
# If one agent's partition refines the other's, what is the agreed
# estimate?
# ```
#
# ```{solution-start} ex-agreement-pooling
# :class: dropdown
# ```
#
# The finer agent already knows everything the two know together, so its
# first announcement is the pooled estimate, and the coarser agent learns
# it: the agreed estimate is the pooled one.

# %%
fine = np.arange(12) % 6
coarse = fine // 2
prior = rng.dirichlet(np.ones(12))
Xr = rng.random(12)
dr = dialogue(prior, [fine, coarse], Xr)
print(f"largest |agreed − pooled|: {np.abs(dr.agreed - dr.pooled).max():.2g}")

# %% tags=["remove-input"]
checks.close(
    "exercise: nested partitions, agreed = pooled", dr.agreed, dr.pooled, atol=1e-12,
    method="pooled estimate on the join of partitions",
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
