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
# (ch-delegation)=
# # Delegation to one AI of unknown alignment
#
# Should we hand a decision to an AI system whose goals we cannot verify, and
# if we do, how much should we let it see? The essay {cite:p}`cheng2025mechanism`
# (§3.1) poses this as robust information design: the principal chooses what
# the agent learns, then either acts herself or lets the agent act, and judges
# the plan by its worst case over the agent utilities she cannot rule out. It
# attributes the model and a three-part "Theorem 3" to
# {cite:t}`fudenberg2025friend`.
#
# This chapter implements the essay's model exactly as stated, solves it
# exactly as a linear program, and tests each of the three claims. With the
# essay's own definition of $U^*$ (delegation only), claim 1 fails; it holds
# once the principal's option to act herself is counted, a quantity we call
# $G^*$. Claim 2 holds only in a weak reading, claim 3 holds, and two side
# remarks fail, with counterexamples. Every result states how indifferent
# agents break ties, and we show what changes when they break them against
# the principal. A last, labelled section reconstructs what the
# original paper studies, from its abstract, because the essay's model is its
# own rendering.

# %% tags=["parameters"]
scale = "book"  # "smoke" (seconds, for tests), "book" (default) or "full"

# %% tags=["hide-input"]
import time

import matplotlib.pyplot as plt
import numpy as np

from persuasion import PersuasionGame, optimal_signal
from persuasion.beliefs import Splitting
from persuasion.book import chapter
from persuasion.book.plotting import PALETTE, plot_scaling, save_figure
from persuasion.book.tables import Table
from persuasion.delegation import (
    DelegationProblem,
    random_delegation_problem,
    robust_delegation,
    safe_action_problem,
    weighted_delegation,
)
from persuasion.delegation_geometry import aligned_belief, payoff_set, robust_value_binary, split_through

SIZES = {  # random problems per check, largest type set, directions of the payoff set
    "smoke": dict(n_problems=12, max_types=8, n_directions=24),
    "book": dict(n_problems=100, max_types=16, n_directions=90),
    "full": dict(n_problems=1000, max_types=32, n_directions=360),
}
size, rng, checks = chapter(scale, SIZES, seed=20250917)
n_problems, max_types, n_directions = size.n_problems, size.max_types, size.n_directions

# %% [markdown]
# ## The model, as the essay states it
#
# ```{prf:definition} Robust delegation (essay §3.1)
# :label: def-delegation
#
# A state $\omega$ in a finite set $\Omega$ has prior $\mu_0$. The principal
# can act herself, choosing $a \in A$ without information, for payoff
# $u_P(a, \omega)$; or delegate to an agent who sees a signal $s$ from an
# information structure $\pi$ she commits to and chooses
# $b^*(s, u_A) \in \arg\max_b \mathbb E[u_A(b, \omega) \mid s]$, giving her
# $w(b, \omega)$. The agent's utility $u_A$ is unknown; she knows only that
# $u_A \in \mathcal U_A$, a finite set. She evaluates a delegation by
#
# $$\begin{aligned}
# U_P(\pi) &= \min_{u_A \in \mathcal U_A} \mathbb E_{\omega, s}\big[w(b^*(s, u_A), \omega)\big], \\
# U^* &= \max_\pi U_P(\pi) \quad \text{(the essay's definition)}, \\
# G^* &= \max(U_{\text{blind}}, U^*).
# \end{aligned}$$
#
# $U^*$ is the essay's value of delegating; $G^*$, the **act-or-delegate
# guarantee**, also counts the principal's option to act herself blind
# (the essay's model lets her choose, its formula for $U^*$ does not).
#
# Benchmarks: $U_{\text{blind}} = \max_a \mathbb E_{\mu_0} u_P(a, \omega)$
# (act, no information); $U_{\text{full}} = \min_{u_A} \mathbb E_\omega
# w(b^*(\omega, u_A), \omega)$ (delegate, full revelation); $U_{\max}$, the
# first best (she picks any action knowing $\omega$). The essay's
# $U_{\min}$, "delegating to the worst-case agent type under full
# information", is $U_{\text{full}}$ again.
# ```
#
# The type is drawn before the signal, so the minimum sits *outside* the
# expectation. Writing $\tau$ for the distribution of posteriors, every type's
# payoff is linear in $\tau$, and posteriors at which every type takes the same
# action can be merged. So $U^*$ is one LP with one unnormalised posterior per
# *profile* of best responses (one action per type) and an epigraph variable
# for the minimum (`robust_delegation`).
#
# **Tie-breaking convention.** $b^*(s, u_A)$ is an $\arg\max$; when a type
# is indifferent, the library (and the essay's $\inf$, read as a max–min
# over best responses) lets it choose in the **principal's favour**, also
# for adversarial types. $U^*$ is then a supremum. Each result below says
# whether it depends on this; the section on ties shows what changes when
# every type breaks ties **against** the principal.
#
# ## A first example: a safe action
#
# Two equally likely states. The agent can match the state (worth 1 to the
# principal, 0 if it mismatches) or take a **safe** action worth $0.75$ in
# either state; the principal herself can only guess, so
# $U_{\text{blind}} = 0.5$. One possible agent is aligned; the other, a
# *contrarian*, wants to mismatch but values the safe action as the principal
# does. `safe_action_problem()` builds this instance, with its benchmarks
# (the chapter's imports and sizes are in the hidden cell at the top).

# %%
prob = safe_action_problem()
print(f"U_blind = {prob.U_blind:.3f}, U_full = U_min = {prob.U_full:.3f}")
print(f"U_max = {prob.U_max:.3f}")

# %% [markdown]
# The robust value is one call; `type_values` is the worst case for each
# type at the optimal information structure.

