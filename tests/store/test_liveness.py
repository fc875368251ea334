"""Telling a live writer from a dead one: pid, zombie state, and pid reuse via the process start time."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from lockgate.store import liveness


def test_this_process_is_alive() -> None:
    me = liveness.me()
    assert me.pid == os.getpid() and me.host
    assert me.process_start is not None  # Linux: read from /proc
    assert not liveness.is_gone(me)


def test_an_ended_and_reaped_process_is_gone() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(30)
    assert liveness.is_gone(liveness.Owner(liveness.me().host, child.pid, None))


def test_a_killed_but_unreaped_process_is_gone() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        owner = liveness.Owner(liveness.me().host, child.pid, liveness.process_start(child.pid))
        assert not liveness.is_gone(owner)
        child.kill()
        stat = Path(f"/proc/{child.pid}/stat")
        deadline = time.monotonic() + 10
        while stat.read_text().rpartition(")")[2].split()[0] != "Z" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert liveness.is_gone(owner)
    finally:
        child.kill()
        child.wait(30)


def test_a_reused_pid_is_gone() -> None:
    me = liveness.me()
    assert liveness.is_gone(liveness.Owner(me.host, me.pid, "another-boot:12345"))


def test_a_process_on_another_host_is_never_declared_gone() -> None:
    assert not liveness.is_gone(liveness.Owner("some-other-host", 999_999_999, None))
