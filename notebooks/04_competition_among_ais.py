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
# (ch-competition-among-ais)=
# # Competition among misaligned AIs
#
# {ref}`ch-delegation` ended on a pessimistic note: one agent whose goals we
# cannot pin down is worth little. The essay {cite:p}`cheng2025mechanism`
# (§3.2) argues that *several* misaligned agents can be worth as much as one
# aligned agent, provided they compete and their goals bracket ours. Its
# Theorems 4–6 come from {cite:t}`collina2025emergent`, *Emergent Alignment
# via Competition*; the essay's reference list attributes them to a
# different paper (its reference [3], {cite:t}`collina2025collaborative`).
#
# This chapter builds a finite version of the model: agents commit to
# experiments from finite menus, Alice best-responds or follows a quantal
# response, and equilibria are found by enumeration and by best-response
# dynamics. It checks the three results on random instances, shows which
# hypothesis each needs, computes the substitutability term of Theorem 5
# for agents who know different things, gives conversations of several
# rounds a worked instance, and closes with the debate experiments the
# essay cites as evidence.

# %% tags=["parameters"]
scale = "book"  # "smoke" (seconds, for tests), "book" (default) or "full"

# %% tags=["hide-input"]
import itertools
import math
import time
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np

from persuasion import PersuasionGame, optimal_signal
from persuasion.book import chapter
from persuasion.book.plotting import PALETTE, plot_scaling, save_figure
from persuasion.book.tables import Table
from persuasion.competition_among_ais import (
    CompetitionGame,
    aligned_agents,
    best_response_dynamics,
    block_experiment,
    pure_equilibria,
    quantal_response,
    random_experiment_menu,
    weighted_alignment,
)
from persuasion.conversations import count_conversation_rules, partition_rules, rounds_to_reveal
from persuasion.substitutability import competition_bound

SIZES = {  # random instances per point, menu size
    "smoke": dict(n_instances=8, menu_size=4, max_agents=4, max_states_rounds=5),
    "book": dict(n_instances=60, menu_size=5, max_agents=6, max_states_rounds=6),
    "full": dict(n_instances=400, menu_size=6, max_agents=6, max_states_rounds=6),
}
size, rng, checks = chapter(scale, SIZES, seed=25091590)
n_instances, menu_size, max_agents = size.n_instances, size.menu_size, size.max_agents
max_states_rounds = size.max_states_rounds
N_STATES, N_ACTIONS = 3, 3

# %% [markdown]
# ## The model
#
# ```{prf:definition} Competition among agents (after Collina et al.)
# :label: def-competition
#
# A state $\omega$ has prior $\mu_0$. Alice chooses $a \in A$ with utility
# $u_A(a, \omega)$. Each of $m$ agents commits to an experiment
# $\sigma_i : \Omega \to \Delta(S_i)$ from a finite menu; messages are
# independent given $\omega$. Alice sees every message and plays
# $a^*(s) \in \arg\max_a \mathbb E[u_A(a, \omega) \mid s]$, or the
# **quantal response** $\Pr[a \mid s] \propto \exp(\lambda\, \mathbb E[u_A(a,
# \omega) \mid s])$ {cite:p}`mckelvey1995quantal`. Agent $i$ receives
# $\mathbb E[u_i(a, \omega)]$. An equilibrium is a profile of experiments
# from which no agent gains by deviating. Alice's benchmark is the first best
# $\mathbb E[u_A(a^\dagger(\omega), \omega)]$, her payoff with full
# information.
# ```
#
# ```{prf:definition} Weighted alignment
# :label: def-weighted-alignment
#
# The agents are **$\varepsilon$-weighted-aligned** with Alice if for some
# weights $w$ in the simplex and a constant $c$,
# $\sup_{a, \omega} \big|\sum_i w_i u_i(a, \omega) + c - u_A(a, \omega)\big| \le \varepsilon .$
# ```
#
# The essay writes $u_A = \sum_i \alpha_i u_i$ exactly; the constant and
# the slack are Collina et al.'s and matter: agents need not agree with Alice
# on the *level* of utility, only on trade-offs, and only approximately.
# `weighted_alignment` finds the smallest $\varepsilon$ and its weights by LP.
#
# Two agents who each want Alice to lean one way, by opposite amounts, are
# exactly aligned on average even though neither is aligned alone:

# %%
uA_demo = np.array([[1.0, 0.0, 0.2], [0.0, 1.0, 0.2], [0.4, 0.4, 0.9]])
bias = np.array([[0.6, -0.3, 0.0], [0.0, 0.5, -0.4], [-0.2, 0.1, 0.3]])
pair = np.stack([uA_demo + bias + 1.0, uA_demo - bias - 1.0])
wa_pair = weighted_alignment(uA_demo, pair)
wa_first = weighted_alignment(uA_demo, pair[:1])
print(f"two agents: weights ({', '.join(f'{w:.3g}' for w in wa_pair.weights)}), "
      f"c = {wa_pair.constant + 0.0:.3g}, ε = {wa_pair.epsilon + 0.0:.2g}")
print(f"first agent alone: ε = {wa_first.epsilon:.3g}")

# %% tags=["remove-input"]
checks.close(
    "weighted alignment: opposite biases average out (epsilon = 0)",
    wa_pair.epsilon,
    0.0,
    atol=1e-9,
    method="LP vs construction: biases cancel at w = ½",
)
checks.close(
    "weighted alignment: weights (1/2, 1/2)",
    wa_pair.weights,
    [0.5, 0.5],
    atol=1e-8,
    method="LP vs construction (the only cancelling w)",
)
checks.true(
    "weighted alignment: one biased agent alone is not aligned",
    wa_first.epsilon > 0.1,
    value=wa_first.epsilon,
    method="LP vs hand value: half the bias range, 0.5",
)

# %% [markdown]
# ## Theorem 4: competition recovers the first best
#
# ```{prf:theorem} Essay's Theorem 4 (Collina et al., exact best response)
# :label: thm-competition-exact
#
# Under $\varepsilon$-weighted alignment, suppose
# **(i)** some agent can reveal sufficient information to induce Alice's
# Bayes-optimal action $a^\dagger(\omega)$, and
# **(ii)** all agents induce the same distribution over conversation
# transcripts. Then in every equilibrium
# $\mathbb E[u_A(a^*(s), \omega)] \ge \mathbb E[u_A(a^\dagger(\omega), \omega)] - O(\varepsilon)$.
# ```
#
# The essay's statement names no $\varepsilon$ (its alignment condition is
# exact); in the source it is the slack of
# {prf:ref}`def-weighted-alignment`. In our finite model a conversation rule
# is an experiment from a menu, and we read (ii) as: **every agent can
# induce the same transcript distributions**, i.e. all agents choose from
# the same menu (they have the same information and the same means of
# conveying it). Together with (i) this gives what the proof uses: every
# agent can reveal the state.
#
# ```{prf:proof} (in our finite model, under (i) and (ii))
# By (i) and (ii), every agent can switch to full revelation; Alice would
# then play $a^\dagger(\omega)$ whatever the others say. At an equilibrium,
# not switching means
# $\mathbb E[u_i(\text{eq})] \ge \mathbb E[u_i(a^\dagger)]$. Multiply by
# $w_i$, sum, and use weighted alignment twice:
# $\mathbb E[u_A(\text{eq})] \ge \mathbb E[u_A(a^\dagger)] - 2\varepsilon$.
# ```
#
# We test this on random instances where both conditions hold: random Alice
# utilities, agents built with large random biases that average to within
# $\varepsilon$ of Alice's utility (`aligned_agents`), and one menu, shared
# by all agents, holding no information, full revelation and random
# experiments. For contrast, a **single** misaligned
# agent (the first of the two) with full commitment power: it persuades
# Alice exactly as the prosecutor of {ref}`ch-bayesian-persuasion`
# persuades the judge (`optimal_signal` with Alice as Receiver).


