r"""Run untrusted (model-generated) Python code in a separate, locked-down process.

Each call writes the code to a fresh temporary directory and runs it with
``python -I`` in a new process:

* its own process group, killed as a whole on timeout (wall clock);
* limits on CPU time, address space (memory), file size and the number of
  processes (``RLIMIT_NPROC``; enforced because, when the caller is root,
  the child drops to the unprivileged user ``nobody``);
* no network: the child runs in its own network namespace
  (``unshare --map-root-user --net``), which has no interface but a down
  loopback;
* a stripped environment (no variables of the caller: no secrets, no
  proxies), the temporary directory as working and home directory;
* unprivileged file access: as ``nobody`` it can write only to its
  temporary directory (and world-writable places), which is removed
  afterwards.

If network isolation is not available on the machine, :func:`run_untrusted`
refuses to run (it fails closed).

>>> run_untrusted("print(1 + 1)").status
'passed'
>>> run_untrusted("while True: pass", timeout=1.0).status
'timeout'
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from math import comb

__all__ = ["SandboxResult", "run_untrusted", "pass_at_k", "network_isolation_available"]

NOBODY = 65534


@dataclass(frozen=True)
class SandboxResult:
    """``passed`` iff the program exited with status 0 within the limits; ``status`` says why not.

    >>> result = SandboxResult(passed=False, status="timeout", returncode=None, stdout="", stderr="", seconds=5.0)
    >>> result.passed, result.status
    (False, 'timeout')
    """

    passed: bool
    status: str  # "passed", "failed", "timeout", "memory", "killed"
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float


def _unshare_prefix() -> list[str]:
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    # The child first drops to an unprivileged user (when we are root), so it always
    # needs a user namespace to own its network namespace.
    return [unshare, "--map-root-user", "--net"]


def network_isolation_available() -> bool:
    """Whether the sandbox's child (unprivileged) can get its own, empty network namespace here.

    A success is remembered for the life of the process (the probe costs a
    subprocess); a failure is probed again on every call.
    """
    if _PROBED.get("network"):
        return True
    _PROBED["network"] = _probe_network()
    return _PROBED["network"]


_PROBED: dict = {}


def _probe_network() -> bool:
    prefix = _unshare_prefix()
    if not prefix:
        return False
    drop = _drop_privileges if os.geteuid() == 0 else None
    try:
        done = subprocess.run(prefix + ["true"], capture_output=True, timeout=10, preexec_fn=drop)
        return done.returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _drop_privileges():
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def _limits(timeout: float, memory_mb: int, max_processes: int, drop_to_nobody: bool):
    import resource

    def apply():
        os.setsid()
        cpu = int(timeout) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        mem = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024 * 1024, 16 * 1024 * 1024))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if drop_to_nobody:
            _drop_privileges()
        resource.setrlimit(resource.RLIMIT_NPROC, (max_processes, max_processes))

    return apply


def run_untrusted(source: str, timeout: float = 5.0, *, memory_mb: int = 512, max_processes: int = 32) -> SandboxResult:
    """Run ``source`` as a Python program under the limits above.

    Parameters
    ----------
    source : str
        The whole program (for HumanEval: prompt + completion + tests + ``check(entry_point)``).
    timeout : float
        Wall-clock seconds before the process group is killed.
    memory_mb : int
        Address-space limit of the child.
    max_processes : int
        Limit on processes of the sandbox user (fork bombs stop there).
    """
    if not isinstance(source, str):
        raise ValueError(f"source must be a str of Python code; got {type(source).__name__}")
    if not timeout > 0:
        raise ValueError(f"timeout must be > 0 seconds; got {timeout}")
    if memory_mb < 64:
        raise ValueError(f"memory_mb must be at least 64; got {memory_mb}")
    prefix = _unshare_prefix()
    if not prefix or not network_isolation_available():
        raise RuntimeError(
            "run_untrusted needs network isolation: `unshare --net` (as root) or "
            "`unshare --map-root-user --net` (user namespaces) must work on this machine"
        )
    root = os.geteuid() == 0
    workdir = tempfile.mkdtemp(prefix="persuasion-sandbox-")
    try:
        os.chmod(workdir, 0o777 if root else 0o700)
        program = os.path.join(workdir, "program.py")
        with open(program, "w") as f:
            f.write(source)
        os.chmod(program, 0o644)
        env = {"PATH": "/usr/bin:/bin", "HOME": workdir, "TMPDIR": workdir, "LANG": "C.UTF-8"}
        cmd = prefix + [_interpreter(), "-I", program]
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=_limits(timeout, memory_mb, max_processes, root),
        )
        try:
            out, err = proc.communicate(timeout=timeout)
            status = None
        except subprocess.TimeoutExpired:
            status = "timeout"
            _kill_group(proc.pid)
            out, err = proc.communicate()
        finally:
            _kill_group(proc.pid)  # stragglers (forked children) never outlive the call
        seconds = time.perf_counter() - start
        stdout = out.decode(errors="replace")[-10_000:]
        stderr = err.decode(errors="replace")[-10_000:]
        if status is None:
            if proc.returncode == 0:
                status = "passed"
            elif "MemoryError" in stderr:
                status = "memory"
            elif proc.returncode < 0:
                status = "killed"
            else:
                status = "failed"
        return SandboxResult(status == "passed", status, proc.returncode, stdout, stderr, seconds)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _interpreter() -> str:
    """A Python interpreter the sandbox user can execute.

    Our own interpreter when we are not root; as root the child runs as
    ``nobody``, who may not reach a virtual environment or a home-directory
    install, so the first of our base interpreter and the system ``python3``
    that ``nobody`` can execute. Generated code needs only the standard library.
    """
    ours = os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)
    if os.geteuid() != 0:
        return ours
    if "interpreter" in _PROBED:  # found once per process (each probe costs a subprocess)
        return _PROBED["interpreter"]
    for candidate in (ours, shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")):
        if candidate and _runs_as_nobody(candidate):
            _PROBED["interpreter"] = candidate
            return candidate
    raise RuntimeError(
        "run_untrusted found no Python interpreter the unprivileged user 'nobody' can execute "
        f"(tried {ours} and the system python3); install python3 system-wide"
    )


def _runs_as_nobody(path: str) -> bool:
    try:
        done = subprocess.run([path, "-I", "-c", "pass"], capture_output=True, timeout=10, preexec_fn=_drop_privileges)
        return done.returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _kill_group(pid: int, *, wait: float = 3.0) -> None:
    """SIGKILL the whole process group, then wait (up to ``wait`` s) until none of it is running."""
    deadline = time.monotonic() + wait
    while True:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            return
        if not _group_alive(pid) or time.monotonic() > deadline:
            return
        time.sleep(0.02)


def _group_alive(pgid: int) -> bool:
    """Whether a process of group ``pgid`` is still running (zombies, already dead, do not count)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and state not in ("Z", "X"):
            return True
    return False


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k from n samples of which c passed (Chen et al., 2021).

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
