"""The whole book as one PDF, printed by headless Chromium from the built HTML.

    python scripts/book_pdf.py _build/html _build/pdf/book.pdf

``make pdf`` runs it after ``make book``. The pages of ``_toc.yml`` (the
landing page, every chapter, the references; not the API reference) are put
one after the other into ``print.html`` next to the site, with their figure
numbers, equations and citations as the site shows them; Debian's Chromium
(``make browser`` installs it) typesets the mathematics with the book's own
MathJax and prints the page, with a bookmark for every heading. Nothing is
downloaded.
"""

from __future__ import annotations

import argparse
import base64
import posixpath
import re
import sys
from pathlib import Path

from persuasion.book.browser import MissingBrowser, chromium, serve, typeset

ROOT = Path(__file__).resolve().parents[1]
SKIP = {"book/api"}  # the API reference stays on the site

PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
html, body { background: white !important; }
body { font-size: 10.5pt; }
.pdf-page { break-before: page; }
.pdf-page:first-of-type { break-before: auto; }
.headerlink, .header-article, .bd-header-article, .prev-next-area, .bd-footer-article, .toggle-button,
  .copybtn, .tag_remove-cell, .bd-sidebar-secondary { display: none !important; }
figure, .cell_output img, table { break-inside: avoid; }
h1, h2, h3 { break-after: avoid; }
div.cell div.cell_input { break-inside: avoid; }
.bd-article { max-width: none !important; }
details { display: block; }
"""


def toc_pages(toc_path: Path) -> list[str]:
    """Page names in the order of ``_toc.yml`` (root first)."""
    import yaml

    toc = yaml.safe_load(toc_path.read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [c["file"] for c in part.get("chapters", [])]
    pages += [c["file"] for c in toc.get("chapters", [])]
    return [re.sub(r"\.(md|ipynb|py)$", "", p) for p in pages if re.sub(r"\.(md|ipynb|py)$", "", p) not in SKIP]


def _anchor(page: str) -> str:
    return "page-" + re.sub(r"[^A-Za-z0-9]+", "-", page)


def combine(html_dir: Path, pages: list[str]) -> str:
    """One HTML document holding the article of every page, links and images rewritten for the site root."""
    from bs4 import BeautifulSoup

    first = BeautifulSoup((html_dir / f"{pages[0]}.html").read_text(), "html.parser")
    head = first.head
    base0 = posixpath.dirname(pages[0])
    for tag in head.find_all("script", src=re.compile(r"sphinx-book-theme\.js")):
        tag.decompose()  # it drives the site's sidebars and table of contents, which the print page has not
    for tag in head.find_all(["script", "link"]):
        for attr in ("src", "href"):
            value = tag.get(attr)
            if value and not re.match(r"^[a-z]+:|^#|^/", value):
                tag[attr] = posixpath.normpath(posixpath.join(base0, value))
    style = first.new_tag("style")
    style.string = PRINT_CSS
    head.append(style)
    known = set(pages)
    body = []
    for page in pages:
        soup = BeautifulSoup((html_dir / f"{page}.html").read_text(), "html.parser")
        article = soup.select_one("article.bd-article") or soup.select_one("main") or soup.body
        base = posixpath.dirname(page)
        for tag in article.find_all(src=True):
            if not re.match(r"^[a-z]+:|^/", tag["src"]):
                tag["src"] = posixpath.normpath(posixpath.join(base, tag["src"]))
        for tag in article.find_all("a", href=True):
            href = tag["href"]
            if re.match(r"^[a-z]+:", href):
                continue
            path, _, frag = href.partition("#")
            if not path:
                continue
            target = posixpath.normpath(posixpath.join(base, path))
            target = re.sub(r"\.html$", "", target)
            if target in known:
                tag["href"] = f"#{frag}" if frag else f"#{_anchor(target)}"
            else:
                tag["href"] = posixpath.normpath(posixpath.join(base, href))
        for details in article.find_all("details"):
            details["open"] = "open"
        body.append(f'<section class="pdf-page" id="{_anchor(page)}">{article.decode_contents()}</section>')
    return (
        f"<!DOCTYPE html>\n<html lang='en'>{head.decode()}<body>"
        f"<div class='bd-article-container'><article class='bd-article'>{''.join(body)}</article></div>"
        "</body></html>"
    )


def heading_titles(html: str) -> list[str]:
    """The text of every heading of ``html`` in document order, as a reader would type it (TeX made plain)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    titles = []
    for h in soup.find_all(re.compile(r"^h[1-6]$")):
        for a in h.select("a.headerlink"):
            a.decompose()
        text = " ".join(h.get_text().split())
        text = re.sub(r"\\text\{([^}]*)\}", r"\1", text.replace("\\(", "").replace("\\)", ""))
        text = re.sub(r"\\(?:var)?epsilon", "ε", text)
        titles.append(re.sub(r"\\([A-Za-z]+)", r"\1", text).replace("{", "").replace("}", ""))
    return titles


