"""Answer scoring: shared-prefix KV cache (answer_logprobs) vs one sequence at a time (answer_logprobs_naive).

    python benchmarks/bench_scoring.py            # or: make bench
    python benchmarks/bench_scoring.py --repeat 3

A realistic batch: a few-shot prefix and a question shared by 7 prompts that
differ only in the information item (as in Bai et al.), the reference answer
scored after each; SmolLM2-135M-Instruct on the CPU, 2 threads unless
OMP_NUM_THREADS says otherwise. Also the model's plain forward throughput
(tokens/s of one forward pass over the full sequences) for comparison.
Prints Markdown; results.md holds the output of the last recorded run.
"""

from __future__ import annotations

import argparse
import platform

import numpy as np
import torch

import persuasion
from persuasion.llm.models import load_receiver
from persuasion.llm.receiver import answer_logprobs, answer_logprobs_naive
from timing import best_of

SHOTS = "".join(
    f"Q: {name} has {a} {thing} and gets {b} more. How many {thing} now?\nA: {a + b}\n"
    for name, a, b, thing in [
        ("Tom", 3, 4, "pens"),
        ("Ada", 12, 9, "coins"),
        ("Ben", 7, 8, "books"),
        ("Eli", 21, 5, "shells"),
    ]
)
QUESTION = (
    "Q: A baker makes 12 rolls and sells 5. She then bakes twice as many as are left. How many new rolls?\nHint: "
)
ITEMS = [
    "How many rolls are left?",
    "First: 12 - 5 = ? rolls are left.",
    "The quantities given are 12, 5.",
    "Work it out step by step; the solution takes 2 calculations.",
    "Finally: She bakes 7 * 2 = ? new rolls.",
    "Then add those two amounts: $700 + $450 = ?",
    "How many vacuum cleaners did Melanie have?",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    r = load_receiver("smollm2-135m-instruct", device="cpu")
    print(f"persuasion {persuasion.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads), "
          f"Python {platform.python_version()}, {platform.machine()}")
    prompts = [SHOTS + QUESTION + item + "\nA:" for item in ITEMS]
    answers = [" 14"] * len(prompts)
    answer_logprobs(r, prompts[:2], answers[:2])  # warm up
    t_naive, naive = best_of(lambda: answer_logprobs_naive(r, prompts, answers), args.repeat)
    t_fast, fast = best_of(lambda: answer_logprobs(r, prompts, answers), args.repeat)
    n_tokens = sum(len(r.tokenizer(p + a).input_ids) for p, a in zip(prompts, answers))
    ids = [r.tokenizer(p + a, return_tensors="pt").input_ids for p, a in zip(prompts, answers)]

    def forward():
        with torch.no_grad():
            for x in ids:
                r.model(x)

    t_fwd, _ = best_of(forward, args.repeat)
    print()
    print("| method | seconds for 7 prompts | tokens/s (of the full sequences) | speed-up vs naive |")
    print("|---|---:|---:|---:|")
    print(f"| naive (one sequence at a time) | {t_naive:.3f} | {n_tokens / t_naive:.0f} | 1.00 |")
    print(f"| answer_logprobs (shared prefix) | {t_fast:.3f} | {n_tokens / t_fast:.0f} | {t_naive / t_fast:.2f} |")
    print(f"| plain forward passes (no scoring) | {t_fwd:.3f} | {n_tokens / t_fwd:.0f} | {t_naive / t_fwd:.2f} |")
    print(
        f"\n{len(prompts)} prompts, {n_tokens} tokens in all; "
        f"max |fast - naive| = {np.abs(fast - naive).max():.2e} nats"
    )


if __name__ == "__main__":
    main()
