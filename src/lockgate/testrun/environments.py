"""Which environment the tests run in, and creating (once, cached) the ones the project only declares.

Order: the project's own `.venv`, then `[stages.test] python`, then an environment created from the
project's lock or requirements (uv; `npm ci` for a custom command in a Node project), cached under
`.lockgate/envs/` by a digest of those files, the base interpreter and the wheels offered; else
lockgate's own Python.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lockgate import fsutil
from lockgate.testrun.interface import CreateRequest, EnvError, Environment, Provisioner
from lockgate.testrun.npm import NPM
from lockgate.testrun.uv import UV
from lockgate.tools import proc

PROVISIONERS: tuple[Provisioner, ...] = (UV, NPM)
ENVS = Path(".lockgate") / "envs"
READY = ".lockgate-ready"
KEEP = 3  # created environments kept per provisioner


@dataclass(frozen=True)
class ToCreate:
    provisioner: Provisioner
    inputs: tuple[str, ...]
    home: Path  # the cached folder, named by the digest of what it is made from


@dataclass(frozen=True)
class Choice:
    """The environment decided without creating anything: an existing one, plus any to create."""

    base: Environment  # the interpreter when no created environment provides one
    create: tuple[ToCreate, ...] = ()
    wheels: Path | None = None

    @property
    def python(self) -> str:
        """The interpreter the tests will run with (it may not exist before `ensure`)."""
        for item in self.create:
            if item.provisioner.makes_python:
                return item.provisioner.environment(item.home, item.inputs).python
        return self.base.python


def choose(project: Path, options: Mapping[str, Any]) -> Choice:
    project = project.absolute()
    own = project / ".venv" / "bin" / "python"
    if own.exists():
        return Choice(Environment(str(own), "the project's .venv"))
    configured = str(options["python"])
    if configured:
        return Choice(Environment(proc.which(configured) or configured, "[stages.test] python"))
    mine = Environment(sys.executable, "lockgate's own Python")
    if not options["create_env"]:
        return Choice(mine)
    wheels = project / str(options["wheels"]) if options["wheels"] else None
    command = list(options["command"])
    needs_python = not command or any("{python}" in arg for arg in command)
    create = []
    for prov in PROVISIONERS:
        wanted = needs_python if prov.makes_python else bool(command)  # npm: a custom command
        if not wanted:
            continue
        inputs = prov.inputs(project)
        if inputs:
            create.append(ToCreate(prov, inputs, _home(project, prov, inputs, wheels)))
    return Choice(mine, tuple(create), wheels)


def unavailable(choice: Choice) -> str | None:
    """Why the chosen environment cannot be had here (a missing tool or wheels folder), or None."""
    if not choice.create and not os.access(choice.base.python, os.X_OK):
        return (
            f"python {choice.base.python} not found; set [stages.test] python, "
            "or create the project's .venv"
        )
    for item in choice.create:
        if proc.which(item.provisioner.tool) is None:
            return f"{item.provisioner.tool} is not installed; {item.provisioner.install_hint}"
    if choice.wheels is not None and not choice.wheels.is_dir():
        return (
            f"the wheels folder {choice.wheels} does not exist; create it "
            "(`pip download -d wheels -r requirements.txt`) or unset [stages.test] wheels"
        )
    return None


def ensure(choice: Choice, project: Path, log: Path, timeout: float) -> Environment:
    """The environment, creating what is missing (raises EnvError); PATH and variables merged."""
    found = [choice.base]
    for item in choice.create:
        with _locked(item.home.parent):
            if not (item.home / READY).is_file():
                _create(item, project.absolute(), choice.wheels, log, timeout)
        os.utime(item.home)
        found.append(item.provisioner.environment(item.home, item.inputs))
    python = choice.python
    origin = "; ".join(e.origin for e in found[1:]) or choice.base.origin
    path = tuple(p for e in found for p in e.path)
    variables = {k: v for e in found for k, v in e.variables.items()}
    return Environment(python, origin, path, variables)


def _create(item: ToCreate, project: Path, wheels: Path | None, log: Path, timeout: float) -> None:
    shutil.rmtree(item.home, ignore_errors=True)  # a half-made one from a crashed run
    item.home.mkdir(parents=True)
    req = CreateRequest(project, item.home, item.inputs, sys.executable, wheels, log, timeout)
    try:
        item.provisioner.create(req)
    except BaseException:
        shutil.rmtree(item.home, ignore_errors=True)
        raise
    (item.home / READY).write_text("")
    _evict(item.home.parent, item.provisioner.name, keep=item.home)


def _home(project: Path, prov: Provisioner, inputs: tuple[str, ...], wheels: Path | None) -> Path:
    offered = sorted(p.name for p in wheels.iterdir()) if wheels and wheels.is_dir() else []
    key = fsutil.digest_text(
        prov.name,
        sys.version,
        str(Path(sys.base_prefix).resolve()),
        fsutil.digest_files(project, set(inputs)),
        *offered,
    )
    return project / ENVS / f"{prov.name}-{key[:16]}"


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One creator at a time per project (two runs at once must not build the same folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _evict(folder: Path, name: str, keep: Path) -> None:
    mine = [p for p in folder.glob(f"{name}-*") if p.is_dir() and p != keep]
    mine.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in mine[KEEP - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


__all__ = ["Choice", "EnvError", "choose", "ensure", "unavailable"]
