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
# (ch-bayesian-persuasion)=
# # Bayesian persuasion and concavification
#
# A Sender who knows more than a Receiver can shape what the Receiver does by
# deciding, *in advance*, what the Receiver will learn. This is the model of
# {cite:t}`kamenica2011bayesian`, and the starting point of both papers this book
# accompanies: the essay {cite:p}`cheng2025mechanism` (§2.1) uses it as the
# foundation of mechanism design for alignment, and {cite:t}`bai2024efficient`
# cast a small Advisor model as the Sender and a large language model as the
# Receiver.
#
# This chapter states the model, proves nothing we cannot check, and checks
# everything it states: the prosecutor and the judge, the concave closure, the
# linear program behind the optimal signal, a three-state example drawn on the
# simplex, and an error in the essay's definition of the concave closure.

# %% tags=["parameters"]
scale = "book"  # "smoke" (seconds, for tests), "book" (default) or "full"

# %% tags=["hide-input"]
import itertools

import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import linprog

from persuasion import (
    PersuasionGame,
    concave_closure,
    convex_closure,
    optimal_signal,
    prosecutor_game,
    random_game,
    split,
)
from persuasion.book import chapter
from persuasion.book.plotting import (
    plot_simplex_regions,
    save_figure,
    simplex_coords,
)

SIZES = {  # number of random games per experiment, points per curve
    "smoke": dict(n_games=24, n_grid=101),
    "book": dict(n_games=400, n_grid=401),
    "full": dict(n_games=4000, n_grid=2001),
}
# Every random number of the chapter comes from the generator `rng`.
size, rng, checks = chapter(scale, SIZES, seed=20111001)
n_games, n_grid = size.n_games, size.n_grid

# %% [markdown]
# ## The model
#
# A state $\omega$ is drawn from a finite set $\Omega$ according to a prior
# $\mu_0 \in \Delta(\Omega)$ that Sender and Receiver share. Before the state is
# drawn, the Sender commits to a **signal**: a finite set of realisations $S$
# and distributions $\pi(\cdot \mid \omega) \in \Delta(S)$. The Receiver sees the
# realisation $s$, forms the posterior $\mu_s$ by Bayes' rule, and takes an
# action $a \in A$ maximising $\mathbb{E}_{\omega \sim \mu_s}[u(a, \omega)]$. The
# Sender's payoff is $v(a, \omega)$.
#
# In the language of {cite:t}`bai2024efficient`, the state is an *information
# item* $c$, the Sender is the Advisor, the Receiver is the language model, and
# Bayes' rule is their Eq. (2):
#
# $$
# \mu_s(\omega) = \frac{\mu_0(\omega)\,\pi(s \mid \omega)}{\sum_{\omega'} \mu_0(\omega')\,\pi(s \mid \omega')}.
# $$
#
# ```{prf:definition} Sender's value of a belief
# :label: def-vhat
#
# Let $A^*(\mu) = \arg\max_{a} \mathbb{E}_{\omega\sim\mu}[u(a,\omega)]$. The Sender's
# value of belief $\mu$ is
# $\hat v(\mu) = \max_{a \in A^*(\mu)} \mathbb{E}_{\omega\sim\mu}[v(a,\omega)]$:
# the Receiver best-responds and breaks ties in the Sender's favour.
# ```
#
# A signal turns the prior into a random posterior. Averaging the posteriors with
# the probabilities of the signals gives back the prior; this is the only
# restriction on what a signal can do.
#
# ```{prf:definition} Bayes-plausible distribution of posteriors
# :label: def-bayes-plausible
#
# A distribution $\tau$ over posteriors $\mu_1, \dots, \mu_k$ with weights
# $\tau_1, \dots, \tau_k$ is *Bayes-plausible* if $\sum_i \tau_i \mu_i = \mu_0$.
# Every signal induces a Bayes-plausible distribution, and every Bayes-plausible
# distribution is induced by the signal $\pi(i\mid\omega) = \tau_i\mu_i(\omega)/\mu_0(\omega)$
# {cite:p}`kamenica2011bayesian`.
# ```
#
# The Sender's problem is therefore to choose a Bayes-plausible distribution of
# posteriors to maximise $\sum_i \tau_i \hat v(\mu_i)$.

# %% [markdown]
# ## The prosecutor and the judge
#
# The example that opens {cite:t}`kamenica2011bayesian`: a defendant is guilty
# with prior probability $0.3$. The judge gets utility 1 from the right verdict
# and 0 from the wrong one, so she convicts if and only if she believes guilt is
# at least as likely as innocence. The prosecutor wants a conviction whatever the
# truth. With no information the judge acquits, and she would convict with
# probability $0.3$ under full information. The prosecutor can do better.
#
# The library has this game built in; `optimal_signal` solves the Sender's
# problem and returns the signal as a matrix of $\Pr(s \mid \omega)$, rows
# innocent and guilty.

