"""optimal_signal (cvxpy + HiGHS) against scipy's HiGHS on the identical LP.

Both sides solve the obedience LP of the same random game, built from the same
sparse matrices (persuasion.bayesian_persuasion.consistency_matrix, obedience_matrix,
objective_vector). The cvxpy side is the whole public call, optimal_signal(game):
problem construction, canonicalisation, the HiGHS solve, reading the signal
off the solution and the Carathéodory reduction. The scipy side is
linprog on the same matrices, matrix construction included, with
method="highs" (scipy's default choice, the dual simplex here) and with
method="highs-ipm" (the interior-point method optimal_signal asks HiGHS for).

    python benchmarks/bench_optimal_signal.py            # or: make bench
    python benchmarks/bench_optimal_signal.py --repeat 3 # best of 3 instead of one run

Prints a Markdown table; results.md holds the output of the last recorded run.
"""

from __future__ import annotations

import argparse
import platform

import numpy as np
import scipy
import scipy.optimize

import persuasion
from persuasion import optimal_signal, random_game
from persuasion.bayesian_persuasion import consistency_matrix, obedience_matrix, objective_vector
from timing import best_of

SIZES = [(50, 10), (100, 20), (200, 20), (500, 20), (500, 50), (2000, 50)]
#: linprog(method="highs") picks HiGHS's dual simplex here; beyond this many
#: variables it takes hours, so only the interior-point comparison is run.
SIMPLEX_MAX_VARS = 25_000


def scipy_highs(game, method="highs"):
    G = obedience_matrix(game)
    res = scipy.optimize.linprog(
        -objective_vector(game),
        A_ub=G,
        b_ub=np.zeros(G.shape[0]),
        A_eq=consistency_matrix(game),
        b_eq=game.prior,
        bounds=(0, None),
        method=method,
    )
    if res.status != 0:
        raise RuntimeError(res.message)
    return -res.fun


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (the best is reported); default 1")
    args = parser.parse_args(argv)
    from importlib.metadata import version as _version

    import cvxpy

    print(f"persuasion {persuasion.__version__}, cvxpy {cvxpy.__version__}, highspy {_version('highspy')}, "
          f"scipy {scipy.__version__}, numpy {np.__version__}, "
          f"Python {platform.python_version()}, {platform.machine()}")
    print(f"one run per size unless --repeat; best of {args.repeat}\n")
    print("| n_states | n_actions | variables | obedience rows | optimal_signal (s) | "
          "linprog highs (s) | ratio | linprog highs-ipm (s) | ratio | max value diff |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    optimal_signal(random_game(5, 3, rng=0))  # warm up imports and solver loading
    scipy_highs(random_game(5, 3, rng=0))
    for n_s, n_a in SIZES:
        game = random_game(n_s, n_a, rng=n_s * 1000 + n_a)
        t_cvx, sol = best_of(lambda game=game: optimal_signal(game), args.repeat)
        t_ipm, v_ipm = best_of(lambda game=game: scipy_highs(game, "highs-ipm"), args.repeat)
        diffs = [abs(sol.value - v_ipm)]
        if n_s * n_a <= SIMPLEX_MAX_VARS:
            t_sp, v_sp = best_of(lambda game=game: scipy_highs(game), args.repeat)
            diffs.append(abs(sol.value - v_sp))
            simplex = f"{t_sp:.3f} | {t_cvx / t_sp:.2f}"
        else:
            simplex = "not run | -"
        print(f"| {n_s} | {n_a} | {n_s * n_a} | {n_a * (n_a - 1)} | {t_cvx:.3f} | {simplex} | "
              f"{t_ipm:.3f} | {t_cvx / t_ipm:.2f} | {max(diffs):.1e} |", flush=True)


if __name__ == "__main__":
    main()
