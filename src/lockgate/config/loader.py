"""Find, parse, validate and freeze the project's config (lockgate.toml or [tool.lockgate])."""

from __future__ import annotations

import datetime
import difflib
import fnmatch
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from lockgate import fsread
from lockgate.config import schema
from lockgate.config.keylines import KeyPath, key_lines, line_of
from lockgate.config.options import Option
from lockgate.config.sections import (
    ContainerSettings,
    DeploySettings,
    EnvironmentSettings,
    NamingSettings,
)
from lockgate.config.validate import (
    MAX_DEPTH,
    Reader,
    describe,
    did_you_mean,
    dotted,
    freeze,
    nesting_depth,
    too_deep,
    warning_line,
)
from lockgate.deploy.options import (
    CONTAINER_OPTIONS,
    DEFAULT_ENVIRONMENTS,
    DEPLOY_OPTIONS,
    ENVIRONMENT_OPTIONS,
)
from lockgate.errors import LockgateError
from lockgate.model import Finding, Severity
from lockgate.naming.options import NAMING_OPTIONS
from lockgate.stages.interface import Gate, Stage


@dataclass(frozen=True)
class Suppression:
    """An accepted finding: every given field must match; at least one of rule/path/fingerprint."""

    reason: str
    expires: datetime.date
    stage: str | None
    rule: str | None
    path: str | None  # a glob over the finding's project-relative path
    fingerprint: str | None
    where: str  # "lockgate.toml:42", for messages

    def matches(self, finding: Finding) -> bool:
        if self.rule is None and self.path is None and self.fingerprint is None:
            return False
        if self.stage is not None and finding.stage != self.stage:
            return False
        if self.rule is not None and finding.rule_id != self.rule:
            return False
        if self.fingerprint is not None and finding.fingerprint != self.fingerprint:
            return False
        if self.path is not None:
            found = finding.location.path if finding.location is not None else None
            return found is not None and _glob_match(found, self.path)
        return True

    def expired(self, today: datetime.date) -> bool:
        """True once `today` is after the expiry date (the suppression applies through that day)."""
        return today > self.expires


def _glob_match(path: str, pattern: str) -> bool:
    path, pattern = path.removeprefix("./"), pattern.removeprefix("./")
    if pattern.endswith("/"):
        return path.startswith(pattern)
    return fnmatch.fnmatchcase(path, pattern)


@dataclass(frozen=True)
class ProjectSettings:
    name: str
    base_branch: str
    id: str | None = None  # configured stable identity; see lockgate.identity


@dataclass(frozen=True)
class RunSettings:
    jobs: int  # resolved: a config value of 0 becomes the number of CPU cores
    timeout: float


@dataclass(frozen=True)
class StageSettings:
    name: str
    enabled: bool
    gate: Gate
    options: Mapping[str, Any]  # every declared non-gate option, defaults filled, read-only


@dataclass(frozen=True)
class Config:
    root: Path
    path: Path | None  # the file it came from; None = built-in defaults
    project: ProjectSettings
    run: RunSettings
    stages: Mapping[str, StageSettings]  # every known stage, defaults filled in
    suppressions: tuple[Suppression, ...]
    sections: Mapping[str, Any]  # schema.SECTIONS by name, frozen, defaults filled
    warnings: tuple[str, ...]  # "file:line: ... did you mean 'x'?"
    container: ContainerSettings  # typed views of `sections` that stages read
    deploy: DeploySettings
    environments: Mapping[str, EnvironmentSettings]  # the declared ones, else the defaults
    naming: NamingSettings
    key_lines: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)
    # dotted key -> the layer that set it ("python-service@1:7", "lockgate.toml:3"); unset: default
    origins: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    policy_findings: tuple[Finding, ...] = ()  # what the layers tried against the org policy

    def where(self, dotted_key: str) -> str:
        """File and line of a key such as "stages.test.coverage_min": "lockgate.toml:12"."""
        if dotted_key in self.origins:  # set by a layer: a pack, the org policy or this file
            return self.origins[dotted_key]
        if self.path is None:
            return "built-in defaults"
        label = _label(self.root, self.path)
        index = {tuple(k.split(".")): n for k, n in self.key_lines.items()}
        line = line_of(index, tuple(dotted_key.split(".")))
        return f"{label}:{line}" if line is not None else label


