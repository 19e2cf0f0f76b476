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
# implements the algorithm step by step on small instances, computes the
# regret exactly, and measures how it grows with the horizon and with the
# number of responses. (The chapter's imports and sizes are in the hidden
# cell below.)

# %% tags=["parameters"]
scale = "book"  # "smoke" (seconds, for tests), "book" (default) or "full"

# %% tags=["hide-input"]
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display
from matplotlib.ticker import LogLocator, ScalarFormatter

from persuasion.book import chapter
from persuasion.book.plotting import LINESTYLES, MARKERS, PALETTE, save_figure
from persuasion.book.tables import Table
from persuasion.online import (
    OnlinePersuasion,
    adversarial_types,
    caratheodory,
    stochastic_types,
)
from persuasion.online_algorithm import exp2_rates, run_algorithm1

SIZES = {  # horizons and seeds of the horizon sweep; responses, instances, seeds and horizon of the m sweep
    "smoke": dict(horizons=[300, 1000, 3000], n_seeds=2, ms=[2, 3, 4], n_inst=2, m_seeds=1, T_m=1000),
    "book": dict(horizons=[1000, 3000, 10000, 30000], n_seeds=4, ms=[2, 3, 4, 5, 6], n_inst=3, m_seeds=2, T_m=10000),
    "full": dict(
        horizons=[1000, 3000, 10000, 30000, 100000], n_seeds=8, ms=[2, 3, 4, 5, 6, 7], n_inst=4, m_seeds=4, T_m=30000
    ),
}
size, rng, checks = chapter(scale, SIZES, seed=6)
horizons, n_seeds = size.horizons, size.n_seeds


