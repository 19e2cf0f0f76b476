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
# (ch-online-regret)=
# # Learning to persuade online: the regret of Algorithm 1
#
# {ref}`ch-advisor-receiver` trained the Advisor knowing exactly how the
# Receiver responds. {cite:t}`bai2024efficient` (§3.4) also ask whether an
# Advisor that only *interacts* with the Receiver learns the best signaling
# strategy over time, and answer with a theoretical algorithm (their
# Algorithm 1) and a regret bound (their Theorem 1), borrowing from online
# Bayesian persuasion {cite:p}`castiglioni2020online`. This chapter
# implements the algorithm on small instances, computes the regret exactly,
# and measures how it grows.

# %% tags=["parameters"]
scale = "book"  # "smoke" (seconds, for tests), "book" (default) or "full"

# %%
import matplotlib.pyplot as plt
import numpy as np

from persuasion.book import chapter
from persuasion.book.plotting import PALETTE, save_figure
from persuasion.online import (
    OnlinePersuasion,
    adversarial_types,
    caratheodory,
    run_algorithm1,
    stochastic_types,
)

SIZES = {  # horizons, seeds per horizon, horizon of the m sweep
    "smoke": dict(horizons=[1000, 3000, 10000], n_seeds=2, T_m=2000),
    "book": dict(horizons=[1000, 3000, 10000, 30000], n_seeds=4, T_m=10000),
    "full": dict(horizons=[1000, 3000, 10000, 30000, 100000], n_seeds=8, T_m=30000),
}
size, rng, checks = chapter(scale, SIZES, seed=6)
horizons, n_seeds, T_m = size.horizons, size.n_seeds, size.T_m


def instance(m, n_types=2, n_items=3, seed=1):
    """Random prior over items, Advisor utility v[y, c] and Receiver types u[k, y, c]."""
    r = np.random.default_rng(seed)
    return OnlinePersuasion(
        r.dirichlet(np.ones(n_items)),
        r.normal(size=(m, n_items)),
        r.normal(size=(n_types, m, n_items)),
    )


# %% [markdown]
# ## The setting
#
# Each round an adversary picks the Receiver's **type** $k_t$ (its utility
# $u_k$) from a finite set, unknown to the Advisor. By the revelation
# principle the Advisor can use **direct** schemes: for each item $c$, a
# distribution $\phi(\cdot \mid c)$ over *recommendation profiles*
# $r \in \mathcal Y^K$ (one response per type), **persuasive** for every
# type: a type-$k$ Receiver told $r_k$ prefers to follow it. These schemes
# form a polytope $\mathcal P$.
#
# ```{prf:definition} Regret (Bai et al. Eq. 6)
# :label: def-regret
#
# With $v(\phi, k) = \sum_c \mu(c) \sum_r \phi(r \mid c)\, v(c, r_k)$ the
# Advisor's expected utility against type $k$,
# $R_T = \max_{\phi \in \mathcal P} \sum_{t=1}^T v(\phi, k_t) - \sum_{t=1}^T v(\phi_t, k_t)$.
# ```
#
# The map $f(\phi) = [-v(\phi, k)]_k$ sends $\mathcal P$ to a polytope
# $f(\mathcal P) \subset \mathbb R^K$ and makes each round's loss linear:
# $-v(\phi_t, k_t)$ is coordinate $k_t$ of $f(\phi_t)$. Bai et al. write the
# coordinates of $f$ as indexed by *responses* ($m = |\mathcal Y|$); the
# coordinate that makes the loss linear is the Receiver's *type*, as in
# {cite:t}`castiglioni2020online`. We follow the latter and report results
# against both the number of types $K$ (the dimension of $f$) and $m$.
#
# ```text
# Algorithm 1 (Bai et al.)
# for t = 1..T:
#     z_t  <- R.RECOMMEND()                       a point of co f(P)
#     {(phi_i, lambda_i)} <- DECOMPOSE(z_t)        Caratheodory: <= K+1 vertices
#     phi_t <- phi_i with probability lambda_i
#     observe item c_t ~ mu; play y_t ~ phi_t(. | c_t)
#     R.OBSERVE(v(c_t, y_t))                       bandit feedback
# ```
#
# ```{prf:theorem} Bai et al. Theorem 1
# :label: thm-bai-regret
#
# Algorithm 1 guarantees $R_T = O(m^{3/2}\sqrt{T \log T})$.
# ```
#
# Our regret minimiser $\mathcal R$ is EXP2 with uniform exploration over the
# vertices of $f(\mathcal P)$, with the unbiased loss estimate
# $\hat\ell_t = \Sigma_t^{-1} z_{i_t}\,(-v(c_t, y_t))$; for linear bandits of
# dimension $d$ over $N$ points it has regret $O(d^{3/2}\sqrt{T \log N})$
# {cite:p}`dani2008price`,
# the shape of Theorem 1 with $d = K$.
#
# ## The polytope and the decomposition
#
# `OnlinePersuasion.vertices()` finds the vertices of $f(\mathcal P)$
# exactly (LP in the outward normal of every facet until none moves), each
# with a persuasive scheme attaining it. We check it against the LP over all
# of $\mathcal P$ in random directions, and decompose points of
# $f(\mathcal P)$ with at most $K + 1$ vertices.

