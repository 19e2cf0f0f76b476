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
# (ch-competition-in-persuasion)=
# # Competition in persuasion and the Blackwell order
#
# One prosecutor can make a judge convict twice as often as the evidence
# warrants ({ref}`ch-bayesian-persuasion`). What if a defence attorney may
# also commission evidence? {cite:t}`gentzkow2017bayesian` show that when
# every Sender can choose any signal, arbitrarily correlated with the
# others', competition cannot reduce the information revealed, and
# {cite:t}`gentzkow2017competition` find the exact condition on the Senders'
# sets of signals (Blackwell-connectedness) under which equilibria are never
# less informative than collusion, whatever the preferences, and characterise
# the equilibrium outcomes by it. The essay {cite:p}`cheng2025mechanism`
# (§2.2) states the second result as its Theorem 2; both are the reason to
# hope that several competing AI systems inform us better than one.
#
# The chapter first makes "more informative" precise (the Blackwell order,
# three ways), then builds finite environments of several Senders, solves
# them by enumeration, and checks the essay's Theorem 2 in both directions and
# its equilibrium characterisation, including where the characterisation fails.

# %% tags=["parameters"]
scale = "book"  # "smoke" (seconds, for tests), "book" (default) or "full"

# %% tags=["hide-input"]
import time

import matplotlib.pyplot as plt
import numpy as np

from persuasion import split
from persuasion.blackwell import (
    blackwell_dominates,
    convex_order_dominates,
    garbling,
    mps_dominates,
)
from persuasion.blackwell_connectedness import blackwell_connected, counterexample_payoffs
from persuasion.book import chapter
from persuasion.book.plotting import PALETTE, plot_scaling, save_figure
from persuasion.competition_in_persuasion import (
    InformationEnvironment,
    all_partitions,
    collusive_outcomes,
    equilibrium_outcomes,
    no_profitable_refinement,
    outcome_values,
    pure_equilibria,
    random_environment,
)

SIZES = {  # random pairs of experiments, random environments, largest |Omega| timed
    "smoke": dict(n_pairs=60, n_envs=6, n_prefs=5, max_states=3),
    "book": dict(n_pairs=400, n_envs=30, n_prefs=20, max_states=5),
    "full": dict(n_pairs=4000, n_envs=200, n_prefs=50, max_states=5),
}
size, rng, checks = chapter(scale, SIZES, seed=20170101)
n_pairs, n_envs, n_prefs, max_states = size.n_pairs, size.n_envs, size.n_prefs, size.max_states

# %% [markdown]
# ## More informative: the Blackwell order
#
# An **experiment** is a row-stochastic matrix $P$ with $P_{\omega s} =
# \Pr(s \mid \omega)$. From a prior $\mu_0$ it induces a distribution of
# posteriors $\tau_P$ (the `split` of {ref}`ch-bayesian-persuasion`).
#
# ```{prf:definition} Blackwell order
# :label: def-blackwell
#
# $P$ is **more informative** than $Q$, written $P \succeq Q$, if $Q = P G$
# for some row-stochastic matrix $G$: $Q$ can be simulated by observing $P$'s
# signal and then adding noise. For distributions of posteriors,
# $\tau \succeq \tau'$ if $\tau$ is a **mean-preserving spread** of $\tau'$:
# each posterior $\nu$ of $\tau'$ splits into posteriors of $\tau$ that
# average to $\nu$.
# ```
#
# ```{prf:theorem} Blackwell
# :label: thm-blackwell
#
# For a prior with full support the following are equivalent:
# (i) $P \succeq Q$ (garbling); (ii) $\tau_P$ is a mean-preserving spread of
# $\tau_Q$; (iii) every decision maker, whatever her utility, is at least as
# well off with $P$ as with $Q$. With two states, (ii) holds iff
# $\int_0^x F_{\tau_P} \ge \int_0^x F_{\tau_Q}$ for all $x$ and the means agree
# (the convex order) {cite:p}`blackwell1953equivalent`.
# ```
#
# `persuasion.blackwell` implements (i) and (ii) as two separate linear
# programs and the convex order by formula. We draw random pairs, half of them
# true garblings and half unrelated (`random_pair`, behind the toggle: 2 or 3
# states, 3 signals each), and ask all three: (i) and (ii) of every pair,
# and, for the pairs with two states, the convex order too (printed below,
# and checked in the table at the end of the chapter).


# %% tags=["hide-input"]
def random_pair(rng):
    """A prior and two experiments P, Q; half the time Q is a garbling of P."""
    n_states = int(rng.integers(2, 4))
    prior = rng.dirichlet(np.ones(n_states))
    P = rng.dirichlet(np.ones(3), size=n_states)
    Q = (
        P @ rng.dirichlet(np.ones(3), size=3)
        if rng.random() < 0.5
        else rng.dirichlet(np.ones(3), size=n_states)
    )
    return prior, P, Q


# %%
agree, agree_binary, n_dominates = [], [], 0
for _ in range(n_pairs):
    prior, P, Q = random_pair(rng)
    by_garbling = blackwell_dominates(P, Q)
    by_spread = mps_dominates(split(prior, P), split(prior, Q))
    agree.append(by_garbling == by_spread)
    n_dominates += by_garbling
    if len(prior) == 2:
        by_cdf = convex_order_dominates(split(prior, P), split(prior, Q))
        agree_binary.append(by_cdf == by_spread)
print(f"{n_pairs} random pairs; P dominates Q in {n_dominates}; "
      f"garbling and spread agree on {sum(agree)}")
print(f"on the {len(agree_binary)} two-state pairs the convex order agrees "
      f"on {sum(agree_binary)}")

