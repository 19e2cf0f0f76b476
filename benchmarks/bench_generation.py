"""Greedy generation (new tokens/s) and answer scoring (scored tokens/s) against batch size.

    python benchmarks/bench_generation.py                       # CPU, torch's default threads
    python benchmarks/bench_generation.py --threads 1 --repeat 3
    python benchmarks/bench_generation.py --threads 1,2      # each configuration at 1 and at 2 threads
    python benchmarks/bench_generation.py --device cuda --prompts 256

The workload is the experiment's: SmolLM2-135M-Instruct, chat prompts of
GSM8K-like questions with one hint each (the posterior structure), greedy
continuations of at most 32 new tokens cut at the first newline (the book's
math setting at full scale), and the reference answer scored after each
prompt.

Generation: ``old`` is the implementation before batched decoding
(transformers' ``model.generate``, ``batch_size`` prompts at a time in the
given order; ``old 8`` is what the experiment ran), ``new`` is
:func:`persuasion.llm.receiver.generate` (prompts sorted by length, finished
rows dropped). Every configuration must give the texts of ``old 8``; new
tokens are the tokens of those texts. Scoring: ``per input`` scores each
input's prompts in its own call (as the utilities stage does), ``batched``
scores all prompts in one call with the given batch size.

Configurations run in turn, A B C ... A B C ..., ``--repeat`` rounds, so a
machine whose speed drifts affects them alike; the table gives the median
time and the median over rounds of each configuration's speed-up against
the baseline of its round. Prints Markdown; results.md holds recorded runs.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np
import torch

import persuasion
from persuasion.llm import batching
from persuasion.llm import receiver as receiver_module
from persuasion.llm.models import load_receiver
from persuasion.llm.prompts import build_prompt
from persuasion.protocol import Structure

QUESTIONS = [
    ("A baker makes {a} rolls and sells {b}. How many rolls are left?", lambda a, b: a - b),
    ("Tom has {a} marbles and wins {b} more. How many marbles does he have?", lambda a, b: a + b),
    ("A box holds {a} pens. How many pens are in {b} boxes?", lambda a, b: a * b),
    ("Ada reads {a} pages a day for {b} days. How many pages does she read?", lambda a, b: a * b),
]
HINTS = [
    "First find how many are left.",
    "The quantities given are {a} and {b}.",
    "Work it out step by step; the solution takes 1 calculation.",
    "Write down the operation before computing it.",
]


def workload(tokenizer, n: int):
    """``n`` prompts (question x hint) and their reference answers."""
    prompts, answers = [], []
    k = 0
    while len(prompts) < n:
        template, f = QUESTIONS[k % len(QUESTIONS)]
        a, b = 7 + 3 * k, 2 + k % 5
        items = [h.format(a=a, b=b) for h in HINTS]
        for c in range(len(items)):
            if len(prompts) < n:
                prompts.append(build_prompt(tokenizer, template.format(a=a, b=b), items, Structure.POSTERIOR, item=c))
                answers.append(f" {f(a, b)}")
        k += 1
    return prompts, answers


def interleaved(configs: dict, repeat: int):
    """Run each configuration once per round; return {name: (times, last result)}."""
    times, results = {name: [] for name in configs}, {}
    for _ in range(repeat):
        for name, fn in configs.items():
            start = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - start)
    return times, results


def per_thread_count(configs: dict, threads: list) -> dict:
    """Each configuration under each thread count (named with it where there are several)."""
    if len(threads) == 1:
        return configs

    def at(fn, n):
        def run():
            torch.set_num_threads(n)
            return fn()

        return run

    return {f"{name}, {n} thread{'s' * (n > 1)}": at(fn, n) for name, fn in configs.items() for n in threads}


def table(title: str, unit: str, configs_times: dict, work: float, baseline: str):
    print(f"\n| {title} | median seconds | {unit} | speed-up vs {baseline} (median over rounds) |")
    print("|---|---:|---:|---:|")
    for name, ts in configs_times.items():
        ratios = [b / t for b, t in zip(configs_times[baseline], ts)]
        print(f"| {name} | {statistics.median(ts):.2f} | {work / statistics.median(ts):.0f} | "
              f"{statistics.median(ratios):.2f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--prompts", type=int, default=32, help="number of prompts (default 32)")
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--threads", default=None,
                        help="torch.set_num_threads; several (comma-separated): each configuration at each")
    parser.add_argument("--batch-sizes", default="8,16,32,64", help="new path's batch sizes (comma-separated)")
    parser.add_argument("--no-old-1", action="store_true", help="leave out the old path at batch size 1 (slow)")
    args = parser.parse_args()
    threads = [int(t) for t in args.threads.split(",")] if args.threads else [torch.get_num_threads()]
    torch.set_num_threads(threads[0])
    r = load_receiver("smollm2-135m-instruct", device=args.device)
    print(f"persuasion {persuasion.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads), "
          f"Python {platform.python_version()}, {platform.machine()}, device {r.device}"
          + (f" ({torch.cuda.get_device_name()})" if r.device.type == "cuda" else ""))
    prompts, answers = workload(r.tokenizer, args.prompts)
    sizes = [int(s) for s in args.batch_sizes.split(",")]
    n, stop = args.max_new_tokens, ("\n",)
    receiver_module.generate(r, prompts[:2], max_new_tokens=2)  # warm up (and the head's one-off check)

    def old(bs):
        return lambda: receiver_module._generate_reference(r, prompts, max_new_tokens=n, stop=stop, batch_size=bs)

    def new(bs):
        return lambda: receiver_module.generate(r, prompts, max_new_tokens=n, stop=stop, batch_size=bs)

    configs = {"old 8": old(8)}
    if not args.no_old_1:
        configs["old 1"] = old(1)
    configs.update({f"new {bs}": new(bs) for bs in sizes})
    configs = per_thread_count(configs, threads)
    times, results = interleaved(configs, args.repeat)
    reference = results[next(iter(configs))]
    new_tokens = sum(len(r.tokenizer(t, add_special_tokens=False).input_ids) for t in reference)
    same = {name: texts == reference for name, texts in results.items()}
    print(f"\n{len(prompts)} prompts, greedy, at most {n} new tokens, stop at a newline: {new_tokens} new tokens "
          f"in all; every configuration gives the texts of old 8: {all(same.values())} "
          + ("" if all(same.values()) else f"({same})"))
    print(f"(threads: {', '.join(map(str, threads))})")
    table("generation", "new tokens/s", times, new_tokens, next(iter(configs)))

    per_input = [list(range(k, min(k + len(HINTS), len(prompts)))) for k in range(0, len(prompts), len(HINTS))]

    def score_per_input():
        return np.concatenate([
            receiver_module.answer_logprobs(r, [prompts[k] for k in ks], [answers[k] for k in ks], batch_size=len(ks))
            for ks in per_input
        ])

    def score(bs):
        return lambda: receiver_module.answer_logprobs(r, prompts, answers, batch_size=bs)

    configs = {"per input (batch 4)": score_per_input}
    configs.update({f"batched {bs}": score(bs) for bs in sizes})
    configs = per_thread_count(configs, threads)
    times, results = interleaved(configs, args.repeat)
    scored = sum(len(batching.prompt_ids(r.tokenizer, p)) + len(r.tokenizer(a, add_special_tokens=False)
                                                                        .input_ids) for p, a in zip(prompts, answers))
    gap = max(np.abs(v - results[next(iter(configs))]).max() for v in results.values())
    print(f"\nscoring {len(prompts)} prompts + answers, {scored} tokens in all; max difference between "
          f"configurations {gap:.1e} nats")
    table("scoring", "scored tokens/s", times, scored, next(iter(configs)))


if __name__ == "__main__":
    main()
