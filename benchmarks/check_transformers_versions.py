"""Scores and generations of both Receivers under two transformers versions: they must agree.

``answer_logprobs`` must not depend on version-specific transformers
semantics. This script prints the transformers version and, for SmolLM2 and
Gemma-3, the fast and naive answer log-probabilities and the greedy
generations of a fixed set of prompts, and saves them to JSON; ``compare``
prints the largest differences between two such files.

Run from the repository root, first under the locked transformers, then
under 5.17.0 with huggingface-hub 1.33 from a side folder::

    .venv/bin/pip install --target /tmp/tf517 --no-deps transformers==5.17.0 'huggingface-hub==1.33.*' \\
        httpx httpcore h11 anyio sniffio
    .venv/bin/python benchmarks/check_transformers_versions.py run /tmp/tf_locked.json
    PYTHONPATH=/tmp/tf517 .venv/bin/python benchmarks/check_transformers_versions.py run /tmp/tf517.json
    .venv/bin/python benchmarks/check_transformers_versions.py compare /tmp/tf_locked.json /tmp/tf517.json

(transformers 5.17 takes tokenizers, safetensors, typer, click and hf-xet
from the venv; it requires tokenizers >=0.23.1,<0.24.)

Run the locked version first: both runs load the Receivers from the cache
under ``$PERSUASION_CACHE`` (default ``~/.cache/persuasion``), and a cache
written by transformers 5.17 from the GGUF files holds a wrong tokenizer
(Gemma: different token ids and no ``<bos>``; SmolLM2: ``<|im_start|>`` as the
end-of-sequence token), so the script refuses to create one: under a
version other than the locked one it needs the cache to exist already.
``compare`` exits with status 1 when scores differ by more than 1e-4 nats or
any generation differs.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

import bench_scoring  # noqa: E402  (same folder: run as a script)

RECEIVERS = ["smollm2-135m-instruct", "gemma-3-270m"]
LOCKED = "5.23.0"  # requirements.lock
TOLERANCE = 1e-4  # nats

# The prompts of bench_scoring.py (a few-shot prefix shared by one-item prompts), four of its items.
ITEMS = [bench_scoring.ITEMS[i] for i in (0, 1, 2, 4)]
# Longer than Gemma-3's 512-token sliding window, so its sliding-window cache layers are exercised.
LONG = "".join(f"Q: What is {a} + {a + 3}?\nA: {2 * a + 3}\n" for a in range(60)) + "Q: What is 100 + 103?\nA:"


def prompts_and_answers():
    prompts = [bench_scoring.SHOTS + bench_scoring.QUESTION + item + "\nA:" for item in ITEMS]
    prompts += ["The capital of France is", LONG]
    answers = [" 14", " 14 rolls", " 7 rolls, then 14 new rolls.", " 14", " Paris, the city of light", " 203"]
    return prompts, answers


def run(path: str) -> None:
    import transformers

    from persuasion.llm.cache import cache_dir
    from persuasion.llm.models import load_receiver
    from persuasion.llm.receiver import answer_logprobs, answer_logprobs_naive, generate

    version = transformers.__version__
    print(f"transformers {version} ({transformers.__file__})")
    if version != LOCKED:
        missing = [n for n in RECEIVERS if not list((cache_dir() / "receivers").glob(f"{n}-*/model.safetensors"))]
        if missing:
            sys.exit(f"no cached Receiver for {missing} under {cache_dir()}: run this script under the locked "
                     f"transformers ({LOCKED}) first; "
                     f"transformers {version} would cache a wrong tokenizer from the GGUF")
    prompts, answers = prompts_and_answers()
    result = {"transformers": version, "receivers": {}}
    for name in RECEIVERS:
        r = load_receiver(name, device="cpu")
        tok = r.tokenizer
        fast = answer_logprobs(r, prompts, answers)
        fast3 = answer_logprobs(r, prompts, answers, batch_size=3)
        naive = answer_logprobs_naive(r, prompts, answers)
        texts = generate(r, prompts[:5], max_new_tokens=16, stop=("\n",))
        long_text = generate(r, [prompts[5]], max_new_tokens=8)
        result["receivers"][name] = {
            "tokenizer": {"class": type(tok).__name__, "ids": tok("Hello world").input_ids, "eos": tok.eos_token,
                          "pad": tok.pad_token, "add_bos_token": getattr(tok, "add_bos_token", None)},
            "fast": fast.tolist(), "fast_batch3": fast3.tolist(), "naive": naive.tolist(),
            "generations": texts + long_text,
        }
        print(f"\n{name}: tokenizer {result['receivers'][name]['tokenizer']}")
        print(f"  fast  {np.array2string(fast, precision=6)}")
        print(f"  naive {np.array2string(naive, precision=6)}   max |fast - naive| = {np.abs(fast - naive).max():.2e}")
        for t in texts + long_text:
            print(f"  generated: {t!r}")
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
    print(f"\nsaved {path}")


def compare(a_path: str, b_path: str) -> int:
    a, b = (json.load(open(p)) for p in (a_path, b_path))
    print(f"transformers {a['transformers']} vs {b['transformers']}")
    bad = False
    for name in RECEIVERS:
        ra, rb = a["receivers"][name], b["receivers"][name]
        diffs = {k: float(np.abs(np.array(ra[k]) - np.array(rb[k])).max()) for k in ("fast", "fast_batch3", "naive")}
        same_text = ra["generations"] == rb["generations"]
        same_tok = ra["tokenizer"] == rb["tokenizer"]
        print(f"{name}: max |diff| " + ", ".join(f"{k} {v:.2e}" for k, v in diffs.items())
              + f"; generations identical: {same_text}; tokenizer identical: {same_tok}")
        if not same_tok:
            print(f"  tokenizer {ra['tokenizer']} vs {rb['tokenizer']}")
        bad |= max(diffs.values()) > TOLERANCE or not same_text
    return int(bad)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run").add_argument("output")
    c = sub.add_parser("compare")
    c.add_argument("a")
    c.add_argument("b")
    args = parser.parse_args()
    if args.command == "run":
        run(args.output)
    else:
        sys.exit(compare(args.a, args.b))


if __name__ == "__main__":
    main()
