"""The real scanners through their engines: versions, private reports, value-free output."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from lockgate.secrets.engines import detect_secrets, gitleaks
from lockgate.tools import proc
from tests.testing.canaries import assert_no_canaries, make_canaries


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, str]:
    token = make_canaries(31)["github"]
    (tmp_path / "a.py").write_text(f'T = "{token}"\n')
    return tmp_path, token


def test_pinned_versions_are_installed() -> None:
    gl, ds = gitleaks.find()[0], proc.which("detect-secrets")
    assert gl and ds, "run scripts/bootstrap"
    assert gitleaks.version(gl) == gitleaks.PINNED
    assert detect_secrets.version(ds) == detect_secrets.PINNED


def test_gitleaks_report_is_private_and_removed(
    tree: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory, monkeypatch
) -> None:
    root, token = tree
    # a temp root of its own: other lockgate runs on the machine use the shared one meanwhile
    private = tmp_path_factory.mktemp("tmp")
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    (found,) = gitleaks.scan_dir(gitleaks.find()[0] or "", root, 2, 60)
    assert list(private.iterdir()) == []
    assert (found.path, found.line, found.rule_id) == ("a.py", 1, "github-pat")
    assert found.digest is None and found.locator and found.locator.startswith("cols:")
    assert_no_canaries([repr(found)], [token])


def test_detect_secrets_gives_hashes_only(tree: tuple[Path, str]) -> None:
    root, token = tree
    found = detect_secrets.scan(proc.which("detect-secrets") or "", root, ["a.py"], 60)
    assert {c.rule_id for c in found} >= {"github-token"}
    assert all(c.locator and c.locator.startswith("sha1:") for c in found)
    assert_no_canaries([repr(found)], [token])
