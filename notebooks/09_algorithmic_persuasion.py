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
# chapters cost as problems grow, and where they stop being usable; and it
# shows, with Dughmi and Xu's algorithm for i.i.d. actions, that the same
# problem can be exponential in one representation and polynomial in
# another.
#
# The robust delegation LP of {ref}`ch-delegation` is timed in that chapter,
# in its section on what the exact solution costs; the theorems in the body
# of {cite:t}`fudenberg2025friend` are neither reproduced nor timed in this
# book.
#
# The chapter's imports and sizes are in the hidden cell below, with
# `timed(fn)`, which returns the median wall time of three runs of `fn`
# (one run where it takes over a second) and its result.

# %% tags=["parameters"]
scale = "book"  # "smoke" (seconds, for tests), "book" (default) or "full"

# %% tags=["hide-input"]
import itertools
import time
from textwrap import fill

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from persuasion import optimal_signal, random_game
from persuasion.algorithmic import (
    check_lp_size,
    iid_optimal_signal,
    independent_actions_game,
    lp_size,
)
from persuasion.bayesian_persuasion import consistency_matrix, obedience_matrix
from persuasion.book import chapter
from persuasion.book.plotting import LINESTYLES, MARKERS, PALETTE, plot_scaling, save_figure
from persuasion.book.tables import Table
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
from persuasion.lp import solve_lp

SIZES = {  # state counts at |A| = 20, action counts at |Omega| = 200, largest n of independent actions
    "smoke": dict(
        states=[25, 50, 100, 200],
        actions=[4, 8, 16],
        max_n=10,
        max_n3=5,
        partition_states=[2, 3],
        max_agents=4,
    ),
    "book": dict(
        states=[50, 100, 200, 500, 1000, 2000, 5000],
        actions=[5, 10, 20, 40],
        max_n=12,
        max_n3=7,
        partition_states=[2, 3, 4],
        max_agents=6,
    ),
    "full": dict(
        states=[50, 100, 200, 500, 1000, 2000, 5000, 10000],
        actions=[5, 10, 20, 40, 80],
        max_n=14,
        max_n3=7,
        partition_states=[2, 3, 4],
        max_agents=7,
    ),
}
size, rng, checks = chapter(scale, SIZES, seed=20160619)
state_sizes, action_sizes, max_n, max_agents = size.states, size.actions, size.max_n, size.max_agents
max_n3, partition_states = size.max_n3, size.partition_states


