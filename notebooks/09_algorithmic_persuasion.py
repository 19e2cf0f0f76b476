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
# (ch-algorithmic)=
# # What exact persuasion costs
#
# The essay {cite:p}`cheng2025mechanism` (§4.1) observes that Bayesian
# persuasion "largely abstracts from computational considerations", that
# tractability depends on how the prior is represented
# {cite:p}`dughmi2016algorithmic`, and that the complexity of computing
# equilibria in the multi-agent games is open. This chapter measures, on
# this book's 2-core machine, what the exact methods of the previous
# chapters cost as problems grow, and where they stop being usable.

# %% tags=["parameters"]
scale = "book"  # "smoke" (seconds, for tests), "book" (default) or "full"

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

from persuasion import optimal_signal, random_game
from persuasion.algorithmic import independent_actions_game, lp_size
from persuasion.bayesian_persuasion import obedience_matrix
from persuasion.book import chapter
from persuasion.book.plotting import plot_scaling, save_figure
from persuasion.competition_among_ais import (
    CompetitionGame,
    pure_equilibria,
    random_experiment_menu,
)
from persuasion.competition_in_persuasion import (
    InformationEnvironment,
    all_partitions,
    equilibrium_outcomes,
)

SIZES = {  # state counts at |A| = 20, action counts at |Omega| = 200, largest n of independent actions
    "smoke": dict(
        states=[25, 50, 100, 200], actions=[4, 8, 16], max_n=10, max_agents=4
    ),
    "book": dict(
        states=[50, 100, 200, 500, 1000, 2000, 5000],
        actions=[5, 10, 20, 40],
        max_n=12,
        max_agents=6,
    ),
    "full": dict(
        states=[50, 100, 200, 500, 1000, 2000, 5000, 10000],
        actions=[5, 10, 20, 40, 80],
        max_n=14,
        max_agents=7,
    ),
}
size, rng, checks = chapter(scale, SIZES, seed=20160619)
state_sizes, action_sizes, max_n, max_agents = size.states, size.actions, size.max_n, size.max_agents


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


# %% [markdown]
# ## The size of the optimal-signal LP
#
# The LP of {ref}`ch-bayesian-persuasion` has one variable
# $p(\omega, a)$ per state and action, $|\Omega|$ consistency rows and
# $|A|(|A| - 1)$ obedience rows, each dense in the states.
#
# ```{prf:theorem} Size of the explicit LP
# :label: prop-lp-size
#
# With an explicitly listed prior, the optimal signal solves an LP with
# $|\Omega||A|$ variables and $|\Omega| + |A|(|A| - 1)$ constraints besides
# non-negativity, so it is polynomial in $|\Omega|$ and $|A|$
# {cite:p}`dughmi2016algorithmic`.
# ```
#
# We check the counts on the LP builders and time `optimal_signal` (HiGHS,
# interior point) on random games, growing the states at $|A| = 20$ and
# the actions at $|\Omega| = 200$.

# %%
rows = []
for n_s in state_sizes:
    g = random_game(n_s, 20, rng)
    secs, sol = timed(lambda g=g: optimal_signal(g))
    rows.append(("states", n_s, 20, secs))
    checks.true(
        f"LP size at |Omega| = {n_s}, |A| = 20 matches the builders",
        obedience_matrix(g).shape == (lp_size(n_s, 20)[2], lp_size(n_s, 20)[0]),
    )
for n_a in action_sizes:
    g = random_game(200, n_a, rng)
    secs, _ = timed(lambda g=g: optimal_signal(g))
    rows.append(("actions", 200, n_a, secs))
slope = {}
for kind in ("states", "actions"):
    r = [x for x in rows if x[0] == kind]
    size = [x[1] if kind == "states" else x[2] for x in r]
    slope[kind] = np.polyfit(np.log(size[1:]), np.log([x[3] for x in r][1:]), 1)[0]
for x in rows:
    print(
        f"|Omega| = {x[1]:>5}, |A| = {x[2]:>3}: {x[1] * x[2]:>7} variables, {x[3]:.3f} s"
    )
print(
    f"fitted slopes of log time: {slope['states']:.2f} in |Omega| (|A| = 20), {slope['actions']:.2f} in |A| (|Omega| = 200)"
)
largest = max(x[1] * x[2] for x in rows)
checks.true(
    "solve times measured up to the largest size of this scale",
    largest >= state_sizes[-1] * 20,
    value=largest,
)

