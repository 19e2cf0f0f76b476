"""Hostile programs run by the sandbox are contained and scored as failures."""

import os
import socket
import threading
import time

import pytest

from persuasion.llm.sandbox import pass_at_k, run_untrusted


def test_a_correct_program_passes_and_its_output_is_captured():
    r = run_untrusted("print(sum(range(10)))")
    assert r.passed and r.status == "passed" and r.stdout.strip() == "45"


def test_a_failing_assertion_fails():
    r = run_untrusted("assert 2 + 2 == 5")
    assert not r.passed and r.status == "failed" and "AssertionError" in r.stderr


def test_infinite_loop_times_out_quickly():
    start = time.perf_counter()
    r = run_untrusted("while True:\n    pass\n", timeout=1.0)
    assert r.status == "timeout" and not r.passed
    assert time.perf_counter() - start < 5


def _processes_of(uid):
    """Running (not zombie) processes of ``uid``."""
    n = 0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if os.stat(f"/proc/{pid}").st_uid != uid:
                    continue
                with open(f"/proc/{pid}/stat") as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            n += state not in ("Z", "X")
    return n


def test_fork_bomb_is_contained_and_leaves_nothing_behind():
    uid = 65534 if os.geteuid() == 0 else os.geteuid()
    before = _processes_of(uid)
    bomb = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    r = run_untrusted(bomb, timeout=2.0, max_processes=16)
    assert not r.passed
    assert _processes_of(uid) <= before
    # The machine can still start processes.
    assert run_untrusted("print('alive')").stdout.strip() == "alive"


def test_huge_allocation_fails_with_memory_status():
    r = run_untrusted("x = bytearray(8 * 1024**3)\n", memory_mb=256)
    assert not r.passed and r.status == "memory"


def test_cannot_write_or_delete_outside_its_directory(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    os.chmod(outside, 0o755)
    canary = outside / "canary.txt"
    canary.write_text("keep me")
    os.chmod(canary, 0o644)
    target = outside / "written.txt"
    code = (
        "import os\n"
        f"open({str(target)!r}, 'w').write('pwned')\n"
    )
    assert not run_untrusted(code).passed
    assert not target.exists()
    r = run_untrusted(f"import os\nos.remove({str(canary)!r})\n")
    assert not r.passed and canary.read_text() == "keep me"


def test_no_network_to_the_host():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(3)
    port = server.getsockname()[1]
    got = []

    def accept():
        try:
            conn, _ = server.accept()
            got.append(conn)
        except OSError:
            pass

    t = threading.Thread(target=accept)
    t.start()
    r = run_untrusted(f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=1)\n", timeout=3)
    t.join()
    server.close()
    assert not r.passed and not got


def test_environment_secrets_are_not_visible(monkeypatch):
    monkeypatch.setenv("PERSUASION_SECRET_TOKEN", "hunter2")
    r = run_untrusted("import os\nprint(sorted(os.environ))\nprint(os.environ.get('PERSUASION_SECRET_TOKEN'))\n")
    assert r.passed and "hunter2" not in r.stdout and "PERSUASION_SECRET_TOKEN" not in r.stdout


def test_pass_at_k():
    assert pass_at_k(5, 0, 1) == 0.0 and pass_at_k(5, 5, 1) == 1.0
    assert pass_at_k(4, 2, 2) == pytest.approx(1 - 1 / 6)  # 1 - C(2,2)/C(4,2)
    with pytest.raises(ValueError, match="0 <= c <= n"):
        pass_at_k(3, 4, 1)
    with pytest.raises(ValueError, match=r"k must be in \[1, n=3\]"):
        pass_at_k(3, 1, 4)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(source=3), "source must be a str"),
        (dict(source="pass", timeout=0), "timeout must be > 0"),
        (dict(source="pass", memory_mb=1), "memory_mb must be at least 64"),
    ],
)
def test_bad_input_is_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        run_untrusted(**kwargs)
