"""Fixtures of the deploy tests: the session's example image, environments cleaned up after each test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.testing.containers import (
    ExampleImage,
    remove_test_containers,
    shared_example,
    stop_nginx_under,
)


@pytest.fixture(scope="session")
def example_image(tmp_path_factory: pytest.TempPathFactory) -> ExampleImage:
    return shared_example(tmp_path_factory)


@pytest.fixture
def env_name(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A unique review environment name; its nginx and containers are removed afterwards."""
    name = f"review-t{uuid.uuid4().hex[:8]}"
    yield name
    stop_nginx_under(tmp_path)
    if "example_image" in request.fixturenames:
        image: ExampleImage = request.getfixturevalue("example_image")
        remove_test_containers(image.engine, name)