def timed(fn, repeats=3, cheap=1.0):
    """Median wall time of ``repeats`` runs of ``fn`` (one run if the first takes over ``cheap`` s), and its result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
        if times[0] > cheap:
            break
    return float(np.median(times)), out


_ = optimal_signal(random_game(5, 3, rng))  # the first solve pays for loading the solver: not timed


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
# We check the counts against the LP builders (the closed form of
# `lp_size` and `check_lp_size` against the matrices the solver is given)
# and time `optimal_signal` (HiGHS, interior point) on random games,
# growing the states at $|A| = 20$ and the actions at $|\Omega| = 200$.
# Each time is the median of three runs (one run where a solve takes over
# a second), after one untimed solve that loads the solver.

# %%
rows, state_games = [], []  # rows: (what grows, |Omega|, |A|, seconds)
for n_s in state_sizes:
    g = random_game(n_s, 20, rng)
    rows.append(("states", n_s, 20, timed(lambda g=g: optimal_signal(g))[0]))
    state_games.append(g)
for n_a in action_sizes:
    g = random_game(200, n_a, rng)
    rows.append(("actions", 200, n_a, timed(lambda g=g: optimal_signal(g))[0]))

# %% tags=["remove-input"]
for g in state_games:
    n_s = g.n_states
    G, C = obedience_matrix(g), consistency_matrix(g)
    checks.true(
        f"LP size at |Omega| = {n_s}, |A| = 20: the counting formulas match the built matrices",
        G.shape == (lp_size(n_s, 20)[2], lp_size(n_s, 20)[0])
        and C.shape[0] == lp_size(n_s, 20)[1]
        and G.nnz + C.nnz == check_lp_size(n_s, 20),
        value=G.nnz + C.nnz,
        method="formulas vs shapes and non-zeros of the matrices",
    )

# %% [markdown]
# The times, and the slope of log time against log size, fitted to the
# points beyond the smallest one:

# %%
caption = ("The optimal-signal LP: size and time to build and solve, growing the "
           "states at 20 actions, then the actions at 200 states.")
display(Table([(kind, n_s, n_a, n_s * n_a, secs) for kind, n_s, n_a, secs in rows],
              ["grown", "states", "actions", "variables", "time (s)"],
              digits=[None, None, None, None, 3], caption=caption))
slope = {}
for kind, grown in (("states", 1), ("actions", 2)):
    r = [x for x in rows if x[0] == kind][1:]
    fit = np.polyfit(np.log([x[grown] for x in r]), np.log([x[3] for x in r]), 1)
    slope[kind] = fit[0]
print(f"fitted slopes of log time: {slope['states']:.2f} in |Ω| (|A| = 20),"
      f" {slope['actions']:.2f} in |A| (|Ω| = 200)")

# %% [markdown]
# Larger LPs are refused before they are built: the size guard counts the
# non-zeros first.

# %%
try:
    check_lp_size(1000, 300)
except ValueError as refusal:
    print(fill(f"refused up front: {refusal}", 86))

# %% tags=["hide-input", "remove-output"]
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
    ylabel="time to build and solve the LP\n(seconds, log scale)",
)
save_figure(fig, "lp-scaling")
plt.show()

# %% [markdown]
# ```{figure} /figures/lp-scaling.png
# :name: fig-lp-scaling
# :alt: Log-log plot of the optimal-signal LP's solve time against the number of variables.
#
# Solve time of the explicit LP on this machine (median of three runs
# below one second, one run above). The LP's size grows faster in actions
# than in states: obedience rows grow as $|A|^2$ and each is dense in the
# states (the counting formulas above); how the time follows the size is
# this machine's finding. The slopes in the legend are fitted to the points
# beyond the smallest one; `benchmarks/bench_optimal_signal.py` records larger sizes. The LP
# with 1000 states and 300 actions has $9 \times 10^7$ non-zeros and is
# refused before it is built (`check_lp_size`).
# ```
#
# ## When the prior is not a list: independent actions
#
# Polynomial in $|\Omega|$ is no comfort when $|\Omega|$ itself is
# exponential. In the independent-actions model of
# {cite:t}`dughmi2016algorithmic`, each of the Receiver's $n$ actions has a
# type drawn independently from $m$ possibilities, worth $\rho_t$ to the
# Receiver and $\xi_t$ to the Sender; the state is the vector of types, so
# $|\Omega| = m^n$ and the explicit LP has $n\,m^n$ variables.
#
# When the types are also identically distributed, Dughmi and Xu show that
# an optimal scheme is computed in time polynomial in $n$ and $m$.
#
# ```{prf:theorem} I.i.d. actions (Dughmi and Xu)
# :label: thm-iid-polynomial
#
# If the $n$ actions' types are i.i.d. draws from an explicitly given
# distribution $q$ on $m$ types, an optimal signaling scheme can be computed
# in time polynomial in $n$ and $m$ {cite:p}`dughmi2016algorithmic`. For
# independent but not identically distributed types they show that
# computing the optimal value exactly is #P-hard.
# ```
#
# The argument is short. Permuting the actions permutes an obedient scheme
# into an obedient scheme of the same value, so the average over all
# permutations is optimal and symmetric. A symmetric scheme is summed up by
# its *interim rule* $x_t$, the probability that a given action is
# recommended when its type is $t$: the Sender gets $n \sum_t q_t x_t
# \xi_t$; one action is always recommended, $n \sum_t q_t x_t = 1$; by
# symmetry the $n(n-1)$ obedience rows collapse to one,
# $n \sum_t q_t x_t \rho_t \ge \sum_t q_t \rho_t$; and Border's theorem
# says which $x$ come from some scheme: $n \sum_{t \in T} q_t x_t \le 1 -
# (1 - q(T))^n$ for every set $T$ of types, the probability that some
# action has its type in $T$. That LP has $m$ variables whatever $n$.
#
# ```{admonition} Departure from the paper
# :class: note
#
# `iid_optimal_signal` solves this LP with Border rows added as they are
# violated; the most violated row is among the level sets of $x$, found by
# sorting (the separation step of the paper's algorithm). Dughmi and Xu
# bound the running time through the ellipsoid method; our loop ends
# because there are finitely many rows, and the number of rounds is
# printed, not bounded. It returns the optimal value and interim rule, not
# the scheme on the $m^n$ states.
# ```
#
# We compare the two LPs on the same instance as $n$ grows: two types,
# good for the Receiver ($\rho = 1$) with probability $0.4$ or bad
# ($\rho = 0$); the Sender gains $1$ from a bad action and $0.3$ from a good
# one. Here there is a closed form. Whatever the scheme, an obedient
# Receiver does at least as well as by ignoring it and taking a fixed
# action, so a good action is recommended with probability at least $0.4$;
# recommending an action uniformly at random attains that, so the optimal
# value is $0.6 \cdot 1 + 0.4 \cdot 0.3 = 0.72$ for every $n$.

# %%
RHO, XI, Q = [0.0, 1.0], [1.0, 0.3], [0.6, 0.4]
closed_form = Q[0] * XI[0] + Q[1] * XI[1]

# %% [markdown]
# For each $n$, both LPs are built, solved and timed:

# %%
ind = []  # one row per n: sizes, times and values of both LPs
for n in range(2, max_n + 1):
    g = independent_actions_game(RHO, XI, Q, n)
    t_explicit, sol = timed(lambda g=g: optimal_signal(g))
    t_sym, sym = timed(lambda n=n: iid_optimal_signal(RHO, XI, Q, n), repeats=11)
    ind.append(dict(n=n, states=g.n_states, explicit_vars=lp_size(g.n_states, n)[0],
                    sym_vars=sym.variables, border=sym.border_rows,
                    t_explicit=t_explicit, t_sym=t_sym,
                    v_explicit=sol.value, v_sym=sym.value))

# %%
ind_rows = [(x["n"], x["states"], x["explicit_vars"], x["t_explicit"],
             x["sym_vars"], x["border"], 1e3 * x["t_sym"]) for x in ind]
values = sorted({round(v, 6) for x in ind for v in (x["v_explicit"], x["v_sym"])})
agree = (f"the value {values[0]:g}" if len(values) == 1
         else f"values from {values[0]:g} to {values[-1]:g}")
display(Table(ind_rows, ["n", "states", "explicit LP: variables", "time (s)",
                         "symmetric LP: variables", "Border rows", "time (ms)"],
              digits=[None, None, None, 3, None, None, 1],
              caption="The explicit LP over mⁿ states against the symmetric LP: "
                      f"both give {agree} at every n."))
last = ind[-4:]
log_time = np.log([x["t_explicit"] for x in last])
growth = np.polyfit([x["n"] for x in last], log_time, 1)[0]
print(f"explicit LP: time grows by a factor {np.exp(growth):.2f} per extra action"
      " at the largest sizes")

# %% tags=["remove-input"]
checks.close(
    f"symmetric LP (m variables) = explicit LP (n m^n variables), n = 2..{max_n}",
    [x["v_sym"] for x in ind],
    [x["v_explicit"] for x in ind],
    atol=1e-6,
    method="explicit LP over all 2^n states",
)
checks.close(
    "both equal the closed form 0.6 * 1 + 0.4 * 0.3 = 0.72 at every n",
    [[x["v_sym"], x["v_explicit"]] for x in ind],
    np.full((len(ind), 2), closed_form),
    atol=1e-6,
    method="closed form 0.6 * 1 + 0.4 * 0.3",
)

# %% [markdown]
# Beyond the explicit LP's reach the symmetric LP still takes milliseconds:
# with $n = 10^6$ actions there are $2^{10^6}$ states.

# %%
far = []
for n in (100, 10_000, 1_000_000):
    secs, sym = timed(lambda n=n: iid_optimal_signal(RHO, XI, Q, n), repeats=11)
    far.append((n, secs, sym.value))
    print(f"n = {n:>9}: symmetric LP {secs * 1e3:.1f} ms, value {sym.value:.6f}")

# %% tags=["remove-input"]
checks.close(
    "symmetric LP at n = 10^2, 10^4, 10^6 attains the closed form 0.72",
    [x[2] for x in far],
    [closed_form] * len(far),
    atol=1e-6,
    method="closed form 0.72 (explicit LP out of reach)",
)

# %% [markdown]
# With two types the optimum found needs no Border row beyond the one for
# all types (the table's "Border rows" column: 1). A three-type instance, whose optimum
# does need them, checks the separation step: against the explicit LP, a
# different algorithm on a different formulation, and against the LP
# without Border rows, whose value is higher (it admits interim rules that
# no scheme has).

# %%
def without_border(rho, xi, q, n):
    """The symmetric LP with only the row for all types: no Border condition."""
    q, rho = np.array(q), np.array(rho)
    return solve_lp(n * q * np.array(xi), A_ub=[-n * q * rho, n * q],
                    b_ub=[-q @ rho, 1.0], A_eq=[n * q], b_eq=[1.0], maximize=True).fun


# %% [markdown]
# The three LPs for $n = 2, 3, \dots$:

# %%
RHO3, XI3, Q3 = [0.0, 0.5, 1.0], [1.0, 0.8, 0.0], [0.5, 0.3, 0.2]
three = []
for n in range(2, max_n3 + 1):
    sym = iid_optimal_signal(RHO3, XI3, Q3, n)
    explicit = optimal_signal(independent_actions_game(RHO3, XI3, Q3, n)).value
    relaxed = without_border(RHO3, XI3, Q3, n)
    three.append((n, 3**n, sym.value, explicit, relaxed, sym.border_rows, sym.rounds))
Table(three, ["n", "states", "symmetric LP", "explicit LP", "without Border rows",
              "Border rows", "rounds"], digits=6,
      caption="Three types: the optimal value by three LPs.")

# %% tags=["remove-input"]
checks.close(
    f"three types: symmetric LP = explicit LP, n = 2..{max_n3}",
    [x[2] for x in three],
    [x[3] for x in three],
    atol=1e-6,
    method="explicit LP over all 3^n states",
)
checks.all_of(
    "three types: the LP without Border rows overstates the explicit LP's value at every n",
    [x[4] > x[3] + 1e-6 for x in three],
    method="LP without Border rows vs explicit LP",
)

# %% tags=["hide-input", "remove-output"]
fig, (ax_size, ax_time) = plt.subplots(1, 2, figsize=(7.0, 3.6))
ns = [x["n"] for x in ind]
for k, (label, key_vars, key_time) in enumerate(
    [
        ("explicit LP ($n\\,2^n$ variables)", "explicit_vars", "t_explicit"),
        ("symmetric LP (2 variables)", "sym_vars", "t_sym"),
    ]
):
    style = dict(color=PALETTE[2 * k], ls=LINESTYLES[k], marker=MARKERS[k], ms=6, label=label)
    ax_size.semilogy(ns, [x[key_vars] for x in ind], **style)
    ax_time.semilogy(ns, [x[key_time] for x in ind], **style)
ax_size.set_xlabel("actions $n$ (2 types each, $2^n$ states)")
ax_size.set_ylabel("LP variables (log scale)")
ax_time.set_xlabel("actions $n$")
ax_time.set_ylabel("median solve time (s, log scale)")
fig.legend(*ax_size.get_legend_handles_labels(), loc="lower center", ncol=2, frameon=False)
fig.tight_layout(rect=(0, 0.1, 1, 1))
save_figure(fig, "independent-actions")
plt.show()

# %% [markdown]
# ```{figure} /figures/independent-actions.png
# :name: fig-independent-actions
# :alt: Two log-scale panels against the number of actions: LP variables and solve time, explicit and symmetric LP.
#
# The independent-actions model with i.i.d. types, solved two ways. Left:
# the exact number of LP variables, $n\,2^n$ for the explicit LP
# (exponential, a straight line on the log scale) against 2 for the
# symmetric LP of {prf:ref}`thm-iid-polynomial`. Right: solve times on this
# machine (medians of repeated runs): for the explicit LP they grow
# geometrically once fixed overheads stop dominating (beyond the first few
# $n$), for the symmetric LP they stay at milliseconds. Both give the value 0.72
# at every $n$.
# ```
#
# ## Equilibria of the multi-player games
#
# The exact methods of {ref}`ch-competition-in-persuasion` and
# {ref}`ch-competition-among-ais` enumerate profiles, so their cost is at
# least $\prod_i |\Pi_i|$, exponential in the number of players.
#
# First, two or three senders, each choosing among all partitions of
# $|\Omega|$ equally likely states: the analysis of every profile is timed,
# then the equilibria for random preferences are found.

# %%
eq_rows = []  # (family, |Ω| or m, profiles, seconds)
for n_senders in (2, 3):
    for n in partition_states:
        env = InformationEnvironment(np.full(n, 1 / n), [all_partitions(n)] * n_senders)
        secs, ana = timed(env.analyse)
        equilibrium_outcomes(ana, rng.normal(size=(ana.n_outcomes, n_senders)))
        eq_rows.append((f"{n_senders} senders", n, int(np.prod(env.menu_sizes)), secs))

# %% [markdown]
# The agents' game of {ref}`ch-competition-among-ais` with $m$ agents, each
# choosing among 4 random experiments on 3 states: its payoff table, then
# its pure equilibria.


# %%
def agents_equilibria(g):
    table = g.table()
    return table, pure_equilibria(table)


# %% [markdown]
# Timed for $m = 2, 3, \dots$ agents:

# %%
agent_tables = []
for m in range(2, max_agents + 1):
    g = CompetitionGame(rng.dirichlet(np.ones(3)), rng.normal(size=(3, 3)),
                        rng.normal(size=(m, 3, 3)),
                        [random_experiment_menu(3, 4, rng) for _ in range(m)])
    secs, (table, eqs) = timed(lambda g=g: agents_equilibria(g))
    eq_rows.append(("agents", m, int(np.prod(g.menu_sizes)), secs))
    agent_tables.append((table, eqs))


# %% tags=["remove-input"]
def brute_force_equilibria(table, atol=1e-9):
    """Profiles where no agent gains by a unilateral switch, checked one deviation at a time."""
    sizes = table.agents.shape[:-1]
    found = []
    for prof in itertools.product(*(range(k) for k in sizes)):
        if all(
            table.agents[prof][i] >= table.agents[prof[:i] + (j,) + prof[i + 1 :]][i] - atol
            for i in range(len(sizes))
            for j in range(sizes[i])
        ):
            found.append(list(prof))
    return found


checks.all_of(
    f"pure equilibria of the agents' game (m = 2..{max_agents}) = those found by checking every deviation",
    [sorted(eqs.tolist()) == brute_force_equilibria(table) for table, eqs in agent_tables],
    method="brute force over every unilateral deviation",
)

# %%
for family, n, profiles, secs in eq_rows:
    what = "|Ω|" if "senders" in family else "m"
    print(f"{family}, {what} = {n}: {profiles:>6} profiles, {secs:.3f} s")

# %% tags=["hide-input", "remove-output"]
fig, ax = plt.subplots(figsize=(7.4, 3.6))
series = {}
for kind, label, note in (
    ("2 senders", "2 senders (Ch. 2)", "|Ω|={}"),
    ("3 senders", "3 senders (Ch. 2)", "|Ω|={}"),
    ("agents", "m agents (Ch. 4)", "m={}"),
):
    pts = sorted((x[2], x[3], x[1]) for x in eq_rows if x[0] == kind)
    series[label] = ([p[0] for p in pts], [p[1] for p in pts], [note.format(p[2]) for p in pts])
plot_scaling(
    ax,
    series,
    xlabel="number of strategy profiles (log scale)",
    ylabel="time to find all pure equilibria\n(seconds, median of runs, log scale)",
)
ax.margins(x=0.08, y=0.12)
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))
fig.tight_layout()
save_figure(fig, "equilibrium-cost")
plt.show()

# %% [markdown]
# ```{figure} /figures/equilibrium-cost.png
# :name: fig-equilibrium-cost
# :alt: Time to find all pure equilibria against the number of profiles.
#
# Exact equilibrium search on this machine, one curve per family of games,
# points in order of the number of profiles (each time the median of three
# runs below one second): senders choosing among all partitions of
# $|\Omega|$ equally likely states, agents each choosing among 4
# experiments. The agents' game is linear in the number of
# profiles; the senders' game also pays for the Blackwell order between
# outcomes.
# ```
#
# ## What the essay leaves open
#
# Nothing here is a hardness result. The essay asks whether equilibria of
# the multi-agent persuasion games admit polynomial-time computation or
# approximation, and whether the problems are PPAD- or #P-hard; this book's
# methods enumerate, and the figures above show only that enumeration is
# exponential in the number of players and, for structured priors, in the
# number of actions. {prf:ref}`thm-iid-polynomial` shows what a succinct
# representation can buy: the i.i.d. structure that makes the explicit LP
# exponential is what makes the symmetric LP small. Learning-based methods
# ({ref}`ch-online-regret`) are the other alternative the literature offers.
#
# ## What we have seen
#
# - The explicit LP has $|\Omega||A|$ variables and $|A|(|A| - 1)$ dense
#   obedience rows, so its size grows faster in $|A|$ than in $|\Omega|$;
#   its solve time grows polynomially in both.
# - For independent actions the state space is $m^n$, and the explicit LP
#   grows exponentially in $n$; with i.i.d. types the symmetric LP over the
#   interim rule (Border's condition) has $m$ variables and gives the same
#   value, at $n = 10^6$ as fast as at $n = 2$.
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
rows_, variables = obedience_matrix(g).shape
print(f"{variables} variables, {rows_} obedience rows")

# %% tags=["remove-input"]
checks.true(
    "exercise: 360 variables and 132 obedience rows",
    obedience_matrix(g).shape == (132, 360),
    method="hand count: 30 * 12 and 12 * 11",
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
# takes a type-1 action whenever one exists: the value is $1 - 2^{-n}$. The
# explicit LP checks it for small $n$, the symmetric LP for large $n$ too.

# %%
ns_ex = list(range(1, 7)) + [20, 50]
vals = [
    optimal_signal(independent_actions_game([0, 1], [0, 1], [0.5, 0.5], n)).value
    if n <= 6
    else iid_optimal_signal([0, 1], [0, 1], [0.5, 0.5], n).value
    for n in ns_ex
]
for n, v in zip(ns_ex, vals):
    print(f"n = {n:>2}: value {v:.6f}, 1 - 2^-n = {1 - 2.0**-n:.6f}")

# %% tags=["remove-input"]
checks.close(
    "exercise: aligned value 1 - 2^-n (explicit LP n <= 6, symmetric LP n = 20, 50)",
    vals,
    [1 - 0.5**n for n in ns_ex],
    atol=1e-7,
    method="closed form 1 - 2^-n",
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