# %% tags=["remove-input"]
checks.all_of(
    "Blackwell: garbling LP and mean-preserving-spread LP agree", agree, method="garbling LP vs spread LP, random pairs"
)
checks.all_of(
    "Blackwell: convex order agrees with both (binary state)",
    agree_binary,
    method="integrated-CDF formula vs spread LP",
)
checks.true(
    "Blackwell: the sample holds both comparable and incomparable pairs",
    0 < n_dominates < n_pairs,
    value=f"{n_dominates} of {n_pairs} dominate",
    method="count of dominating pairs in the sample",
)

# %% [markdown]
# The convex order gives a picture for two states. Take the prosecutor's prior
# $0.3$ and three experiments: no information, the prosecutor's optimal signal
# (posteriors $0$ and $1/2$), and full revelation. Their integrated CDFs
# $x \mapsto \mathbb E_\tau[(x - p)^+]$ are nested: more information, a curve
# that is nowhere lower.

# %%
prior_court = np.array([0.7, 0.3])  # (innocent, guilty)
experiments = {
    "no information": np.ones((2, 1)),
    "prosecutor's optimal signal": np.array([[4 / 7, 3 / 7], [0.0, 1.0]]),
    "full revelation": np.eye(2),
}
taus = {name: split(prior_court, P) for name, P in experiments.items()}

# %% [markdown]
# Each curve is $\mathbb E_\tau[(x - p)^+]$ on a grid of $x$:

# %%
x = np.linspace(0, 1, 201)
curves = {}
for name, tau in taus.items():
    p = tau.posteriors[:, 1]  # the posteriors' probability of guilt
    curves[name] = np.maximum(x[:, None] - p[None, :], 0) @ tau.weights

# %% tags=["hide-input", "remove-output"]
fig, ax = plt.subplots(figsize=(6.4, 3.6))
for k, name in enumerate(taus):
    ax.plot(
        x,
        curves[name],
        label=name,
        color=PALETTE[k],
        ls=["-", "--", ":"][k],
        marker="",
        lw=2,
    )
ax.set_xlabel("x: belief that the defendant is guilty (probability)")
ax.set_ylabel(r"$\int_0^x F_\tau(t)\,dt$" + "\n(integrated CDF of the posterior)")
ax.legend(loc="upper left")
save_figure(fig, "convex-order")
plt.show()

# %% tags=["remove-input"]
names = list(taus)
checks.all_of(
    "convex order: curves are nested none <= optimal <= full",
    np.concatenate(
        [curves[names[1]] - curves[names[0]], curves[names[2]] - curves[names[1]]]
    )
    >= -1e-12,
    method="integrated CDFs on a 201-point grid",
)
checks.true(
    "Blackwell: full revelation >= prosecutor's signal >= no information, and not conversely",
    blackwell_dominates(np.eye(2), experiments[names[1]])
    and blackwell_dominates(experiments[names[1]], np.ones((2, 1)))
    and not blackwell_dominates(experiments[names[1]], np.eye(2)),
    method="garbling LP vs order known by hand",
)
G = garbling(np.eye(2), experiments[names[1]])
checks.close(
    "garbling of full revelation into the prosecutor's signal is the signal itself",
    G,
    experiments[names[1]],
    method="by hand: I·G = Q forces G = Q",
)

# %% [markdown]
# ```{figure} /figures/convex-order.png
# :name: fig-convex-order
# :alt: Integrated CDFs of three information structures for the prosecutor's prior, nested.
#
# The convex order for a binary state (prior 0.3 of guilt). A more informative
# distribution of posteriors has an integrated CDF that is nowhere lower (the
# optimal signal's and no information's coincide on $[1/2, 1]$); all three
# meet at $x = 0$ and at $x = 1$, where the height is $1 - 0.3$ because the
# means agree.
# ```
#
# ## Several Senders
#
# In the model of {cite:t}`gentzkow2017competition` each Sender $i$ chooses a
# signal $\pi_i$ from a set $\Pi_i$, all realisations are public, and the
# profile induces the **information outcome**
# $\tau = \mathrm{Bel}(\pi_1, \ldots, \pi_n) \in \Delta(\Delta(\Omega))$.
# Signals may be correlated with each other: formally a signal is a partition
# of $\Omega \times [0, 1]$, the state together with a uniform noise draw, and
# seeing several signals reveals the cell of their common refinement. We keep
# this but make it finite: the noise takes finitely many values $k$ with known
# probabilities, so there are finitely many *cells* $(\omega, k)$, and a signal
# is a partition of the cells.
#
# ```{prf:definition} Equilibrium, collusion, Blackwell-connectedness
# :label: def-gk
#
# With Sender payoffs $v_i(\tau)$, a profile $\pi^*$ is a (pure Nash)
# **equilibrium** if no Sender gains by changing her own signal. The
# **collusive outcome** maximises $\sum_i v_i(\tau)$ over feasible $\tau$. The
# environment is **Blackwell-connected** if for every $i$, every $\pi_{-i}$ and
# every feasible $\tau \succeq \mathrm{Bel}(\pi_{-i})$, Sender $i$ has a
# $\pi_i \in \Pi_i$ with $\mathrm{Bel}(\pi_i, \pi_{-i}) = \tau$.
# ```
#
# `InformationEnvironment(prior, menus, noise)` holds the menus; `analyse()`
# enumerates every profile, every outcome and the Blackwell order between the
# outcomes. Payoffs are then an array with one row per outcome and one column
# per Sender, so one analysis serves any number of preference profiles.
#
# ## The prosecutor meets a defence attorney
#
# Take the court of {ref}`ch-bayesian-persuasion`: prior $0.3$ of guilt, a
# judge who wants a correct verdict and convicts when indifferent. Let the
# noise take two values with probabilities $3/7$ and $4/7$, so that the
# prosecutor can pool all guilty cells with the innocent cell of mass
# $0.7 \cdot 3/7 = 0.3$ and reach the posterior $1/2$ exactly. Both attorneys
# may choose any of the $15$ partitions of the $4$ cells. The prosecutor's
# payoff is the probability of conviction; the defence's is minus that.
#
# The menus and the utilities: rows are the judge's actions (acquit,
# convict), columns the states (innocent, guilty).

