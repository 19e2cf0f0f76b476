"""The whole-book PDF (``make pdf``) and the pages around it, on the smoke-scale book of ``tests/conftest.py``.

``scripts/book_pdf.py`` prints the built site with Debian's headless Chromium.
The PDF is read here without a PDF library: its page objects are counted and
the bookmark titles (the headings, which Chromium writes as the PDF outline)
are decoded from the file. A copy is kept in ``test-output/book.pdf``, and a
screenshot of the landing page in ``test-output/landing.png``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zlib

import pytest

from persuasion.book.browser import chromium, serve

from .conftest import NOTEBOOKS, ROOT, TEST_OUTPUT

pytestmark = [pytest.mark.browser, pytest.mark.notebook, pytest.mark.slow]


def _chapter_title(notebook) -> str:
    text = notebook.read_text()
    return re.search(r"^# # (.+)$", text, re.M).group(1).strip()


def _objects(data: bytes) -> bytes:
    """The file with every Flate stream inflated (object streams hold the outline in some writers)."""
    parts = [data]
    for m in re.finditer(rb"stream\r?\n", data):
        chunk = data[m.end(): m.end() + 5_000_000]
        try:
            parts.append(zlib.decompressobj().decompress(chunk))
        except zlib.error:
            continue
    return b"\n".join(parts)


def _unescape_pdf_string(raw: bytes) -> str:
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode())
    else:
        body = raw[1:-1]
        out, i = bytearray(), 0
        while i < len(body):
            c = body[i]
            if c == 0x5C and i + 1 < len(body):  # backslash
                nxt = body[i + 1]
                if 0x30 <= nxt <= 0x37:
                    digits = re.match(rb"[0-7]{1,3}", body[i + 1: i + 4]).group(0)
                    out.append(int(digits, 8))
                    i += 1 + len(digits)
                    continue
                out.append({ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}.get(nxt, nxt))
                i += 2
                continue
            out.append(c)
            i += 1
        data = bytes(out)
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", errors="replace")
    return data.decode("latin-1")


def pdf_pages_and_outline(path) -> tuple[int, list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-"), "not a PDF"
    text = _objects(data)
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", text))
    return pages, list(newest_titles(text).values())


def newest_titles(data: bytes) -> dict[int, str]:
    """Object number -> title of its last definition (make pdf appends newer bookmarks: an incremental update)."""
    string = rb"(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)"
    return {
        int(m.group(1)): _unescape_pdf_string(m.group(2))
        for m in re.finditer(rb"(?<!\d)(\d+) 0 obj\s*<<(?:(?!endobj).)*?/Title\s*" + string, data, re.S)
    }


@pytest.fixture(scope="module")
def book_pdf(built_book, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf") / "book.pdf"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "book_pdf.py"), str(built_book), str(out),
         "--toc", str(built_book.parents[1] / "_toc.yml")],
        capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    TEST_OUTPUT.mkdir(exist_ok=True)
    shutil.copy2(out, TEST_OUTPUT / "book.pdf")
    return out


def test_pdf_has_every_chapter_and_enough_pages(book_pdf):
    pages, outline = pdf_pages_and_outline(book_pdf)
    # 11 chapters, each starting on a new page, the landing page and the references: far more than 13 pages.
    assert pages >= 40, f"only {pages} pages"
    # Chromium drops the spaces at line breaks of a wrapped heading: compare without white space.
    squeezed = ["".join(t.split()).lower() for t in outline]

    def bookmarked(title: str) -> bool:
        return any("".join(title.split()).lower() in t for t in squeezed)

    for notebook in NOTEBOOKS:
        title = _chapter_title(notebook)
        assert bookmarked(title), f"chapter title {title!r} not among the PDF's bookmarks: {outline}"
        # the bookmark is the heading as printed, once, with its spaces ("1. Title", not "1. 1. TitleTitle")
        assert any(re.fullmatch(rf"(\d+\. )?{re.escape(title)}", t) for t in outline), (title, outline)
    assert not [t for t in outline if re.match(r"^(\d+(?:\.\d+)*\.) \1", t)], outline
    assert bookmarked("References")
    assert bookmarked("Persuasion: information design for AI alignment")


def test_pdf_print_page_numbers_figures_and_typesets_math(built_book, book_pdf):
    """The page Chromium printed holds numbered figures, typeset formulas and the bibliography."""
    html = (built_book / "print.html").read_text()
    assert len(re.findall(r'class="caption-number">Fig\. \d+\.\d+', html)) >= 10
    assert "Kamenica and Gentzkow, 2011" in html  # the bibliography's author-year labels
    assert html.count('class="pdf-page"') == len(NOTEBOOKS) + 2  # landing page, chapters, references


def test_every_page_loads_without_console_errors_and_the_landing_page_says_it_all(built_book, browser_log):
    pages = sorted(p.relative_to(built_book).as_posix() for p in built_book.rglob("*.html")
                   if "_static" not in p.parts and "_sources" not in p.parts)
    errors = {}
    with serve(built_book) as base:
        for page in pages:
            browser_log.get(f"{base}/{page}")
            logs = [e for e in browser_log.get_log("browser") if e["level"] == "SEVERE"
                    and "book.pdf" not in e["message"]]
            if logs:
                errors[page] = [e["message"][:200] for e in logs]
        assert not errors, errors
        browser_log.get(f"{base}/book/intro.html")
        text = browser_log.execute_script("return document.querySelector('article').innerText")
        for needle in ("Why information design matters for alignment", "Who this book is for", "Prerequisites",
                       "Paths through the book", "Licence", "How to cite", "@book{persuasion_book"):
            assert needle in text, needle
        assert re.search(r"Version \d+\.\d+\.\d+\S*, built \d{4}-\d\d-\d\d", text), text[:400]
        links = browser_log.execute_script(
            "return Array.from(document.querySelectorAll('article a')).map(a => a.href)")
        # This build has no book.pdf (make pdf adds it): no dead link, a line on how to make the PDF instead.
        assert not (built_book / "book.pdf").exists()
        assert f"{base}/prf-prf.html" in links and f"{base}/book.pdf" not in links
        assert "not in this copy of the site: make pdf writes it" in text
        TEST_OUTPUT.mkdir(exist_ok=True)
        browser_log.save_screenshot(str(TEST_OUTPUT / "landing.png"))


def test_the_landing_page_links_the_pdf_once_make_pdf_has_put_it_in_the_site(built_book, browser_log, tmp_path):
    """The flag that ``make pdf`` writes turns the line back into the link (a copy of the landing page's parts)."""
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    sys.path.insert(0, str(ROOT / "scripts"))
    from book_pdf import publish
    from persuasion_book import PDF_FLAG, pdf_flag

    assert "scripts/book_pdf.py _build/html _build/pdf/book.pdf --publish" in (ROOT / "Makefile").read_text()
    assert (built_book / "_static" / PDF_FLAG).read_text() == pdf_flag(False)
    site = tmp_path / "site"
    (site / "_static").mkdir(parents=True)
    shutil.copy2(built_book / "_static" / "persuasion.js", site / "_static")
    (tmp_path / "book.pdf").write_bytes(b"%PDF-1.4")
    publish(tmp_path / "book.pdf", site)  # what make pdf does after printing
    assert (site / "book.pdf").read_bytes() == b"%PDF-1.4"
    assert (site / "_static" / PDF_FLAG).read_text() == pdf_flag(True)
    (site / "book").mkdir()
    (site / "book" / "intro.html").write_text(
        f'<script src="../_static/{PDF_FLAG}"></script><script src="../_static/persuasion.js"></script>'
        '<article><a class="persuasion-pdf" href="../book.pdf">the whole book as a PDF</a></article>')
    for available in (True, False):
        (site / "_static" / PDF_FLAG).write_text(pdf_flag(available))
        with serve(site) as base:
            browser_log.get(f"{base}/book/intro.html")
            links = browser_log.execute_script(
                "return Array.from(document.querySelectorAll('article a')).map(a => a.href)")
            text = browser_log.execute_script("return document.querySelector('article').innerText")
        assert (f"{base}/book.pdf" in links) == available, (available, links)
        assert ("make pdf writes it" in text) == (not available), (available, text)


@pytest.fixture(scope="module")
def browser_log(tmp_path_factory):
    """Headless Chromium that keeps the console log."""
    drv = chromium(window="1280,2400", user_data_dir=tmp_path_factory.mktemp("chromium-log"), console_log=True)
    yield drv
    drv.quit()
