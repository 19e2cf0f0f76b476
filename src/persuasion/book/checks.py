"""Numerical claims made by a chapter: state them, record them, raise when one fails.

A chapter creates one :class:`Checks` and states each claim through it. A claim
that fails raises :class:`ClaimFailed` at once, which fails the notebook and
the book build; the claims that held are shown as a table at the end of the
chapter. The table rounds to six significant digits; the message of a failed
claim prints every number with ``repr`` precision and, for an array, the worst
entry (its index, the value found and the value expected).

>>> checks = Checks("demo")
>>> checks.close("one third plus two thirds", 1/3 + 2/3, 1.0)
>>> checks.true("pi exceeds three", 3.14159 > 3, value=3.14159)
>>> len(checks)
2
>>> checks.close("a false claim", 0.5, 0.6, atol=1e-3)
Traceback (most recent call last):
...
persuasion.book.checks.ClaimFailed: claim failed: a false claim: value 0.5, expected 0.6 (atol 0.001)
>>> try:
...     checks.close("an array", [1.0, 2.0, 3.0], [1.0, 2.05, 3.0], atol=1e-3)
... except ClaimFailed as failure:
...     print(str(failure).split("(")[-1])
worst at index 1: got 2.0, expected 2.05, |error| 0.04999999999999982)
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .._validation import as_real

__all__ = ["Checks", "Claim", "ClaimFailed", "typeset"]

#: ASCII notation in claim texts (which chapters type in code) and the symbols the table shows for it.
NOTATION = (
    (r"<=>", "⇔"), (r"=>", "⇒"), (r"<=", "≤"), (r">=", "≥"), (r"!=", "≠"), (r"->", "→"),
    (r"\bv_hat\b", "v̂"), (r"\bmu_?0\b|μ0", "μ₀"), (r"\bmu_i\b", "μᵢ"), (r"\bmu\b", "μ"), (r"\bOmega\b", "Ω"),
    (r"\b(?:epsilon|eps)\b", "ε"), (r"\btau\b", "τ"), (r"\brho\b", "ρ"), (r"\blambda\b", "λ"),
    (r"\bphi\b", "φ"), (r"\bdelta\b", "δ"), (r"_delta\b", "_δ"), (r"\btheta\b", "θ"),
)


def typeset(text: str) -> str:
    """A claim's text as the verification table shows it: ASCII notation as symbols (:data:`NOTATION`).

    Whole words only, so names that contain them stay as typed:

    >>> typeset("v_hat(mu0) <= V(mu_i) for every eps, epsilon_rounds and mu -> 0")
    'v̂(μ₀) ≤ V(μᵢ) for every ε, epsilon_rounds and μ → 0'
    >>> typeset("Sender benefits  <=>  |Omega| >= 2 (a => b); U*_delta != U*")
    'Sender benefits  ⇔  |Ω| ≥ 2 (a ⇒ b); U*_δ ≠ U*'
    """
    for pattern, symbol in NOTATION:
        text = re.sub(pattern, symbol, text)
    return text


class ClaimFailed(AssertionError):
    """A numerical claim of the book does not hold."""


@dataclass(frozen=True)
class Claim:
    name: str
    value: str
    expected: str
    passed: bool
    method: str = ""  # how the claim was checked: the comparison, or the independent method a chapter names


def _fmt(x) -> str:
    if isinstance(x, str):
        return x
    arr = np.asarray(x)
    if arr.dtype == bool and arr.ndim == 0:
        return str(bool(arr))
    if arr.ndim == 0 and np.issubdtype(arr.dtype, np.number):
        return f"{float(arr):.6g}"
    return np.array2string(arr, precision=6, separator=", ", threshold=8)


class Checks:
    """A list of claims, each checked when stated.

    Parameters
    ----------
    title : str
        Shown above the table of claims.
    """

    def __init__(self, title: str = "What this chapter verified"):
        self.title = title
        self.claims: list[Claim] = []

    def __len__(self) -> int:
        return len(self.claims)

    def _record(self, name: str, value, expected, passed: bool, detail: str = "", *, exact=None,
                method: str = "") -> None:
        """``exact``: (value, expected) as the failure message prints them (default: as the table does)."""
        if not isinstance(name, str):
            raise TypeError(f"name must be a str (the claim as the table shows it); got {type(name).__name__}")
        if not isinstance(method, str):
            raise TypeError(f"method must be a str (how the claim is checked); got {type(method).__name__}")
        claim = Claim(name, _fmt(value), _fmt(expected), bool(passed), method)
        self.claims.append(claim)
        if not claim.passed:
            shown_value, shown_expected = exact if exact is not None else (claim.value, claim.expected)
            extra = f" ({detail})" if detail else ""
            raise ClaimFailed(f"claim failed: {name}: value {shown_value}, expected {shown_expected}{extra}")

    def close(self, name: str, actual: ArrayLike, expected: ArrayLike, *, atol: float = 1e-8, rtol: float = 0.0,
              method: str = "agrees within tolerance") -> None:
        """Claim that ``actual`` equals ``expected`` within ``atol + rtol * |expected|`` (elementwise).

        ``method`` (every claim has one): how the claim is checked, as the table's method column shows it.
        """
        atol, rtol = as_real(atol, "atol", low=0), as_real(rtol, "rtol", low=0)
        record = functools.partial(self._record, method=method)
        a, e = _floats(actual, "actual"), _floats(expected, "expected")
        if a.shape != e.shape and a.size != 1 and e.size != 1:
            record(name, f"shape {a.shape}", f"shape {e.shape}", False)
        passed = bool(np.allclose(a, e, atol=atol, rtol=rtol))
        tol = f"atol {atol:g}" + (f", rtol {rtol:g}" if rtol else "")
        # Arrays: the table shows the worst error; a failure names the worst entry.
        if max(a.size, e.size) > 1 and min(a.size, e.size) > 0:
            where, got, want, err = _worst_entry(a, e, atol, rtol)
            detail = f"worst at index {where}: got {got!r}, expected {want!r}, |error| {err!r}"
            with np.errstate(invalid="ignore", over="ignore"):
                worst = float(np.max(np.abs(a - e)))  # NaN shows as nan
            record(name, f"max |error| {worst:.2g} over {max(a.size, e.size)}", f"<= {tol}", passed,
                         detail)
        elif a.size == 1 and e.size == 1:
            record(name, actual, expected, passed, tol, exact=(repr(a.item()), repr(e.item())))
        else:  # an empty array: holds vacuously
            record(name, actual, expected, passed, tol)

    def true(self, name: str, condition: ArrayLike, *, value: ArrayLike | None = None, detail: str = "",
             method: str = "condition") -> None:
        """Claim that ``condition`` holds; ``value`` is what the table shows (default: the condition)."""
        passed = bool(np.all(condition))
        self._record(name, condition if value is None else value, detail or "True", passed, method=method)

    def at_most(self, name: str, actual: ArrayLike, bound: ArrayLike, *, atol: float = 1e-8,
                method: str = "upper bound") -> None:
        """Claim that every entry of ``actual`` is at most ``bound`` (+ ``atol``)."""
        atol = as_real(atol, "atol", low=0)
        record = functools.partial(self._record, method=method)
        a, b = _floats(actual, "actual"), _floats(bound, "bound")
        with np.errstate(invalid="ignore", over="ignore"):
            over = a - b  # broadcast: the entry furthest above its bound is the worst
            passed = bool(np.all(a <= b + atol))
        if a.size == 0:  # nothing to bound
            record(name, "no entries", f"<= {_fmt(bound)}", passed)
        elif a.size > 1 or over.size > 1:
            flat = int(np.argmax(np.where(np.isnan(over), np.inf, over)))
            where = np.unravel_index(flat, np.broadcast_shapes(a.shape, b.shape))
            where = int(where[0]) if len(where) == 1 else tuple(int(i) for i in where)
            got, limit = np.broadcast_to(a, over.shape)[where], np.broadcast_to(b, over.shape)[where]
            record(name, f"max {float(np.max(a)):.6g}", f"<= {_fmt(bound)}", passed,
                         f"worst at index {where}: got {float(got)!r}, bound {float(limit)!r}, atol {atol:g}")
        else:
            record(name, a.item(), f"<= {_fmt(bound)}", passed,
                         exact=(repr(a.item()), f"<= {b.item()!r}"))

    def all_of(self, name: str, conditions: ArrayLike, *, detail: str = "", method: str = "every case") -> None:
        """Claim that every entry of a boolean array holds; the table shows how many did."""
        c = np.asarray(conditions, dtype=bool).ravel()
        expected = f"all {c.size}" + (f" ({detail})" if detail else "")
        self._record(name, f"{int(c.sum())} of {c.size}", expected, bool(c.all()), method=method)

    # -- display --------------------------------------------------------------
    def to_markdown(self) -> str:
        """The claims as a Markdown table."""
        rows = [f"**{self.title}**", "", "| # | claim | method | value | expected | holds |",
                "|---|---|---|---|---|---|"]
        def cell(text) -> str:  # a literal | would end the cell
            return str(text).replace("|", "\\|")

        for i, c in enumerate(self.claims, 1):
            holds = "yes" if c.passed else "NO"
            rows.append(f"| {i} | {cell(typeset(c.name))} | {cell(typeset(c.method))} | {cell(c.value)} "
                        f"| {cell(typeset(c.expected))} | {holds} |")
        return "\n".join(rows)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        """The claims as an HTML table, folded: the reader opens it with a click (exercise answers stay hidden)."""
        head = "<tr><th>#</th><th>claim</th><th>method</th><th>value</th><th>expected</th><th>holds</th></tr>"
        body = "".join(
            f"<tr><td>{i}</td><td>{html.escape(typeset(c.name))}</td><td>{html.escape(typeset(c.method))}</td>"
            f"<td><code>{html.escape(c.value)}</code></td>"
            f"<td><code>{html.escape(typeset(c.expected))}</code></td><td>{'✓' if c.passed else '✗'}</td></tr>"
            for i, c in enumerate(self.claims, 1)
        )
        held = sum(c.passed for c in self.claims)
        return (
            f'<details class="persuasion-claims-box"><summary><strong>{html.escape(self.title)}</strong>: '
            f"{held} of {len(self.claims)} claims hold (click to show the table)</summary>"
            f'<div style="overflow-x: auto"><table class="persuasion-claims"><caption>{html.escape(self.title)} '
            f"({held} of {len(self.claims)} hold)</caption>{head}{body}</table></div></details>"
        )

    def __repr__(self) -> str:
        return f"Checks({self.title!r}, {len(self.claims)} claims)"


def _worst_entry(a: np.ndarray, e: np.ndarray, atol: float, rtol: float):
    """(index, got, expected, |error|) of the entry furthest outside ``atol + rtol * |expected|`` (NaN first)."""
    a, e = np.broadcast_arrays(a, e)
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf, 0 * inf: NaN, counted as the worst
        err = np.abs(a - e)
        excess = err - (atol + rtol * np.abs(e))
    excess = np.where(np.isnan(excess), np.inf, excess)
    where = np.unravel_index(int(np.argmax(excess)), a.shape)
    where = int(where[0]) if len(where) == 1 else tuple(int(i) for i in where)
    return where, float(a[where]), float(e[where]), float(err[where])


def _floats(x, name: str) -> np.ndarray:
    """``x`` as a float array (NaN allowed: a claim about NaN fails, it does not crash), else a ``TypeError``."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be a number or an array of numbers; got {type(x).__name__}: {x!r}")
    try:
        return np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a number or an array of numbers; got {type(x).__name__} ({exc})") from None