# %%
game = instance(4)
Z, schemes = game.vertices()
print(f"{game}: {game.n_variables} scheme variables, f(P) has {len(Z)} vertices")
lp_vs_vertices = []
for _ in range(50):
    counts = rng.integers(0, 20, size=game.K).astype(float) + 1
    value, _ = game.best_in_hindsight(counts)
    lp_vs_vertices.append(value - (-Z @ counts).max())
checks.close(
    "vertices of f(P) attain the LP optimum in 50 random directions",
    lp_vs_vertices,
    0.0,
    atol=1e-6,
)

sizes, exact = [], []
for _ in range(50):
    z = rng.dirichlet(np.ones(len(Z))) @ Z
    idx, w = caratheodory(z, Z)
    sizes.append(len(idx))
    exact.append(np.abs(w @ Z[idx] - z).max())
checks.at_most("Caratheodory: at most K + 1 vertices", np.array(sizes), game.K + 1)
checks.at_most(
    "Caratheodory: the decomposition reproduces the point", np.array(exact), 1e-8
)

# %% tags=["remove-output"]
fig, ax = plt.subplots(figsize=(5.0, 4.2))
order = np.argsort(np.arctan2(*(Z - Z.mean(axis=0)).T[::-1]))
poly = Z[order]
ax.fill(
    -poly[:, 0],
    -poly[:, 1],
    color="0.85",
    edgecolor="black",
    lw=1.5,
    label=r"$-f(\mathcal{P})$: achievable $(v(\phi,1), v(\phi,2))$",
)
ax.plot(
    -Z[:, 0], -Z[:, 1], ls="none", marker="o", ms=7, color="black", label="vertices"
)
z = np.full(len(Z), 1 / len(Z)) @ Z
idx, w = caratheodory(z, Z)
ax.plot(
    -z[0],
    -z[1],
    ls="none",
    marker="x",
    ms=10,
    mew=2,
    color=PALETTE[2],
    label="a point $z_t$ and its decomposition",
)
for j in idx:
    ax.plot(
        [-z[0], -Z[j, 0]], [-z[1], -Z[j, 1]], color=PALETTE[2], ls="--", marker="", lw=1
    )
ax.set_xlabel("Advisor's expected utility against type 1")
ax.set_ylabel("Advisor's expected utility\nagainst type 2")
ax.legend(fontsize=7.5, loc="best")
save_figure(fig, "online-polytope")
plt.show()

# %% [markdown]
# ```{figure} /figures/online-polytope.png
# :name: fig-online-polytope
# :alt: The polytope of achievable utility pairs against two Receiver types, its vertices and a decomposed point.
#
# The instance used below ($m = 4$ responses, $K = 2$ types, 3 items). Grey:
# every persuasive scheme's expected utility against each type; dots: the
# vertices the learner chooses among; the cross is a point of the polytope
# written as a combination of at most $K + 1 = 3$ vertices (dashed).
# ```
#
# ## Regret against the horizon
#
# Two type sequences: **stochastic** (each type with probability 1/2,
# independently) and **adversarial** (blocks of doubling length, alternating
# types, so that the best scheme so far keeps changing). For each horizon
# $T$, Algorithm 1 is tuned to $T$ and run with several seeds; the regret is
# exact (the comparator is the LP optimum for the realised sequence).

# %%
results = {}
for kind in ("stochastic", "adversarial"):
    table = np.empty((len(horizons), n_seeds))
    for a, T in enumerate(horizons):
        for s in range(n_seeds):
            types = (
                stochastic_types(2, T, 1000 + s)
                if kind == "stochastic"
                else adversarial_types(2, T)
            )
            table[a, s] = run_algorithm1(game, types, s).regret[-1]
    results[kind] = table