# %%
sol = robust_delegation(prob)
print(f"U* = {sol.value:.3f}, G* = {sol.guarantee:.3f}")
print("worst case per type:", ", ".join(f"{v:.3f}" for v in sol.type_values))

# %% tags=["remove-input"]
checks.close("safe action: U_blind = 0.5", prob.U_blind, 0.5, method="by hand: a blind guess is right w.p. 1/2")
checks.close(
    "safe action: U_full = 0 (the contrarian mismatches)",
    prob.U_full,
    0.0,
    method="by hand: the contrarian always mismatches",
)
checks.close("safe action: U* = 0.75", sol.value, 0.75, atol=1e-8, method="hand-solved: concave closure at 1/2 is 0.75")
checks.close(
    "safe action: LP agrees with the breakpoint method",
    sol.value,
    robust_value_binary(prob),
    atol=1e-9,
    method="profile LP vs breakpoint method",
)

# %% [markdown]
# Below, the principal's payoff as a function of the agent's posterior
# $p = \Pr(\omega = 1)$, for each type. Between $1/4$ and $3/4$ both types
# take the safe action; outside, the contrarian mismatches. The worst case is
# the lower envelope, and its concave closure at $p = 1/2$ is $0.75$: the
# principal should reveal *nothing* (or anything that keeps posteriors in
# $[1/4, 3/4]$).

# %%
p_grid = np.linspace(0, 1, 401)
beliefs = np.column_stack([1 - p_grid, p_grid])
acts = prob.best_responses(beliefs)  # (n_grid, n_types)
value = np.einsum("gw,gkw->gk", beliefs, prob.delegated_utility[acts])

# %% tags=["hide-input", "remove-output"]
fig, ax = plt.subplots(figsize=(6.4, 3.6))
ax.plot(
    p_grid,
    value[:, 0],
    color=PALETTE[1],
    ls="--",
    marker="",
    lw=2,
    label="aligned agent",
)
ax.plot(
    p_grid,
    value[:, 1],
    color=PALETTE[2],
    ls="-.",
    marker="",
    lw=2,
    label="contrarian agent",
)
ax.plot(
    p_grid,
    value.min(axis=1),
    color="black",
    ls="-",
    marker="",
    lw=1,
    label="worst case",
)
ax.axhline(
    prob.U_blind, color="0.5", ls=":", marker="", label=r"$U_{\mathrm{blind}}$ (guess)"
)
ax.axvspan(0.25, 0.75, color="0.9", zorder=0)
ax.set_xlabel(r"agent's posterior $p = \Pr(\omega = 1)$ (probability)")
ax.set_ylabel("principal's expected payoff\nfrom delegating")
ax.legend(loc="lower center")
save_figure(fig, "delegation-safe-action")
plt.show()

# %% tags=["remove-input"]
checks.close(
    "safe action: worst case is 0.75 on [1/4, 3/4]",
    value.min(axis=1)[(p_grid >= 0.25) & (p_grid <= 0.75)],
    0.75,
    method="401-point belief grid vs hand value 0.75",
)

# %% [markdown]
# ```{figure} /figures/delegation-safe-action.png
# :name: fig-delegation-safe
# :alt: Principal's payoff from delegating, by agent type, as a function of the agent's posterior.
#
# The safe-action example. Shaded: posteriors at which both agent types take
# the safe action. Full information sends posteriors to 0 and 1, where the
# contrarian mismatches (worst case 0); no information keeps the posterior at
# $1/2$ (worst case 0.75).
# ```
#
# ## The essay's Theorem 3
#
# ```{prf:theorem} Essay's Theorem 3, attributed to Fudenberg–Liang
# :label: thm-essay-delegation
#
# 1. $U^* \in [U_{\text{blind}}, U_{\max}]$, with $U^* = U_{\text{blind}}$ when
#    $\mathcal U_A$ is sufficiently large.
# 2. If some $b \in B$ is ranked the same way by $u_P$ and some
#    $u_A \in \mathcal U_A$, an information structure can induce $b$ as the
#    agent's unique best response.
# 3. Restricting information can strictly increase $U^*$.
# ```
#
# ### Claim 3: less information, a better guarantee
#
# The example above is already a proof: $U^* = 0.75 > U_{\text{full}} = 0$,
# and $U^*$ is also above acting blind. Information made the two types'
# choices diverge; withholding it made them agree. *Ties:* the claim does
# not depend on them. With no information the posterior is $1/2$, where
# both types strictly prefer the safe action ($0.75 > 0.5$), so $0.75$ is
# attained whatever indifferent agents do; full revelation gives 0 under
# either convention (no type is indifferent at a degenerate posterior).

# %%
no_info = Splitting(weights=np.array([1.0]), posteriors=prob.prior[None])
full_info = Splitting(weights=prob.prior.copy(), posteriors=np.eye(2))
for ties in ("principal", "adversarial"):
    none_, full_ = (prob.payoffs(t, ties)[0].min() for t in (no_info, full_info))
    print(f"{ties:>11} ties: no information {none_:.2f}, full {full_:.2f}")

# %% tags=["remove-input"]
checks.close(
    "claim 3: no information guarantees 0.75 even with ties broken against the principal",
    prob.payoffs(no_info, "adversarial")[0].min(),
    0.75,
    method="by hand: both strictly prefer safe at 1/2",
)
checks.true(
    "claim 3: restricting information raises U* strictly above U_full (either tie-breaking)",
    prob.payoffs(no_info, "adversarial")[0].min()
    > max(prob.payoffs(full_info, t)[0].min() for t in ("principal", "adversarial")) + 0.5,
    value=f"U* {sol.value:.3g} vs U_full {prob.U_full:.3g}",
    method="no vs full info under both tie rules",
)

# %% [markdown]
# Nor is the example special. Pair an aligned agent with one random agent
# utility and count how often withholding some information beats full
# revelation:

