"""How often each test behind a verdict rejects a true null at chapter 7's sample sizes (type I error at 5%).

    python benchmarks/bench_p_values.py                 # n = 16 and 8, 400 samples per null
    python benchmarks/bench_p_values.py --n 16 --sims 2000

A verdict is "supported" or "contradicted" when a p-value for "A − B = 0" is
small, so the test must not reject a true null more often than its level.
For each null distribution of paired differences A − B (mean zero), draw
``--sims`` samples of ``n`` differences and count how often each test
rejects at 5%:

* ``percentile bootstrap``: :func:`persuasion.llm.statistics.bootstrap_p_value`
  (the percentile interval excludes 0);
* ``BCa interval``: :func:`persuasion.llm.statistics.bca_interval` excludes 0
  (the interval printed beside each verdict);
* ``t test``: Student's t;
* ``sign flip``: :func:`persuasion.llm.statistics.sign_flip_p_value` (the
  paired randomisation test behind the verdicts).

The nulls: differences of accuracy (a few ±1 among zeros, as when small
Receivers answer few problems; and the difference of two independent 20%
coin flips), normal differences, and a skewed one (a centred lognormal),
which no test of a mean handles at this size. Every test sees the same
samples. Prints Markdown; results.md holds recorded runs.
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy import stats

from persuasion.llm.statistics import bca_interval, bootstrap_p_value, sign_flip_p_value

NULLS = {
    "accuracy: ±1 each with probability 0.1": lambda rng, n: rng.choice([-1.0, 0.0, 1.0], p=[0.1, 0.8, 0.1], size=n),
    "accuracy: two 20% coin flips": lambda rng, n: (rng.random(n) < 0.2).astype(float) - (rng.random(n) < 0.2),
    "normal": lambda rng, n: rng.normal(size=n),
    "skewed: lognormal − its mean": lambda rng, n: rng.lognormal(size=n) - np.exp(0.5),
}


def _t_p(x) -> float:
    se = x.std(ddof=1) / np.sqrt(x.size)
    return float(2 * stats.t.sf(abs(x.mean()) / se, x.size - 1)) if se > 0 else 1.0


TESTS = {
    "percentile bootstrap": lambda x, k: bootstrap_p_value(x, n_boot=2000, seed=k) <= 0.05,
    "BCa interval": lambda x, k: not (lambda m, lo, hi: lo <= 0 <= hi)(*bca_interval(x, n_boot=2000, seed=k)),
    "t test": lambda x, k: _t_p(x) <= 0.05,
    "sign flip": lambda x, k: sign_flip_p_value(x, n_flips=2000, seed=k) <= 0.05,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", default="16,8", help="sample sizes, comma-separated (default: 16,8)")
    parser.add_argument("--sims", type=int, default=400, help="samples per null and size (default: 400)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"Rejections of a true null at 5%, {args.sims} samples each (a sample with no spread counts as "
          f"not rejected); ±{2 * np.sqrt(0.05 * 0.95 / args.sims):.1%} is two binomial standard errors at 5%.\n")
    print("| null | n | " + " | ".join(TESTS) + " |")
    print("|---|---:|" + "---:|" * len(TESTS))
    for n in (int(v) for v in args.n.split(",")):
        for name, draw in NULLS.items():
            rng = np.random.default_rng(args.seed)
            samples = [draw(rng, n) for _ in range(args.sims)]
            rates = [np.mean([np.ptp(x) > 0 and test(x, k) for k, x in enumerate(samples)]) for test in TESTS.values()]
            print(f"| {name} | {n} | " + " | ".join(f"{r:.1%}" for r in rates) + " |")


if __name__ == "__main__":
    main()
