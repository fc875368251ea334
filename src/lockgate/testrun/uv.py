"""Python environments with uv, from `uv.lock`, `requirements*.txt` or `pyproject.toml` dependencies.

Offline, from a folder of wheels: `--offline --no-index --find-links DIR`. uv never downloads a
Python interpreter here: the environment is based on the interpreter lockgate runs with.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from lockgate.testrun.interface import CreateRequest, EnvError, Environment
from lockgate.tools import proc

EXTRAS = ("test", "tests", "testing", "dev")  # optional dependencies / groups that tests need
_ENV = {"UV_PYTHON_DOWNLOADS": "never", "UV_NO_PROGRESS": "1", "NO_COLOR": "1"}


class UvProvisioner:
    name = "uv"
    tool = "uv"
    install_hint = (
        "install uv 0.13.9: `.venv/bin/pip install uv==0.13.9` (pinned in requirements/dev.txt)"
    )
    makes_python = True

    def inputs(self, project: Path) -> tuple[str, ...]:
        if (project / "uv.lock").is_file() and (project / "pyproject.toml").is_file():
            return ("uv.lock", "pyproject.toml")
        requirements = sorted(p.name for p in project.glob("requirements*.txt") if p.is_file())
        if requirements:
            return tuple(requirements)
        if _dependencies(project / "pyproject.toml"):
            return ("pyproject.toml",)
        return ()

    def create(self, req: CreateRequest) -> None:
        uv = proc.require(self.tool, self.install_hint)
        offline = _offline(req.wheels)
        if req.inputs[0] == "uv.lock":
            env = {**_ENV, "UV_PROJECT_ENVIRONMENT": str(req.home)}
            argv = [uv, "sync", "--frozen", "--all-extras", "--all-groups", "--no-install-project"]
            _run(req, [*argv, "--python", req.python, *offline], env)
            return
        _run(req, [uv, "venv", str(req.home), "--python", req.python], _ENV)
        python = str(req.home / "bin" / "python")
        if req.inputs == ("pyproject.toml",):
            wanted = _dependencies(req.project / "pyproject.toml")
        else:
            wanted = [arg for name in req.inputs for arg in ("-r", str(req.project / name))]
        _run(req, [uv, "pip", "install", "--python", python, *offline, *wanted], _ENV)

    def environment(self, home: Path, inputs: tuple[str, ...]) -> Environment:
        return Environment(
            python=str(home / "bin" / "python"),
            origin=f"created with uv from {', '.join(inputs)}",
            path=(str(home / "bin"),),
            variables={"VIRTUAL_ENV": str(home)},
        )


def _offline(wheels: Path | None) -> list[str]:
    return [] if wheels is None else ["--offline", "--no-index", "--find-links", str(wheels)]


def _run(req: CreateRequest, argv: list[str], env: dict[str, str]) -> None:
    done = proc.run(argv, cwd=req.project, env=env, timeout=req.timeout)
    with req.log.open("a", encoding="utf-8") as log:
        log.write(f"$ {' '.join(argv)}\n{done.stdout}{done.stderr}\n")
    if done.timed_out:
        raise EnvError(f"creating the test environment took more than {req.timeout:g} s")
    if done.returncode != 0:
        hint = (
            f"the wheels folder {req.wheels} lacks a package the project needs: add its wheel"
            if req.wheels is not None
            else "check the project's requirements (see environment.log in the artifacts)"
        )
        raise EnvError(f"{done.describe()}\nfix: {hint}")


def _dependencies(pyproject: Path) -> list[str]:
    """[project] dependencies plus the test-like extras and dependency groups (plain strings)."""
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    project = data.get("project")
    if not isinstance(project, dict):
        return []
    extras = project.get("optional-dependencies")
    groups = data.get("dependency-groups")
    found = list(project.get("dependencies") or [])
    for table in (extras, groups):
        if isinstance(table, dict):
            for name in EXTRAS:
                found += table.get(name) or []
    return [d for d in found if isinstance(d, str)]


UV = UvProvisioner()
