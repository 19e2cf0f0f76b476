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
from pathlib import Path

import matplotlib as mpl
from cycler import cycler

__all__ = ["PALETTE", "LINESTYLES", "MARKERS", "use_book_style", "figure_dir", "save_figure"]

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
            "lines.markevery": None,
            "legend.frameon": False,
            "svg.hashsalt": "persuasion",  # deterministic SVG ids
        }
    )


def figure_dir() -> Path:
    """Where figures are saved: ``$PERSUASION_FIGURES`` or ``./figures``."""
    return Path(os.environ.get("PERSUASION_FIGURES", "figures"))


def save_figure(fig, name: str, *, formats=("png", "svg")) -> list[Path]:
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
