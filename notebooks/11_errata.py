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
# (ch-errata)=
# # Errata and verification
#
# This page collects every place where the two papers the book accompanies,
# the essay {cite:p}`cheng2025mechanism` and {cite:t}`bai2024efficient`,
# state something imprecisely or wrongly, each with a numerical
# demonstration computed here, and then lists every theorem and numerical
# claim of both papers with where the book checks it and what it found.
# (The page's imports and sizes are in the hidden cell below; the checks
# run in hidden cells after each demonstration, and their claims are listed
# in the table at the end.)

# %% tags=["parameters"]
scale = "book"  # "smoke" (seconds, for tests), "book" (default) or "full"

# %% tags=["hide-input"]
import numpy as np
from scipy.optimize import linprog

from persuasion import (
    concave_closure,
    convex_closure,
    prosecutor_game,
    random_game,
)
from persuasion.book import chapter
from persuasion.competition_among_ais import (
    CompetitionGame,
    pure_equilibria,
    random_experiment_menu,
    weighted_alignment,
)
from persuasion.competition_in_persuasion import (
    InformationEnvironment,
    all_partitions,
    equilibrium_outcomes,
    no_profitable_refinement,
)
from persuasion.delegation import (
    random_delegation_problem,
    robust_delegation,
    safe_action_problem,
)

SIZES = {"smoke": dict(n=20), "book": dict(n=200), "full": dict(n=2000)}
size, rng, checks = chapter(scale, SIZES, seed=20261122, title="Errata demonstrated on this page", style=False)
n_random = size.n

# %% [markdown]
# ## 1. The concave closure is a supremum, not an infimum (essay §2.1)
#
# The essay defines $V(\mu) = \inf\{\sum_i \lambda_i v^*(\mu_i) : \sum_i
# \lambda_i \mu_i = \mu\}$. That is the *convex* closure, which never exceeds
# $v^*$, so the condition of its Theorem 1, $V(\mu_0) > v^*(\mu_0)$, could
# never hold. {cite:t}`kamenica2011bayesian` take the supremum
# ({ref}`ch-bayesian-persuasion`).

# %%
g = prosecutor_game()
inf_value = float(convex_closure(g, g.prior))
sup_value = float(concave_closure(g, g.prior))
print(f"prosecutor at prior 0.3: v* = {g.no_information_value:.3f},"
      f" inf-closure = {inf_value:.3f}, sup-closure = {sup_value:.3f}")

# %% [markdown]
# The inf-closure at the prior, against $v^*$, in random games:

# %%
below = []
for _ in range(n_random):
    gr = random_game(3, 3, rng)
    below.append(float(convex_closure(gr, gr.prior)) <= gr.no_information_value + 1e-9)
print(f"inf-closure ≤ v* in {sum(below)} of {n_random} random games")

# %% tags=["remove-input"]
checks.all_of("1. the inf-closure never exceeds v* (random games)", below, method="convex closure vs v* at the prior")
checks.close("1. the sup-closure gives the prosecutor 0.6", sup_value, 0.6, atol=1e-7,
             method="Kamenica-Gentzkow's value 0.6")

# %% [markdown]
# ## 2. Theorems 4–6: a missing citation, an incomplete alignment condition (essay §3.2)
#
# What the essay says: §3.2 introduces "the multi-agent model of Collina et
# al. (2025)" and labels Theorems 4–6 "Collina et al. (2025)", with no
# reference number. Its reference list holds one Collina et al. (2025)
# paper, [3], *Collaborative Prediction* (arXiv 2504.06075), and §4.1 and
# §4.3 credit [3] with the equilibrium existence and near-optimality
# results and with the full-commitment assumption behind them. Those results
# are in {cite:t}`collina2025emergent`, *Emergent Alignment via Competition*
# (arXiv 2509.15090), which the list omits. (That part is bibliographic; it
# has no computation.)
#
# The condition: the essay's weighted alignment is exact,
# $u_A = \sum_i \alpha_i u_i$, yet its Theorem 4 ends in an $O(\varepsilon)$
# term whose $\varepsilon$ it never defines. The source allows a constant
# and a slack, $\sup|\sum_i w_i u_i + c - u_A| \le \varepsilon$, and
# $\varepsilon$ is that slack. Two computations: agents whose utilities are
# Alice's plus a constant satisfy the source's condition with
# $\varepsilon = 0$ but not the essay's; and agents that satisfy neither
# exactly (a shared bias towards a safe action) are $\varepsilon$-aligned in
# the source's sense, and leave Alice exactly $\varepsilon$ below the first
# best in an equilibrium, so the $\varepsilon$ term is real. The theorem's
# two conditions, (i) some agent can reveal and (ii) all agents induce the
# same transcript distribution, are both stated by the essay; with both the
# bound holds, and (i) alone is not enough ({ref}`ch-competition-among-ais`),
# which is no erratum.