# %% [markdown]
# ## The setting
#
# Each round an adversary picks the Receiver's **type** $k_t$ (its utility
# $u_k$) from a finite set of $K$ types, unknown to the Advisor. By the
# revelation principle the Advisor can use **direct** schemes. The signal
# must serve every type at once, so it is a *recommendation profile*
# $r = (r_1, \dots, r_K) \in \mathcal Y^K$, one response per type, drawn
# from $\phi(\cdot \mid c)$ for the item $c$. Every Receiver sees the whole
# profile, whatever its type, and a type-$k$ Receiver is told to play $r_k$.
# The scheme is **persuasive** if, for every profile $r$ and type $k$,
# obeying is a best response given what $r$ reveals:
#
# $$
# \sum_c \mu(c)\, \phi(r \mid c)\, \bigl(u_k(r_k, c) - u_k(a, c)\bigr) \ge 0
# \quad \text{for all } r \in \mathcal Y^K,\ k,\ a \in \mathcal Y .
# $$
#
# These schemes form a polytope $\mathcal P$ with $|\mathcal C|\, m^K$
# variables, where $m = |\mathcal Y|$ is the number of responses. (Conditioning only on the type's own recommendation $r_k$,
# i.e. summing these constraints over the other coordinates of $r$, would
# let a Receiver ignore what the rest of the profile reveals; that weaker
# polytope decouples into one persuasion problem per type, and its image
# below is a box.)
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
# {cite:t}`castiglioni2020online`. We follow the latter, so the dimension of
# the learning problem is $d = K$, and report results against $m$ as
# Theorem 1 does.
#
# ```{prf:algorithm} Bai et al.'s Algorithm 1
# :label: alg-bai-algorithm1
#
# **Input:** a regret minimiser $\mathcal R$ over $\operatorname{co} f(\mathcal P)$.
#
# For $t = 1, \dots, T$:
#
# 1. $z_t \leftarrow \mathcal R$.RECOMMEND(), a point of
#    $\operatorname{co} f(\mathcal P)$;
# 2. $\{(\phi_i, \lambda_i)\}_i \leftarrow$ DECOMPOSE$(z_t)$, at most
#    $d + 1$ vertices (Carathéodory);
# 3. $\phi_t \leftarrow \phi_i$ with probability $\lambda_i$;
# 4. observe an item $c_t \sim \mu$ and play $y_t \sim \phi_t(\cdot \mid c_t)$;
# 5. $\mathcal R$.OBSERVE$(v(c_t, y_t))$: bandit feedback.
# ```
#
# ```{prf:theorem} Bai et al. Theorem 1
# :label: thm-bai-regret
#
# Algorithm 1 guarantees $R_T = O(m^{3/2}\sqrt{T \log T})$.
# ```
#
# ## The regret minimiser, and the code against the pseudo-code
#
# `run_algorithm1` runs the loop above line by line. The regret minimiser
# $\mathcal R$ is EXP2 {cite:p}`dani2008price` over a finite set
# $S \subset f(\mathcal P)$: the vertices of $f(\mathcal P)$ and the points
# of a lattice inside it (5 per axis of the bounding box in the polytope's
# principal axes, so the lattice is turned with the polytope).
#
# - **RECOMMEND** draws $z_t \in S$ from EXP2's exponential weights mixed
#   with an exploration distribution.
# - **DECOMPOSE** writes $z_t$ as a convex combination of at most $d + 1$
#   vertices of $f(\mathcal P)$ (`caratheodory`: an LP finds some
#   combination, the library's one Carathéodory reduction,
#   `beliefs.reduce_support`, cuts it to affinely independent vertices),
#   each with a persuasive scheme attaining it.
# - One vertex is sampled with the weights $\lambda$ and its scheme played.
# - **OBSERVE** receives only the realised $v(c_t, y_t)$. Given $z_t$ its
#   expectation is $-z_{t, k_t}$, whichever vertex was sampled, so EXP2's
#   estimate $\hat\ell_t = \Sigma_t^{-1} z_t\,(-v(c_t, y_t))$ with
#   $\Sigma_t = \mathbb E_{z \sim p_t}[z z^\top]$ is unbiased.
#
# The points inside $f(\mathcal P)$ are what make DECOMPOSE do anything: a
# vertex decomposes into itself. They are also how the cited analysis gets
# its $\log T$: EXP2 over $N$ points has regret $O(d\sqrt{T \ln N})$, and
# over a cover of a convex set fine enough to lose at most $\sqrt T$
# ($N \approx T^{d/2}$ points) that is $O(d^{3/2}\sqrt{T \log T})$, the
# shape of Theorem 1 with $d$ in place of $m$. Our lattice is much coarser
# than that cover; it loses nothing, because a linear loss is always
# minimised at a vertex and every vertex is in $S$.
#
# **Exploration rates.** The cited bound is GeometricHedge's
# {cite:p}`dani2008price`: exploration uniform on a barycentric spanner
# {cite:p}`awerbuch2004adaptive` of $S$, $\gamma = d\sqrt{\ln N / T}$ and $\eta = \gamma / (d^2 B)$ ($B$
# bounds the observed loss), so that $\eta\,|z^\top \hat\ell| \le 1$. This is
# what `run_algorithm1` uses by default (`exploration="spanner"`). The
# alternative, `exploration="uniform"`, explores uniformly over all of $S$
# with $\gamma = \sqrt{d \ln N / T}$ and $\eta = \gamma / (d B)$: less
# exploration and a larger step ($\sqrt d$ times each), the rates of EXP2 with
# John's exploration
# {cite:p}`bubeck2012towards`, whose analysis needs
# John's distribution rather than the uniform one, so no bound is claimed
# for that pair. Both are shown below.

# %%
gamma_s, eta_s = exp2_rates(2, 20, 10_000, 1.0, "spanner")
gamma_u, eta_u = exp2_rates(2, 20, 10_000, 1.0, "uniform")
print("d = 2, N = 20, T = 10⁴, B = 1:")
print(f"spanner (cited) γ = {gamma_s:.4f}, η = {eta_s:.5f}")
print(f"uniform         γ = {gamma_u:.4f}, η = {eta_u:.5f}")