# %% tags=["hide-input"]
def instance(eps, n_agents=2, reveal=None):
    """A random prior, Alice utility, eps-aligned agents and menus.

    By default all agents share one menu holding full revelation (conditions
    (i) and (ii)); ``reveal`` gives each agent its own menu, with full
    revelation where ``reveal[i]`` is true.
    """
    prior = rng.dirichlet(np.ones(N_STATES))
    uA = rng.normal(size=(N_ACTIONS, N_STATES))
    w = rng.dirichlet(np.ones(n_agents)) * 0.8 + 0.2 / n_agents
    U = aligned_agents(uA, w, eps, rng)
    if reveal is None:
        menus = [random_experiment_menu(N_STATES, menu_size, rng)] * n_agents
    else:
        menus = [random_experiment_menu(N_STATES, menu_size, rng, full=r) for r in reveal]
    return CompetitionGame(prior, uA, U, menus)


def alice_under_single_agent(game, i=0):
    """Alice's payoff when agent i alone chooses any signal (full commitment power)."""
    sol = optimal_signal(PersuasionGame(game.prior, game.principal_utility, game.agent_utilities[i]))
    joint = sol.weights[:, None] * sol.posteriors
    return float((joint * game.principal_utility[np.asarray(sol.actions)]).sum())


def epsilon_of(game):
    """The smallest alignment slack of the game's agents (the LP of `weighted_alignment`)."""
    return weighted_alignment(game.principal_utility, game.agent_utilities).epsilon


def worst_for_alice(tab):
    """Alice's payoff at her worst pure equilibrium of the table (nan if there is none)."""
    eq = pure_equilibria(tab)
    return tab.alice[tuple(eq.T)].min() if len(eq) else np.nan


# %% [markdown]
# One trial draws an instance (`instance`, behind the toggle above, with
# the helpers `epsilon_of` and `worst_for_alice`), builds
# the payoff table of every profile, and reads off Alice's payoff at her
# worst pure equilibrium, beside her first best and her payoff under the
# single agent:


# %%
def trial(eps):
    g = instance(eps)
    tab = g.table()  # Alice's and the agents' payoffs at every profile
    worst = tab.alice[tuple(pure_equilibria(tab).T)].min()
    return epsilon_of(g), g.first_best, worst, alice_under_single_agent(g)


# %% [markdown]
# We run it on a grid of slacks $\varepsilon$:

# %%
eps_grid = [0.0, 0.02, 0.05, 0.1, 0.2, 0.4]
runs = np.array([[trial(eps) for _ in range(n_instances)] for eps in eps_grid])
eps_hat, first_best, worst_eq, single = runs.transpose(2, 0, 1)
shortfall_comp, shortfall_single = first_best - worst_eq, first_best - single
print(f"largest shortfall of any equilibrium, competing: {shortfall_comp.max():.2g}")
print(f"the bound 2ε at the largest ε: {2 * eps_grid[-1]}")

# %% tags=["remove-input"]
bound_ok = (eps_hat <= np.array(eps_grid)[:, None] + 1e-9) & (worst_eq >= first_best - 2 * eps_hat - 1e-9)
checks.all_of(
    "Theorem 4: under (i) and (ii), every equilibrium gives Alice >= first best - 2 eps",
    bound_ok.ravel().tolist(),
    method="enumerated equilibria vs first best − 2ε",
)
checks.close(
    "Theorem 4: at eps = 0 every equilibrium attains the first best",
    shortfall_comp[0],
    0.0,
    atol=1e-9,
    method="enumerated equilibria vs full-info payoff",
)
checks.true(
    "a single misaligned agent costs Alice more than competition does, on average",
    shortfall_single.mean() > shortfall_comp.mean() + 0.05,
    value=f"mean shortfall {shortfall_single.mean():.3g} vs {shortfall_comp.mean():.3g}",
    method="persuasion LP vs enumerated equilibria",
)

# %% tags=["hide-input", "remove-output"]
fig, ax = plt.subplots(figsize=(6.4, 3.8))
ax.plot(
    eps_grid,
    shortfall_comp.max(axis=1),
    color=PALETTE[1],
    ls="-",
    marker="o",
    ms=4,
    label="two competing agents: worst equilibrium, worst instance",
)
ax.plot(
    eps_grid,
    shortfall_comp.mean(axis=1),
    color=PALETTE[1],
    ls=":",
    marker="s",
    ms=9,
    mfc="none",  # hollow and larger: visible around the worst instance's dots where the two coincide
    label="two competing agents: worst equilibrium, mean",
)
ax.plot(
    eps_grid,
    shortfall_single.mean(axis=1),
    color=PALETTE[2],
    ls="-.",
    marker="^",
    ms=6,
    label="one misaligned agent (full commitment): mean",
)
ax.plot(
    eps_grid,
    2 * np.array(eps_grid),
    color="black",
    ls="--",
    marker="",
    label=r"bound $2\varepsilon$",
)
ax.set_xlabel(r"alignment slack $\varepsilon$ (utility units)")
ax.set_ylabel("Alice's shortfall from the first best\n(utility units)")
ax.legend(loc="upper left")
save_figure(fig, "competition-epsilon")
plt.show()

# %% [markdown]
# ```{figure} /figures/competition-epsilon.png
# :name: fig-competition-epsilon
# :alt: Alice's shortfall from the first best against the alignment slack, for competition and for a single agent.
#
# Theorem 4 on random instances (3 states, 3 actions, two agents). With
# competition (the two lowest curves), even the worst equilibrium of the
# worst instance leaves Alice far inside the bound $2\varepsilon$ (dashed):
# the printout above gives its largest shortfall at any $\varepsilon$, and
# at $\varepsilon = 0$ the theorem makes it exactly zero. A single agent
# with the same biases, free to design any signal, leaves Alice below the
# first best whatever $\varepsilon$ is, because alignment *on average* says
# nothing about one agent.
# ```
#
# ### The $O(\varepsilon)$ term is needed
#
# Random instances never exercise the $\varepsilon$ term. This family does.
# Two equally likely states; Alice can match the state (worth 1) or take a
# safe action worth $1 - \varepsilon$ in either state, so without
# information she plays it. Both agents are Alice plus a bonus of
# $2\varepsilon$ for the safe action, so the weighted average is Alice's
# utility up to the constant $\varepsilon$: the agents are exactly
# $\varepsilon$-weighted-aligned. Both share one menu (no information, full
# revelation, random experiments), so (i) and (ii) hold. Silence is an
# equilibrium: each agent gets $1 - \varepsilon + 2\varepsilon = 1 + \varepsilon$
# from silence and $1$ from revealing. Alice's shortfall there is
# $\varepsilon$ (by hand), positive, and it vanishes as $\varepsilon \to 0$.

