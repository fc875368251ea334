"""Bind address and port come from the environment, loopback by default."""

from __future__ import annotations

from app.__main__ import settings


def test_defaults_to_loopback() -> None:
    assert settings({}) == ("127.0.0.1", 8000)


def test_from_environment() -> None:
    assert settings({"HOST": "192.0.2.10", "PORT": "9090"}) == ("192.0.2.10", 9090)