# %% tags=["remove-input"]
checks.close(
    "cited rates: gamma = d sqrt(ln N / T), eta = gamma / (d^2 B)",
    [gamma_s, eta_s],
    [2 * np.sqrt(np.log(20) / 1e4), 2 * np.sqrt(np.log(20) / 1e4) / 4],
    rtol=1e-12,
    method="formula of Dani et al., typed by hand",
)

# %% [markdown]
# ## The polytope and the decomposition
#
# `OnlinePersuasion.vertices()` finds the vertices of $f(\mathcal P)$
# exactly (LP in the outward normal of every facet until none moves), each
# with a persuasive scheme attaining it. Three checks by other methods:
# the LP over all of $\mathcal P$ in random directions is attained at a
# vertex; every vertex's scheme is obeyed by every type given every profile,
# computed from the posterior by Bayes' rule rather than from the constraint
# matrix; and with two items, where beliefs lie on a line, the best value
# over persuasive direct schemes equals the concave closure of the
# Advisor's value over *all* signals, found without any LP.
#
# The instances are random, from a seed: $m$ responses, $m$ items unless
# told otherwise, and two Receiver types.


# %%
def instance(m, n_types=2, n_items=None, seed=1):
    """Random prior over items, Advisor utility v[y, c], Receiver types u[k, y, c]."""
    n_items = m if n_items is None else n_items
    r = np.random.default_rng(seed)
    return OnlinePersuasion(r.dirichlet(np.ones(n_items)), r.normal(size=(m, n_items)),
                            r.normal(size=(n_types, m, n_items)))


# %% [markdown]
# The instance of this section has $m = 3$ responses, 3 items and $K = 2$
# types:

# %%
game = instance(3)
Z, schemes = game.vertices()
print(game)
print(f"{game.n_variables} scheme variables; f(P) has {len(Z)} vertices")

# %% [markdown]
# DECOMPOSE, on the centre of the vertices: the indices of the vertices it
# uses and their weights.

# %%
z_centre = Z.mean(axis=0)
idx, w = caratheodory(z_centre, Z)
print("vertices " + ", ".join(str(i) for i in idx) + " with weights "
      + ", ".join(f"{x:.3f}" for x in w))
print(f"largest error: {np.abs(w @ Z[idx] - z_centre).max():.1e}")

# %% [markdown]
# The three checks by other methods, and two on DECOMPOSE over random points
# of $f(\mathcal P)$, run in the hidden cells below (their claims are in the
# table at the end of the chapter); the Bayes'-rule check and the
# concavification are behind the toggle.


# %% tags=["hide-input"]
def disobedience_gain(g, phi):
    """Largest gain of any type from disobeying, given any profile, by Bayes' rule."""
    gains = []
    for j, profile in enumerate(g.profiles):
        joint = g.prior * phi[:, j]
        if joint.sum() > 1e-12:
            expected = g.u @ (joint / joint.sum())  # E[u_k(a, c) | profile], shape (K, m)
            gains.append((expected.max(axis=1) - expected[np.arange(g.K), profile]).max())
    return max(gains)


