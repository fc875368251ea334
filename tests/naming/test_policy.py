"""The policy in force: defaults, a shared policy file under [naming], and bad policies."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from lockgate.config.sections import NamingSettings
from lockgate.errors import LockgateError
from lockgate.naming.casing import Casing
from lockgate.naming.interface import ObjectKind
from lockgate.naming.options import NAMING_OPTIONS, template_problem
from lockgate.naming.policy import load


def values(**over: object) -> dict[str, object]:
    d = NamingSettings.defaults()
    return {**{f.name: getattr(d, f.name) for f in fields(d)}, **over}


def test_settings_fields_are_the_declared_options() -> None:
    assert [f.name for f in fields(NamingSettings)] == [o.name for o in NAMING_OPTIONS]


def test_default_policy_is_kebab_with_conventional_exceptions() -> None:
    policy = load(values(), Path("."))
    assert policy.casing[ObjectKind.REPOSITORY] is Casing.KEBAB
    assert policy.casing[ObjectKind.TERRAFORM_LABEL] is Casing.SNAKE
    assert policy.casing[ObjectKind.ENV_VAR] is Casing.UPPER_SNAKE
    assert "api" in policy.suffixes and policy.shared_name


def test_shared_policy_file_applies_where_lockgate_toml_keeps_defaults(tmp_path: Path) -> None:
    (tmp_path / "org.toml").write_text(
        '[naming]\ncasing = "snake"\nrequired_tags = ["Owner"]\nbanned_words = ["foo"]\n'
    )
    policy = load(values(policy="org.toml", banned_words=["bar"]), tmp_path)
    assert policy.casing[ObjectKind.PACKAGE] is Casing.SNAKE
    assert policy.required_tags == ("Owner",)
    assert policy.banned_words == frozenset({"bar"})  # the project's own setting wins
    assert "org.toml" in policy.source


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        (
            '[naming]\ncasing = "kebab"\ntemplates = { kubernetes = "{service}-{team}" }\n',
            "{team}",
            3,
        ),
        ('[naming]\ncolour = "red"\n', "not a naming policy key", 2),
        ("[naming\n", "not valid TOML", None),
    ],
)
def test_bad_shared_policy_names_file_and_line(
    tmp_path: Path, text: str, message: str, line: int | None
) -> None:
    (tmp_path / "org.toml").write_text(text)
    with pytest.raises(LockgateError) as info:
        load(values(policy="org.toml"), tmp_path)
    assert message in info.value.message
    assert info.value.where == ("org.toml" if line is None else f"org.toml:{line}")


def test_missing_shared_policy_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LockgateError, match="cannot read the naming policy"):
        load(values(policy="missing.toml"), tmp_path)


@pytest.mark.parametrize(
    ("template", "ok"),
    [
        ("{service}-{environment}-{component}", True),
        ("{service}-{suffix}", True),
        ("{service}-{env}", False),
        ("plain-name", False),
    ],
)
def test_template_tokens(template: str, ok: bool) -> None:
    assert (template_problem(template) is None) is ok


@pytest.mark.parametrize(
    ("templates", "said"),
    [
        ({"kubernetes": "{service}-{enviroment}"}, "did you mean {environment}?"),
        ({"kubernetes": "{service}-{team}"}, "unknown token {team}"),
        ({"kubernets": "{service}"}, "unknown kind 'kubernets', did you mean 'kubernetes'?"),
    ],
)
def test_a_near_miss_in_a_template_names_what_was_meant(
    templates: dict[str, str], said: str
) -> None:
    from lockgate.naming.options import templates as check

    problem = check(templates)
    assert problem is not None and said in problem
    assert "did you mean" not in problem or "{team}" not in problem
