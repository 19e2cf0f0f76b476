"""The API reference (``book/api.md``): a Sphinx extension that ``persuasion_book`` sets up.

It

* leaves "Bases: object" and enumerations' constructor signatures out, and the
  page's "Contents" sidebar (too long to show; the column takes its place);
* keeps attribute docstrings whose first line holds a colon as prose (napoleon
  would read that line as a type);
* shows ``= {}`` where a dataclass field's default factory stood;
* writes ``ArrayLike`` for NumPy's array-like type (:data:`TYPE_ALIASES`) and
  links the standard and NumPy types the signatures name (:data:`EXTERNAL_TYPES`, offline);
* describes each module in the module index by its docstring's first sentence.
"""

from __future__ import annotations

import re
from pathlib import Path

#: Abbreviations that end no sentence in the docstrings: the API's summary tables (autosummary) cut a summary at
#: the first ". " that does not follow one of these ("Signal posteriors (Eq." instead of the whole sentence).
ABBREVIATIONS = ("Eq.", "Eqs.", "Fig.", "i.i.d.", " s.t.", " cf.", " vs.")


#: Attribute docstrings held back from napoleon, by (kind, name): see :func:`_attribute_prose_before`.
_ATTRIBUTE_PROSE: dict = {}


def _attribute_prose_before(app, what, name, obj, options, lines):
    """Napoleon reads an attribute's first line ``A: b`` as type ``A`` and description ``b`` ("Type: The family-wise
    error level of the verdicts"). The package's attribute docs are prose and take their types from annotations:
    one whose first line holds a colon is kept here before napoleon runs, and put back after it."""
    if what in ("attribute", "data", "property") and lines and ":" in lines[0]:
        _ATTRIBUTE_PROSE[(what, name)] = list(lines)


def _attribute_prose_after(app, what, name, obj, options, lines):
    original = _ATTRIBUTE_PROSE.pop((what, name), None)
    if original is not None:
        lines[:] = original


def _drop_bases_object(app, doctree):
    """``:show-inheritance:`` writes "Bases: object" under every plain class: only informative bases stay."""
    from docutils import nodes

    for para in list(doctree.findall(nodes.paragraph)):
        if para.astext() == "Bases: object":
            para.parent.remove(para)


def _enum_signature(app, what, name, obj, options, signature, return_annotation):
    """An enumeration is used through its members: no constructor signature ``(value, names=None, *, ...)``."""
    import enum

    if what == "class" and isinstance(obj, type) and issubclass(obj, enum.Enum):
        return "", None
    return None


#: LaTeX in a module's first sentence, as plain text for the module index.
_LATEX = (
    (r"\\(?:varepsilon|epsilon)", "ε"), (r"\\sigma", "σ"), (r"\\Omega", "Ω"), (r"\\omega", "ω"), (r"\\Delta", "Δ"),
    (r"\\pi", "π"), (r"\\theta", "θ"), (r"\\mu", "μ"), (r"\\to\b", "→"), (r"\\mid", "|"), (r"\\star", "⋆"),
    (r"\\in\b", "∈"), (r"\\mathbb\{E\}", "E"), (r"\\(?:text|operatorname|mathrm)\{([^{}]*)\}", r"\1"),
    (r"\\log", "log"), (r"_\{([^{}]*)\}", r"_\1"), (r"\^\{([^{}]*)\}", r"^\1"), (r"\\[,;! ]", " "), (r"[{}]", ""),
)


def _cite_labels(app) -> dict:
    """Bibliography key -> (authors, year) as the bibliography labels them (``launch.authors``)."""
    from launch import authors
    from pybtex.database import parse_file

    labels = {}
    for name in getattr(app.config, "bibtex_bibfiles", None) or []:
        for key, entry in parse_file(str(Path(app.srcdir) / name)).entries.items():
            labels[key] = (authors(entry), entry.fields.get("year", "n.d."))
    return labels