# %%
n_restrict = 0
for _ in range(n_problems):
    q = random_delegation_problem(3, 3, 2, rng)
    q = q.with_types(np.stack([q.delegated_utility, q.agent_utilities[0]]))
    n_restrict += robust_delegation(q).value > q.U_full + 1e-6
print(f"aligned + one random type: U* > U_full in {n_restrict} of {n_problems}")

# %% tags=["remove-input"]
checks.true(
    "claim 3: also common in random problems",
    n_restrict > 0,
    value=f"{n_restrict} of {n_problems}",
    method="count: profile LP vs U_full, random problems",
)

# %% [markdown]
# ### Claim 1: between acting blind and the first best, and blind when types abound
#
# With the essay's definition, $U^*$ is the value of *delegating*, and
# $U^* \ge U_{\text{blind}}$ **fails**: when delegating is bad enough,
# $U^* < U_{\text{blind}}$ (below: an opposed type makes it so in every
# problem). What holds is the claim for the act-or-delegate guarantee
# $G^* = \max(U_{\text{blind}}, U^*)$: $G^* \ge U_{\text{blind}}$ by
# definition, and $G^* \le U_{\max}$ because $U^* \le U_{\max}$ (no
# delegation beats choosing the best action in every state). The upper
# bound is a real check on the LP: we compare its value with $U_{\max}$,
# computed directly, and, for two states, with an independent algorithm
# (`robust_value_binary`: posteriors only at the types' indifference
# points, found directly, then a max–min over those candidates). *Ties:*
# both computations break ties in the principal's favour; $U^* \le U_{\max}$
# holds under any convention.

# %%
below_max, lp_vs_breakpoints = [], []
for _ in range(n_problems):
    n, k = int(rng.integers(2, 4)), int(rng.integers(1, 4))
    q = random_delegation_problem(n, 3, k, rng)
    below_max.append(robust_delegation(q).value <= q.U_max + 1e-9)
    q2 = random_delegation_problem(2, 3, int(rng.integers(1, 5)), rng)
    lp_vs_breakpoints.append(robust_delegation(q2).value - robust_value_binary(q2))
print(f"U* <= U_max in {sum(below_max)} of {n_problems} problems")
print(f"largest |LP - breakpoints|: {np.abs(lp_vs_breakpoints).max():.1e}")

# %% tags=["remove-input"]
checks.all_of(
    "claim 1: U* <= U_max (first best computed directly)",
    below_max,
    method="profile LP vs first best, computed directly",
)
checks.close(
    "claim 1: U* by the profile LP = U* by the breakpoint method (random two-state problems)",
    np.array(lp_vs_breakpoints),
    0.0,
    atol=1e-7,
    method="profile LP vs breakpoint method",
)

# %% [markdown]
# The second half of claim 1 is the interesting one. Start from an aligned
# agent and add random agent utilities one at a time: $U^*$ can only fall,
# and once an agent that opposes the principal is possible, delegating is
# worth no more than guessing: $G^* = U_{\text{blind}}$, while the essay's
# $U^*$ falls *below* $U_{\text{blind}}$.

# %%
type_counts = np.unique(np.geomspace(1, max_types, 8).astype(int))
curves = []  # (problem, U* for each number of types)
for _ in range(3):
    base = random_delegation_problem(3, 3, max_types, rng)
    pool = np.concatenate([base.delegated_utility[None], base.agent_utilities])
    values = [robust_delegation(base.with_types(pool[:K])).value for K in type_counts]
    curves.append((base, values))
heads = [f"U*, {K} types" if K > 1 else "U*, 1 type" for K in type_counts]
Table([(k + 1, base.U_blind, *values) for k, (base, values) in enumerate(curves)],
      ["problem", "U_blind", *heads],
      digits=3,
      caption="U* as the set of possible agents grows, beside the blind guess.")

# %% tags=["remove-input"]
for j, (base, values) in enumerate(curves, 1):
    checks.all_of(
        f"claim 1, problem {j}: U* never rises as types are added",
        np.diff(values) <= 1e-7,
        method="profile LP over nested type sets",
    )
    checks.close(
        f"claim 1, problem {j}: aligned agent alone gives the first best",
        values[0],
        base.U_max,
        atol=1e-7,
        method="profile LP vs first best, computed directly",
    )
    w = base.delegated_utility
    with_enemy = base.with_types(np.concatenate([w[None], -w[None]]))
    # By hand: type -w takes the principal's worst action at every posterior, so
    # U* <= E_tau[min_b E_mu w] <= min_b E_mu0 w (concavity of the minimum).
    worst_blind = float((w @ base.prior).min())
    checks.at_most(
        f"claim 1, problem {j}: with an opposed type (-w), U* <= min_b E w (by hand)",
        robust_delegation(with_enemy).value,
        worst_blind,
        atol=1e-7,
        method="by-hand bound min_b E_μ0 w (concavity)",
    )
    checks.true(
        f"claim 1, problem {j}: the essay's U* falls strictly below U_blind (U* >= U_blind fails)",
        robust_delegation(with_enemy).value < base.U_blind - 1e-6,
        value=f"U* {robust_delegation(with_enemy).value:.3g} < U_blind {base.U_blind:.3g}",
        method="profile LP vs U_blind, computed directly",
    )
reached = sum(values[-1] <= base.U_blind + 1e-9 for base, values in curves)
print(
    f"with {type_counts[-1]} random types, delegation is worth no more than guessing in {reached} of 3 problems"
)

# %% tags=["hide-input", "remove-output"]
fig, ax = plt.subplots(figsize=(6.4, 3.6))
for j, (_, values) in enumerate(curves):
    ax.plot(
        type_counts,
        values,
        color=PALETTE[j + 1],
        ls=["-", "--", "-."][j],
        marker=["o", "s", "^"][j],
        ms=5,
        label=f"problem {j + 1}: $U^*$",
    )