# %% tags=["remove-output"]
fig, ax = plt.subplots(figsize=(6.4, 3.8))
plot_scaling(
    ax,
    {
        f"more states, |A| = 20 (slope {slope['states']:.2f})": (
            [x[1] * x[2] for x in rows if x[0] == "states"],
            [x[3] for x in rows if x[0] == "states"],
        ),
        f"more actions, |Ω| = 200 (slope {slope['actions']:.2f} in |A|)": (
            [x[1] * x[2] for x in rows if x[0] == "actions"],
            [x[3] for x in rows if x[0] == "actions"],
            [f"|A|={x[2]}" for x in rows if x[0] == "actions"],
        ),
    },
    xlabel="LP variables |Ω|·|A| (log scale)",
    ylabel="optimal_signal time (seconds, log scale)",
)
save_figure(fig, "lp-scaling")
plt.show()

# %% [markdown]
# ```{figure} /figures/lp-scaling.png
# :name: fig-lp-scaling
# :alt: Log-log plot of the optimal-signal LP's solve time against the number of variables.
#
# Solve time of the explicit LP on this machine (one run per size). Adding
# actions costs more than adding states: obedience rows grow as $|A|^2$ and
# each is dense in the states. The slopes in the legend are fitted to the
# points beyond the smallest one; `benchmarks/bench_optimal_signal.py`
# records larger sizes.
# ```
#
# ## When the prior is not a list: independent actions
#
# Polynomial in $|\Omega|$ is no comfort when $|\Omega|$ itself is
# exponential. In the independent-actions model of
# {cite:t}`dughmi2016algorithmic`, each of the Receiver's $n$ actions has a
# type drawn independently from $m$ possibilities; the state is the vector
# of types, so $|\Omega| = m^n$ and the explicit LP has $n\,m^n$ variables.
# With $m = 2$ we grow $n$ until the solve takes more than a few seconds.

# %%
ind = []
for n in range(2, max_n + 1):
    g = independent_actions_game([0.0, 1.0], [1.0, 0.3], [0.6, 0.4], n)
    secs, sol = timed(lambda g=g: optimal_signal(g))
    ind.append((n, g.n_states, g.n_states * n, secs, sol.value))
    checks.true(f"independent actions n = {n}: {2**n} states", g.n_states == 2**n)
for x in ind:
    print("n = {:>2}: {:>6} states, {:>7} variables, {:.3f} s, value {:.4f}".format(*x))
growth = np.polyfit([x[0] for x in ind[-4:]], np.log([x[3] for x in ind[-4:]]), 1)[0]
print(
    f"time grows by a factor {np.exp(growth):.2f} per extra action at the largest sizes"
)
for n_future in (14, 16, 18):
    predicted = ind[-1][3] * np.exp(growth * (n_future - ind[-1][0]))
    print(
        f"  extrapolated: n = {n_future} ({2**n_future} states) would take about {predicted:.0f} s"
    )
# Timings vary with the machine's load, so the claim checked is about the LP's size;
# the measured growth in time is printed above and drawn below.
variables = np.array([x[2] for x in ind])
checks.all_of(
    "each extra action more than doubles the LP's variables (n 2^n)",
    variables[1:] / variables[:-1] > 2,
)

# %% tags=["remove-output"]
fig, ax = plt.subplots(figsize=(6.4, 3.4))
ax.semilogy(
    [x[0] for x in ind], [x[3] for x in ind], marker="o", ms=6, ls="-", color="black"
)
ax.set_xlabel("number of actions $n$ (each with 2 types; $2^n$ states)")
ax.set_ylabel("optimal_signal time\n(seconds, log scale)")
save_figure(fig, "independent-actions")
plt.show()

# %% [markdown]
# ```{figure} /figures/independent-actions.png
# :name: fig-independent-actions
# :alt: Solve time of the explicit LP against the number of independent actions, log scale.
#
# The explicit LP for the independent-actions model: time is exponential in
# $n$ (a straight line on the log scale). The printout above extrapolates
# the fitted growth to larger $n$: each extra action multiplies the time.
# ```
#
# ## Equilibria of the multi-player games
#
# The exact methods of {ref}`ch-competition-in-persuasion` and
# {ref}`ch-competition-among-ais` enumerate profiles, so their cost is at
# least $\prod_i |\Pi_i|$, exponential in the number of players.