def plain_synopsis(docstring: str, labels: dict | None = None) -> str:
    """The first sentence of a module's docstring, with its reST roles and LaTeX as plain text.

    ``labels`` maps a bibliography key to ``(authors, year)`` for ``:cite:t:``/``:cite:p:`` (else the key stays).
    """
    paragraph = " ".join(docstring.strip().split("\n\n")[0].split())
    text = paragraph.removesuffix("::")
    for end in re.finditer(r"[.!?](?=\s+[A-Z])", paragraph):  # not after "i.i.d", "e.g", "et al", "Eq"
        if not re.search(r"((?:^|[\s.(])\w|\bal|\bEq|\bcf)$", paragraph[:end.start()]):
            text = paragraph[:end.end()]
            break

    def cite(m):
        if m.group(2) not in (labels or {}):
            return m.group(2)
        who, year = labels[m.group(2)]
        return f"{who} ({year})" if m.group(1) == "t" else f"({who}, {year})"

    def math(m):
        latex = m.group(1)
        for pattern, plain in _LATEX:
            latex = re.sub(pattern, plain, latex)
        return latex

    text = re.sub(r":cite:([tp]):`([^`]+)`", cite, text)
    text = re.sub(r":math:`([^`]+)`", math, text)
    text = re.sub(r":(?:py:)?\w+:`~([\w.]+\.)?(\w+)`", r"\2", text)  # ~a.b.c -> c
    text = re.sub(r":(?:py:)?\w+:`([^`<]+?)(?:\s*<[^>]+>)?`", r"\1", text)
    text = re.sub(r"``([^`]+)``", r"\1", text).replace("'", "’")  # an apostrophe, as the pages set it
    return text if text.endswith((".", "!", "?")) else text + "."


def _module_synopses(app, env):
    """The module index gives each module the first sentence of its docstring, where no ``:synopsis:`` is set."""
    import importlib
    import inspect

    modules = env.get_domain("py").data.get("modules", {})
    labels = None
    for name, entry in list(modules.items()):
        if entry.synopsis:
            continue
        try:
            doc = inspect.getdoc(importlib.import_module(name)) or ""
        except Exception:  # a module the build cannot import keeps an empty synopsis
            continue
        labels = _cite_labels(app) if labels is None else labels
        modules[name] = entry._replace(synopsis=plain_synopsis(doc, labels))


def _factory_defaults(app, what, name, obj, options, signature, return_annotation):
    """A dataclass field with a ``default_factory`` shows the value the factory makes (``= {}``), not ``<factory>``."""
    import dataclasses

    if what != "class" or not signature or "<factory>" not in signature or not dataclasses.is_dataclass(obj):
        return None
    for field in dataclasses.fields(obj):
        if field.default_factory is not dataclasses.MISSING:
            named = f"{getattr(field.default_factory, '__name__', 'factory')}()"
            try:
                shown = repr(field.default_factory())
            except Exception:  # a factory that needs more than a call: name it
                shown = named
            shown = shown if len(shown) <= 20 else named
            # the annotation between the name and "=" may hold commas (dict[str, int]) but no "="
            signature = re.sub(rf"(\b{re.escape(field.name)}: [^=]*=\s*)<factory>",
                               lambda m, shown=shown: m.group(1) + shown, signature)
    return signature, return_annotation


_PY, _NP = "https://docs.python.org/3/library/", "https://numpy.org/doc/stable/reference/"
#: Types of the standard library and NumPy that the API's signatures and parameter lists name, and their pages in
#: Python's and NumPy's documentation; the build links them without fetching an inventory (it runs offline).
EXTERNAL_TYPES = {
    **{name: f"{_PY}functions.html#{name}" for name in ("int", "float", "bool")},
    **{name: f"{_PY}stdtypes.html#{name}" for name in ("str", "dict", "list", "tuple")},
    "pathlib.Path": f"{_PY}pathlib.html#pathlib.Path",
    "numpy.ndarray": f"{_NP}generated/numpy.ndarray.html",
    "numpy.random.Generator": f"{_NP}random/generator.html#numpy.random.Generator",
    "numpy.typing.ArrayLike": f"{_NP}typing.html#numpy.typing.ArrayLike",
}
EXTERNAL_TYPES |= {
    **{name: f"{_PY}stdtypes.html#{name}" for name in ("set", "frozenset", "bytes")},
    **{f"collections.abc.{name}": f"{_PY}collections.abc.html#collections.abc.{name}"
       for name in ("Callable", "Collection", "Iterable", "Iterator", "Mapping", "Sequence")},
    "os.PathLike": f"{_PY}os.html#os.PathLike",
    "fractions.Fraction": f"{_PY}fractions.html#fractions.Fraction",
    "re.Pattern": f"{_PY}re.html#re.Pattern",
    "object": f"{_PY}functions.html#object",
    **{f"typing.{name}": f"{_PY}typing.html#typing.{name}" for name in ("Any", "Literal")},
    "None": f"{_PY}constants.html#None",
    # Libraries without an inventory here: the pages their documentation keeps for these types.
    "scipy.sparse.sparray": "https://docs.scipy.org/doc/scipy/reference/generated/scipy.sparse.sparray.html",
    "scipy.sparse.spmatrix": "https://docs.scipy.org/doc/scipy/reference/generated/scipy.sparse.spmatrix.html",
    "torch.Tensor": "https://pytorch.org/docs/stable/tensors.html#torch.Tensor",
    "torch.device": "https://pytorch.org/docs/stable/tensor_attributes.html#torch.device",
    "torch.nn.Module": "https://pytorch.org/docs/stable/generated/torch.nn.Module.html",
    "transformers.PreTrainedTokenizerBase":
        "https://huggingface.co/docs/transformers/main_classes/tokenizer#transformers.PreTrainedTokenizerBase",
    "matplotlib.axes.Axes": "https://matplotlib.org/stable/api/_as_gen/matplotlib.axes.Axes.html",
    "scipy.optimize.OptimizeResult":
        "https://docs.scipy.org/doc/scipy/reference/generated/scipy.optimize.OptimizeResult.html",
}
#: The same types as the signatures and docstrings also name them: without the module ("Sequence", "ArrayLike"; a
#: signature whose annotations autodoc cannot evaluate, as one naming a type imported only for type checkers, keeps
#: them as written in the source), by the source's abbreviations ("np.", "sp.") or by NumPy's docstring words.
EXTERNAL_TYPES |= {full.removeprefix(prefix): url for full, url in list(EXTERNAL_TYPES.items())
                   for prefix in ("collections.abc.", "numpy.typing.", "fractions.", "re.", "typing.", "transformers.",
                                  "matplotlib.axes.", "scipy.optimize.") if full.startswith(prefix)}
