"""Built-in stages, one line each; third-party stages come from the `lockgate.stages` entry points.

Everything else about a stage (its kind, what it reads and makes, its options) is declared on the
stage class; the graph (`engine/graph.py`) and the reports' grouping are derived from here.
"""

from __future__ import annotations

import functools
from importlib import import_module

from lockgate.errors import LockgateError
from lockgate.stages.interface import Stage, StageKind

ENTRY_POINT_GROUP = "lockgate.stages"

# name -> "module:Class"; imported on first use so `lockgate --help` stays fast.
BUILTIN: dict[str, str] = {
    "lint": "lockgate.stages.lint:LintStage",
    "naming": "lockgate.stages.naming:NamingStage",
    "test": "lockgate.stages.test:TestStage",
    "docs": "lockgate.stages.docs:DocsStage",
    "secrets": "lockgate.stages.secrets:SecretsStage",
    "sast": "lockgate.stages.sast:SastStage",
    "deps": "lockgate.stages.deps:DepsStage",
    "plan": "lockgate.stages.plan:PlanStage",
    "build": "lockgate.stages.build:BuildStage",
    "deploy": "lockgate.stages.deploy:DeployStage",
    "load": "lockgate.stages.load:LoadStage",
    "accessibility": "lockgate.stages.accessibility:AccessibilityStage",
    "portability": "lockgate.stages.portability:PortabilityStage",
}

_DECLARED = ("name", "description", "kind", "consumes", "provides", "needs", "options")


def _load(spec: str) -> type[Stage]:
    module, _, attr = spec.partition(":")
    return getattr(import_module(module), attr)  # type: ignore[no-any-return]


def builtin_stages() -> dict[str, type[Stage]]:
    """The built-in stage classes by name, in registry order."""
    return {name: _load(spec) for name, spec in BUILTIN.items()}


def all_stages() -> dict[str, type[Stage]]:
    """Every stage class by name: built-ins first, then plugins in entry-point order.

    A plugin whose name is a built-in's (or another plugin's), or whose class does not declare
    the Stage contract, is an error naming its distribution, never silently dropped.
    """
    from importlib.metadata import entry_points  # slow to import: only when stages are needed

    stages = builtin_stages()
    origin = dict.fromkeys(stages, "lockgate (built in)")
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist = f"{ep.dist.name} {ep.dist.version}" if ep.dist is not None else ep.value
        if ep.name in stages:
            raise LockgateError(
                f"the stage plugin '{ep.name}' from {dist} has the name of a stage of "
                f"{origin[ep.name]}",
                hint=f"rename the `{ENTRY_POINT_GROUP}` entry point in the plugin's package, "
                "or uninstall one of them",
            )
        stages[ep.name] = _plugin(ep.name, ep.load, dist)
        origin[ep.name] = dist
    return stages


def _plugin(name: str, load: object, dist: str) -> type[Stage]:
    try:
        cls = load()  # type: ignore[operator]
    except Exception as exc:
        raise LockgateError(
            f"the stage plugin '{name}' from {dist} cannot be imported: {type(exc).__name__}: {exc}",
            hint="fix or uninstall the plugin's package",
        ) from None
    missing = [attr for attr in _DECLARED if not hasattr(cls, attr)]
    if missing or getattr(cls, "name", None) != name:
        problem = (
            f"does not declare {', '.join(missing)}"
            if missing
            else f"is named '{getattr(cls, 'name', '')}' in its class"
        )
        raise LockgateError(
            f"the stage plugin '{name}' from {dist} {problem}",
            hint="a stage class declares name (equal to its entry point's name), description, "
            "kind, consumes, provides, needs and options; see the README's 'Adding a stage'",
        )
    return cls  # type: ignore[no-any-return]


@functools.cache
def names_of_kind(kind: StageKind) -> frozenset[str]:
    """Names of every registered stage (built-in or plugin) of `kind`; looked up once a process."""
    return frozenset(name for name, cls in all_stages().items() if cls.kind is kind)
