"""The experiment's command on bad input: each mistake is one line on stderr naming the option or the file and
line, exit status 2, before any model loads; Ctrl-C is one line and exit status 130; no traceback, ever."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from persuasion.llm import cli
from persuasion.llm.tasks import synthetic_problems
from tests.conftest import share_models


def _record(p):
    steps = "\n".join(f"{q} ** {s}" for q, s in zip(p.subquestions, p.steps))
    return {"question": p.question, "answer": f"{steps}\n#### {p.answer}"}


def write_gsm8k(folder, *, test=None, train=True, n=12):
    """A folder in GSM8K's format; ``test``: the lines of test_socratic.jsonl (default: ``n`` good records)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = test if test is not None else [json.dumps(_record(p)) for p in synthetic_problems(n, 5)]
    (folder / "test_socratic.jsonl").write_text("".join(line + "\n" for line in lines))
    if train:
        (folder / "train.jsonl").write_text("".join(json.dumps(_record(p)) + "\n" for p in synthetic_problems(30, 6)))
    return folder


def _good_lines(n=12):
    return [json.dumps(_record(p)) for p in synthetic_problems(n, 5)]


def _with_line(k, text):
    lines = _good_lines()
    lines[k - 1] = text
    return lines


def _bad_gsm8k(kind, tmp):
    """(GSM8K folder, what the message must say) for each kind of bad data folder."""
    folder = tmp / "gsm8k"
    test = folder / "test_socratic.jsonl"
    if kind == "record without answer":
        write_gsm8k(folder, test=_with_line(4, json.dumps({"question": "How many?"})))
        return folder, f"{test}, line 4: the record has no 'answer' text"
    if kind == "line not JSON":
        write_gsm8k(folder, test=_with_line(5, '{"question": "How many'))
        return folder, f"{test}, line 5: not a JSON record"
    if kind == "record not an object":
        write_gsm8k(folder, test=_with_line(2, "[1, 2]"))
        return folder, f"{test}, line 2: expected a JSON object"
    if kind == "answer without final line":
        write_gsm8k(folder, test=_with_line(3, json.dumps({"question": "q", "answer": "no final line"})))
        return folder, f"{test}, line 3: answer must end with a line '#### <final answer>'"
    if kind == "question not text":
        write_gsm8k(folder, test=_with_line(6, json.dumps({"question": 7, "answer": "#### 7"})))
        return folder, f"{test}, line 6: the record has no 'question' text (got int)"
    if kind == "no train.jsonl":
        write_gsm8k(folder, train=False)
        return folder, f"GSM8K file not found: {folder / 'train.jsonl'}"
    if kind == "no test file":
        folder.mkdir()
        return folder, f"GSM8K file not found: {test}"
    if kind == "empty test file":
        write_gsm8k(folder, test=[])
        return folder, f"{test}: no problems (the file is empty)"
    if kind == "not UTF-8":
        write_gsm8k(folder)
        test.write_bytes(test.read_bytes() + b'{"question": "\xff\xfe"}\n')
        return folder, f"{test}: cannot read (UnicodeDecodeError"
    if kind == "too few problems":
        write_gsm8k(folder, n=1)
        return folder, "GSM8K's test split has 1 problem(s); asked for 2 test inputs"
    raise AssertionError(kind)


BAD_DATA = ["record without answer", "line not JSON", "record not an object", "answer without final line",
            "question not text", "no train.jsonl", "no test file", "empty test file", "not UTF-8", "too few problems"]


