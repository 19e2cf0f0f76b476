r"""Run untrusted (model-generated) Python code inside bubblewrap (``bwrap``).

Each call starts ``bwrap`` (Debian's ``bubblewrap``; ``make sandbox``
installs it) as an unprivileged user (``nobody`` when the caller is root):

* every namespace unshared (``--unshare-all``): a fresh PID namespace whose
  init is killed from outside at the end of every call, so every descendant
  (``setsid`` grandchildren included) dies with it; no network (and so no
  abstract Unix sockets), its own IPC and hostname;
* a new root holding only read-only binds of the interpreter, its standard
  library and the shared libraries they load, a fresh ``/proc``, a minimal
  ``/dev`` and a private, size-limited ``/tmp``; the root is read-only. The
  host's files (the project's source, ``/etc/passwd``, host sockets) are not
  there;
* limits on CPU time, address space, file size and processes (``rlimit``);
* a stripped environment; the program's source reaches it on stdin, not in a
  file of the host.

The call is bounded: output is read incrementally, its last 10 kB kept, and
the program is killed when it writes more than ``max_output`` bytes or runs
past ``timeout`` seconds (wall clock, start-up included). A program passes
only when it runs to its end: the harness prints a random marker, unknown
to the program (not in its source, arguments or environment), after the
program returned; exit status 0 alone (``os._exit(0)`` in an ``atexit`` hook,
``sys.exit(0)`` before the tests) is a failure.

If bubblewrap is missing or cannot create its namespaces here,
:func:`run_untrusted` refuses with one line saying what to install.

>>> run_untrusted("print(1 + 1)").status
'passed'
>>> run_untrusted("while True: pass", timeout=1.0).status
'timeout'
"""

from __future__ import annotations

import os
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from math import comb

__all__ = ["SandboxResult", "run_untrusted", "pass_at_k", "sandbox_available"]

NOBODY = 65534
KEEP = 10_000  # bytes of stdout and of stderr kept (the last ones)
INSTALL = "install bubblewrap (Debian: `apt-get install bubblewrap`, or `make sandbox` as root)"

# Runs inside the sandbox: reads the marker line, then the program, from stdin; runs the program
# as __main__ and prints the marker only if it returned (any exception or SystemExit is a failure).
_RUNNER = r"""
import os, sys
data = sys.stdin.buffer.read()
os.close(0); os.open('/dev/null', os.O_RDONLY)
marker, _, source = data.partition(b'\n')
del data
with open('/tmp/program.py', 'wb') as f:
    f.write(source)
code = compile(source, '/tmp/program.py', 'exec')
del source
g = {'__name__': '__main__', '__file__': '/tmp/program.py', '__builtins__': __builtins__}
try:
    exec(code, g)
except BaseException:
    import traceback; traceback.print_exc(); sys.stderr.flush(); os._exit(1)
sys.stdout.flush()
os.write(1, b'\n' + marker + b'\n')
os._exit(0)
"""


@dataclass(frozen=True)
class SandboxResult:
    """``passed`` iff the program ran to its end within the limits (the harness's marker was seen).

    >>> r = run_untrusted("import os; print('hi', flush=True); os._exit(0)")
    >>> r.passed, r.status, r.returncode, r.stdout.strip()
    (False, 'failed', 0, 'hi')
    """

    passed: bool
    status: str  # "passed", "failed", "timeout", "memory", "output", "killed"
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float


_PROBED: dict = {}


def _drop_privileges():
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def _candidates() -> list[str]:
    ours = os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)
    system = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")
    return [c for c in dict.fromkeys([ours, os.path.realpath(system) if system else None]) if c]


_LAYOUT = (
    "import sys, os, sysconfig, glob, importlib\n"
    "d = sysconfig.get_paths()\n"
    "for f in glob.glob(os.path.join(d['platstdlib'], 'lib-dynload', '*.so')):\n"
    "    try: importlib.import_module(os.path.basename(f).split('.')[0])\n"
    "    except BaseException: pass\n"
    "import hashlib, ssl, sqlite3, ctypes, decimal, zlib, json\n"
    "libs = {l.split()[-1] for l in open('/proc/self/maps') if '.so' in l and l.split()[-1].startswith('/')}\n"
    "print('\\n'.join([sys.executable, d['stdlib'], d['platstdlib']] + sorted(libs)))\n"
)


def _layout(python: str) -> list[str] | None:
    """The paths ``python`` needs (itself, its standard library, the shared libraries it loads), or None."""
    drop = _drop_privileges if os.geteuid() == 0 else None
    try:
        done = subprocess.run([python, "-I", "-S", "-c", _LAYOUT], capture_output=True, timeout=30, preexec_fn=drop)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    paths = [python] + [p for p in done.stdout.decode().split("\n") if p]
    # the loaders, as the binaries name them
    paths += [p for p in ("/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1")
              if os.path.exists(p)]
    return list(dict.fromkeys(paths))


