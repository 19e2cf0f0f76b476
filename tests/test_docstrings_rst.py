"""Every public docstring is valid reStructuredText after napoleon, as Sphinx reads it for the API page.

An error here (e.g. ``|S|``, read as an undefined substitution) fails the book build with ``--warningiserror``;
this finds it in the fast loop, in a second, without building the book.
"""

import importlib
import inspect
import io
import pkgutil

import docutils.core
import pytest
from docutils import nodes
from docutils.parsers.rst import Directive, directives, roles
from sphinx.ext.napoleon import Config, NumpyDocstring

import persuasion

SPHINX_ROLES = ["func", "class", "meth", "mod", "attr", "data", "ref", "doc", "obj", "exc", "cite", "cite:p", "cite:t",
                "term", "numref", "eq", "prf:ref", "any"]
SPHINX_DIRECTIVES = ["attribute", "method", "rubric", "autosummary", "seealso", "versionadded", "deprecated"]


def _role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [nodes.literal(rawtext, text)], []


class _Directive(Directive):
    """Stands in for a Sphinx directive: its content is parsed as reStructuredText, as Sphinx does."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = {"type": directives.unchanged, "value": directives.unchanged, "noindex": directives.flag}

    def run(self):
        node = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def public_docstrings():
    for info in pkgutil.walk_packages(persuasion.__path__, "persuasion."):
        module = importlib.import_module(info.name)
        yield info.name, module
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield f"{info.name}.{name}", obj
                if inspect.isclass(obj):
                    for attr, member in vars(obj).items():
                        if not attr.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
                            yield f"{info.name}.{name}.{attr}", member


def rst_problems(doc: str) -> str:
    for role in SPHINX_ROLES:
        roles.register_local_role(role, _role)
    for directive in SPHINX_DIRECTIVES:
        directives.register_directive(directive, _Directive)
    text = str(NumpyDocstring(doc, Config(napoleon_use_param=True, napoleon_use_rtype=True)))
    stream = io.StringIO()
    docutils.core.publish_doctree(text, settings_overrides={"report_level": 2, "halt_level": 5,
                                                            "warning_stream": stream})
    return stream.getvalue().strip()


def test_the_checker_catches_what_broke_the_book():
    assert "Undefined substitution" in rst_problems("Points.\n\nParameters\n----------\npoints : shape (|S|, d)\n")
    assert rst_problems("Points.\n\nParameters\n----------\npoints : shape (n_points, d)\n") == ""


@pytest.mark.parametrize("name, obj", list(public_docstrings()), ids=lambda x: x if isinstance(x, str) else "")
def test_docstring_is_valid_restructuredtext(name, obj):
    doc = inspect.getdoc(obj)
    if doc:
        problems = rst_problems(doc)
        assert not problems, f"{name}: {problems[:500]}"
