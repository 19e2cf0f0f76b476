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
import functools
import http.server
import posixpath
import re
import shutil
import sys
import threading
from pathlib import Path

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


def print_pdf(html_dir: Path, page: str, out: Path, timeout: int = 600) -> int:
    """Print ``html_dir/page`` with headless Chromium once MathJax is done; return the PDF's size in bytes."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        raise SystemExit("book_pdf: Chromium and ChromeDriver are needed: `make browser` installs them")
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        options.add_argument(flag)
    drv = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    try:
        drv.set_script_timeout(timeout)
        drv.set_page_load_timeout(timeout)
        drv.get(f"http://127.0.0.1:{server.server_address[1]}/{page}")
        state = drv.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            const wait = (n) => {
              if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
                MathJax.startup.promise.then(() => done('typeset')).catch((e) => done('error: ' + e));
              } else if (n > 600) { done('MathJax never loaded'); } else { setTimeout(() => wait(n + 1), 100); }
            };
            wait(0);
            """
        )
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
                    "<span class='title'></span> · <span class='pageNumber'></span> / <span class='totalPages'></span>"
                    "</div>"
                ),
                "generateDocumentOutline": True,
                "generateTaggedPDF": True,
            },
        )
    finally:
        drv.quit()
        server.shutdown()
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
    args = parser.parse_args(argv)
    toc = args.toc or (args.html.resolve().parents[1] / "_toc.yml")
    if not toc.is_file():
        toc = ROOT / "_toc.yml"
    pages = [p for p in toc_pages(toc) if (args.html / f"{p}.html").is_file()]
    missing = [p for p in toc_pages(toc) if not (args.html / f"{p}.html").is_file()]
    if missing:
        print(f"book_pdf: pages of {toc} missing from {args.html} (build the book first): {missing}", file=sys.stderr)
        return 1
    (args.html / "print.html").write_text(combine(args.html, pages))
    size = print_pdf(args.html, "print.html", args.out)
    print(f"wrote {args.out} ({size / 1e6:.1f} MB, {len(pages)} pages of the book)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