# %%
partitions = all_partitions(4)
noise = [3 / 7, 4 / 7]
JUDGE = np.array([[1.0, 0.0], [0.0, 1.0]])
PROSECUTOR = np.array([[0.0, 0.0], [1.0, 1.0]])

# %% [markdown]
# Alone, the prosecutor picks the outcome she likes best; `outcome_values`
# gives each Sender's (and here the judge's) payoff at every outcome.

# %%
alone = InformationEnvironment(prior_court, [partitions], noise=noise).analyse()
alone_values = outcome_values(alone, JUDGE, [PROSECUTOR, JUDGE])
best_alone = int(np.argmax(alone_values[:, 0]))
conviction, judge = alone_values[best_alone]
print(f"conviction probability {conviction:.4f}, judge's utility {judge:.4f}")

# %% [markdown]
# With a defence attorney whose payoff is minus the prosecutor's, we
# enumerate the equilibria:

# %%
court = InformationEnvironment(prior_court, [partitions] * 2, noise=noise).analyse()
court_values = outcome_values(court, JUDGE, [PROSECUTOR, -PROSECUTOR, JUDGE])
court_eq = equilibrium_outcomes(court, court_values[:, :2])
n_eq_profiles = len(pure_equilibria(court, court_values[:, :2]))
n_profiles = np.prod(court.environment.menu_sizes)
print(f"{court.n_outcomes} feasible outcomes, {n_profiles} profiles")
print(f"{n_eq_profiles} equilibrium profiles, all with the same "
      f"{'outcome' if len(court_eq) == 1 else 'outcomes'}:")
for k in court_eq:
    tau = court.outcomes[k]
    print("  " + ", ".join(f"P(guilty) = {p:.3f} with probability {w:.3f}"
                           for w, p in zip(tau.weights, tau.posteriors[:, 1])))

# %% tags=["remove-input"]
checks.close(
    "lone prosecutor: conviction probability 0.6 (as in chapter 1)",
    alone_values[best_alone, 0],
    0.6,
    method="enumeration vs chapter 1's LP value 0.6",
)
checks.close(
    "lone prosecutor: judge's expected utility 0.7",
    alone_values[best_alone, 1],
    0.7,
    method="enumeration vs hand value 0.7",
)
checks.true(
    "prosecutor vs defence: a unique equilibrium outcome",
    len(court_eq) == 1,
    value=len(court_eq),
    method="all 15 × 15 profiles enumerated",
)
checks.true(
    "prosecutor vs defence: that outcome is full revelation (posteriors 0 and 1)",
    np.isin(np.round(court.outcomes[court_eq[0]].posteriors, 9), [0.0, 1.0]).all(),
    method="posteriors of that outcome vs 0 and 1",
)
checks.close(
    "prosecutor vs defence: conviction probability 0.3",
    court_values[court_eq[0], 0],
    0.3,
    method="by hand: full revelation convicts w.p. 0.3",
)
checks.close(
    "prosecutor vs defence: judge's expected utility 1",
    court_values[court_eq[0], 2],
    1.0,
    method="by hand: full revelation, always correct",
)

# %% tags=["hide-input", "remove-output"]
fig, ax = plt.subplots(figsize=(6.0, 3.2))
labels = [
    "probability of conviction",
    "judge's expected utility\n(probability of a correct verdict)",
]
lone = [alone_values[best_alone, 0], alone_values[best_alone, 1]]
comp = [court_values[court_eq[0], 0], court_values[court_eq[0], 2]]
y = np.arange(2)
ax.barh(
    y + 0.2,
    lone,
    height=0.38,
    color="0.75",
    edgecolor="black",
    hatch="//",
    label="prosecutor alone",
)
ax.barh(
    y - 0.2,
    comp,
    height=0.38,
    color="0.25",
    edgecolor="black",
    label="prosecutor vs defence",
)
for yy, a, b in zip(y, lone, comp):
    ax.text(a + 0.01, yy + 0.2, f"{a:.2f}", va="center", fontsize=9)
    ax.text(b + 0.01, yy - 0.2, f"{b:.2f}", va="center", fontsize=9)
ax.set_yticks(y, labels)
ax.set_xlim(0, 1.15)
ax.set_xlabel("probability")
ax.legend(loc="lower right")
ax.grid(axis="y", visible=False)
save_figure(fig, "prosecutor-vs-defence")
plt.show()