def _pdf_object(data: bytes, num: int) -> re.Match:
    """The newest definition of object ``num`` (an incremental update appends newer ones)."""
    found = list(re.finditer(rb"(?:^|[\r\n])%d 0 obj(.*?)endobj" % num, data, re.S))
    if not found:
        raise ValueError(f"object {num} is not in the PDF")
    return found[-1]


def _ref(body: bytes, key: bytes) -> int | None:
    m = re.search(rb"/" + key + rb"\s+(\d+)\s+0\s+R", body)
    return int(m.group(1)) if m else None


def retitle_outline(data: bytes, titles: list[str]) -> bytes:
    """``data`` with its bookmarks renamed to ``titles`` (in outline order), by an incremental update.

    Chromium names a bookmark after the text it laid out for the heading, which loses the spaces at
    line breaks and repeats a heading laid out twice ("1.8. 1.8. ExercisesExercises"). The bookmarks are
    one per heading, in document order, so they take the headings' own text. Raises ``ValueError`` if
    the number of bookmarks is not ``len(titles)``, or a bookmark's text does not hold its heading's.
    """
    trailer = list(re.finditer(rb"trailer\s*<<(.*?)>>\s*startxref\s*(\d+)", data, re.S))[-1]
    catalog = _pdf_object(data, _ref(trailer.group(1), b"Root")).group(1)
    items, stack = [], [_ref(_pdf_object(data, _ref(catalog, b"Outlines")).group(1), b"First")]
    while stack:  # depth-first, first child before next sibling: document order
        num = stack.pop()
        if num is None:
            continue
        body = _pdf_object(data, num).group(1)
        items.append((num, body))
        stack += [_ref(body, b"Next"), _ref(body, b"First")]
    if len(items) != len(titles):
        raise ValueError(f"titles: expected one per bookmark ({len(items)}), got {len(titles)}")
    letters = lambda s: re.sub("[^a-z]", "", s.lower())  # noqa: E731
    update, offsets = bytearray(b"\n"), {}
    for (num, body), title in zip(items, titles):
        old = re.search(rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)", body, re.S)
        words = [w for w in re.findall("[a-z]+", title.lower()) if len(w) >= 3] or [""]  # math is not in the old
        if old is None or not all(w in letters(_pdf_string(old.group(1))) for w in (words[0], words[-1])):
            raise ValueError(f"bookmark {num} does not hold the heading {title!r}")
        hexed = b"<FEFF" + title.encode("utf-16-be").hex().upper().encode() + b">"
        new = body[: old.start(1)] + hexed + body[old.end(1):]
        offsets[num] = len(data) + len(update)
        update += b"%d 0 obj%sendobj\n" % (num, new)
    xref = len(data) + len(update)
    update += b"xref\n0 1\n0000000000 65535 f \n"
    update += b"".join(b"%d 1\n%010d 00000 n \n" % (n, offsets[n]) for n in sorted(offsets))
    keys = re.sub(rb"/Prev\s+\d+", b"", trailer.group(1))
    update += b"trailer\n<<%s /Prev %s>>\nstartxref\n%d\n%%%%EOF\n" % (keys, trailer.group(2), xref)
    return data + bytes(update)


