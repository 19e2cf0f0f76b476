"""Wall time of the experiment chapter (07_llm_experiments) from a cold cache.

    python benchmarks/bench_llm_book.py                 # book scale, cold: the number the README quotes
    python benchmarks/bench_llm_book.py --scale smoke   # smoke scale (cold, then warm)
    make bench-llm

"Cold" means an empty ``PERSUASION_CACHE``: the Receivers are de-quantised
from their GGUF files again, and every utility table, generation and sandbox
run is recomputed. "Rerun" is the same command again with everything cached;
``--warm`` adds a run with the model files cached but the results cache
emptied. The
chapter is executed exactly as ``make book`` does (papermill, scale injected),
with ``GSM8K_DIR`` as in the environment. Prints Markdown for results.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "07_llm_experiments.py"


def run(scale: str, cache: Path, out: Path) -> float:
    from persuasion.book.runner import execute

    os.environ["PERSUASION_CACHE"] = str(cache)
    start = time.perf_counter()
    execute(NOTEBOOK, out / f"07_{scale}.ipynb", scale=scale, figures=out / "figures")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=("smoke", "book", "full"), default="book")
    parser.add_argument("--warm", action="store_true", help="also time a run with the models cached but no results")
    parser.add_argument(
        "--cache",
        default=None,
        help="an empty or new folder to use as PERSUASION_CACHE and keep afterwards (default: a temporary one)",
    )
    args = parser.parse_args()
    import torch

    import persuasion

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cache = Path(args.cache) if args.cache else tmp / "cache"
        if cache.exists() and any(cache.iterdir()):
            raise SystemExit(f"--cache {cache} is not empty: a cold run needs an empty cache")
        cold = run(args.scale, cache, tmp)
        cached = run(args.scale, cache, tmp)
        warm_models = None
        if args.warm:
            shutil.rmtree(cache / "store")
            warm_models = run(args.scale, cache, tmp)
    print(f"persuasion {persuasion.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads), "
          f"Python {platform.python_version()}, {platform.machine()}; "
          f"GSM8K_DIR {'set' if os.environ.get('GSM8K_DIR') else 'not set'}")
    print()
    print(f"| 07_llm_experiments at scale {args.scale!r} | wall time (s) |")
    print("|---|---:|")
    print(f"| cold: empty PERSUASION_CACHE (models de-quantised, every result computed) | {cold:.0f} |")
    if warm_models is not None:
        print(f"| models cached, results recomputed | {warm_models:.0f} |")
    print(f"| everything cached (a rerun) | {cached:.0f} |")


if __name__ == "__main__":
    sys.exit(main())
