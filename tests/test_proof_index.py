"""The Proof Index lists each theorem by its kind, number and title, grouped by chapter in the book's order.

A two-page Sphinx project with the book's extension is built here (a few seconds, no notebook).
"""

import sys

import pytest

from .conftest import ROOT

pytest.importorskip("sphinx_proof")

PAGES = {
    "ch01": "Chapter one\n===========\n\n.. prf:theorem:: Concavification\n   :label: thm-concave\n\n   Text.\n\n"
            ".. prf:definition:: Signal\n   :label: def-signal\n\n   Text.\n",
    "ch02": "Chapter two\n===========\n\n.. prf:lemma::\n   :label: lem-untitled\n\n   Text.\n",
}


@pytest.mark.parametrize("numbered", [False, True], ids=["unnumbered", "numbered"])
def test_the_proof_index_names_kinds_and_titles_by_chapter(tmp_path, numbered):
    # numbered: the book's setting (numfig and a numbered table of contents); each entry then carries the number
    # its page shows, Theorem 1.1
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
        "extensions = ['sphinx_proof', 'persuasion_book']\nexclude_patterns = []\n"
        + ("numfig = True\n" if numbered else "")
    )
    toctree = ".. toctree::\n" + ("   :numbered:\n" if numbered else "")
    (src / "index.rst").write_text(f"Book\n====\n\n{toctree}\n   ch01\n   ch02\n")
    for name, text in PAGES.items():
        (src / f"{name}.rst").write_text(text)
    with docutils_namespace():  # the roles and directives Sphinx registers in docutils go when the build ends
        app = Sphinx(str(src), str(src), str(tmp_path / "html"), str(tmp_path / "doctrees"), "html",
                     status=None, warning=sys.stderr, freshenv=True)
        app.build()
    html = (tmp_path / "html" / "prf-prf.html").read_text()
    # each chapter's entries under its title, chapters in order, entries in the chapter's order
    body = html[html.index("indextable"):]
    # the numbers the pages show: per chapter with a numbered table of contents, per page without
    t, d, lem = ("1.1", "1.1", "2.1") if numbered else ("1", "1", "1")
    order = [body.index(s) for s in ("Chapter one", f"Theorem {t}: Concavification", f"Definition {d}: Signal",
                                    "Chapter two", f"Lemma {lem} (lem-untitled)")]
    assert order == sorted(order)
    assert ">thm-concave<" not in body  # the label is the link's target, not its text
    assert 'href="ch01.html#thm-concave"' in body
