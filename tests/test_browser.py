"""Open a built chapter in headless Chromium: math is typeset and every figure loads.

Uses Debian's ``chromium`` and ``chromium-driver`` (``make test`` installs them
when missing); nothing is downloaded. A screenshot is kept in
``test-output/NN_chapter.png`` (one per chapter).
"""

import pytest

from persuasion.book.browser import chromium, serve, typeset

from .conftest import NOTEBOOKS, TEST_OUTPUT

pytestmark = [pytest.mark.browser, pytest.mark.notebook, pytest.mark.slow]


@pytest.fixture(scope="module")
def served(built_book):
    with serve(built_book) as base:
        yield base


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    drv = chromium(user_data_dir=tmp_path_factory.mktemp("chromium"))
    yield drv
    drv.quit()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_renders_math_and_figures(served, browser, notebook):
    browser.get(f"{served}/executed/{notebook.stem}.html")
    state = typeset(browser)
    assert state == "typeset"
    n_math = browser.execute_script("return document.querySelectorAll('mjx-container').length")
    n_errors = browser.execute_script("return document.querySelectorAll('mjx-merror').length")
    leftover = browser.execute_script(
        "return Array.from(document.querySelectorAll('.math')).filter(e => !e.querySelector('mjx-container')).length"
    )
    assert n_math > 20, f"only {n_math} typeset formulas"
    assert n_errors == 0 and leftover == 0
    images = browser.execute_script(
        """
        return Array.from(document.querySelectorAll('article img')).map(
            (img) => [img.getAttribute('src'), img.complete && img.naturalWidth > 0]);
        """
    )
    figures = [src for src, _ in images if "figures/" in src or "_images/" in src]
    if not notebook.stem.endswith("errata"):  # the errata page has tables, not figures
        assert len(figures) >= 2, images
    broken = [src for src, ok in images if not ok]
    assert not broken, f"images that did not load: {broken}"
    # Nothing runs off the text column at 1280 px: no visible code line, no display formula (hidden code is folded).
    overflow = browser.execute_script(
        """
        const right = document.querySelector('article').getBoundingClientRect().right + 2;
        const code = Array.from(document.querySelectorAll('div.cell_input pre'))
          .filter(p => !p.closest('details:not([open])') && p.scrollWidth > p.clientWidth + 2)
          .map(p => p.textContent.slice(0, 60));
        const math = Array.from(document.querySelectorAll('mjx-container[display="true"]'))
          .filter(m => m.scrollWidth > m.clientWidth + 2 || m.getBoundingClientRect().right > right)
          .map(m => m.textContent.slice(0, 60));
        return {code, math};
        """
    )
    assert overflow == {"code": [], "math": []}, f"wider than the column at 1280 px: {overflow}"
    TEST_OUTPUT.mkdir(exist_ok=True)
    shot = TEST_OUTPUT / f"{notebook.stem}.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


#: Every chapter, the landing page, the API reference (long signatures, wide docstring formulas), the references
#: and the indices.
PAGES = [f"executed/{nb.stem}.html" for nb in NOTEBOOKS] + [
    "book/intro.html", "book/api.html", "book/references.html", "prf-prf.html", "genindex.html", "py-modindex.html"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.rsplit("/", 1)[-1].removesuffix(".html"))
def test_every_page_reads_on_a_phone(served, browser, page):
    # 390 px wide (a phone): the page itself never scrolls sideways; wide formulas and tables scroll in their box.
    browser.set_window_size(390, 2400)
    try:
        browser.get(f"{served}/{page}")
        # a page without mathematics may not load MathJax: then this only waits
        typeset(browser, **({} if page.startswith("executed/") else {"timeout": 20}))
        widths = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1] + 1, f"{page} scrolls sideways on a phone: {widths[0]} px for {widths[1]}"
        clipped = browser.execute_script(
            """
            return Array.from(document.querySelectorAll('mjx-container[display="true"]'))
              .filter(m => m.scrollWidth > m.clientWidth + 2 && getComputedStyle(m).overflowX !== 'auto')
              .map(m => m.textContent.slice(0, 60));
            """
        )
        assert not clipped, f"formulas clipped (not scrollable) on a phone in {page}: {clipped}"
        # An inline formula wider than its line scrolls in its own box too (the theme's span.math would clip it).
        clipped = browser.execute_script(
            """
            return Array.from(document.querySelectorAll('span.math'))
              .filter(s => s.querySelector('mjx-container') && getComputedStyle(s).overflowX !== 'auto'
                           && s.querySelector('mjx-container').getBoundingClientRect().width
                              > s.getBoundingClientRect().width + 2)
              .map(s => s.textContent.slice(0, 60));
            """
        )
        assert not clipped, f"inline formulas clipped (not scrollable) on a phone in {page}: {clipped}"
        # A figure keeps the width it was drawn for (its text about 9 pt) and scrolls, rather than shrinking to
        # the column, where its text would be 5 px high.
        narrow = browser.execute_script(
            "return Array.from(document.querySelectorAll('article figure > img'))"
            ".filter(i => i.getBoundingClientRect().width < 590).map(i => i.getAttribute('src'))"
        )
        assert not narrow, f"figures shrunk to the column on a phone in {page}: {narrow}"
        TEST_OUTPUT.mkdir(exist_ok=True)
        stem = page.rsplit("/", 1)[-1].removesuffix(".html")
        browser.save_screenshot(str(TEST_OUTPUT / f"{stem}-phone.png"))
    finally:
        browser.set_window_size(1280, 4000)