# %%
game = prosecutor_game(prior_guilty=0.3)
sol = optimal_signal(game)
print(f"P(conviction) under the optimal signal: {sol.value:.4f}")
for state, row in zip(game.states, sol.scheme):
    laws = ", ".join(f"signal {s} w.p. {q:.4f}" for s, q in enumerate(row))
    print(f"if {state}: {laws}")

# %% [markdown]
# Each realisation comes with its probability, the posterior it induces and
# the judge's best response to that posterior:

# %%
p_guilty = sol.posteriors[:, 1]  # each posterior's probability of guilt
for s in np.argsort(p_guilty):
    act = game.actions[sol.actions[s]]
    print(f"signal {s}: probability {sol.weights[s]:.3f}, "
          f"P(guilty | signal) = {p_guilty[s]:.3f}, judge: {act}")

# %% [markdown]
# The optimal signal says "guilty" always when the defendant is guilty and with
# probability $3/7$ when innocent. Seeing "guilty", the judge's posterior is
# exactly $1/2$, she is indifferent, and she convicts. The judge is no better off
# than with no information at all: her expected utility is the same $0.7$.
#
# `split` applies Bayes' rule to a prior and a signal; the judge's expected
# utility is her best value at each posterior, averaged:

# %%
judge_with_signal = split(game.prior, sol.scheme)
posterior_values = game.receiver_value(judge_with_signal.posteriors)
judge_utility = float(judge_with_signal.weights @ posterior_values)
judge_no_info = game.receiver_value(game.prior)
print(f"judge: {judge_utility:.4f} with the signal, {judge_no_info:.4f} without")

# %% tags=["remove-input"]
checks.close(
    "prosecutor: conviction probability is 0.6", sol.value, 0.6, atol=1e-7, method="closed form min(2μ, 1) at μ = 0.3"
)
checks.close(
    "prosecutor: posteriors P(guilty) are 0 and 1/2",
    np.sort(p_guilty),
    [0.0, 0.5],
    atol=1e-7,
    method="hand-solved posteriors from the text",
)
checks.close(
    "prosecutor: judge's expected utility equals her no-information value 0.7",
    judge_utility,
    judge_no_info,
    atol=1e-7,
    method="judge's value: Bayes' rule split vs prior",
)
checks.close(
    "prosecutor: no-information value of the judge",
    judge_no_info,
    0.7,
    atol=1e-12,
    method="by hand: acquitting is right w.p. 0.7",
)
checks.true(
    "prosecutor: persuasion beats full revelation (0.6 > 0.3)",
    sol.value > game.full_information_value + 1e-6,
    value=f"{sol.value:.4f} vs {game.full_information_value:.4f}",
    method="LP value vs full-revelation value",
)

# %% [markdown]
# ## Concavification
#
# Plot $\hat v$ against the belief in guilt: it is 0 below $1/2$ and 1 from $1/2$
# on. A Bayes-plausible split of the prior $0.3$ into posteriors $0$ and $1/2$,
# with weights $0.4$ and $0.6$, earns the average of $\hat v$ at those points,
# which is the height at $0.3$ of the chord joining $(0, 0)$ and $(1/2, 1)$. The
# best the Sender can do is the height of the *smallest concave function above
# $\hat v$*.
#
# ```{prf:definition} Concave closure
# :label: def-concave-closure
#
# The concave closure of $\hat v$ is the function
#
# $$
# V(\mu) = \sup\Bigl\{\textstyle\sum_i \lambda_i \hat v(\mu_i) \;:\; \sum_i \lambda_i \mu_i = \mu,\ \lambda \in \Delta\Bigr\}
# $$
#
# It is the pointwise smallest concave function that lies above $\hat v$.
# ```
#
# ```{prf:theorem} Kamenica and Gentzkow (2011), Corollary 2
# :label: thm-kg
#
# The value of an optimal signal is $V(\mu_0)$. The Sender benefits from
# persuasion (some signal gives strictly more than no information) if and only
# if $V(\mu_0) > \hat v(\mu_0)$. An optimal signal induces posteriors $\mu_i$ at
# which $\hat v(\mu_i) = V(\mu_i)$ and which lie on a hyperplane supporting $V$
# at $\mu_0$.
#
# Source: {cite:t}`kamenica2011bayesian`.
# ```
#
# ```{prf:proof}
# By {prf:ref}`def-bayes-plausible` the Sender chooses weights $\tau$ and
# posteriors $\mu_i$ with $\sum_i \tau_i \mu_i = \mu_0$; these are the weights
# $\lambda = \tau$ of {prf:ref}`def-concave-closure`, so the best such choice
# is $V(\mu_0)$ (the supremum is attained
# because $\hat v$ is upper semicontinuous when ties favour the Sender). No
# information is the split with one posterior $\mu_0$, worth $\hat v(\mu_0)$, so
# the Sender benefits exactly when $V(\mu_0) > \hat v(\mu_0)$. If an optimal split
# had a posterior with $\hat v(\mu_i) < V(\mu_i)$, replacing it by a split of
# $\mu_i$ that achieves $V(\mu_i)$ would raise the value; and a concave $V$ that is
# attained by the average of its values at the $\mu_i$ must be affine on their
# convex hull, which is the supporting hyperplane.
# ```
#
# The next cells compute $\hat v$, its concave closure and its convex closure
# on a grid of beliefs, then draw them with the chord that the optimal signal
# achieves ({numref}`fig-prosecutor` below).

