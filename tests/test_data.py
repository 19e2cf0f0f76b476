"""`persuasion-data gsm8k`: checked, atomic downloads from a local HTTP server (never the real GSM8K)."""

import hashlib
import http.server
import json
import socket
import threading
from functools import partial

import pytest

from persuasion.llm import data
from persuasion.llm.data import DataError, download_gsm8k, gsm8k_dir, main
from persuasion.llm.tasks import load_gsm8k

RECORD = {
    "question": "Ann has 2 cups and buys 3 more. How many cups?",
    "answer": "How many? ** 2 + 3 = <<2+3=5>>5\n#### 5",
}
FIXTURES = {
    "train.jsonl": (json.dumps(RECORD) + "\n").encode(),
    "test.jsonl": (json.dumps({**RECORD, "answer": "2 + 3 = <<2+3=5>>5\n#### 5"}) + "\n").encode(),
    "test_socratic.jsonl": (json.dumps(RECORD) + "\n" + json.dumps(RECORD) + "\n").encode(),
}


def sums(contents):
    return {name: (hashlib.sha256(body).hexdigest(), len(body)) for name, body in contents.items()}


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the fixture folder; ``truncate`` maps a name to the bytes actually sent (Content-Length stays full)."""

    def __init__(self, *args, log, truncate, **kwargs):
        self.log, self.truncate = log, truncate
        super().__init__(*args, **kwargs)

    def do_GET(self):
        name = self.path.rsplit("/", 1)[-1]
        self.log.append(name)
        if name in self.truncate:
            body = (self.server.root / name).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: self.truncate[name]])
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path, monkeypatch):
    """A local server of the fixture files; ``GSM8K_FILES`` records their sums. Yields (base URL, log, truncate)."""
    root = tmp_path / "served" / "data"
    root.mkdir(parents=True)
    for name, body in FIXTURES.items():
        (root / name).write_bytes(body)
    monkeypatch.setattr(data, "GSM8K_FILES", sums(FIXTURES))
    monkeypatch.setenv("PERSUASION_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("GSM8K_DIR", raising=False)
    monkeypatch.delenv("PERSUASION_GSM8K_URL", raising=False)
    log, truncate = [], {}
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(Handler, log=log, truncate=truncate, directory=str(root.parent))
    )
    httpd.root = root
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/data/", log, truncate
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/data/"


def listing(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_right_checksums_download_once(server, tmp_path):
    url, log, _ = server
    out = tmp_path / "out"
    assert download_gsm8k(out, base_url=url, progress=False) == out
    assert listing(out) == sorted(FIXTURES)
    assert {name: (out / name).read_bytes() for name in FIXTURES} == FIXTURES
    assert sorted(log) == sorted(FIXTURES)
    download_gsm8k(out, base_url=url, progress=False)
    assert len(log) == 3  # nothing downloaded the second time


def test_environment_url_and_default_folder(server, tmp_path, monkeypatch):
    url, log, _ = server
    monkeypatch.setenv("PERSUASION_GSM8K_URL", url)
    assert download_gsm8k(progress=False) == tmp_path / "cache" / "data" / "gsm8k"
    assert listing(tmp_path / "cache" / "data" / "gsm8k") == sorted(FIXTURES)


def test_wrong_checksum_leaves_nothing(server, tmp_path, monkeypatch):
    url, _, _ = server
    recorded = sums(FIXTURES)
    recorded["test.jsonl"] = ("0" * 64, recorded["test.jsonl"][1])
    monkeypatch.setattr(data, "GSM8K_FILES", recorded)
    out = tmp_path / "out"
    with pytest.raises(DataError) as e:
        download_gsm8k(out, base_url=url, progress=False)
    message = str(e.value)
    actual = hashlib.sha256(FIXTURES["test.jsonl"]).hexdigest()
    assert message == (
        f"test.jsonl: wrong checksum for {url}test.jsonl: sha256 expected 000000000000, got {actual[:12]} "
        f"({len(FIXTURES['test.jsonl'])} bytes, expected {len(FIXTURES['test.jsonl'])}); nothing was saved"
    )
    assert listing(out) == ["train.jsonl"]  # verified before it; no test.jsonl and no temporary file


@pytest.mark.parametrize("how", ["short body", "short file"])
def test_truncated_download_leaves_nothing(server, tmp_path, monkeypatch, how):
    url, _, truncate = server
    if how == "short body":  # Content-Length announces more than is sent
        truncate["train.jsonl"] = 10
    else:  # a complete response of a shorter file
        (tmp_path / "served" / "data" / "train.jsonl").write_bytes(FIXTURES["train.jsonl"][:10])
    out = tmp_path / "out"
    with pytest.raises(DataError, match=r"^train\.jsonl: download from .*train\.jsonl truncated") as e:
        download_gsm8k(out, base_url=url, progress=False)
    assert "10 bytes" in str(e.value) and "nothing was saved" in str(e.value)
    assert listing(out) == []


def test_http_404(server, tmp_path):
    url, _, _ = server
    (tmp_path / "served" / "data" / "test_socratic.jsonl").unlink()
    with pytest.raises(DataError) as e:
        download_gsm8k(tmp_path / "out", base_url=url, progress=False)
    assert str(e.value).startswith(f"test_socratic.jsonl: HTTP 404 File not found from {url}test_socratic.jsonl")
    assert listing(tmp_path / "out") == ["test.jsonl", "train.jsonl"]


def test_unreachable_server_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "GSM8K_FILES", sums(FIXTURES))
    url = closed_port_url()
    with pytest.raises(DataError) as e:
        download_gsm8k(tmp_path / "out", base_url=url, progress=False, timeout=5)
    message = str(e.value)
    assert message.startswith(f"train.jsonl: cannot reach {url}train.jsonl (")
    assert message.endswith(
        f"offline? download train.jsonl, test.jsonl and test_socratic.jsonl from {url} "
        "into a folder and set GSM8K_DIR to it"
    )
    assert "\n" not in message and listing(tmp_path / "out") == []


def test_a_wrong_existing_file_is_replaced(server, tmp_path, capsys):
    url, log, _ = server
    out = tmp_path / "out"
    out.mkdir()
    (out / "test.jsonl").write_bytes(b"not gsm8k\n")
    (out / "train.jsonl").write_bytes(FIXTURES["train.jsonl"])
    download_gsm8k(out, base_url=url)
    assert {name: (out / name).read_bytes() for name in FIXTURES} == FIXTURES
    assert sorted(log) == ["test.jsonl", "test_socratic.jsonl"]
    err = capsys.readouterr().err
    assert "persuasion-data: train.jsonl: already present, checksum ok" in err
    assert "persuasion-data: test.jsonl: present with a wrong checksum (sha256 expected " in err
    assert "downloading again" in err


def test_cli_exit_status_and_one_line(server, tmp_path, capsys):
    url, _, _ = server
    assert main(["gsm8k", "--dir", str(tmp_path / "a"), "--url", closed_port_url(), "--quiet"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("persuasion-data: error: train.jsonl: cannot reach ")
    assert captured.out == ""

    assert main(["gsm8k", "--url", url, "--quiet"]) == 0  # the default folder: found without GSM8K_DIR
    folder = (tmp_path / "cache" / "data" / "gsm8k").resolve()
    assert capsys.readouterr().out == (
        f"persuasion-data: GSM8K is in {folder}; load_gsm8k() and the experiment will find it there\n"
    )
    assert main(["gsm8k", "--dir", str(tmp_path / "b"), "--url", url, "--quiet"]) == 0
    assert f"set GSM8K_DIR={(tmp_path / 'b').resolve()}" in capsys.readouterr().out


def test_gsm8k_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("PERSUASION_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("GSM8K_DIR", raising=False)
    default = tmp_path / "cache" / "data" / "gsm8k"
    assert data.default_data_dir() == default
    assert gsm8k_dir() is None
    default.mkdir(parents=True)
    (default / "test_socratic.jsonl").write_bytes(FIXTURES["test_socratic.jsonl"])
    assert gsm8k_dir() is None  # train.jsonl is missing
    (default / "train.jsonl").write_bytes(FIXTURES["train.jsonl"])
    assert gsm8k_dir() == default
    assert [p.answer for p in load_gsm8k()] == ["5", "5"]  # found without GSM8K_DIR
    monkeypatch.setenv("GSM8K_DIR", str(tmp_path / "elsewhere"))
    assert gsm8k_dir() == tmp_path / "elsewhere"  # wins, even without files
    with pytest.raises(ValueError, match="GSM8K file not found: .*elsewhere"):
        load_gsm8k()


def test_load_gsm8k_without_data_says_make_data(tmp_path, monkeypatch):
    monkeypatch.setenv("PERSUASION_CACHE", str(tmp_path))
    monkeypatch.delenv("GSM8K_DIR", raising=False)
    with pytest.raises(ValueError, match=r"run `make data` \(or `persuasion-data gsm8k`\).*or set GSM8K_DIR"):
        load_gsm8k()


def test_data_does_not_import_torch():
    import subprocess
    import sys

    code = "import sys, persuasion.llm.data; print('torch' in sys.modules, 'transformers' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "False False\n"
