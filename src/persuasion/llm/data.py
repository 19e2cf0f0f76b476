r"""Download GSM8K once, on request, and find it afterwards.

GSM8K :cite:p:`cobbe2021training` (openai/grade-school-math, MIT licence) is
downloaded only by the explicit command ``persuasion-data gsm8k`` (``make
data``): three ``jsonl`` files, each checked against the sha256 recorded here,
into ``$PERSUASION_CACHE/data/gsm8k`` (default ``~/.cache/persuasion``).
:func:`gsm8k_dir` then tells :func:`persuasion.llm.tasks.load_gsm8k` where to
read; ``$GSM8K_DIR`` still wins when set. Nothing else in the library touches
the network.

>>> sorted(GSM8K_FILES)
['test.jsonl', 'test_socratic.jsonl', 'train.jsonl']
>>> gsm8k_url("test.jsonl", "https://example.org/gsm8k")
'https://example.org/gsm8k/test.jsonl'
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from .cache import cache_dir, file_sha256

__all__ = [
    "GSM8K_FILES", "GSM8K_URL", "DataError", "default_data_dir", "gsm8k_url", "download_gsm8k", "gsm8k_dir", "main",
]

GSM8K_URL = "https://raw.githubusercontent.com/openai/grade-school-math/master/grade_school_math/data/"

# name -> (sha256, size in bytes) of the official files at openai/grade-school-math,
# branch master, folder grade_school_math/data (the files are not in this repository).
GSM8K_FILES = {
    "train.jsonl": ("17f347dc51477c50d4efb83959dbb7c56297aba886e5544ee2aaed3024813465", 4166206),
    "test.jsonl": ("3730d312f6e3440559ace48831e51066acaca737f6eabec99bccb9e4b3c39d14", 749738),
    "test_socratic.jsonl": ("c96673362fa7a699f4836a9b6474a067448f95fe58064727501ee63ba4c3fdb6", 972978),
}

_CHUNK = 1 << 16


class DataError(Exception):
    """A download that failed; the message is one line naming the file, the URL and what went wrong.

    >>> with tempfile.TemporaryDirectory() as folder:
    ...     download_gsm8k(folder, base_url="file:///no/such/mirror", progress=False)
    Traceback (most recent call last):
    ...
    persuasion.llm.data.DataError: train.jsonl: cannot reach file:///no/such/mirror/train.jsonl ([Errno 2] No such
    file or directory: '/no/such/mirror/train.jsonl'); offline? ...
    """


def default_data_dir() -> Path:
    """``$PERSUASION_CACHE/data/gsm8k`` (cache root as :func:`persuasion.llm.cache.cache_dir`).

    >>> default_data_dir().parts[-2:]
    ('data', 'gsm8k')
    """
    return cache_dir() / "data" / "gsm8k"


def gsm8k_url(name: str, base_url: str | None = None) -> str:
    """URL of file ``name``: ``base_url``, else ``$PERSUASION_GSM8K_URL``, else the official one.

    >>> gsm8k_url("test.jsonl", "file:///srv/mirror/")
    'file:///srv/mirror/test.jsonl'
    """
    base = base_url or os.environ.get("PERSUASION_GSM8K_URL") or GSM8K_URL
    return base.rstrip("/") + "/" + name


def gsm8k_dir() -> Path | None:
    """Where GSM8K should be read from, or None.

    ``$GSM8K_DIR`` when set (even if its files are missing: the reader's error
    then names it); else :func:`default_data_dir` once it holds
    ``test_socratic.jsonl`` and ``train.jsonl``; else None.

    >>> saved = os.environ.get("GSM8K_DIR")
    >>> os.environ["GSM8K_DIR"] = "/srv/gsm8k"
    >>> gsm8k_dir()
    PosixPath('/srv/gsm8k')
    >>> if saved is None:  # put the caller's setting back
    ...     del os.environ["GSM8K_DIR"]
    ... else:
    ...     os.environ["GSM8K_DIR"] = saved
    """
    env = os.environ.get("GSM8K_DIR")
    if env:
        return Path(env)
    default = default_data_dir()
    if all((default / name).is_file() for name in ("test_socratic.jsonl", "train.jsonl")):
        return default
    return None


def _fetch(name: str, url: str, target: Path, sha256: str, size: int, base: str, timeout: float) -> None:
    """Download ``url`` to a temporary file beside ``target``, check it, and move it into place."""
    offline = (
        f"download train.jsonl, test.jsonl and test_socratic.jsonl from {base} into a folder and set GSM8K_DIR to it"
    )
    try:
        tmp = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{name}.", suffix=".part", delete=False)
    except OSError as e:
        raise DataError(f"{name}: cannot write into {target.parent}: {e}") from None
    try:
        h, received = hashlib.sha256(), 0
        with tmp:
            try:
                with urllib.request.urlopen(url, timeout=timeout) as response:
                    announced = response.headers.get("Content-Length")
                    for chunk in iter(lambda: response.read(_CHUNK), b""):
                        h.update(chunk)
                        try:
                            tmp.write(chunk)
                        except OSError as e:
                            raise DataError(f"{name}: cannot write into {target.parent}: {e}") from None
                        received += len(chunk)
            except urllib.error.HTTPError as e:
                raise DataError(
                    f"{name}: HTTP {e.code} {e.reason} from {url}; check the URL (--url, PERSUASION_GSM8K_URL)"
                ) from None
            except urllib.error.URLError as e:
                raise DataError(f"{name}: cannot reach {url} ({e.reason}); offline? {offline}") from None
            except http.client.IncompleteRead:
                raise DataError(
                    f"{name}: download from {url} truncated after {received} bytes; nothing was saved"
                ) from None
            except (TimeoutError, ConnectionError, http.client.HTTPException, OSError) as e:
                raise DataError(
                    f"{name}: connection to {url} failed after {received} bytes ({type(e).__name__}: {e}); "
                    f"nothing was saved; offline? {offline}"
                ) from None
        actual = h.hexdigest()
        if announced is not None and announced.isdigit() and received != int(announced):
            raise DataError(
                f"{name}: download from {url} truncated: {received} bytes received, "
                f"{announced} announced by Content-Length; nothing was saved"
            )
        if received == 0:
            raise DataError(f"{name}: empty response from {url} (expected {size} bytes); nothing was saved")
        if received < size and actual != sha256:
            raise DataError(
                f"{name}: download from {url} truncated: {received} bytes, expected {size} "
                f"(sha256 expected {sha256[:12]}, got {actual[:12]}); nothing was saved"
            )
        if actual != sha256:
            raise DataError(
                f"{name}: wrong checksum for {url}: sha256 expected {sha256[:12]}, got {actual[:12]} "
                f"({received} bytes, expected {size}); nothing was saved"
            )
        os.replace(tmp.name, target)
    except BaseException:
        Path(tmp.name).unlink(missing_ok=True)
        raise


def download_gsm8k(directory: str | os.PathLike[str] | None = None, *, base_url: str | None = None,
                   progress: bool = True, timeout: float = 60) -> Path:
    """Download the GSM8K files of :data:`GSM8K_FILES` into ``directory``, checking each sha256.

    Parameters
    ----------
    directory : path, optional
        Destination folder (created if needed); default :func:`default_data_dir`.
    base_url : str, optional
        Folder URL of the files; default ``$PERSUASION_GSM8K_URL``, else :data:`GSM8K_URL`.
    progress : bool
        One line per file on stderr.
    timeout : float
        Seconds to wait for the server, per connection and read.

    Returns
    -------
    Path
        The folder. Files already present with the right checksum are not
        downloaded again; a file with a wrong checksum is replaced.

    Raises
    ------
    DataError
        On any failure (unreachable server, HTTP error, truncated download,
        wrong checksum); a file under its final name is always a verified one.

    Examples
    --------
    From a local mirror (a ``file://`` URL) that holds a wrong ``train.jsonl``:
    the file is refused and nothing is saved.

    >>> with (
    ...     tempfile.TemporaryDirectory() as mirror,
    ...     tempfile.TemporaryDirectory() as folder,
    ... ):
    ...     _ = (Path(mirror) / "train.jsonl").write_text("{}\\n")
    ...     try:
    ...         download_gsm8k(folder, base_url=Path(mirror).as_uri(), progress=False)
    ...     except DataError as err:
    ...         print(str(err).replace(mirror, "MIRROR"))
    ...     print(os.listdir(folder))
    train.jsonl: download from file://MIRROR/train.jsonl truncated: 3 bytes, expected 4166206
    (sha256 expected 17f347dc5147, got ca3d163bab05); nothing was saved
    []
    """
    directory = Path(directory) if directory is not None else default_data_dir()
    base = base_url or os.environ.get("PERSUASION_GSM8K_URL") or GSM8K_URL
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DataError(f"cannot create the folder {directory}: {e}") from None

    def say(message: str) -> None:
        if progress:
            print(f"persuasion-data: {message}", file=sys.stderr, flush=True)

    for name, (sha256, size) in GSM8K_FILES.items():
        target, url = directory / name, gsm8k_url(name, base)
        if target.is_file():
            actual = file_sha256(target)
            if actual == sha256:
                say(f"{name}: already present, checksum ok")
                continue
            say(f"{name}: present with a wrong checksum (sha256 expected {sha256[:12]}, got {actual[:12]}); "
                "downloading again")
        say(f"{name}: downloading {url} ({size / 1e6:.1f} MB)")
        _fetch(name, url, target, sha256, size, base, timeout)
    return directory


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="persuasion-data",
        description="Download the data sets the book uses (nothing else in the library downloads anything).",
    )
    sub = p.add_subparsers(dest="dataset", required=True, metavar="DATASET")
    g = sub.add_parser(
        "gsm8k",
        help="GSM8K grade-school math word problems (MIT licence)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Download GSM8K (Cobbe et al. 2021; openai/grade-school-math, MIT licence):\n"
            "train.jsonl, test.jsonl and test_socratic.jsonl (about 6 MB), each checked\n"
            "against a recorded sha256, into $PERSUASION_CACHE/data/gsm8k (default\n"
            "~/.cache/persuasion/data/gsm8k). Files already there are not downloaded again.\n"
            "Afterwards the book's experiment (load_gsm8k()) finds them there by itself,\n"
            "without GSM8K_DIR; with --dir, set GSM8K_DIR to that folder instead\n"
            "(GSM8K_DIR, when set, is always what is read)."
        ),
    )
    g.add_argument("--dir", default=None, help="destination folder (default: $PERSUASION_CACHE/data/gsm8k)")
    g.add_argument("--url", default=None,
                   help=f"folder URL of the files (default: $PERSUASION_GSM8K_URL, else {GSM8K_URL})")
    g.add_argument("--quiet", action="store_true", help="no progress lines")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """``persuasion-data gsm8k [--dir DIR] [--url URL] [--quiet]``; returns the exit status.

    Progress and errors go to stderr (shown here on stdout); a failed download exits with status 2:

    >>> import contextlib
    >>> with (
    ...     tempfile.TemporaryDirectory() as folder,
    ...     contextlib.redirect_stderr(sys.stdout),
    ... ):
    ...     main(["gsm8k", "--dir", folder, "--url", "file:///no/such/mirror"])
    persuasion-data: train.jsonl: downloading file:///no/such/mirror/train.jsonl (4.2 MB)
    persuasion-data: error: train.jsonl: cannot reach file:///no/such/mirror/train.jsonl ...
    2
    """
    args = parser().parse_args(argv)
    try:
        folder = download_gsm8k(args.dir, base_url=args.url, progress=not args.quiet)
    except DataError as e:
        message = " ".join(str(e).splitlines())
        print(f"persuasion-data: error: {message}", file=sys.stderr)
        return 2
    folder = folder.resolve()
    found = gsm8k_dir()
    if found is not None and found.resolve() == folder:
        print(f"persuasion-data: GSM8K is in {folder}; load_gsm8k() and the experiment will find it there")
    elif os.environ.get("GSM8K_DIR"):
        print(f"persuasion-data: GSM8K is in {folder}, but GSM8K_DIR={os.environ['GSM8K_DIR']} is what is read; "
              "point it here or unset it")
    else:
        print(f"persuasion-data: GSM8K is in {folder}; set GSM8K_DIR={folder} so that load_gsm8k() reads it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