# %%
beliefs_1d = np.linspace(0.0, 1.0, n_grid)
grid = np.column_stack([1 - beliefs_1d, beliefs_1d])
v_hat_curve = game.sender_value(grid)
V_curve = concave_closure(game, grid)
lower_curve = convex_closure(game, grid)

# %% tags=["hide-input", "remove-output"]
fig, ax = plt.subplots(figsize=(6.4, 3.8))
ax.plot(beliefs_1d, V_curve, label=r"concave closure $V$ (sup)", lw=2.5, marker="")
ax.plot(
    beliefs_1d,
    v_hat_curve,
    label=r"$\hat v$: P(convict) at this belief",
    lw=1.5,
    marker="",
    drawstyle="steps-post",
)
ax.plot(beliefs_1d, lower_curve, label=r"convex closure (inf)", lw=1.5, marker="")
post = np.sort(p_guilty)
ax.plot(
    post,
    [game.sender_value([1 - q, q]) for q in post],
    ls="none",
    marker="o",
    ms=7,
    color="black",
    label="posteriors of the optimal signal",
)
ax.axvline(0.3, color="0.4", lw=1, ls=":", marker="")
ax.annotate(
    r"prior $\mu_0 = 0.3$",
    (0.3, 0.62),
    xytext=(0.08, 0.75),
    fontsize=9,
    arrowprops={"arrowstyle": "->"},
)
ax.set_xlabel(
    "belief that the defendant is guilty, $\\mu(\\mathrm{guilty})$ (probability)"
)
ax.set_ylabel("Sender's expected utility\n(probability of conviction)")
ax.set_ylim(-0.05, 1.1)
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)  # below: clear of the curves
save_figure(fig, "prosecutor-concavification")
plt.show()

# %% tags=["remove-input"]
checks.close(
    "prosecutor: V(0.3) from the vertex method equals the LP value",
    concave_closure(game, game.prior),
    sol.value,
    atol=1e-7,
    method="vertex method vs LP",
)
checks.close(
    "prosecutor: V is the chord min(2 mu, 1) at every grid point",
    V_curve,
    np.minimum(2 * beliefs_1d, 1.0),
    atol=1e-7,
    method="closed form min(2μ, 1)",
)
checks.all_of(
    "prosecutor: V lies above v_hat everywhere",
    V_curve >= v_hat_curve - 1e-9,
    method="vertex-method V vs v_hat on the grid",
)

# %% [markdown]
# ```{figure} /figures/prosecutor-concavification.png
# :name: fig-prosecutor
# :alt: The Sender's value of a belief and its concave and convex closures in the prosecutor example.
#
# The prosecutor example. $\hat v$ (steps) jumps from 0 to 1 where the judge
# starts to convict; its concave closure $V$ (thick) is the chord from $(0,0)$ to
# $(1/2, 1)$ and then flat. At the prior $0.3$ the optimal signal splits the
# belief into the posteriors $0$ and $1/2$ (dots) and earns $V(0.3) = 0.6$. The
# convex closure (the essay's definition with `inf`, see
# {ref}`sec-essay-inf`) lies *below* $\hat v$.
# ```
#
# {numref}`fig-prosecutor` is the whole theory in one picture: the Sender's
# optimal value is read off the concave closure at the prior.

