"""Make's dependency tracking: what `make book` would re-execute after each kind of change."""

import os
import shutil
import subprocess
import time

import pytest

from .conftest import ROOT

RUNNER = "persuasion.book.runner"
EXPERIMENT = "notebooks/07_llm_experiments.py"
ALL = ["notebooks/01_a.py", "notebooks/02_b.py", EXPERIMENT]


@pytest.fixture
def tree(tmp_path):
    """A copy of the Makefile and sources with two notebooks, everything up to date."""
    shutil.copy2(ROOT / "Makefile", tmp_path / "Makefile")
    for name in ("requirements.lock", "requirements-nodeps.txt", "pyproject.toml"):
        shutil.copy2(ROOT / name, tmp_path / name)
    (tmp_path / "src" / "persuasion").mkdir(parents=True)
    (tmp_path / "src" / "persuasion" / "game.py").write_text("x = 1\n")
    (tmp_path / "notebooks").mkdir()
    for stem in ("01_a", "02_b", "07_llm_experiments"):
        (tmp_path / "notebooks" / f"{stem}.py").write_text("# %%\n")
    old = time.time() - 100
    for p in tmp_path.rglob("*"):
        os.utime(p, (old, old))
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / ".installed").touch()
    (tmp_path / "executed").mkdir()
    (tmp_path / "executed" / ".scale").write_text("book\n")
    (tmp_path / "executed" / ".data").write_text("gsm8k none\n")  # built without GSM8K
    for stamp in (".scale", ".data"):
        os.utime(tmp_path / "executed" / stamp, (old, old))
    for stem in ("01_a", "02_b", "07_llm_experiments"):
        (tmp_path / "executed" / f"{stem}.ipynb").touch()
    return tmp_path


def would_execute(tree, *args, gsm8k=None):
    """The notebooks `make book` would run, with GSM8K_DIR set to ``gsm8k`` (None: unset) and an empty cache."""
    env = {k: v for k, v in os.environ.items() if k not in ("GSM8K_DIR", "PERSUASION_CACHE")}
    env["PERSUASION_CACHE"] = str(tree / "cache")
    if gsm8k is not None:
        env["GSM8K_DIR"] = str(gsm8k)
    out = subprocess.run(
        ["make", "-n", "-C", str(tree), "book", *args], capture_output=True, text=True, check=True, env=env
    ).stdout
    return sorted(line.split(RUNNER, 1)[1].split()[0] for line in out.splitlines() if RUNNER in line)


def test_nothing_changed_executes_nothing(tree):
    assert would_execute(tree) == []


def test_editing_one_notebook_executes_only_it(tree):
    assert would_execute(tree, "-W", "notebooks/02_b.py") == ["notebooks/02_b.py"]


def test_changing_the_package_executes_all(tree):
    assert would_execute(tree, "-W", "src/persuasion/game.py") == ALL


def test_changing_the_scale_executes_all(tree):
    assert would_execute(tree, "SCALE=smoke") == ALL
    assert would_execute(tree, "SCALE=smoke") == ALL  # until run at it


def test_getting_gsm8k_executes_only_the_experiment_chapter_and_losing_it_again(tree):
    data = tree / "cache" / "data" / "gsm8k"  # where `make data` puts it
    data.mkdir(parents=True)
    (data / "train.jsonl").write_text('{"question": "q", "answer": "#### 1"}\n')
    assert would_execute(tree) == []  # one file is not a copy: still synthetic problems
    (data / "test_socratic.jsonl").write_text('{"question": "q", "answer": "#### 2"}\n')
    assert would_execute(tree) == [EXPERIMENT]
    assert would_execute(tree) == [EXPERIMENT]  # until it is run on it
    other = tree / "elsewhere"
    other.mkdir()
    for name in ("train.jsonl", "test_socratic.jsonl"):
        (other / name).write_bytes((data / name).read_bytes())
    (tree / "executed" / "07_llm_experiments.ipynb").touch()  # run on the copy in the cache
    assert would_execute(tree) == []
    assert would_execute(tree, gsm8k=other) == []  # the same files in another folder
    (other / "test_socratic.jsonl").write_text('{"question": "q", "answer": "#### 3"}\n')
    assert would_execute(tree, gsm8k=other) == [EXPERIMENT]  # other files
    shutil.rmtree(data)
    assert would_execute(tree) == [EXPERIMENT]  # back to synthetic problems
