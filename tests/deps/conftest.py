"""Fixtures for the deps tests: the shared advisory data and an isolated advisory-index cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.testing.harness import SHARED

PYPA = SHARED / "advisories" / "pypa"
GHSA = SHARED / "advisories" / "ghsa-sample"


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("LOCKGATE_CACHE_DIR", str(cache))
    return cache


@pytest.fixture
def ghsa() -> Path:
    if not GHSA.is_dir():
        pytest.skip(f"shared advisory sample not found at {GHSA} (set LOCKGATE_SHARED_DIR)")
    return GHSA