# %% [markdown]
# ## The optimal signal as a linear program
#
# For more than two states the concave closure cannot be read off a picture,
# but it can be computed. By the revelation principle a signal can *recommend*
# actions, and a recommendation the Receiver is willing to follow is
# *obedient*. Writing $p(\omega, a) = \mu_0(\omega)\pi(a \mid \omega)$, the Sender
# solves the linear program
#
# $$
# \begin{aligned}
# \max_{p \ge 0}\quad & \sum_{\omega, a} p(\omega, a)\, v(a, \omega) \\
# \text{s.t.}\quad & \textstyle\sum_a p(\omega, a) = \mu_0(\omega) && \text{for all } \omega, \\
# & \textstyle\sum_\omega p(\omega, a)\,[u(a, \omega) - u(a', \omega)] \ge 0 && \text{for all } a \ne a',
# \end{aligned}
# $$
#
# with $|\Omega||A|$ variables and $|A|(|A|-1)$ obedience constraints
# {cite:p}`dughmi2016algorithmic`. `optimal_signal` solves it with HiGHS through
# cvxpy. `concave_closure` computes $V$ by a different route: $\hat v$ is linear
# on each region of beliefs where one action is optimal, so the supremum is
# attained at the vertices of those regions, which it enumerates. The two must
# agree on every game.
#
# We draw random games of 1 to 5 states and 1 to 6 actions in three
# families: generic games, zero-sum games ($v = -u$) and games where the
# Sender's utility does not depend on the state (`draw_games`, in the cell
# behind the toggle).


# %% tags=["hide-input"]
def draw_games(n, rng):
    """Random games of 1 to 5 states and 1 to 6 actions, in three families.

    Generic games (independent normal utilities), zero-sum games (v = -u) and
    games where the Sender's utility does not depend on the state.
    """
    games = []
    for i in range(n):
        g = random_game(int(rng.integers(1, 6)), int(rng.integers(1, 7)), rng)
        family = i % 3
        if family == 1:
            g = PersuasionGame(g.prior, g.receiver_utility, -g.receiver_utility)
        elif family == 2:
            v = np.repeat(rng.standard_normal((g.n_actions, 1)), g.n_states, axis=1)
            g = PersuasionGame(g.prior, g.receiver_utility, v)
        games.append(g)
    return games


# %% [markdown]
# Each game is solved both ways: by the LP and by the vertex method.

# %%
games = draw_games(n_games, rng)
solutions = [optimal_signal(g) for g in games]
lp_value = np.array([s.value for s in solutions])
closure_value = np.array([concave_closure(g, g.prior) for g in games])
gap = np.abs(lp_value - closure_value).max()
print(f"{len(games)} games; largest |LP value - V(prior)| = {gap:.2e}")

# %% tags=["remove-input"]
no_info = np.array([g.no_information_value for g in games])
checks.close(
    f"LP value equals the concave closure V(mu0) on {len(games)} random games",
    lp_value,
    closure_value,
    atol=1e-6,
    method="vertex method vs LP, random games",
)

# %% [markdown]
# The signal the LP returns must also *deliver* its value. We recompute the
# posteriors from the signal by Bayes' rule, let the Receiver best-respond to
# each, and average the Sender's utility. By {prf:ref}`thm-kg` each of these
# posteriors is a point where $\hat v$ touches its concave closure.

# %%
delivered = []
for g, s in zip(games, solutions):
    induced = split(g.prior, s.scheme)
    delivered.append(induced.weights @ g.sender_value(induced.posteriors))
delivered = np.array(delivered)
print(f"largest |delivered - LP value| = {np.abs(delivered - lp_value).max():.2e}")

# %% tags=["remove-input"]
touches = []
for g, s in zip(games, solutions):
    induced = split(g.prior, s.scheme)
    touches.append(
        np.allclose(
            g.sender_value(induced.posteriors),
            concave_closure(g, induced.posteriors),
            atol=1e-6,
        )
    )
checks.close(
    "the returned signal, evaluated by Bayes' rule and best responses, earns the LP value",
    delivered,
    lp_value,
    atol=1e-6,
    method="Bayes' rule + best responses vs LP value",
)
checks.all_of(
    "every posterior of an optimal signal satisfies v_hat(mu_i) = V(mu_i)",
    touches,
    method="v_hat vs vertex-method V at each posterior",
)

# %% [markdown]
# ### When does the Sender benefit?
#
# {prf:ref}`thm-kg` says the Sender benefits exactly when $V(\mu_0) > \hat v(\mu_0)$.
# Comparing the LP's value with the vertex method's $V$ would only repeat the
# check above, so we decide "benefits" a third way that shares no code with
# the library: split the prior over a finite set of posteriors $B$ by a small
# LP of our own, $\max \{\sum_j \lambda_j \hat v(\beta_j) : \lambda \ge 0,\
# \sum_j \lambda_j \beta_j = \mu_0\}$, with $\hat v$ computed here from the
# utilities (ties in the Sender's favour). Any such split is a signal, so its
# value can never exceed the optimum. With two states we put in $B$ the two
# certain beliefs and every belief where the Receiver is indifferent between
# two actions; $\hat v$ is linear between consecutive points of $B$ (upper
# semicontinuous at them), so the split is then exactly optimal. With more
# states $B$ is a grid (denominators up to 8) and gives a lower bound. The
# three families of games make sure both cases occur: in zero-sum games $\hat
# v$ is concave (minus the Receiver's convex value of information), so the
# Sender never benefits. (The three functions of this independent check are
# in the cell behind the toggle: `v_hat`, `split_value` and
# `candidate_beliefs`.)


