"""What an item's form costs: retrieved GSM8K problems with and without their worked solutions.

    GSM8K_DIR=path/to/gsm8k python benchmarks/bench_items.py                  # SmolLM2, one block
    GSM8K_DIR=path/to/gsm8k python benchmarks/bench_items.py --receiver gemma-3-270m --no-generate

The workload is one block of chapter 7 at book scale on GSM8K (the first 8
test inputs of ``config_for("gsm8k", "book")``, their seven retrieved items
each): scoring every input's nine prompts, and generating (chain of thought,
256 new tokens at most) from its no-information, all-information and four
one-item prompts (items 1, 3, 5 and 7). The items are built three ways from
the same retrieved problems:

* ``question+answer``: "A solved problem: <question> The answer is N." (the
  library's :func:`~persuasion.llm.items.solved_item`);
* ``solution+answer``: the worked solution without the question;
* ``question+solution+answer``: the question, the worked solution and the answer.

First the token lengths of each form over the retrieval pool (the first
1,000 training problems), then the seconds of each stage, one run per form,
in the order above. Needs GSM8K (``GSM8K_DIR`` or ``make data``). Prints
Markdown; results.md holds recorded runs.
"""

from __future__ import annotations

import argparse
import functools
import platform

import numpy as np
import torch

import persuasion
from persuasion.llm.config import config_for
from persuasion.llm.items import build_items
from persuasion.llm.models import load_encoder, load_receiver
from persuasion.llm.prompts import count_tokens, generation_prompt, generation_stops, reference_answer, task_prompt
from persuasion.llm.receiver import generate
from persuasion.llm.tasks import draw_inputs, retrieval_pool
from persuasion.llm.utilities import _score_block
from persuasion.protocol import Structure
from timing import best_of

FORMS = {
    "question+answer": lambda p: f"A solved problem: {p.question} The answer is {p.answer}.",
    "solution+answer": lambda p: f"A similar problem was solved so: {p.reasoning} The answer is {p.answer}.",
    "question+solution+answer": lambda p: (f"A solved problem: {p.question} Solution: {p.reasoning} "
                                           f"The answer is {p.answer}."),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--receiver", default="smollm2-135m-instruct")
    parser.add_argument("--no-generate", action="store_true", help="time scoring only")
    args = parser.parse_args()

    config = config_for("gsm8k", "book")
    inputs = draw_inputs(config)
    pool = retrieval_pool(inputs, config.pool)
    nearest = build_items(inputs, pool, load_encoder(), cache=None, progress=False).sources
    receiver = load_receiver(args.receiver, device="cpu")
    by_id = {p.id: p for p in pool}
    test = [inputs.problems[k] for k in inputs.rows["test"][: config.block_inputs]]

    print(f"persuasion {persuasion.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads), "
          f"Python {platform.python_version()}, {platform.machine()}, {args.receiver}\n")
    print(f"| item form | tokens an item, mean over the {len(pool)} pool problems | median | 90th percentile |")
    print("|---|---:|---:|---:|")
    for name, form in FORMS.items():
        n = np.array([count_tokens(receiver.tokenizer, form(p)) for p in pool])
        print(f"| {name} | {n.mean():.1f} | {np.median(n):.0f} | {np.percentile(n, 90):.0f} |")

    print("\n| item form | scoring: prompts | tokens | seconds | generation: prompts | new tokens | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    stop = generation_stops("math", receiver.chat)
    for name, form in FORMS.items():
        prompts = []
        for p in test:
            items = [form(by_id[i]) for i in nearest[p.id]]
            prompts.append([task_prompt(receiver, p, items, Structure.POSTERIOR, item=c, shots=inputs.shots)
                            for c in range(len(items))]
                           + [task_prompt(receiver, p, items, s, shots=inputs.shots)
                              for s in (Structure.NO, Structure.ALL)])
        answers = [reference_answer(p) for p in test]
        seconds, scored = best_of(functools.partial(_score_block, receiver, prompts, answers))
        row = f"| {name} | {sum(map(len, prompts))} | {int(scored['tokens'].sum())} | {seconds:.1f} |"
        if args.no_generate:
            print(row + " not run | | |")
            continue
        shown = [generation_prompt(qs[k]) for qs in prompts for k in (7, 8, 0, 2, 4, 6)]
        seconds, texts = best_of(functools.partial(generate, receiver, shown, max_new_tokens=256, stop=stop))
        new = sum(count_tokens(receiver.tokenizer, t) for t in texts)
        print(f"{row} {len(shown)} | {new} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
