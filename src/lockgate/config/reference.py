"""The Markdown config reference, generated from the schema and each built-in stage's options."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import import_module
from typing import Any

from lockgate.config import schema
from lockgate.config.loader import stage_options
from lockgate.config.options import Option
from lockgate.engine.graph import derived_needs
from lockgate.stages.interface import Stage

_KINDS = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "list[str]": "list of strings",
    "table": "table",
    "list[table]": "list of tables",
    "date": "date",
}

# Defaults that depend on the project, shown in words instead of None.
_DEFAULT_WORDS = {
    ("project", "name"): "the folder's name",
    ("stages", "timeout"): "`run.timeout`",
    ("suppress", "reason"): "required",
    ("suppress", "expires"): "required",
}

_INTRO = """\
lockgate reads `lockgate.toml` at the project root, or else the `[tool.lockgate]` table of
`pyproject.toml` (`lockgate.toml` wins when both exist). `lockgate init` writes a commented
starting point. Unknown keys are warnings with a suggestion; a value of the wrong type, an unknown
stage or broken TOML stops lockgate with the file and line (exit code 2)."""

_SUPPRESS_EXAMPLE = """\
```toml
[[suppress]]
stage = "sast"
rule = "B101"
path = "tests/*"
reason = "asserts are how pytest works"
expires = 2027-03-31
```

Every given field must match a finding. An expired suppression no longer applies and fails the
gate loudly until it is renewed or removed."""


def render_reference(
    stages: Mapping[str, type[Stage]] | None = None,
    sections: Iterable[schema.Section] | None = None,
) -> str:
    """Markdown for the README: files, each section, common stage keys, each built-in stage."""
    stages = builtin_stages() if stages is None else stages
    sections = schema.SECTIONS if sections is None else sections
    parts = [_INTRO]
    for section in (schema.PROJECT, schema.RUN):
        parts.append(_section(f"[{section.name}]", section.help, section.name, section.options))
    parts.append(
        _section(
            "[stages.NAME]",
            "Keys every stage accepts (a stage may change a default, noted below).",
            "stages",
            schema.COMMON,
        )
    )
    derived = derived_needs(stages)  # what `lockgate run` waits for, not only the declared needs
    parts.extend(_stage(name, cls, derived[name]) for name, cls in stages.items())
    parts.append(
        _section("[[suppress]]", schema.SUPPRESS.help, "suppress", schema.SUPPRESS.options)
        + "\n\n"
        + _SUPPRESS_EXAMPLE
    )
    for section in sections:
        title = f"[{section.name}.NAME]" if section.each else f"[{section.name}]"
        parts.append(_section(title, section.help, section.name, section.options))
    return "\n\n".join(parts) + "\n"


def builtin_stages() -> dict[str, type[Stage]]:
    """The built-in stages only, so the reference does not depend on installed plugins."""
    from lockgate.stages.registry import BUILTIN

    found: dict[str, type[Stage]] = {}
    for name, spec in BUILTIN.items():
        module, _, attr = spec.partition(":")
        found[name] = getattr(import_module(module), attr)
    return found


def _stage(name: str, cls: type[Stage], needs: tuple[str, ...]) -> str:
    common = {o.name: o.default for o in schema.COMMON}
    changed = [o for o in stage_options(cls) if o.name in common and o.default != common[o.name]]
    own = [o for o in stage_options(cls) if o.name not in common]
    description = _sentence(str(getattr(cls, "description", "")))
    lines = [f"#### `[stages.{name}]`", ""]
    if description:
        lines += [description, ""]
    if needs:
        lines += [f"Runs after: {', '.join(f'`{n}`' for n in needs)}.", ""]
    if changed:
        shown = ", ".join(f"`{o.name} = {_cell(_toml(o.default))}`" for o in changed)
        lines += [f"Changed defaults: {shown}.", ""]
    lines.append(_table("stages", own) if own else "No options besides the common ones.")
    return "\n".join(lines)


def _section(title: str, help_text: str, scope: str, options: Iterable[Option]) -> str:
    return f"### `{title}`\n\n{help_text}\n\n{_table(scope, options)}"


def _table(scope: str, options: Iterable[Option]) -> str:
    rows = ["| key | type | default | description |", "|---|---|---|---|"]
    for o in options:
        default = _DEFAULT_WORDS.get((scope, o.name)) or _value(o.default)
        rows.append(f"| `{o.name}` | {_kind(o)} | {default} | {_cell(_sentence(o.help))} |")
    return "\n".join(rows)


def _kind(option: Option) -> str:
    if option.choices:
        return "one of " + ", ".join(f"`{c}`" for c in option.choices)
    return _KINDS.get(option.kind, option.kind)


def _value(value: Any) -> str:
    """A default written as TOML, in code style; `—` for none."""
    if value is None:
        return "—"
    return f"`{_cell(_toml(value))}`"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text + "." if text and text[-1] not in ".!?)" else text


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
