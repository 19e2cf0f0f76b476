"""Execute one chapter: jupytext ``.py`` -> notebook -> papermill -> executed ``.ipynb``.

Used by the Makefile and the tests::

    python -m persuasion.book.runner notebooks/01_bayesian_persuasion.py \\
        executed/01_bayesian_persuasion.ipynb --scale smoke

The executed notebook is written atomically: a failing cell leaves no output
file (so ``make`` runs it again next time), prints the failing cell's source
and traceback, keeps the partial notebook as ``<out>.failed.ipynb`` and exits
with status 1.

A Jupyter kernel talks to the runner over TCP on the loopback interface
(127.0.0.1). Where that interface is down (a bare container, a sandbox with no
network at all) the runner says so in one line before starting a kernel,
instead of papermill's "Kernel didn't respond" a minute later.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import os
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

SCALES = ("smoke", "book", "full")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def loopback_problem(timeout: float = 2.0) -> str | None:
    """Why a kernel could not be reached over 127.0.0.1, or ``None`` if a local TCP connection works.

    Opens a listening socket on 127.0.0.1, connects to it and accepts the
    connection: what a Jupyter kernel and its client do.

    >>> loopback_problem() is None  # the loopback interface is up here
    True
    """
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
            server.settimeout(timeout)
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            with socket.create_connection(server.getsockname(), timeout=timeout):
                conn, _ = server.accept()
                conn.close()
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        return (
            f"the loopback interface (127.0.0.1) is down or unusable ({reason}): a Jupyter kernel "
            "talks to the runner over it; bring it up (e.g. `ip link set lo up`) and run again"
        )
    return None


def _failing_cell(nb) -> str:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                tb = _ANSI.sub("", "\n".join(out.get("traceback", [])))
                return f"--- failing cell ---\n{cell.source}\n--- traceback ---\n{tb}"
    return "(no cell holds an error output)"


def _tidy(path: Path, scale: str, hide_defaults: bool) -> None:
    """Drop output streams that hold only white space (a solver's stray newline shows as an empty box);
    with ``hide_defaults``, hide papermill's injected-parameters cell in the book when it repeats the defaults."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and not o.text.strip())]
    defaults = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    default = re.search(r"""^scale\s*=\s*["'](\w+)["']""", defaults[0].source, re.M) if defaults else None
    if hide_defaults and default is not None and default.group(1) == scale:
        for cell in nb.cells:
            tags = cell.metadata.get("tags", [])
            if "injected-parameters" in tags:
                cell.metadata["tags"] = [*tags, "remove-cell"]
    nbformat.write(nb, path)


@contextlib.contextmanager
def _environment(values: dict):
    """``os.environ`` with ``values`` set inside the block, and as it was after it."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def execute(source: Path, output: Path, *, scale: str = "book", figures: Path | None = None, timeout: int = 3600,
            parameters: dict | None = None) -> float:
    """Execute ``source`` (py:percent) into ``output``; return the wall time in seconds.

    ``parameters`` are injected beside ``scale`` (e.g. ``{"seed": 1}``).

    Raises ``RuntimeError`` carrying the failing cell and its traceback.
    """
    import jupytext
    import nbformat
    import papermill as pm

    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}; got {scale!r}")
    source, output = Path(source), Path(output)
    if not source.is_file():
        raise FileNotFoundError(f"source notebook {source} does not exist")
    problem = loopback_problem()
    if problem is not None:
        raise RuntimeError(f"cannot execute {source}: {problem}")
    output.parent.mkdir(parents=True, exist_ok=True)
    nb = jupytext.read(source)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    # The kernel inherits these; the caller's process gets its own values back afterwards.
    settings = {"MPLBACKEND": os.environ.get("MPLBACKEND", "module://matplotlib_inline.backend_inline")}
    if figures is not None:
        settings["PERSUASION_FIGURES"] = str(Path(figures).resolve())
    with _environment(settings), tempfile.TemporaryDirectory(prefix="persuasion-run-") as tmp:
        src_nb = Path(tmp) / "input.ipynb"
        out_nb = Path(tmp) / output.name
        nbformat.write(nb, src_nb)
        start = time.perf_counter()
        try:
            pm.execute_notebook(
                str(src_nb),
                str(out_nb),
                parameters={"scale": scale, **(parameters or {})},
                kernel_name="python3",
                cwd=str(source.parent.resolve()),
                progress_bar=False,
                execution_timeout=timeout,
            )
        except pm.PapermillExecutionError as exc:
            failed = output.with_suffix(".failed.ipynb")
            if out_nb.exists():
                out_nb.replace(failed)
                detail = _failing_cell(nbformat.read(failed, as_version=4))
            else:
                detail = str(exc)
            raise RuntimeError(f"{source} failed at scale={scale!r} (partial notebook: {failed})\n{detail}") from None
        elapsed = time.perf_counter() - start
        _tidy(out_nb, scale, hide_defaults=not parameters)
        out_nb.replace(output)
    stale = output.with_suffix(".failed.ipynb")
    if stale.exists():
        stale.unlink()
    return elapsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="py:percent notebook, e.g. notebooks/01_bayesian_persuasion.py")
    parser.add_argument("output", type=Path, help="executed notebook to write (.ipynb)")
    parser.add_argument("--scale", default="book", choices=SCALES, help="value injected into the parameters cell")
    parser.add_argument("--figures", type=Path, default=None, help="folder for saved figures (sets PERSUASION_FIGURES)")
    parser.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE",
                        help="another parameter to inject, e.g. -p seed=1 (a Python literal; repeatable)")
    args = parser.parse_args(argv)
    parameters = {}
    for item in args.parameter:
        name, sep, value = item.partition("=")
        if not sep or not name.isidentifier():
            parser.error(f"--parameter must look like NAME=VALUE; got {item!r}")
        try:
            parameters[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            parameters[name] = value
    try:
        elapsed = execute(args.source, args.output, scale=args.scale, figures=args.figures, parameters=parameters)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"executed {args.source} (scale={args.scale}) in {elapsed:.1f} s -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
