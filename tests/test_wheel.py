"""The wheel: built from the sources, it holds the package and its metadata, and nothing else.

The wheel is built in a temporary copy of pyproject.toml, README.md and src/, so
the test leaves no build/ or egg-info folder in the working tree.
"""

from __future__ import annotations

import email
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # pip builds the wheel: about 10 s

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
NOT_IN_BASE = ("matplotlib", "jupyter-book", "torch", "transformers", "papermill", "pytest")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--disable-pip-version-check",
         "--quiet", "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    (path,) = out.glob("persuasion-*.whl")
    return path


def test_wheel_holds_every_module_and_nothing_else(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    modules = {n for n in names if n.endswith(".py")}
    expected = {p.relative_to(ROOT / "src").as_posix() for p in (ROOT / "src" / "persuasion").rglob("*.py")}
    assert modules == expected, f"missing: {expected - modules}; unexpected: {modules - expected}"
    assert {"persuasion/cli.py", "persuasion/__init__.py", "persuasion/bayesian_persuasion.py"} <= modules
    top = {n.split("/")[0] for n in names}
    version = PYPROJECT["project"]["version"]
    assert top == {"persuasion", f"persuasion-{version}.dist-info"}, top
    for folder in ("notebooks/", "tests/", "examples/", "book/", "executed/", "benchmarks/"):
        assert not any(n.startswith(folder) for n in names), folder
    for unwanted in (".ipynb", "__pycache__", ".pyc", "conftest"):
        assert not any(unwanted in n for n in names), unwanted


def test_wheel_metadata(wheel):
    version = PYPROJECT["project"]["version"]
    assert wheel.name.startswith(f"persuasion-{version}-py3-none-any")
    archive = zipfile.ZipFile(wheel)
    meta = email.message_from_string(archive.read(f"persuasion-{version}.dist-info/METADATA").decode())
    assert meta["Name"] == "persuasion" and meta["Version"] == version
    base = [r for r in meta.get_all("Requires-Dist") if "extra ==" not in r]
    base_names = {r.split(">")[0].split("=")[0].split("<")[0].split(";")[0].strip().lower() for r in base}
    assert base_names == {"numpy", "scipy", "cvxpy", "highspy", "tqdm", "pyyaml"}, base_names
    assert not any(name in base_names for name in NOT_IN_BASE)
    assert {"plot", "book", "test", "neural", "llm"} <= set(meta.get_all("Provides-Extra"))
    entry_points = archive.read(f"persuasion-{version}.dist-info/entry_points.txt").decode()
    assert "persuasion = persuasion.cli:main" in entry_points.splitlines()