# %%
def family_game(eps):
    """Match the state (worth 1) or play safe (1 - eps); agents add 2 eps to safe."""
    uA_eps = np.array([[1.0, 0.0], [0.0, 1.0], [1 - eps, 1 - eps]])
    U_eps = np.stack([uA_eps, uA_eps]) + np.array([0.0, 0.0, 2 * eps])[None, :, None]
    shared_menu = random_experiment_menu(2, menu_size + 2, rng)
    return CompetitionGame([0.5, 0.5], uA_eps, U_eps, [shared_menu, shared_menu])


# %% [markdown]
# For each $\varepsilon$ we record the LP's slack and the shortfall of the
# worst equilibrium:

# %%
eps_family = [0.2, 0.1, 0.05, 0.02, 0.01, 0.005]
family = []
for eps in eps_family:
    g = family_game(eps)
    tab = g.table()
    worst = tab.alice[tuple(pure_equilibria(tab).T)].min()
    family.append((eps, epsilon_of(g), g.first_best - worst))
family = np.array(family)

# %% tags=["hide-input"]
for eps, eps_lp, short in family:
    print(f"ε = {eps:<6g} ε from the LP = {eps_lp:.4g}  worst-equilibrium shortfall = "
          f"{short:.4g}  bound 2ε = {2 * eps_lp:.4g}")

# %% tags=["remove-input"]
checks.close(
    "O(eps) family: the LP's alignment slack is eps",
    family[:, 1],
    family[:, 0],
    atol=1e-9,
    method="LP vs hand value ε (with c = −ε)",
)
checks.all_of(
    "O(eps) family: the shortfall is positive, at least eps (silence, by hand) and at most 2 eps",
    (family[:, 2] >= family[:, 0] - 1e-9) & (family[:, 2] <= 2 * family[:, 1] + 1e-9),
    method="enumeration vs silence by hand (ε) and 2ε",
)
checks.all_of(
    "O(eps) family: the shortfall shrinks as eps -> 0",
    np.diff(family[:, 2]) < 0,
    method="successive ε values compared",
)

# %% tags=["hide-input", "remove-output"]
fig, ax = plt.subplots(figsize=(5.2, 3.4))
ax.loglog(family[:, 0], family[:, 2], color=PALETTE[1], ls="none", marker="o", ms=7,
          label="worst equilibrium (computed)")
ax.loglog(family[:, 0], family[:, 0], color="0.45", ls=":", marker="",
          label=r"silence, by hand: $\varepsilon$")
ax.loglog(family[:, 0], 2 * family[:, 1], color="black", ls="--", marker="",
          label=r"bound $2\varepsilon$")
ax.set_xlabel(r"alignment slack $\varepsilon$ (utility units, log scale)")
ax.set_ylabel("Alice's shortfall from the first best\n(utility units, log scale)")
ax.legend(loc="upper left")
fig.tight_layout()
save_figure(fig, "competition-epsilon-family")
plt.show()

# %% [markdown]
# ```{figure} /figures/competition-epsilon-family.png
# :name: fig-competition-epsilon-family
# :alt: Alice's shortfall in the silence family against the alignment slack, with the line epsilon and the bound 2 epsilon.
#
# The family where silence is an equilibrium (two states, both agents
# Alice plus a bonus $2\varepsilon$ for the safe action). The worst
# equilibrium's shortfall (circles) is at least the shortfall of silence,
# $\varepsilon$ by hand (dotted), and at most the bound $2\varepsilon$
# (dashed) of {prf:ref}`thm-competition-exact`: positive, and shrinking to
# zero with $\varepsilon$. The bound is tight up to a factor 2, so the
# $O(\varepsilon)$ term cannot be dropped.
# ```

# %% [markdown]
# ### Which hypothesis is needed?
#
# The proof uses that **every** agent can reveal the state, which (i) and
# (ii) together give. Condition (i) alone is not enough: below, the agents
# have different menus (so (ii) fails) and only the first agent's menu holds
# full revelation (so (i) holds), with exact weighted alignment
# ($\varepsilon = 0$). Equilibria strictly below the first best appear, so
# the bound fails. This is why the theorem assumes (ii) as well; it does
# not contradict the theorem as the essay states it.

# %%
pairs = []  # (first best, worst equilibrium), one per instance
for _ in range(n_instances * 3):
    g = instance(0.0, reveal=[True, False])  # separate menus; only agent 0 can reveal
    pairs.append((g.first_best, worst_for_alice(g.table())))
bad = [(fb, w) for fb, w in pairs if w < fb - 1e-6]
print(f"(i) holds, (ii) fails: an equilibrium below the first best in {len(bad)} "
      f"of {len(pairs)} instances")
if bad:
    print("first example: first best {:.3f}, worst equilibrium {:.3f}".format(*bad[0]))

# %% tags=["remove-input"]
checks.true(
    "(i) without (ii): the bound fails (equilibria below the first best with eps = 0)",
    len(bad) > 0,
    value=f"{len(bad)} instances",
    method="counterexample search, random instances",
)

# %% [markdown]
# ### Finding equilibria by best-response dynamics
#
# Enumeration checks every profile; agents who adjust in turn
# (`best_response_dynamics`) need not converge in general, but here each
# run that starts from silence and converges lands on an equilibrium, and
# that equilibrium satisfies the bound.

# %%
runs_br = []  # (game, table, profile reached, converged?), each run from silence
for _ in range(n_instances):
    g = instance(0.05)
    tab = g.table()
    prof, converged, rounds = best_response_dynamics(tab, (0, 0))
    runs_br.append((g, tab, prof, converged))
n_conv = sum(run[3] for run in runs_br)
print(f"best-response dynamics converged in {n_conv} of {n_instances} instances")

# %% tags=["remove-input"]
ok_conv = []
for g, tab, prof, converged in runs_br:
    if converged:
        in_eq = any((prof == tuple(e)) for e in pure_equilibria(tab))
        ok_conv.append(in_eq and tab.alice[prof] >= g.first_best - 2 * epsilon_of(g) - 1e-9)
checks.all_of(
    "dynamics: every converged run ends at an equilibrium within the bound",
    ok_conv,
    method="dynamics vs enumerated equilibria, 2ε bound",
)

# %% [markdown]
# ## Theorem 5: a boundedly rational Alice
#
# ```{prf:theorem} Essay's Theorem 5 (Collina et al., bounded rationality)
# :label: thm-competition-qr
#
# If Alice follows a quantal response and the agents use straightforward
# (belief-encoding) messages, equilibrium performance satisfies
# $\mathbb E[u_A] \ge \mathbb E[u_A(a^\dagger(\omega), \omega)] - \varepsilon_{\text{align}} - \varepsilon_{\text{sub}} - \varepsilon_{\text{QR}}$,
# where the three error terms come from approximate alignment
# ($\varepsilon_{\text{align}}$), imperfect substitutability of the agents'
# information ($\varepsilon_{\text{sub}}$) and Alice's bounded rationality
# ($\varepsilon_{\text{QR}}$).
# ```
#
# In our model every agent can reveal the state, so the substitutability
# error $\varepsilon_{\text{sub}}$ is zero; the same deviation argument, with
# Alice's quantal response at full information in place of $a^\dagger$,
# gives $\varepsilon_{\text{align}} = 2\varepsilon$ and
# $\varepsilon_{\text{QR}} = \mathbb E[u_A(a^\dagger)] - \mathbb E[u_A(\text{QR at full information})] \le \log|A| / \lambda$
# (the standard bound for a softmax).

# %%
def qr_trial(lam, eps):
    g = instance(eps)
    tab = g.table(lam)  # Alice follows the quantal response with precision lam
    # LP slack, first best, Alice's QR payoff at full information, worst equilibrium
    return epsilon_of(g), g.first_best, tab.first_best, worst_for_alice(tab)


