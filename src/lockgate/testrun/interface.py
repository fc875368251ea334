"""Ports of the test stage: an environment provisioner (one module each), and the values between them.

A provisioner claims the project files an environment is made from (a lock, requirements), and
creates that environment in a folder lockgate caches by a digest of those files. The test stage
prefers what the project already has (`.venv`, `[stages.test] python`) over creating anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


class EnvError(Exception):
    """The environment could not be created; the message says why and how to fix it."""


@dataclass(frozen=True)
class CreateRequest:
    """Make an environment in `home` (empty) from `inputs`, files of `project` read in place."""

    project: Path
    home: Path
    inputs: tuple[str, ...]
    python: str  # the interpreter a Python environment is based on
    wheels: Path | None  # offline: install only from this folder of wheels
    log: Path  # the provisioner's commands and output go here
    timeout: float


@dataclass(frozen=True)
class Environment:
    """Where the tests run: the interpreter, extra PATH folders and variables, and its origin."""

    python: str
    origin: (
        str  # for summaries: "the project's .venv", "created with uv from requirements.txt", ...
    )
    path: tuple[str, ...] = ()  # folders put first on PATH
    variables: Mapping[str, str] = field(default_factory=dict)


class Provisioner(Protocol):
    name: str  # "uv", "npm"
    tool: str  # the executable it runs (proc.which)
    install_hint: str
    makes_python: bool  # True: the environment holds the tests' Python interpreter

    def inputs(self, project: Path) -> tuple[str, ...]:
        """Project files (relative) it would make the environment from; () = not this project."""
        ...

    def create(self, req: CreateRequest) -> None:
        """Create the environment in `req.home`; raise EnvError naming the problem and the fix."""
        ...

    def environment(self, home: Path, inputs: tuple[str, ...]) -> Environment:
        """The environment that `create` made in `home`."""
        ...