# %% [markdown]
# The essay's form is a small LP: the least $\varepsilon$ with
# $|\sum_i w_i u_i - u_A| \le \varepsilon$ everywhere, over weights $w \ge 0$
# summing to 1 and no constant (the cell is behind the toggle);
# `weighted_alignment` computes the source's form.


# %% tags=["hide-input"]
def epsilon_without_constant(uA, agents):
    """min eps s.t. |sum_i w_i u_i - u_A| <= eps, w >= 0, sum w = 1 (the essay's form)."""
    M = agents.reshape(len(agents), -1).T
    ones = np.ones((M.shape[0], 1))
    res = linprog(
        np.r_[np.zeros(len(agents)), 1.0],
        A_ub=np.vstack([np.hstack([M, -ones]), np.hstack([-M, -ones])]),
        b_ub=np.concatenate([uA.ravel(), -uA.ravel()]),
        A_eq=[[1.0] * len(agents) + [0.0]],
        b_eq=[1.0],
        bounds=[(0, None)] * (len(agents) + 1),
        method="highs",
    )
    return res.fun


# %% [markdown]
# Two agents whose utilities are Alice's plus 2 and plus 1:

# %%
uA = rng.normal(size=(3, 3))
shifted = np.stack([uA + 2.0, uA + 1.0])
with_constant = weighted_alignment(uA, shifted).epsilon
without_constant = epsilon_without_constant(uA, shifted)
print(f"shifted agents: ε with a constant {with_constant:.2g};"
      f" without a constant {without_constant:.3f}")

# %% tags=["remove-input"]
checks.close(
    "2. with the source's constant, shifted agents are exactly aligned",
    with_constant,
    0.0,
    atol=1e-9,
    method="by construction: u_i = u_A + a constant",
)
checks.close(
    "2. in the essay's form they are not (epsilon = 1)", without_constant, 1.0, atol=1e-9,
    method="separate LP vs hand value: shift at least 1",
)

# %% [markdown]
# Agents with a shared bias of $2\varepsilon$ towards the safe action, who
# share one menu of experiments (no information, full revelation, random
# ones):

# %%
eps = 0.05
# rows: match state 0, match state 1, the safe action
u_safe = np.array([[1.0, 0.0], [0.0, 1.0], [1 - eps, 1 - eps]])
biased = np.stack([u_safe, u_safe]) + np.array([0.0, 0.0, 2 * eps])[None, :, None]
menu = random_experiment_menu(2, 5, rng)
game = CompetitionGame([0.5, 0.5], u_safe, biased, [menu, menu])

# %% [markdown]
# Their source-form $\varepsilon$, and Alice's shortfall from the first best
# in the worst pure equilibrium (silence gives $1 - (1 - \varepsilon) =
# \varepsilon$, by hand):

# %%
tab = game.table()
eq = pure_equilibria(tab)
shortfall = game.first_best - tab.alice[tuple(eq.T)].min()
epsilon = weighted_alignment(u_safe, biased).epsilon
print(f"source's ε {epsilon:.3g}, worst-equilibrium shortfall {shortfall:.3g}")

# %% tags=["remove-input"]
checks.close(
    "2. a shared safe-action bias of 2 eps is eps-aligned in the source's sense",
    weighted_alignment(u_safe, biased).epsilon,
    eps,
    atol=1e-9,
    method="by hand: constant -eps leaves slack eps",
)
checks.close(
    "2. and costs Alice exactly eps in the worst equilibrium (the undefined eps of the essay's bound)",
    shortfall,
    eps,
    atol=1e-9,
    method="by hand: silence gives 1 - (1 - eps)",
)

# %% [markdown]
# ## 3. Delegation in the essay's own model (essay §3.1)
#
# The essay presents its model (a set of agent utilities, act or delegate,
# worst case) as that of {cite:t}`fudenberg2025friend`; the paper's abstract describes
# a best case (aligned AI) against worst case (misaligned AI) frontier
# instead ({ref}`ch-delegation` reconstructs it, labelled as such). Within
# the essay's model: it defines
# $U^* = \max_\pi \inf_{u_A} \mathbb E[u_P(b^*(s, u_A), \omega)]$, the value
# of *delegating*, and its Theorem 3.1 claims $U^* \ge U_{\text{blind}}$;
# with an agent type opposed to the principal, $U^* < U_{\text{blind}}$
# (the claim holds for $\max(U_{\text{blind}}, U^*)$, which counts the
# option to act). Its $U_{\min}$ ("delegating to the worst-case agent type
# under full information") and $U_{\text{full}}$ are the same quantity, and
# "all achievable payoffs lie in $[U_{\min}, U_{\max}]$" fails whenever the
# agent is known to be aligned. Ties are broken in the principal's favour
# throughout; no counterexample here involves an indifferent agent.

