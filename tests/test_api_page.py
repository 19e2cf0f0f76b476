"""The book's Sphinx extensions (book/_ext/persuasion_book.py and api_reference.py) on one-page projects, built here.

The API reference: summaries, bases, signatures, type links, the module index; and, on any page, formulas that keep
their punctuation and solution titles that link cleanly.
"""

import re
import sys

import pytest

from .conftest import ROOT

pytest.importorskip("sphinx_proof")


def _build_api(tmp_path, module: str, source: str, extensions: list, index: str) -> str:
    """Build a one-page Sphinx project that documents ``module`` (written from ``source``); the page's HTML."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    src = tmp_path / "src"
    src.mkdir()
    (src / f"{module}.py").write_text(source)
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\nsys.path.insert(0, {str(src)!r})\n"
        f"extensions = {extensions + ['persuasion_book']!r}\n"
    )
    (src / "index.rst").write_text(index)
    with docutils_namespace():  # the roles and directives Sphinx registers in docutils go when the build ends
        app = Sphinx(str(src), str(src), str(tmp_path / "html"), str(tmp_path / "doctrees"), "html",
                     status=None, warning=sys.stderr, freshenv=True)
        app.build()
    return (tmp_path / "html" / "index.html").read_text()


def test_api_summaries_are_whole_and_attribute_prose_is_not_a_type(tmp_path):
    """The API's summary tables (autosummary) keep "Eq. 2", "Fig. 3", "i.i.d." and "s.t." inside a sentence."""
    html = _build_api(
        tmp_path, "toymod",
        'def f():\n    """Signal posteriors (Eq. 2) of every message, as in Fig. 3.\n\n    More.\n    """\n\n\n'
        'def g():\n    """Optimal signal for i.i.d. states, min c x s.t. A x <= b.\n\n    More.\n    """\n\n\n'
        '#: The family-wise error level: the chance that any verdict is false.\nALPHA = 0.05\n',
        ["sphinx.ext.autodoc", "sphinx.ext.autosummary", "sphinx.ext.napoleon"],
        "API\n===\n\n.. autosummary::\n\n   toymod.f\n   toymod.g\n\n.. automodule:: toymod\n   :members:\n",
    )
    assert "Signal posteriors (Eq. 2) of every message, as in Fig. 3." in html
    assert "Optimal signal for i.i.d. states, min c x s.t. A x &lt;= b." in html
    # an attribute's prose with a colon is not read as "type: description" (napoleon's inline attribute type)
    assert "The family-wise error level: the chance that any verdict is false." in html
    assert "Type:" not in html


def test_api_classes_show_only_informative_bases_and_enumerations_no_constructor(tmp_path):
    """``:show-inheritance:`` keeps "Bases: ValueError" but not "Bases: object"; an Enum shows no ``(value, ...)``."""
    html = _build_api(
        tmp_path, "toymod2",
        'import enum\n\n\nclass Plain:\n    """A plain class."""\n\n\n'
        'class Oops(ValueError):\n    """An error."""\n\n\n'
        'class Colour(str, enum.Enum):\n    """Colours."""\n\n    RED = "red"\n',
        ["sphinx.ext.autodoc"],
        "API\n===\n\n.. automodule:: toymod2\n   :members:\n   :show-inheritance:\n",
    )
    assert "ValueError" in html and "A plain class." in html and "Colours." in html
    assert "Bases: <code" in html.replace("\n", "")  # Oops keeps its base
    assert html.count("Bases:") == 2  # Oops and Colour (str, Enum); not Plain's object
    assert "names=None" not in html and "boundary" not in html


def test_punctuation_touching_a_formula_wraps_with_it(tmp_path):
    """"$x$," and "($y$)" become one unbreakable word; a formula with spaces around it is left alone."""
    html = _build_api(tmp_path, "toymod3", "", [],
                      "Page\n====\n\nA formula :math:`x`, then (:math:`y`) and :math:`z` alone.\n")
    math = '<span class="math notranslate nohighlight">\\({}\\)</span>'
    assert f'<span class="persuasion-nobreak">{math.format("x")},</span> then ' in html
    assert f' <span class="persuasion-nobreak">({math.format("y")})</span> and ' in html
    assert f" and {math.format('z')} alone." in html


def test_a_solution_title_links_the_exercise_without_its_leading_space():
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from persuasion_book import _solution_links

    context = {"body": '<p class="admonition-title">Solution to<a class="reference internal" href="#ex-1"> '
                       "Exercise 1.1 (Title)</a></p>"}
    _solution_links(None, "page", "page.html", context, None)
    assert context["body"] == ('<p class="admonition-title">Solution to <a class="reference internal" href="#ex-1">'
                               "Exercise 1.1 (Title)</a></p>")


