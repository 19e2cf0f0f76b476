import numpy as np
import pytest

from persuasion.book.checks import Checks, ClaimFailed


def test_claims_recorded_and_rendered():
    c = Checks("t")
    c.close("sum", 0.1 + 0.2, 0.3, atol=1e-12)
    c.true("positive", 2 > 1, value=2)
    c.at_most("bounded", [0.1, 0.2], 0.5)
    c.all_of("all", [True, True, True])
    assert len(c) == 4 and all(cl.passed for cl in c.claims)
    md = c.to_markdown()
    assert "| 1 | sum | agrees within tolerance | 0.3 | 0.3 | yes |" in md
    assert "| claim | method | value | expected | holds |" in md
    assert [cl.method for cl in c.claims] == ["agrees within tolerance", "condition", "upper bound", "every case"]
    assert "3 of 3" in md
    assert "4 of 4 hold" in c._repr_html_()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda c: c.close("x", 1.0, 2.0, atol=0.5), r"claim failed: x: value 1.0, expected 2.0 \(atol 0.5\)"),
        (lambda c: c.true("y", False), r"claim failed: y: value False, expected True"),
        (lambda c: c.at_most("z", [0.1, 0.9], 0.5), r"claim failed: z: value max 0.9, expected <= 0.5"),
        (lambda c: c.all_of("w", [True, False, True]), r"claim failed: w: value 2 of 3, expected all 3"),
        (
            lambda c: c.close("s", [1.0, 2.0], [1.0, 2.0, 3.0]),
            r"claim failed: s: value shape \(2,\), expected shape \(3,\)",
        ),
    ],
)
def test_failing_claims_raise(call, message):
    c = Checks()
    with pytest.raises(ClaimFailed, match=message):
        call(c)
    assert not c.claims[-1].passed


def test_claim_failed_is_an_assertion_error():
    assert issubclass(ClaimFailed, AssertionError)


def test_close_is_elementwise():
    c = Checks()
    c.close("vec", np.array([1.0, 2.0]), [1.0, 2.0 + 1e-10], atol=1e-9)
    assert c.claims[-1].value == "max |error| 1e-10 over 2" and c.claims[-1].expected == "<= atol 1e-09"
    with pytest.raises(ClaimFailed, match=r"claim failed: vec: value max \|error\| 0.1 over 2, expected <= atol 1e-09"):
        c.close("vec", np.array([1.0, 2.0]), [1.0, 2.1], atol=1e-9)


def test_markdown_escapes_pipes_in_cells():
    from persuasion.book import Checks

    c = Checks()
    c.true("ARPI(A | B) is finite", True, value="x | y")
    row = c.to_markdown().splitlines()[-1]
    assert row == "| 1 | ARPI(A \\| B) is finite | condition | x \\| y | True | yes |"


def test_failed_array_claim_names_the_worst_entry():
    c = Checks()
    with pytest.raises(ClaimFailed) as info:
        c.close("grid", [[0.0, 1.0], [2.0, 3.0]], [[0.0, 1.0], [2.5, 3.1]], atol=1e-6)
    msg = str(info.value)
    # the worst entry is (1, 0): 2.0 found where 2.5 was expected, printed with repr precision
    assert "worst at index (1, 0): got 2.0, expected 2.5, |error| 0.5" in msg
    with pytest.raises(ClaimFailed, match=r"worst at index 2: got nan, expected 3.0"):
        c.close("nan", [1.0, 2.0, np.nan], [1.0, 2.0, 3.0])


def test_failed_scalar_claim_prints_repr_precision():
    c = Checks()
    with pytest.raises(ClaimFailed, match=r"value 0.9999999, expected 1.0 \(atol 1e-08\)"):
        c.close("sum", 0.9999999, 1.0)
    with pytest.raises(ClaimFailed, match=r"worst at index 1: got 0.70000001, bound 0.7"):
        c.at_most("bounded", [0.1, 0.70000001], 0.7, atol=1e-9)
    with pytest.raises(ClaimFailed, match=r"value 0.70000001, expected <= 0.7"):
        c.at_most("bounded", 0.70000001, 0.7, atol=1e-9)


def test_the_html_table_is_folded_until_clicked():
    # The table lists exercise answers: it must stay closed (no "open" attribute) until the reader asks.
    c = Checks()
    c.true("exercise: the answer is 42", True, value=42)
    out = c._repr_html_()
    assert out.startswith('<details class="persuasion-claims-box"><summary>') and "<details open" not in out
    assert "What this chapter verified</strong>: 1 of 1 claims hold" in out
    assert out.index("</summary>") < out.index("the answer is 42")


def test_a_claim_names_its_method():
    c = Checks()
    c.close("binomial sum", sum([1, 3, 3, 1]), 2**3, method="closed form 2^n")
    c.at_most("regret", [1.0, 2.0], 3.0, method="Theorem 6.1's bound")
    assert [cl.method for cl in c.claims] == ["closed form 2^n", "Theorem 6.1's bound"]
    assert "<td>closed form 2^n</td>" in c._repr_html_()
    with pytest.raises(TypeError, match="method must be a str"):
        c.true("x", True, method=3)


def test_the_table_typesets_notation_in_claims_and_methods_but_not_in_values():
    from persuasion.book.checks import Checks

    checks = Checks()
    checks.close("V(mu0) >= v_hat(mu0)", 0.6, 0.6, method="LP vs closed form at mu0")
    checks.true("value text as given", True, value="mu0 <= 1")
    table = checks.to_markdown()
    assert "| V(μ₀) ≥ v̂(μ₀) | LP vs closed form at μ₀ |" in table
    assert "mu0 <= 1" in table  # a value is shown as computed
    page = checks._repr_html_()
    assert "V(μ₀) ≥ v̂(μ₀)" in page and "mu0 &lt;= 1" in page