def concavified_value(prior, v, u, counts):
    """Two items: the concave closure, at the prior, of the Advisor's value of a posterior (no LP)."""
    qs = {0.0, 1.0}  # beliefs P(item 1) where some type is indifferent between two responses
    for uk in u:
        d = uk[:, None, :] - uk[None, :, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            q = d[..., 0] / (d[..., 0] - d[..., 1])
        qs |= set(q[np.isfinite(q) & (q > 0) & (q < 1)].tolist())

    def value(q):  # each type best-responds, ties to the Advisor's liking
        vq = v @ [1 - q, q]
        return sum(n * vq[uk @ [1 - q, q] >= (uk @ [1 - q, q]).max() - 1e-9].max() for n, uk in zip(counts, u))

    p, qs = prior[1], sorted(qs)
    return max(
        value(p) if a == b else value(a) + (p - a) / (b - a) * (value(b) - value(a))
        for a in qs
        for b in qs
        if a <= p <= b
    )


# %% tags=["remove-input"]
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
    method="LP over all of P vs best vertex",
)
checks.at_most(
    "every vertex scheme is obeyed given every profile (Bayes' rule)",
    np.array([disobedience_gain(game, phi) for phi in schemes]),
    1e-7,
    method="posterior of each profile by Bayes' rule",
)
r2 = np.random.default_rng(26)
gaps = []
for _ in range(20):
    prior2, v2, u2 = r2.dirichlet(np.ones(2)), r2.normal(size=(3, 2)), r2.normal(size=(2, 3, 2))
    counts2 = r2.integers(1, 6, size=2).astype(float)
    lp_value, _ = OnlinePersuasion(prior2, v2, u2).best_in_hindsight(counts2)
    gaps.append(lp_value - concavified_value(prior2, v2, u2, counts2))
checks.close(
    "two items: LP over persuasive schemes = concave closure over all signals (20 instances)",
    gaps,
    0.0,
    atol=1e-7,
    method="concave closure over indifference points",
)
sizes, exact = [], []
for _ in range(50):
    z = rng.dirichlet(np.ones(len(Z))) @ Z
    idx, w = caratheodory(z, Z)
    sizes.append(len(idx))
    exact.append(np.abs(w @ Z[idx] - z).max())
checks.at_most("Caratheodory: at most K + 1 vertices", np.array(sizes), game.K + 1, method="Carathéodory's bound d + 1")
checks.at_most(
    "Caratheodory: the decomposition reproduces the point",
    np.array(exact),
    1e-8,
    method="recombined vertices vs the random point",
)

# %% [markdown]
# A run of Algorithm 1 on this instance: how often the recommended point is
# not a vertex, and into how many vertices DECOMPOSE writes it.

# %%
demo_types = stochastic_types(2, horizons[-1], 99)
demo = run_algorithm1(game, demo_types, 7)
inner = demo.recommended >= len(Z)  # the vertices come first in S
used = [int((demo.support == s).sum()) for s in (1, 2, 3)]
print(f"|S| = {len(demo.points)} points ({len(Z)} vertices)")
print(f"rounds recommending a point inside f(P): {inner.mean():.1%}")
print(f"DECOMPOSE used 1 vertex in {used[0]} rounds, 2 in {used[1]} and 3 in "
      f"{used[2]} (of {demo.support.size})")

# %% tags=["remove-input"]
n_vertices = len(Z)
checks.at_most(
    "DECOMPOSE never used more than K + 1 vertices in the run",
    demo.support,
    game.K + 1,
    method="Carathéodory's bound d + 1, every round",
)
# The comparator: the best vertex for the whole sequence vs the LP over all of P.
checks.close(
    "regret's comparator (best vertex) = LP best scheme in hindsight",
    demo.regret[-1] + (-Z[demo.played, demo_types]).sum(),
    demo.best_value,
    atol=1e-6,
    method="LP over all of P vs best vertex",
)

