"""persuasion.book.tables.Table: what the chapters show instead of long printed lines."""

import pytest

from persuasion.book.tables import Table


def test_digits_per_column_and_integers_whole():
    text = str(Table([(0.5, 3, 0.0123456)], ["rho", "n", "value"], digits=[2, None, 4]))
    assert text.splitlines()[2] == "|  0.50 |   3 |  0.0123 |"


def test_html_escapes_and_scrolls_in_its_own_box():
    html = Table([("a<b", 1.5)], ["x & y", "v"], caption="1 < 2")._repr_html_()
    assert "a&lt;b" in html and "x &amp; y" in html and "<caption>1 &lt; 2</caption>" in html
    assert html.startswith('<div class="persuasion-table-scroll" style="overflow-x: auto')


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