def _bwrap_args(paths: list[str]) -> list[str]:
    args = ["--unshare-all", "--die-with-parent", "--new-session", "--hostname", "sandbox"]
    binds = []
    for p in paths:  # a shared library's whole folder: the loader finds it by its soname link
        real = os.path.realpath(p)
        if ".so" in os.path.basename(real):
            binds += [os.path.dirname(real), os.path.realpath(os.path.dirname(p))]
        else:
            binds.append(real)
    for p in sorted(set(binds)):
        args += ["--ro-bind", p, p]
    for link in ("/lib", "/lib64", "/bin"):  # merged /usr: the loader's path goes through these links
        if os.path.islink(link):
            args += ["--symlink", os.readlink(link), link]
    args += ["--proc", "/proc", "--dev", "/dev", "--size", str(32 << 20), "--tmpfs", "/tmp",
             "--size", str(1 << 20), "--tmpfs", "/dev/shm", "--chdir", "/tmp", "--remount-ro", "/"]
    return args


def _setup() -> tuple[str, list[str]]:
    """The interpreter and bwrap command (found once per process), or a RuntimeError naming what to install."""
    if "prefix" in _PROBED:
        return _PROBED["prefix"]
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise RuntimeError(f"run_untrusted needs bubblewrap (bwrap), which is not installed: {INSTALL}")
    errors = []
    for python in _candidates():
        paths = _layout(python)
        if paths is None:
            errors.append(f"{python} does not run as the sandbox user")
            continue
        prefix = [bwrap] + _bwrap_args(paths) + [python, "-I", "-S", "-c", _RUNNER]
        r = _run(prefix, "pass", timeout=30, memory_mb=512, max_processes=32, max_output=1 << 20)
        if r.passed:
            _PROBED["prefix"] = (python, prefix)
            return _PROBED["prefix"]
        errors.append(f"{python} in bwrap: {(r.stderr.strip().splitlines() or [r.status])[-1]}")
    raise RuntimeError(f"run_untrusted cannot start its sandbox ({'; '.join(errors)}): {INSTALL} "
                       "and allow unprivileged user namespaces")


def sandbox_available() -> bool:
    """Whether :func:`run_untrusted` can run here (bubblewrap installed and working).

    >>> sandbox_available()
    True
    """
    try:
        _setup()
        return True
    except RuntimeError:
        return False


def _limits(timeout: float, memory_mb: int, max_processes: int, drop: bool):
    import resource

    def apply():
        os.setsid()
        cpu = int(timeout) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        mem = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 << 20, 16 << 20))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if drop:
            _drop_privileges()
        resource.setrlimit(resource.RLIMIT_NPROC, (max_processes, max_processes))

    return apply


def run_untrusted(source: str, timeout: float = 5.0, *, memory_mb: int = 512, max_processes: int = 32,
                  max_output: int = 4 << 20) -> SandboxResult:
    """Run ``source`` as a Python program in the sandbox described above.

    Parameters
    ----------
    source : str
        The whole program (for HumanEval: prompt + completion + tests + ``check(entry_point)``).
    timeout : float
        Wall-clock seconds the call may take (the sandbox is killed then).
    memory_mb : int
        Address-space limit of each process.
    max_processes : int
        Limit on processes of the sandbox user (fork bombs stop there).
    max_output : int
        Bytes of stdout plus stderr after which the program is killed (status ``"output"``).

    Returns
    -------
    SandboxResult
        ``passed`` only when the program ran to its end (the harness's end marker came last) and exited
        with status 0; otherwise ``status`` says why not (``"failed"``, ``"timeout"``, ``"memory"``, ...).

    Examples
    --------
    >>> # exit status 0 before the end is no pass
    >>> run_untrusted("import sys; sys.exit(0)").status
    'failed'
    """
    if not isinstance(source, str):
        raise ValueError(f"source must be a str of Python code; got {type(source).__name__}")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < float("inf"):
        raise ValueError(f"timeout must be > 0 seconds; got {timeout!r}")
    if isinstance(memory_mb, bool) or not isinstance(memory_mb, int) or memory_mb < 64:
        raise ValueError(f"memory_mb must be at least 64; got {memory_mb!r}")
    if isinstance(max_processes, bool) or not isinstance(max_processes, int) or max_processes < 4:
        raise ValueError(f"max_processes must be an int >= 4; got {max_processes!r}")
    _, prefix = _setup()
    return _run(prefix, source, timeout=timeout, memory_mb=memory_mb, max_processes=max_processes,
                max_output=max_output)


