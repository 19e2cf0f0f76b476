"""The experiment's stages: each runs alone from the command line, reads back what earlier calls saved, and a
second run of a stage computes nothing.

The Receiver is a tiny random model (``tests/conftest.py::tiny_receiver``): what is tested is the pipeline.
"""

import dataclasses
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from persuasion.llm.cache import Store
from persuasion.llm.config import config_for
from persuasion.llm.experiment import STAGES, run_stage, run_task
from tests.conftest import share_models

pytestmark = pytest.mark.llm

RECEIVER = "tiny-receiver"
CLI = [sys.executable, "-m", "persuasion.llm.cli", "--task", "synthetic", "--scale", "smoke", "--steps", "30",
       "--quiet"]


def _cli(stage, out, cache, receiver):
    env = {k: v for k, v in os.environ.items() if k != "GSM8K_DIR"}
    command = (CLI[:3] + ([stage] if stage else []) + CLI[3:]
               + ["--receiver", str(receiver), "--cache", str(cache), "--out", str(out)])
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_each_stage_runs_alone_from_the_command_line_and_starts_from_the_last(tmp_path, tiny_receiver):
    cache, out = share_models(tmp_path / "cache"), tmp_path / "out"
    saved = out / "stages"
    first = _cli("items", out, cache, tiny_receiver)
    assert sorted(p.name for p in saved.iterdir()) == ["data.json", "items.json"]
    assert "items: the items of 6 inputs" in first.stdout
    # the smoke-scale retrieval pool (100 problems: one chunk of up to 256 texts) and the inputs (one chunk)
    assert "cache: embeddings 0 hits / 2 computed" in first.stdout
    items_written = (saved / "items.json").stat().st_mtime_ns
    utilities = _cli("utilities", out, cache, tiny_receiver)
    assert "items: read back" in utilities.stderr and "utilities: computed" in utilities.stderr
    assert (saved / "items.json").stat().st_mtime_ns == items_written  # reused, not written again
    assert "scores 0 hits / 1 computed" in utilities.stdout  # 6 inputs: one block of at most 8
    advisor = _cli("advisor", out, cache, tiny_receiver)
    assert "utilities: read back" in advisor.stderr and "scores" not in advisor.stdout
    evaluate = _cli("evaluate", out, cache, tiny_receiver)
    assert "advisor: read back" in evaluate.stderr and "generations 0 hits / 1 computed" in evaluate.stdout
    report = _cli("report", out, cache, tiny_receiver)
    assert "evaluate: read back" in report.stderr and "cache: not used" in report.stdout  # nothing recomputed
    staged = json.loads((out / "results.json").read_text())
    # results.json holds the exact text of every item of every input, as the items stage made them
    inputs = {i for part in ("train", "val", "test") for i in staged["ids"][part]}
    assert set(staged["items"]) == inputs and {len(its) for its in staged["items"].values()} == {7}
    assert staged["items"] == json.loads((saved / "items.json").read_text())["output"]["by_input"]
    # The same as one run of every stage on the same cache, into another folder: every unit a cache hit.
    whole = _cli(None, tmp_path / "whole", cache, tiny_receiver)
    assert set(re.findall(r"(\d+) computed", whole.stdout)) == {"0"}
    assert json.loads((tmp_path / "whole" / "results.json").read_text()) == staged
    assert sorted(p.name for p in saved.iterdir()) == [f"{s}.json" for s in sorted(STAGES[:-1])]


@pytest.fixture(scope="module")
def receiver(tiny_receiver):
    from persuasion.llm.models import load_receiver

    return load_receiver(tiny_receiver, device="cpu")


def test_a_second_run_of_a_stage_is_all_cache_hits_and_saved_stages_are_read_back(tmp_path, receiver):
    config = config_for("synthetic", "smoke", steps=20)
    first = Store(tmp_path / "store")
    a = run_stage("utilities", config, [receiver], cache=first, progress=False)
    assert set(first.misses) == {"embeddings", "scores"} and not first.hits  # the items' retrieval, the tables
    again = Store(tmp_path / "store")
    b = run_stage("utilities", config, [receiver], cache=again, progress=False)
    assert not again.misses and again.hits == first.misses
    assert np.array_equal(a.tables[RECEIVER].items, b.tables[RECEIVER].items) and a.prompts == b.prompts
    # With an output folder, the stages saved there are read back: the cache is not even consulted.
    out = tmp_path / "out"
    run_stage("advisor", config, [receiver], out=out, cache=Store(tmp_path / "store"), progress=False)
    reread = Store(tmp_path / "store")
    advisors = run_stage("advisor", config, [receiver], out=out, cache=reread, progress=False)
    assert not reread.hits and not reread.misses and set(advisors.policies) == {RECEIVER, f"{RECEIVER} (easy)"}
    # Other Advisor settings retrain the Advisors on the saved tables: the scores are not needed at all.
    other = Store(tmp_path / "store")
    retrained = run_stage("advisor", config_for("synthetic", "smoke", steps=25), [receiver], out=out, cache=other,
                          progress=False)
    assert not other.hits and not other.misses
    assert len(retrained.curves[RECEIVER]["train"]) == 25


def test_saved_stages_are_keyed_by_the_weights_not_by_the_name(tmp_path, receiver, capsys):
    config = config_for("synthetic", "smoke", steps=20)
    out = tmp_path / "out"
    run_stage("utilities", config, [receiver], out=out, cache=Store(tmp_path / "store"), progress=False)
    capsys.readouterr()
    retrained = dataclasses.replace(receiver, fingerprint="0" * 64)  # the same name, other weights
    again = Store(tmp_path / "store")
    run_stage("utilities", config, [retrained], out=out, cache=again, progress=False)
    # 6 inputs: one block of at most 8, computed again
    assert "utilities: computed" in capsys.readouterr().err and again.misses["scores"] == 1 and not again.hits


def test_the_weights_of_a_local_model_are_known_without_loading_it(tmp_path):
    from persuasion.llm.models import Models

    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"weights, first version")
    before = Models([folder]).weights()
    assert set(before) == {"my-model", "encoder"}
    (folder / "model.safetensors").write_bytes(b"weights, second version")
    after = Models([folder]).weights()
    assert after["my-model"] != before["my-model"] and after["encoder"] == before["encoder"]


def test_stages_read_back_give_the_result_of_one_run(tmp_path, receiver):
    config = config_for("synthetic", "smoke", steps=20)
    store = Store(tmp_path / "store")
    whole = run_task(config, [receiver], cache=store, progress=False).to_dict()
    for stage in STAGES:
        assert run_stage(stage, config, [receiver], out=tmp_path / "out", cache=store, progress=False) is not None
    staged = run_stage("report", config, [receiver], out=tmp_path / "out", cache=store, progress=False).to_dict()
    assert json.dumps(staged) == json.dumps(whole)
    with pytest.raises(ValueError, match="stage must be one of"):
        run_stage("train", config, [receiver])
