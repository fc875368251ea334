"""Built-in stages, one line each; third-party stages come from the `lockgate.stages` entry points."""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import entry_points

from lockgate.stages.interface import Stage

# name -> "module:Class"; imported on first use so `lockgate --help` stays fast.
BUILTIN: dict[str, str] = {
    "lint": "lockgate.stages.lint:LintStage",
    "test": "lockgate.stages.test:TestStage",
    "secrets": "lockgate.stages.secrets:SecretsStage",
    "sast": "lockgate.stages.sast:SastStage",
    "deps": "lockgate.stages.deps:DepsStage",
    "build": "lockgate.stages.build:BuildStage",
    "deploy": "lockgate.stages.deploy:DeployStage",
}


def _load(spec: str) -> type[Stage]:
    module, _, attr = spec.partition(":")
    return getattr(import_module(module), attr)  # type: ignore[no-any-return]


def all_stages() -> dict[str, type[Stage]]:
    """Every known stage class by name: built-ins first, then plugins (which may not shadow them)."""
    stages = {name: _load(spec) for name, spec in BUILTIN.items()}
    for ep in entry_points(group="lockgate.stages"):
        if ep.name not in stages:
            stages[ep.name] = ep.load()
    return stages