# %% [markdown]
# ```{figure} /figures/prosecutor-vs-defence.png
# :name: fig-prosecutor-defence
# :alt: Bar chart: conviction probability and judge's utility with one Sender and with two competing Senders.
#
# Competition in the courtroom. Alone, the prosecutor convicts with probability
# 0.6 and leaves the judge no better off than without evidence (0.7 correct
# verdicts). Against a defence attorney, the only equilibrium outcome is full
# revelation: conviction exactly when guilty (0.3) and a correct verdict
# always.
# ```
#
# Why full revelation? At any outcome with a posterior strictly between 0 and
# 1, one attorney gains by revealing the state: the prosecutor where the judge
# acquits (some of those defendants are guilty), the defence where she
# convicts (some are innocent). Since each attorney can reveal everything on
# her own, no such outcome survives. Enumeration confirms it over all
# $15 \times 15$ profiles.
#
# ## When can competition not reduce information? (the essay's Theorem 2)
#
# {cite:t}`gentzkow2017competition` identify a condition on the information
# environment (the sets of signals available to the Senders) that is
# *necessary and sufficient for equilibrium outcomes to be no less
# informative than the collusive outcome, regardless of preferences*:
# Blackwell-connectedness. The paper compares the *set* of equilibrium
# outcomes with the collusive outcome; the essay's Theorem 2 reads "no less
# informative" pointwise: for all preferences, no collusive outcome is strictly more
# informative than an equilibrium outcome. Read that way the "if" half is
# false when Senders are indifferent: with constant payoffs every outcome is
# collusive and every profile is an equilibrium, so full revelation (collusive)
# is strictly more informative than no information (an equilibrium), in any
# environment where both are feasible, connected or not. We compute that
# instance below. What the argument proves, for *all* preferences, is the
# statement with the indifference made explicit:
#
# ```{prf:theorem} Gentzkow–Kamenica; essay Theorem 2, pointwise
# :label: thm-gk-connected
#
# Let every Sender's set of signals hold the uninformative signal. The
# following are equivalent: (a) for all Sender preferences, whenever a
# collusive outcome $\tau_c$ is strictly more informative than an equilibrium
# outcome $\tau$, every Sender is indifferent between $\tau_c$ and $\tau$;
# (b) the environment is Blackwell-connected. In particular, in a
# Blackwell-connected environment, if no Sender is indifferent between two
# strictly comparable outcomes, no collusive outcome is strictly more
# informative than an equilibrium outcome.
#
# Source: {cite:t}`gentzkow2017competition`.
# ```
#
# ```{prf:proof}
# (b) ⇒ (a). Let $\tau = \mathrm{Bel}(\pi^*)$ be an equilibrium outcome and
# $\tau_c \succ \tau$ collusive. Since $\tau \succeq \mathrm{Bel}(\pi^*_{-i})$,
# connectedness lets every Sender $i$ reach $\tau_c$ alone, so equilibrium
# gives $v_i(\tau) \ge v_i(\tau_c)$ for all $i$. Summing, $\sum_i v_i(\tau) \ge
# \sum_i v_i(\tau_c)$, which is the maximum since $\tau_c$ is collusive; so
# every inequality is an equality: $v_i(\tau) = v_i(\tau_c)$ for all $i$.
# (a) ⇒ (b). If Sender $i$ cannot reach a feasible $\tau \succeq
# \mathrm{Bel}(\pi_{-i})$ (strictly, since she can reach
# $\mathrm{Bel}(\pi_{-i})$ itself by staying silent), let $i$ value $\tau$ alone
# (payoff 1, else 0) and everyone else be indifferent: $\tau$ is the unique
# collusive outcome, while $i$ staying silent against $\pi_{-i}$ is an
# equilibrium with the strictly less informative outcome
# $\mathrm{Bel}(\pi_{-i})$, between which and $\tau$ Sender $i$ is not
# indifferent.
# ```
#
# First the tie instance: two Senders, each may choose any partition of three
# equally likely states (a Blackwell-connected environment, checked below),
# and both are indifferent between all outcomes.

# %%
ties = InformationEnvironment(np.full(3, 1 / 3), [all_partitions(3)] * 2).analyse()
V_const = np.ones((ties.n_outcomes, 2))
eq_const = equilibrium_outcomes(ties, V_const)
coll_const = collusive_outcomes(ties, V_const)
full_rev = ties.profile_outcome[-1, -1]  # both reveal (the finest partition is last)
no_info = ties.profile_outcome[0, 0]  # both silent
print(f"{len(coll_const)} collusive and {len(eq_const)} equilibrium outcomes")
print(f"full revelation is outcome {full_rev}, no information outcome {no_info}")

# %% tags=["remove-input"]
# Partitions of the states alone: the Blackwell order of their outcomes is the
# refinement order (posteriors of different cells have disjoint supports), so
# a Sender free to choose any partition reaches every finer outcome herself.
def cells(analysis, k):
    """The partition behind outcome k: the supports of its posteriors."""
    return [frozenset(np.flatnonzero(p > 1e-12)) for p in analysis.outcomes[k].posteriors]


def finer(a, b):
    return all(any(c <= d for d in b) for c in a)


def order_is_refinement(analysis):
    n = analysis.n_outcomes
    return all(analysis.dominates[a, b] == finer(cells(analysis, a), cells(analysis, b))
               for a in range(n) for b in range(n))


checks.true(
    "the tie instance's environment is Blackwell-connected",
    blackwell_connected(ties).connected and order_is_refinement(ties),
    method="order = refinement, by hand; then the argument",
)
checks.true(
    "constant payoffs: full revelation is collusive, no information is an equilibrium outcome",
    full_rev in coll_const and no_info in eq_const,
    value=f"{len(coll_const)} collusive, {len(eq_const)} equilibrium outcomes",
    method="enumeration vs hand: constant payoffs tie",
)
checks.true(
    "constant payoffs: full revelation posteriors are 0/1, no information's is the prior",
    np.isin(np.round(ties.outcomes[full_rev].posteriors, 9), [0.0, 1.0]).all()
    and np.allclose(ties.outcomes[no_info].posteriors, 1 / 3),
    method="outcome posteriors vs 0/1 and the prior",
)
checks.true(
    "constant payoffs: a collusive outcome strictly more informative than an equilibrium (pointwise reading fails)",
    ties.strictly_more_informative(full_rev, no_info),
    method="spread LP vs hand: full ≻ none",
)

