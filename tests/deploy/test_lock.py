"""The per-environment deploy lock: live holders refuse, stale ones are taken over with a note."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lockgate.deploy.lock import LOCK_NAME, EnvLock, read_holder
from lockgate.errors import LockgateError
from lockgate.store import liveness


def _write(path: Path, **data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


def test_lock_records_this_process_and_is_released(tmp_path: Path) -> None:
    with EnvLock(tmp_path, "staging") as lock:
        holder = read_holder(tmp_path / LOCK_NAME)
        assert holder is not None and holder.pid == os.getpid()
        assert lock.note is None
    assert not (tmp_path / LOCK_NAME).exists()


def test_a_live_holder_is_refused_with_its_name(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        me = liveness.me()
        _write(
            tmp_path / LOCK_NAME,
            pid=child.pid,
            host=me.host,
            started="2026-11-26T10:00:00",
            action="deploy",
            process_start=liveness.process_start(child.pid),
        )
        with pytest.raises(LockgateError) as err, EnvLock(tmp_path, "staging"):
            pass
        assert f"pid {child.pid}" in err.value.message
        assert "2026-11-26T10:00:00" in err.value.message
        assert (tmp_path / LOCK_NAME).exists()  # never removed from under its holder
    finally:
        child.kill()
        child.wait()


def test_the_lock_of_a_crashed_process_is_taken_over_with_a_note(tmp_path: Path) -> None:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = int(child.stdout)
    _write(tmp_path / LOCK_NAME, pid=dead, host=liveness.me().host, started="2026-11-26T09:00:00")
    with EnvLock(tmp_path, "staging") as lock:
        assert lock.note is not None and f"pid {dead}" in lock.note and "stale" in lock.note
        assert read_holder(tmp_path / LOCK_NAME).pid == os.getpid()  # type: ignore[union-attr]


def test_an_unreadable_lock_file_is_stale(tmp_path: Path) -> None:
    (tmp_path / LOCK_NAME).write_text("{not json")
    old = time.time() - 60
    os.utime(tmp_path / LOCK_NAME, (old, old))
    with EnvLock(tmp_path, "staging") as lock:
        assert lock.note is not None and "unreadable" in lock.note


def test_a_lock_file_being_written_is_not_taken_over(tmp_path: Path) -> None:
    """Another process created the file and has not written its holder yet."""
    (tmp_path / LOCK_NAME).write_text("")
    with pytest.raises(LockgateError, match="being locked by another process"):
        EnvLock(tmp_path, "staging").acquire()
    assert (tmp_path / LOCK_NAME).read_text() == ""  # left to its writer


def test_the_lock_file_appears_with_its_holder_and_leaves_no_temp_file(tmp_path: Path) -> None:
    with EnvLock(tmp_path, "staging"):
        assert read_holder(tmp_path / LOCK_NAME) is not None
        assert sorted(p.name for p in tmp_path.iterdir()) == [LOCK_NAME]


def test_a_holder_on_another_host_counts_as_live(tmp_path: Path) -> None:
    _write(tmp_path / LOCK_NAME, pid=1, host="build-agent-7.invalid", started="2026-11-26T08:00:00")
    with pytest.raises(LockgateError, match=r"build-agent-7\.invalid"), EnvLock(tmp_path, "prod"):
        pass