# %%
base = random_delegation_problem(3, 3, 1, rng)
w_base = base.delegated_utility
opposed = base.with_types(np.stack([w_base, -w_base]))  # aligned or opposed agent
u_star = robust_delegation(opposed).value
print(f"agent aligned (w) or opposed (-w): delegating is worth {u_star:.3g},"
      f" acting blind {opposed.U_blind:.3g}")

# %% tags=["remove-input"]
checks.true(
    "3. the essay's U* (delegation only) falls below acting blind (Theorem 3.1 as defined fails)",
    u_star < opposed.U_blind - 1e-6 and u_star <= float((w_base @ base.prior).min()) + 1e-9,
    value=f"U* {u_star:.3g} < blind {opposed.U_blind:.3g}",
    method="blind value in closed form; U* <= min E[w] by hand",
)

# %% [markdown]
# $U_{\min}$ by its wording, computed directly in the safe-action problem of
# {ref}`ch-delegation`: each type best-responds to each revealed state, and
# the worst type counts.

# %%
p = safe_action_problem()
w_safe = p.delegated_utility
u_min_direct = min(
    sum(p.prior[x] * w_safe[int(np.argmax(p.agent_utilities[k][:, x])), x]
        for x in range(2))
    for k in range(p.n_types)
)
print(f"the essay's minimum, by its wording:  {u_min_direct:.3g}")
print(f"full information given to the agent: {p.U_full:.3g}")

# %% tags=["remove-input"]
checks.close("3. the essay's minimum (from its wording) is the full-information value",
             u_min_direct, p.U_full, atol=1e-12,
             method="direct loop over types and revealed states")

# %% [markdown]
# With an agent known to be aligned, how often acting blind lies below
# $U_{\min}$, in random problems:

# %%
fails = 0
for _ in range(n_random):
    q = random_delegation_problem(3, 3, 1, rng)
    q = q.with_types(q.delegated_utility[None])
    fails += q.U_blind < q.U_min - 1e-9
print(f"acting blind is below the essay's minimum in {fails} of {n_random} problems")

# %% tags=["remove-input"]
checks.true(
    "3. acting blind is achievable and below the essay's minimum (known-aligned agent)",
    fails > 0,
    value=f"{fails} of {n_random}",
    method="counterexamples counted in random problems",
)

# %% [markdown]
# ## 4. The equilibrium characterisation needs two Senders (essay §2.2)
#
# "$\tau$ is an equilibrium outcome iff no sender strictly benefits from any
# feasible $\tau' \succeq \tau$" is stated without $n \ge 2$; with one Sender it fails.

# %%
single = InformationEnvironment(np.full(3, 1 / 3), [all_partitions(3)]).analyse()
differ = 0
for _ in range(n_random):
    V = rng.normal(size=(single.n_outcomes, 1))
    equilibria = set(equilibrium_outcomes(single, V))
    differ += equilibria != set(no_profitable_refinement(single, V))
print(f"one sender: the two sets differ for {differ} of {n_random} random preferences")

# %% tags=["remove-input"]
checks.true(
    "4. one sender: the characterisation fails for some preferences",
    differ > 0,
    value=f"{differ} of {n_random}",
    method="equilibria vs no-profitable-refinement set",
)

# %% [markdown]
# ## 5. Bai et al.: the coordinates of $f$ are types, not responses (§3.4)
#
# Bai et al. define $f(\phi) = [-v(\phi, y)]_{y \in \mathcal Y}$ with one
# coordinate per *response*, and a regret minimiser over
# $\mathrm{co}\, f(\mathcal P)$. For the loss of round $t$ to be a
# coordinate of $f(\phi_t)$, the coordinates must be indexed by what the
# adversary picks each round, the Receiver's *type*, as in
# {cite:t}`castiglioni2020online`; with one coordinate per response,
# $\sum_y v(\phi, y) = v(\phi)$ and the single-type problem has no adversary
# at all. {ref}`ch-online-regret` implements the type version and reports
# results against both counts. The identity is checked here.

# %%
from persuasion.online import OnlinePersuasion

op = OnlinePersuasion(rng.dirichlet(np.ones(3)), rng.normal(size=(4, 3)),
                      rng.normal(size=(1, 4, 3)))
_, phi = op.best_in_hindsight([1.0])
joint = op.prior[:, None] * phi  # P(item, profile)
per_response = np.array([
    np.sum(joint * (op.profiles[:, 0] == y)[None, :] * op.v[y][:, None])
    for y in range(op.m)
])
print(f"sum over responses {per_response.sum():.6f}, v(φ) {op.values(phi)[0]:.6f}")

# %% tags=["remove-input"]
checks.close(
    "5. one type: the response coordinates just split v(phi)",
    per_response.sum(),
    op.values(phi)[0],
    atol=1e-12,
    method="sum over responses by hand vs values()",
)