# %% tags=["hide-input"]
def v_hat(g, beliefs):
    """The Sender's utility at each belief (rows) when the Receiver best-responds, ties to the Sender."""
    U = np.atleast_2d(beliefs) @ np.asarray(g.receiver_utility).T  # (beliefs, actions)
    V = np.atleast_2d(beliefs) @ np.asarray(g.sender_utility).T
    best = U >= U.max(axis=1, keepdims=True) - 1e-9
    return np.where(best, V, -np.inf).max(axis=1)


def split_value(g, beliefs):
    """Best split of the prior over the given beliefs (scipy's HiGHS, not the library's LP)."""
    B = np.vstack([beliefs, g.prior])
    res = linprog(-v_hat(g, B), A_eq=B.T, b_eq=g.prior, bounds=(0, None), method="highs")
    if res.status != 0:
        raise RuntimeError(f"split LP failed for a game with {g.n_states} states: {res.message}")
    return -res.fun


def candidate_beliefs(g):
    """Two states: 0, 1 and every indifference point; more states: the grid of denominators up to 8."""
    u = np.asarray(g.receiver_utility)
    if g.n_states == 2:
        p = [0.0, 1.0]
        for a, b in itertools.combinations(range(g.n_actions), 2):
            d0, d1 = u[a, 0] - u[b, 0], u[a, 1] - u[b, 1]  # u_a - u_b at beliefs (1 - x, x) is d0 + x (d1 - d0)
            if d1 != d0 and 0 < -d0 / (d1 - d0) < 1:
                p.append(-d0 / (d1 - d0))
        return np.array([[1 - x, x] for x in p])
    k = 8
    grid = [c for c in itertools.product(range(k + 1), repeat=g.n_states) if sum(c) == k]
    return np.array(grid, dtype=float) / k


# %% [markdown]
# The library's verdict, family by family: the Sender benefits when the LP's
# value exceeds the no-information value.

# %%
tol = 1e-7
benefits = lp_value > no_info + tol  # the library's verdict
families = np.arange(len(games)) % 3
for k, name in enumerate(["generic", "zero-sum", "state-independent Sender"]):
    b, n = int(benefits[families == k].sum()), int((families == k).sum())
    print(f"{name:>26}: Sender benefits in {b:3d} of {n:3d} games")

# %% tags=["remove-input"]
split_values = np.array([split_value(g, candidate_beliefs(g)) for g in games])
silent = np.array([v_hat(g, g.prior)[0] for g in games])
two = np.array([g.n_states == 2 for g in games])
benefits_split = split_values > silent + tol  # the independent one
checks.true(
    "the Sender benefits in some games and not in others (both directions are tested)",
    benefits.any() and (~benefits).any(),
    value=f"{int(benefits.sum())} benefit, {int((~benefits).sum())} do not",
    method="count of both verdicts in the sample",
)
checks.close(
    "no-information value: library's v_hat(mu0) = the one computed here",
    no_info,
    silent,
    atol=1e-9,
    method="own best-response code vs library",
)
checks.at_most(
    "no split of the prior over a finite set of beliefs beats the LP",
    split_values - lp_value,
    0.0,
    atol=1e-7,
    method="own split LP (scipy) as a lower bound",
)
checks.close(
    f"two states ({int(two.sum())} games): the split over 0, 1 and the indifference points equals the LP value",
    split_values[two],
    lp_value[two],
    atol=1e-7,
    method="own split LP (scipy) vs library LP",
)
checks.true(
    "two states: Sender benefits (LP)  <=>  a split beats no information (V(mu0) > v_hat(mu0))",
    np.array_equal(benefits[two], benefits_split[two]),
    value=f"{int(benefits[two].sum())} and {int(benefits_split[two].sum())} of {int(two.sum())} benefit",
    method="own split LP verdict vs LP verdict",
)
checks.all_of(
    "any number of states: a split that beats no information  =>  Sender benefits",
    benefits[benefits_split],
    method="own split LP verdict vs LP verdict",
)
checks.true(
    "zero-sum games: the Sender never benefits",
    not benefits[families == 1].any() and not benefits_split[families == 1].any(),
    value=f"{int(benefits[families == 1].sum())} of {int((families == 1).sum())} benefit",
    method="LP and own split LP on the zero-sum family",
)

# %% [markdown]
# ### How many signals does an optimal signal need?
#
# A recommendation signal needs at most $|A|$ realisations, one per action. By
# Carathéodory's theorem {cite:p}`cook1972caratheodory` the prior is also a convex
# combination of at most $|\Omega|$ of the optimal posteriors, and dropping the
# others does not lower the value (the posteriors all lie on one supporting
# hyperplane). `optimal_signal` performs that reduction, so an optimal signal
# never needs more than $\min(|A|, |\Omega|)$ realisations.