# %% [markdown]
# The court above is *not* Blackwell-connected, although every attorney may
# choose any partition: the noise has only two values.

# %%
court_conn = blackwell_connected(court)
i, others, target = court_conn.witness
base = court.others_outcome[i][others]
groups = {}
for w, c in enumerate(partitions[others[0]], start=1):
    groups.setdefault(c, []).append(str(w))
split = " and ".join("{" + ", ".join(g) + "}" for g in groups.values())
print(f"sender {i + 1} cannot reach the target outcome when the other splits")
print(f"the (state, noise) cells into {split}")
for label, k in [("what the other reveals:", base), ("target:", target)]:
    tau = court.outcomes[k]
    pairs = zip(tau.weights, tau.posteriors[:, 1])
    law = ", ".join(f"P(guilty) = {p:.4f} w.p. {w:.4f}" for w, p in pairs)
    print(f"{label:24s}{law}")

# %% tags=["remove-input"]
# A second route, in exact fractions and without the analysis' tables: the law
# of the judge's posterior of guilt for every pair of partitions, and the convex
# order of two laws on [0, 1] by their call functions E[(p - t)+].
from fractions import Fraction

# cell w * len(noise) + k: state w (innocent, guilty) with noise draw k, as the environment orders them
CELL_MASS = [Fraction(p).limit_denominator(100) * Fraction(q).limit_denominator(100)
             for p in prior_court for q in noise]


def law_of_guilt(*profile):
    """{posterior of guilt: probability} when the judge sees every partition's cell."""
    law = {}
    for signal in {tuple(part[c] for part in profile) for c in range(4)}:
        members = [c for c in range(4) if tuple(part[c] for part in profile) == signal]
        mass = sum(CELL_MASS[c] for c in members)
        guilt = sum(CELL_MASS[c] for c in members if c >= 2) / mass
        law[guilt] = law.get(guilt, 0) + mass
    return law


def law_of_outcome(k):
    tau = court.outcomes[k]
    return {Fraction(p).limit_denominator(1000): Fraction(w).limit_denominator(1000)
            for w, p in zip(tau.weights, tau.posteriors[:, 1])}


def convex_dominates(f, g):
    call = lambda law, t: sum(m * max(p - t, 0) for p, m in law.items())  # noqa: E731
    return all(call(f, t) >= call(g, t) for t in set(f) | set(g) | {0})


target_law, base_law, other = law_of_outcome(target), law_of_outcome(base), partitions[others[0]]
checks.true(
    "court with two noise values is not Blackwell-connected: the witness holds",
    not court_conn.connected
    and base_law == law_of_guilt(other)
    and any(law_of_guilt(a, b) == target_law for a in partitions for b in partitions)
    and convex_dominates(target_law, base_law)
    and all(law_of_guilt(own, other) != target_law for own in partitions),
    method="brute force over 15 x 15 partition pairs, in fractions",
)

# %% [markdown]
# The defence reveals guilt on the small noise cell (mass $0.3 \cdot 3/7$);
# the target reveals guilt on the large one instead. Every refinement of the
# defence's partition still separates the small cell, so the prosecutor cannot
# produce the target. With a continuum of noise, as in
# {cite:t}`gentzkow2017bayesian`, she could carve out any amount of guilt she
# likes: richness of the signal space is what connectedness asks for. Partitions
# of the *states alone* (no noise) are connected: the posteriors of two cells
# have disjoint supports, so one partition's outcome is Blackwell more
# informative than another's exactly when the partition is finer, and a Sender
# who may choose any partition can choose the finer one herself.

# %%
connected_envs = {
    n: InformationEnvironment(np.full(n, 1 / n), [all_partitions(n)] * 2).analyse()
    for n in range(2, max_states)
}
connected = {n: blackwell_connected(ana).connected for n, ana in connected_envs.items()}
for n, yes in connected.items():
    print(f"all partitions, {n} states: Blackwell-connected {'yes' if yes else 'no'}")

# %% tags=["remove-input"]
for n, ana in connected_envs.items():
    checks.true(
        f"all partitions of {n} states, two senders: Blackwell-connected",
        connected[n] and order_is_refinement(ana),
        method="order = refinement, by hand; then the argument above",
    )

# %% [markdown]
# ### (b) ⇒ (a) on random preferences
#
# On each connected environment we draw two kinds of preferences: Gaussian
# payoffs per outcome (no ties, so the pointwise statement applies) and
# payoffs drawn from $\{0, 1\}$ (many ties). For every collusive outcome
# strictly more informative than an equilibrium outcome, every Sender must
# be indifferent between the two; with Gaussian payoffs there must be no
# such pair at all. (The loop is behind the toggle; it prints its counts.)

# %% tags=["hide-input"]
violations, n_pairs_checked, tie_pairs, tie_not_indifferent = 0, 0, 0, 0
for ana in [*connected_envs.values(), ties]:
    for _ in range(n_prefs):
        V = rng.normal(size=(ana.n_outcomes, 2))
        eq = equilibrium_outcomes(ana, V)
        for c in collusive_outcomes(ana, V):
            for e in eq:
                n_pairs_checked += 1
                violations += ana.strictly_more_informative(c, e)
        V = rng.integers(0, 2, size=(ana.n_outcomes, 2)).astype(float)
        eq = equilibrium_outcomes(ana, V)
        for c in collusive_outcomes(ana, V):
            for e in eq:
                if ana.strictly_more_informative(c, e):
                    tie_pairs += 1
                    tie_not_indifferent += not np.array_equal(V[c], V[e])
