"""Run the Advisor/Receiver experiment from the command line, outside the book.

    persuasion-experiment --task gsm8k --scale book --out results/
    python -m persuasion.llm.cli --receiver smollm2-135m-instruct --task humaneval --n 40 --out results/

Writes ``results.json`` (settings, per-input results, every summary), CSV
tables (``table.csv``, ``contrasts.csv``, ``easy_hard.csv``, ``arpi.csv``)
and figures (PNG) to ``--out``. Results are cached under ``$PERSUASION_CACHE``
(or ``--cache``): a run that is interrupted resumes where it stopped.
Nothing is downloaded: Receivers come from installed packages or local
directories, GSM8K from ``$GSM8K_DIR`` or the copy ``persuasion-data gsm8k``
(``make data``) downloads.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

__all__ = ["main", "parser"]


def parser() -> argparse.ArgumentParser:
    from .experiment import SCALES, TASKS
    from .models import RECEIVERS

    p = argparse.ArgumentParser(
        prog="persuasion-experiment",
        description="Train a small Advisor to choose which information item a Receiver language model sees "
        "(Bai et al.), and evaluate the four information structures with 95%% bootstrap intervals.",
        epilog="Example: persuasion-experiment --task gsm8k --scale smoke --out /tmp/smoke. "
        "GSM8K is read from $GSM8K_DIR or from the copy `persuasion-data gsm8k` downloads "
        "(without either, --task gsm8k uses synthetic problems, and says so).",
    )
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
                   help="number of inputs drawn, split 45/15/40%% into train/validation/test (overrides --scale's sizes)")
    p.add_argument("--steps", type=int, default=300, help="Advisor training steps (default: 300)")
    p.add_argument("--seed", type=int, default=0, help="seed of every random choice (default: 0)")
    p.add_argument("--device", default=None, help="cpu or cuda (default: cuda when available)")
    p.add_argument("--cache", default=None,
                   help="cache folder for models and results (sets $PERSUASION_CACHE; default: ~/.cache/persuasion)")
    p.add_argument("--out", required=True, help="output folder for results.json, CSV tables and figures")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    return p


def _write_csv(path: Path, rows: list[dict]) -> None:
    if not rows:
        path.write_text("")
        return
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.cache is not None:
        os.environ["PERSUASION_CACHE"] = str(Path(args.cache).resolve())
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..book.plotting import use_book_style
    from .experiment import config_for, run_task
    from .models import RECEIVERS, load_encoder
    from .report import (
        plot_arpi,
        plot_easy_hard,
        plot_learning_curves,
        plot_structures,
        summarise,
    )
    try:
        config = config_for(args.task, args.scale, n=args.n, steps=args.steps, seed=args.seed)
        encoder = load_encoder(None if args.advisor == "all-MiniLM-L6-v2" else args.advisor, device="cpu")
        receivers = args.receiver or sorted(RECEIVERS)
        result = run_task(config, receivers, encoder=encoder, device=args.device, progress=not args.quiet)
    except ValueError as err:
        print(f"persuasion-experiment: error: {err}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = result.to_dict()
    (out / "results.json").write_text(json.dumps(data, indent=1))
    for name, rows in data["summaries"].items():
        _write_csv(out / f"{name}.csv", rows)

    use_book_style()
    figures = {}
    fig, ax = plt.subplots(figsize=(7, 4))
    plot_learning_curves(ax, [result])
    figures["learning_curves"] = fig
    for metric in ("utility", "accuracy"):
        fig, ax = plt.subplots(figsize=(8, 4))
        plot_structures(ax, result, metric)
        ax.legend(fontsize=7)
        figures[f"structures_{metric}"] = fig
    fig, ax = plt.subplots(figsize=(9, 4))
    plot_easy_hard(ax, result, "utility")
    ax.legend(fontsize=7)
    figures["easy_hard"] = fig
    fig, ax = plt.subplots(figsize=(6, 4))
    plot_arpi(ax, [result], "utility")
    ax.legend(fontsize=7)
    figures["arpi"] = fig
    for name, fig in figures.items():
        fig.tight_layout()
        fig.savefig(out / f"{name}.png", dpi=120)
        plt.close(fig)
    print(f"data: {result.source} (sha256 {result.data_hash[:12]})")
    print("\n".join(summarise(result, "utility") + summarise(result, "accuracy")))
    print(f"wrote {out / 'results.json'}, {len(data['summaries'])} CSV tables and {len(figures)} figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
