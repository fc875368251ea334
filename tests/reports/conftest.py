"""Fixtures: the fixed sample run (goldens) and the hostile-strings run."""

from __future__ import annotations

import pytest

from lockgate.model import Run

from .sample_runs import build_hostile_run, build_sample_run, build_unchecked_run


@pytest.fixture
def sample_run() -> Run:
    return build_sample_run()


@pytest.fixture
def hostile_run() -> Run:
    return build_hostile_run()


@pytest.fixture
def unchecked_run() -> Run:
    return build_unchecked_run()
