"""Book-local Sphinx extension.

Chapters are executed notebooks (``executed/NAME.ipynb``) generated from the
sources ``notebooks/NAME.py``. This extension:

* adds a ``.py`` entry to each chapter's download menu (the jupytext source);
* points the Binder button at ``notebooks/NAME.ipynb`` (which
  ``binder/postBuild`` writes from ``notebooks/NAME.py`` with jupytext) and the Colab button at the executed notebook on
  the branch where the site is published (``persuasion_pages_branch``), since
  executed notebooks are build products and not committed;
* adds the book's stylesheet and script, ``book/_static/persuasion.css`` and
  ``persuasion.js`` (code that fits the column; formulas, tables and figures
  that scroll inside their box on narrow screens);
* copies the saved figures (``$PERSUASION_FIGURES`` or ``figures/``) to
  ``_build/html/figures/`` so readers can download them by name;
* writes ``_static/persuasion-pdf.js``, which says whether the site holds the
  whole-book PDF (``book.pdf``, which ``make pdf`` prints after the build and
  copies in with ``scripts/book_pdf.py --publish``, rewriting this file): without it the landing page's PDF link
  becomes a line on how to make one, not a dead link;
* sets up the API reference (``api_reference.py``);
* keeps an inline formula and the punctuation touching it on one line, moves
  the space out of "Solution to Exercise" links, and drops the site-wide header
  bar that pydata-sphinx-theme 0.17 adds (a second search field);
* lists the Proof Index by chapter, each entry by its kind, number and title ("Theorem 1.1: Concavification")
  rather than by its label.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

CHAPTER_PREFIX = "executed/"


def _chapter_source(app, pagename: str) -> Path | None:
    if not pagename.startswith(CHAPTER_PREFIX):
        return None
    src = Path(app.srcdir) / "notebooks" / (pagename[len(CHAPTER_PREFIX):] + ".py")
    return src if src.is_file() else None


def _find_group(buttons, label):
    return next((b for b in buttons if b.get("type") == "group" and b.get("label") == label), None)


def add_chapter_buttons(app, pagename, templatename, context, doctree):
    source = _chapter_source(app, pagename)
    if source is None:
        return
    buttons = context.get("header_buttons", [])
    # .py download: copy the jupytext source next to the page's other sources.
    target = Path(app.outdir) / "_sources" / CHAPTER_PREFIX / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    download = _find_group(buttons, "download-buttons")
    if download is not None:
        download["buttons"].insert(
            1,
            {
                "type": "link",
                "url": f"{context['pathto']('_sources', 1)}/{CHAPTER_PREFIX}{source.name}",
                "text": ".py",
                "tooltip": "Download the jupytext source (opens as a notebook in Jupyter)",
                "icon": "fas fa-file-code",
                "label": "download-py-button",
            },
        )
    launch = _find_group(buttons, "launch-buttons")
    if launch is None:
        return
    repo_url = app.config.html_theme_options.get("repository_url", "").rstrip("/")
    org_repo = "/".join(repo_url.split("/")[-2:])
    for button in launch["buttons"]:
        if button.get("text") == "Binder":
            base = button["url"].split("?", 1)[0]
            # binder/postBuild writes notebooks/NAME.ipynb from notebooks/NAME.py (jupytext)
            button["url"] = f"{base}?urlpath=lab/tree/notebooks/{source.stem}.ipynb"
        elif button.get("text") == "Colab":
            pages = app.config.persuasion_pages_branch
            button["url"] = (
                f"https://colab.research.google.com/github/{org_repo}/blob/{pages}/_sources/{pagename}.ipynb"
            )


def copy_figures(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    folder = Path(os.environ.get("PERSUASION_FIGURES", Path(app.srcdir) / "figures"))
    if not folder.is_dir():
        logger.info("persuasion_book: no figures folder at %s", folder)
        return
    dest = Path(app.outdir) / "figures"
    dest.mkdir(parents=True, exist_ok=True)
    for f in sorted(folder.iterdir()):
        if f.suffix in {".png", ".svg", ".pdf"}:
            shutil.copy2(f, dest / f.name)


def no_site_header(app, config):
    """No site-wide header bar above the pages: the article's own bar holds the buttons and the sidebar the search.

    pydata-sphinx-theme 0.17 puts a search field in a header bar of its own unless ``navbar_persistent`` is set;
    sphinx-book-theme means it to be empty (its ``theme.conf``), so a page showed two search fields, one above the
    other, and lost 50 px at the top.
    """
    config.html_theme_options = {**(config.html_theme_options or {}), "navbar_persistent": []}


def add_stylesheet(app):
    static = str(Path(__file__).resolve().parent.parent / "_static")
    if static not in app.config.html_static_path:
        app.config.html_static_path.append(static)
    app.add_css_file("persuasion.css")
    app.add_js_file(PDF_FLAG)
    app.add_js_file("persuasion.js")


PDF_FLAG = "persuasion-pdf.js"


def pdf_flag(available: bool) -> str:
    """The text of ``_static/persuasion-pdf.js``: whether ``book.pdf`` is in the site (read by persuasion.js)."""
    return f"window.persuasionPdf = {'true' if available else 'false'};\n"


def write_pdf_flag(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    (out / "_static").mkdir(exist_ok=True)
    (out / "_static" / PDF_FLAG).write_text(pdf_flag((out / "book.pdf").is_file()))


def _collect_proof_titles(app, doctree):
    """Remember the title of each labelled theorem, definition, ... of the page, for the Proof Index.

    Keyed by label only: sphinx-proof's ``proof_list`` (purged with each page) says which labels exist, where
    and of what kind, so a stale title here is never shown.
    """
    titles = app.env.__dict__.setdefault("persuasion_proof_titles", {})
    for node in doctree.findall(lambda n: hasattr(n, "attributes") and n.get("realtype") and n.get("label")):
        titles[node["label"]] = str(node.get("title", "")).strip().removeprefix("(").removesuffix(")")


def _merge_proof_titles(app, env, docnames, other):
    env.__dict__.setdefault("persuasion_proof_titles", {}).update(getattr(other, "persuasion_proof_titles", {}))


def _titled_proof_index():
    from sphinx_proof.domain import ProofIndex

    class TitledProofIndex(ProofIndex):
        """sphinx-proof's index, grouped by chapter in the book's order, each entry "Kind N.M: title"."""

        def generate(self, docnames=None):
            env = self.domain.env
            titles = getattr(env, "persuasion_proof_titles", {})
            groups: dict[str, list] = {}
            for anchor, values in getattr(env, "proof_list", {}).items():
                docname = values["docname"]
                if docnames and docname not in docnames:
                    continue
                kind, title = values["realtype"], titles.get(anchor, "")
                # the number the page shows ("Theorem 4.1"), from Sphinx's figure numbering of the book
                number = env.toc_fignumbers.get(docname, {}).get(values.get("countertype", kind), {}).get(anchor)
                kind = kind.capitalize() + (" " + ".".join(map(str, number)) if number else "")
                name = f"{kind}: {title}" if title else f"{kind} ({anchor})"
                groups.setdefault(docname, []).append((name, 0, docname, anchor, "", "", ""))
            content = []
            for docname in sorted(groups):
                heading = env.titles[docname].astext() if docname in env.titles else docname
                content.append((heading, groups[docname]))  # in the chapter's order
            return content, True

    return TitledProofIndex


#: Punctuation that may not start a line after a formula, and that may not end one before a formula.
_CLOSING, _OPENING = re.compile(r"^[,.;:!?)\]]+"), re.compile(r"[(\[]$")


def _keep_punctuation_with_math(app, doctree):
    """An inline formula and the punctuation that touches it ("$x$," or "($x$") break as one word.

    The browser may otherwise end a line after the formula and start the next with its comma. The formula and its
    punctuation go into one ``persuasion-nobreak`` span, which does not wrap (persuasion.css).
    """
    from docutils import nodes

    for math in list(doctree.findall(nodes.math)):
        parent = math.parent
        if parent is None or isinstance(parent, nodes.inline) and "persuasion-nobreak" in parent["classes"]:
            continue
        i = parent.index(math)
        after = parent[i + 1] if i + 1 < len(parent) and isinstance(parent[i + 1], nodes.Text) else None
        before = parent[i - 1] if i > 0 and isinstance(parent[i - 1], nodes.Text) else None
        close = _CLOSING.match(str(after)) if after is not None else None
        open_ = _OPENING.search(str(before)) if before is not None else None
        if not (close or open_):
            continue
        group = nodes.inline(classes=["persuasion-nobreak"])
        if close:
            parent.replace(after, nodes.Text(str(after)[close.end():]))
        if open_:
            parent.replace(before, nodes.Text(str(before)[:open_.start()]))
            group += nodes.Text(open_.group())
        parent.replace(math, group)
        group += math
        if close:
            group += nodes.Text(close.group())


def _solution_links(app, pagename, templatename, context, doctree):
    """sphinx-exercise titles a solution "Solution to<a> Exercise 1.1</a>": the space moves out of the link."""
    if "body" in context:
        context["body"] = _SOLUTION.sub(r"Solution to \1", context["body"])


_SOLUTION = re.compile(r'Solution to(<a class="reference internal" href="[^"]*">) ')


def setup(app):
    app.setup_extension("api_reference")  # the API reference's signatures, summaries, type links and module index
    app.connect("doctree-read", _keep_punctuation_with_math)
    app.connect("html-page-context", _solution_links)
    app.setup_extension("sphinx_proof")
    from sphinx_proof.domain import ProofDomain

    ProofDomain.indices = [_titled_proof_index()]  # in place of sphinx-proof's, whose entries are the labels
    app.connect("doctree-read", _collect_proof_titles)
    app.connect("env-merge-info", _merge_proof_titles)
    app.add_config_value("persuasion_pages_branch", "gh-pages", "html")
    app.connect("config-inited", no_site_header)
    app.connect("builder-inited", add_stylesheet)
    app.connect("html-page-context", add_chapter_buttons, priority=600)
    app.connect("build-finished", copy_figures)
    app.connect("build-finished", write_pdf_flag)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