# %%
bound = np.array([min(g.n_actions, g.n_states) for g in games])
raw = [optimal_signal(g, minimal=False) for g in games]
n_raw = np.array([s.n_signals for s in raw])
n_signals = np.array([s.n_signals for s in solutions])
print("games where the LP's own solution used more than min(|A|, |Ω|) signals:",
      int((n_raw > bound).sum()))
print("largest number of signals after reduction, minus min(|A|, |Ω|):",
      int((n_signals - bound).max()))

# %% tags=["remove-input"]
checks.all_of(
    "an optimal signal uses at most min(|A|, |Omega|) realisations",
    n_signals <= bound,
    method="Carathéodory bound min(|A|, |Ω|)",
)
checks.close(
    "the reduction keeps the optimal value",
    lp_value,
    [s.value for s in raw],
    atol=1e-6,
    method="LP solution before the reduction",
)

# %% [markdown]
# ## Three states, drawn on the simplex
#
# With three states a belief is a point of a triangle. Consider an AI developer
# (the Sender) whose system is reviewed by an evaluator (the Receiver). The
# system's true risk is low, medium or high, with prior $(0.3, 0.4, 0.3)$. The
# evaluator can *approve*, *audit* or *reject*; she wants to approve low-risk,
# audit medium-risk and reject high-risk systems. The developer gets 1 from an
# approval, 0.4 from an audit and 0 from a rejection, whatever the risk.

# %%
review = PersuasionGame(
    prior=[0.3, 0.4, 0.3],
    receiver_utility=[[1.0, -0.5, -2.0], [0.2, 0.6, 0.2], [-0.5, 0.0, 1.0]],
    sender_utility=[[1.0, 1.0, 1.0], [0.4, 0.4, 0.4], [0.0, 0.0, 0.0]],
    actions=("approve", "audit", "reject"),
    states=("low risk", "medium risk", "high risk"),
)

# %% [markdown]
# The developer's value with no information, with full information and with
# the optimal signal, and the posteriors of that signal:

# %%
rsol = optimal_signal(review)
silent_action = review.actions[review.best_response(review.prior)]
print(f"no information: evaluator plays {silent_action}, "
      f"developer gets {review.no_information_value:.3f}")
print(f"full information: developer gets {review.full_information_value:.3f}")
print(f"optimal signal:   developer gets {rsol.value:.4f}")
for w, mu, a in zip(rsol.weights, rsol.posteriors, rsol.actions):
    belief = ", ".join(f"{q:.3f}" for q in mu)
    print(f"  with probability {w:.3f}: posterior ({belief})",
          f"→ {review.actions[a]}")

# %% tags=["hide-input", "remove-output"]
fig, ax = plt.subplots(figsize=(5.6, 5.0))
plot_simplex_regions(ax, review)
prior_xy = simplex_coords(review.prior)
for w, mu, a in zip(rsol.weights, rsol.posteriors, rsol.actions):
    xy = simplex_coords(mu)
    ax.plot(*np.vstack([prior_xy, xy]).T, color="black", lw=1.2, ls="--", marker="")
    ax.plot(*xy, marker="o", ms=8, color="black", ls="none")
    right = xy[0] > prior_xy[0]  # the label on the far side from the prior, off the dashed line
    ax.annotate(
        f"{review.actions[a]}\nweight {w:.2f}",
        xy,
        xytext=(8, -4) if right else (-8, 6),
        textcoords="offset points",
        ha="left" if right else "right",
        fontsize=9,
        bbox=dict(fc="white", ec="none", alpha=0.85, pad=1),  # legible over the hatching
    )
ax.plot(
    *prior_xy,
    marker="*",
    ms=14,
    color="white",
    mec="black",
    ls="none",
    label=r"prior $\mu_0$",
)
ax.plot(
    [],
    [],
    marker="o",
    color="black",
    ls="none",
    label="posteriors of the optimal signal",
)
ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2)
save_figure(fig, "review-simplex")
plt.show()

# %% tags=["remove-input"]
checks.close(
    "review: the optimal value equals V(mu0) from the vertex method",
    rsol.value,
    concave_closure(review, review.prior),
    atol=1e-7,
    method="vertex method vs LP",
)
checks.true(
    "review: persuasion beats both no information and full information",
    rsol.value > max(review.no_information_value, review.full_information_value) + 1e-6,
    value=f"{rsol.value:.4f} > max({review.no_information_value:.3f}, {review.full_information_value:.3f})",
    method="LP vs no- and full-information values",
)
checks.true(
    "review: the optimal signal never recommends 'reject'",
    2 not in set(rsol.actions.tolist()),
    method="read off the LP's signal (no second method)",
)