# %% [markdown]
# We run it at several precisions $\lambda$, with $\varepsilon = 0.05$:

# %%
lams = [0.5, 1.0, 2.0, 5.0, 10.0, 30.0, np.inf]
eps_qr = 0.05
n_qr = max(4, n_instances // 3)
qr = np.array([[qr_trial(lam, eps_qr) for _ in range(n_qr)] for lam in lams])
eps_hat, fb, qr_full, worst = qr.transpose(2, 0, 1)
qr_short = fb - worst

# %% tags=["remove-input"]
softmax_bound = np.array([0.0 if np.isinf(lam) else np.log(N_ACTIONS) / lam for lam in lams])[:, None]
bound = fb - 2 * eps_hat - (fb - qr_full)
qr_ok = (worst >= bound - 1e-9) & (fb - qr_full <= softmax_bound + 1e-12)
checks.all_of(
    "Theorem 5: worst equilibrium >= first best - 2 eps - eps_QR, and eps_QR <= log|A| / lambda",
    qr_ok.ravel().tolist(),
    method="enumeration vs 2ε + ε_QR; ε_QR vs log 3 / λ",
)

# %% tags=["hide-input", "remove-output"]
finite = np.isfinite(lams)
lam_f = np.array(lams)[finite]
fig, ax = plt.subplots(figsize=(6.4, 3.6))
ax.plot(
    lam_f,
    qr_short[finite].max(axis=1),
    color=PALETTE[1],
    ls="-",
    marker="o",
    ms=6,
    label="worst equilibrium, worst instance",
)
ax.plot(
    lam_f,
    2 * eps_qr + np.log(N_ACTIONS) / lam_f,
    color="black",
    ls="--",
    marker="",
    label=r"$2\varepsilon + \log|A|/\lambda$",
)
ax.axhline(
    qr_short[~finite].max(),
    color=PALETTE[2],
    ls=":",
    marker="",
    label=r"best response ($\lambda = \infty$)",
)
ax.set_xscale("log")
ax.set_xlabel(r"Alice's precision $\lambda$ (log scale; larger = more rational)")
ax.set_ylabel("Alice's shortfall from the first best\n(utility units)")
ax.legend()
save_figure(fig, "competition-quantal")
plt.show()

# %% [markdown]
# ```{figure} /figures/competition-quantal.png
# :name: fig-competition-quantal
# :alt: Alice's shortfall against her quantal-response precision, with the bound.
#
# Theorem 5 on random instances ($\varepsilon = 0.05$, two agents). A noisier
# Alice (small $\lambda$) loses more, never more than
# $2\varepsilon + \log|A|/\lambda$.
# ```
#
# ### Information substitutability, computed
#
# Our random instances give every agent full revelation, so
# $\varepsilon_{\text{sub}} = 0$ above. When agents know *different*
# things, agent $i$ can at most reveal what it knows, an experiment
# $P_i^\dagger$, and what Alice then learns depends on what the others say.
# The deviation argument of Theorem 4 still runs with that deviation, and
# its error term is
#
# $$
# \varepsilon_{\text{sub}}(\sigma) = \sum_i w_i \Big(\mathbb E_{D^*}[u_i] - \mathbb E\big[u_i(P_i^\dagger, \sigma_{-i})\big]\Big),
# $$
#
# where $D^*$ is Alice's outcome (under her response rule) at full
# information: how far "all that $i$ knows, plus what the others say at
# $\sigma$" falls short of full information, in the agents' own utilities,
# weighted as in {prf:ref}`def-weighted-alignment`.
#
# ```{prf:proposition} The deviation bound with substitutability
# :label: prop-competition-substitutability
#
# Let the agents be $\varepsilon$-weighted-aligned with Alice (weights $w$,
# constant $c$), and let
# $\varepsilon_{\text{QR}} = \mathbb E[u_A(a^\dagger)] - \mathbb E_{D^*}[u_A]$.
# Every equilibrium $\sigma$ satisfies
#
# $$
# \text{shortfall}(\sigma) = \mathbb E[u_A(a^\dagger)] - \mathbb E[u_A(\sigma)]
# \le 2\varepsilon + \varepsilon_{\text{sub}}(\sigma) + \varepsilon_{\text{QR}}.
# $$
# ```
#
# ```{prf:proof}
# Weighted alignment holds at every action and state, so it holds in
# expectation under any outcome: at $\sigma$ and at $D^*$. No agent gains by
# deviating to $P_i^\dagger$ at an equilibrium, and $w_i \ge 0$; the equality
# is the definition of $\varepsilon_{\text{sub}}(\sigma)$. Then
#
# $$
# \begin{aligned}
# \mathbb E[u_A(\sigma)]
# &\ge \textstyle\sum_i w_i \mathbb E[u_i(\sigma)] + c - \varepsilon
#   \quad \text{(alignment)} \\
# &\ge \textstyle\sum_i w_i \mathbb E[u_i(P_i^\dagger, \sigma_{-i})] + c - \varepsilon
#   \quad \text{(equilibrium)} \\
# &= \textstyle\sum_i w_i \mathbb E_{D^*}[u_i] + c - \varepsilon - \varepsilon_{\text{sub}}(\sigma) \\
# &\ge \mathbb E_{D^*}[u_A] - 2\varepsilon - \varepsilon_{\text{sub}}(\sigma)
#   \quad \text{(alignment)},
# \end{aligned}
# $$
#
# and $\mathbb E_{D^*}[u_A] = \mathbb E[u_A(a^\dagger)] - \varepsilon_{\text{QR}}$.
# ```
#
# The instance-level
# $\varepsilon_{\text{sub}} = \max_\sigma \varepsilon_{\text{sub}}(\sigma)$
# bounds all equilibria at once, without knowing which one is played;
# `competition_bound` computes every term. $\varepsilon_{\text{sub}}(\sigma)$
# is zero when every $P_i^\dagger$ is full revelation, which gives back
# Theorem 4's argument. Collina et al.'s own definition of substitutability
# is not reproduced here: this is the quantity the essay's deviation
# argument needs in our finite model, and the one we compute.
#
# The instances: three states; agent 0 can tell state 0 from $\{1, 2\}$,
# agent 1 can tell $\{0, 1\}$ from state 2, each through a noisy channel that
# reports its cell with accuracy $q$ (and a uniformly random cell otherwise).
# Each menu holds no information, all the agent knows ($P_i^\dagger$) and two
# random garblings of it. At $q = 1$ the two agents together identify the
# state, but neither alone does; as $q$ falls, their information gets worse
# and substitutes less for full revelation.

# %% tags=["hide-input"]
def noisy_partition(cells, q):
    """P(reported cell | state): the true cell with probability q, else a uniform cell."""
    P = np.eye(max(cells) + 1)[cells]
    return q * P + (1 - q) / P.shape[1]


def substitutes_instance(q, eps=0.05):
    prior = rng.dirichlet(np.ones(N_STATES))
    uA = rng.normal(size=(N_ACTIONS, N_STATES))
    w = rng.dirichlet(np.ones(2)) * 0.8 + 0.1
    menus = []
    for cells in ([0, 1, 1], [0, 0, 1]):
        P = noisy_partition(cells, q)
        garblings = [P @ rng.dirichlet(np.full(P.shape[1], 0.5), size=P.shape[1]) for _ in range(2)]
        menus.append([np.ones((N_STATES, 1)), P, *garblings])
    return CompetitionGame(prior, uA, aligned_agents(uA, w, eps, rng), menus)


# %% [markdown]
# For each accuracy $q$ we draw instances (`substitutes_instance`, behind
# the toggle) and let `competition_bound` compute the terms of the bound
# and the realised shortfall of the worst equilibrium, at $\lambda = 5$:

# %%
qs, lam_sub, n_sub = [1.0, 0.75, 0.5, 0.25], 5.0, max(4, n_instances // 2)
sub_games = [(q, substitutes_instance(q)) for q in qs for _ in range(n_sub)]
sub_rows = [(q, competition_bound(g, revealing=[1, 1], lam=lam_sub))
            for q, g in sub_games]
with_eq = [(q, bd) for q, bd in sub_rows if bd.n_equilibria > 0]
print(f"{len(with_eq)} of {len(sub_rows)} instances have a pure equilibrium "
      "(the others are left out)")

# %% tags=["hide-input"]
shown = with_eq[:: max(1, len(with_eq) // 8)]
Table(
    [(q, bd.eps_align, bd.eps_sub, bd.eps_sub_at_worst, bd.eps_qr, bd.bound, bd.shortfall)
     for q, bd in shown],
    ["q", "2ε*", "ε_sub (max)", "ε_sub (worst eq.)", "ε_QR", "bound", "realised shortfall"],
    caption=f"Theorem 5's terms and the realised shortfall of the worst pure equilibrium on "
            f"{len(shown)} of the {len(with_eq)} instances (every {max(1, len(with_eq) // 8)}th), "
            "λ = 5; the bound is 2ε* + ε_sub (max) + ε_QR, where ε* is the instance's own "
            "alignment slack (the LP's), at most the ε = 0.05 its agents were drawn with.",
    digits=3,
)

# %% tags=["remove-input"]
checks.all_of(
    "Theorem 5 with substitutability: shortfall <= 2 eps + eps_sub(worst eq) + eps_QR",
    [bd.shortfall <= bd.eps_align + bd.eps_sub_at_worst + bd.eps_qr + 1e-9 for _, bd in with_eq],
    method="enumeration vs 2ε + ε_sub + ε_QR",
)
checks.all_of(
    "Theorem 5 with substitutability: shortfall <= 2 eps + max eps_sub + eps_QR",
    [bd.shortfall <= bd.bound + 1e-9 for _, bd in with_eq],
    method="implied by the check above (max ≥ any term)",
)

# %% [markdown]
# The library computes $\varepsilon_{\text{sub}}(\sigma)$ from the payoff
# table. We recompute it at each worst equilibrium by another route: a
# direct enumeration of states and message pairs with Bayes' rule and
# Alice's softmax written out, for the deviation profiles and for full
# information; and we check that the term vanishes under Theorem 4's
# hypotheses (every menu holding full revelation, the deviation to it).

# %% tags=["hide-input"]
def payoffs_by_enumeration(game, experiments, lam):
    """(Alice, agents) by looping over message tuples: Bayes' rule and the softmax written out."""
    alice, agents = 0.0, np.zeros(game.n_agents)
    for msgs in itertools.product(*(range(P.shape[1]) for P in experiments)):
        p_ws = game.prior * np.prod([P[:, s] for P, s in zip(experiments, msgs)], axis=0)  # P(w, s)
        if p_ws.sum() <= 0:
            continue
        eu = game.principal_utility @ (p_ws / p_ws.sum())  # E[u_A(a) | s]
        z = np.exp(lam * (eu - eu.max()))
        policy = z / z.sum()
        alice += policy @ game.principal_utility @ p_ws
        agents += np.einsum("a,iaw,w->i", policy, game.agent_utilities, p_ws)
    return alice, agents


# %% tags=["remove-input"]
recomputed_err = []
for (_q, g), (_, bd) in zip(sub_games, sub_rows):
    if bd.n_equilibria == 0 or len(recomputed_err) >= 6:
        continue
    tab = g.table(lam_sub)
    eq = pure_equilibria(tab)
    worst = eq[np.argmin(tab.alice[tuple(eq.T)])]
    wts = weighted_alignment(g.principal_utility, g.agent_utilities).weights
    _, ref = payoffs_by_enumeration(g, [np.eye(N_STATES)], lam_sub)
    total = 0.0
    for i in range(2):
        prof = [g.menus[k][worst[k]] for k in range(2)]
        prof[i] = g.menus[i][1]  # P_i: all that agent i knows
        total += wts[i] * (ref[i] - payoffs_by_enumeration(g, prof, lam_sub)[1][i])
    recomputed_err.append(abs(total - bd.eps_sub_at_worst))
checks.at_most(
    "eps_sub at the worst equilibrium = direct enumeration (Bayes' rule, softmax)",
    np.array(recomputed_err),
    1e-10,
    method="loop over messages: Bayes' rule, softmax",
)
zero_sub = []
for _ in range(4):
    g4 = instance(0.05)  # Theorem 4's instances: one shared menu holding full revelation (index 1)
    zero_sub.append(competition_bound(g4, revealing=[1, 1], lam=lam_sub).eps_sub)
checks.close(
    "eps_sub = 0 when every agent can reveal the state (Theorem 4)",
    zero_sub,
    0.0,
    atol=1e-12,
    method="identity: full revelation makes each term 0",
)

# %% tags=["hide-input", "remove-output"]
fig, ax = plt.subplots(figsize=(6.4, 3.8))
series = [
    ("realised shortfall (worst equilibrium)", lambda bd: bd.shortfall, "-", "o", PALETTE[1]),
    (r"$\varepsilon_{\mathrm{sub}}$ at the worst equilibrium", lambda bd: bd.eps_sub_at_worst, "--", "s", PALETTE[2]),
    (r"$\varepsilon_{\mathrm{sub}}$, max over profiles", lambda bd: bd.eps_sub, "-.", "^", PALETTE[3]),
    (r"$\varepsilon_{\mathrm{align}} = 2\varepsilon^{*}$", lambda bd: bd.eps_align, ":", "v", "0.3"),
    (r"$\varepsilon_{\mathrm{QR}}$", lambda bd: bd.eps_qr, (0, (1, 4)), "D", "0.5"),
]
for label, get, ls, mk, col in series:
    means = [np.mean([get(bd) for qq, bd in with_eq if qq == q] or [np.nan]) for q in qs]
    ax.plot(qs, means, ls=ls, marker=mk, ms=5, color=col, label=label)
ax.set_xlabel("accuracy $q$ of each agent's channel")
ax.set_ylabel("mean over instances\n(utility units)")
ax.invert_xaxis()
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)  # below the axes: clear of any data
save_figure(fig, "competition-substitutability")
plt.show()

# %% [markdown]
# ```{figure} /figures/competition-substitutability.png
# :name: fig-competition-substitutability
# :alt: The three error terms of Theorem 5 and the realised shortfall against the agents' channel accuracy.
#
# Theorem 5's terms side by side with the realised shortfall of the worst
# pure equilibrium, averaged over random instances at each accuracy $q$ of
# the agents' information ($\varepsilon = 0.05$, $\lambda = 5$; $q$ falls to
# the right). The substitutability term carries most of the bound and
# follows the realised shortfall, both rising on average as the channels
# degrade; it need not be zero even at $q = 1$, because at an equilibrium
# the other agent may say less than it knows. The alignment term is
# $2\varepsilon^*$, with $\varepsilon^*$ each instance's own alignment slack
# (the LP's, at most the $\varepsilon = 0.05$ its agents were drawn with);
# it and the quantal-response term do not depend on $q$. The averages are over few random instances
# and move with them; the bound at the worst equilibrium is checked
# instance by instance.
# ```
#
# A negative $\varepsilon_{\text{sub}}(\sigma)$ is possible (an agent may like
# the outcome of partial information better than that of full information),
# and makes the bound tighter; the maximum over profiles is what an analyst
# who does not know the equilibrium can use.
#
# ## Theorem 6: choosing the best AI over many tasks
#
# ```{prf:theorem} Essay's Theorem 6 (Collina et al., best-AI selection)
# :label: thm-competition-selection
#
# If Alice selects the best-performing agent over a distribution of tasks,
# $\max_i \mathbb E[u_A(a_i^*, \omega)] \approx \mathbb E[u_A(a^\dagger(\omega), \omega)]$,
# without assumptions on information substitutability.
# ```
#
# Here each task has its own prior and utilities; an agent commits to a
# policy (one experiment per task, combined with `block_experiment`), Alice
# evaluates each agent's policy alone, averaged over tasks, and follows the
# best one. Only the selected agent's information is used, so nothing
# about combining messages is needed. An unselected agent can always win
# selection by revealing everything, which gives the same deviation
# argument.

# %% tags=["hide-input"]
def task_instance():
    """Random tasks of two states each; two agents whose policies reveal all, or random ones."""
    priors = [rng.dirichlet(np.ones(2)) for _ in range(n_tasks)]
    uAs = [rng.normal(size=(N_ACTIONS, 2)) for _ in range(n_tasks)]
    prior = np.concatenate([tw * p for tw, p in zip(task_weights, priors)])
    uA = np.hstack(uAs)  # actions x (task, state)
    U = aligned_agents(uA, [0.5, 0.5], 0.05, rng)
    menus = []
    for _agent in range(2):
        policies = [block_experiment([np.eye(2)] * n_tasks)]  # reveal everything
        while len(policies) < menu_size:
            policies.append(
                block_experiment([random_experiment_menu(2, 3, rng)[rng.integers(3)] for _ in range(n_tasks)])
            )
        menus.append(policies)
    return CompetitionGame(prior, uA, U, menus)


# %% [markdown]
# Each instance (`task_instance`, behind the toggle) draws three tasks of
# two states and two agents whose menus hold full revelation and random
# policies; `table(selection=True)` has Alice follow the agent whose
# policy serves her best alone:

# %%
n_tasks, task_weights = 3, np.array([0.5, 0.3, 0.2])
sel = []  # (LP slack, first best, worst equilibrium), one per instance
for _ in range(max(4, n_instances // 2)):
    g = task_instance()
    sel.append((epsilon_of(g), g.first_best, worst_for_alice(g.table(selection=True))))
eps_hat, fb, worst = np.array(sel).T
print(f"best-AI selection over {n_tasks} tasks: "
      f"worst shortfall {max(fb - worst):.3g} (ε = 0.05)")

# %% tags=["remove-input"]
checks.all_of(
    "Theorem 6: with selection, every equilibrium gives Alice >= first best - 2 eps",
    (worst >= fb - 2 * eps_hat - 1e-9).tolist(),
    method="enumerated selection equilibria vs 2ε bound",
)

# %% [markdown]
# ## The evidence the essay leans on: debate
#
# The essay reads its multi-agent results alongside the debate experiments
# of {cite:t}`khan2024debating`, where two expert models argue for
# opposite answers to a reading-comprehension question in front of a judge
# who cannot read the text. The numbers below are as reported in that
# paper's abstract; they are not recomputed here.
#
# | judge | naive baseline (no debate) | with debate |
# |---|---|---|
# | non-expert language model | 48% | 76% |
# | human | 60% | 88% |
#
# These are accuracies of a *judge* facing two *competing* informants, the
# situation of Theorems 4–6; the theorems explain why such competition can
# help, but the experiments do not test weighted alignment, and nothing here
# replicates them.
#
# ## Conversations over several rounds
#
# The essay's conversation rules are $\sigma_i : \Omega \to \Delta(S)^T$:
# $T$ rounds of messages from an alphabet $S$. So far each agent sent one
# message from a menu. Here each round carries one **binary** message
# ($|S| = 2$, a bandwidth limit), and an agent commits to all $T$ rounds.
# A committed rule whose messages depend on the state and on the agent's
# own earlier messages gives Alice, once she has the transcript, one
# experiment with at most $2^T$ signals; a deterministic rule, up to
# relabelling transcripts, is a partition of $\Omega$ into at most $2^T$
# cells (`partition_rules`). We leave out randomised rules and rules that
# react to the *other* agent's messages (an interactive protocol).
#
# More rounds change what one agent can tell Alice: with $|\Omega| = 4$
# states, one round cannot reveal the state and two can. That is
# condition (i) of {prf:ref}`thm-competition-exact`, so the number of rounds
# decides whether the theorem applies. A hand-built instance shows that
# it matters even with **perfectly aligned** agents ($\varepsilon = 0$,
# both agents have Alice's utility): Alice matches one of four states with
# prior $(0.3, 0.3, 0.3, 0.1)$. With one round, the profile where agent 0
# splits off state 2 and agent 1 splits off state 1 leaves states 0 and 3
# pooled, so Alice gets $0.3 + 0.3 + 0.3 = 0.9$ instead of 1; and neither
# agent can do better alone, since a single binary message cannot split
# the remaining three states $\{0, 2, 3\}$ (or $\{0, 1, 3\}$) into singletons.
# With two rounds every equilibrium gives Alice her first best.

# %%
prior_T = np.array([0.3, 0.3, 0.3, 0.1])
uA_T = np.eye(4)  # Alice matches the state; both agents are Alice
games_T = {T: CompetitionGame(prior_T, uA_T, [uA_T, uA_T], [partition_rules(4, T)] * 2)
           for T in (1, 2, 3)}

# %% [markdown]
# For each $T$, Alice's worst pure equilibrium, and how many groups of
# states she tells apart there:

# %%
found_T = {}  # T -> (pure equilibria, Alice's worst payoff, groups she tells apart)
for T, g_T in games_T.items():
    tab_T = g_T.table()
    eq_T = pure_equilibria(tab_T)
    k = int(np.argmin(tab_T.alice[tuple(eq_T.T)]))  # Alice's worst equilibrium
    joint = g_T.joint_experiment([g_T.menus[i][j] for i, j in enumerate(eq_T[k])])
    seen = int((joint.sum(axis=0) > 0).sum())  # distinct transcripts Alice can see
    found_T[T] = (len(eq_T), float(tab_T.alice[tuple(eq_T[k])]), seen)

# %% tags=["hide-input"]
for T, (n_eq, worst, seen) in found_T.items():
    print(f"T = {T}: {len(games_T[T].menus[0])} rules per agent, {n_eq} pure equilibria; the worst gives Alice "
          f"{worst:.3f}\n       (first best {games_T[T].first_best:.3f}) and she tells apart {seen} groups of states")

# %% tags=["remove-input"]
worst_T = {T: f[1] for T, f in found_T.items()}
# By hand, in exact arithmetic: the pooled profile ({2} | {0, 1, 3}) and ({1} | {0, 2, 3}).
p = [Fraction(3, 10)] * 3 + [Fraction(1, 10)]
pooled_value = p[1] + p[2] + max(p[0], p[3])
g1 = CompetitionGame(prior_T, uA_T, [uA_T, uA_T], [partition_rules(4, 1)] * 2)
split2 = np.array([[1, 0], [1, 0], [0, 1], [1, 0]], float)
split1 = np.array([[1, 0], [0, 1], [1, 0], [1, 0]], float)
pooled = g1.payoffs_of([split2, split1])[0]
deviations = [g1.payoffs_of([P, split1])[0] for P in partition_rules(4, 1)] + [
    g1.payoffs_of([split2, P])[0] for P in partition_rules(4, 1)
]
checks.close(
    "T = 1: the pooled profile gives Alice 9/10 (by hand, exact)",
    pooled,
    float(pooled_value),
    atol=1e-12,
    method="exact rational arithmetic by hand",
)
checks.true(
    "T = 1: no single binary rule beats the pooled profile (it is an equilibrium)",
    max(deviations) <= pooled + 1e-12,
    value=max(deviations),
    method="every unilateral deviation enumerated",
)
checks.close(
    "T = 1: the worst equilibrium is the pooled one (9/10)",
    worst_T[1],
    0.9,
    atol=1e-12,
    method="enumeration vs hand value 0.3 + 0.3 + 0.3",
)
checks.close(
    "T >= 2 = rounds_to_reveal(4): every equilibrium attains the first best (Theorem 4, eps = 0)",
    [worst_T[2], worst_T[3]],
    1.0,
    atol=1e-12,
    method="enumeration vs first best 1 by hand",
)
checks.true(
    "rounds_to_reveal(4) = 2 (2^T >= 4)",
    rounds_to_reveal(4) == 2 == math.ceil(math.log2(4)),
    method="closed form ⌈log₂ n⌉",
)

# %% [markdown]
# On random instances (four states, random prior and Alice utilities,
# $\varepsilon = 0.05$-aligned agents with large biases), the same
# comparison: with one round nothing guarantees the bound (the instance
# above breaks it; on random instances it may or may not fail, and we only
# count), with two rounds it holds in every equilibrium, as the theorem
# says.

# %%
menus_T = {T: partition_rules(4, T) for T in (1, 2)}
rows_T = {1: [], 2: []}  # (shortfall of the worst equilibrium, 2 eps), one per instance
for _ in range(max(6, n_instances // 2)):
    prior, uA = rng.dirichlet(np.ones(4)), rng.normal(size=(4, 4))
    U = aligned_agents(uA, [0.5, 0.5], 0.05, rng)
    for T in (1, 2):
        g = CompetitionGame(prior, uA, U, [menus_T[T]] * 2)
        rows_T[T].append((g.first_best - worst_for_alice(g.table()), 2 * epsilon_of(g)))

# %% tags=["hide-input"]
# instances without a pure equilibrium are left out
short_T = {T: np.array([r for r in rows if not np.isnan(r[0])]).reshape(-1, 2) for T, rows in rows_T.items()}
viol_T = {T: int((a[:, 0] > a[:, 1] + 1e-9).sum()) for T, a in short_T.items()}
print("instances whose worst equilibrium falls below first best − 2ε:")
print(f"  one round: {viol_T[1]} of {len(short_T[1])}, mean shortfall {np.mean(short_T[1][:, 0]):.3f}")
print(f"  two rounds: {viol_T[2]} of {len(short_T[2])}, mean shortfall {np.mean(short_T[2][:, 0]):.3f}")

# %% tags=["remove-input"]
checks.true(
    "T = 2: Theorem 4's bound holds in every equilibrium of every instance",
    viol_T[2] == 0,
    value=viol_T[2],
    method="enumeration vs 2ε bound, random instances",
)

# %% [markdown]
# The price of more rounds is the strategy space. With $|\Omega| = n$ and
# binary messages an agent has $(2^T)^n$ deterministic rules, or
# $\sum_{k \le 2^T} S(n, k)$ up to relabelling (Stirling numbers of the
# second kind); two agents have the square of that many profiles, each
# with $2^{2T}$ joint transcripts. Up to relabelling the count stops
# growing at $T = \lceil \log_2 n \rceil$, where every partition is
# available; the count of raw rules, $2^{nT}$, grows exponentially in $T$. We
# check the Stirling counts against a brute-force canonicalisation of every
# map $\Omega \to \{0, 1\}^T$ (small cases) and time the payoff table.


# %% tags=["hide-input"]
def canonical_count(n, T):
    """Distinct partitions among all maps from n states to 2^T transcripts (brute force)."""
    seen = set()
    for labels in itertools.product(range(2**T), repeat=n):
        relabel = {}
        seen.add(tuple(relabel.setdefault(x, len(relabel)) for x in labels))
    return len(seen)


# %% tags=["remove-input"]
count_ok = []
for n, T in [(3, 1), (4, 1), (4, 2), (5, 1), (5, 2)]:
    raw, distinct = count_conversation_rules(n, T)
    count_ok.append(raw == (2**T) ** n and distinct == canonical_count(n, T) == len(partition_rules(n, T)))
checks.all_of(
    "rule counts: Stirling sums = brute-force canonicalisation = listed rules",
    count_ok,
    method="brute-force canonicalisation of all maps",
)

# %% [markdown]
# The timing: for each $n$ and each $T$ up to the one that reveals the
# state, the payoff table of two agents with every rule up to relabelling.

# %%
cost_T = []  # (n, T, all rules, rules up to relabelling, seconds)
for n in range(3, max_states_rounds + 1):
    for T in range(1, rounds_to_reveal(n) + 1):
        menu_n = partition_rules(n, T)
        prior_n = rng.dirichlet(np.ones(n))
        g = CompetitionGame(prior_n, np.eye(n), [np.eye(n)] * 2, [menu_n] * 2)
        start = time.perf_counter()
        pure_equilibria(g.table())
        seconds = time.perf_counter() - start
        cost_T.append((n, T, count_conversation_rules(n, T)[0], len(menu_n), seconds))

# %% tags=["hide-input"]
for n, T, raw, distinct, sec in cost_T:
    print(f"n = {n}, T = {T}: {raw:>8} rules ({distinct:>3} up to relabelling), {distinct**2:>6} profiles, {sec:.3f} s")

# %% tags=["hide-input", "remove-output"]
fig, axes = plt.subplots(1, 2, figsize=(6.8, 3.2))
markers = ["o", "s", "^", "D", "v"]
for idx, n in enumerate(range(3, max_states_rounds + 1)):
    Ts = np.arange(1, 5)
    all_rules, up_to_relabelling = np.array([count_conversation_rules(n, T) for T in Ts]).T
    axes[0].semilogy(
        Ts,
        all_rules,
        ls="-",
        marker=markers[idx % 5],
        color=PALETTE[idx % len(PALETTE)],
        label=f"n = {n}, all rules",
    )
    axes[0].semilogy(
        Ts,
        up_to_relabelling,
        ls=":",
        marker=markers[idx % 5],
        color=PALETTE[idx % len(PALETTE)],
        mfc="white",
        label=f"n = {n}, up to relabelling",
    )
    rows = [r for r in cost_T if r[0] == n]
    axes[1].semilogy(
        [r[1] for r in rows],
        [r[4] for r in rows],
        ls="-",
        marker=markers[idx % 5],
        color=PALETTE[idx % len(PALETTE)],
        label=f"n = {n}",
    )
axes[0].set_xlabel("rounds $T$")
axes[0].set_ylabel("rules per agent (log scale)")
axes[0].legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)  # below each panel: clear of the data
axes[1].set_xlabel("rounds $T$")
for axis in axes:
    axis.set_xticks(range(1, 5 if axis is axes[0] else rounds_to_reveal(max_states_rounds) + 1))
axes[1].set_ylabel("time for table and equilibria,\ntwo agents (s, log scale)")
axes[1].legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1)
fig.tight_layout()
save_figure(fig, "competition-rounds")
plt.show()

# %% [markdown]
# ```{figure} /figures/competition-rounds.png
# :name: fig-competition-rounds
# :alt: Number of conversation rules and enumeration time against the number of rounds.
#
# Left: conversation rules per agent against the number of binary rounds
# $T$, for $n$ states: all deterministic rules (solid, $(2^T)^n$) and rules
# up to relabelling the transcripts (dotted, open markers), which stop
# growing once $2^T \ge n$. Right: time to build the two-agent payoff table
# and find its pure equilibria, up to the $T$ at which one agent can reveal
# the state (one run each, on this machine).
# ```
#
# So rounds buy the hypothesis of Theorem 4 (one agent able to reveal what
# Alice needs) at a cost: with $T$ rounds the exact equilibrium search
# grows with the square of the number of rules, $2^{2nT}$ profiles before
# relabelling, exponential in $T$ and in $n$; relabelling caps it at the
# square of the Bell number of $n$. The interactive case, where an
# agent's round-$t$ message may answer the other's, is richer still and is
# not computed here.
#
# ## What enumeration costs
#
# Every profile is evaluated: $\prod_i |\text{menu}_i|$ profiles, each
# with $\prod_i |S_i|$ joint messages. We time the full payoff table.

# %% tags=["hide-input"]
def random_game(n_agents, menu_len):
    """Random prior and utilities; each agent a random menu of menu_len experiments."""
    return CompetitionGame(
        rng.dirichlet(np.ones(N_STATES)),
        rng.normal(size=(N_ACTIONS, N_STATES)),
        rng.normal(size=(n_agents, N_ACTIONS, N_STATES)),
        [random_experiment_menu(N_STATES, menu_len, rng) for _ in range(n_agents)],
    )


# %%
timing = []  # (agents, menu size, profiles, seconds)
for n_agents in range(2, max_agents + 1):
    for menu_len in (3, menu_size):
        g = random_game(n_agents, menu_len)
        start = time.perf_counter()
        tab = g.table()
        pure_equilibria(tab)
        timing.append((n_agents, menu_len, tab.alice.size, time.perf_counter() - start))

# %% tags=["hide-input"]
for row in timing:
    print("agents {} menu {}: {:>5} profiles, {:.3f} s".format(*row))

# %% tags=["hide-input", "remove-output"]
fig, ax = plt.subplots(figsize=(6.4, 3.4))
plot_scaling(
    ax,
    {
        # the points of each curve are m = 2, 3, ... agents from left to right: one curve's labels say so
        f"menus of {menu_len} experiments": (
            [r[2] for r in timing if r[1] == menu_len],
            [r[3] for r in timing if r[1] == menu_len],
            *([[f"m={r[0]}" for r in timing if r[1] == menu_len]] if menu_len == menu_size else []),
        )
        for menu_len in (3, menu_size)
    },
    xlabel="number of profiles (log scale)",
    ylabel="time for the payoff table\nand equilibria (seconds, log scale)",
)
save_figure(fig, "competition-cost")
plt.show()

# %% [markdown]
# ```{figure} /figures/competition-cost.png
# :name: fig-competition-cost
# :alt: Time to enumerate all profiles against their number.
#
# Cost of exact equilibrium search on this machine (one run each). Along
# each curve the number of agents $m$ grows from 2 at the left, one per
# point (labelled on the dashed curve): the cost is linear in the number of
# profiles, which is exponential in the number of agents.
# ```
#
# ## What we have seen
#
# - Weighted alignment, with a constant and a slack, is a small LP; biased
#   agents can be aligned on average while none is aligned alone.
# - Under both of the theorem's conditions (some agent can reveal, all
#   agents share the same means of conversation), every equilibrium gives
#   Alice within $2\varepsilon$ of the first best; a single agent with the
#   same biases does not. The $\varepsilon$ term is needed: a family of
#   instances has a positive shortfall, between $\varepsilon$ and
#   $2\varepsilon$, that shrinks with $\varepsilon$. Condition (i) without
#   (ii) is not enough.
# - A quantal-responding Alice loses at most an extra $\log|A|/\lambda$.
# - When agents know different things, the substitutability term
#   $\varepsilon_{\text{sub}}$ can be computed from the payoff table; it
#   carries most of the bound and follows the realised shortfall, and the
#   bound holds instance by instance.
# - Selecting the best agent over tasks gives the same guarantee without
#   combining messages.
# - Rounds matter through bandwidth: with binary messages and four states,
#   one round leaves an equilibrium where even perfectly aligned agents pool
#   two states; two rounds let one agent reveal the state, and every
#   equilibrium reaches the first best. The strategy space grows as
#   $2^{nT}$ rules per agent.
#
# ## Exercises
#
# ```{exercise} Three agents
# :label: ex-three-agents
#
# Repeat the Theorem 4 check with three agents. Does the bound change? Why is
# the number of agents absent from it?
# ```
#
# ```{solution-start} ex-three-agents
# :class: dropdown
# ```
#
# The proof never counts agents: each one's no-deviation inequality is
# weighted by $w_i$ and the weights sum to one. The bound stays $2\varepsilon$.

# %%
ok3 = []
for _ in range(max(3, n_instances // 6)):
    g = instance(0.05, n_agents=3)
    ok3.append(worst_for_alice(g.table()) >= g.first_best - 2 * epsilon_of(g) - 1e-9)
print(f"{sum(ok3)} of {len(ok3)} instances within 2ε of the first best")

# %% tags=["remove-input"]
checks.all_of(
    "exercise: three agents, every equilibrium within 2 eps of the first best",
    ok3,
    method="enumeration vs 2ε bound, three agents",
)

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} A softmax bound
# :label: ex-softmax
#
# Show that for any utilities $x_1, \dots, x_n$ and
# $p_j \propto e^{\lambda x_j}$, $\max_j x_j - \sum_j p_j x_j \le \log n / \lambda$.
# Check it numerically for random utilities and several $\lambda$.
# ```
#
# ```{solution-start} ex-softmax
# :class: dropdown
# ```
#
# $\sum_j p_j x_j = \frac{1}{\lambda}\big(\log \sum_j e^{\lambda x_j} + \sum_j p_j \log p_j\big)
# \ge \frac{1}{\lambda}(\lambda \max_j x_j - \log n)$, since
# $\log\sum_j e^{\lambda x_j} \ge \lambda \max_j x_j$ and the entropy
# $-\sum_j p_j \log p_j \le \log n$.

# %%
x = rng.normal(size=(200, 5))
gaps_ok = []
for lam in (0.1, 1.0, 10.0):
    p = quantal_response(x, lam)
    shortfall = x.max(axis=1) - (p * x).sum(axis=1)
    gaps_ok.append(np.all(shortfall <= np.log(5) / lam + 1e-12))
print(f"bound holds at {sum(gaps_ok)} of {len(gaps_ok)} precisions")

# %% tags=["remove-input"]
checks.all_of(
    "exercise: softmax shortfall <= log n / lambda",
    gaps_ok,
    method="random utilities vs closed form log n / λ",
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
