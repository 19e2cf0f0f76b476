"""Tables of computed values: HTML in notebooks and in the book, Markdown in text (``str``).

A chapter ends a cell with a :class:`Table` where it would otherwise print rows of numbers: the
table fits the text column (and scrolls in its own box on a phone) instead of wrapping long lines.

>>> print(Table([(0.5, 3), (0.25, 12)], ["rho", "messages"], digits=2))
|   rho |   messages |
|------:|-----------:|
|  0.50 |          3 |
|  0.25 |         12 |
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape

__all__ = ["Table", "signed", "signed_interval", "seed_spread"]

#: An HTML cell, its content, and in it a value with its interval ("-4.93 [-5.86, -4.08]") or an interval.
_CELL = re.compile(r"<td>(.*?)</td>", re.S)
_MEAN_INTERVAL = re.compile(r"\s*([^<\s]+) (\[[^\]<]+\])\s*")
_INTERVAL = re.compile(r"\[[^\[\]<]*\d[^\[\]<]*, [^\[\]<]*\d[^\[\]<]*\]")


def _cell(match) -> str:
    """A cell "mean [lo, hi]" puts its interval on a line of its own; any other interval in a cell stays whole."""
    text = match.group(1)
    whole = _MEAN_INTERVAL.fullmatch(text)
    if whole:
        return f'<td>{whole.group(1)}<br><span class="persuasion-ci">{whole.group(2)}</span></td>'
    kept = _INTERVAL.sub(lambda m: f'<span class="persuasion-nobreak">{m.group(0)}</span>', text.strip())
    return f"<td>{kept}</td>"


class Table:
    """Rows of values under ``headers``; floats shown with ``digits`` decimals (``%g`` when None).

    ``digits`` is one number for every column or a sequence of one per column
    (None: ``%g``).

    A ``caption`` heads the table in HTML and in Markdown; in HTML the table
    sits in a box that scrolls sideways when it is wider than the page.

    >>> print(Table([[1, "a"]], ["n", "x"]))
    |   n | x   |
    |----:|:----|
    |   1 | a   |
    >>> print(Table([(0.25, -0.0159261)], ["rho", "Receiver"], digits=[2, 6]))
    |   rho |   Receiver |
    |------:|-----------:|
    |  0.25 |  -0.015926 |
    >>> # strings are shown as given
    >>> print(Table([("+0.10", 0.1)], ["as written", "a float"], digits=2))
    | as written   |   a float |
    |:-------------|----------:|
    | +0.10        |      0.10 |
    >>> Table([(1, 2)], ["a"])
    Traceback (most recent call last):
    ...
    ValueError: rows must each hold 1 values, one per header ['a']; row 0 holds 2
    """

    def __init__(self, rows: Iterable[Iterable[object]], headers: Iterable[str], caption: str | None = None, *,
                 digits: int | Sequence[int | None] | None = None) -> None:
        self.rows, self.headers, self.caption = [list(r) for r in rows], list(headers), caption
        for i, row in enumerate(self.rows):
            if len(row) != len(self.headers):
                raise ValueError(f"rows must each hold {len(self.headers)} values, one per header {self.headers}; "
                                 f"row {i} holds {len(row)}")
        each = list(digits) if isinstance(digits, (list, tuple)) else [digits] * len(self.headers)
        if len(each) != len(self.headers) or not all(
            d is None or (isinstance(d, int) and not isinstance(d, bool) and d >= 0) for d in each
        ):
            raise ValueError(f"digits must be None, an integer >= 0, or one of those per header "
                             f"({len(self.headers)}); got {digits!r}")
        self._floatfmt = ["g" if d is None else f".{d}f" for d in each]

    def _render(self, fmt: str) -> str:
        from tabulate import tabulate

        # A column of strings is shown as given: "+0.10" stays "+0.10", not the number 0.1.
        text = [i for i in range(len(self.headers)) if self.rows and all(isinstance(r[i], str) for r in self.rows)]
        return tabulate(self.rows, headers=self.headers, tablefmt=fmt, floatfmt=self._floatfmt,
                        disable_numparse=text or False)

    def __str__(self) -> str:
        return self._render("pipe")

    def __contains__(self, text) -> bool:
        return text in str(self)

    def _repr_markdown_(self) -> str:
        return f"{self.caption}\n\n{self}" if self.caption else str(self)

    def _repr_html_(self) -> str:
        """The table in HTML; a cell "mean [lo, hi]" puts its interval on a line of its own, and no interval breaks.

        >>> row = ("R", "-4.93 [-5.86, -4.08]", "item 3: -4.6 [-5.7, -3.6]")
        >>> html = Table([row], ["Receiver", "No", "fixed"])._repr_html_()
        >>> for cell in re.findall("<td>.*?</td>", html):
        ...     print(cell)
        <td>R</td>
        <td>-4.93<br><span class="persuasion-ci">[-5.86, -4.08]</span></td>
        <td>item 3: -4.6 <span class="persuasion-nobreak">[-5.7, -3.6]</span></td>
        """
        caption = f"<caption>{escape(self.caption)}</caption>" if self.caption else ""
        table = self._render("html").replace("<table>", f'<table class="table persuasion-table">{caption}', 1)
        table = _CELL.sub(_cell, table)
        return f'<div class="persuasion-table-scroll" style="overflow-x: auto; max-width: 100%;">{table}</div>'


def signed(x: float, digits: int = 2) -> str:
    """``x`` with its sign and ``digits`` decimals; a number that rounds to zero is ``+0``, never ``-0``.

    >>> signed(0.123), signed(-0.004), signed(-3.14159, 1), signed(-0.4, 0)
    ('+0.12', '+0.00', '-3.1', '+0')
    """
    text = f"{x:+.{digits}f}"
    return f"{0:+.{digits}f}" if float(text) == 0 else text


def signed_interval(e: dict, scale: float = 1, digits: int = 2) -> str:
    """An estimate ``e`` (``mean``, ``lo``, ``hi``) times ``scale`` as "mean [lo, hi]", each :func:`signed`.

    >>> signed_interval({"mean": 0.0123, "lo": -0.0004, "hi": 0.03}, scale=100, digits=1)
    '+1.2 [+0.0, +3.0]'
    """
    return f"{signed(e['mean'] * scale, digits)} [{signed(e['lo'] * scale, digits)}, {signed(e['hi'] * scale, digits)}]"


def seed_spread(values: Sequence[float], scale: float = 1, digits: int = 2) -> str:
    """How an estimate varies over seeds, in words: "from a to b", or "a for every seed" when they round alike.

    >>> seed_spread([0.091, 0.094, 0.088]), seed_spread([0.1, 0.3])
    ('+0.09 for every seed', 'from +0.10 to +0.30')
    >>> seed_spread([0.004, 0.012], scale=100, digits=1)
    'from +0.4 to +1.2'
    """
    lo, hi = signed(min(values) * scale, digits), signed(max(values) * scale, digits)
    return f"{lo} for every seed" if lo == hi else f"from {lo} to {hi}"