def load_config(
    root: Path,
    stages: Mapping[str, type[Stage]] | None = None,
    *,
    sections: tuple[schema.Section, ...] | None = None,
) -> Config:
    """Read lockgate.toml (else [tool.lockgate] in pyproject.toml, else defaults) under `root`.

    `stages` defaults to every registered stage, `sections` to schema.SECTIONS.

    Unknown keys become warnings; invalid values, unknown stages and broken TOML raise
    LockgateError (exit 2) naming the file and line.
    """
    if not root.is_dir():
        raise LockgateError(f"project folder not found: {root}", hint="pass an existing folder")
    if stages is None:
        from lockgate.stages.registry import all_stages

        stages = all_stages()
    return _checked(root, _find_source(root), stages, sections)


def config_from_data(
    root: Path,
    data: Mapping[str, Any],
    stages: Mapping[str, type[Stage]],
    *,
    label: str = "given config",
) -> Config:
    """A Config from already-parsed TOML data (`{}` = the built-in defaults), checked like a file.

    For tools and tests that hold settings in memory; errors name `label` instead of a line.
    """
    return _checked(root, _Source(None, label, data, {}), stages, None)


def _checked(
    root: Path,
    source: _Source,
    stages: Mapping[str, type[Stage]],
    sections: tuple[schema.Section, ...] | None,
) -> Config:
    sections = schema.SECTIONS if sections is None else sections
    source, origins, findings = _layered(root, source, stages, sections)
    reader = Reader(source.label, source.lines)
    config = _build(root, source, reader, stages, sections)
    reader.raise_errors()
    # A pack's unknown key was reported at the pack's line; the merged data repeats it: once only.
    said = {w.split(": ", 1)[-1] for w in source.warnings}
    own = sorted((w for w in reader.warnings if w.split(": ", 1)[-1] not in said), key=warning_line)
    return replace(
        config,
        warnings=source.warnings + tuple(own),
        origins=MappingProxyType(origins),
        policy_findings=findings,
    )


def _layered(
    root: Path,
    source: _Source,
    stages: Mapping[str, type[Stage]],
    sections: tuple[schema.Section, ...],
) -> tuple[_Source, dict[str, str], tuple[Finding, ...]]:
    """The project's file over its `extends` packs, held to the org policy (config/policy.py).

    Each pack is checked on its own first, so its mistakes name the pack's file and line.
    """
    from lockgate.config import packs, policy

    base = source.path.parent if source.path is not None else root
    identity = f"file:{source.path.resolve()}" if source.path is not None else "project"
    project = packs.Layer(source.label, None, dict(source.data), dict(source.lines), identity, base)
    merged = packs.merge(packs.resolve(project, root / ".lockgate" / "packs"))
    pack_warnings: list[str] = []
    for layer in merged.layers[:-1]:
        reader = Reader(layer.label, layer.lines)
        _build(root, _Source(None, layer.label, layer.data, layer.lines), reader, stages, sections)
        reader.raise_errors()
        pack_warnings += reader.warnings
    named = merged.data.get("project", {})
    name = named.get("name") if isinstance(named, dict) else None
    outcome = policy.evaluate(
        merged.layers, datetime.date.today(), name if isinstance(name, str) else root.resolve().name
    )
    if outcome.declared:
        defaults = {
            n: {o.name: o.default for o in stage_options(cls) if o.name in ("fail_on", "enabled")}
            for n, cls in stages.items()
        }
        merged.origins.update(policy.clamp(merged.data, outcome.floor, defaults))
    by = (outcome.floor.set_by or {}).get("required_stages", "policy")
    pack_warnings += [
        f"{by}: [policy] required_stages names '{n}', which is not a stage"
        + did_you_mean(n, stages)
        for n in outcome.floor.required_stages
        if n not in stages
    ]
    warnings = (
        source.warnings + tuple(pack_warnings) + tuple(policy.describe(f) for f in outcome.findings)
    )
    layered = replace(source, data=merged.data, lines=merged.lines, warnings=warnings)
    return layered, merged.origins, outcome.findings


# --- finding and parsing the file ---------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    path: Path | None
    label: str
    data: Mapping[str, Any]
    lines: Mapping[KeyPath, int]  # relative to the lockgate table
    warnings: tuple[str, ...] = ()


