"""The PDF's bookmarks take their headings' own text (``scripts/book_pdf.py:retitle_outline``).

Chromium names each bookmark after the text it laid out, which can repeat a heading
("1.8. 1.8. ExercisesExercises") and drops the spaces at line breaks. The fix appends
an incremental update; these tests build a small PDF by hand and read the result
with the decoder of ``tests/test_pdf.py``, not with the code under test.
"""

from __future__ import annotations

import importlib.util
import re

import pytest

from .conftest import ROOT
from .test_pdf import newest_titles as _newest_titles

spec = importlib.util.spec_from_file_location("book_pdf", ROOT / "scripts" / "book_pdf.py")
book_pdf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(book_pdf)

OBJECTS = {
    1: b"<</Type /Catalog /Pages 2 0 R /Outlines 4 0 R>>",
    2: b"<</Type /Pages /Kids [3 0 R] /Count 1>>",
    3: b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]>>",
    4: b"<</Type /Outlines /First 5 0 R /Last 7 0 R /Count 3>>",
    # a chapter laid out twice, its section wrapped over two lines, a sibling in UTF-16 without its formula
    5: b"<</Title (1. 1. Chapter oneChapter one) /Parent 4 0 R /First 6 0 R /Last 6 0 R /Next 7 0 R"
       b" /Dest [3 0 R /XYZ 0 200 0]>>",
    6: b"<</Title (1.1. The wrappedheading \\(b\\)) /Parent 5 0 R /Dest [3 0 R /XYZ 0 100 0]>>",
    7: b"<</Title <FEFF0032002E002000540077006F0020002000740068007200650065> /Parent 4 0 R /Prev 5 0 R"
       b" /Dest [3 0 R /XYZ 0 50 0]>>",
}
TITLES = ["1. Chapter one", "1.1. The wrapped heading (b)", "2. Two ⇒ three"]


def _pdf() -> bytes:
    out, offsets = bytearray(b"%PDF-1.4\n"), {}
    for num, body in OBJECTS.items():
        offsets[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(OBJECTS) + 1)
    out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in sorted(offsets))
    out += b"trailer\n<</Size %d /Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(OBJECTS) + 1, xref)
    return bytes(out)



def test_bookmarks_take_the_headings_text_in_document_order():
    before = _pdf()
    after = book_pdf.retitle_outline(before, TITLES)
    assert after.startswith(before), "an incremental update leaves the original bytes alone"
    assert _newest_titles(before)[5] == "1. 1. Chapter oneChapter one"
    assert _newest_titles(after) == {5: TITLES[0], 6: TITLES[1], 7: TITLES[2]}


def test_the_appended_cross_reference_points_at_the_new_objects():
    before = _pdf()
    after = book_pdf.retitle_outline(before, TITLES)
    tail = after[len(before):]
    entries = re.findall(rb"(\d+) 1\n(\d{10}) 00000 n \n", tail)
    assert sorted(int(n) for n, _ in entries) == [5, 6, 7]
    for num, offset in entries:
        assert after[int(offset):].startswith(b"%s 0 obj" % num), (num, offset)
    trailer = re.search(rb"trailer\n<<(.*?)>>\nstartxref\n(\d+)\n%%EOF\n$", tail, re.S)
    assert trailer, tail[-200:]
    assert b"/Root 1 0 R" in trailer.group(1)
    assert re.search(rb"/Prev (\d+)", trailer.group(1)).group(1) == re.search(rb"startxref\n(\d+)", before).group(1)
    assert after[int(trailer.group(2)):].startswith(b"xref\n")


def test_an_update_of_an_update_reads_the_newest_objects():
    once = book_pdf.retitle_outline(_pdf(), TITLES)
    again = ["1. Chapter number one", "1.1. The heading, wrapped", "2. Two and three"]
    twice = book_pdf.retitle_outline(once, again)
    assert _newest_titles(twice) == {5: again[0], 6: again[1], 7: again[2]}


def test_a_wrong_number_of_titles_or_a_mismatched_title_is_refused():
    with pytest.raises(ValueError, match=r"expected one per bookmark \(3\), got 2"):
        book_pdf.retitle_outline(_pdf(), TITLES[:2])
    with pytest.raises(ValueError, match="does not hold the heading '1.1. Something else'"):
        book_pdf.retitle_outline(_pdf(), [TITLES[0], "1.1. Something else", TITLES[2]])


def test_heading_titles_read_the_text_without_anchors_and_with_plain_math():
    html = (
        '<h1><span class="section-number">4. </span>Chapter<a class="headerlink" href="#x">#</a></h1>'
        '<p>text</p><h2><span class="section-number">4.2. </span>The \\(O(\\varepsilon)\\) term'
        ' and \\(U_{\\text{blind}}\\)</h2>'
    )
    assert book_pdf.heading_titles(html) == ["4. Chapter", "4.2. The O(ε) term and U_blind"]
