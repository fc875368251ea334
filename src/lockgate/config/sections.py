"""Typed, frozen views of the project-wide config sections stages may read ([container], [deploy], ...).

Each key is declared once, as an `Option` in `deploy/options.py` (type, default, help); these classes
give the validated values attribute types. A test keeps their fields and the declarations equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from types import MappingProxyType
from typing import Any, Self


class _Section:
    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Self:
        """From a validated section (every declared key present, defaults filled)."""
        return cls(**{f.name: values[f.name] for f in fields(cls)})  # type: ignore[arg-type]

    def as_mapping(self) -> Mapping[str, Any]:
        """The values by key, read-only (for code that takes a section as a mapping)."""
        return MappingProxyType(asdict(self))  # type: ignore[call-overload]


@dataclass(frozen=True)
class ContainerSettings(_Section):
    """[container]: how the build stage builds the service's image."""

    engine: str
    file: str
    base_image: str
    repository: str
    pull: str
    port: int
    build_timeout: float
    lint: bool
    name_prefix: str


@dataclass(frozen=True)
class DeploySettings(_Section):
    """[deploy]: target, health check, drain, and the command and kubernetes targets' settings."""

    target: str
    health_path: str
    health_timeout: float
    health_status: int
    drain_seconds: float
    command: tuple[str, ...]
    rollback_command: tuple[str, ...]
    command_timeout: float
    kube_context: str
    kube_namespace: str
    replicas: int
    cpu: str
    memory: str
    review_ttl_hours: float


@dataclass(frozen=True)
class EnvironmentSettings(_Section):
    """[environments.NAME]: one deploy environment."""

    port: int
    url: str
    host: str
    requires: tuple[str, ...]
    branches: tuple[str, ...]
    require_passed_run: bool


@dataclass(frozen=True)
class NamingSettings(_Section):
    """[naming]: the organisation's naming policy (or the shared policy file it names)."""

    policy: str
    casing: str
    casing_by_kind: Mapping[str, str]
    templates: Mapping[str, str]
    suffixes: tuple[str, ...]
    required_tags: tuple[str, ...]
    banned_words: tuple[str, ...]
    abbreviations: Mapping[str, str]
    shared_name: bool
    exclude: tuple[str, ...]

    @classmethod
    def defaults(cls) -> NamingSettings:
        """The built-in policy (what a config without [naming] gets)."""
        from lockgate.config.validate import freeze
        from lockgate.naming.options import NAMING_OPTIONS

        return cls.of({o.name: freeze(o.default) for o in NAMING_OPTIONS})
