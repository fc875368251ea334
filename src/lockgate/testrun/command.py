"""What runs: the project's own command, or pytest under coverage.py in the chosen interpreter."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lockgate.testrun.interface import Environment
from lockgate.tools import proc

_COVERAGE_CONFIGS = {
    ".coveragerc": "",
    "pyproject.toml": "[tool.coverage",
    "setup.cfg": "[coverage:",
    "tox.ini": "[coverage:",
}


@dataclass(frozen=True)
class Request:
    """One test run: the project (read in place), its artifacts folder, [stages.test] values."""

    project: Path  # absolute: every path given to the command is
    artifacts: Path
    options: Mapping[str, Any]
    timeout: float


@dataclass(frozen=True)
class Plan:
    """What will run: the command, where its JUnit lands, whether coverage wraps it."""

    argv: tuple[str, ...]
    junit: Path
    python: str
    coverage: bool


def substitute(text: str, req: Request, python: str) -> str:
    for key, value in (
        ("{python}", python),
        ("{artifacts}", str(req.artifacts)),
        ("{project}", str(req.project)),
    ):
        text = text.replace(key, value)
    return text


def plan(req: Request, python: str, versions: Mapping[str, str | None]) -> Plan:
    command = list(req.options["command"])
    if command:
        junit = Path(substitute(str(req.options["junit_path"]), req, python))
        argv = tuple(substitute(a, req, python) for a in command)
        return Plan(argv, junit if junit.is_absolute() else req.project / junit, python, False)
    junit = req.artifacts / "junit.xml"
    pytest = [
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-o",
        "junit_family=xunit1",  # xunit1 keeps each test's file and line
        f"--junitxml={junit}",
        "-q",
        *req.options["pytest_args"],
    ]
    if not versions.get("coverage"):
        return Plan((python, *pytest), junit, python, coverage=False)
    source = (
        []
        if _coverage_configured(req.project)
        else ["--source=.", "--omit=.venv/*,*/site-packages/*"]
    )
    return Plan((python, "-m", "coverage", "run", *source, *pytest), junit, python, coverage=True)


def variables(req: Request, env: Environment) -> dict[str, str]:
    """The command's environment: the created environment's PATH and variables, output redirected."""
    out = {
        **env.variables,
        "COVERAGE_FILE": str(req.artifacts / ".coverage"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "LOCKGATE_ARTIFACTS": str(req.artifacts),
    }
    if env.path:
        out["PATH"] = os.pathsep.join([*env.path, os.environ.get("PATH", "")])
    return out


def _coverage_configured(project: Path) -> bool:
    for name, marker in _COVERAGE_CONFIGS.items():
        path = project / name
        if path.is_file():
            try:
                if marker in path.read_text(encoding="utf-8", errors="replace"):
                    return True
            except OSError:
                continue
    return False


_PROBE = """
import importlib.metadata as m, json, sys
found = {"python": sys.version.split()[0]}
for name in ("pytest", "coverage"):
    try:
        found[name] = m.version(name)
    except m.PackageNotFoundError:
        found[name] = None
print(json.dumps(found))
"""


def probe(python: str) -> dict[str, str | None]:
    """Versions of python, pytest and coverage in the test interpreter (None: not installed)."""
    done = proc.run([python, "-c", _PROBE], timeout=60)
    try:
        found = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"python": None, "pytest": None, "coverage": None}
    return (
        {str(k): (str(v) if v else None) for k, v in found.items()}
        if isinstance(found, dict)
        else {}
    )


def installed(python: Path) -> list[str]:
    """Names of the distributions installed in the interpreter's venv (cheap: no subprocess)."""
    venv = python.parent.parent
    if not (venv / "pyvenv.cfg").is_file():
        return []
    return sorted(p.name for p in venv.glob("lib/python*/site-packages/*.dist-info"))


def clear_stale(req: Request, plan: Plan) -> None:
    """A report left by an earlier run in the artifacts must not pass for this run's."""
    stale = [plan.junit, req.artifacts / "coverage.json", *req.artifacts.glob(".coverage*")]
    for path in stale:
        if inside(req.artifacts, path):
            path.unlink(missing_ok=True)


def coverage(req: Request, plan: Plan, env: dict[str, str]) -> float | None:
    """Total line coverage from the run's data (combined first when parallel), or None."""
    report = req.artifacts / "coverage.json"
    if plan.coverage and any(req.artifacts.glob(".coverage.*")):
        _coverage_cmd(req, plan, env, "combine")  # the project's config has `parallel = true`
    if plan.coverage and (req.artifacts / ".coverage").exists():
        for fmt in ("json", "xml"):
            _coverage_cmd(req, plan, env, fmt, "-o", str(req.artifacts / f"coverage.{fmt}"))
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
        return float(data["totals"]["percent_covered"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _coverage_cmd(req: Request, plan: Plan, env: dict[str, str], *args: str) -> None:
    proc.run([plan.python, "-m", "coverage", *args], cwd=req.project, env=env, timeout=300)


def inside(folder: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True
