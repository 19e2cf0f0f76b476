"""The content-addressed cache: keys capture what determines an entry; bad files are recomputed, never read.

The integration tests run the experiment on a small GSM8K-format folder written
here (the real GSM8K is never needed or committed), so they run on every
machine.
"""

import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

from persuasion.llm.cache import VERSIONS, CacheWarning, Store, as_store, key_digest
from tests.conftest import share_models

# -- the store on its own ------------------------------------------------------------


def test_every_part_of_a_key_changes_its_file(tmp_path, monkeypatch):
    key = {"receiver": "abc", "prompts": ["p1", "p2"], "answer": " 7"}
    base = key_digest("scores", key)
    assert key_digest("scores", dict(key)) == base  # canonical: the same content, the same digest
    for changed in ({**key, "receiver": "abd"}, {**key, "prompts": ["p1", "p2 "]}, {**key, "answer": " 8"}):
        assert key_digest("scores", changed) != base
    assert key_digest("generations", key) != base
    monkeypatch.setitem(VERSIONS, "scores", VERSIONS["scores"] + 1)
    assert key_digest("scores", key) != base


def test_values_round_trip_exactly(tmp_path):
    store = Store(tmp_path)
    value = {"scores": np.array([-1.0 / 3, -2e-17, -123.456789012345]), "tokens": np.arange(9),
             "texts": ["a", "é ü"], "flag": False}
    store.put("scores", {"k": 1}, value)
    back = Store(tmp_path).get("scores", {"k": 1})
    assert back["scores"].dtype == np.float64 and np.array_equal(back["scores"], value["scores"])
    assert back["tokens"].tolist() == list(range(9)) and back["texts"] == ["a", "é ü"] and back["flag"] is False
    assert not list(tmp_path.rglob(".tmp-*")), "a temporary file was left behind"


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "flip"])
def test_a_damaged_entry_warns_once_and_is_recomputed(tmp_path, damage):
    store = Store(tmp_path)
    key = {"prompts": ["x"]}
    store.put("scores", key, {"scores": np.array([-1.5, -2.5])})
    path = store.path("scores", key)
    text = path.read_text()
    path.write_text({"truncate": text[: len(text) // 2], "garbage": "\x00not json at all", "empty": "",
                     "flip": text.replace("-1.5", "-1.6")}[damage])
    calls = []
    with pytest.warns(CacheWarning) as record:
        value = store.get_or_compute("scores", key, lambda: calls.append(1) or {"scores": np.array([-1.5, -2.5])})
    assert len(record) == 1 and str(path) in str(record[0].message) and "\n" not in str(record[0].message)
    assert calls == [1] and value["scores"].tolist() == [-1.5, -2.5]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert store.get("scores", key)["scores"].tolist() == [-1.5, -2.5]  # rewritten whole


def test_as_store_and_bad_cache_argument(tmp_path):
    assert as_store(tmp_path).root == tmp_path / "store"
    assert as_store(False).get("scores", {"a": 1}) is None
    with pytest.raises(ValueError, match="cache must be None, False, a folder or a Store; got int"):
        as_store(3)
    with pytest.raises(ValueError, match="unit must be one of"):
        key_digest("nonsense", {})


# -- a GSM8K-format folder written here ------------------------------------------------


def write_gsm8k(folder, n=12, seed=5, change=None):
    """A folder in GSM8K's format (socratic test split, plain train split) built from synthetic problems.

    ``change``: ``(line, new_answer)`` replaces one test problem's final answer.
    """
    from persuasion.llm.tasks import synthetic_problems

    folder.mkdir(parents=True, exist_ok=True)

    def record(p, answer, socratic):
        steps = [f"{sub} ** {step}" if socratic else step for sub, step in zip(p.subquestions, p.steps)]
        return json.dumps({"question": p.question, "answer": "\n".join(steps + [f"#### {answer}"])})

    test = synthetic_problems(n, seed)
    lines = [record(p, p.answer, True) for p in test]
    if change is not None:
        line, answer = change
        lines[line] = record(test[line], answer, True)
    (folder / "test_socratic.jsonl").write_text("\n".join(lines) + "\n")
    train = synthetic_problems(30, seed + 1)
    (folder / "train.jsonl").write_text("\n".join(record(p, p.answer, False) for p in train) + "\n")
    return folder


@pytest.mark.llm
def test_changing_one_answer_recomputes_exactly_that_problems_entries(tmp_path, monkeypatch, tiny_receiver):
    from persuasion.llm.config import config_for
    from persuasion.llm.experiment import run_task

    monkeypatch.setenv("GSM8K_DIR", str(write_gsm8k(tmp_path / "a")))
    config = config_for("gsm8k", "smoke", steps=30, block_inputs=2)  # 6 inputs: 3 blocks of 2
    first = Store(tmp_path / "cache")
    a = run_task(config, [tiny_receiver], cache=first, progress=False)
    assert a.source == "gsm8k" and first.hits == {} and sum(first.misses.values()) > 0
    test_id = a.ids["test"][0]
    line = int(test_id.rsplit("-", 1)[1])
    monkeypatch.setenv("GSM8K_DIR", str(write_gsm8k(tmp_path / "b", change=(line, "99999"))))
    second = Store(tmp_path / "cache")
    b = run_task(config, [tiny_receiver], cache=second, progress=False)
    # Only the scores of that problem's block are recomputed; its prompts (and so its generations) are unchanged.
    assert dict(second.misses) == {"scores": 1}, dict(second.misses)
    assert a.data_hash != b.data_hash
    name = "tiny-receiver"
    ta, tb = a.tables[name], b.tables[name]
    row = ta.ids.index(test_id)
    block = range(row - row % 2, row - row % 2 + 2)
    outside = [k for k in range(len(ta.ids)) if k not in block]
    assert np.array_equal(ta.items[outside], tb.items[outside]) and np.array_equal(ta.none[outside], tb.none[outside])
    # the other input of the block was scored again in a batch with the changed answer: the same to rounding
    other = [k for k in block if k != row]
    np.testing.assert_allclose(tb.items[other], ta.items[other], atol=1e-4)
    # the reference answer changed, so its log-probabilities did
    assert not np.array_equal(ta.items[row], tb.items[row])


@pytest.mark.llm
def test_a_damaged_score_entry_is_reported_and_recomputed_to_the_same_table(tmp_path):
    from persuasion.llm.items import solved_item
    from persuasion.llm.models import load_receiver
    from persuasion.llm.tasks import synthetic_problems
    from persuasion.llm.utilities import utility_table

    problems = synthetic_problems(2, 3, max_steps=2)
    items = {p.id: [solved_item(q) for q in synthetic_problems(7, 4, max_steps=2)] for p in problems}
    r = load_receiver("smollm2-135m-instruct", device="cpu")
    store = Store(tmp_path)
    first = utility_table(r, problems, items, cache=store, progress=False, block_inputs=1)  # an entry per input
    victim = sorted((tmp_path / "scores").rglob("*.json"))[0]
    victim.write_bytes(victim.read_bytes()[:40])
    again = Store(tmp_path)
    with pytest.warns(CacheWarning) as record:
        second = utility_table(r, problems, items, cache=again, progress=False, block_inputs=1)
    assert len(record) == 1 and "truncated or corrupt" in str(record[0].message)
    assert dict(again.misses) == {"scores": 1} and dict(again.hits) == {"scores": 1}
    assert np.array_equal(first.items, second.items) and np.array_equal(first.all, second.all)


CLI = [sys.executable, "-m", "persuasion.llm.cli", "--scale", "smoke", "--steps", "40", "--quiet"]


@pytest.mark.llm
def test_a_synthetic_run_then_a_gsm8k_run_on_one_cache_equal_a_clean_gsm8k_run(tmp_path, tiny_receiver):
    """Every result of the earlier run (items, tables, generations) is in the mixed cache when the second runs.

    The Receiver is a tiny random model: what is tested is what the cache's keys hold, not a model."""
    data = write_gsm8k(tmp_path / "gsm8k", n=10)
    env = {k: v for k, v in os.environ.items() if k not in ("GSM8K_DIR", "PERSUASION_CACHE")}

    def run(cache, out, gsm8k):
        e = {**env, "PERSUASION_CACHE": str(cache), **({"GSM8K_DIR": str(data)} if gsm8k else {})}
        task = ["--task", "gsm8k" if gsm8k else "synthetic", "--receiver", str(tiny_receiver)]
        proc = subprocess.run(CLI + task + ["--out", str(out)], env=e, capture_output=True, text=True, timeout=1200)
        assert proc.returncode == 0, proc.stderr[-3000:]
        return json.loads((out / "results.json").read_text())

    clean = run(share_models(tmp_path / "clean"), tmp_path / "out-clean", gsm8k=True)
    mixed_cache = share_models(tmp_path / "mixed")
    synthetic = run(mixed_cache, tmp_path / "out-synthetic", gsm8k=False)
    mixed = run(mixed_cache, tmp_path / "out-mixed", gsm8k=True)
    assert synthetic["source"] == "synthetic" and clean["source"] == mixed["source"] == "gsm8k"
    assert clean["receivers"] == ["tiny-receiver"]
    assert mixed == clean


def test_share_models_leaves_results_and_data_apart(tmp_path):
    cache = share_models(tmp_path / "c")
    assert (cache / "receivers").is_symlink() and not (cache / "store").exists() and not (cache / "data").exists()