@pytest.fixture
def no_models(monkeypatch, tmp_path):
    """Loading any model fails the test: every check must come before."""
    from persuasion.llm import models

    def refuse(*args, **kwargs):
        raise AssertionError("a model was loaded before the inputs were checked")

    monkeypatch.setattr(models, "load_receiver", refuse)
    monkeypatch.setattr(models, "load_encoder", refuse)
    monkeypatch.setenv("PERSUASION_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("GSM8K_DIR", raising=False)


def _run(argv, capsys):
    code = cli.main(argv)
    err = capsys.readouterr().err
    return code, err


def _one_line(err):
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("persuasion-experiment: error: "), err
    return err


@pytest.mark.parametrize("kind", BAD_DATA)
def test_bad_data_is_one_line_naming_the_file_and_line(kind, tmp_path, monkeypatch, capsys, no_models):
    folder, message = _bad_gsm8k(kind, tmp_path)
    monkeypatch.setenv("GSM8K_DIR", str(folder))
    code, err = _run(["--task", "gsm8k", "--n", "6", "--out", str(tmp_path / "out")], capsys)
    assert code == 2 and message in _one_line(err)


def test_gsm8k_without_gsm8k_is_an_error_that_names_the_synthetic_task(tmp_path, capsys, no_models):
    code, err = _run(["--task", "gsm8k", "--out", str(tmp_path / "out")], capsys)
    assert code == 2 and "task 'gsm8k' needs GSM8K" in _one_line(err) and "--task synthetic" in err


def _bad_option(kind, tmp):
    """(arguments, what the message must say)."""
    (tmp / "a-file").write_text("x")
    (tmp / "empty").mkdir()
    config_only = tmp / "config-only"
    config_only.mkdir()
    (config_only / "config.json").write_text('{"model_type": "llama"}')
    bad_config = tmp / "bad-config"
    bad_config.mkdir()
    (bad_config / "config.json").write_text('{"hidden_size": 16')
    no_tokenizer = tmp / "no-tokenizer"
    no_tokenizer.mkdir()
    (no_tokenizer / "config.json").write_text('{"model_type": "llama"}')
    (no_tokenizer / "model.safetensors").write_bytes(b"0")
    looks_right = tmp / "looks-right"
    looks_right.mkdir()
    for name in ("model.safetensors", "tokenizer.json"):
        (looks_right / name).write_text("{}")
    (looks_right / "config.json").write_text('{"model_type": "llama"}')
    out = ["--out", str(tmp / "out")]
    return {
        "device unknown": (["--device", "tpu9", *out], "--device: device must be 'cpu', 'cuda' or 'cuda:N'"),
        "device not a GPU here": (["--device", "cuda:7", *out], "--device: device='cuda:7'"),
        "receiver: empty folder": (["--receiver", str(tmp / "empty"), *out],
                                   f"--receiver {tmp / 'empty'}: not a Hugging Face model folder: no config.json"),
        "receiver: no such folder": (["--receiver", str(tmp / "nowhere"), *out],
                                     f"--receiver {tmp / 'nowhere'}: does not exist"),
        "receiver: a file": (["--receiver", str(tmp / "a-file"), *out],
                             f"--receiver {tmp / 'a-file'}: is a file, not a model folder"),
        "receiver: no weights": (["--receiver", str(config_only), *out],
                                 f"--receiver {config_only}: holds no weights"),
        "receiver: config not JSON": (["--receiver", str(bad_config), *out],
                                      f"--receiver {bad_config / 'config.json'}: unreadable (JSONDecodeError"),
        "receiver: no tokenizer": (["--receiver", str(no_tokenizer), *out],
                                   f"--receiver {no_tokenizer}: holds no tokenizer"),
        "receiver: twice": (["--receiver", str(looks_right), "--receiver", str(looks_right), *out],
                            "--receiver: receivers must be distinct"),
        "advisor: empty folder": (["--advisor", str(tmp / "empty"), *out],
                                  f"--advisor {tmp / 'empty'}: not a Hugging Face model folder"),
        "out: a file": (["--out", str(tmp / "a-file")], f"--out {tmp / 'a-file'}: is a file, not a folder"),
        "out: under a file": (["--out", str(tmp / "a-file" / "results")],
                              f"--out {tmp / 'a-file' / 'results'}: is under {tmp / 'a-file'}, a file"),
        "cache: under a file": (["--cache", str(tmp / "a-file" / "c"), *out], "--cache"),
        "seed negative": (["--seed", "-1", *out], "argument --seed: must be an integer of at least 0; got -1"),
        "steps zero": (["--steps", "0", *out], "argument --steps: must be an integer of at least 1; got 0"),
        "block-inputs zero": (["--block-inputs", "0", *out],
                              "argument --block-inputs: must be an integer of at least 1; got 0"),
        "dtype unknown": (["--dtype", "int8", *out], "argument --dtype: invalid choice: 'int8'"),
        "dtype half on the CPU": (["--device", "cpu", "--dtype", "bfloat16", *out],
                                  "--dtype bfloat16: needs a CUDA device; on the cpu Receivers run in float32"),
        "n too small": (["--n", "3", *out], "argument --n: must be an integer of at least 6; got 3"),
        "n not a number": (["--n", "ten", *out], "argument --n: must be an integer; got 'ten'"),
        "task unknown": (["--task", "mmlu", *out], "argument --task: invalid choice: 'mmlu'"),
        "stage unknown": (["train", *out], "argument STAGE: invalid choice: 'train'"),
        "no --out": ([], "the following arguments are required: --out"),
    }[kind]


BAD_OPTIONS = ["device unknown", "device not a GPU here", "receiver: empty folder", "receiver: no such folder",
               "receiver: a file", "receiver: no weights", "receiver: config not JSON", "receiver: no tokenizer",
               "receiver: twice",
               "advisor: empty folder", "out: a file", "out: under a file", "cache: under a file", "seed negative",
               "steps zero", "block-inputs zero", "dtype unknown", "dtype half on the CPU", "n too small",
               "n not a number", "task unknown", "stage unknown", "no --out"]


@pytest.mark.parametrize("kind", BAD_OPTIONS)
def test_a_bad_option_is_one_line_naming_it(kind, tmp_path, capsys, no_models):
    if kind == "device not a GPU here":
        pytest.importorskip("torch")
    argv, message = _bad_option(kind, tmp_path)
    try:
        code, err = _run(["--task", "synthetic", "--scale", "smoke", *argv], capsys)
    except SystemExit as exit_:  # argparse's errors
        code, err = exit_.code, capsys.readouterr().err
    assert code == 2 and message in _one_line(err)
    assert not (tmp_path / "out" / "stages").exists(), "a bad invocation wrote results"


def test_checks_come_before_the_models_and_before_writing(tmp_path, capsys, monkeypatch, no_models):
    """The data file's error comes first even with a bad --device; nothing is written under --out."""
    folder, message = _bad_gsm8k("record without answer", tmp_path)
    monkeypatch.setenv("GSM8K_DIR", str(folder))
    code, err = _run(["--task", "gsm8k", "--n", "6", "--device", "tpu9", "--out", str(tmp_path / "out")], capsys)
    assert code == 2 and message in _one_line(err)
    assert list((tmp_path / "out").iterdir()) == []


def test_the_installed_command_prints_one_line_and_no_traceback(tmp_path):
    folder, message = _bad_gsm8k("record without answer", tmp_path)
    env = {**os.environ, "GSM8K_DIR": str(folder), "PERSUASION_CACHE": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-m", "persuasion.llm.cli", "--task", "gsm8k", "--n", "6",
                           "--out", str(tmp_path / "out")], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and message in _one_line(proc.stderr) and proc.stdout == ""


@pytest.mark.llm
def test_ctrl_c_is_one_line_and_exit_130(tmp_path):
    """Interrupted while loading or scoring (after the data stage is saved): one line, exit status 130."""
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "GSM8K_DIR"}
    proc = subprocess.Popen([sys.executable, "-m", "persuasion.llm.cli", "--receiver", "smollm2-135m-instruct",
                             "--task", "synthetic", "--n", "6", "--steps", "20", "--quiet",
                             "--cache", str(share_models(tmp_path / "cache")), "--out", str(out)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            # a shell that starts jobs in the background sets SIGINT to "ignore", and a Python
                            # started so never raises KeyboardInterrupt: give the child the default, as a terminal does
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 300
    while not (out / "stages" / "data.json").exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr[-2000:]
    assert stderr.splitlines()[-1] == f"persuasion-experiment: {cli.INTERRUPTED}"
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr


@pytest.mark.llm
def test_accelerate_launch_with_two_processes_gives_the_single_process_results(tmp_path, tiny_receiver):
    """`accelerate launch --multi_gpu --num_processes 2 -m persuasion.llm.cli ...` on a machine without a GPU
    (accelerate's torchrun launcher; the command uses gloo on CPU): each process fills its shard of the cache,
    the main one reports; results.json equals a one-process run's, number for number."""
    import shutil

    env = {k: v for k, v in os.environ.items() if k != "GSM8K_DIR"}
    env.update(OMP_NUM_THREADS="1")
    args = ["--receiver", str(tiny_receiver), "--task", "synthetic", "--scale", "smoke", "--n", "8",
            "--steps", "20", "--block-inputs", "2", "--quiet"]  # a tiny random Receiver: the pipeline is tested
    accelerate = shutil.which("accelerate", path=str(Path(sys.executable).parent))
    assert accelerate, "accelerate is in the lock: its command must sit beside the interpreter"
    both = subprocess.run([accelerate, "launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1",
                           "--mixed_precision", "no", "--dynamo_backend", "no", "-m", "persuasion.llm.cli", *args,
                           "--cache", str(share_models(tmp_path / "c2")), "--out", str(tmp_path / "two")],
                          env=env, capture_output=True, text=True, timeout=900)
    assert both.returncode == 0, both.stderr[-3000:]
    assert "data parallel: 2 processes filled the cache" in both.stdout
    one = subprocess.run([sys.executable, "-m", "persuasion.llm.cli", *args, "--cache",
                          str(share_models(tmp_path / "c1")), "--out", str(tmp_path / "one")],
                         env=env, capture_output=True, text=True, timeout=900)
    assert one.returncode == 0, one.stderr[-3000:]
    two = json.loads((tmp_path / "two" / "results.json").read_text())
    assert two == json.loads((tmp_path / "one" / "results.json").read_text())
    # the 8 inputs are 4 blocks of 2; the main process scored its half (blocks 0 and 2), then read all 4 back,
    # once to train its Advisors for its share of the generations and once in the final run: 4 + 4 hits
    counts = next(line for line in both.stdout.splitlines() if line.startswith("cache:"))
    assert "scores 8 hits / 2 computed" in counts, counts


def test_the_cache_option_holds_for_the_run_only(tmp_path, monkeypatch, capsys, no_models):
    """`main(["--cache", ...])` called in-process leaves the caller's PERSUASION_CACHE as it was."""
    from persuasion.llm.cli import main

    monkeypatch.setenv("PERSUASION_CACHE", str(tmp_path / "mine"))
    args = ["data", "--task", "synthetic", "--scale", "smoke", "--quiet", "--cache", str(tmp_path / "run")]
    assert main([*args, "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "stages" / "data.json").is_file()
    assert "data: synthetic data, 6 inputs: 3 training, 1 validation, 2 test" in capsys.readouterr().out
    assert os.environ["PERSUASION_CACHE"] == str(tmp_path / "mine")
