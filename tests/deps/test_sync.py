"""`lockgate advisories sync` against a loopback bucket, and its clear failure when offline."""

from __future__ import annotations

import io
import socket
import threading
import zipfile
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from lockgate.cli.main import main
from lockgate.deps.model import Dependency, Ecosystem
from lockgate.deps.sources.local_dir import LocalDirSource


@pytest.fixture
def bucket(ghsa: Path, tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "bucket"
    (root / "npm").mkdir(parents=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for record in (ghsa / "npm").glob("*.json"):
            archive.writestr(record.name, record.read_text())
        archive.writestr("../../escape.json", "{}")  # hostile path: must land inside dest
    (root / "npm" / "all.zip").write_bytes(buf.getvalue())

    def handler(*args: object, **kwargs: object) -> SimpleHTTPRequestHandler:
        return type("Quiet", (SimpleHTTPRequestHandler,), {"log_message": lambda *a: None})(
            *args, directory=str(root), **kwargs
        )

    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_sync_fills_a_directory_the_local_source_reads(
    bucket: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "db"
    code = main(["advisories", "sync", "--ecosystem", "npm", "--dest", str(dest), "--url", bucket])
    assert code == 0, capsys.readouterr().err
    assert "npm: 16 records" in capsys.readouterr().out
    assert not (tmp_path / "escape.json").exists() and (dest / "npm" / "escape.json").exists()
    source = LocalDirSource(dest)
    answer = source.query([Dependency(Ecosystem.NPM, "lodash", "4.17.15", "x", 1, True)])
    assert len(answer.advisories[("npm", "lodash")]) == 2
    assert answer.covered == {"npm"} and answer.data_times["npm"].startswith("20")  # the sync


def test_sync_offline_is_a_clear_error_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code = main(
        [
            "advisories",
            "sync",
            "--ecosystem",
            "PyPI",
            "--dest",
            str(tmp_path / "db"),
            "--url",
            f"http://127.0.0.1:{port}",
            "--timeout",
            "2",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "could not download" in err and "PyPI/all.zip" in err and "fix:" in err
