"""The chapters read prose first: short visible code cells that fit the page (the plumbing is hidden).

A code cell is hidden from the reader when its tags include ``hide-input``, ``remove-input``, ``hide-cell`` or
``remove-cell`` (Jupyter Book folds or removes it; it still runs). The parameters cell does not count.
"""

import ast
import statistics
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
HIDING = {"hide-input", "remove-input", "hide-cell", "remove-cell"}
MEDIAN_LINES = 8  # QuantEcon lectures: about 6; d2l: about 5
LINE_WIDTH = 88  # wider visible lines scroll sideways at 1280 px


def visible_cells(path):
    cells = []
    for cell in jupytext.read(path).cells:
        tags = set(cell.metadata.get("tags", []))
        if cell.cell_type == "code" and not tags & HIDING and "parameters" not in tags:
            cells.append([line for line in cell.source.splitlines() if line.strip()])
    return cells


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_visible_code_is_short(path):
    sizes = [len(c) for c in visible_cells(path)]
    assert sizes, f"{path.name}: no visible code cell"
    assert statistics.median(sizes) <= MEDIAN_LINES, (
        f"{path.name}: the median visible code cell has {statistics.median(sizes)} lines (at most {MEDIAN_LINES}); "
        f"cell sizes {sizes}: move checks to remove-input cells, plotting behind hide-input, loops into the library"
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_visible_code_fits_the_page(path):
    wide = [(i, line) for i, c in enumerate(visible_cells(path)) for line in c if len(line) > LINE_WIDTH]
    assert not wide, f"{path.name}: visible lines over {LINE_WIDTH} characters (cell, line): {wide[:3]}"


CHECKS = {"close", "true", "at_most", "all_of"}


def check_calls(path):
    """Every ``checks.close/true/at_most/all_of(...)`` call of a chapter: (line, its ``method=`` node or None)."""
    calls = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CHECKS
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "checks"):
            method = next((k.value for k in node.keywords if k.arg == "method"), None)
            calls.append((node.lineno, method))
    return calls


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_check_names_how_it_is_verified(path):
    """The table "What this chapter verified" says, for each claim, what it was checked against."""
    calls = check_calls(path)
    assert calls, f"{path.name} checks nothing"
    unnamed = [line for line, method in calls if method is None]
    assert not unnamed, f"{path.name}: checks without method= at lines {unnamed}"
    for line, method in calls:  # a literal must be a short phrase (a loop may build it with an f-string)
        if isinstance(method, ast.Constant):
            assert isinstance(method.value, str) and 3 <= len(method.value) <= 60, (path.name, line, method.value)