print(f"Gaussian payoffs: {violations} violations in {n_pairs_checked} pairs")
print(f"0/1 payoffs: {tie_pairs} pairs collusive > equilibrium, "
      f"{tie_not_indifferent} with a Sender not indifferent")

# %% tags=["remove-input"]
checks.true(
    "essay Theorem 2 (b => a), Gaussian payoffs: no collusive outcome > an equilibrium",
    violations == 0 and n_pairs_checked > 0,
    value=f"{violations} violations in {n_pairs_checked} pairs",
    method="essay Theorem 2 vs enumeration, Gaussian payoffs",
)
checks.true(
    "essay Theorem 2 (b => a), tied payoffs: collusive > equilibrium happens, and only between outcomes all Senders tie",
    tie_pairs > 0 and tie_not_indifferent == 0,
    value=f"{tie_pairs} such pairs, {tie_not_indifferent} with a Sender not indifferent",
    method="essay Theorem 2 vs enumeration, 0/1 payoffs",
)

# %% [markdown]
# ### (a) ⇒ (b): every failure of connectedness has its counterexample
#
# We generate random environments with noise and random menus (each holds the
# silent signal), find those that are not connected, build the preferences of
# the proof with `counterexample_payoffs`, and check by enumeration that
# collusion is then strictly more informative than some equilibrium. (The
# loop is behind the toggle.)

# %% tags=["hide-input"]
n_connected = n_not = n_counter = 0
for _ in range(n_envs):
    env = random_environment(
        int(rng.integers(2, 4)),
        int(rng.integers(1, 3)),
        2,
        int(rng.integers(2, 6)),
        rng,
    )
    ana = env.analyse()
    result = blackwell_connected(ana)
    if result.connected:
        n_connected += 1
        continue
    n_not += 1
    V = counterexample_payoffs(ana, result)
    eq = equilibrium_outcomes(ana, V)
    n_counter += any(
        ana.strictly_more_informative(c, e) and not np.array_equal(V[c], V[e])
        for c in collusive_outcomes(ana, V)
        for e in eq
    )
print(f"{n_envs} random environments: {n_connected} connected, {n_not} not; "
      f"{n_counter} counterexamples found")

# %% tags=["remove-input"]
checks.true(
    "essay Theorem 2 (a => b): each non-connected environment has preferences with collusion > equilibrium, not tied",
    n_counter == n_not and n_not > 0,
    value=f"{n_counter} of {n_not}",
    method="proof's payoffs, checked by enumeration",
)

# %% [markdown]
# Those preferences are artificial (one Sender cares about one outcome). Here
# is a natural failure. Two analysts each hold one of two independent binary
# facts and can either publish theirs or stay silent; neither can touch the
# other's fact, so the environment is not connected. Each analyst gains when
# only the *other* publishes, loses when only she does, and both prefer full
# publication to silence: an information prisoner's dilemma.

# %%
facts = np.array([[0, 0, 1, 1], [0, 1, 0, 1]])  # states (f1, f2) = 00, 01, 10, 11
silent = np.zeros(4, dtype=int)
menus = [[silent, facts[0]], [silent, facts[1]]]
analysts = InformationEnvironment(np.full(4, 0.25), menus).analyse()

# %% [markdown]
# The payoffs of the four profiles, written on the outcomes they produce:

# %%
table = {  # (analyst 1 publishes, analyst 2 publishes) -> payoffs
    (0, 0): (1.0, 1.0),
    (1, 0): (0.0, 2.0),
    (0, 1): (2.0, 0.0),
    (1, 1): (1.5, 1.5),
}
V_analysts = np.zeros((analysts.n_outcomes, 2))
for prof, pay in table.items():
    V_analysts[analysts.profile_outcome[prof]] = pay

# %%
eq = equilibrium_outcomes(analysts, V_analysts)
(coll,) = collusive_outcomes(analysts, V_analysts)
silence, both = analysts.profile_outcome[0, 0], analysts.profile_outcome[1, 1]
names = {silence: "both silent", both: "both publish"}
print("equilibrium outcome(s):", ", ".join(names.get(k, f"outcome {k}") for k in eq))
print("collusive outcome:", names.get(coll, f"outcome {coll}"))

# %% tags=["remove-input"]
checks.true(
    "analysts: not Blackwell-connected",
    not blackwell_connected(analysts).connected,
    method="enumeration; by hand each fact is private",
)
checks.true(
    "analysts: the unique equilibrium is silence",
    list(eq) == [silence],
    method="2 × 2 enumeration vs hand prisoner's dilemma",
)
checks.true(
    "analysts: collusion publishes both facts, strictly more informative than the equilibrium",
    coll == both and analysts.strictly_more_informative(coll, silence),
    method="enumeration vs hand: (1, 1) has top total 3",
)

# %% [markdown]
# ## The equilibrium characterisation, and why it needs two Senders
#
# ```{prf:theorem} Equilibrium outcomes (Gentzkow–Kamenica; essay §2.2)
# :label: thm-gk-characterisation
#
# Let $n \ge 2$ Senders share the same menu and let the environment be
# Blackwell-connected. A feasible $\tau$ is an equilibrium outcome iff no
# Sender strictly prefers any feasible $\tau' \succeq \tau$.
#
# Source: {cite:t}`gentzkow2017competition`.
# ```
#
# The essay states this without "$n \ge 2$". The condition matters: with two
# Senders, "everyone plays a signal that yields $\tau$" is an equilibrium
# because any deviation can only *add* information to what the other already
# reveals. A single Sender faces no such floor, so she can move to a
# less informative or incomparable outcome.
#
# With two Senders, on the connected environments and random preferences, the
# equilibrium outcomes are compared with the outcomes that have no profitable
# refinement (`no_profitable_refinement`):

