"""The schema's own consistency: gate keys, severities, and options that pass their own checks."""

from __future__ import annotations

from dataclasses import fields

import pytest

from lockgate.config import schema
from lockgate.config.loader import stage_options
from lockgate.config.options import Option
from lockgate.model import Severity
from lockgate.stages.interface import Gate
from tests.config.fakes import FAKE_STAGES, FakeLint


def test_gate_keys_are_common_options_and_gate_fields() -> None:
    common = {o.name for o in schema.COMMON}
    assert set(schema.GATE_KEYS) <= common
    assert set(schema.GATE_KEYS) == {f.name for f in fields(Gate)}


def test_fail_on_accepts_exactly_the_severities() -> None:
    (fail_on,) = (o for o in schema.COMMON if o.name == "fail_on")
    assert fail_on.choices == tuple(s.value for s in Severity)
    assert fail_on.validate("severe") is not None and fail_on.validate("high") is None


@pytest.mark.parametrize(
    "option",
    [
        *schema.PROJECT.options,
        *schema.RUN.options,
        *schema.COMMON,
        *schema.SUPPRESS.options,
        *(o for s in schema.SECTIONS for o in s.options),
    ],
    ids=lambda o: o.name,
)
def test_declared_defaults_are_valid_values(option: Option) -> None:
    if option.default is not None:
        assert option.validate(option.default) is None


def test_stage_redeclaring_a_common_option_changes_only_its_default() -> None:
    options = {o.name: o for o in stage_options(FakeLint)}
    (common,) = (o for o in schema.COMMON if o.name == "fail_on")
    assert options["fail_on"].default == "medium"
    assert options["fail_on"].choices == common.choices and options["fail_on"].help == common.help
    assert [o.name for o in stage_options(FAKE_STAGES["test"])] == [
        "enabled",
        "fail_on",
        "new_only",
        "timeout",
        "fail_on_unchecked",
        "coverage_min",
        "command",
    ]


def test_builtin_stage_defaults_are_valid_values() -> None:
    from lockgate.config.reference import builtin_stages

    for name, stage in builtin_stages().items():
        for option in stage_options(stage):
            default = list(option.default) if isinstance(option.default, tuple) else option.default
            if default is not None:  # tuples stand for TOML arrays (the loader freezes lists)
                assert option.validate(default) is None, (name, option.name, default)
