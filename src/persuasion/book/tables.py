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

from html import escape

__all__ = ["Table"]


class Table:
    """Rows of values under ``headers``; floats shown with ``digits`` decimals (all of them when None).

    A ``caption`` heads the table in HTML and in Markdown; in HTML the table
    sits in a box that scrolls sideways when it is wider than the page.

    >>> print(Table([[1, "a"]], ["n", "x"]))
    |   n | x   |
    |----:|:----|
    |   1 | a   |
    >>> Table([(1, 2)], ["a"])
    Traceback (most recent call last):
    ...
    ValueError: rows must each hold 1 values, one per header ['a']; row 0 holds 2
    """

    def __init__(self, rows, headers, caption: str | None = None, *, digits: int | None = None):
        self.rows, self.headers, self.caption = [list(r) for r in rows], list(headers), caption
        for i, row in enumerate(self.rows):
            if len(row) != len(self.headers):
                raise ValueError(f"rows must each hold {len(self.headers)} values, one per header {self.headers}; "
                                 f"row {i} holds {len(row)}")
        if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int) or digits < 0):
            raise ValueError(f"digits must be None or an integer >= 0; got {digits!r}")
        self.digits = digits

    def _render(self, fmt: str) -> str:
        from tabulate import tabulate

        floatfmt = "g" if self.digits is None else f".{self.digits}f"
        return tabulate(self.rows, headers=self.headers, tablefmt=fmt, floatfmt=floatfmt)

    def __str__(self) -> str:
        return self._render("pipe")

    def __contains__(self, text) -> bool:
        return text in str(self)

    def _repr_markdown_(self) -> str:
        return f"{self.caption}\n\n{self}" if self.caption else str(self)

    def _repr_html_(self) -> str:
        caption = f"<caption>{escape(self.caption)}</caption>" if self.caption else ""
        table = self._render("html").replace("<table>", f'<table class="table persuasion-table">{caption}', 1)
        return f'<div class="persuasion-table-scroll" style="overflow-x: auto; max-width: 100%;">{table}</div>'