# %% [markdown]
# ## Every theorem and numerical claim, and where it is checked
#
# | source | claim | where | status |
# |---|---|---|---|
# | essay Thm 1 (Kamenica–Gentzkow) | benefit iff $V(\mu_0) > v^*(\mu_0)$; optimal posteriors support $V$ | {ref}`ch-bayesian-persuasion` | reproduced with caveat (sup, not inf: erratum 1) |
# | essay §2.2 | multi-sender model, Blackwell order | {ref}`ch-competition-in-persuasion` | reproduced (finite model) |
# | essay Thm 2 (Gentzkow–Kamenica) | collusion never more informative iff Blackwell-connected | {ref}`ch-competition-in-persuasion` | reproduced, both directions, on generated finite environments |
# | essay §2.2 characterisation | equilibrium iff no profitable $\tau' \succeq \tau$ | {ref}`ch-competition-in-persuasion` | reproduced with caveat ($n \ge 2$: erratum 4) |
# | essay Thm 3.1 | $U^* \in [U_{\text{blind}}, U_{\max}]$, $= U_{\text{blind}}$ for large $\mathcal U_A$ | {ref}`ch-delegation` | contradicted for the essay's $U^*$ (delegation only; erratum 3); reproduced for $G^* = \max(U_{\text{blind}}, U^*)$ (sufficient condition: type $-w$) |
# | essay Thm 3.2 | aligned action inducible as unique best response | {ref}`ch-delegation` | reproduced with caveat (with positive probability only) |
# | essay Thm 3.3 | restricting information can raise $U^*$ | {ref}`ch-delegation` | reproduced (0.75 vs 0, with ties broken either way) |
# | essay §3.1 remarks | payoffs in $[U_{\min}, U_{\max}]$; non-convex payoff set | {ref}`ch-delegation` | contradicted as stated (erratum 3); non-convexity only from act-or-delegate |
# | essay Thm 4 | under (i) and (ii), every equilibrium within $O(\varepsilon)$ of first best | {ref}`ch-competition-among-ais` | reproduced under both conditions ((ii) read as one shared menu), bound $2\varepsilon$, attained up to a factor 2 (shortfall exactly $\varepsilon$); (i) alone is not enough, as the essay's (ii) anticipates; $\varepsilon$ undefined in the essay (erratum 2) |
# | essay Thm 5 | quantal-response bound | {ref}`ch-competition-among-ais` | reproduced ($\varepsilon_{\text{sub}} = 0$ in our model) |
# | essay Thm 6 | best-AI selection | {ref}`ch-competition-among-ais` | reproduced in a finite selection model |
# | essay §3.2, Khan et al. | debate accuracy 76% vs 48% (LLM), 88% vs 60% (human) | {ref}`ch-competition-among-ais` | quoted, not reproducible here (needs their debate experiments) |
# | essay §4.3, Crawford–Sobel | cheap talk less informative than commitment | {ref}`ch-cheap-talk` | reproduced in the uniform–quadratic case; the closed form for $N(b)$ is exact also at $b = 1/(2N(N-1))$ (checked in rational arithmetic) |
# | essay §4.1–4.3 | open questions (complexity, strategic agreement, commitment) | {ref}`ch-algorithmic`, {ref}`ch-agreement`, {ref}`ch-cheap-talk` | illustrated numerically; no hardness result claimed |
# | Bai Eqs 1–3 | protocol, posterior, loss | {ref}`ch-advisor-receiver` | reproduced on finite instances |
# | Bai Alg. 1, Thm 1 | regret $O(m^{3/2}\sqrt{T \log T})$ | {ref}`ch-online-regret` | reproduced empirically on small instances (type coordinates: erratum 5) |
# | Bai Table 1, Fig. 2, Eq. 7 (ARPI) | LLM experiments: four information structures, easy-to-hard, efficiency | {ref}`ch-llm-experiments` | pipeline reproduced at small scale (135M/270M Receivers, tens of inputs); accuracy is at the floor there, so the paper's accuracy gains cannot be confirmed or refuted; utility contrasts reported with 95% intervals |
# | Bai Table 1 averages | average rows, +9.5%/+22.5% (GSM8K), +13.7%/+24.7% (HumanEval) | {ref}`ch-llm-experiments` | consistent with the paper's own rows (recomputed) |
#
# ## What we have seen
#
# Every erratum above, except the bibliographic part of the second, is a
# computation on this page; each row of the table
# points to the chapter whose checks back its status.

# %% [markdown]
# ## What this page verified
#
# Every numerical claim of this page was checked when the page ran; a
# claim that fails stops the build. The table (closed until you open it) lists
# each claim, the value found and the value expected.

# %% tags=["remove-input"]
checks
