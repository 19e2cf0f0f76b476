"""Utility tables: cached per block of inputs, and a run killed with SIGKILL resumes to the same table."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

pytestmark = pytest.mark.llm

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from persuasion.llm.models import load_receiver
    from persuasion.llm.tasks import synthetic_problems
    from persuasion.llm.items import solved_item
    from persuasion.llm.utilities import utility_table
    problems = synthetic_problems(6, 11, max_steps=2)
    r = load_receiver("smollm2-135m-instruct", device="cpu")
    others = synthetic_problems(7, 12, max_steps=2)
    items = {p.id: [solved_item(q) for q in others] for p in problems}
    table = utility_table(r, problems, items, cache=sys.argv[1], progress=False, block_inputs=2)  # 3 blocks
    json.dump({"items": table.items.tolist(), "none": table.none.tolist(), "all": table.all.tolist(),
               "tokens": table.tokens_items.tolist()}, open(sys.argv[2], "w"))
    """
)


def _run(cache, out, env):
    return subprocess.Popen([sys.executable, "-c", SCRIPT, str(cache), str(out)], env=env)


def _cached_blocks(cache):
    from persuasion.llm.cache import as_store

    return as_store(cache).count("scores")


def test_sigkill_and_resume_give_the_uninterrupted_table(tmp_path):
    env = dict(os.environ)
    # Uninterrupted reference run.
    ref = _run(tmp_path / "ref-cache", tmp_path / "ref.json", env)
    assert ref.wait(timeout=600) == 0
    # Interrupted run: kill it once a block of two inputs is cached.
    proc = _run(tmp_path / "cache", tmp_path / "out.json", env)
    deadline = time.monotonic() + 600
    while _cached_blocks(tmp_path / "cache") < 1 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert killed, "the run finished before it could be killed; the test needs a slower or larger run"
    done_before = _cached_blocks(tmp_path / "cache")
    assert 1 <= done_before < 3 and not (tmp_path / "out.json").exists()
    # Resume: only the remaining blocks are computed, and the table is identical.
    again = _run(tmp_path / "cache", tmp_path / "out.json", env)
    assert again.wait(timeout=600) == 0
    assert _cached_blocks(tmp_path / "cache") == 3
    a = json.loads((tmp_path / "ref.json").read_text())
    b = json.loads((tmp_path / "out.json").read_text())
    assert a == b
    assert np.array(a["items"]).shape == (6, 7) and (np.array(a["items"]) < 0).all()


def test_missing_items_are_named():
    from persuasion.llm.tasks import synthetic_problems
    from persuasion.llm.utilities import utility_table

    with pytest.raises(ValueError, match="items has no entry for 2 problem"):
        utility_table(object(), synthetic_problems(2, 0), {}, cache=False)
    with pytest.raises(ValueError, match="problems must not be empty"):
        utility_table(object(), [], {}, cache=False)