# %% tags=["hide-input", "remove-output"]
fig, ax = plt.subplots(figsize=(5.2, 4.4))
order = np.argsort(np.arctan2(*(Z - Z.mean(axis=0)).T[::-1]))
poly = Z[order]
ax.fill(
    -poly[:, 0],
    -poly[:, 1],
    color="0.88",
    edgecolor="black",
    lw=1.5,
    label=r"$-f(\mathcal{P})$: achievable $(v(\phi,1), v(\phi,2))$",
)
ax.plot(-Z[:, 0], -Z[:, 1], ls="none", marker="o", ms=7, color="black", label="vertices")
cover = demo.points[n_vertices:]
ax.plot(-cover[:, 0], -cover[:, 1], ls="none", marker="+", ms=7, color="0.35", label="lattice points inside")
z = cover[len(cover) // 2] if len(cover) else Z.mean(axis=0)
idx, w = caratheodory(z, Z)
ax.plot(-z[0], -z[1], ls="none", marker="x", ms=11, mew=2.5, color=PALETTE[2], label="a point $z_t$ and DECOMPOSE")
for j, wj in zip(idx, w):
    ax.plot([-z[0], -Z[j, 0]], [-z[1], -Z[j, 1]], color=PALETTE[2], ls="--", marker="", lw=1)
    ax.annotate(f"{wj:.2f}", (-(z[0] + Z[j, 0]) / 2, -(z[1] + Z[j, 1]) / 2), fontsize=9,
                bbox=dict(fc="white", ec="none", pad=0.6))
ax.set_xlabel("Advisor's expected utility against type 1")
ax.set_ylabel("Advisor's expected utility\nagainst type 2")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)  # below: off the polygon
save_figure(fig, "online-polytope")
plt.show()

# %% [markdown]
# ```{figure} /figures/online-polytope.png
# :name: fig-online-polytope
# :alt: The polygon of achievable utility pairs against two Receiver types, its vertices, lattice points and a decomposed point.
#
# The instance used below ($m = 3$ responses, $K = 2$ types, 3 items). Grey:
# every persuasive scheme's expected utility against each type; dots: its
# vertices; plus signs: the lattice points inside it (a grid along the
# polygon's principal axes, hence turned), which the regret minimiser may
# also recommend. The cross is one of them, written by
# DECOMPOSE as a combination of at most $K + 1 = 3$ vertices (dashed, with
# their weights).
# ```
#
# ## Regret against the horizon
#
# Two type sequences: **stochastic** (each type with probability 1/2,
# independently) and **adversarial** (blocks of doubling length, alternating
# types, so that the best scheme so far keeps changing); two exploration
# schemes, the cited one (spanner) and the uniform one. For each
# horizon $T$, Algorithm 1 is tuned to $T$ and run with several seeds; the
# regret is exact (the comparator is the best vertex, which the check above
# matches with the LP optimum).

# %%
def final_regret(kind, exploration, T, seed):
    """R_T of one run of Algorithm 1 tuned to T (kind: the type sequence)."""
    if kind == "stochastic":
        types = stochastic_types(2, T, 1000 + seed)
    else:
        types = adversarial_types(2, T)
    return run_algorithm1(game, types, seed, exploration=exploration).regret[-1]


# %% [markdown]
# Every horizon, seed, sequence and exploration scheme (a table of regrets,
# horizons by seeds, for each pair):

# %%
results = {}
for kind in ("stochastic", "adversarial"):
    for exploration in ("spanner", "uniform"):
        results[kind, exploration] = np.array([
            [final_regret(kind, exploration, T, s) for s in range(n_seeds)]
            for T in horizons
        ])

# %% [markdown]
# The mean regret over seeds, the average regret $R_T / T$, and the slope of
# $\log R_T$ against $\log T$:

# %%
slopes, regret_rows = {}, []
for (kind, exploration), table in results.items():
    mean = table.mean(axis=1)
    fit = np.polyfit(np.log(horizons), np.log(np.clip(mean, 1e-9, None)), 1)
    slopes[kind, exploration] = fit[0]
    regret_rows.append((kind, exploration, *mean, fit[0]))
caption = (f"Regret R_T of Algorithm 1 at each horizon T, mean over {n_seeds} seeds, "
           "and the slope of log R_T against log T.")
Table(regret_rows, ["types", "exploration", *[f"T = {T}" for T in horizons], "slope"],
      digits=[None, None, *[1] * len(horizons), 2], caption=caption)

