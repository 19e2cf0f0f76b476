"""The package's sources compile without warnings (e.g. invalid escape sequences in docstrings)."""

import re
import warnings
from pathlib import Path

import pytest

SOURCES = sorted((Path(__file__).resolve().parents[1] / "src" / "persuasion").rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_source_compiles_without_warnings(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compile(path.read_text(), str(path), "exec")


def test_no_module_over_500_lines():
    # A module a reader can hold in mind: split one that grows past this by concept (as delegation_geometry).
    lengths = {p.name if p.parent.name == "persuasion" else f"{p.parent.name}/{p.name}": len(p.read_text().splitlines())
               for p in SOURCES}
    long = {name: n for name, n in lengths.items() if n > 500}
    assert not long, f"modules over 500 lines (split them by concept): {long}"


def test_the_readme_maps_every_module():
    # The README's two layout maps name every module of the library and of persuasion.llm, and nothing else.
    import re

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text()
    blocks = readme.split("```")[1::2]  # the fenced blocks' insides
    named = lambda block: set(re.findall(r"\b(\w+\.py)\b", block))  # noqa: E731
    library = next(b for b in blocks if "bayesian_persuasion.py" in b)
    llm = next(b for b in blocks if "experiment.py" in b and "advisor.py" in b)
    top = {p.name for p in (root / "src" / "persuasion").glob("*.py")}
    llm_files = {p.name for p in (root / "src" / "persuasion" / "llm").glob("*.py")} - {"__init__.py"}
    assert named(library) == top, f"README library map: {named(library) ^ top}"
    assert named(llm) == llm_files, f"README llm/ map: {named(llm) ^ llm_files}"


def test_docstring_examples_fit_the_api_pages_column():
    # The API reference sets examples like the chapters' code, 88 characters a line at 1280 px; a longer input
    # line would wrap there, and its second half would read as the example's output.
    import ast

    long = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                for line in (ast.get_docstring(node, clean=True) or "").splitlines():
                    if line.lstrip().startswith((">>>", "...")) and len(line) > 88:
                        long.append(f"{path.name}: {line.strip()[:60]}")
    assert not long, f"{len(long)} example lines over 88 characters: {long[:5]}"


def test_docstrings_cite_in_one_style():
    # The API page links a citation to the bibliography only when it is written :cite:t:`key` or :cite:p:`key`;
    # "Kamenica and Gentzkow (2011)" or "(Dughmi and Xu 2016)" in plain text is neither linked nor like the rest.
    import ast

    plain = re.compile(r"\b[A-Z][a-z]+(?: and [A-Z][a-z]+| et al\.)?,? \(?(?:19|20)\d\d[a-z]?\b")
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                for hit in plain.findall(ast.get_docstring(node, clean=True) or ""):
                    found.append(f"{path.name}: {hit}")
    assert not found, f"{len(found)} plain-text citations in docstrings: {found[:5]}"


def _public_functions(tree):
    """(qualified name, function node) for each public top-level function and public method (``__init__`` too)."""
    import ast

    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            yield node.name, node
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                        not item.name.startswith("_") or item.name == "__init__"):
                    yield f"{node.name}.{item.name}", item


def test_every_public_parameter_is_annotated():
    # The API page shows a function's types in its signature; a parameter without an annotation shows none.
    import ast

    missing = []
    for path in SOURCES:
        for name, fn in _public_functions(ast.parse(path.read_text())):
            args = fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
            bare = [a.arg for a in args if a.annotation is None and a.arg not in ("self", "cls")]
            if bare:
                missing.append(f"{path.relative_to(SOURCES[0].parents[1])}: {name}({', '.join(bare)})")
    assert not missing, f"{len(missing)} public functions with unannotated parameters:\n" + "\n".join(missing)
