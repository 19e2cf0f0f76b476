"""Make's dependency tracking: what `make book` would re-execute after each kind of change."""

import os
import shutil
import subprocess
import time

import pytest

from .conftest import ROOT

RUNNER = "persuasion.book.runner"


@pytest.fixture
def tree(tmp_path):
    """A copy of the Makefile and sources with two notebooks, everything up to date."""
    shutil.copy2(ROOT / "Makefile", tmp_path / "Makefile")
    for name in ("requirements.lock", "requirements-nodeps.txt", "pyproject.toml"):
        shutil.copy2(ROOT / name, tmp_path / name)
    (tmp_path / "src" / "persuasion").mkdir(parents=True)
    (tmp_path / "src" / "persuasion" / "game.py").write_text("x = 1\n")
    (tmp_path / "notebooks").mkdir()
    for stem in ("01_a", "02_b"):
        (tmp_path / "notebooks" / f"{stem}.py").write_text("# %%\n")
    old = time.time() - 100
    for p in tmp_path.rglob("*"):
        os.utime(p, (old, old))
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / ".installed").touch()
    (tmp_path / "executed").mkdir()
    (tmp_path / "executed" / ".scale").write_text("book\n")
    os.utime(tmp_path / "executed" / ".scale", (old, old))
    for stem in ("01_a", "02_b"):
        (tmp_path / "executed" / f"{stem}.ipynb").touch()
    return tmp_path


def would_execute(tree, *args):
    out = subprocess.run(
        ["make", "-n", "-C", str(tree), "book", *args], capture_output=True, text=True, check=True
    ).stdout
    return sorted(line.split(RUNNER, 1)[1].split()[0] for line in out.splitlines() if RUNNER in line)


def test_nothing_changed_executes_nothing(tree):
    assert would_execute(tree) == []


def test_editing_one_notebook_executes_only_it(tree):
    assert would_execute(tree, "-W", "notebooks/02_b.py") == ["notebooks/02_b.py"]


def test_changing_the_package_executes_all(tree):
    assert would_execute(tree, "-W", "src/persuasion/game.py") == ["notebooks/01_a.py", "notebooks/02_b.py"]


def test_changing_the_scale_executes_all(tree):
    assert would_execute(tree, "SCALE=smoke") == ["notebooks/01_a.py", "notebooks/02_b.py"]
    assert would_execute(tree, "SCALE=smoke") == ["notebooks/01_a.py", "notebooks/02_b.py"]  # until run at it
