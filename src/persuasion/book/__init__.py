"""The book's machinery, apart from the mathematics: claims, figure style, chapter set-up, the runner.

* :mod:`persuasion.book.checks`: :class:`Checks`, the numerical claims a chapter states and checks;
* :mod:`persuasion.book.plotting`: one figure style (grey-scale safe) and saving figures by name;
* :mod:`persuasion.book.tables`: :class:`~persuasion.book.tables.Table`, computed rows shown as a table;
* :mod:`persuasion.book.runner`: executes a chapter (jupytext ``.py`` → papermill → ``.ipynb``);
* :func:`chapter`: the one set-up line every chapter opens with.

>>> size, rng, checks = chapter("smoke", {"smoke": {"n": 3}, "book": {"n": 30}}, seed=1)
>>> size.n, float(rng.random()) == float(np.random.default_rng(1).random()), len(checks)
(3, True, 0)
>>> chapter("huge", {"smoke": {"n": 3}}, seed=1)
Traceback (most recent call last):
...
ValueError: scale must be one of ['smoke']; got 'huge'
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .checks import Checks, ClaimFailed

__all__ = ["chapter", "Checks", "ClaimFailed"]


def chapter(scale: str, sizes: dict, *, seed: int, title: str = "What this chapter verified", style: bool = True):
    """Set a chapter up: check ``scale``, set the figure style, seed its generator, open its claims.

    Parameters
    ----------
    scale : str
        A key of ``sizes`` (``"smoke"``, ``"book"`` or ``"full"``).
    sizes : dict
        ``{scale: {name: value}}``, the chapter's sizes at each scale.
    seed : int
        Seed of the chapter's generator; every random number of the chapter comes from it.
    title : str
        Shown above the chapter's table of claims.
    style : bool
        Set :func:`~persuasion.book.plotting.use_book_style` (chapters without figures pass ``False``).

    Returns
    -------
    (size, rng, checks)
        ``size``: the sizes of ``scale`` as attributes; ``rng``: ``numpy.random.default_rng(seed)``;
        ``checks``: an empty :class:`Checks`.
    """
    if scale not in sizes:
        raise ValueError(f"scale must be one of {sorted(sizes)}; got {scale!r}")
    if style:
        from .plotting import use_book_style

        use_book_style()
    return SimpleNamespace(**sizes[scale]), np.random.default_rng(seed), Checks(title)