EXTERNAL_TYPES |= {alias: EXTERNAL_TYPES[full] for alias, full in {
    "ndarray": "numpy.ndarray", "np.ndarray": "numpy.ndarray", "array_like": "numpy.typing.ArrayLike",
    "np.random.Generator": "numpy.random.Generator", "numpy.random._generator.Generator": "numpy.random.Generator",
    "Path": "pathlib.Path", "sp.sparray": "scipy.sparse.sparray", "sp.spmatrix": "scipy.sparse.spmatrix",
}.items()}

#: Annotations shown by name: autodoc would otherwise spell out ``numpy.typing.ArrayLike`` as the union it stands for,
#: a line long. Set as ``autodoc_type_aliases`` where the project sets none of its own.
TYPE_ALIASES = {"ArrayLike": "~numpy.typing.ArrayLike"}


def _type_aliases(app, config):
    config.autodoc_type_aliases = {**TYPE_ALIASES, **(config.autodoc_type_aliases or {})}


def _link_external_types(app, env, node, contnode):
    """A Python cross-reference that the book cannot resolve, to a type of :data:`EXTERNAL_TYPES`: an external link."""
    from docutils import nodes

    url = EXTERNAL_TYPES.get(node.get("reftarget")) if node.get("refdomain") == "py" else None
    if url is None:
        return None
    reference = nodes.reference("", "", internal=False, refuri=url, reftitle=f"{node['reftarget']} (external)")
    reference += contnode
    return reference


#: Pages without the "Contents" sidebar: the API reference lists about 300 names there, which the sidebar clips,
#: and its examples need the column's whole width (88 characters a line at 1280 px, inside nested definitions).
NO_PAGE_TOC = ("book/api",)


def _drop_page_toc(app, pagename, templatename, context, doctree):
    if pagename in NO_PAGE_TOC:
        context["secondary_sidebar_items"] = []


def setup(app):
    from sphinx.ext import autosummary

    autosummary.WELL_KNOWN_ABBREVIATIONS = tuple(dict.fromkeys(autosummary.WELL_KNOWN_ABBREVIATIONS + ABBREVIATIONS))
    app.setup_extension("sphinx.ext.autodoc")
    app.connect("config-inited", _type_aliases)
    app.connect("autodoc-process-docstring", _attribute_prose_before, priority=400)  # napoleon's runs at 500
    app.connect("autodoc-process-docstring", _attribute_prose_after, priority=600)
    app.connect("autodoc-process-signature", _enum_signature)
    app.connect("autodoc-process-signature", _factory_defaults)
    app.connect("missing-reference", _link_external_types)
    app.connect("doctree-read", _drop_bases_object)
    app.connect("env-updated", _module_synopses)
    app.connect("html-page-context", _drop_page_toc, priority=900)  # after the theme sets the sidebar's items
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
