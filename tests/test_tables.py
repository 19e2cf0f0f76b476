"""persuasion.book.tables.Table: what the chapters show instead of long printed lines."""

import pytest

from persuasion.book.tables import Table


def test_digits_per_column_and_integers_whole():
    text = str(Table([(0.5, 3, 0.0123456)], ["rho", "n", "value"], digits=[2, None, 4]))
    assert text.splitlines()[2] == "|  0.50 |   3 |  0.0123 |"


def test_caption_escaping_and_scrolling():
    t = Table([[1, "a<b"]], ["n & m", "x"], caption="A & B")
    html = t._repr_html_()
    assert html.startswith('<div class="persuasion-table-scroll" style="overflow-x: auto')
    assert "<caption>A &amp; B</caption>" in html and html.endswith("</div>")
    assert "a&lt;b" in html and "n &amp; m" in html  # cells and headers escaped
    assert t._repr_markdown_().startswith("A & B\n\n|")
    assert str(t).startswith("|")  # the text form stays a plain pipe table
    assert "<caption>" not in Table([[1]], ["n"])._repr_html_()


@pytest.mark.parametrize(
    "rows, headers, digits, message",
    [
        ([(1, 2, 3)], ["a", "b"], None, r"rows must each hold 2 values, one per header \['a', 'b'\]; row 0 holds 3"),
        ([(1, 2)], ["a", "b"], [1], r"one of those per header \(2\); got \[1\]"),
        ([(1, 2)], ["a", "b"], -1, r"got -1"),
        ([(1, 2)], ["a", "b"], True, r"got True"),
    ],
)
def test_bad_input_is_named(rows, headers, digits, message):
    with pytest.raises(ValueError, match=message):
        Table(rows, headers, digits=digits)


def test_seed_spread_names_a_range_only_when_the_seeds_differ_as_shown():
    from persuasion.book.tables import seed_spread

    assert seed_spread([0.0912, 0.0941]) == "+0.09 for every seed"  # both round to +0.09
    assert seed_spread([-0.2, 0.31]) == "from -0.20 to +0.31"
    assert seed_spread([0.004, 0.012], scale=100, digits=1) == "from +0.4 to +1.2"