for j, (base, _) in enumerate(curves):
    # acting blind: dotted, ending in the problem's marker (tells them apart in grey)
    ax.plot(
        [type_counts[0], type_counts[-1] * 1.25], [base.U_blind] * 2,
        color=PALETTE[j + 1], ls=":", lw=1,
        marker=["o", "s", "^"][j], ms=5, markevery=[1], mfc="white",
        label=r"acting blind, $U_{\mathrm{blind}}$" if j == 0 else None,
    )
ax.set_xscale("log")
ax.set_xlabel(
    r"number of possible agent utilities $|\mathcal{U}_A|$"
    " (aligned one first; log scale)"
)
ax.set_ylabel("principal's guaranteed payoff\nfrom delegating, $U^*$")
ax.legend()
save_figure(fig, "delegation-more-types")
plt.show()

# %% [markdown]
# ```{figure} /figures/delegation-more-types.png
# :name: fig-delegation-types
# :alt: The robust value of delegation falls as more possible agent utilities are added.
#
# Three random problems (3 states, 3 actions). With only the aligned agent,
# delegating with full information achieves the first best; each added
# possible agent can only lower the guarantee $U^*$. Dotted lines: acting
# blind, $U_{\text{blind}}$, in the matching colour and ending in the
# problem's marker (hollow); once $U^*$ falls below it, $G^* = U_{\text{blind}}$.
# ```
#
# "Sufficiently large" has a sharp sufficient condition: if the agent might
# have utility $-w$ (it wants what the principal does not), then for any
# $\tau$ it takes the worst action at every posterior, and
# $\mathbb E_\tau[\min_b \mathbb E_\mu w] \le \min_b \mathbb E_{\mu_0} w \le
# U_{\text{blind}}$ when $A = B$. The checks above confirm this on each
# problem. *Ties:* the type $-w$ is indifferent exactly when the principal
# is, so the convention does not matter for it.
#
# ### Claim 2: inducing an aligned action
#
# Read literally ("an information structure can induce $b$ as the agent's
# unique best response"), the claim is ambiguous. **With positive
# probability** it holds: if $b$ is strictly best for both the principal and
# type $u_A$ at some belief $\mu$ the prior does not rule out, split $\mu_0$
# into $\mu$ and another posterior (`split_through`), and $b$ is that type's
# unique best response after the first signal. **With probability one** it
# fails: best-response regions are convex, so if $b$ were the best response
# at every posterior it would be the best response at their average, the
# prior. *Ties:* "unique best response" is strict, so no convention enters.
#
# We check the construction independently of the LP that finds $\mu$
# (`aligned_belief`). First, by sampling: for each random problem and action
# we draw beliefs and record whether $b$ is strictly best for both the
# principal and the agent at one of them; wherever sampling finds such a
# belief, the LP must find one too. Second, for each belief the LP returns,
# we turn the splitting into a signal $\pi(s \mid \omega)$, recompute the
# agent's posterior after the first signal by Bayes' rule, and check that
# $b$ is its unique best response and the principal's strict favourite.
#
# The construction on the safe-action example: a belief at which "match
# state 1" is strictly best for the aligned type and for the principal, and a
# split of the prior through it.

# %%
margin, mu = aligned_belief(prob, 0, 1)  # type 0 (aligned), action 1
tau = split_through(prob.prior, mu, share=0.5)
print(f"margin {margin:.3f} at Pr(ω = 1) = {mu[1]:.3f}")
responses = prob.best_responses(tau.posteriors)  # one row per signal
ACTIONS = ("match state 0", "match state 1", "safe")  # the rows of safe_action_problem
for k, (weight, post) in enumerate(zip(tau.weights, tau.posteriors[:, 1])):
    aligned, contrarian = (ACTIONS[a] for a in responses[k])
    print(f"signal {k + 1} (probability {weight:.3f}, Pr(ω = 1) = {post:.3f}):")
    print(f"  the aligned type plays {aligned}, the contrarian {contrarian}")

# %% [markdown]
# The same construction on random problems, with both independent checks
# (hidden; its output is shown):

# %% tags=["remove-input"]
samples = rng.dirichlet(np.ones(3), size=4000)
found, sampled, lp_missed, induced = 0, 0, 0, []
for _ in range(n_problems):
    q = random_delegation_problem(3, 3, 1, rng)
    agent_gain = samples @ q.agent_utilities[0].T  # (n_samples, n_B)
    principal_gain = samples @ q.delegated_utility.T
    for b in range(3):
        margin, mu = aligned_belief(q, 0, b)
        strict_both = (
            (np.delete(agent_gain, b, axis=1) < agent_gain[:, [b]]).all(axis=1)
            & (np.delete(principal_gain, b, axis=1) < principal_gain[:, [b]]).all(axis=1)
        ).any()
        sampled += bool(strict_both)
        lp_missed += bool(strict_both) and margin <= 0
        if margin <= 1e-6:
            continue
        found += 1
        tau = split_through(q.prior, mu, share=0.5)
        signal = (tau.weights[:, None] * tau.posteriors / q.prior[None, :]).T  # pi(s | w)
        joint = q.prior * signal[:, 0]  # P(w, s = first)
        posterior = joint / joint.sum()
        eu_agent = [sum(posterior[x] * q.agent_utilities[0, c, x] for x in range(3)) for c in range(3)]
        eu_principal = [sum(posterior[x] * q.delegated_utility[c, x] for x in range(3)) for c in range(3)]
        induced.append(
            all(eu_agent[b] > eu_agent[c] and eu_principal[b] > eu_principal[c] for c in range(3) if c != b)
            and np.allclose(signal.sum(axis=1), 1.0)
        )
