"""How many distinct prompts an evaluation generated from, per test input, read from a cache's entries.

    python benchmarks/count_generation_prompts.py $PERSUASION_CACHE          # after chapter 7 has run

Each ``generations`` entry of the store is one block of test inputs; its key
holds every input's distinct prompts (the draws of all structures, repeats
removed). The mean count against the nine prompts an input is scored on is
what a Receiver stage that generated from every prompt would cost in
generation, before batching effects. Counts no time: nothing is run.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from persuasion.llm.cache import VERSIONS

PROMPTS_SCORED = 9  # seven items, no information, all information


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cache", type=Path, help="a PERSUASION_CACHE folder (its store/generations entries)")
    args = parser.parse_args()
    folder = args.cache / "store" / "generations"
    if not folder.is_dir():
        raise SystemExit(f"cache: no generations at {folder}; run chapter 7 with PERSUASION_CACHE={args.cache}")
    counts = defaultdict(list)  # (max_new_tokens, receiver) -> distinct prompts of each input
    for path in sorted(folder.rglob("*.json")):
        key = json.loads(path.read_text().partition("\n")[2])["key"]
        if key.get("version") != VERSIONS["generations"]:
            continue
        counts[key["max_new_tokens"], key["receiver"][:12]] += [len(p) for p in key["prompts"]]
    print("| new tokens at most | Receiver (fingerprint) | inputs | distinct prompts per input | 9 / that |")
    print("|---:|---|---:|---:|---:|")
    for (tokens, receiver), per_input in sorted(counts.items()):
        mean = sum(per_input) / len(per_input)
        print(f"| {tokens} | {receiver} | {len(per_input)} | {mean:.2f} | {PROMPTS_SCORED / mean:.2f} |")


if __name__ == "__main__":
    main()
