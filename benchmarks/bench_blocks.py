"""The experiment's two model-bound stages, one input per batched call against blocks of several inputs.

    python benchmarks/bench_blocks.py                          # SmolLM2, 16 synthetic inputs, 256 new tokens
    python benchmarks/bench_blocks.py --receiver gemma-3-270m --blocks 1,8 --inputs 8
    python benchmarks/bench_blocks.py --device cuda --blocks 1,8,64 --inputs 128
    python benchmarks/bench_blocks.py --stages generate --blocks 8 --prompts 6,9   # what generating every prompt costs

The workload is chapter 7's at book scale on the maths task (synthetic
problems, so no data is needed): each input's nine scoring prompts (seven
retrieved solved problems one at a time, no information, all seven), and for
generation each input's no-information, all-information and four one-item
prompts with the chain-of-thought budget, stopped at the first complete "The
answer is N.". ``--prompts 9`` generates from all nine prompts of each input
instead (what a Receiver stage that answered every prompt, not only those the
draws pick, would cost); ``--stages`` picks scoring, generation or both.
``--blocks 0`` is the stages as they ran before blocks (one input per call,
its all-information prompt scored apart); ``1`` is one input
per call of the block code; ``8`` is the stages' default (``--block-inputs``). The scores of every
block size must agree with block 1's to float32 rounding and the texts must be
the same; the table says how many were. Each configuration runs once per
round, in turn (A B A B ...), ``--repeat`` rounds; the table gives the median.
Prints Markdown; results.md holds recorded runs.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np
import torch

import persuasion
from persuasion.llm.cache import NoStore
from persuasion.llm.config import config_for
from persuasion.llm.generation import generate_blocks
from persuasion.llm.items import build_items
from persuasion.llm.models import load_encoder, load_receiver
from persuasion.llm.prompts import count_tokens, generation_prompt, generation_stops, reference_answer
from persuasion.llm.receiver import answer_logprobs
from persuasion.llm.tasks import draw_inputs, retrieval_pool
from persuasion.llm.utilities import _score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--receiver", default="smollm2-135m-instruct")
    parser.add_argument("--inputs", type=int, default=16, help="inputs scored and generated for (default 16)")
    parser.add_argument("--blocks", default="0,8",
                        help="block sizes, comma-separated; 0 is the stage before blocks (default 0,8)")
    parser.add_argument("--tokens", type=int, default=256, help="new tokens at most (default 256, the book's)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--prompts", default="6",
                        help="generation prompts per input, comma-separated: 6 (no, all, items 1-4) or 9 (all)")
    parser.add_argument("--stages", default="score,generate", help="score, generate or both (default both)")
    args = parser.parse_args()
    sizes = [int(b) for b in args.blocks.split(",")]

    config = config_for("synthetic", "book")
    inputs = draw_inputs(config)
    problems = inputs.problems[: args.inputs]
    pool = retrieval_pool(inputs, config.pool)
    items = build_items(inputs, pool, load_encoder(), cache=None, progress=False).by_input
    receiver = load_receiver(args.receiver, device=args.device)
    _, prompts = _score(receiver, problems, items, inputs.shots, NoStore(), False, 1)
    slots = {6: (7, 8, 0, 1, 2, 3), 9: (7, 8, 0, 1, 2, 3, 4, 5, 6)}
    counts = [int(c) for c in args.prompts.split(",")]
    if any(c not in slots for c in counts):
        raise SystemExit(f"--prompts: each must be 6 or 9; got {args.prompts}")
    stages = args.stages.split(",")
    gens = {c: [[generation_prompt(qs[k], "math") for k in slots[c]] for qs in prompts] for c in counts}
    stop = generation_stops("math", receiver.chat)

    def score(size):
        if size == 0:  # the stage before blocks: per input, the short prompts in one call, the long one alone
            return np.array([np.concatenate([
                answer_logprobs(receiver, qs[:-1], [reference_answer(p)] * (len(qs) - 1), batch_size=len(qs) - 1),
                answer_logprobs(receiver, qs[-1:], [reference_answer(p)])]) for qs, p in zip(prompts, problems)])
        table, _ = _score(receiver, problems, items, inputs.shots, NoStore(), False, size)
        return np.column_stack([table.items, table.none, table.all])

    def generate(size, count):
        if size == 0:  # the stage before blocks generated one input per call too
            size = 1
        return generate_blocks(receiver, NoStore(), gens[count], block_inputs=size, max_new_tokens=args.tokens,
                               stop=stop)

    runs = ([("score", s, None) for s in sizes] if "score" in stages else []) + (
        [("generate", s, c) for c in counts for s in sizes] if "generate" in stages else [])
    times = {run: [] for run in runs}
    results = {}
    for _ in range(args.repeat):
        for run in runs:
            what, s, c = run
            start = time.perf_counter()
            results[run] = score(s) if what == "score" else generate(s, c)
            times[run].append(time.perf_counter() - start)

    base = sizes[0]
    scored_tokens = sum(count_tokens(receiver.tokenizer, q) for qs in prompts for q in qs)
    print(f"persuasion {persuasion.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads), "
          f"Python {platform.python_version()}, {platform.machine()}, device {args.device}, {receiver.name}\n")
    print(f"{len(problems)} synthetic inputs; scoring: {len(problems) * 9} prompts, {scored_tokens} tokens; "
          f"generation: {', '.join(str(c) for c in counts)} prompts an input, at most {args.tokens} new tokens\n")
    print("| stage | prompts an input | inputs per block | median seconds | new tokens | tokens/s "
          f"| speed-up vs block {base} | same as block {base} |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for what, s, c in runs:
        t = statistics.median(times[what, s, c])
        t0 = statistics.median(times[what, base, c])
        if what == "score":
            tokens = scored_tokens
            diff = float(np.max(np.abs(results[what, s, c] - results[what, base, c])))
            same = f"max difference {diff:.1e} nats"
        else:
            tokens = sum(count_tokens(receiver.tokenizer, x) for d in results[what, s, c] for x in d.values())
            agree = sum(a == b for a, b in zip(results[what, s, c], results[what, base, c]))
            same = f"{agree} of {len(problems)} inputs"
        print(f"| {what} | {9 if c is None else c} | {s} | {t:.1f} | {tokens if c else ''} | {tokens / t:.0f} "
              f"| {t0 / t:.2f} | {same} |")

if __name__ == "__main__":
    main()
