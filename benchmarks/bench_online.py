"""Algorithm 1 (persuasion.online_algorithm.run_algorithm1): wall time of 10^5 rounds, and per-round cost against m.

    python benchmarks/bench_online.py               # or: make bench
    python benchmarks/bench_online.py --repeat 3    # best of 3

Instances: 3 items, 2 Receiver types, m responses, Gaussian utilities (seed 1),
a stochastic type sequence. Vertex enumeration of f(P) is timed separately;
the round loop is timed from the start of run_algorithm1 to its end (it
includes the exact regret computation at the end).
Prints Markdown; results.md holds the output of the last recorded run.
"""

from __future__ import annotations

import argparse
import platform

import numpy as np

import persuasion
from persuasion.online import OnlinePersuasion, stochastic_types
from persuasion.online_algorithm import run_algorithm1
from timing import best_of


def instance(m, n_types=2, n_items=3, seed=1):
    r = np.random.default_rng(seed)
    return OnlinePersuasion(
        r.dirichlet(np.ones(n_items)), r.normal(size=(m, n_items)), r.normal(size=(n_types, m, n_items))
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(
        f"persuasion {persuasion.__version__}, numpy {np.__version__}, "
        f"Python {platform.python_version()}, {platform.machine()}"
    )
    g = instance(4)
    g.vertices()
    types = stochastic_types(2, 100_000, 0)
    secs = best_of(lambda: run_algorithm1(g, types, 0), args.repeat)[0]
    print(f"\n10^5 rounds, m = 4: {secs:.2f} s (target: at most 30 s)\n")
    print("| m | scheme variables | vertices of f(P) | vertex enumeration (s) | 20,000 rounds (s) | per round (µs) |")
    print("|---:|---:|---:|---:|---:|---:|")
    types = stochastic_types(2, 20_000, 0)
    for m in (2, 3, 4, 5, 6):
        g = instance(m)
        t_vert = best_of(lambda g=g: (setattr(g, "_vertices", None), g.vertices()), args.repeat)[0]
        t_run = best_of(lambda g=g: run_algorithm1(g, types, 0), args.repeat)[0]
        print(
            f"| {m} | {g.n_variables} | {len(g.vertices()[0])} | {t_vert:.3f} | {t_run:.2f} "
            f"| {1e6 * t_run / 20_000:.0f} |"
        )


if __name__ == "__main__":
    main()