# %% tags=["hide-input", "remove-output"]
kinds = list(dict.fromkeys(kind for kind, _ in results))
fig, axes = plt.subplots(1, len(kinds), figsize=(7.2, 3.6), sharey=True)
ref = np.sqrt(np.array(horizons) * np.log(horizons))
ref *= results["stochastic", "spanner"].mean(axis=1)[0] / ref[0]
for ax, kind in zip(np.atleast_1d(axes), kinds):
    for k, exploration in enumerate(e for kk, e in results if kk == kind):
        table = results[kind, exploration]
        se = table.std(axis=1, ddof=1) / np.sqrt(n_seeds)
        ax.errorbar(horizons, np.clip(table.mean(axis=1), 1e-3, None), yerr=2 * se,
                    color=PALETTE[k + 1], ls=LINESTYLES[k], marker=MARKERS[k], ms=6,
                    capsize=3, label=f"{exploration} exploration, slope {slopes[kind, exploration]:.2f}")
    ax.plot(horizons, ref, color="black", ls=":", marker="", label=r"shape $\sqrt{T \log T}$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_title(f"{kind} types")
    ax.set_xlabel("horizon $T$ (rounds, log scale)")
np.atleast_1d(axes)[0].set_ylabel("regret $R_T$ (utility units, log scale)")
handles, labels = np.atleast_1d(axes)[0].get_legend_handles_labels()
fig.legend(handles, [label.split(", slope")[0] for label in labels], loc="lower center", ncol=3,
           frameon=False)  # below the panels, off the curves; the slopes are in the table above
fig.tight_layout(rect=(0, 0.1, 1, 1))
save_figure(fig, "online-regret")
plt.show()

# %% [markdown]
# ```{figure} /figures/online-regret.png
# :name: fig-online-regret
# :alt: Log-log plot of regret against the horizon, for stochastic and adversarial type sequences and two exploration schemes.
#
# Regret of Algorithm 1 (EXP2 over the vertices and lattice points of
# $f(\mathcal P)$, DECOMPOSE, bandit feedback) on the instance of
# {numref}`fig-online-polytope`, with stochastic types (left) and
# adversarial types (right). Lines: mean over seeds; bars: ± 2 standard
# errors over seeds. Spanner exploration: the cited rates; uniform: the
# alternative. The dotted curve, the same in both panels, has the shape
# $\sqrt{T \log T}$, scaled to the first point of the stochastic, spanner
# run.
# ```
#
# The fitted slopes are in the table above, and each regret divided by its
# $T$ is the average regret $R_T / T$. They are measurements on one instance and a few seeds: findings, not bounds.
# Theorem 1 predicts $R_T / T \to 0$ and a slope near 1/2 for large $T$. At
# short horizons the exploration term ($\gamma T$ rounds spent exploring)
# weighs more, and the cited rates explore more than the uniform ones
# (larger $\gamma$), which is where to look first when their measured
# regret is the higher of the two.
#
# ## Dependence on the number of responses
#
# Theorem 1's constant grows as $m^{3/2}$. To see $m$ matter, the instances
# must grow with it: here each has $m$ items and $m$ responses (two types),
# so a scheme has $m \cdot m^2$ variables, and $f(\mathcal P)$ gains
# vertices as $m$ grows (counted below, exactly). For each $m$ we draw a few
# instances, run Algorithm 1 on a stochastic sequence at a fixed horizon,
# and compare the mean regret with the shape $m^{3/2}\sqrt{T \log T}$.

# %%
def sweep_instance(m, i):
    """Vertices of f(P), |S| and the final regret of each seed, for one instance."""
    g = instance(m, seed=100 * m + i)
    n_vertices = len(g.vertices()[0])
    runs = [run_algorithm1(g, stochastic_types(2, T_m, 2000 + s), s)
            for s in range(size.m_seeds)]
    return n_vertices, len(runs[-1].points), [run.regret[-1] for run in runs]


# %% [markdown]
# For each $m$, the instances of the sweep:

# %%
ms, T_m = size.ms, size.T_m
regret_m, vertices_m, points_m = [], [], []
for m in ms:
    per_instance = [sweep_instance(m, i) for i in range(size.n_inst)]
    vertices_m.append([verts for verts, _, _ in per_instance])
    points_m.append([pts for _, pts, _ in per_instance])
    regret_m.append([r for _, _, regs in per_instance for r in regs])
regret_m = np.array(regret_m)

# %% [markdown]
# The counts, the mean regret, and the regret against the bound's shape:

# %%
mean_vertices = np.array(vertices_m).mean(axis=1)
bound_shape = np.array(ms) ** 1.5 * np.sqrt(T_m * np.log(T_m))
def spread(counts):  # mean over the instances, and their range
    return f"{np.mean(counts):.1f} ({min(counts)}–{max(counts)})"


by_m = [(m, spread(v), spread(s), r.mean(), r.mean() / b)
        for m, v, s, r, b in zip(ms, vertices_m, points_m, regret_m, bound_shape)]
display(Table(by_m, ["m", "vertices of f(𝒫)", "points of S", "mean regret",
                     "regret / (m √(m T log T))"], digits=[None, None, None, 1, 4],
              caption=f"Regret at T = {T_m} against the number of responses m."))
log_mean = np.log(np.clip(regret_m.mean(axis=1), 1e-9, None))
slope_m = np.polyfit(np.log(ms), log_mean, 1)[0]
print(f"fitted slope of log regret on log m: {slope_m:.2f} (the bound's shape: 1.5)")

# %% tags=["remove-input"]
checks.true(
    "instances of the m sweep: f(P) has more vertices at the largest m than at the smallest (exact)",
    mean_vertices[-1] > mean_vertices[0],
    value=mean_vertices.tolist(),
    method="exact vertex counts compared (a finding)",
)

# %% tags=["hide-input", "remove-output"]
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(8.4, 3.5), gridspec_kw=dict(width_ratios=[3, 2]))
mean_m = regret_m.mean(axis=1)
se_m = regret_m.std(axis=1, ddof=1) / np.sqrt(regret_m.shape[1]) if regret_m.shape[1] > 1 else 0 * mean_m
ax.errorbar(ms, mean_m, yerr=2 * se_m, color=PALETTE[1], ls="-", marker="o", ms=6, capsize=3, label="measured $R_T$")
ax.plot(
    ms,
    bound_shape * mean_m[0] / bound_shape[0],
    color="black",
    ls=":",
    marker="s",
    ms=5,
    label=r"shape $m^{3/2}\sqrt{T \log T}$ (scaled)",
)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xticks(ms, [str(m) for m in ms])
ax.minorticks_off()
ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
ax.yaxis.set_major_formatter(ScalarFormatter())
ax.set_xlabel("number of responses $m$ (log scale)")
ax.set_ylabel(f"regret $R_T$ at $T = {T_m}$ (log scale)")
ax.legend()
ax2.plot(ms, mean_vertices, color=PALETTE[2], ls="--", marker="^", ms=6)
ax2.set_xticks(ms)
ax2.set_xlabel("number of responses $m$")
ax2.set_ylabel("vertices of $f(\\mathcal{P})$ (mean)")
save_figure(fig, "online-regret-m")
plt.show()

