"""One figure style for the book, and saving figures by name.

Colours come from a palette whose entries differ in lightness as well as
hue, and every series also gets its own line style and marker, so figures
survive grey-scale printing.

Figures are written to the folder named by the environment variable
``PERSUASION_FIGURES`` (the book build sets it to ``figures/`` at the top of
the repository), or to ``./figures`` when it is unset.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
from cycler import cycler
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import Polygon

    from ..game import PersuasionGame

__all__ = [
    "PALETTE",
    "LINESTYLES",
    "MARKERS",
    "use_book_style",
    "figure_dir",
    "save_figure",
    "simplex_coords",
    "plot_simplex_regions",
    "plot_scaling",
]

#: Dark to light: black, blue, vermillion, bluish green, orange (Okabe–Ito hues).
PALETTE = ("#000000", "#0072B2", "#D55E00", "#009E73", "#E69F00")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)))
MARKERS = ("o", "s", "^", "D", "v")


def use_book_style() -> None:
    """Set matplotlib defaults used by every figure of the book."""
    mpl.rcParams.update(
        {
            "figure.figsize": (6.4, 4.0),
            "figure.dpi": 110,
            "savefig.dpi": 160,
            "savefig.bbox": "tight",
            "font.size": 10,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.prop_cycle": cycler(color=PALETTE) + cycler(linestyle=LINESTYLES) + cycler(marker=MARKERS),
            "lines.markersize": 4,
            "legend.frameon": False,
            "legend.fontsize": 9,  # legends as readable as the tick labels at page width
            "svg.hashsalt": "persuasion",  # deterministic SVG ids
        }
    )


def figure_dir() -> Path:
    """Where figures are saved: ``$PERSUASION_FIGURES`` or ``./figures``."""
    return Path(os.environ.get("PERSUASION_FIGURES", "figures"))


def save_figure(fig: Figure, name: str, *, formats: Iterable[str] = ("png", "svg")) -> list[Path]:
    """Save ``fig`` as ``<figure_dir>/<name>.<fmt>`` for each format; return the paths.

    ``name`` must be a plain file stem (letters, digits, ``-`` and ``_``).
    """
    if not name or not all(ch.isalnum() or ch in "-_" for ch in name):
        raise ValueError(f"name must be a plain file stem of letters, digits, '-' and '_'; got {name!r}")
    folder = figure_dir()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        path = folder / f"{name}.{fmt}"
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(path, format=fmt, metadata=metadata)
        paths.append(path)
    return paths


# -- beliefs over three states ---------------------------------------------------
_SQRT3_2 = 3**0.5 / 2


def simplex_coords(beliefs: ArrayLike) -> np.ndarray:
    """Map beliefs over three states to 2-D points of an equilateral triangle.

    The corners ``(1,0,0)``, ``(0,1,0)``, ``(0,0,1)`` go to ``(0,0)``, ``(1,0)``
    and ``(1/2, sqrt(3)/2)``.

    >>> simplex_coords([[1, 0, 0], [0, 0, 1]]).round(3)
    array([[0.   , 0.   ],
           [0.5  , 0.866]])
    """

    b = np.asarray(beliefs, dtype=float)
    if b.shape[-1] != 3:
        raise ValueError(f"beliefs must have last axis of length 3; got shape {b.shape}")
    return np.stack([b[..., 1] + b[..., 2] / 2, b[..., 2] * _SQRT3_2], axis=-1)


def plot_simplex_regions(ax: Axes, game: PersuasionGame, *, labels: bool = True) -> list[Polygon]:
    """Shade the belief regions where each action is optimal, on the 2-simplex.

    Each region gets a grey level and a hatch pattern (legible in grey-scale).
    Returns the list of polygon patches.
    """
    from matplotlib.patches import Polygon

    from ..bayesian_persuasion import action_region_vertices

    if game.n_states != 3:
        raise ValueError(f"game must have 3 states to be drawn on the 2-simplex; it has {game.n_states}")
    verts, acts, full = action_region_vertices(game)
    greys = np.linspace(0.93, 0.55, game.n_actions)
    hatches = ("", "//", "..", "xx", "\\\\", "oo")
    patches = []
    for a in range(game.n_actions):
        pts = simplex_coords(verts[(acts == a) & full])
        if len(pts) < 3:
            continue
        c = pts.mean(axis=0)
        order = np.argsort(np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0]))
        patch = Polygon(
            pts[order], closed=True, facecolor=str(greys[a]), edgecolor="0.3", lw=0.8,
            hatch=hatches[a % len(hatches)], label=f"{game.actions[a]} optimal",
        )
        ax.add_patch(patch)
        patches.append(patch)
        if labels:
            ax.annotate(game.actions[a], c, ha="center", va="center", fontsize=9,
                        bbox={"boxstyle": "round", "fc": "white", "ec": "0.5", "alpha": 0.9})
    corners = simplex_coords(np.eye(3))
    ax.plot(*np.vstack([corners, corners[:1]]).T, color="black", lw=1, marker="")
    for k, (x, y) in enumerate(corners):
        ax.annotate(game.states[k], (x, y), xytext=(0, -12 if y == 0 else 6), textcoords="offset points",
                    ha="center", fontsize=9)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_xlim(-0.08, 1.08)
    ax.set_ylim(-0.1, 0.95)
    return patches


def plot_scaling(ax: Axes,
                 series: Mapping[str, tuple[ArrayLike, ArrayLike] | tuple[ArrayLike, ArrayLike, Sequence[str]]], *,
                 xlabel: str, ylabel: str) -> None:
    """Log-log cost curves, one per entry of ``series``, in the book's grey-safe styles.

    ``series`` maps a legend label to ``(x, y)`` or ``(x, y, notes)``, where
    ``notes`` labels each point (e.g. the problem size behind it).
    """
    curves = {}
    for label, data in series.items():
        x, y, notes = (*data, None) if len(data) == 2 else data
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if x.shape != y.shape or x.ndim != 1:
            raise ValueError(f"series[{label!r}] needs x and y of the same length; got shapes {x.shape} and {y.shape}")
        if notes is not None and len(notes) != x.size:
            raise ValueError(f"series[{label!r}] needs one note per point ({x.size}); got {len(notes)}")
        curves[label] = (x, y, notes)
    for k, (label, (x, y, notes)) in enumerate(curves.items()):
        colour = PALETTE[1 + k % (len(PALETTE) - 1)]
        ax.loglog(x, y, color=colour, ls=LINESTYLES[k % len(LINESTYLES)], marker=MARKERS[k % len(MARKERS)], ms=6,
                  label=label)
        # Each note in its curve's colour, on the side away from the other curves: above and left of a point
        # that lies above every other curve at its x (in log scale), below and right of one beneath; where no
        # other curve spans the x, the first, third, ... series' notes go above and the others' below. A light
        # box keeps a note readable where it still crosses a line.
        for xi, yi, note in zip(x, y, notes or []):
            above = k % 2 == 0
            others = [np.interp(np.log(xi), np.log(ox[np.argsort(ox)]), np.log(oy[np.argsort(ox)]))
                      for other, (ox, oy, _) in curves.items() if other != label and ox.min() <= xi <= ox.max()]
            if others:
                above = np.log(yi) >= max(others)
            offset, ha, va = ((-5, 5), "right", "bottom") if above else ((5, -5), "left", "top")
            ax.annotate(note, (xi, yi), textcoords="offset points", xytext=offset, ha=ha, va=va, color=colour,
                        bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8))
    if any(len(data) == 3 for data in series.values()):
        ax.margins(x=0.18, y=0.18)  # room for the first and the last point's note inside the axes
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
