"""render_reference: every declared key documented with type, default and help."""

from __future__ import annotations

from lockgate.config import schema
from lockgate.config.loader import stage_options
from lockgate.config.options import Option
from lockgate.config.reference import builtin_stages, render_reference
from lockgate.stages.registry import BUILTIN
from tests.config.fakes import FAKE_STAGES

ENVIRONMENTS = schema.Section(
    "environments", (Option("url", "str", None, "Base URL | of the site"),), "Targets.", each=True
)


def test_fake_stages_and_sections_render() -> None:
    text = render_reference(FAKE_STAGES, (ENVIRONMENTS,))
    assert "### `[project]`" in text and "### `[run]`" in text and "### `[[suppress]]`" in text
    assert "| `name` | string | the folder's name |" in text
    assert "| `timeout` | number | `run.timeout` |" in text
    assert '| `fail_on` | one of `critical`, `high`, `medium`, `low`, `info` | `"low"` |' in text
    assert '#### `[stages.lint]`\n\nFake linter.\n\nChanged defaults: `fail_on = "medium"`.' in text
    assert '| `select` | list of strings | `["E", "F"]` | Rule codes to enable. |' in text
    assert "Changed defaults: `timeout = 1800`." in text
    assert "| `coverage_min` | number | `0` | Coverage floor in percent. |" in text
    assert "| `command` | string | — | Test command; detected when unset. |" in text
    assert "### `[environments.NAME]`\n\nTargets." in text
    assert "| `url` | string | — | Base URL \\| of the site. |" in text  # pipes escaped
    assert "| `expires` | date | required |" in text


def test_reference_is_deterministic() -> None:
    assert render_reference(FAKE_STAGES) == render_reference(FAKE_STAGES)


def test_every_declared_key_has_help_and_a_known_kind() -> None:
    declared = [*schema.PROJECT.options, *schema.RUN.options, *schema.COMMON]
    declared += [*schema.SUPPRESS.options, *(o for s in schema.SECTIONS for o in s.options)]
    for stage in builtin_stages().values():
        declared += stage_options(stage)
    for option in declared:
        assert option.help.strip(), f"{option.name} has no help"
        assert option.kind in {
            "str",
            "int",
            "float",
            "bool",
            "list[str]",
            "table",
            "list[table]",
            "date",
        }, option


def test_builtin_reference_covers_every_builtin_stage_option() -> None:
    text = render_reference()
    for name, stage in builtin_stages().items():
        assert f"#### `[stages.{name}]`" in text
        for option in getattr(stage, "options", ()):
            assert f"`{option.name}" in text, (name, option.name)
    assert list(builtin_stages()) == list(BUILTIN)


def test_sections_do_not_reuse_reserved_names() -> None:
    names = [s.name for s in schema.SECTIONS]
    assert len(names) == len(set(names))
    assert not set(names) & set(schema.RESERVED)