# %% [markdown]
# ```{figure} /figures/online-regret-m.png
# :name: fig-online-regret-m
# :alt: Left, regret against the number of responses with the bound's shape; right, the number of vertices of f(P) against m.
#
# Left: regret of Algorithm 1 at a fixed horizon against the number of
# responses $m$ (solid, circles: mean over instances and seeds, ± 2 standard
# errors), and the bound's shape $m^{3/2}\sqrt{T\log T}$ scaled to the first
# point (dotted, squares); log-log axes, so a slope is a power of $m$.
# Right: the mean number of vertices of $f(\mathcal P)$ of the same
# instances ($m$ items, $m$ responses, two types).
# ```
#
# The measured growth in $m$ (fitted slope printed above) is a finding on a
# few random instances. Two things set it apart from Theorem 1's exponent:
# the dimension of the learning problem is the number of types, $d = K = 2$
# here whatever $m$ is, so $m$ enters EXP2's bound only through
# $\ln N$ (more vertices, more lattice points) and through the range of the
# utilities; and the bound is an upper bound, with constants the figure
# cannot see.
#
# ## The gap between theory and practice
#
# Algorithm 1 is not what Bai et al. train. The theoretical algorithm needs
# the Receiver's possible utilities (to write the persuasiveness constraints
# that define $\mathcal P$), works with a polytope whose dimension grows as
# $|\mathcal C| \cdot m^K$ (`OnlinePersuasion` refuses instances beyond
# `max_variables`, 100 000 by default, before building them), and learns
# from one realised utility per round. The practical method of
# {ref}`ch-advisor-receiver` instead differentiates Eq. (3) through a model
# of the Receiver's responses, with no persuasiveness constraints and no
# regret guarantee. The theorem says that *some* algorithm learns the best
# persuasive scheme at a $\sqrt T$ rate; it does not say that gradient
# training of a neural Advisor does.
#
# ## What we have seen
#
# - Direct persuasive schemes must be obeyed given the whole recommendation
#   profile; their image $f(\mathcal P)$ is then a polygon whose vertex count
#   grows with $m$ on our instances, not a box. The vertices are found
#   exactly and checked against a separate LP, Bayes' rule and, with two
#   items, a concavification with no LP.
# - Algorithm 1 runs as written: the regret minimiser recommends points of
#   $f(\mathcal P)$, DECOMPOSE writes them with at most $K + 1$ vertices, and
#   the sampled vertex's scheme is played.
# - With the cited (spanner) rates and the uniform alternative, the
#   measured regret and its growth in $T$ and $m$ are printed above, as
#   findings on a few instances and seeds.
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
# With one type the comparator is the optimum of {cite:t}`kamenica2011bayesian` (direct
# persuasive schemes are the obedience LP), so regret measures how fast the
# learner finds the optimal signal from bandit feedback alone.