# %% [markdown]
# ```{figure} /figures/review-simplex.png
# :name: fig-review-simplex
# :alt: The belief simplex over three risk levels, split into the regions where each action is optimal, with the prior and the posteriors of the optimal signal.
#
# The review example on the belief simplex. Each shaded region is the set of
# beliefs at which the evaluator prefers that action. The optimal signal splits
# the prior (star) into two posteriors (dots), each on the boundary of a region
# where the evaluator is just willing to approve or to audit; the prior is their
# weighted average. The developer never lets the evaluator become sure enough to
# reject.
# ```
#
# In {numref}`fig-review-simplex` the posteriors sit on region boundaries: the
# Sender pushes each posterior just far enough to make the Receiver willing to
# take the recommended action, and no further.

# %% [markdown]
# (sec-essay-inf)=
# ## A correction to the essay's definition
#
# The essay {cite:p}`cheng2025mechanism` (§2.1) defines the "concave envelope" as
#
# $$
# V(\mu) \equiv \inf\Bigl\{\textstyle\sum_i \lambda_i v^*(\mu_i) : \sum_i \lambda_i \mu_i = \mu,\ \lambda\in\Delta\Bigr\}.
# $$
#
# With `inf` this is the **convex** closure: the largest convex function below
# $\hat v$. Taking the trivial split $\mu_1 = \mu$ shows that it never exceeds
# $\hat v(\mu)$, so the theorem's condition "$V(\mu_0) > \hat v(\mu_0)$" could
# never hold and no Sender would ever benefit, which the prosecutor refutes.
# {cite:t}`kamenica2011bayesian` take the supremum, as in
# {prf:ref}`def-concave-closure`.
#
# `convex_closure` computes the closure with `inf`; at the prosecutor's prior:

# %%
prosecutor_inf = convex_closure(game, game.prior)
prosecutor_sup = concave_closure(game, game.prior)
print(f"prosecutor: v̂(μ₀) = {game.no_information_value}, "
      f"inf-closure = {prosecutor_inf}, sup-closure = {prosecutor_sup}")

# %% tags=["remove-input"]
inf_value = np.array([convex_closure(g, g.prior) for g in games])
checks.at_most(
    "inf-closure(mu0) <= v_hat(mu0) on every random game",
    inf_value - no_info,
    0.0,
    atol=1e-9,
    method="convex_closure vs v_hat(μ0): trivial split",
)
checks.true(
    "so the condition 'inf-closure(mu0) > v_hat(mu0)' holds in no game, though the Sender benefits in many",
    not (inf_value > no_info + tol).any() and benefits.sum() > 0,
    value=f"holds in {int((inf_value > no_info + tol).sum())}; Sender benefits in {int(benefits.sum())}",
    method="convex_closure vs v_hat; LP verdicts",
)
checks.true(
    "prosecutor: Sender benefits (0.6 > 0) but inf-closure(0.3) = v_hat(0.3)",
    sol.value > 0 and abs(prosecutor_inf - game.no_information_value) < 1e-9,
    value=f"inf-closure {prosecutor_inf:.3g}, v_hat {game.no_information_value:.3g}",
    method="convex_closure vs v_hat at the prior 0.3",
)

# %% [markdown]
# ## What we have seen
#
# - A Sender who commits to a signal chooses a Bayes-plausible distribution of
#   posteriors; the best it can earn is the concave closure $V$ of its value
#   $\hat v$ at the prior ({prf:ref}`thm-kg`).
# - The prosecutor convicts an innocent defendant with probability $3/7$ and
#   doubles the conviction rate, from $0.3$ under full information to $0.6$,
#   while leaving the judge exactly as well
#   off as with no information.
# - The optimal signal is a small linear program with obedience constraints; its
#   value matched an independent vertex computation of $V$ on every random game,
#   and it never needs more than $\min(|A|, |\Omega|)$ signals.
# - The essay's definition of $V$ with `inf` is the convex closure; with it the
#   theorem's condition never holds. The supremum is right.
#
# ## Exercises
#
# ```{exercise} The prosecutor at other priors
# :label: ex-prosecutor-prior
#
# Let the prior probability of guilt be $p$. Show that the prosecutor's optimal
# conviction probability is $\min(2p, 1)$, and find the probability with which
# the optimal signal says "guilty" to an innocent defendant. Check your answer
# with `optimal_signal` on a grid of priors.
# ```
#
# ```{solution-start} ex-prosecutor-prior
# :class: dropdown
# ```
#
# For $p < 1/2$ the concave closure is the chord from $(0,0)$ to $(1/2, 1)$, whose
# height at $p$ is $2p$; for $p \ge 1/2$ the judge already convicts. The signal
# says "guilty" always when guilty and with probability $q$ when innocent, where
# the posterior after "guilty" is $p / (p + (1-p) q) = 1/2$, so $q = p/(1-p)$
# (capped at 1).