# %%
char_holds = []
for ana in connected_envs.values():
    for _ in range(n_prefs):
        V = rng.normal(size=(ana.n_outcomes, 2))
        eq2 = set(equilibrium_outcomes(ana, V))
        char_holds.append(eq2 == set(no_profitable_refinement(ana, V)))
print(f"the two sets agree for {sum(char_holds)} of {len(char_holds)} preferences")

# %% tags=["remove-input"]
checks.all_of(
    "characterisation: equilibrium outcomes = no profitable refinement (two senders)",
    char_holds,
    method="enumerated equilibria vs refinement test",
)

# %% [markdown]
# With one Sender and all partitions of three states, we search random
# preferences for one where the two sets differ (the search is behind the
# toggle):

# %% tags=["hide-input"]
single = InformationEnvironment(np.full(3, 1 / 3), [all_partitions(3)]).analyse()
first_failure = None
for trial in range(200):
    V1 = rng.normal(size=(single.n_outcomes, 1))
    eq1, c1 = (
        set(equilibrium_outcomes(single, V1)),
        set(no_profitable_refinement(single, V1)),
    )
    if eq1 != c1:
        first_failure = (trial, V1[:, 0], eq1, c1)
        break

# %% tags=["remove-input"]
checks.true(
    "characterisation fails with one sender (counterexample found)",
    first_failure is not None,
    method="search over 200 random payoff draws",
)

# %%
trial, V1, eq1, c1 = first_failure
def shown(partition):  # states numbered from 1, each cell in order
    return " ".join("{" + ",".join(str(w + 1) for w in sorted(c)) + "}"
                    for c in sorted(partition, key=min))


print(f"one sender, states 1, 2, 3, random preferences #{trial}:")
print(f"  {'partition revealed':20} {'payoff':>7}  optimal  no profitable refinement")
for k in range(single.n_outcomes):
    optimal, unrefined = ("yes" if k in s else "no" for s in (eq1, c1))
    print(f"  {shown(cells(single, k)):20} {V1[k]:7.2f}  {optimal:7}  {unrefined}")

# %% [markdown]
# An outcome with no profitable refinement that is not optimal has no more
# informative outcome that the Sender prefers, yet she prefers another outcome
# that is *not* more informative, and nobody stops her from choosing it.
#
# ## What enumeration costs
#
# Everything above is exact because it enumerates. With menus of all
# partitions of $|\Omega|$ states, each Sender has Bell$(|\Omega|)$ signals
# (2, 5, 15, 52, 203 for $|\Omega| = 2, \ldots, 6$), there are
# Bell$(|\Omega|)^n$ profiles, and the Blackwell order needs up to
# (outcomes)$^2$ small LPs. We time `analyse()` for two and three Senders
# (the timing loop is behind the toggle).

# %% tags=["hide-input"]
timings = []
for n_senders in (2, 3):
    for n in range(2, max_states + (n_senders == 2)):
        env = InformationEnvironment(np.full(n, 1 / n), [all_partitions(n)] * n_senders)
        start = time.perf_counter()
        ana = env.analyse()
        V = rng.normal(size=(ana.n_outcomes, n_senders))
        equilibrium_outcomes(ana, V)
        seconds = time.perf_counter() - start
        timings.append(
            (n_senders, n, int(ana.profile_outcome.size), ana.n_outcomes, seconds)
        )
for row in timings:
    print(
        "{} senders, |Ω| = {}: {:>7} profiles, {:>3} outcomes, {:.3f} s".format(*row)
    )


# %% tags=["remove-input"]
def bell(n):
    """Bell numbers by the Bell triangle (Aitken's array), independent of all_partitions."""
    row = [1]
    for _ in range(n - 1):
        nxt = [row[-1]]
        for x in row:
            nxt.append(nxt[-1] + x)
        row = nxt
    return row[-1]


checks.true(
    "Bell triangle: 1, 2, 5, 15, 52, 203 for |Omega| = 1..6",
    [bell(n) for n in range(1, 7)] == [1, 2, 5, 15, 52, 203],
    method="Bell triangle vs the known Bell numbers",
)
checks.true(
    "cost: profiles enumerated = Bell(|Omega|)^senders (Bell triangle)",
    all(p == bell(n) ** s for s, n, p, _, _ in timings),
    method="Bell triangle vs size of the profile table",
)

# %% tags=["hide-input", "remove-output"]
fig, ax = plt.subplots(figsize=(6.4, 3.6))
plot_scaling(
    ax,
    {
        f"{s} senders": (
            [r[2] for r in timings if r[0] == s],
            [r[4] for r in timings if r[0] == s],
            [f"|Ω|={r[1]}" for r in timings if r[0] == s],
        )
        for s in (2, 3)
    },
    xlabel="number of signal profiles (log scale)",
    ylabel="time to analyse and solve (seconds, log scale)",
)
save_figure(fig, "multisender-cost")
plt.show()

