"""Generation of one block with the packing before and after batches of similar lengths (``batching._pack``).

    python benchmarks/ab_packing.py smollm2-135m-instruct 2    # Receiver, rounds (old new old new ...)

One block of chapter 7 at book scale: 8 synthetic inputs, each input's no-information, all-information and four
one-item prompts (48 prompts), at most 256 new tokens, stopped as in the chapter. *old* sorts units by the length
after their shared prefix and fills batches up to the batch size whatever their lengths (the packing before);
*new* is the package's. Prints each run's seconds and how many texts are the same.
"""

import sys
import time

import persuasion.llm.batching as B
import persuasion.llm.receiver as R
from persuasion.llm.config import config_for
from persuasion.llm.items import build_items
from persuasion.llm.models import load_encoder, load_receiver
from persuasion.llm.prompts import generation_prompt, generation_stops, task_prompt
from persuasion.llm.tasks import draw_inputs, retrieval_pool
from persuasion.protocol import Structure

new_units, new_pack = B._units, B._pack
def old_units(seqs, extra):
    units = new_units(seqs, extra)
    return sorted(units, key=lambda u: (max(len(seqs[k]) + extra[k] for k in u[0]) - u[1], u[1]))
def old_pack(units, size, width):
    return new_pack(units, size, [0] * len(width))

config = config_for("synthetic", "book")
inputs = draw_inputs(config)
problems = inputs.problems[:8]
items = build_items(inputs, retrieval_pool(inputs, config.pool), load_encoder(), cache=None, progress=False).by_input
name = sys.argv[1]
receiver = load_receiver(name, device="cpu")
prompts = [[task_prompt(receiver, p, items[p.id], Structure.POSTERIOR, item=c, shots=inputs.shots) for c in range(7)]
           + [task_prompt(receiver, p, items[p.id], s, shots=inputs.shots) for s in (Structure.NO, Structure.ALL)]
           for p in problems]
gen = [generation_prompt(qs[c], "math") for qs in prompts for c in (7, 8, 0, 1, 2, 3)]
stop = generation_stops("math", receiver.chat)
out = {}
times = {"old": [], "new": []}
for rnd in range(int(sys.argv[2])):
    for which in ("old", "new"):
        R._units, R._pack = (old_units, old_pack) if which == "old" else (new_units, new_pack)
        t = time.perf_counter()
        out[which] = R.generate(receiver, gen, max_new_tokens=256, stop=stop)
        times[which].append(time.perf_counter() - t)
        print(which, rnd, f"{times[which][-1]:.1f} s", flush=True)
same = sum(a == b for a, b in zip(out["old"], out["new"]))
print(name, {k: [round(x, 1) for x in v] for k, v in times.items()}, f"identical texts {same}/{len(gen)}")
