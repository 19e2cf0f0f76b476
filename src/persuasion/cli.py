"""The ``persuasion`` command: solve a game written in a YAML or JSON file.

Three subcommands, one file format (YAML; JSON is YAML too, and files ending in
``.json`` are read as JSON)::

    persuasion solve GAME.yaml [--json] [--plot FILE]   # Bayesian persuasion (chapter 1)
    persuasion blackwell PAIR.yaml [--json]              # is experiment P more informative than Q? (chapter 2)
    persuasion delegate PROBLEM.yaml [--json]            # robust delegation to an AI of unknown type (chapter 3)

Matrices are lists of rows. Numbers may be written as fractions in quotes
(``"1/3"``). Probabilities must sum to one within ``1e-6`` and are then
rescaled to sum to one exactly. Names (``states``, ``actions``, ...) are
optional; without them states are ``w0, w1, ...`` and actions ``a0, a1, ...``.

**solve** (keys: ``states``, ``prior``, ``actions``, ``receiver_utility``,
``sender_utility``): utilities have one row per action and one column per
state; ``prior``, ``receiver_utility`` and ``sender_utility`` are required.

**blackwell** (keys: ``states``, ``P``, ``Q``, ``P_signals``, ``Q_signals``):
``P[w][s]`` is the probability of signal ``s`` in state ``w`` (rows sum to one);
``P`` and ``Q`` are required and need the same number of rows.

**delegate** (keys: ``states``, ``prior``, ``principal_actions``,
``principal_utility``, ``agent_actions``, ``agent_types``,
``delegated_utility``): ``principal_utility`` has one row per action the
principal can take herself; ``agent_types`` maps each possible type of agent to
its utility (one row per agent action); ``delegated_utility`` is the
principal's payoff when the agent acts (default ``principal_utility``, and then
the agent's actions are the principal's). ``prior``, ``principal_utility`` and
``agent_types`` are required.

A file that cannot be read or does not follow its schema ends the command with
exit status 2 and one line on standard error that names the field and what is
wrong with it; a problem the solver cannot solve ends it with status 1.

Examples
--------
>>> import json, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "game.json"
>>> _ = path.write_text(json.dumps({"prior": [0.7, 0.3],
...     "receiver_utility": [[1, 0], [0, 1]], "sender_utility": [[0, 0], [1, 1]]}))
>>> main(["solve", str(path), "--json"])  # doctest: +ELLIPSIS
{
  "value": 0.6,
  "no_information_value": 0.0,
...
0
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .game_files import GameFileError, load_blackwell, load_delegation, load_game

if TYPE_CHECKING:
    from .bayesian_persuasion import SignalSolution
    from .game import PersuasionGame

__all__ = ["main"]

#: An optimal value within this (relative) distance of the no-information value counts as equal to it.
VALUE_ATOL = 1e-9
#: JSON output is rounded to this many decimals (the LP solvers' accuracy is about 1e-9).
DECIMALS = 10

# -- output ----------------------------------------------------------------------------
def _clean(x):
    """Round for JSON; -0.0 becomes 0.0."""
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return _clean(x.tolist())
    if isinstance(x, float | np.floating):
        return round(float(x), DECIMALS) + 0.0
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    return x


def _fmt(x: float) -> str:
    return f"{round(float(x), DECIMALS) + 0.0:.6g}"


def _table(header, rows) -> str:
    cells = [list(map(str, header))] + [list(map(str, r)) for r in rows]
    widths = [max(len(r[j]) for r in cells) for j in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells)


def solve_report(game: PersuasionGame, solution: SignalSolution) -> dict:
    """The JSON document of ``persuasion solve``: value, no-information value, scheme, posteriors, weights, actions."""
    acts = [game.actions[a] for a in solution.actions]
    return {
        "value": solution.value,
        "no_information_value": game.no_information_value,
        "scheme": {s: dict(zip(acts, row)) for s, row in zip(game.states, solution.scheme)},
        "posteriors": [dict(zip(game.states, mu)) for mu in solution.posteriors],
        "weights": solution.weights,
        "actions": acts,
    }


def _solve_text(game, solution) -> str:
    acts = [game.actions[a] for a in solution.actions]
    prior = ", ".join(f"{s} {_fmt(p)}" for s, p in zip(game.states, game.prior))
    lines = [
        f"{game.n_states} states, {game.n_actions} actions; prior: {prior}",
        "",
        f"optimal value for the Sender:  {_fmt(solution.value)}",
        f"value without information:     {_fmt(game.no_information_value)}",
        f"value with full information:   {_fmt(game.full_information_value)}",
        "",
        "signal scheme, P(signal | state); each signal recommends the action it is named after:",
        _table(["state", *acts], [[s, *map(_fmt, row)] for s, row in zip(game.states, solution.scheme)]),
        "",
        "posteriors:",
        _table(
            ["signal", "weight", *(f"P({s})" for s in game.states)],
            [[a, _fmt(w), *map(_fmt, mu)] for a, w, mu in zip(acts, solution.weights, solution.posteriors)],
        ),
    ]
    if solution.n_signals == 1:
        lines += ["", "no information is optimal: the Sender does best by revealing nothing."]
    return "\n".join(lines)


def _plot(game, solution, path: Path) -> None:
    try:
        import matplotlib
    except ImportError:
        raise GameFileError("--plot", "needs matplotlib, which is not installed: pip install 'persuasion[plot]'") \
            from None
    if game.n_states not in (2, 3):
        raise GameFileError("--plot", f"draws games with 2 or 3 states; this game has {game.n_states}")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .bayesian_persuasion import concave_closure

    fig, ax = plt.subplots(figsize=(6.4, 4.0) if game.n_states == 2 else (5.5, 5.0))
    if game.n_states == 2:
        p = np.linspace(0.0, 1.0, 401)
        beliefs = np.stack([1 - p, p], axis=1)
        ax.plot(p, game.sender_value(beliefs), color="0.55", ls="--", lw=1.5,
                label=r"$\hat v(\mu)$: value if nothing more is revealed")
        ax.plot(p, concave_closure(game, beliefs), color="black", lw=2.2, label=r"concave closure $V(\mu)$")
        post = solution.posteriors[:, 1]
        ax.plot(post, game.sender_value(solution.posteriors), "o", color="black", ms=7, label="optimal posteriors")
        ax.plot([post.min(), post.max()], [game.sender_value(solution.posteriors[np.argmin(post)]),
                                          game.sender_value(solution.posteriors[np.argmax(post)])],
                color="black", lw=0.8, ls=":")
        ax.axvline(game.prior[1], color="0.3", lw=0.8, ls="-.", label=f"prior, V = {_fmt(solution.value)}")
        ax.set_xlabel(f"belief that the state is {game.states[1]}")
        ax.set_ylabel("Sender's expected utility")
        ax.set_title("Concavification")
        ax.legend(fontsize=8, frameon=False)
    else:
        from .book.plotting import plot_simplex_regions, simplex_coords

        plot_simplex_regions(ax, game)
        prior_xy = simplex_coords(game.prior)
        for mu, w in zip(solution.posteriors, solution.weights):
            xy = simplex_coords(mu)
            ax.plot(*np.vstack([prior_xy, xy]).T, color="black", lw=1.2, ls="--")
            ax.plot(*xy, "o", color="black", ms=4 + 10 * w)
        handles = ax.plot(*prior_xy, "*", color="white", mec="black", ms=14, ls="none", label="prior")
        handles += ax.plot([], [], "o", color="black", ls="none", label="optimal posteriors\n(size: weight)")
        ax.legend(handles=handles, loc="upper left", fontsize=8, frameon=False)
        ax.set_title(f"Optimal split of the prior; value {_fmt(solution.value)}")
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


# -- subcommands ---------------------------------------------------------------------
def _cmd_solve(args) -> tuple[dict, str]:
    from .bayesian_persuasion import optimal_signal

    game = load_game(args.file)
    solution = optimal_signal(game, solver=args.solver)
    if solution.value <= game.no_information_value + VALUE_ATOL * (1 + abs(solution.value)):
        # Information does not help: of the optimal signals, report the one that reveals nothing.
        solution = replace(
            solution, value=game.no_information_value, scheme=np.ones((game.n_states, 1)),
            posteriors=game.prior[None, :], weights=np.ones(1), actions=np.array([game.best_response(game.prior)]),
        )
    if args.plot is not None:
        _plot(game, solution, Path(args.plot))
    return solve_report(game, solution), _solve_text(game, solution)


def _cmd_blackwell(args) -> tuple[dict, str]:
    from .blackwell import garbling

    P, Q, states, ps, qs = load_blackwell(args.file)
    G, H = garbling(P, Q), garbling(Q, P)
    doc = {
        "p_dominates_q": G is not None,
        "q_dominates_p": H is not None,
        "garbling_p_to_q": None if G is None else {s: dict(zip(qs, row)) for s, row in zip(ps, G)},
        "garbling_q_to_p": None if H is None else {t: dict(zip(ps, row)) for t, row in zip(qs, H)},
    }
    verdict = {
        (True, True): "P and Q are equally informative (each is a garbling of the other).",
        (True, False): "P is strictly more informative than Q: Q is a garbling of P, not the reverse.",
        (False, True): "Q is strictly more informative than P: P is a garbling of Q, not the reverse.",
        (False, False): "P and Q are not comparable in the Blackwell order: neither is a garbling of the other.",
    }[(G is not None, H is not None)]
    lines = [verdict]
    for name, M, rows, cols, src, dst in (("G", G, ps, qs, "P", "Q"), ("H", H, qs, ps, "Q", "P")):
        if M is not None:
            lines += ["", f"{dst} = {src} {name}, {name}[i][j] = P(signal j of {dst} | signal i of {src}):",
                      _table(["", *cols], [[r, *map(_fmt, row)] for r, row in zip(rows, M)])]
    return doc, "\n".join(lines)


def _cmd_delegate(args) -> tuple[dict, str]:
    from .delegation import robust_delegation

    problem, names = load_delegation(args.file)
    sol = robust_delegation(problem)
    tau = sol.splitting
    acts = problem.best_responses(tau.posteriors)  # (n_signals, n_types)
    types, states, b_names = names["agent_types"], names["states"], names["agent_actions"]
    doc = {
        "delegate": sol.delegate,
        "guarantee": sol.guarantee,
        "delegation_value": sol.value,
        "blind_value": problem.U_blind,
        "full_information_value": problem.U_full,
        "type_values": dict(zip(types, sol.type_values)),
        "posteriors": [dict(zip(states, mu)) for mu in tau.posteriors],
        "weights": tau.weights,
        "agent_actions": [dict(zip(types, (b_names[b] for b in row))) for row in acts],
    }
    choice = "delegate, with the information structure below" if sol.delegate else "act herself, without information"
    lines = [
        f"the principal should {choice}; guaranteed value (G*) {_fmt(sol.guarantee)}",
        "",
        f"best worst-case value of delegating (U*):       {_fmt(sol.value)}",
        f"acting herself without information (U_blind):  {_fmt(problem.U_blind)}",
        f"delegating with full information, worst type:  {_fmt(problem.U_full)}",
        "",
        "principal's value against each type under that structure:",
        _table(["type", "value"], [[t, _fmt(v)] for t, v in zip(types, sol.type_values)]),
        "",
        "information structure given to the agent (posteriors) and each type's action:",
        _table(
            ["weight", *(f"P({s})" for s in states), *types],
            [[_fmt(w), *map(_fmt, mu), *(b_names[b] for b in row)]
             for w, mu, row in zip(tau.weights, tau.posteriors, acts)],
        ),
    ]
    return doc, "\n".join(lines)


@contextlib.contextmanager
def _stdout_to_stderr():
    """Send what solvers print to file descriptor 1 (HiGHS 1.16 prints a banner) to standard error.

    Standard output then holds only the result, so ``--json`` output stays valid JSON.
    """
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):  # no file descriptor 1
        yield
        return
    try:
        os.dup2(2, 1)
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``persuasion`` command."""
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="persuasion",
        description="Solve information-design problems written in YAML or JSON files.",
        epilog="File formats: see the API reference (persuasion.cli) or the examples/ folder.",
    )
    parser.add_argument("--version", action="version", version=f"persuasion {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("solve", help="the Sender's optimal signal in a Bayesian persuasion game",
                       description="The Sender's optimal signal (Kamenica and Gentzkow 2011) by the obedience LP.")
    p.add_argument("file", metavar="GAME", help="YAML or JSON file: states, prior, actions, receiver_utility, "
                   "sender_utility (one row per action, one column per state)")
    p.add_argument("--plot", metavar="FILE", help="draw the concavification (2 states) or the simplex (3 states) "
                   "to FILE (.png, .svg, .pdf); needs matplotlib")
    p.add_argument("--solver", default="HIGHS", help="cvxpy solver (default HIGHS)")
    p.set_defaults(run=_cmd_solve)
    b = sub.add_parser("blackwell", help="is experiment P more informative than Q? (the garbling)",
                       description="Blackwell's order: Q is a garbling of P (Q = P G, G row-stochastic).")
    b.add_argument("file", metavar="PAIR", help="YAML or JSON file: P, Q (rows: states, columns: signals), "
                   "optional states, P_signals, Q_signals")
    b.set_defaults(run=_cmd_blackwell)
    d = sub.add_parser("delegate", help="robust delegation to an agent of unknown type",
                       description="Best worst-case information structure for delegating to an agent whose "
                       "utility is one of agent_types, against acting without information.")
    d.add_argument("file", metavar="PROBLEM", help="YAML or JSON file: states, prior, principal_actions, "
                   "principal_utility, agent_actions, agent_types (name: matrix), delegated_utility")
    d.set_defaults(run=_cmd_delegate)
    for s in (p, b, d):
        s.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``persuasion`` command with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    The status is 0 on success, 2 for a file that cannot be read or breaks its
    schema (one line on standard error names the field), 1 if the solver fails.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pair.yaml"
    >>> _ = path.write_text("{P: [[1, 0], [0, 1]], Q: [[0.5, 0.5], [0.5, 0.5]]}")
    >>> main(["blackwell", str(path)])
    P is strictly more informative than Q: Q is a garbling of P, not the reverse.
    <BLANKLINE>
    Q = P G, G[i][j] = P(signal j of Q | signal i of P):
        t0   t1
    s0  0.5  0.5
    s1  0.5  0.5
    0
    >>> # not a game: prints "P: unknown key; ..." on standard error
    >>> main(["solve", str(path)])
    2
    """
    args = build_parser().parse_args(argv)
    try:
        with _stdout_to_stderr():
            doc, text = args.run(args)
    except GameFileError as err:
        print(f"persuasion {args.command}: {args.file}: {err}", file=sys.stderr)
        return 2
    except ValueError as err:  # the library's own checks, e.g. an impossible combination of fields
        print(f"persuasion {args.command}: {args.file}: {' '.join(str(err).split())}", file=sys.stderr)
        return 2
    except RuntimeError as err:  # LPError: the solver failed
        print(f"persuasion {args.command}: {args.file}: solver failed: {' '.join(str(err).split())}", file=sys.stderr)
        return 1
    try:
        print(json.dumps(_clean(doc), indent=2) if args.json else text, flush=True)
    except BrokenPipeError:  # the reader stopped early (`persuasion solve ... | head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
