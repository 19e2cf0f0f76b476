"""Headless Chromium and a local web server, for the book's browser tests and its PDF.

Debian's ``chromium`` and ``chromium-driver`` (``make browser`` installs them);
nothing is downloaded. Used by ``tests/test_browser.py``, ``tests/test_pdf.py``
and ``scripts/book_pdf.py``.

>>> with serve(".") as base:
...     base.startswith("http://127.0.0.1:")
True
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

__all__ = ["FLAGS", "MissingBrowser", "chromium", "serve", "typeset"]

FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


class MissingBrowser(RuntimeError):
    """Chromium or ChromeDriver is not installed."""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no line per request on stderr
        pass


@contextlib.contextmanager
def serve(directory: str | Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"directory must be a folder to serve; got {str(directory)!r}")
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def chromium(*, window: str = "1280,4000", user_data_dir: str | Path | None = None, console_log: bool = False):
    """A headless Chromium driven by Selenium (the caller quits it).

    ``window`` is ``"width,height"`` in CSS pixels; ``console_log`` keeps the
    page's console messages for ``driver.get_log("browser")``. Raises
    :class:`MissingBrowser`, saying what to install, when Debian's
    ``chromium`` or ``chromedriver`` is not on the ``PATH``.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (binary and driver):
        missing = [name for name, path in (("chromium", binary), ("chromedriver", driver)) if not path]
        raise MissingBrowser(
            f"{' and '.join(missing)} not found on the PATH: `make browser` installs them "
            "(apt-get install chromium chromium-driver)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (*FLAGS, f"--window-size={window}"):
        options.add_argument(flag)
    if user_data_dir is not None:
        options.add_argument(f"--user-data-dir={user_data_dir}")
    if console_log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


_WAIT_FOR_MATHJAX = """
const [polls, done] = [arguments[0], arguments[arguments.length - 1]];
const wait = (n) => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    MathJax.startup.promise.then(() => done('typeset')).catch((e) => done('error: ' + e));
  } else if (n > polls) { done('MathJax never loaded'); } else { setTimeout(() => wait(n + 1), 100); }
};
wait(0);
"""


def typeset(driver: WebDriver, timeout: float = 60.0) -> str:
    """Wait until the loaded page's MathJax has typeset it: ``"typeset"``, or what went wrong.

    Returns ``"MathJax never loaded"`` when MathJax has not loaded after half
    of ``timeout`` seconds (a page without mathematics may not load it); once
    loaded, it must finish typesetting within ``timeout`` seconds in all (a
    Selenium ``TimeoutException`` otherwise).
    """
    if not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds; got {timeout!r}")
    driver.set_script_timeout(timeout)
    return driver.execute_async_script(_WAIT_FOR_MATHJAX, int(timeout * 5))  # polls of 100 ms
