"""Every chapter executes at smoke scale through papermill, and the book builds with warnings as errors."""

import re
from pathlib import Path

import nbformat
import pytest

from .conftest import NOTEBOOKS, ROOT, execute_smoke, share_models
from .test_reading import LINE_WIDTH

pytestmark = [pytest.mark.notebook, pytest.mark.slow]


def test_there_are_chapters():
    assert NOTEBOOKS, "no notebooks/NN_*.py found"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_at_smoke_scale(notebook, smoke_root):
    nb = nbformat.read(execute_smoke(smoke_root, notebook), as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and 'scale = "smoke"' in injected[0].source
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    # The chapter closes with its table of checked claims.
    last = nb.cells[-1]
    html = "".join(o.get("data", {}).get("text/html", "") for o in last.get("outputs", []))
    assert "persuasion-claims" in html, "the last cell must display the chapter's Checks table"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_printed_lines_fit_the_page(notebook, smoke_root):
    """Printed text (stdout, plain values) that the reader sees wraps at the page's width: rows of numbers
    go in a :class:`~persuasion.book.tables.Table` instead."""
    nb = nbformat.read(execute_smoke(smoke_root, notebook), as_version=4)
    wide = []
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "remove-output" in cell.metadata.get("tags", []):
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            text = out.get("text", "") if out.get("name") == "stdout" else (
                "" if {"text/html", "text/markdown", "image/png"} & set(data) else data.get("text/plain", ""))
            wide += [(k, line) for line in text.splitlines() if len(line) > LINE_WIDTH]
    assert not wide, f"{notebook.name}: printed lines over {LINE_WIDTH} characters (cell, line): {wide[:3]}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_source_has_parameters_and_checks(notebook):
    text = notebook.read_text()
    assert re.search(r'# %% tags=\["parameters"\]\nscale = "book"', text), "needs a parameters cell with scale = 'book'"
    assert "checks." in text
    if notebook.stem.endswith("errata"):  # the errata page: demonstrations, no theorems or exercises
        return
    assert "prf:theorem" in text
    assert text.count("{exercise}") >= 2 and text.count("{solution-start}") >= 2


def test_book_builds(built_book):
    chapter = built_book / "executed" / "01_bayesian_persuasion.html"
    html = chapter.read_text()
    # Theorems, exercises, numbered figures, citations.
    assert 'class="proof theorem' in html or "theorem admonition" in html
    assert html.count('class="exercise') >= 2
    assert "Fig. 1.1" in html or "Fig. 1" in html
    assert "Kamenica and Gentzkow" in html
    # Download (.ipynb, .py) and launch (Binder, Colab) buttons from the one repository URL; Binder opens the
    # notebook binder/postBuild writes from the .py source.
    assert "_sources/executed/01_bayesian_persuasion.ipynb" in html
    assert "_sources/executed/01_bayesian_persuasion.py" in html
    assert (built_book / "_sources" / "executed" / "01_bayesian_persuasion.py").is_file()
    assert (
        "mybinder.org/v2/gh/persuasion-book/persuasion/main?urlpath=lab/tree/notebooks/01_bayesian_persuasion.ipynb"
    ) in html
    assert (
        "colab.research.google.com/github/persuasion-book/persuasion/blob/gh-pages/"
        "_sources/executed/01_bayesian_persuasion.ipynb"
    ) in html
    # One search field, in the sidebar: no site-wide header bar holding a second one (pydata-sphinx-theme 0.17).
    assert html.count("search-button__default-text") == 1 and "navbar-persistent" not in html
    # Solution titles link the exercise without a leading space; a formula keeps its comma.
    assert 'Solution to <a class="reference internal"' in html and "Solution to<a" not in html
    assert 'class="persuasion-nobreak"' in html
    # MathJax is served from the book, not a CDN.
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    mathjax = [s for s in scripts if "mathjax" in s.lower()]
    assert mathjax and all(not s.startswith(("http:", "https:", "//")) for s in mathjax), mathjax
    assert (built_book / "_static" / "mathjax" / "tex-chtml.js").is_file()
    # Figures saved by name are published.
    for name in ("prosecutor-concavification", "review-simplex"):
        assert (built_book / "figures" / f"{name}.png").is_file()
        assert (built_book / "figures" / f"{name}.svg").is_file()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_chapter_renders_its_parts(built_book, notebook):
    """Each chapter: a theorem box, exercises, numbered figures that exist, a claims table, launch buttons."""
    html = (built_book / "executed" / f"{notebook.stem}.html").read_text()
    assert "persuasion-claims" in html
    assert f"_sources/executed/{notebook.stem}.py" in html
    assert "Traceback" not in html and "ClaimFailed" not in html
    if notebook.stem.endswith("errata"):
        return
    assert 'class="proof theorem' in html or "theorem admonition" in html
    assert html.count('class="exercise') >= 2
    assert html.count('class="solution') >= 2
    assert "persuasion-claims" in html
    assert f"_sources/executed/{notebook.stem}.py" in html
    figures = re.findall(r"```\{figure\} /figures/([\w-]+)\.png", notebook.read_text())
    assert figures, "every chapter has at least one figure"
    for name in figures:
        assert (built_book / "figures" / f"{name}.png").is_file(), name
        assert (built_book / "figures" / f"{name}.svg").is_file(), name
    n = int(notebook.stem[:2])
    assert f"Fig. {n}.1" in html, "figures are numbered by chapter"
    assert "Traceback" not in html and "ClaimFailed" not in html


def test_bibliography_lists_every_reference(built_book):
    html = (built_book / "book" / "references.html").read_text()
    entries = re.findall(r'<div class="citation" id="id\d+" role="doc-biblioentry">', html) or re.findall(
        r'role="doc-biblioentry"', html
    )
    assert len(entries) >= 62


def _gsm8k_available():
    from persuasion.llm.data import gsm8k_dir

    folder = gsm8k_dir()
    return folder if folder is not None and (folder / "test_socratic.jsonl").is_file() else None


def _check_experiment_chapter(executed: Path, seed: int, gsm8k) -> None:
    """Chapter 7 says which seed and which data it ran on, and states its verdicts (computed, whatever they are)."""
    nb = nbformat.read(executed, as_version=4)
    text = "\n".join(
        o.get("text", "") + o.get("data", {}).get("text/markdown", "") + o.get("data", {}).get("text/plain", "")
        for c in nb.cells for o in c.get("outputs", [])
    )
    assert f"seed {seed}" in text
    assert ("GSM8K was read from" if gsm8k is not None else "GSM8K was not found") in text
    assert ("ran on *gsm8k* data" if gsm8k is not None else "ran on *synthetic* data") in text
    assert re.search(r"In \*\*accuracy\*\*, the \d+ verdicts are", text)


def test_experiment_chapter_of_the_smoke_book_states_its_seed_data_and_verdicts(smoke_root):
    """Seed 0, on the data this machine has: the run the smoke book shows (the seeds below are the others)."""
    _check_experiment_chapter(execute_smoke(smoke_root, ROOT / "notebooks" / "07_llm_experiments.py"), 0,
                              _gsm8k_available())


@pytest.mark.parametrize(
    ("data", "seed"),
    [("synthetic", 1), ("synthetic", 2)]
    + [pytest.param("gsm8k", seed, marks=pytest.mark.gsm8k) for seed in (0, 1, 2)],
)
def test_experiment_chapter_builds_for_any_seed_and_data(seed, data, tmp_path, monkeypatch):
    """Chapter 7 at smoke scale for seeds 0-2 with GSM8K and 1-2 without it (a newcomer).

    Seed 0 without GSM8K is the smoke book's chapter, checked above on a machine without GSM8K (as CI's
    ``make test`` runs)."""
    from persuasion.book.runner import execute
    from persuasion.llm.cache import cache_dir

    folder = _gsm8k_available() if data == "gsm8k" else None
    if data == "gsm8k" and folder is None:
        pytest.skip("GSM8K is not on this machine (make data, or set GSM8K_DIR); .ci/run runs this with it")
    # A cache with the models and the content-addressed results shared, and no downloaded data.
    cache = share_models(tmp_path / "cache")
    (cache_dir() / "store").mkdir(parents=True, exist_ok=True)
    (cache / "store").symlink_to(cache_dir() / "store", target_is_directory=True)
    monkeypatch.setenv("PERSUASION_CACHE", str(cache))
    if folder is None:
        monkeypatch.delenv("GSM8K_DIR", raising=False)
    else:
        monkeypatch.setenv("GSM8K_DIR", str(folder))
    out = tmp_path / "07.ipynb"
    execute(ROOT / "notebooks" / "07_llm_experiments.py", out, scale="smoke", figures=tmp_path / "figures",
            parameters={"seed": seed})
    _check_experiment_chapter(out, seed, folder)