slopes, slope_se = {}, {}
for kind, table in results.items():
    mean = table.mean(axis=1)
    slopes[kind] = np.polyfit(np.log(horizons), np.log(mean), 1)[0]
    per_seed = [
        np.polyfit(np.log(horizons), np.log(np.clip(table[:, s], 1e-9, None)), 1)[0]
        for s in range(n_seeds)
    ]
    slope_se[kind] = np.std(per_seed, ddof=1) / np.sqrt(n_seeds)
    print(
        f"{kind:11s} mean regret {np.round(mean, 1)}; fitted slope of log R_T on log T: "
        f"{slopes[kind]:.2f} (per-seed slopes {np.round(per_seed, 2)}, standard error {slope_se[kind]:.2f})"
    )
    checks.all_of(
        f"{kind}: mean regret is positive at every horizon (log-log fit is defined)",
        mean > 0,
    )
    checks.at_most(
        f"{kind}: fitted slope below 1 (sublinear regret)", slopes[kind], 0.8
    )
    checks.all_of(
        f"{kind}: average regret R_T / T falls as T grows",
        np.diff(mean / np.array(horizons)) < 0,
    )

# %% tags=["remove-output"]
fig, ax = plt.subplots(figsize=(6.4, 3.8))
for k, (kind, table) in enumerate(results.items()):
    mean = table.mean(axis=1)
    ax.loglog(
        horizons,
        mean,
        color=PALETTE[k + 1],
        ls=["-", "--"][k],
        marker=["o", "s"][k],
        ms=6,
        label=f"{kind} types (slope {slopes[kind]:.2f})",
    )
    se = table.std(axis=1, ddof=1) / np.sqrt(n_seeds)
    ax.fill_between(
        horizons,
        np.clip(mean - 2 * se, 1e-3, None),
        mean + 2 * se,
        color=PALETTE[k + 1],
        alpha=0.15,
        hatch=["", "//"][k],
    )
ref = mean[0] * np.sqrt(np.array(horizons) / horizons[0])
ax.loglog(horizons, ref, color="black", ls=":", marker="", label=r"reference slope 1/2")
ax.set_xlabel("horizon $T$ (rounds, log scale)")
ax.set_ylabel("regret $R_T$ (utility units, log scale)")
ax.legend(fontsize=8)
save_figure(fig, "online-regret")
plt.show()

# %% [markdown]
# ```{figure} /figures/online-regret.png
# :name: fig-online-regret
# :alt: Log-log plot of regret against the horizon, for stochastic and adversarial type sequences.
#
# Regret of Algorithm 1 (EXP2 over the vertices of $f(\mathcal P)$, bandit
# feedback). Lines: mean over seeds; shaded: mean ± 2 standard errors over
# seeds. The fitted slopes are in the legend (their standard errors across
# seeds are printed above); the dotted line has slope 1/2.
# ```
#
# The measured slopes are printed above; both are below 1 (checked), in line
# with Theorem 1's $\sqrt{T \log T}$. They are measured on one instance and
# a few seeds: an estimate, not a bound.
#
# ## Dependence on the number of responses
#
# Theorem 1's constant grows as $m^{3/2}$. We divide the measured regret by
# $m^{3/2}\sqrt{T \log T}$ for $m = 2, \dots, 5$ responses (two types,
# stochastic sequence, horizon fixed).

# %%
ms = [2, 3, 4, 5]
normalised, n_vertices = [], []
for m in ms:
    g = instance(m)
    n_vertices.append(len(g.vertices()[0]))
    regs = [
        run_algorithm1(g, stochastic_types(2, T_m, 2000 + s), s).regret[-1]
        for s in range(n_seeds)
    ]
    normalised.append(np.mean(regs) / (m**1.5 * np.sqrt(T_m * np.log(T_m))))
normalised = np.array(normalised)
print(
    "m:",
    ms,
    " vertices of f(P):",
    n_vertices,
    " R_T / (m^1.5 sqrt(T log T)):",
    np.round(normalised, 4),
)
checks.at_most("normalised regret stays below 1 for every m", normalised, 1.0)
checks.at_most(
    "normalised regret does not grow from the smallest to the largest m",
    normalised[-1],
    normalised[0],
)