# %%
priors = np.linspace(0.0, 1.0, 21)
values = [optimal_signal(prosecutor_game(p)).value for p in priors]
for p, v in zip(priors[::4], values[::4]):
    print(f"prior {p:.1f}: conviction probability {v:.4f}")

# %% tags=["remove-input"]
checks.close(
    "exercise: prosecutor's value is min(2p, 1) on a grid of priors",
    values,
    np.minimum(2 * priors, 1),
    atol=1e-7,
    method="closed form min(2p, 1)",
)

# %%
low_priors = np.array([0.1, 0.2, 0.3, 0.4])
q_measured = []
for p in low_priors:
    s = optimal_signal(prosecutor_game(p))
    convict_signal = list(s.actions).index(1)  # the realisation recommending "convict"
    q_measured.append(s.scheme[0, convict_signal])  # row 0: the innocent state
for p, q in zip(low_priors, q_measured):
    print(f"prior {p:.1f}: P(signal 'guilty' | innocent) = {q:.4f}")

# %% tags=["remove-input"]
checks.close(
    "exercise: P('guilty' | innocent) = p / (1 - p)",
    q_measured,
    low_priors / (1 - low_priors),
    atol=1e-7,
    method="closed form p/(1 − p), Bayes' rule by hand",
)

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Zero-sum persuasion
# :label: ex-zero-sum
#
# Suppose $v = -u$: the Sender's gain is the Receiver's loss. Show that no signal
# helps the Sender, and that revealing everything is the worst thing it can do.
# Check both claims on random zero-sum games.
# ```
#
# ```{solution-start} ex-zero-sum
# :class: dropdown
# ```
#
# The Receiver's value $\max_a \mathbb{E}_\mu[u(a,\omega)]$ is a maximum of linear
# functions of $\mu$, hence convex, so $\hat v(\mu) = -\max_a \mathbb{E}_\mu[u(a,\omega)]$
# is concave and equals its own concave closure: $V(\mu_0) = \hat v(\mu_0)$. Any
# split lowers $\hat v$ on average by Jensen's inequality, and full revelation is
# the finest split, so it lowers it most (every split is a garbling of full
# revelation).

# %%
zs_rng = np.random.default_rng(7)
zero_sum = [random_game(3, 4, zs_rng) for _ in range(max(10, n_games // 10))]
zero_sum = [PersuasionGame(g.prior, g.receiver_utility, -g.receiver_utility)
            for g in zero_sum]
gain = [optimal_signal(g).value - g.no_information_value for g in zero_sum]
full_minus_none = [g.full_information_value - g.no_information_value for g in zero_sum]
print(f"{len(zero_sum)} zero-sum games; largest gain from a signal {max(gain):.2e}, "
      f"from full revelation {max(full_minus_none):.2e}")

# %% tags=["remove-input"]
checks.at_most(
    "exercise: zero-sum games, no signal beats no information",
    gain,
    0.0,
    atol=1e-7,
    method="LP minus no-info value; Jensen bound 0",
)
checks.at_most(
    "exercise: zero-sum games, full revelation is never better than no information",
    full_minus_none,
    0.0,
    atol=1e-9,
    method="full- minus no-info value; Jensen bound 0",
)

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} A more sceptical judge
# :label: ex-sceptical-judge
#
# Change the judge's utility so that a wrongful conviction costs her $2$ while a
# wrongful acquittal costs her $1$ (a correct verdict is worth 0). At which
# posterior does she start to convict? What is the prosecutor's optimal
# conviction probability at prior $0.3$?
# ```
#
# ```{solution-start} ex-sceptical-judge
# :class: dropdown
# ```
#
# She convicts when $-2(1-\mu) \ge -\mu$, i.e. $\mu \ge 2/3$. The concave closure
# at $p \le 2/3$ is the chord from $(0,0)$ to $(2/3, 1)$, so the value is
# $3p/2 = 0.45$ at $p = 0.3$.

# %%
sceptical = PersuasionGame(
    [0.7, 0.3],
    [[0.0, -1.0], [-2.0, 0.0]],
    [[0.0, 0.0], [1.0, 1.0]],
    actions=("acquit", "convict"),
    states=("innocent", "guilty"),
)
print(f"conviction probability: {optimal_signal(sceptical).value:.4f}")

# %% tags=["remove-input"]
checks.close(
    "exercise: sceptical judge, conviction probability 1.5 p = 0.45",
    optimal_signal(sceptical).value,
    0.45,
    atol=1e-7,
    method="hand-solved chord 3p/2 from the text",
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