# %%
eq_rows = []
for n_senders in (2, 3):
    for n in (2, 3, 4):
        env = InformationEnvironment(np.full(n, 1 / n), [all_partitions(n)] * n_senders)
        secs, ana = timed(env.analyse)
        equilibrium_outcomes(ana, rng.normal(size=(ana.n_outcomes, n_senders)))
        eq_rows.append(("senders", n_senders, int(np.prod(env.menu_sizes)), secs))
for m in range(2, max_agents + 1):
    g = CompetitionGame(
        rng.dirichlet(np.ones(3)),
        rng.normal(size=(3, 3)),
        rng.normal(size=(m, 3, 3)),
        [random_experiment_menu(3, 4, rng) for _ in range(m)],
    )
    secs, _ = timed(lambda g=g: pure_equilibria(g.table()))
    eq_rows.append(("agents", m, 4**m, secs))
checks.true(
    "profiles of the agents' game = 4^m",
    all(x[2] == 4 ** x[1] for x in eq_rows if x[0] == "agents"),
)
for x in eq_rows:
    print("{} = {}: {:>6} profiles, {:.3f} s".format(*x))

# %% tags=["remove-output"]
fig, ax = plt.subplots(figsize=(6.4, 3.4))
plot_scaling(
    ax,
    {
        "senders (Ch. 2), menus of all partitions": (
            [x[2] for x in eq_rows if x[0] == "senders"],
            [x[3] for x in eq_rows if x[0] == "senders"],
        ),
        "agents (Ch. 4), menus of 4 experiments": (
            [x[2] for x in eq_rows if x[0] == "agents"],
            [x[3] for x in eq_rows if x[0] == "agents"],
            [f"m={x[1]}" for x in eq_rows if x[0] == "agents"],
        ),
    },
    xlabel="number of strategy profiles (log scale)",
    ylabel="time to find all pure\nequilibria (seconds, log scale)",
)
save_figure(fig, "equilibrium-cost")
plt.show()

# %% [markdown]
# ```{figure} /figures/equilibrium-cost.png
# :name: fig-equilibrium-cost
# :alt: Time to find all pure equilibria against the number of profiles.
#
# Exact equilibrium search on this machine. The agents' game is linear in
# the number of profiles; the senders' game also pays for the Blackwell
# order between outcomes.
# ```
#
# ## What the essay leaves open
#
# Nothing here is a hardness result. The essay asks whether equilibria of
# the multi-agent persuasion games admit polynomial-time computation or
# approximation, and whether the problems are PPAD- or #P-hard; this book's
# methods enumerate, and the figures above show only that enumeration is
# exponential in the number of players and, for structured priors, in the
# number of actions. Succinct representations and learning-based methods
# ({ref}`ch-online-regret`) are the alternatives the literature offers.
#
# ## What we have seen
#
# - The explicit LP has $|\Omega||A|$ variables and $|A|(|A| - 1)$ dense
#   obedience rows; its solve time grows polynomially, faster in $|A|$.
# - For independent actions the state space is $m^n$, and exact solving
#   grows exponentially in $n$.
# - Exact equilibrium search grows with the number of profiles,
#   exponential in the number of players.
#
# ## Exercises
#
# ```{exercise} Count the LP
# :label: ex-count-lp
#
# How many variables and obedience rows has the LP for 30 states and 12
# actions? Check with the builders.
# ```
#
# ```{solution-start} ex-count-lp
# :class: dropdown
# ```
#
# $30 \cdot 12 = 360$ variables and $12 \cdot 11 = 132$ obedience rows.

# %%
g = random_game(30, 12, rng)
checks.true(
    "exercise: 360 variables and 132 obedience rows",
    obedience_matrix(g).shape == (132, 360),
)

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} An aligned Sender with independent actions
# :label: ex-aligned-independent
#
# If the Sender's and Receiver's values of each type coincide, what is the
# optimal value with $n$ actions and types worth 0 or 1 with probability
# $1/2$? Check for small $n$.
# ```
#
# ```{solution-start} ex-aligned-independent
# :class: dropdown
# ```
#
# Full information is optimal for an aligned Sender, and the Receiver then
# takes a type-1 action whenever one exists: the value is $1 - 2^{-n}$.

# %%
vals = [
    optimal_signal(independent_actions_game([0, 1], [0, 1], [0.5, 0.5], n)).value
    for n in range(1, 7)
]
checks.close(
    "exercise: aligned value 1 - 2^-n",
    vals,
    [1 - 0.5**n for n in range(1, 7)],
    atol=1e-7,
)

# %% [markdown]
# ```{solution-end}
# ```

# %%
checks