# %% tags=["remove-output"]
fig, ax = plt.subplots(figsize=(6.0, 3.2))
ax.plot(ms, normalised, color=PALETTE[1], ls="-", marker="o", ms=6)
ax.set_xticks(ms)
ax.set_xlabel("number of Receiver responses $m$")
ax.set_ylabel(r"$R_T / (m^{3/2}\sqrt{T \log T})$")
save_figure(fig, "online-regret-m")
plt.show()

# %% [markdown]
# ```{figure} /figures/online-regret-m.png
# :name: fig-online-regret-m
# :alt: Normalised regret against the number of responses.
#
# Regret divided by the rate of Theorem 1, mean over seeds, at a fixed
# horizon. It does not grow with $m$ here: with two types the loss lives in
# $\mathbb R^2$ whatever $m$ is, and $m$ enters only through the number of
# vertices (and the size of the LPs).
# ```
#
# ## The gap between theory and practice
#
# Algorithm 1 is not what Bai et al. train. The theoretical algorithm needs
# the Receiver's possible utilities (to write the persuasiveness constraints
# that define $\mathcal P$), works with a polytope whose dimension grows as
# $|\mathcal C| \cdot m^K$, and learns from one realised utility per round.
# The practical method of {ref}`ch-advisor-receiver` instead differentiates
# Eq. (3) through a model of the Receiver's responses, with no
# persuasiveness constraints and no regret guarantee. The theorem says that
# *some* algorithm learns the best persuasive scheme at a $\sqrt T$ rate; it
# does not say that gradient training of a neural Advisor does.
#
# ## What we have seen
#
# - Direct persuasive schemes form a polytope; its image under $f$ has few
#   vertices here, found exactly, and Carathéodory decomposes any point of it
#   into at most $K + 1$ of them.
# - Algorithm 1 with EXP2 and bandit feedback has sublinear regret on
#   stochastic and adversarial type sequences; the fitted slopes and their
#   standard errors over seeds are printed above.
# - Normalised by Theorem 1's rate, the regret does not grow with $m$ on
#   these instances.
#
# ## Exercises
#
# ```{exercise} One Receiver type
# :label: ex-one-type
#
# With a single type, what is the best fixed scheme in hindsight, and what
# does regret measure? Check that the LP over $\mathcal P$ gives the value
# of `optimal_signal` from {ref}`ch-bayesian-persuasion`.
# ```
#
# ```{solution-start} ex-one-type
# :class: dropdown
# ```
#
# With one type the comparator is the Kamenica–Gentzkow optimum (direct
# persuasive schemes are the obedience LP), so regret measures how fast the
# learner finds the optimal signal from bandit feedback alone.

# %%
from persuasion import PersuasionGame, optimal_signal

r1 = np.random.default_rng(12)
diffs = []
for _ in range(10):
    prior, v, u = (
        r1.dirichlet(np.ones(3)),
        r1.normal(size=(3, 3)),
        r1.normal(size=(1, 3, 3)),
    )
    value, _ = OnlinePersuasion(prior, v, u).best_in_hindsight([1.0])
    diffs.append(value - optimal_signal(PersuasionGame(prior, u[0], v)).value)
checks.close(
    "exercise: one type, best in hindsight = optimal_signal", diffs, 0.0, atol=1e-7
)

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Exploration
# :label: ex-exploration
#
# Run Algorithm 1 with far too much exploration ($\gamma = 0.9$) on the
# stochastic sequence. How does the regret grow, and why?
# ```
#
# ```{solution-start} ex-exploration
# :class: dropdown
# ```
#
# With $\gamma = 0.9$ the learner plays a uniformly random vertex 90% of the
# time, so it loses a constant amount per round on average: the regret grows
# linearly, with slope close to 1 on the log-log plot.

# %%
T_ex = horizons[-1]
reg_explore = [
    run_algorithm1(game, stochastic_types(2, T, 1000), 0, gamma=0.9).regret[-1]
    for T in (horizons[0], T_ex)
]
slope_explore = np.log(reg_explore[1] / reg_explore[0]) / np.log(T_ex / horizons[0])
print(f"gamma = 0.9: regret {np.round(reg_explore, 1)}, slope {slope_explore:.2f}")
checks.true(
    "exercise: heavy exploration gives nearly linear regret (slope > 0.8)",
    slope_explore > 0.8,
    value=slope_explore,
)

# %% [markdown]
# ```{solution-end}
# ```

# %%
checks
