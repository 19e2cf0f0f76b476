"""persuasion.book.browser without a browser: the local server, and the errors before Chromium starts."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from persuasion.book import browser


def test_serve_serves_the_folder_and_stops(tmp_path):
    (tmp_path / "page.html").write_text("<p>hello</p>")
    with browser.serve(tmp_path) as base:
        with urllib.request.urlopen(f"{base}/page.html", timeout=10) as response:
            assert response.read() == b"<p>hello</p>"
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base}/absent.html", timeout=10)
        assert missing.value.code == 404
    with pytest.raises(urllib.error.URLError):  # the port is closed once the block ends
        urllib.request.urlopen(f"{base}/page.html", timeout=10)


def test_serve_refuses_a_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="directory must be a folder to serve; got .*absent"):
        with browser.serve(tmp_path / "absent"):
            pass


@pytest.mark.parametrize("present, missing", [((), "chromium and chromedriver"), (("chromium",), "chromedriver"),
                                              (("chromedriver",), "chromium")])
def test_chromium_says_what_to_install(monkeypatch, present, missing):
    monkeypatch.setattr(browser.shutil, "which", lambda name: f"/usr/bin/{name}" if name in present else None)
    with pytest.raises(browser.MissingBrowser, match=f"^{missing} not found on the PATH: `make browser` installs them"):
        browser.chromium()


@pytest.mark.parametrize("timeout", [0, -1.0, float("nan")])
def test_typeset_needs_a_positive_timeout(timeout):
    with pytest.raises(ValueError, match="timeout must be a positive number of seconds"):
        browser.typeset(driver=None, timeout=timeout)