# %% [markdown]
# ```{figure} /figures/multisender-cost.png
# :name: fig-multisender-cost
# :alt: Log-log plot of analysis time against the number of signal profiles for two and three senders.
#
# Cost of exact analysis on this machine, menus of all partitions of the
# states. Time grows with the number of profiles (enumeration) and with the
# square of the number of outcomes (one small LP per pair for the Blackwell
# order, most skipped by a free necessary condition).
# ```
#
# ## What we have seen
#
# - "More informative" has three equivalent tests (garbling, mean-preserving
#   spread, convex order for two states); the package computes each on its own
#   and they agreed on every random pair.
# - Against a defence attorney the prosecutor's advantage disappears: the only
#   equilibrium reveals the state, conviction falls from 0.6 to 0.3 and the
#   judge always decides correctly.
# - The essay's Theorem 2 ({prf:ref}`thm-gk-connected`) holds in both directions on generated environments once
#   indifference is accounted for (with constant payoffs a collusive outcome
#   is strictly more informative than an equilibrium one), and a
#   finite noise space is enough to break Blackwell-connectedness.
# - The equilibrium characterisation needs at least two Senders; with one it
#   fails on random preferences.
#
# ## Exercises
#
# ```{exercise} A third attorney
# :label: ex-third-attorney
#
# Add a second prosecutor to the courtroom (three Senders, all with the 15
# partitions). What are the equilibrium outcomes now? Explain the answer
# without computing, then check it.
# ```
#
# ```{solution-start} ex-third-attorney
# :class: dropdown
# ```
#
# The defence alone can still reveal the state, and the argument above did not
# depend on how many prosecutors there are: any posterior strictly between 0
# and 1 gives someone a profitable revelation. Full revelation stays the unique
# equilibrium outcome.

# %%
three = InformationEnvironment(prior_court, [partitions] * 3, noise=noise).analyse()
three_values = outcome_values(three, JUDGE, [PROSECUTOR, PROSECUTOR, -PROSECUTOR])
three_eq = equilibrium_outcomes(three, three_values)
for k in three_eq:
    outcome = three.outcomes[k]
    laws = ", ".join(f"P(guilty) = {mu[1]:.3f} w.p. {w:.3f}"
                     for w, mu in zip(outcome.weights, outcome.posteriors))
    print(f"equilibrium outcome: {laws}")

# %% tags=["remove-input"]
checks.true(
    "exercise: with two prosecutors and a defence the unique equilibrium outcome is full revelation",
    len(three_eq) == 1
    and np.isin(np.round(three.outcomes[three_eq[0]].posteriors, 9), [0, 1]).all(),
    method="15³ profiles enumerated vs hand argument",
)

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Aligned senders
# :label: ex-aligned-senders
#
# Suppose both attorneys are prosecutors (same payoff). Is full revelation
# still an equilibrium? Is it the only one? What does this say about
# "competition" between AI systems trained on the same objective?
# ```
#
# ```{solution-start} ex-aligned-senders
# :class: dropdown
# ```
#
# Full revelation is an equilibrium whenever both can reveal the state: no
# deviation can remove information the other reveals. But it is not the only
# one: both playing the lone prosecutor's optimal signal is also an
# equilibrium (neither can do better than the single-Sender optimum), and it
# convicts with probability 0.6. Senders with the same objective are not
# competitors; the disciplining force needs conflicting interests.

# %%
twins = outcome_values(court, JUDGE, [PROSECUTOR, PROSECUTOR])
twin_eq = equilibrium_outcomes(court, twins)
print("conviction probability at each equilibrium outcome:",
      ", ".join(f"{v:.4f}" for v in twins[twin_eq, 0]))

# %% tags=["remove-input"]
full_id = court_eq[0]
checks.true(
    "exercise: twin prosecutors, full revelation is an equilibrium",
    full_id in twin_eq,
    method="15 × 15 profiles enumerated",
)
checks.close(
    "exercise: twin prosecutors, best equilibrium convicts with probability 0.6",
    twins[twin_eq, 0].max(),
    0.6,
    method="enumeration vs chapter 1's optimum 0.6",
)

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Garbling by hand
# :label: ex-garbling-hand
#
# A test is correct with probability 0.9 in either state. A second test is its
# report passed through a noisy channel that flips it with probability 0.2.
# Write the garbling $G$ and the second test's accuracy, and check with
# `garbling`. Is the first test a garbling of the second?
# ```
#
# ```{solution-start} ex-garbling-hand
# :class: dropdown
# ```
#
# $G = \begin{pmatrix} 0.8 & 0.2 \\ 0.2 & 0.8 \end{pmatrix}$ and the accuracy is
# $0.9 \cdot 0.8 + 0.1 \cdot 0.2 = 0.74$. The converse fails: a garbling cannot
# raise accuracy above 0.74 for both states at once.

# %%
P_test = np.array([[0.9, 0.1], [0.1, 0.9]])
Q_test = np.array([[0.74, 0.26], [0.26, 0.74]])
G = garbling(P_test, Q_test)
print("G, the garbling that turns the 0.9 test into the 0.74 test:")
print("\n".join("  " + "  ".join(f"{g:.2f}" for g in row) for row in G))
converse = garbling(Q_test, P_test)
print("the 0.9 test from the 0.74 test:",
      "no garbling exists" if converse is None else converse)

# %% tags=["remove-input"]
checks.close(
    "exercise: the garbling is the 0.8/0.2 channel",
    garbling(P_test, Q_test),
    [[0.8, 0.2], [0.2, 0.8]],
    atol=1e-6,
    method="hand-solved G (unique: P invertible)",
)
checks.true(
    "exercise: the 0.9 test is not a garbling of the 0.74 test",
    garbling(Q_test, P_test) is None,
    method="garbling LP infeasible; hand argument",
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