print(
    f"(problem, action) pairs with an aligned action: {found} by LP, {sampled} by sampling;\n"
    f"induced as the unique best response in all of them: {all(induced)}"
)
checks.true(
    "claim 2: the LP finds an aligned belief wherever sampling does",
    lp_missed == 0,
    value=f"LP {found}, sampling {sampled}, missed {lp_missed}",
    method="4000 sampled beliefs vs aligned_belief LP",
)
checks.all_of(
    "claim 2 (positive probability): Bayes' rule on the constructed signal makes b the unique best response",
    induced,
    method="Bayes' rule by hand on the built signal",
)

# %% [markdown]
# With probability one the claim fails. How often can a signal make the
# aligned agent "match state 1"? That is a persuasion problem in which the
# sender wants action 1, whatever the state:

# %%
wants_match_1 = np.array([[0, 0], [1, 1], [0, 0]])  # sender: 1 for action 1
match1 = PersuasionGame(prob.prior, prob.agent_utilities[0], wants_match_1)
p_max = optimal_signal(match1).value
margin_contrarian, _ = aligned_belief(prob, 1, 1)
print(f"largest probability of 'match state 1': {p_max:.4f}")
print(f"contrarian's best margin for 'match state 1': {margin_contrarian:.3f}")

# %% tags=["remove-input"]
checks.close(
    "claim 2 (probability one) fails: 'match state 1' is induced at most w.p. 2/3",
    p_max,
    2 / 3,
    atol=1e-7,
    method="closed form (1/2)/(3/4), as the prosecutor",
)
checks.true(
    "claim 2: the contrarian shares no ranking with the principal for 'match 1'",
    margin_contrarian < 0,
    value=margin_contrarian,
    method="aligned_belief LP (no second method)",
)

# %% [markdown]
# In the safe-action example the aligned agent prefers "match state 1" only
# when its posterior is at least $3/4$; at the prior it takes the safe action,
# so the most any signal can do is make it match with probability
# $\tfrac{1/2}{3/4} = 2/3$ (the prosecutor's calculation of
# {ref}`ch-bayesian-persuasion`). That maximum uses the posterior $3/4$, where
# the agent is indifferent and matches; if it broke that tie the other way,
# $2/3$ would be a supremum, approached but not attained.
#
# ## Ties broken against the principal
#
# So far an indifferent agent chooses what the principal prefers, even an
# adversarial type. Suppose instead every type, when indifferent, takes the
# action worst for her (`ties="adversarial"`). Two things change.
#
# **The optimal information structure may lose value.** The LP returns a
# vertex, and vertices put posteriors on indifference boundaries. In the
# safe-action example it returns posteriors $1/4$ and $3/4$, where the
# contrarian is indifferent between the safe action and mismatching; against
# the principal it mismatches. No information, also optimal, keeps every type
# strict and loses nothing.
#
# **The value becomes a supremum that may not be attained.** Requiring every
# type to prefer its action by a margin $\delta$ (`robust_delegation(...,
# margin=delta)`) gives a value $U^*_\delta$ that is attained under *any*
# tie-breaking. We evaluate each margin solution under adversarial ties
# (an evaluation separate from the LP) and watch $U^*_\delta$ approach $U^*$
# as $\delta \to 0$: the supremum is the same when the profile regions the
# optimum uses have interior.

# %%
tau_star = sol.splitting
adv_at_star = prob.payoffs(tau_star, "adversarial")[0].min()
posteriors = ", ".join(f"{q:.3f}" for q in tau_star.posteriors[:, 1])
print("safe action, LP posteriors Pr(ω = 1):", posteriors)
print(f"worst case {sol.value:.3f} with ties for her, {adv_at_star:.3f} against her")

# %% tags=["remove-input"]
checks.close(
    "ties: the safe-action LP optimum drops to 0.25 with ties against the principal "
    "(contrarian mismatches at 1/4 and 3/4)",
    adv_at_star,
    0.25,
    atol=1e-9,
    method="hand value: mismatch pays 1/4 at each posterior",
)

# %% [markdown]
# With a margin, on the same example: the value and its worst case under
# adversarial ties.

# %%
deltas = [1e-1, 1e-2, 1e-3, 1e-4]
for d in deltas:
    s_d = robust_delegation(prob, margin=d)
    adv = prob.payoffs(s_d.splitting, "adversarial")[0].min()
    print(f"δ = {d:g}: U*_δ = {s_d.value:.4f}, against the principal {adv:.4f}")

# %% [markdown]
# The same on random problems (the check runs hidden; its output is shown):

