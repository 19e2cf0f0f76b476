import ast
import os
from pathlib import Path

# Under pytest-xdist (make check, make test) each of N workers gets its share of the cores: torch's and
# BLAS's threads would otherwise be N times as many as the cores, and spin against each other. Set
# before numpy or torch is imported; the chapters' kernels inherit it.
_WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
if _WORKERS > 1:
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // _WORKERS)))

import matplotlib  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

matplotlib.use("Agg")

settings.register_profile(
    "book", derandomize=True, deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "book"))


def pytest_configure(config):
    np.set_printoptions(legacy=False)


#: Where caches, data and figures are read and written: a test module that changes one must put it back.
#: (Not HF_HUB_OFFLINE: loading a model sets it for the whole process on purpose, offline always.)
_PLACES = ("PERSUASION_CACHE", "GSM8K_DIR", "PERSUASION_FIGURES")


@pytest.fixture(autouse=True, scope="module")
def _places_are_left_as_found():
    """Fail the module (and put the variables back) if it leaves any of :data:`_PLACES` changed.

    A leaked ``PERSUASION_CACHE`` sent every later test to a fresh cache, so that chapter 7's seed tests
    recomputed what the user's cache held, silently and slowly.
    """
    before = {name: os.environ.get(name) for name in _PLACES}
    yield
    changed = {name: (value, os.environ.get(name)) for name, value in before.items() if os.environ.get(name) != value}
    for name, (value, _) in changed.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    if changed:
        pytest.fail(f"the module left the environment changed (before, after): {changed}")


def _smoke_book_tests(path) -> set[str]:
    """Names of the test functions in ``path`` that use the smoke-scale book, directly or through a fixture."""
    functions = [n for n in ast.parse(path.read_text()).body if isinstance(n, ast.FunctionDef)]
    users = {"smoke_root", "built_book"}
    while True:  # fixtures of this file that use one of ``users``, until none is added
        more = {f.name for f in functions if f.name not in users and users & {a.arg for a in f.args.args}}
        if not more:
            break
        users |= more
    return {name for name in users if name.startswith("test_")}


#: ``tests/FILE::test_name`` of every test that uses the smoke-scale book (a session fixture, one per worker).
SMOKE_BOOK_TESTS = frozenset(
    f"tests/{p.name}::{name}" for p in Path(__file__).parent.glob("test_*.py") for name in _smoke_book_tests(p)
)


def pytest_collection_modifyitems(config, items):
    """Refuse a test that uses the smoke-scale book but escaped :data:`SMOKE_BOOK_TESTS` (it would build it again)."""
    missed = sorted({item.nodeid.split("[")[0] for item in items if "smoke_root" in getattr(item, "fixturenames", ())}
                    - SMOKE_BOOK_TESTS)
    if missed:
        raise pytest.UsageError(f"tests that use the smoke book but are not in SMOKE_BOOK_TESTS: {missed}")


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup`` (make test): the tests of :data:`SMOKE_BOOK_TESTS` go to one worker, as one unit.

    On two workers each would execute every chapter and build the book again. xdist's own grouping
    by ``xdist_group`` marks does not take effect under pytest 9.2 (pytest-xdist issue 1386: the group
    is written into a node id field that pytest no longer reads), so the group is chosen here, by name.
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SmokeBookTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "smoke-book" if nodeid.split("[")[0] in SMOKE_BOOK_TESTS else nodeid

    return SmokeBookTogether(config, log)


# -- the book at smoke scale -----------------------------------------------------
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.py"))
TEST_OUTPUT = ROOT / "test-output"


@pytest.fixture(scope="session")
def smoke_root(tmp_path_factory):
    """A copy of the book's sources in which notebooks are executed at smoke scale."""
    root = tmp_path_factory.mktemp("book")
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(ROOT / name, root / name)
    for folder in ("book", "notebooks"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "executed").mkdir()
    return root


def execute_smoke(root: Path, notebook: Path) -> Path:
    from persuasion.book.runner import execute

    out = root / "executed" / f"{notebook.stem}.ipynb"
    if not out.exists():
        execute(notebook, out, scale="smoke", figures=root / "figures")
    return out


@pytest.fixture(scope="session")
def built_book(smoke_root):
    """Build the smoke-scale book with warnings as errors; return the HTML folder."""
    for nb in NOTEBOOKS:
        execute_smoke(smoke_root, nb)
    env = {**__import__("os").environ, "PERSUASION_FIGURES": str(smoke_root / "figures")}
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run(
        [str(jb), "build", str(smoke_root), "--warningiserror", "--keep-going"],
        capture_output=True, text=True, env=env, timeout=900,
    )
    if proc.returncode != 0:
        pytest.fail(f"jupyter-book build failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}")
    return smoke_root / "_build" / "html"


def share_models(cache: Path) -> Path:
    """A new ``PERSUASION_CACHE`` folder that shares the default cache's de-quantised models.

    Results (the store) and data start empty there; only the model files,
    which no result depends on beyond their content hash, are shared.
    """
    from persuasion.llm.cache import cache_dir

    source = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    for name in ("receivers", "gguf"):
        (source / name).mkdir(parents=True, exist_ok=True)
        if not (cache / name).exists():
            (cache / name).symlink_to(source / name, target_is_directory=True)
    return cache


def tiny_model(folder, seed):
    """A random one-layer Llama with a small byte-level BPE tokenizer, saved as a Hugging Face model folder."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=["<eos>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(["How many apples does Ada have now? 12 + 7 = 19"], trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<eos>", pad_token="<eos>")
    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=4096,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    folder.mkdir(parents=True, exist_ok=True)
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_receiver(tmp_path_factory) -> Path:
    """A tiny random Receiver's folder, ``tiny-receiver``: for tests of the pipeline, not of a model.

    Pass the folder wherever a Receiver is named (``--receiver FOLDER``, ``run_task(config, [folder])``);
    its tables are keyed ``"tiny-receiver"``. It scores and generates in milliseconds where a real
    Receiver takes minutes, and its numbers mean nothing.
    """
    return tiny_model(tmp_path_factory.mktemp("models") / "tiny-receiver", 0)


def run_chapter_in_process(path, tmp_path, monkeypatch) -> dict:
    """Execute a chapter's code cells at smoke scale in this process (the mutant tests); return its namespace.

    The parameters cell becomes ``scale = "smoke"``; working directory, figure folder and Agg backend are set
    as the runner sets them, so that ``monkeypatch`` reaches the library the chapter imports.
    """
    import jupytext
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.setenv("PERSUASION_FIGURES", str(tmp_path / "figures"))
    monkeypatch.chdir(path.parent)
    nb = jupytext.read(path)
    namespace: dict = {"__name__": "__main__"}
    try:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            source = 'scale = "smoke"' if "parameters" in cell.metadata.get("tags", []) else cell.source
            exec(compile(source, f"{path.name}:cell", "exec"), namespace)
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")
    return namespace
