r"""A content-addressed cache for the experiment's expensive results.

Every entry is one JSON file whose name is the SHA-256 of its **key**: a
canonical JSON record of everything that determined the entry — the unit
(``"scores"``, ``"generations"``, ``"sandbox"``), the version
of the code that computes that unit (:data:`VERSIONS`), the model's
fingerprint (a hash of its weight file and of how its tokenizer is used),
and the exact inputs (prompt texts, answers, generation settings). No
folder name, problem id or data-set name enters a key, so results computed
on one data source can never be read back for another, and changing one
problem recomputes exactly the entries that depend on it.

Files are written atomically (a temporary file in the same folder, then
:func:`os.replace`), so a run killed at any point leaves either a whole entry
or none. Each file carries the SHA-256 of its payload: a truncated or
garbage file is reported in one warning line and recomputed, never read.
Each file also carries the whole key it was computed for, checked on every
read: an entry of another key (a file copied or moved under another name)
is reported the same way and recomputed. Files of the earlier format
(``persuasion-cache-1``, without the key) are recomputed without a warning.

>>> import tempfile
>>> store = Store(tempfile.mkdtemp())
>>> store.get_or_compute("sandbox", {"x": 2}, lambda: {"square": 4})
{'square': 4}
>>> store.get_or_compute("sandbox", {"x": 2}, lambda: 1 / 0)  # a hit: not recomputed
{'square': 4}
>>> store.misses["sandbox"], store.hits["sandbox"]
(1, 1)
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np

__all__ = [
    "VERSIONS", "cache_dir", "Store", "CacheWarning", "key_digest", "file_sha256", "encode", "decode", "write_atomic",
]

#: Version of the code behind each unit. Bump a unit's number whenever what it computes changes.
VERSIONS = {
    # answer log-probabilities and prompt lengths of a block of inputs' prompts (3: <bos> as the tokenizer puts
    # it; 4: a block of inputs per entry, scored in one batched call; 5: the all-information prompts apart;
    # 6: batches of similar lengths, see batching._pack)
    "scores": 6,
    # greedy continuations of a block of inputs' prompts (3: <bos> as in scoring; 4: blocks; 5: as scores 6)
    "generations": 5,
    "sandbox": 2,  # pass/fail of one program (2: bubblewrap; passed only on the end marker, not exit status)
    "embeddings": 1,  # sentence embeddings of up to 256 questions (the items' retrieval)
}

def cache_dir() -> Path:
    """The root of everything cached: ``$PERSUASION_CACHE``, or ``~/.cache/persuasion`` when it is unset.

    Results live under ``store/``, converted Receivers under ``receivers/``, data under ``data/``.

    >>> import os
    >>> saved = os.environ.get("PERSUASION_CACHE")
    >>> os.environ["PERSUASION_CACHE"] = "/tmp/my-cache"
    >>> cache_dir()
    PosixPath('/tmp/my-cache')
    >>> del os.environ["PERSUASION_CACHE"]
    >>> cache_dir() == Path.home() / ".cache" / "persuasion"
    True
    >>> if saved is not None:  # put the caller's setting back
    ...     os.environ["PERSUASION_CACHE"] = saved
    """
    return Path(os.environ.get("PERSUASION_CACHE", Path.home() / ".cache" / "persuasion"))


_MAGIC = "persuasion-cache-2"  # 2: the payload holds the key as well as the value
_OLD_MAGIC = ("persuasion-cache-1",)


class CacheWarning(UserWarning):
    """A cache file could not be read; the entry is recomputed.

    >>> import tempfile, warnings
    >>> store = Store(tempfile.mkdtemp())
    >>> store.put("sandbox", {"x": 2}, 4)
    >>> _ = store.path("sandbox", {"x": 2}).write_text("garbage")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     print(store.get("sandbox", {"x": 2}))
    None
    >>> caught[0].category.__name__
    'CacheWarning'
    """


def encode(value: object):
    """``value`` as JSON data; numpy arrays as ``{"__ndarray__": dtype, "shape", "data"}``, exactly (see decode).

    >>> encode({"a": np.array([[1, 2]], dtype=np.int64), "b": np.float64(0.5)})
    {'a': {'__ndarray__': '<i8', 'shape': [1, 2], 'data': [1, 2]}, 'b': 0.5}
    """
    if isinstance(value, np.ndarray):
        return {"__ndarray__": value.dtype.str, "shape": list(value.shape), "data": value.ravel().tolist()}
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        return value.item()
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def decode(value: object):
    """The inverse of :func:`encode`: arrays come back with their dtype and shape, floats bit for bit.

    >>> decode({"__ndarray__": "<f8", "shape": [2], "data": [0.1, 0.2]})
    array([0.1, 0.2])
    >>> x = np.array([[1 / 3]], dtype=np.float32)
    >>> y = decode(encode(x))
    >>> y.dtype, y.shape, bool((x == y).all())
    (dtype('float32'), (1, 1), True)
    """
    if isinstance(value, dict):
        if "__ndarray__" in value:
            return np.asarray(value["data"], dtype=np.dtype(value["__ndarray__"])).reshape(value["shape"])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def _canonical(data) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def _key_record(unit: str, key: dict) -> dict:
    """``{"unit", "version", **key}`` as JSON data: what an entry is computed for, and what it stores."""
    if unit not in VERSIONS:
        raise ValueError(f"unit must be one of {sorted(VERSIONS)}; got {unit!r}")
    return {"unit": unit, "version": VERSIONS[unit], **encode(key)}


def key_digest(unit: str, key: dict) -> str:
    """SHA-256 of the canonical JSON of ``{"unit", "version", **key}``.

    >>> digest = key_digest("sandbox", {"x": 2})
    >>> (
    ...     len(digest),
    ...     digest == key_digest("sandbox", {"x": 2}),
    ...     digest == key_digest("scores", {"x": 2}),
    ... )
    (64, True, False)
    >>> # order does not matter
    >>> key_digest("sandbox", {"x": 2, "y": 3}) == key_digest("sandbox", {"y": 3, "x": 2})
    True
    """
    return hashlib.sha256(_canonical(_key_record(unit, key)).encode()).hexdigest()


def file_sha256(path: str | os.PathLike[str], *, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's content.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "a.txt"
    ...     _ = path.write_text("abc")
    ...     file_sha256(path)
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    """
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (ASCII) to ``path`` through a temporary file in the same folder: whole or not at all.

    Missing folders are created; no temporary file is left behind.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_atomic(Path(folder) / "sub" / "entry.json", '{"a": 1}')
    ...     print((Path(folder) / "sub" / "entry.json").read_text())
    ...     print(sorted(p.name for p in (Path(folder) / "sub").iterdir()))
    {"a": 1}
    ['entry.json']
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Store:
    """The cache under ``root`` (one file per entry); counts hits and misses per unit.

    ``Store(None)`` is the default location, ``$PERSUASION_CACHE/store``
    (``~/.cache/persuasion/store`` when the variable is unset).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     store = Store(folder)
    ...     print(store.get("sandbox", {"program": "print(1)"}))
    ...     store.put("sandbox", {"program": "print(1)"}, {"passed": True})
    ...     print(
    ...         store.get("sandbox", {"program": "print(1)"}),
    ...         store.count("sandbox"),
    ...         store.count(),
    ...     )
    None
    {'passed': True} 1 1
    """

    def __init__(self, root: str | os.PathLike[str] | None = None):
        if root is None:
            root = cache_dir() / "store"
        self.root = Path(root)
        self.enabled = True
        self.hits: Counter = Counter()
        self.misses: Counter = Counter()

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r})"

    def path(self, unit: str, key: dict) -> Path:
        digest = key_digest(unit, key)
        return self.root / unit / digest[:2] / f"{digest}.json"

    def get(self, unit: str, key: dict):
        """The cached value, or ``None`` when absent or unreadable (one warning line then)."""
        path = self.path(unit, key)
        try:
            text = path.read_text(encoding="ascii")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as err:
            warnings.warn(f"cache entry {path} unreadable ({type(err).__name__}); recomputing it", CacheWarning,
                          stacklevel=2)
            return None
        head, _, payload = text.partition("\n")
        parts = head.split(" ")
        if len(parts) == 2 and parts[0] in _OLD_MAGIC:
            return None  # the earlier format, without the key: recomputed (and rewritten) silently
        if len(parts) != 2 or parts[0] != _MAGIC or hashlib.sha256(payload.encode()).hexdigest() != parts[1]:
            warnings.warn(f"cache entry {path} is truncated or corrupt (checksum mismatch); recomputing it",
                          CacheWarning, stacklevel=2)
            return None
        try:
            entry = json.loads(payload)
            stored, value = entry["key"], entry["value"]
        except (ValueError, TypeError, KeyError) as err:
            warnings.warn(f"cache entry {path} does not parse ({type(err).__name__}: {err}); recomputing it",
                          CacheWarning, stacklevel=2)
            return None
        if _canonical(stored) != _canonical(_key_record(unit, key)):
            warnings.warn(f"cache entry {path} holds the result of another key (a file copied or moved there); "
                          "recomputing it", CacheWarning, stacklevel=2)
            return None
        return decode(value)

    def put(self, unit: str, key: dict, value: object) -> None:
        """Write ``value`` (JSON data and numpy arrays) atomically, with the key it was computed for."""
        entry = {"key": _key_record(unit, key), "value": encode(value)}  # the value's own order is kept
        payload = json.dumps(entry, ensure_ascii=True, separators=(",", ":"))
        write_atomic(self.path(unit, key), f"{_MAGIC} {hashlib.sha256(payload.encode()).hexdigest()}\n{payload}")

    def get_or_compute(self, unit: str, key: dict, compute: Callable[[], object]):
        """The cached value of ``key``, or ``compute()`` stored under it."""
        value = self.get(unit, key)
        if value is not None:
            self.hits[unit] += 1
            return value
        self.misses[unit] += 1
        value = compute()
        self.put(unit, key, value)
        return value

    def count(self, unit: str | None = None) -> int:
        """Number of entries on disk (of one unit, or of all)."""
        folder = self.root if unit is None else self.root / unit
        return sum(1 for _ in folder.rglob("*.json")) if folder.exists() else 0


class NoStore(Store):
    """A cache that stores nothing (``cache=False``)."""

    def __init__(self):
        super().__init__(root=os.devnull)
        self.enabled = False

    def get(self, unit: str, key: dict) -> None:
        return None

    def put(self, unit: str, key: dict, value: object) -> None:
        return None

    def count(self, unit: str | None = None) -> int:
        return 0


def as_store(cache: Store | str | os.PathLike[str] | Literal[False] | None) -> Store:
    """``None`` → the default store, ``False`` → none, a path → a store there, a :class:`Store` as it is."""
    if isinstance(cache, Store):
        return cache
    if cache is None:
        return Store()
    if cache is False:
        return NoStore()
    if isinstance(cache, (str, os.PathLike)):
        return Store(Path(cache) / "store")
    raise ValueError(f"cache must be None, False, a folder or a Store; got {type(cache).__name__}")
