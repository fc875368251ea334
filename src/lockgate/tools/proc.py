"""The only place in lockgate that starts processes: timeouts, process groups, clean shutdown on Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lockgate.errors import LockgateError, ToolMissing

_LIVE: dict[subprocess.Popen[bytes], str | None] = {}  # live child -> owning stage
_LIVE_LOCK = threading.Lock()
_CANCELLED = threading.Event()
_OWNER = threading.local()
_STOPPED: set[str] = set()  # stages whose time ran out: a process they start now is stopped at once


@dataclass(frozen=True)
class Completed:
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    duration: float
    timed_out: bool = False

    def describe(self) -> str:
        """Command, exit code and the tail of its output, for error messages."""
        tail = (self.stderr.strip() or self.stdout.strip())[-2000:]
        return f"`{' '.join(self.argv)}` exited {self.returncode}" + (f":\n{tail}" if tail else "")


class Cancelled(Exception):
    """The run was interrupted; raised by run() when cancel_all() was called."""


def _tools_root() -> Path:
    extra = os.environ.get("LOCKGATE_TOOLS_DIR")
    return Path(extra) if extra else Path(sys.prefix).parent / ".venv-tools"


def tools_dirs() -> list[Path]:
    """Where lockgate looks for its pinned tools, in order (before PATH)."""
    dirs = [Path(sys.prefix) / "bin"]
    root = _tools_root()
    if root.is_dir():
        dirs += sorted(p / "bin" for p in root.iterdir() if (p / "bin").is_dir())
    return dirs


def which(tool: str) -> str | None:
    """Path to `tool`: $LOCKGATE_<TOOL>_BIN, then its own venv `.venv-tools/<tool>` (other tools'
    venvs may carry a different build of the same command), then lockgate's venvs, then PATH."""
    override = os.environ.get(f"LOCKGATE_{tool.upper().replace('-', '_')}_BIN")
    if override:
        return override if os.access(override, os.X_OK) else None
    own = _tools_root() / tool / "bin" / tool
    for d in [own.parent, *tools_dirs()]:
        candidate = d / tool
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(tool)


def require(tool: str, install_hint: str) -> str:
    path = which(tool)
    if path is None:
        raise ToolMissing(tool, install_hint)
    return path


def run(
    argv: Sequence[str],
    *,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = 600,
    input: str | None = None,
    check: bool = False,
) -> Completed:
    """Run a command to completion and capture its output (text, undecodable bytes replaced).

    The child gets its own process group so a timeout or Ctrl-C stops it and its children.
    A missing executable raises ToolMissing; check=True raises LockgateError on non-zero exit.
    """
    owner = getattr(_OWNER, "name", None)
    if _CANCELLED.is_set() or owner in _STOPPED:
        raise Cancelled()
    full_env = {**os.environ, **env} if env is not None else None
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=full_env,
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise _not_started(argv, cwd, exc, f"install {argv[0]} (see `lockgate stages`)") from exc
    with _LIVE_LOCK:
        _LIVE[proc] = owner
        if owner in _STOPPED:  # its stage timed out while this process was being started
            _kill_group(proc)
    timed_out = False
    try:
        out, err = proc.communicate(input.encode() if input is not None else None, timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc)
        out, err = proc.communicate()
    finally:
        with _LIVE_LOCK:
            _LIVE.pop(proc, None)
    if _CANCELLED.is_set():
        raise Cancelled()
    done = Completed(
        argv=tuple(argv),
        returncode=proc.returncode,
        stdout=out.decode(errors="replace"),
        stderr=err.decode(errors="replace"),
        duration=time.monotonic() - start,
        timed_out=timed_out,
    )
    if check and (done.returncode != 0 or timed_out):
        raise LockgateError(done.describe())
    return done


def start(
    argv: Sequence[str],
    *,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start a long-lived process (a server) in its own process group; output goes to `log`."""
    full_env = {**os.environ, **env} if env is not None else None
    sink = open(log, "ab") if log is not None else subprocess.DEVNULL  # noqa: SIM115
    try:
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as exc:
        raise _not_started(argv, cwd, exc, f"install {argv[0]}") from exc
    finally:
        if log is not None:
            sink.close()  # type: ignore[union-attr]
    return proc


def _not_started(
    argv: Sequence[str], cwd: Path | str | None, exc: OSError, install_hint: str
) -> LockgateError:
    """Why a process did not start: the folder to run in is missing, the program is missing,
    or what is there is not a program (a folder, a data file, an empty name)."""
    if cwd is not None and not os.path.isdir(cwd):
        return LockgateError(
            f"folder not found: {cwd}", hint="pass an existing folder (check the path for typos)"
        )
    if isinstance(exc, FileNotFoundError) and argv and argv[0]:
        return ToolMissing(argv[0], install_hint)
    program = repr(argv[0]) if argv else "(nothing)"
    return LockgateError(
        f"cannot run {program}: {exc.strerror or exc}",
        hint="name an executable program (an absolute path, or a command on PATH)",
    )


def stop(proc: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """SIGTERM the process group, then SIGKILL after `grace` seconds."""
    if proc.poll() is not None:
        return
    _signal_group(proc, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        proc.wait()


def cancel_all() -> None:
    """Ctrl-C: stop every running child and make further run() calls raise Cancelled."""
    _CANCELLED.set()
    with _LIVE_LOCK:
        live = list(_LIVE)
    for proc in live:
        _signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + 3
    for proc in live:
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _kill_group(proc)


def set_owner(name: str | None) -> None:
    """Attribute processes started by this thread to a stage, so its timeout can stop them."""
    _OWNER.name = name
    with _LIVE_LOCK:
        _STOPPED.discard(name or "")


def kill_owned(name: str) -> None:
    """Stop every live child started on behalf of stage `name` (its timeout expired), and any it
    starts from now on (until a thread takes that name again with set_owner)."""
    with _LIVE_LOCK:
        _STOPPED.add(name)
        owned = [p for p, owner in _LIVE.items() if owner == name]
    for proc in owned:
        _kill_group(proc)


def reset_cancel() -> None:
    _CANCELLED.clear()


def cancelled() -> bool:
    return _CANCELLED.is_set()


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    _signal_group(proc, signal.SIGKILL)