# %%
from persuasion import PersuasionGame, optimal_signal

r1 = np.random.default_rng(12)
diffs = []
for _ in range(10):
    prior, v = r1.dirichlet(np.ones(3)), r1.normal(size=(3, 3))
    u = r1.normal(size=(1, 3, 3))
    value, _ = OnlinePersuasion(prior, v, u).best_in_hindsight([1.0])
    diffs.append(value - optimal_signal(PersuasionGame(prior, u[0], v)).value)
print(f"largest |best in hindsight − optimal_signal|: {np.abs(diffs).max():.1e}")

# %% tags=["remove-input"]
checks.close(
    "exercise: one type, best in hindsight = optimal_signal",
    diffs,
    0.0,
    atol=1e-7,
    method="vs optimal_signal (cvxpy obedience LP)",
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
# With $\gamma = 0.9$ the learner recommends a point of the exploration
# distribution 90% of the time, so it loses a roughly constant amount per
# round on average: the regret grows about linearly, with a slope near 1 on
# the log-log plot (the measured slope is printed below).

# %%
T_ex = horizons[-1]
reg_explore = [
    run_algorithm1(game, stochastic_types(2, T, 1000), 0, gamma=0.9).regret[-1]
    for T in (horizons[0], T_ex)
]
slope_explore = np.log(reg_explore[1] / reg_explore[0]) / np.log(T_ex / horizons[0])
print(f"γ = 0.9: regret {reg_explore[0]:.1f} at T = {horizons[0]} and "
      f"{reg_explore[1]:.1f} at T = {T_ex}, slope {slope_explore:.2f}")

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
