"""Run the Advisor/Receiver experiment from the command line, whole or one stage at a time, outside the book.

    persuasion-experiment --task gsm8k --scale book --out results/          # every stage, then the report
    persuasion-experiment items --task gsm8k --scale smoke --out results/   # the stages up to the items
    persuasion-experiment report --task gsm8k --scale smoke --out results/  # the report, from the saved stages
    python -m persuasion.llm.cli --receiver smollm2-135m-instruct --task humaneval --n 40 --out results/

The first word names a stage (``data``, ``items``, ``utilities``,
``advisor``, ``evaluate``, ``report``; or ``run``, the default: every stage
and the report). A stage runs the stages before it as well, reading each
from ``--out``/stages/ when an earlier call with the same settings wrote it
there, and writes its own output there (see :mod:`persuasion.llm.experiment`).
``report`` and ``run`` write ``results.json`` (settings, per-input results,
every summary), CSV tables (``table.csv``, ``contrasts.csv``,
``easy_hard.csv``, ``arpi.csv``) and figures (PNG) to ``--out``. Results are
cached under ``$PERSUASION_CACHE`` (or ``--cache``): a run that is interrupted
resumes where it stopped. Nothing is downloaded: Receivers come from
installed packages or local directories, GSM8K from ``$GSM8K_DIR`` or the
copy ``persuasion-data gsm8k`` (``make data``) downloads.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

__all__ = ["main", "parser"]

_COMMANDS = ("run", "data", "items", "utilities", "advisor", "evaluate", "report")


def parser() -> argparse.ArgumentParser:
    from .config import SCALES, TASKS
    from .models import RECEIVERS

    p = argparse.ArgumentParser(
        prog="persuasion-experiment",
        usage="%(prog)s [STAGE] --out OUT [options]",
        description="Train a small Advisor to choose which information item a Receiver language model sees "
        "(Bai et al.), and evaluate the four information structures with 95% bootstrap intervals.",
        epilog="Example: persuasion-experiment --task gsm8k --scale smoke --out /tmp/smoke; then, say, "
        "persuasion-experiment advisor --task gsm8k --scale smoke --steps 100 --out /tmp/smoke. "
        "GSM8K is read from $GSM8K_DIR or from the copy `persuasion-data gsm8k` downloads "
        "(without either, --task gsm8k uses synthetic problems, and says so).",
    )
    p.add_argument("stage", nargs="?", choices=_COMMANDS, default="run", metavar="STAGE",
                   help="run (the default: every stage, then the report files), or one stage: data, items, "
                   "utilities, advisor, evaluate, report (with the stages before it, read back from --out "
                   "where saved there)")
    p.add_argument("--receiver", action="append", metavar="NAME_OR_PATH",
                   help=f"a Receiver: {', '.join(sorted(RECEIVERS))}, or a local Hugging Face model directory; "
                   "repeat for several (default: both named Receivers)")
    p.add_argument("--advisor", default="all-MiniLM-L6-v2", metavar="ENCODER",
                   help="the Advisor's frozen sentence encoder: all-MiniLM-L6-v2 (installed package, the default) "
                   "or a local encoder directory")
    p.add_argument("--task", choices=TASKS, default="gsm8k", help="the task (default: gsm8k)")
    p.add_argument("--scale", choices=SCALES, default="book",
                   help="preset sizes: smoke (minutes), book (the book's sizes), full (meant for a GPU)")
    p.add_argument("--n", type=int, default=None,
                   help="number of inputs drawn, split 45/15/40%% into train/validation/test "
                   "(overrides --scale's sizes)")
    p.add_argument("--steps", type=int, default=300, help="Advisor training steps (default: 300)")
    p.add_argument("--seed", type=int, default=0, help="seed of every random choice (default: 0)")
    p.add_argument("--device", default=None, help="cpu or cuda (default: cuda when available)")
    p.add_argument("--cache", default=None,
                   help="cache folder for models and results (sets $PERSUASION_CACHE; default: ~/.cache/persuasion)")
    p.add_argument("--out", required=True,
                   help="output folder: each stage's output under stages/; results.json, CSV tables and figures")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    return p


def _describe(stage: str, output) -> str:
    """One line on what a stage computed."""
    if stage == "data":
        return (f"{output.source} data, {len(output.problems)} inputs: {len(output.ids['train'])} training, "
                f"{len(output.ids['val'])} validation, {len(output.ids['test'])} test (sha256 {output.data_hash[:12]})")
    if stage == "items":
        return f"the items of {len(output.by_input)} inputs"
    if stage == "utilities":
        return "utility tables of " + ", ".join(f"{r} ({len(t.ids)} inputs)" for r, t in output.tables.items())
    if stage == "advisor":
        return "Advisors " + ", ".join(f"{a} (best step {c['best_step']})" for a, c in output.curves.items())
    return "evaluated " + ", ".join(f"{r} ({len(s)} structures)" for r, s in output.utility.items())


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.cache is not None:
        os.environ["PERSUASION_CACHE"] = str(Path(args.cache).resolve())
    import matplotlib

    matplotlib.use("Agg")

    from .cache import Store
    from .config import config_for
    from .experiment import run_stage
    from .models import RECEIVERS
    from .report import summarise, write_report

    store = Store()
    stage = "report" if args.stage == "run" else args.stage
    try:
        config = config_for(args.task, args.scale, n=args.n, steps=args.steps, seed=args.seed)
        output = run_stage(stage, config, args.receiver or sorted(RECEIVERS), out=args.out, cache=store,
                           encoder=None if args.advisor == "all-MiniLM-L6-v2" else args.advisor, device=args.device,
                           progress=not args.quiet)
    except ValueError as err:
        print(f"persuasion-experiment: error: {err}", file=sys.stderr)
        return 2
    units = sorted(set(store.hits) | set(store.misses))
    counts = [f"{u} {store.hits[u]} hits / {store.misses[u]} computed" for u in units]
    print("cache: " + (", ".join(counts) or "not used"))
    if stage != "report":
        print(f"{stage}: {_describe(stage, output)}; saved as {Path(args.out) / 'stages' / (stage + '.json')}")
        return 0
    written = write_report(output, args.out)
    print(f"data: {output.source} (sha256 {output.data_hash[:12]})")
    print("\n".join(summarise(output, "utility") + summarise(output, "accuracy")))
    kinds = [f.suffix for f in written]
    print(f"wrote {written[0]}, {kinds.count('.csv')} CSV tables and {kinds.count('.png')} figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