def _run(prefix, source, *, timeout, memory_mb, max_processes, max_output) -> SandboxResult:
    root = os.geteuid() == 0
    marker = secrets.token_hex(32).encode()
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp", "LANG": "C.UTF-8"}
    start = time.monotonic()
    deadline = start + timeout
    _become_subreaper()
    info_r, info_w = os.pipe()
    try:
        proc = subprocess.Popen(prefix[:1] + ["--info-fd", str(info_w)] + prefix[1:], env=env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(info_w,),
                                preexec_fn=_limits(timeout, memory_mb, max_processes, root))
    finally:
        os.close(info_w)
    payload = marker + b"\n" + source.encode("utf-8", errors="surrogateescape")

    def feed():
        try:
            proc.stdin.write(payload)
        except OSError:
            pass
        finally:
            try:
                proc.stdin.close()
            except OSError:
                pass

    threading.Thread(target=feed, daemon=True).start()
    kept = {proc.stdout: bytearray(), proc.stderr: bytearray()}
    window = bytearray()  # the end of stdout, long enough to hold the marker across reads
    seen, total, status = False, 0, None
    sel = selectors.DefaultSelector()
    for stream in kept:
        os.set_blocking(stream.fileno(), False)
        sel.register(stream, selectors.EVENT_READ)
    try:
        while sel.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                status = "timeout"
                break
            for key, _ in sel.select(min(left, 0.5)):
                try:
                    chunk = os.read(key.fileobj.fileno(), 65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    sel.unregister(key.fileobj)
                    continue
                total += len(chunk)
                buf = kept[key.fileobj]
                buf += chunk
                del buf[:-KEEP - len(marker) - 2]
                if key.fileobj is proc.stdout and not seen:
                    window += chunk
                    seen = marker in window
                    del window[:-len(marker)]
            if total > max_output:
                status = "output"
                break
    finally:
        sel.close()
        _kill_sandbox(proc)
        for stream in kept:
            stream.close()
        _reap_init(info_r)
    seconds = time.monotonic() - start
    out = bytes(kept[proc.stdout])
    passed = status is None and seen and out.rstrip(b"\n").endswith(marker) and proc.returncode == 0
    out = out.replace(b"\n" + marker + b"\n", b"").replace(marker, b"")
    stdout = out.decode(errors="replace")[-KEEP:]
    stderr = bytes(kept[proc.stderr]).decode(errors="replace")[-KEEP:]
    if status is None:
        if passed:
            status = "passed"
        elif "MemoryError" in stderr:
            status = "memory"
        elif proc.returncode is not None and proc.returncode < 0:
            status = "killed"
        else:
            status = "failed"
    return SandboxResult(passed, status, proc.returncode, stdout, stderr, seconds)


def _kill_sandbox(proc: subprocess.Popen) -> None:
    """SIGKILL the namespace's init (bwrap's child), whose death ends every process inside, then bwrap.

    bwrap exits only once it has reaped the init, which happens only after the
    kernel has ended every other process of the namespace; so bwrap is waited
    for (bounded) before it is killed too.
    """
    for pid in _children(proc.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        proc.kill()
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass


def _become_subreaper() -> None:
    """Make this process the reaper of orphans (Linux ``PR_SET_CHILD_SUBREAPER``), once.

    bwrap exits without reaping the namespace's init, which would otherwise
    wait as a zombie of the machine's init and count against ``RLIMIT_NPROC``
    of the sandbox user; as subreaper this process reaps it after each run.
    """
    if "subreaper" in _PROBED:
        return
    try:
        import ctypes

        _PROBED["subreaper"] = ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        _PROBED["subreaper"] = False


def _reap_init(info_r: int) -> None:
    """Reap the namespace's init (its pid comes from bwrap's ``--info-fd``), waiting up to 2 s."""
    import json

    try:
        chunks = []
        while chunk := os.read(info_r, 4096):
            chunks.append(chunk)
        pid = int(json.loads(b"".join(chunks))["child-pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    finally:
        os.close(info_r)
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:  # not ours (no subreaper) or already reaped
            return
        time.sleep(0.005)


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return found


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k from n samples of which c passed :cite:p:`chen2021evaluating`.

    >>> pass_at_k(10, 3, 1)
    0.3
    """
    if not (0 <= c <= n) or n < 1:
        raise ValueError(f"need 0 <= c <= n and n >= 1; got n={n}, c={c}")
    if not 1 <= k <= n:
        raise ValueError(f"k must be in [1, n={n}]; got {k}")
    if n - c < k:
        return 1.0
    return 1.0 - comb(n - c, k) / comb(n, k)