def _find_source(root: Path) -> _Source:
    own, pyproject = root / schema.CONFIG_FILE, root / schema.PYPROJECT_FILE
    # Present in any form (a folder, a broken link) it is the config: reading it must fail loudly
    # rather than the run going on with the defaults.
    if own.exists() or own.is_symlink():
        warnings: tuple[str, ...] = ()
        if pyproject.is_file() and _mentions_tool_table(pyproject):
            warnings = (
                f"{_label(root, pyproject)}: [tool.lockgate] is ignored because "
                f"{schema.CONFIG_FILE} exists; keep the config in one place",
            )
        data, lines = _parse(root, own)
        return _Source(own, _label(root, own), data, lines, warnings)
    if pyproject.is_file():
        data, lines = _parse(root, pyproject)
        table: Any = data
        for part in schema.PYPROJECT_TABLE:
            table = table.get(part) if isinstance(table, dict) else None
        if table is not None:
            label = _label(root, pyproject)
            if not isinstance(table, dict):
                line = line_of(lines, schema.PYPROJECT_TABLE)
                raise LockgateError(
                    f"tool.lockgate: expected a table, found {describe(table)}",
                    where=f"{label}:{line}" if line else label,
                    hint="write the settings under a [tool.lockgate] header",
                )
            n = len(schema.PYPROJECT_TABLE)
            inner = {k[n:]: v for k, v in lines.items() if k[:n] == schema.PYPROJECT_TABLE}
            return _Source(pyproject, label, table, inner)
    return _Source(None, "built-in defaults", {}, {})


def _mentions_tool_table(pyproject: Path) -> bool:
    try:
        text = fsread.read_text(pyproject, MAX_CONFIG_BYTES, "utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[+\s*tool\s*\.\s*lockgate\b", text, re.MULTILINE) is not None


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
MAX_CONFIG_BYTES = 4 * fsread.MIB  # a FIFO, /dev/zero or a 1 GB file is refused, never read


def _parse(root: Path, path: Path) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    label = _label(root, path)
    try:
        text = fsread.read_text(path, MAX_CONFIG_BYTES, "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LockgateError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})",
            where=label,
            hint="save the file as UTF-8",
        ) from None
    except OSError as exc:
        raise LockgateError(
            f"cannot read: {exc.strerror}",
            where=label,
            hint="make it a readable text file (not a folder, FIFO, device or a link to a "
            "missing file)",
        ) from None
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise too_deep(label) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = label
        if m := _TOML_POSITION.search(message):
            where = f"{label}:{m.group(1)}:{m.group(2)}"
            message = message[: m.start()].strip()
        raise LockgateError(
            f"invalid TOML: {message}",
            where=where,
            hint="fix the syntax at that position (strings need quotes, dates look like "
            "2027-03-31, each table header appears once); see https://toml.io",
        ) from None
    except ValueError as exc:  # a number Python will not convert (over 4300 digits)
        raise LockgateError(
            f"invalid TOML: {str(exc).split(';')[0]}",
            where=label,
            hint="write numbers as lockgate's settings expect them (a few digits)",
        ) from None
    if nesting_depth(data) > MAX_DEPTH:
        raise too_deep(label)
    return data, key_lines(text)