def _pdf_string(raw: bytes) -> str:
    """A PDF string literal, ``(...)`` or ``<hex>``, as text."""
    if raw.startswith(b"<"):
        data = bytes.fromhex(re.sub(rb"\s", b"", raw[1:-1]).decode())
    else:
        data = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m.group(1), 8)]) if m.group(1)[:1].isdigit()
                      else {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(m.group(1), m.group(1)), raw[1:-1], flags=re.S)
    return data[2:].decode("utf-16-be", "replace") if data.startswith(b"\xfe\xff") else data.decode("latin-1")


def print_pdf(html_dir: Path, page: str, out: Path, timeout: int = 600) -> int:
    """Print ``html_dir/page`` with headless Chromium once MathJax is done; return the PDF's size in bytes."""
    try:
        drv = chromium()
    except MissingBrowser as exc:
        raise SystemExit(f"book_pdf: {exc}") from None
    with serve(html_dir) as base:
        try:
            drv.set_page_load_timeout(timeout)
            drv.get(f"{base}/{page}")
            state = typeset(drv, timeout=timeout)
            if state != "typeset":
                raise SystemExit(f"book_pdf: the mathematics was not typeset ({state})")
            errors = drv.execute_script("return document.querySelectorAll('mjx-merror').length")
            if errors:
                raise SystemExit(f"book_pdf: {errors} formulas failed to typeset")
            pdf = drv.execute_cdp_cmd(
                "Page.printToPDF",
                {
                    "printBackground": True,
                    "preferCSSPageSize": True,
                    "displayHeaderFooter": True,
                    "headerTemplate": "<span></span>",
                    "footerTemplate": (
                        "<div style='font-size:8px;width:100%;text-align:center;color:#555'>"
                        "<span class='title'></span> · <span class='pageNumber'></span> / "
                        "<span class='totalPages'></span>"
                        "</div>"
                    ),
                    "generateDocumentOutline": True,
                    "generateTaggedPDF": True,
                },
            )
        finally:
            drv.quit()
    data = base64.b64decode(pdf["data"])
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".pdf.part")
    tmp.write_bytes(data)
    tmp.replace(out)
    return len(data)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="the built site, e.g. _build/html")
    parser.add_argument("out", type=Path, help="the PDF to write, e.g. _build/pdf/book.pdf")
    parser.add_argument("--toc", type=Path, default=None, help="_toc.yml (default: next to the site's _build)")
    parser.add_argument("--publish", action="store_true",
                        help="also copy the PDF into the site as book.pdf, which the landing page then links")
    args = parser.parse_args(argv)
    toc = args.toc or (args.html.resolve().parents[1] / "_toc.yml")
    if not toc.is_file():
        toc = ROOT / "_toc.yml"
    pages = [p for p in toc_pages(toc) if (args.html / f"{p}.html").is_file()]
    missing = [p for p in toc_pages(toc) if not (args.html / f"{p}.html").is_file()]
    if missing:
        print(f"book_pdf: pages of {toc} missing from {args.html} (build the book first): {missing}", file=sys.stderr)
        return 1
    html = combine(args.html, pages)
    (args.html / "print.html").write_text(html)
    size = print_pdf(args.html, "print.html", args.out)
    args.out.write_bytes(retitle_outline(args.out.read_bytes(), heading_titles(html)))
    print(f"wrote {args.out} ({size / 1e6:.1f} MB, {len(pages)} pages of the book)")
    if args.publish:
        publish(args.out, args.html)
    return 0


def publish(pdf: Path, site: Path) -> None:
    """Put ``pdf`` into ``site`` as ``book.pdf`` and set the flag that makes the landing page link it.

    The flag file and its text are the book extension's (``book/_ext/persuasion_book.py``), which writes it false
    at every build.
    """
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from persuasion_book import PDF_FLAG, pdf_flag

    (site / "book.pdf").write_bytes(pdf.read_bytes())
    (site / "_static").mkdir(exist_ok=True)
    (site / "_static" / PDF_FLAG).write_text(pdf_flag(True))


if __name__ == "__main__":
    sys.exit(main())