def test_standard_and_numpy_types_link_to_their_documentation(tmp_path):
    html = _build_api(tmp_path, "toymod6",
                      "import numpy as np\n\n\ndef f(x: int, a: np.ndarray, path: str) -> float:\n"
                      '    """F.\n\n    Parameters\n    ----------\n    x : int\n        X.\n    a : ndarray\n'
                      '        A.\n    path : str\n        P.\n    """\n    return 0.0\n',
                      ["sphinx.ext.autodoc", "sphinx.ext.napoleon"],
                      "API\n===\n\n.. automodule:: toymod6\n   :members:\n")
    python, numpy = "https://docs.python.org/3/library/", "https://numpy.org/doc/stable/reference/"
    for url in (f"{python}functions.html#int", f"{python}stdtypes.html#str", f"{python}functions.html#float",
                f"{numpy}generated/numpy.ndarray.html"):
        assert f'href="{url}"' in html, url


def test_annotations_name_arraylike_and_link_generators_and_abstract_collections(tmp_path):
    # Unaliased, autodoc spells numpy.typing.ArrayLike out as the union it stands for (_SupportsArray, ...).
    html = _build_api(tmp_path, "toymod7",
                      "from __future__ import annotations\n\nfrom collections.abc import Iterable, Sequence\n\n"
                      "import numpy as np\nfrom numpy.typing import ArrayLike\n\n\n"
                      "def f(x: ArrayLike, names: Sequence[str], rng: np.random.Generator | int | None = None)"
                      " -> np.ndarray:\n    \"\"\"F.\"\"\"\n    return np.asarray(x)\n\n\n"
                      # a name imported for type checkers only: autodoc keeps g's annotations as written
                      "def g(y: ArrayLike, sizes: Iterable[int], z: Unknown) -> None:\n    \"\"\"G.\"\"\"\n",
                      ["sphinx.ext.autodoc"], "API\n===\n\n.. automodule:: toymod7\n   :members:\n")
    signature = re.sub(r"<[^>]+>", "", html[html.index('id="toymod7.f"'):]).split("¶")[0]
    assert "f(x: ArrayLike, names: Sequence[str], rng: Generator | int | None = None)" in signature, signature
    python, numpy = "https://docs.python.org/3/library/", "https://numpy.org/doc/stable/reference/"
    for url in (f"{numpy}typing.html#numpy.typing.ArrayLike", f"{numpy}random/generator.html#numpy.random.Generator",
                f"{python}collections.abc.html#collections.abc.Sequence", f"{python}constants.html#None"):
        assert f'href="{url}"' in html, url
    g = html[html.index('id="toymod7.g"'):]
    for url in (f"{numpy}typing.html#numpy.typing.ArrayLike", f"{python}collections.abc.html#collections.abc.Iterable"):
        assert f'href="{url}"' in g[:g.index("¶")], url


def test_the_module_index_describes_each_module_by_its_first_sentence(tmp_path):
    _build_api(tmp_path, "toymod4",
               'r"""The :math:`\\varepsilon_{\\text{sub}}` of :func:`~toymod4.f`, for i.i.d. states and ``code``.\n\n'
               'More text.\n"""\n\n\ndef f():\n    """F."""\n',
               ["sphinx.ext.autodoc"], "API\n===\n\n.. automodule:: toymod4\n   :members:\n")
    index = (tmp_path / "html" / "py-modindex.html").read_text()
    assert "The ε_sub of f, for i.i.d. states and code." in index
    assert "More text" not in index


def test_a_synopsis_names_cited_work_as_the_text_does():
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from api_reference import plain_synopsis

    labels = {"kg2011": ("Kamenica and Gentzkow", "2011")}
    assert plain_synopsis("The game of :cite:t:`kg2011`. Then more.", labels) == \
        "The game of Kamenica and Gentzkow (2011)."
    assert plain_synopsis("An LP :cite:p:`kg2011`, e.g. Sender's. More.", labels) == \
        "An LP (Kamenica and Gentzkow, 2011), e.g. Sender’s."
    assert plain_synopsis("Run it, outside the book::\n\n    $ run", labels) == "Run it, outside the book."


def test_a_dataclass_signature_shows_what_a_default_factory_makes(tmp_path):
    html = _build_api(tmp_path, "toymod5",
                      "from dataclasses import dataclass, field\n\n\n@dataclass\nclass Run:\n"
                      '    """A run."""\n\n    name: str\n    seen: dict = field(default_factory=dict)\n'
                      "    order: list = field(default_factory=list)\n"
                      "    sources: dict[str, list[str]] = field(default_factory=dict)\n",
                      ["sphinx.ext.autodoc"], "API\n===\n\n.. automodule:: toymod5\n   :members:\n")
    text = re.sub(r"<[^>]+>", "", html)
    assert "factory" not in text
    assert "seen: dict = {}" in text and "order: list = []" in text and "list[str]] = {}" in text
