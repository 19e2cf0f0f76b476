"""Run the Advisor/Receiver experiment from the command line, whole or one stage at a time, outside the book::

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
copy ``persuasion-data gsm8k`` (``make data``) downloads; without GSM8K,
``--task gsm8k`` is an error, and ``--task synthetic`` runs on seeded
synthetic problems, labelled so.

Every input is checked before any model loads: the data files (a bad record
is named by file and line), ``--device``, the Receivers and the encoder
(installed packages, or local folders holding a model), and that ``--out``
and ``--cache`` are writable folders. A failure is one line on stderr naming
the option or the file, and exit status 2; Ctrl-C is one line and exit
status 130 (the cache keeps the finished work: run the same command again
to resume).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main", "parser"]

_COMMANDS = ("run", "data", "items", "utilities", "advisor", "evaluate", "report")
_PROG = "persuasion-experiment"
INTERRUPTED = "interrupted; the cache keeps the finished work; rerun to resume"


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error in one line (exit status 2)."""

    def error(self, message):
        self.exit(2, f"{_PROG}: error: {' '.join(message.split())} (see --help)\n")


def _count(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer; got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be an integer of at least {minimum}; got {value}")
        return value

    parse.__name__ = "integer"
    return parse


def parser() -> argparse.ArgumentParser:
    """The command's argument parser (see the module docstring).

    >>> args = parser().parse_args(
    ...     ["items", "--task", "synthetic", "--scale", "smoke", "--out", "results"]
    ... )
    >>> args.stage, args.task, args.scale, args.steps, args.receiver, args.out
    ('items', 'synthetic', 'smoke', 300, None, 'results')
    >>> parser().parse_args(["--out", "results"]).stage  # every stage, then the report
    'run'
    """
    from .config import SCALES, TASKS
    from .models import RECEIVERS

    p = _Parser(
        prog="persuasion-experiment",
        usage="%(prog)s [STAGE] --out OUT [options]",
        description="Train a small Advisor to choose which information item a Receiver language model sees "
        "(Bai et al.), and evaluate the four information structures with 95% bootstrap intervals.",
        epilog="Example: persuasion-experiment --task gsm8k --scale smoke --out /tmp/smoke; then, say, "
        "persuasion-experiment advisor --task gsm8k --scale smoke --steps 100 --out /tmp/smoke. "
        "GSM8K is read from $GSM8K_DIR or from the copy `persuasion-data gsm8k` downloads "
        "(without either, --task gsm8k stops with an error; --task synthetic runs on seeded synthetic problems).",
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
    p.add_argument("--task", choices=TASKS, default="gsm8k",
                   help="the task (default: gsm8k; synthetic: seeded synthetic word problems, only when asked for)")
    p.add_argument("--scale", choices=SCALES, default="book",
                   help="preset sizes: smoke (minutes), book (the book's sizes), full (meant for a GPU)")
    p.add_argument("--n", type=_count(6), default=None,
                   help="number of inputs drawn, split 45/15/40%% into train/validation/test "
                   "(overrides --scale's sizes)")
    p.add_argument("--steps", type=_count(1), default=300, help="Advisor training steps (default: 300)")
    p.add_argument("--seed", type=_count(0), default=0, help="seed of every random choice (default: 0)")
    p.add_argument("--device", default=None, help="cpu, cuda or cuda:N (default: cuda when available)")
    p.add_argument("--dtype", choices=("float32", "bfloat16", "float16"), default="float32",
                   help="the Receivers' precision: float32 (the default; the only one on the CPU), or bfloat16 or "
                   "float16 on CUDA")
    p.add_argument("--block-inputs", type=_count(1), default=8, metavar="N",
                   help="inputs whose prompts go through a Receiver together: one batched call and one cache entry "
                   "(default: 8; on a GPU, 64 or more fills the batches)")
    p.add_argument("--cache", default=None,
                   help="cache folder for models and results (sets $PERSUASION_CACHE; default: ~/.cache/persuasion)")
    p.add_argument("--out", required=True,
                   help="output folder: each stage's output under stages/; results.json, CSV tables and figures")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    return p


def _describe(stage: str, output) -> str:
    """One line on what a stage computed."""
    if stage == "data":
        rows = output.rows
        return (f"{output.source} data, {len(output.problems)} inputs: {len(rows['train'])} training, "
                f"{len(rows['val'])} validation, {len(rows['test'])} test (sha256 {output.data_hash[:12]})")
    if stage == "items":
        return f"the items of {len(output.by_input)} inputs"
    if stage == "utilities":
        return "utility tables of " + ", ".join(f"{r} ({len(t.ids)} inputs)" for r, t in output.tables.items())
    if stage == "advisor":
        return "Advisors " + ", ".join(f"{a} (best step {c['best_step']})" for a, c in output.curves.items())
    return "evaluated " + ", ".join(f"{r} ({len(s)} structures)" for r, s in output.utility.items())


class _Refused(Exception):
    """A bad input, found before any model loads: the message names the option or the file."""


def _writable_folder(option: str, folder) -> Path:
    """``folder``, created if need be, once a file can be written in it; else :class:`_Refused` naming it."""
    import tempfile

    path = Path(folder)
    blocker = next((q for q in [path, *path.parents] if q.exists()), None)
    if blocker is not None and not blocker.is_dir():
        what = "is a file" if blocker == path else f"is under {blocker}, a file"
        raise _Refused(f"{option} {folder}: {what}, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as err:
        raise _Refused(f"{option} {folder}: cannot write there ({err.strerror or err})") from None
    return path


def _check_inputs(args, config):
    """Check every input before any model loads; return the drawn inputs. A bad one is :class:`_Refused`."""
    from .models import RECEIVERS, Models, check_model_dir, gguf_path, pick_device
    from .tasks import draw_inputs

    _writable_folder("--out", args.out)
    if args.cache is not None:
        _writable_folder("--cache", args.cache)
    try:
        inputs = draw_inputs(config)
    except ValueError as err:
        raise _Refused(f"{'' if str(err).startswith('task ') else f'--task {args.task}: '}{err}") from None
    try:
        device = pick_device(args.device)
    except ValueError as err:
        raise _Refused(f"--device: {err}") from None
    if args.dtype != "float32" and device.type != "cuda":
        raise _Refused(f"--dtype {args.dtype}: needs a CUDA device; on the {device.type} Receivers run in float32")
    for receiver in args.receiver or sorted(RECEIVERS):
        try:
            if receiver in RECEIVERS:
                gguf_path(receiver)
            else:
                check_model_dir(receiver, what="--receiver")
        except ValueError as err:
            raise _Refused(str(err) if str(err).startswith("--") else f"--receiver {receiver}: {err}") from None
    try:
        Models(args.receiver or sorted(RECEIVERS))  # distinct names; loads nothing
    except ValueError as err:
        raise _Refused(f"--receiver: {err}") from None
    if args.advisor != "all-MiniLM-L6-v2":
        try:
            check_model_dir(args.advisor, what="--advisor")
        except ValueError as err:
            raise _Refused(str(err)) from None
    return inputs


def main(argv: Sequence[str] | None = None) -> int:
    """The command (see the module docstring); returns its exit status: 0, 2 (a bad input), 130 (Ctrl-C).

    A bad input is one line on stderr (shown here on stdout), found before any model loads:

    >>> import contextlib, tempfile
    >>> with tempfile.NamedTemporaryFile() as file, contextlib.redirect_stderr(sys.stdout):
    ...     main(["data", "--task", "synthetic", "--out", file.name])
    persuasion-experiment: error: --out ...: is a file, not a folder
    2
    """
    args = parser().parse_args(argv)
    saved = {name: os.environ.get(name) for name in ("HF_HUB_OFFLINE", "PERSUASION_CACHE")}
    try:
        return _main(args)
    except KeyboardInterrupt:
        print(f"{_PROG}: {INTERRUPTED}", file=sys.stderr)
        return 130
    except (_Refused, ValueError) as err:
        print(f"{_PROG}: error: {' '.join(str(err).split())}", file=sys.stderr)
        return 2
    except OSError as err:  # a file that cannot be read or written: its name is in the message
        print(f"{_PROG}: error: {type(err).__name__}: {' '.join(str(err).split())}", file=sys.stderr)
        return 2
    finally:  # --cache and offline mode hold for this run only: a caller in the same process keeps its own
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _main(args) -> int:
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

    config = config_for(args.task, args.scale, n=args.n, steps=args.steps, seed=args.seed,
                        block_inputs=args.block_inputs)
    _check_inputs(args, config)
    store = Store()
    stage = "report" if args.stage == "run" else args.stage
    options = dict(encoder=None if args.advisor == "all-MiniLM-L6-v2" else args.advisor, device=args.device,
                   dtype=args.dtype)
    receivers = args.receiver or sorted(RECEIVERS)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1:  # launched by `accelerate launch --multi_gpu --num_processes N` (or torchrun): shard, report once
        import torch
        from accelerate import PartialState

        from .experiment import prefill

        state = PartialState(cpu=args.device == "cpu" or not torch.cuda.is_available())  # gloo on CPU
        if stage in ("utilities", "advisor", "evaluate", "report"):
            prefill(config, receivers, rank=state.process_index, world=state.num_processes,
                    barrier=state.wait_for_everyone, cache=store, progress=not args.quiet and state.is_main_process,
                    **options)
        if not state.is_main_process:
            return 0
        print(f"data parallel: {state.num_processes} processes filled the cache; the main process reports")
    output = run_stage(stage, config, receivers, out=args.out, cache=store, progress=not args.quiet, **options)
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
