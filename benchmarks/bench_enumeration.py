"""How the exact methods of chapters 2-4 scale: one timed call per size.

    python benchmarks/bench_enumeration.py               # or: make bench
    python benchmarks/bench_enumeration.py --repeat 3    # best of 3

* multisender: InformationEnvironment(...).analyse() plus equilibria, menus of
  all partitions of |Omega| states (Bell(|Omega|) signals per sender);
* delegation: robust_delegation with K possible agent utilities (3 actions);
* competition: CompetitionGame(...).table() plus equilibria, m agents with menus
  of 5 experiments.

Prints Markdown tables; results.md holds the output of the last recorded run.
"""

from __future__ import annotations

import argparse
import platform

import numpy as np

import persuasion
from persuasion.competition_among_ais import CompetitionGame, pure_equilibria, random_experiment_menu
from persuasion.competition_in_persuasion import InformationEnvironment, all_partitions, equilibrium_outcomes
from persuasion.delegation import random_delegation_problem, robust_delegation
from timing import best_of


def multisender(repeat):
    print("\n### competition in persuasion (chapter 2): analyse() + equilibria (all partitions of the states)\n")
    print("| senders | states | signals per sender | profiles | outcomes | seconds |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n_senders, n_states in [(2, 3), (2, 4), (2, 5), (3, 3), (3, 4)]:
        env = InformationEnvironment(np.full(n_states, 1 / n_states), [all_partitions(n_states)] * n_senders)
        rng = np.random.default_rng(0)

        def run(env=env, rng=rng, n_senders=n_senders):
            ana = env.analyse()
            equilibrium_outcomes(ana, rng.normal(size=(ana.n_outcomes, n_senders)))
            return ana

        secs, ana = best_of(run, repeat)
        k = len(all_partitions(n_states))
        print(f"| {n_senders} | {n_states} | {k} | {k**n_senders} | {ana.n_outcomes} | {secs:.3f} |")


def delegation(repeat):
    print("\n### delegation (chapter 3): robust_delegation (3 actions)\n")
    print("| states | agent types K | profile regions | 3^K | seconds |")
    print("|---:|---:|---:|---:|---:|")
    for n_states in (2, 3):
        base = random_delegation_problem(n_states, 3, 32, np.random.default_rng(n_states))
        for K in (2, 4, 8, 16, 32):
            q = base.with_types(base.agent_utilities[:K])
            secs, sol = best_of(lambda q=q: robust_delegation(q), repeat)
            print(f"| {n_states} | {K} | {sol.n_regions} | {3.0**K:.3g} | {secs:.3f} |")


def competition(repeat):
    print("\n### competition among AIs (chapter 4): table() + equilibria (3 states, 3 actions, menus of 5)\n")
    print("| agents m | profiles | seconds |")
    print("|---:|---:|---:|")
    for m in (2, 3, 4, 5, 6):
        rng = np.random.default_rng(m)
        g = CompetitionGame(
            rng.dirichlet(np.ones(3)),
            rng.normal(size=(3, 3)),
            rng.normal(size=(m, 3, 3)),
            [random_experiment_menu(3, 5, rng) for _ in range(m)],
        )
        secs, _ = best_of(lambda g=g: pure_equilibria(g.table()), repeat)
        print(f"| {m} | {5**m} | {secs:.3f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs (default 1)")
    args = parser.parse_args()
    print(
        f"persuasion {persuasion.__version__}, numpy {np.__version__}, "
        f"Python {platform.python_version()}, {platform.machine()}"
    )
    multisender(args.repeat)
    delegation(args.repeat)
    competition(args.repeat)


if __name__ == "__main__":
    main()