def _label(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


# --- building the Config ------------------------------------------------------------------------


def _build(
    root: Path,
    source: _Source,
    reader: Reader,
    stages: Mapping[str, type[Stage]],
    sections: tuple[schema.Section, ...],
) -> Config:
    data = source.data
    top_level = (*schema.RESERVED, *(s.name for s in sections))
    for name in data:
        if name not in top_level:
            reader.warn((name,), reader.unknown((name,), top_level, "section"))
    project = reader.table(("project",), data.get("project"), schema.PROJECT.options)
    run = reader.table(("run",), data.get("run"), schema.RUN.options)
    run_settings = RunSettings(jobs=run["jobs"] or os.cpu_count() or 1, timeout=run["timeout"])
    values = {s.name: _section(reader, s, data.get(s.name)) for s in sections}
    return Config(
        root=root,
        path=source.path,
        project=ProjectSettings(
            name=project["name"] or root.resolve().name,
            base_branch=project["base_branch"],
            id=project["id"],
        ),
        run=run_settings,
        stages=_stages(reader, data.get("stages"), stages, run_settings.timeout),
        suppressions=_suppressions(reader, data.get("suppress"), stages),
        sections=MappingProxyType(values),
        warnings=source.warnings + tuple(sorted(reader.warnings, key=warning_line)),
        container=ContainerSettings.of(_or_defaults(values, "container", CONTAINER_OPTIONS)),
        deploy=DeploySettings.of(_or_defaults(values, "deploy", DEPLOY_OPTIONS)),
        environments=_environments(values.get("environments")),
        naming=NamingSettings.of(_or_defaults(values, "naming", NAMING_OPTIONS)),
        key_lines=MappingProxyType({dotted(k): n for k, n in source.lines.items()}),
    )


def _or_defaults(
    values: Mapping[str, Any], name: str, options: tuple[Option, ...]
) -> Mapping[str, Any]:
    """A section's values over its declared defaults (a caller's `sections` may declare fewer)."""
    return {**{o.name: freeze(o.default) for o in options}, **(values.get(name) or {})}


def _environments(declared: Mapping[str, Any] | None) -> Mapping[str, EnvironmentSettings]:
    """The declared environments, else review, staging and production with default settings."""
    defaults = {o.name: freeze(o.default) for o in ENVIRONMENT_OPTIONS}
    given = dict(declared or {}) or dict.fromkeys(DEFAULT_ENVIRONMENTS, defaults)
    return MappingProxyType(
        {n: EnvironmentSettings.of({**defaults, **v}) for n, v in given.items()}
    )


def stage_options(stage: type[Stage]) -> tuple[Option, ...]:
    """COMMON options (defaults overridden by the stage's re-declarations), then the stage's own."""
    own = {o.name: o for o in getattr(stage, "options", ())}
    common = tuple(
        replace(c, default=own[c.name].default) if c.name in own else c for c in schema.COMMON
    )
    names = {c.name for c in schema.COMMON}
    return common + tuple(o for o in own.values() if o.name not in names)


def _stages(
    reader: Reader, raw: Any, stages: Mapping[str, type[Stage]], run_timeout: float
) -> Mapping[str, StageSettings]:
    given: dict[str, Any] = {}
    if raw is not None and reader.is_table(("stages",), raw):
        for name, table in raw.items():
            if name in stages:
                given[name] = table
            else:
                reader.error(
                    ("stages", name),
                    reader.unknown(("stages", name), stages, "stage"),
                    f"known stages: {', '.join(stages) or '(none)'}",
                )
    settings = {}
    for name, cls in stages.items():
        values = reader.table(("stages", name), given.get(name), stage_options(cls))
        timeout = values["timeout"] if values["timeout"] is not None else run_timeout
        gate = Gate(
            fail_on=Severity(values["fail_on"]),
            new_only=values["new_only"],
            timeout=float(timeout),
            fail_on_unchecked=values["fail_on_unchecked"],
        )
        options = {k: v for k, v in values.items() if k not in (*schema.GATE_KEYS, "enabled")}
        settings[name] = StageSettings(name, values["enabled"], gate, MappingProxyType(options))
    return MappingProxyType(settings)


def _suppressions(
    reader: Reader, raw: Any, stages: Mapping[str, type[Stage]]
) -> tuple[Suppression, ...]:
    if raw is None:
        return ()
    if not (isinstance(raw, list) and all(isinstance(t, dict) for t in raw)):
        reader.error(
            ("suppress",),
            f"suppress: expected an array of tables, found {describe(raw)}",
            "write each suppression as its own [[suppress]] table",
        )
        return ()
    found = (_suppression(reader, ("suppress", str(i)), t, stages) for i, t in enumerate(raw))
    return tuple(s for s in found if s is not None)


def _suppression(
    reader: Reader, key: KeyPath, raw: dict[str, Any], stages: Mapping[str, type[Stage]]
) -> Suppression | None:
    before = len(reader.errors)
    v = reader.table(key, raw, schema.SUPPRESS.options)
    hint = 'every [[suppress]] needs reason = "..." and expires = 2027-03-31 (an unquoted date)'
    for required in ("reason", "expires"):
        if required not in raw:
            typo = difflib.get_close_matches(required, [k for k in raw if k not in v], 1, 0.6)
            also = f" ('{typo[0]}' is not a key; did you mean '{required}'?)" if typo else ""
            reader.error(key, f"[[suppress]] #{int(key[-1]) + 1} has no {required}{also}", hint)
    if v["rule"] is None and v["path"] is None and v["fingerprint"] is None:
        reader.error(
            key,
            f"[[suppress]] #{int(key[-1]) + 1} matches nothing specific",
            "give at least one of rule, path or fingerprint",
        )
    if v["stage"] is not None and v["stage"] not in stages:
        unknown = f"unknown stage {v['stage']!r}" + did_you_mean(v["stage"], stages)
        reader.error((*key, "stage"), unknown, f"known stages: {', '.join(stages)}")
    if len(reader.errors) > before:
        return None
    return Suppression(
        reason=v["reason"],
        expires=v["expires"],
        stage=v["stage"],
        rule=v["rule"],
        path=v["path"],
        fingerprint=v["fingerprint"],
        where=reader.where(key),
    )


def _section(reader: Reader, section: schema.Section, raw: Any) -> Mapping[str, Any]:
    if not section.each:
        return MappingProxyType(reader.table((section.name,), raw, section.options))
    entries: dict[str, Any] = {}
    if raw is not None and reader.is_table((section.name,), raw):
        for name, table in raw.items():
            values = reader.table((section.name, name), table, section.options)
            entries[name] = MappingProxyType(values)
    return MappingProxyType(entries)