# %% tags=["remove-input"]
tie_rows, attained, drop = [], [], 0
for _ in range(max(8, n_problems // 5)):
    q = random_delegation_problem(3, 3, 2, rng)
    s_q = robust_delegation(q)
    drop += q.payoffs(s_q.splitting, "adversarial")[0].min() < s_q.value - 1e-6
    row = []
    for d in deltas:
        s_d = robust_delegation(q, margin=d)
        row.append(s_d.value)
        attained.append(
            q.payoffs(s_d.splitting, "adversarial")[0].min() >= s_d.value - 1e-7
        )
    tie_rows.append(s_q.value - np.array(row))
tie_rows = np.array(tie_rows)  # U* - U*_delta, problems x deltas
print(
    f"random problems where ties against the principal cost the LP optimum value: {drop} of {len(tie_rows)}"
)
print("largest U* − U*_δ over the problems:")
for d, g in zip(deltas, tie_rows.max(axis=0)):
    print(f"  at δ = {d:g}: {g:.2g}")
checks.all_of(
    "ties: each margin solution keeps its value with ties against the principal",
    attained,
    method="adversarial re-evaluation of each margin LP",
)
checks.true(
    "ties: U*_delta <= U* and the gap shrinks as delta -> 0",
    (tie_rows >= -1e-7).all() and (np.diff(tie_rows, axis=1) <= 1e-7).all(),
    method="margin LPs vs the unconstrained LP",
)
checks.at_most(
    "ties: at delta = 1e-4 the supremum is approached (gap <= 1e-2)",
    tie_rows[:, -1],
    1e-2,
    method="margin LP vs unconstrained LP, bound 1e-2",
)

# %% [markdown]
# ## Two side remarks that do not hold as stated
#
# **"All achievable payoffs lie in $[U_{\min}, U_{\max}]$."** With the essay's
# definition $U_{\min} = U_{\text{full}}$, this fails whenever the agent is
# known to be aligned: then $U_{\min} = U_{\max}$ (full revelation to an
# aligned agent is the first best), but acting blind, or delegating with less
# information, is achievable and strictly worse. *Ties:* at full revelation
# the posteriors are degenerate and these random utilities have no ties
# there, so the convention does not enter.

# %%
below, collapsed = [], []
for _ in range(n_problems):
    q = random_delegation_problem(3, 3, 1, rng)
    q = q.with_types(q.delegated_utility[None])  # known to be aligned
    collapsed.append(abs(q.U_min - q.U_max) < 1e-9)
    below.append(q.U_blind < q.U_min - 1e-9)
print(f"U_blind < U_min in {sum(below)} of {n_problems};")
print("in the others one action is best in every state")

# %% tags=["remove-input"]
checks.all_of("known-aligned agent: U_min = U_full = U_max", collapsed, method="full-revelation payoff vs first best")
checks.true(
    "remark fails: U_blind is achievable yet below U_min (known-aligned agent)",
    sum(below) > 0,
    value=f"{sum(below)} of {n_problems} random problems",
    method="direct formulas U_blind vs U_min (= U_full)",
)

# %% [markdown]
# **"The set of achievable $(U_P, U_A)$ pairs is generally nonconvex."**
# For a *fixed* agent type, the pairs (principal's payoff, agent's payoff)
# over all information structures form a **convex** set: both payoffs are
# linear in $\tau$, and the set of Bayes-plausible $\tau$ is convex. We
# compute the set through its support function (one persuasion LP per
# direction, `payoff_set`) and check that the pair attaining each direction
# lies on the boundary. Non-convexity does appear once the principal's *own*
# action is included, because act-or-delegate is a yes/no choice: acting
# gives a point that may lie outside the convex set, and the chord between
# them is not achievable.

# %%
directions, support, points = payoff_set(prob, 1, n_directions)
w_act = int(np.argmax(prob.principal_utility @ prob.prior))  # her blind action
act_point = np.array([prob.principal_utility[w_act] @ prob.prior,
                      prob.agent_utilities[1, w_act] @ prob.prior])
safe_point = points[np.argmax(points.sum(axis=1))]  # no information
midpoint = (act_point + safe_point) / 2
excess = directions @ midpoint - support  # > 0 somewhere: outside the set
print("(principal, agent) payoffs: acting ({:.3f}, {:.3f}),".format(*act_point))
print("  delegating with no information ({:.3f}, {:.3f})".format(*safe_point))
print(f"the midpoint lies outside the delegation set by {excess.max():.3g}")

# %% tags=["hide-input", "remove-output"]
hull = points[np.argsort(np.arctan2(*(points - points.mean(axis=0)).T[::-1]))]
fig, ax = plt.subplots(figsize=(5.6, 4.2))
ax.fill(
    hull[:, 0],
    hull[:, 1],
    color="0.85",
    edgecolor="black",
    lw=1.5,
    label="delegating (any information)",
)
ax.plot(
    *act_point,
    marker="s",
    ms=9,
    color="black",
    ls="none",
    label="acting herself (blind)",
)
ax.plot(
    *zip(act_point, safe_point),
    color=PALETTE[2],
    ls="--",
    marker="",
    lw=1.5,
    label="chord: not achievable",
)
ax.plot(*midpoint, marker="x", ms=10, mew=2, color=PALETTE[2], ls="none")
ax.set_xlabel("principal's expected payoff $U_P$")
ax.set_ylabel("contrarian agent's expected payoff $U_A$")
ax.set_xlim(-0.05, 0.85)
ax.set_ylim(0.4, 1.05)
ax.legend(loc="lower left")
save_figure(fig, "delegation-payoff-set")
plt.show()

# %% tags=["remove-input"]
# Independent check of the support function: with two states two posteriors
# suffice, so brute force over pairs of posteriors p1 <= 1/2 <= p2 on a grid
# (which contains the breakpoints 1/4, 3/4), the agent best-responding at
# each (ties: any best response, the one best in direction d, as the
# persuasion LP assumes).
grid = np.linspace(0, 1, 201)
grid_beliefs = np.column_stack([1 - grid, grid])
u_c = prob.agent_utilities[1]
gains_c = grid_beliefs @ u_c.T  # (grid, n_B)
best_c = gains_c >= gains_c.max(axis=1, keepdims=True) - 1e-12
pairs = np.stack(
    [grid_beliefs @ prob.delegated_utility.T, gains_c], axis=-1
)  # (grid, n_B, 2): (principal, agent) payoffs of each action
brute = []
lo, hi = grid <= 0.5, grid >= 0.5
for d in directions:
    f = np.where(best_c, pairs @ d, -np.inf).max(axis=1)  # best tied action in direction d
    p1, p2 = grid[lo][:, None], grid[hi][None, :]
    lam = np.where(p2 > p1, (p2 - 0.5) / np.where(p2 > p1, p2 - p1, 1.0), 1.0)
    brute.append((lam * f[lo][:, None] + (1 - lam) * f[hi][None, :]).max())
checks.close(
    "payoff set: support function = brute force over two-posterior splittings",
    np.array(brute),
    support,
    atol=1e-7,
    method="brute force over two-posterior splits",
)
checks.true(
    "non-convexity: acting blind lies outside the delegation set",
    (directions @ act_point - support).max() > 1e-6,
    method="acting point vs LP support function",
)
checks.true(
    "non-convexity: the midpoint of acting and 'safe' delegation is achievable by neither",
    excess.max() > 1e-6,
    value=f"outside by {excess.max():.3g}",
    method="midpoint vs LP support function",
)

# %% [markdown]
# ```{figure} /figures/delegation-payoff-set.png
# :name: fig-delegation-payoffs
# :alt: Convex set of payoff pairs from delegating to the contrarian, and the separate point of acting blind.
#
# Payoff pairs against the contrarian agent in the safe-action example. Grey:
# every information structure, delegating (a triangle: no information gives
# $(0.75, 0.75)$, full information $(0, 1)$). Square: the principal acts
# herself. The union is not convex: the cross, halfway between acting and
# delegating with no information, is achievable by neither.
# ```
#
# ## Reconstruction: what Fudenberg and Liang study
#
# ```{admonition} A reconstruction, from the paper's abstract
# :class: note
#
# The essay's model (a set of agent utilities, act-or-delegate, worst case) is
# the essay's own rendering. The abstract of {cite:t}`fudenberg2025friend`
# describes a designer who decides which patient attributes to reveal to an AI
# that is either **aligned** (maximises the designer's payoff) or
# **misaligned** (minimises it); more information raises the aligned AI's
# benefit and the misaligned AI's harm, and the paper characterises the
# efficient frontier of best-case against worst-case payoffs. What follows is
# our finite reconstruction of that trade-off, not the paper's model or
# results.
# ```
#
# Take $\mathcal U_A = \{w, -w\}$ in the safe-action example and trace, over
# all information structures, the principal's payoff with the aligned agent
# (best case) against her payoff with the misaligned one (worst case):
# maximise $\lambda \cdot \text{best} + (1 - \lambda) \cdot \text{worst}$ for
# $\lambda \in [0, 1]$ (`weighted_delegation`).

# %%
w = prob.delegated_utility
friend_foe = prob.with_types(np.stack([w, -w]))  # aligned, misaligned


def best_and_worst(lam):
    """(best, worst) case of the structure maximising lam*best + (1-lam)*worst."""
    tau = weighted_delegation(friend_foe, [lam, 1 - lam]).splitting
    return friend_foe.payoffs(tau)[0]


frontier = np.array([best_and_worst(lam) for lam in np.linspace(0, 1, 21)])
print("frontier points (best case, worst case):",
      ", ".join(f"({b:.2f}, {w:.2f})" for b, w in np.unique(frontier.round(6), axis=0)))

# %% tags=["remove-input"]
checks.close(
    "reconstruction: no information gives (best, worst) = (0.75, 0.5)",
    friend_foe.payoffs(no_info)[0],
    [0.75, 0.5],
    method="by hand: safe 0.75; opposed type guesses 1/2",
)
checks.close(
    "reconstruction: full information gives (1, 0)",
    friend_foe.payoffs(full_info)[0],
    [1.0, 0.0],
    method="by hand: aligned matches, −w mismatches",
)
checks.true(
    "reconstruction: the frontier runs from no information to full information",
    np.allclose(frontier[0], [0.75, 0.5]) and np.allclose(frontier[-1], [1.0, 0.0]),
    method="weighted LP at λ = 0 and 1 vs hand values",
)

# %% [markdown]
# In this example the frontier is the segment from no information
# $(0.75, 0.5)$ to full information $(1, 0)$: each unit of best-case payoff
# costs two units of worst case. Information helps only if the principal is
# confident enough that the agent is aligned, which is the trade-off the
# abstract describes.
#
# ## What the exact solution costs
#
# The LP has one block per non-empty profile region. `profile_regions` builds
# them type by type, keeping only feasible partial profiles (one small LP
# each, except that the next type's best response at a belief already found
# in the region needs none), so the cost follows the number of regions, which
# for a fixed number of states grows polynomially in the number of types
# $K = |\mathcal U_A|$, not as the number of profiles, $|B|^K$ for an agent with
# action set $B$ ($3^K$ here: match state 0, match state 1, safe).

# %%
cost = []  # (states, types, regions, seconds)
for n_states in (2, 3):
    base_rng = np.random.default_rng(n_states)
    base = random_delegation_problem(n_states, 3, max_types, base_rng)
    for K in type_counts:
        q = base.with_types(base.agent_utilities[:K])
        start = time.perf_counter()
        s = robust_delegation(q)
        cost.append((n_states, int(K), s.n_regions, time.perf_counter() - start))

# %%
for n, K, regions, seconds in cost:
    print(f"{n} states, {K:>2} type{'s' if K > 1 else ' '}: {regions:>4} regions "
          f"of {3**K:>10,} profiles, {seconds:.3f} s")

# %% tags=["remove-input"]
checks.true(
    "cost: regions far fewer than 3^K at the largest K",
    all(r[2] < 3 ** r[1] or r[1] <= 2 for r in cost),
    method="region count vs 3^K profiles",
)

# %% tags=["hide-input", "remove-output"]
fig, ax = plt.subplots(figsize=(6.4, 3.6))
plot_scaling(
    ax,
    {
        f"{n} states, 3 actions": (
            [r[1] for r in cost if r[0] == n],
            [r[3] for r in cost if r[0] == n],
        )
        for n in (2, 3)
    },
    xlabel=r"number of possible agent utilities $|\mathcal{U}_A|$ (log scale)",
    ylabel="time to solve (seconds, log scale)",
)
save_figure(fig, "delegation-cost")
plt.show()

# %% [markdown]
# ```{figure} /figures/delegation-cost.png
# :name: fig-delegation-cost
# :alt: Time to solve the robust delegation LP against the number of agent types.
#
# Time to compute $U^*$ exactly on this machine (one run each). Most of the
# time goes to finding the non-empty profile regions.
# ```
#
# ## What we have seen
#
# - The essay's delegation model is a max–min over distributions of
#   posteriors, solved exactly by one LP over best-response profiles; for two
#   states an independent breakpoint method agrees.
# - Claim 1 fails for the essay's $U^*$ (delegation only), which can fall
#   below $U_{\text{blind}}$; it holds for the act-or-delegate guarantee
#   $G^* = \max(U_{\text{blind}}, U^*)$, and "sufficiently large" can be
#   made precise: once an agent opposed to the principal is possible,
#   delegation is worth no more than acting blind.
# - Claim 2 holds in the sense "with positive probability", not "for sure".
# - Claim 3 holds: revealing nothing guaranteed $0.75$ where full revelation
#   guaranteed $0$, whichever way indifferent agents break ties.
# - With ties broken against the principal, the LP's optimal structure can
#   lose value (0.75 becomes 0.25 in the safe-action example), but strict
#   margins recover $U^*$ as a supremum.
# - $U_{\min}$ and $U_{\text{full}}$ are the same quantity, achievable payoffs
#   can fall below it, and the payoff set for a fixed agent is convex; the
#   non-convexity comes from the act-or-delegate choice.
#
# ## Exercises
#
# ```{exercise} The value of the safe action
# :label: ex-milder-contrarian
#
# In the safe-action example, let the safe action be worth $s$ to both the
# principal and the agents (instead of $0.75$). For which $s$ does the
# principal still prefer delegating to guessing, and what is $U^*$ as a
# function of $s$? Check a few values.
# ```
#
# ```{solution-start} ex-milder-contrarian
# :class: dropdown
# ```
#
# Both types take the safe action at posterior $p$ when $s \ge \max(p, 1-p)$,
# i.e. on $[1-s, s]$ for $s \ge 1/2$; outside, the contrarian gives at most
# $\min(p, 1-p) \le 1/2$. So $U^* = s$ for $s \ge 1/2$ (reveal nothing). For
# $s < 1/2$ the safe action is never chosen, the contrarian gives
# $\min(p, 1-p)$, and the best the principal can do is the posterior $1/2$,
# where any guess is right half the time: $U^* = 1/2$. Delegating beats
# guessing iff $s > 1/2$.

# %%
milder = {}  # s -> U*
for s_val in (0.3, 0.6, 0.75, 0.9):
    w_s = np.array([[1.0, 0.0], [0.0, 1.0], [s_val, s_val]])
    contrarian = np.array([[0.0, 1.0], [1.0, 0.0], [s_val, s_val]])
    types = np.stack([w_s, contrarian])
    q = DelegationProblem(prob.prior, w_s[:2], types, delegated_utility=w_s)
    milder[s_val] = robust_delegation(q).value
    print(f"s = {s_val}: U* = {milder[s_val]:.4f}")

# %% tags=["remove-input"]
for s_val, u_star in milder.items():
    checks.close(
        f"exercise: U* = max(s, 1/2) at s = {s_val}",
        u_star,
        max(s_val, 0.5),
        atol=1e-7,
        method="closed form max(s, 1/2) from the text",
    )

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Why the minimum outside matters
# :label: ex-min-outside
#
# Suppose instead the principal evaluated each *posterior* by its worst type,
# $\mathbb E_\tau[\min_k \mathbb E_\mu w(b_k^*(\mu), \cdot)]$ (a new worst type
# after every signal). Show that this is never larger than $U^*$, and find it
# for the aligned/contrarian pair of the safe-action example at full
# information.
# ```
#
# ```{solution-start} ex-min-outside
# :class: dropdown
# ```
#
# For each $\tau$, $\mathbb E_\tau[\min_k f_k] \le \min_k \mathbb E_\tau[f_k]$,
# so the pointwise-worst value is at most $U^*$. At full information the
# contrarian is worst at each posterior, so both give $0$; with no information
# both give $0.75$. The two differ for mixed structures, e.g. when one signal
# hurts one type and another signal the other.

# %%
def pointwise_worst(problem, tau):
    """E_tau[min_k E_mu w(b_k*(mu), .)]: a new worst type after every signal."""
    acts_tau = problem.best_responses(tau.posteriors)
    w_b = problem.delegated_utility[acts_tau]  # (signals, types, states)
    per_signal = np.einsum("sw,skw->sk", tau.posteriors, w_b)
    return tau.weights @ per_signal.min(axis=1)


for name, tau in (("no information", no_info), ("full information", full_info)):
    pointwise, outside = pointwise_worst(prob, tau), prob.payoffs(tau)[0].min()
    print(f"{name}: pointwise {pointwise:.3f}, min outside {outside:.3f}")

# %% tags=["remove-input"]
rng_ex = np.random.default_rng(11)
gaps = []
for _ in range(max(10, n_problems // 5)):
    q = random_delegation_problem(3, 3, 3, rng_ex)
    s_q = robust_delegation(q)
    acts_q = q.best_responses(s_q.splitting.posteriors)
    per_signal = np.einsum(
        "sw,skw->sk", s_q.splitting.posteriors, q.delegated_utility[acts_q]
    )
    gaps.append(s_q.value - s_q.splitting.weights @ per_signal.min(axis=1))
checks.at_most(
    "exercise: at the optimal tau the pointwise version is never higher",
    -np.array(gaps),
    0.0,
    atol=1e-7,
    method="LP value vs worst type per posterior",
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