def test_the_api_reference_fits_the_column_at_1280_px(served, browser):
    # The docstrings' examples, usage blocks and display formulas wrap or break inside the text column: none
    # scrolls sideways (the reader would have to scroll each block to read its lines).
    browser.set_window_size(1280, 4000)
    browser.get(f"{served}/book/api.html")
    typeset(browser, timeout=20)
    wide = browser.execute_script(
        """
        const article = document.querySelector('article');
        return Array.from(article.querySelectorAll('div.highlight pre, mjx-container[display="true"]'))
          .filter(e => e.scrollWidth > e.clientWidth + 2)
          .map(e => [e.tagName, e.scrollWidth, e.clientWidth, e.textContent.slice(0, 60)]);
        """
    )
    assert not wide, f"{len(wide)} block(s) of the API reference scroll sideways at 1280 px: {wide[:3]}"
    # ... and no example's input line (>>> or ...) wraps there: its second half would read as output.
    wrapped = browser.execute_script(
        """
        const ctx = document.createElement('canvas').getContext('2d');
        const out = [];
        let inputs = 0;
        for (const pre of document.querySelectorAll('article div.highlight pre')) {
          const cs = getComputedStyle(pre);
          ctx.font = cs.fontSize + ' ' + cs.fontFamily;
          const room = pre.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
          for (const line of pre.textContent.split('\\n')) {
            if (!line.startsWith('>>>') && !line.startsWith('...')) continue;
            inputs += 1;
            if (ctx.measureText(line).width > room + 0.5) out.push(line.slice(0, 60));
          }
        }
        return {inputs, out};
        """
    )
    assert wrapped["inputs"] > 500, wrapped["inputs"]  # the examples were found
    assert not wrapped["out"], f"{len(wrapped['out'])} example input lines wrap at 1280 px: {wrapped['out'][:3]}"
    assert not browser.find_elements("css selector", ".bd-sidebar-secondary")  # no Contents sidebar here
    # A signature wraps between its parameters, never inside one ("atol: float = 1e-" / "07", "analy" / "sis").
    # One longer than python_maximum_signature_line_length gives each parameter a line (a <dd>); a parameter wider
    # than the column wraps there between the parts of its type, never inside a part, and keeps its comma.
    layout = browser.execute_script(
        """
        const lines = e => new Set(Array.from(e.getClientRects()).map(r => Math.round(r.top))).size;
        const params = Array.from(document.querySelectorAll('dl.py > dt.sig em.sig-param'));
        const commas = params.filter(em => {
          const next = em.nextSibling;
          if (!next || next.nodeType !== 3 || !next.textContent.startsWith(',')) return false;
          const range = document.createRange();
          range.setStart(next, 0);
          range.setEnd(next, 1);
          const rects = em.getClientRects();
          return Math.abs(range.getBoundingClientRect().top - rects[rects.length - 1].top) > 2;
        });
        const outside = Array.from(document.querySelectorAll('dl.py > dt.sig')).filter(dt =>
          Array.from(dt.querySelectorAll('span.pre')).some(s =>
            s.getBoundingClientRect().right > dt.getBoundingClientRect().right + 1));
        const text = e => e.textContent.slice(0, 60);
        return {
          split: params.filter(e => !e.closest('dd') && lines(e) > 1).map(text),
          parts: Array.from(document.querySelectorAll('dl.py > dt.sig span.pre')).filter(e => lines(e) > 1).map(text),
          commas: commas.map(text), outside: outside.map(dt => dt.id),
          listed: params.filter(e => e.closest('dd')).length,
          scroll: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
        };
        """
    )
    assert layout["listed"] > 500, layout["listed"]  # the long signatures list a parameter a line
    assert not layout["split"], f"{len(layout['split'])} parameters break across lines: {layout['split'][:3]}"
    assert not layout["parts"], f"{len(layout['parts'])} names or types break inside: {layout['parts'][:3]}"
    assert not layout["commas"], f"{len(layout['commas'])} commas start a line: {layout['commas'][:3]}"
    assert not layout["outside"], f"{len(layout['outside'])} signatures overrun the column: {layout['outside'][:3]}"
    assert layout["scroll"][0] <= layout["scroll"][1], f"the page scrolls sideways at 1280 px: {layout['scroll']}"


def test_the_page_contents_highlight_the_section_being_read_after_a_jump(served, browser):
    # Page Down or the space bar jumps most of a window: the theme alone can step over a heading and leave an
    # earlier section highlighted in "On this page"; persuasion.js puts the highlight right once a scroll settles.
    import time

    browser.set_window_size(1280, 1000)
    try:
        browser.get(f"{served}/executed/{NOTEBOOKS[3].stem}.html")
        typeset(browser)
        state = """
            const links = [...document.querySelectorAll('#pst-page-toc-nav a[href^="#"]')];
            let passed = null;
            for (const a of links) {
              const el = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
              const h = el && (el.querySelector('h1,h2,h3,h4,h5,h6') || el);
              if (h && h.getBoundingClientRect().top <= 0.3 * innerHeight) passed = a.getAttribute('href');
            }
            const active = links.filter(a => a.classList.contains('active')).map(a => a.getAttribute('href'));
            return [scrollY, passed, active];
        """
        wrong, jumps = [], 0
        while browser.execute_script("return scrollY + innerHeight < document.documentElement.scrollHeight - 5"):
            browser.execute_script("window.scrollBy(0, 0.87 * innerHeight)")  # what Page Down does
            time.sleep(0.4)
            y, passed, active = browser.execute_script(state)
            jumps += 1
            if passed and active != [passed]:
                wrong.append((y, passed, active))
        assert jumps > 10 and not wrong, f"{len(wrong)} of {jumps} jumps highlight another section: {wrong[:3]}"
    finally:
        browser.set_window_size(1280, 4000)
